"""``{% case_proceeding case as proc %}``: what the case page's decision-procedure card
shows (``cases/_proceeding.html``): the live or last procedure, its clocks, the
compensation and fines with their payments, and the forms of the steps open now."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms, template

from qingling.cases.decisions import (
    penalty_decision_due,
    proceeding_live,
    proceeding_step_actors,
)
from qingling.cases.enforcement import clock_state
from qingling.cases.forms import (
    AnswerForm,
    ApplyForm,
    ChallengeForm,
    ChallengeOutcomeForm,
    CompensationPaymentForm,
    DecideForm,
    DefenceForm,
    HearingNoticeForm,
    PenaltyPaymentForm,
    ProceedingStartForm,
    ProceedingWithdrawForm,
    RulingForm,
    WaiverForm,
)
from qingling.cases.lifecycle import OPEN_STATUSES, StepActor
from qingling.cases.models import Case, Compensation, Penalty, Proceeding
from qingling.cases.penalties import penalty_owed
from qingling.cases.procedure import ProceedingStatus
from qingling.cases.services import case_step_actors
from qingling.core import clock

register = template.Library()
S = ProceedingStatus


@dataclass
class CompensationRow:
    compensation: Compensation
    form: forms.Form | None


@dataclass
class PenaltyRow:
    penalty: Penalty
    surcharge: Decimal
    owed: Decimal
    form: forms.Form | None


def _forms(proceeding: Proceeding | None, actors: frozenset[str]) -> dict[str, forms.Form]:
    found: dict[str, forms.Form] = {}
    if proceeding is None:
        found["start"] = ProceedingStartForm(prefix="start")
        return found
    today = clock.local_today()
    if proceeding.status == S.NOTIFIED and proceeding.notice_served_on is not None:
        found["defence"] = DefenceForm(prefix="defence", initial={"received_on": today})
        if proceeding.hearing_requested and proceeding.answer_adopted is None:
            found["hearing_notice"] = HearingNoticeForm(
                prefix="hearing_notice", initial={"notified_on": today}
            )
        if proceeding.statement and proceeding.answer_adopted is None:
            found["answer"] = AnswerForm(prefix="answer")
        if proceeding.waived_on is None:
            found["waiver"] = WaiverForm(prefix="waiver", initial={"waived_on": today})
        if StepActor.CHIEF in actors:
            found["decide"] = DecideForm(prefix="decide")
    if proceeding.status == S.NOTIFIED and StepActor.CHIEF in actors:
        found["withdraw"] = ProceedingWithdrawForm(prefix="withdraw")
    if proceeding.status == S.DECIDED and proceeding.decisions_served_on is not None:
        found["challenge"] = ChallengeForm(prefix="challenge", initial={"lodged_on": today})
    if proceeding.status == S.REMINDED and proceeding.reminder_due is not None:
        found["apply"] = ApplyForm(prefix="apply", initial={"applied_on": today})
    if proceeding.status == S.APPLIED:
        found["ruling"] = RulingForm(prefix="ruling", initial={"ruling_on": today})
    return found


@register.simple_tag(takes_context=True)
def case_proceeding(context: template.Context, case: Case) -> dict[str, Any]:
    request = context.get("request")
    bound = context.get("bound_forms") or {}  # a refused form, shown again (views.cases)
    user = getattr(request, "user", None)
    can_act = bool(case_step_actors(case, user)) and case.status in OPEN_STATUSES
    proceeding = proceeding_live(case=case) or (
        case.proceedings.select_related("notice", "decision", "penalty_decision", "reminder")
        .order_by("-created_at", "-id")
        .first()
    )
    today = clock.local_today()
    compensations: list[CompensationRow] = []
    penalties: list[PenaltyRow] = []
    challenges: list[tuple[Any, forms.Form | None]] = []
    actors: frozenset[str] = frozenset()
    if proceeding is not None:
        actors = proceeding_step_actors(proceeding, user) if user is not None else frozenset()
        for c in proceeding.compensations.select_related("claim__worker"):
            form = (
                CompensationPaymentForm(
                    prefix="compensation_pay",
                    initial={"compensation": c.pk, "paid_on": today, "amount": c.outstanding},
                )
                if can_act and c.outstanding > 0
                else None
            )
            compensations.append(CompensationRow(c, form))
        for p in proceeding.penalties.all():
            fine, extra = penalty_owed(p, on=today)
            pay_fine = (
                PenaltyPaymentForm(
                    prefix="penalty_pay",
                    initial={"penalty": p.pk, "paid_on": today, "amount": fine + extra},
                )
                if can_act and p.paid_on is None and p.due is not None
                else None
            )
            penalties.append(PenaltyRow(p, extra, fine + extra, pay_fine))
        for ch in proceeding.challenges.all():
            outcome_form = (
                ChallengeOutcomeForm(
                    prefix="challenge_outcome",
                    initial={"challenge": ch.pk, "decided_on": today},
                )
                if can_act and ch.outcome == "pending"
                else None
            )
            challenges.append((ch, outcome_form))
    live = proceeding is not None and proceeding.status in {
        S.NOTIFIED,
        S.DECIDED,
        S.FINAL,
        S.REMINDED,
        S.APPLIED,
    }
    step_forms = (
        _forms(proceeding if live else None, actors)
        if can_act and (live or case.order_issued_on is not None)
        else {}
    )
    # 行政处罚法 Art. 60: the penalty decision within 90 days of 立案, shown while a fine
    # is announced and not decided (the worker warns on it too)
    decision_due = decision_state = None
    if proceeding is not None and proceeding.status == S.NOTIFIED and proceeding.intended_fine_key:
        decision_due = penalty_decision_due(case)
        decision_state = clock_state(decision_due, today=today)
    buttons = []
    if can_act and proceeding is not None:
        if proceeding.status == S.DECIDED:
            buttons += ["final", "carried_out"]
        elif proceeding.status == S.FINAL:
            buttons += ["remind", "carried_out"]
        elif proceeding.status == S.REMINDED:
            buttons += ["carried_out"]
    return {
        "proceeding": proceeding,
        "live": live,
        "compensations": compensations,
        "compensation_total": sum((r.compensation.amount for r in compensations), Decimal(0)),
        "compensation_paid": sum((r.compensation.paid for r in compensations), Decimal(0)),
        "penalties": penalties,
        "challenges": challenges,
        "forms": {key: bound.get(key) or form for key, form in step_forms.items()},
        "buttons": buttons,
        "decision_due": decision_due,
        "decision_state": decision_state,
        "today": today,
    }
