"""After the decisions: reviews and suits, finality, the reminder (催告) and the court.

A decision becomes final when the periods for 行政复议 (60 days) and 行政诉讼 (6 months)
from its service have passed with nothing pending and nothing revoked
(``proceeding_final``). Final and not carried out, the bureau serves a reminder
(催告书, 行政强制法 Arts. 35, 54) and, once its 10 working days have passed, applies to
the court within 3 months of the periods' end (Art. 53); the court's ruling and the
outcome are recorded. ``proceeding_clocks_scan`` (run by the worker) warns before and
escalates after each of these clocks, once per clock.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qingling.cases.decisions import (
    ProceedingNotAllowed,
    _invalid,
    _require_worker,
    application_due,
    penalty_decision_due,
    proceeding_carried_out,
    proceeding_transition,
)
from qingling.cases.documents import document_generate
from qingling.cases.models import Challenge, Document, Proceeding, ProceedingAlert
from qingling.cases.procedure import (
    CLOCK_OF_STATUS,
    REMINDER_WORKING_DAYS,
    ProceedingClock,
    ProceedingStatus,
)
from qingling.cases.services import case_writable_check
from qingling.core import clock
from qingling.core.exceptions import Conflict
from qingling.core.money import yuan
from qingling.core.services import Actor, audit_event_record

S = ProceedingStatus
WARN_DAYS_BEFORE = 3  # the worker warns this many calendar days before a clock ends


@transaction.atomic
def challenge_record(
    *, proceeding: Proceeding, kind: str, lodged_on: dt.date, body: str, actor: Actor
) -> Challenge:
    """Record an application for review (行政复议) or a suit (行政诉讼) against the
    decisions; while it is pending the decisions are not final."""
    case_writable_check(proceeding.case)
    case = proceeding.case
    _require_worker(case, actor)
    if proceeding.status != S.DECIDED or proceeding.decisions_served_on is None:
        raise ProceedingNotAllowed(
            _("Only decisions that were served can be challenged."), field="kind"
        )
    if kind not in Challenge.Kind.values:
        raise _invalid("kind", _("Choose review or suit."))
    if lodged_on < proceeding.decisions_served_on or lodged_on > clock.local_today():
        raise _invalid("lodged_on", _("The date must be between the decisions' service and today."))
    challenge = Challenge.objects.create(
        proceeding=proceeding,
        kind=kind,
        lodged_on=lodged_on,
        body=body.strip()
        or (settings.QINGLING_REVIEW_ORGAN if kind == "review" else settings.QINGLING_COURT),
    )
    audit_event_record(
        actor=actor,
        action="case.challenge",
        obj=case,
        after={"kind": kind, "lodged_on": lodged_on.isoformat(), "body": challenge.body},
    )
    return challenge


@transaction.atomic
def challenge_decide(
    *, challenge: Challenge, outcome: str, decided_on: dt.date, actor: Actor
) -> Challenge:
    """Record the outcome of a review or suit (once)."""
    case_writable_check(challenge.proceeding.case)
    case = challenge.proceeding.case
    _require_worker(case, actor)
    if outcome not in Challenge.Outcome.values or outcome == Challenge.Outcome.PENDING:
        raise _invalid("outcome", _("Choose the outcome."))
    if decided_on < challenge.lodged_on or decided_on > clock.local_today():
        raise _invalid("decided_on", _("The date must be between the lodging and today."))
    updated = Challenge.objects.filter(pk=challenge.pk, outcome=Challenge.Outcome.PENDING).update(
        outcome=outcome, decided_on=decided_on, updated_at=clock.now()
    )
    if updated != 1:
        raise Conflict(_("The outcome was recorded already."), code="challenge_decided")
    challenge.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="case.challenge_outcome",
        obj=case,
        after={"kind": challenge.kind, "outcome": outcome, "decided_on": decided_on.isoformat()},
    )
    return challenge


def proceeding_final(*, proceeding: Proceeding, actor: Actor) -> Proceeding:
    """The periods for review and suit are over with nothing pending or revoked, and the
    decisions are not carried out: they are final, and the 3 months to apply to the
    court start (行政强制法 Art. 53)."""
    case_writable_check(proceeding.case)
    periods_end = max(filter(None, (proceeding.suit_until, proceeding.review_until)), default=None)
    values: dict[str, Any] = {}
    if periods_end is not None:
        values = {"final_on": clock.local_today(), "application_due": application_due(periods_end)}
    if proceeding_carried_out(proceeding):
        raise ProceedingNotAllowed(
            _("Everything decided has been paid: record the procedure as carried out instead.")
        )
    return proceeding_transition(proceeding=proceeding, target=S.FINAL, actor=actor, values=values)


def proceeding_carried_out_record(*, proceeding: Proceeding, actor: Actor) -> Proceeding:
    """Everything the decisions ordered was paid: the procedure ends."""
    case_writable_check(proceeding.case)
    return proceeding_transition(proceeding=proceeding, target=S.CARRIED_OUT, actor=actor)


def _unperformed(proceeding: Proceeding) -> str:
    parts = []
    unpaid = sum((c.outstanding for c in proceeding.compensations.all()), Decimal(0))
    if unpaid > 0:
        parts.append(f"加付赔偿金{yuan(unpaid)}元")
    wages = proceeding.case.total_outstanding
    if wages > 0:
        parts.append(f"拖欠工资{yuan(wages)}元")
    parts.extend(
        f"罚款{yuan(penalty.amount)}元及依法加处的罚款"
        for penalty in proceeding.penalties.filter(paid_on=None)
    )
    return "、".join(parts) + "。" if parts else ""


@transaction.atomic
def proceeding_remind(*, proceeding: Proceeding, actor: Actor) -> Proceeding:
    """Generate the reminder (催告书) of a final decision not carried out; serving it
    starts its 10 working days (行政强制法 Art. 54)."""
    case_writable_check(proceeding.case)
    _require_worker(proceeding.case, actor)
    if proceeding.status != S.FINAL:
        # the transition service says why
        return proceeding_transition(proceeding=proceeding, target=S.REMINDED, actor=actor)
    numbers = "、".join(
        d.number for d in (proceeding.decision, proceeding.penalty_decision) if d is not None
    )
    reminder = document_generate(
        case=proceeding.case,
        kind=Document.Kind.ENFORCEMENT_REMINDER,
        actor=actor,
        procedure={
            "decision_numbers": numbers,
            "unperformed": _unperformed(proceeding),
            "reminder_days": str(REMINDER_WORKING_DAYS),
        },
    )
    return proceeding_transition(
        proceeding=proceeding,
        target=S.REMINDED,
        actor=actor,
        values={"reminder": reminder},
        reminder=reminder,
    )


def proceeding_apply(
    *, proceeding: Proceeding, applied_on: dt.date, court_case_number: str = "", actor: Actor
) -> Proceeding:
    """Record the application to the court for enforcement (申请人民法院强制执行): after
    the reminder's period, within 3 months of the periods' end (行政强制法 Arts. 53–54)."""
    case_writable_check(proceeding.case)
    return proceeding_transition(
        proceeding=proceeding,
        target=S.APPLIED,
        actor=actor,
        values={"applied_on": applied_on, "court_case_number": court_case_number.strip()},
        applied_on=applied_on,
    )


def proceeding_ruling(
    *, proceeding: Proceeding, ruling: str, ruling_on: dt.date, outcome: str, actor: Actor
) -> Proceeding:
    """Record the court's ruling (准予执行 or 不予执行) and what came of it."""
    case_writable_check(proceeding.case)
    if not outcome.strip():
        raise _invalid("outcome", _("Describe the outcome."))
    return proceeding_transition(
        proceeding=proceeding,
        target=S.CONCLUDED,
        actor=actor,
        values={"ruling": ruling, "ruling_on": ruling_on, "outcome": outcome.strip()},
        ruling=ruling,
        ruling_on=ruling_on,
    )


