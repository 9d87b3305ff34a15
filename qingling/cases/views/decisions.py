"""Staff page actions of the decision procedure (事先告知 → 陈述申辩 → 决定 → 履行 or
催告 → 申请法院强制执行): one POST endpoint per step, each one service call; the card
is ``cases/_proceeding.html`` (``{% case_proceeding %}``)."""

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm
from qingling.cases import selectors, services
from qingling.cases.compensation import compensation_payment_record
from qingling.cases.decisions import (
    proceeding_decide,
    proceeding_defence_answer,
    proceeding_defence_record,
    proceeding_hearing_notice_record,
    proceeding_live,
    proceeding_start,
    proceeding_waiver_record,
    proceeding_withdraw,
)
from qingling.cases.enforcement import (
    challenge_decide,
    challenge_record,
    proceeding_apply,
    proceeding_carried_out_record,
    proceeding_final,
    proceeding_remind,
    proceeding_ruling,
)
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
from qingling.cases.models import Case, Challenge, Compensation, Penalty, Proceeding
from qingling.cases.penalties import penalty_payment_record
from qingling.cases.views.cases import case_page
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_submit

Step = Callable[[Case, Proceeding | None, dict[str, Any], Any], object]


def _need(proceeding: Proceeding | None) -> Proceeding:
    if proceeding is None:
        raise Http404
    return proceeding


def _start(case: Case, p: Proceeding | None, data: dict[str, Any], user: Any) -> object:
    return proceeding_start(
        case=case,
        rate=data["rate"],
        rate_reason=data["rate_reason"],
        fine_key=data["fine_key"],
        fine_amount=data["fine_amount"],
        actor=user,
    )


def _compensation_pay(case: Case, p: Proceeding | None, data: dict[str, Any], user: Any) -> object:
    compensation = Compensation.objects.filter(pk=data["compensation"], claim__case=case).first()
    if compensation is None:
        raise Http404
    return compensation_payment_record(
        compensation=compensation,
        amount=data["amount"],
        paid_on=data["paid_on"],
        voucher=data["voucher"],
        actor=user,
    )


def _penalty_pay(case: Case, p: Proceeding | None, data: dict[str, Any], user: Any) -> object:
    penalty = Penalty.objects.filter(pk=data["penalty"], proceeding__case=case).first()
    if penalty is None:
        raise Http404
    return penalty_payment_record(
        penalty=penalty,
        paid_on=data["paid_on"],
        amount=data["amount"],
        receipt_number=data["receipt_number"],
        actor=user,
    )


def _challenge_outcome(case: Case, p: Proceeding | None, data: dict[str, Any], user: Any) -> object:
    challenge = Challenge.objects.filter(pk=data["challenge"], proceeding__case=case).first()
    if challenge is None:
        raise Http404
    return challenge_decide(
        challenge=challenge, outcome=data["outcome"], decided_on=data["decided_on"], actor=user
    )


# action → (form, step, message on success)
ACTIONS: dict[str, tuple[type[forms.Form] | None, Step, Promise]] = {
    "start": (ProceedingStartForm, _start, _("Notice of the intended decision generated.")),
    "defence": (
        DefenceForm,
        lambda c, p, d, u: proceeding_defence_record(proceeding=_need(p), actor=u, **d),
        _("Statement and defence recorded."),
    ),
    "hearing_notice": (
        HearingNoticeForm,
        lambda c, p, d, u: proceeding_hearing_notice_record(proceeding=_need(p), actor=u, **d),
        _("Hearing notice recorded."),
    ),
    "withdraw": (
        ProceedingWithdrawForm,
        lambda c, p, d, u: proceeding_withdraw(proceeding=_need(p), actor=u, reason=d["reason"]),
        _("The procedure is withdrawn."),
    ),
    "answer": (
        AnswerForm,
        lambda c, p, d, u: proceeding_defence_answer(proceeding=_need(p), actor=u, **d),
        _("Answer recorded."),
    ),
    "waiver": (
        WaiverForm,
        lambda c, p, d, u: proceeding_waiver_record(proceeding=_need(p), actor=u, **d),
        _("Written waiver recorded."),
    ),
    "decide": (
        DecideForm,
        lambda c, p, d, u: proceeding_decide(proceeding=_need(p), actor=u, **d),
        _("Decisions issued; serve them on the party."),
    ),
    "challenge": (
        ChallengeForm,
        lambda c, p, d, u: challenge_record(proceeding=_need(p), actor=u, **d),
        _("Review or suit recorded."),
    ),
    "challenge_outcome": (ChallengeOutcomeForm, _challenge_outcome, _("Outcome recorded.")),
    "final": (
        None,
        lambda c, p, d, u: proceeding_final(proceeding=_need(p), actor=u),
        _("The decisions are final."),
    ),
    "carried_out": (
        None,
        lambda c, p, d, u: proceeding_carried_out_record(proceeding=_need(p), actor=u),
        _("The decisions are carried out."),
    ),
    "remind": (
        None,
        lambda c, p, d, u: proceeding_remind(proceeding=_need(p), actor=u),
        _("Reminder generated; serve it on the party."),
    ),
    "apply": (
        ApplyForm,
        lambda c, p, d, u: proceeding_apply(proceeding=_need(p), actor=u, **d),
        _("Application to the court recorded."),
    ),
    "ruling": (
        RulingForm,
        lambda c, p, d, u: proceeding_ruling(proceeding=_need(p), actor=u, **d),
        _("The court's ruling recorded."),
    ),
    "compensation_pay": (CompensationPaymentForm, _compensation_pay, _("Payment recorded.")),
    "penalty_pay": (PenaltyPaymentForm, _penalty_pay, _("Payment of the fine recorded.")),
}


def _latest(case: Case) -> Proceeding | None:
    """The live procedure, else the last one (payments may follow its end)."""
    return proceeding_live(case=case) or case.proceedings.order_by("-created_at", "-id").first()


@require_perm(Perm.CASE_VIEW)  # the services check who may take each step
@require_POST
def proceeding_act(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    if action not in ACTIONS:
        raise Http404
    if not services.case_step_actors(case, request.user):
        raise PermissionDenied
    form_class, step, success = ACTIONS[action]
    if form_class is None:
        try:
            step(case, _latest(case), {}, request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, str(success))
        return redirect(f"{case_url(case)}#procedure")
    form = form_class(request.POST, prefix=action)
    submitted = form_submit(form, lambda data: step(case, _latest(case), dict(data), request.user))
    if not submitted.ok:
        return case_page(request, case, refused=form)
    messages.success(request, str(success))
    return redirect(f"{case_url(case)}#procedure")


def case_url(case: Case) -> str:
    return reverse("cases:case_detail", kwargs={"public_id": case.public_id})