# --- the worker's clocks -----------------------------------------------------------------------


def proceeding_clock_due(proceeding: Proceeding) -> tuple[str, dt.date] | None:
    """The clock running in the proceeding's status and its last day, if it runs."""
    name = CLOCK_OF_STATUS.get(proceeding.status)
    due = (
        {
            ProceedingClock.DEFENCE: proceeding.defence_due,
            ProceedingClock.FINALITY: max(
                filter(None, (proceeding.suit_until, proceeding.review_until)), default=None
            ),
            ProceedingClock.APPLICATION: proceeding.application_due,
            ProceedingClock.REMINDER: proceeding.reminder_due,
        }.get(name)
        if name
        else None
    )
    if name is None or due is None:
        return None
    return name, due


def proceeding_decision_clock_due(proceeding: Proceeding) -> tuple[str, dt.date] | None:
    """The 90 days from 立案 to the penalty decision (行政处罚法 Art. 60), running while
    a fine is announced and not yet decided."""
    if proceeding.status != S.NOTIFIED or not proceeding.intended_fine_key:
        return None
    return ProceedingClock.DECISION, penalty_decision_due(proceeding.case)


def proceeding_clocks_due(proceeding: Proceeding) -> list[tuple[str, dt.date]]:
    """Every clock running on the proceeding, with its last day."""
    found = (proceeding_clock_due(proceeding), proceeding_decision_clock_due(proceeding))
    return [clock_due for clock_due in found if clock_due is not None]


def clock_state(due: dt.date, *, today: dt.date) -> str:
    """ "" (running), "warning" (ends within WARN_DAYS_BEFORE days) or "escalation"."""
    if today > due:
        return ProceedingAlert.Level.ESCALATION
    if today >= due - dt.timedelta(days=WARN_DAYS_BEFORE):
        return ProceedingAlert.Level.WARNING
    return ""


def proceeding_clock_state(proceeding: Proceeding, *, today: dt.date) -> str:
    """The state of the clock of the proceeding's status (``clock_state``)."""
    found = proceeding_clock_due(proceeding)
    if found is None:
        return ""
    return clock_state(found[1], today=today)


def proceeding_clocks_scan(*, today: dt.date) -> dict[str, int]:
    """Warn before and escalate (督办) after each running clock of every live procedure —
    the defence, the 90 days to the penalty decision, the periods for review and suit,
    the reminder and the application to the court — once per clock and level; safe to
    run twice (a unique constraint). An escalation stands for a warning never given.
    An archived case's procedure is not watched (its file is closed)."""
    counts = {"warning": 0, "escalation": 0}
    running = (
        Proceeding.objects.filter(status__in=list(CLOCK_OF_STATUS))
        .exclude(case__archive__isnull=False)
        .select_related("case")
    )
    for proceeding in running:
        for name, due in proceeding_clocks_due(proceeding):
            level = clock_state(due, today=today)
            if not level:
                continue
            try:
                with transaction.atomic():
                    ProceedingAlert.objects.create(
                        proceeding=proceeding, clock=name, level=level, due=due, at=clock.now()
                    )
                    audit_event_record(
                        actor=None,
                        action=f"case.proceeding_{level}",
                        obj=proceeding.case,
                        after={"clock": name, "due": due.isoformat()},
                    )
            except IntegrityError:
                continue
            counts[level] += 1
    return counts
