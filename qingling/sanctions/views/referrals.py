"""The transfer to the police (移送): the list, proposing from a case (with the conditions
its records meet and the evasion evidence), one transfer with its next steps, its clocks
and its history, and its documents."""

import uuid
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm
from qingling.cases import selectors as case_selectors
from qingling.cases.documents import DOCX_CONTENT_TYPE
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.core.selectors import audit_history
from qingling.sanctions import documents, selectors, services
from qingling.sanctions.forms import (
    EvasionForm,
    PoliceAnswerForm,
    PoliceNoticeForm,
    ProsecutorCopyForm,
    ReconsiderationForm,
    ReferralApproveForm,
    ReferralFilterForm,
    ReferralProposeForm,
    ReferralReasonForm,
    ReferralSendForm,
    SupervisionForm,
)
from qingling.sanctions.lifecycle import (
    REFERRAL_COPY_STATUSES,
    ReferralActor,
    ReferralStatus,
    referral_allowed_targets,
)

PAGE_SIZE = 50
R = ReferralStatus
# step name → (target status, form, label)
STEPS: dict[str, tuple[str, type[forms.Form], Any]] = {
    "approve": (R.APPROVED, ReferralApproveForm, gettext_lazy("Approve the transfer (批准移送)")),
    "refuse": (R.REFUSED, ReferralReasonForm, gettext_lazy("Do not approve (不批准移送)")),
    "withdraw": (R.WITHDRAWN, ReferralReasonForm, gettext_lazy("Withdraw the proposal")),
    "send": (R.SENT, ReferralSendForm, gettext_lazy("Record the sending to the police")),
    "accept": (R.ACCEPTED, PoliceAnswerForm, gettext_lazy("The police opened a case (立案)")),
    "decline": (R.DECLINED, PoliceNoticeForm, gettext_lazy("The police declined (不予立案)")),
    "reconsider": (
        R.RECONSIDERATION,
        ReconsiderationForm,
        gettext_lazy("Ask for reconsideration (提请复议)"),
    ),
    "uphold": (R.UPHELD, PoliceNoticeForm, gettext_lazy("Refusal upheld on reconsideration")),
    "supervise": (
        R.SUPERVISION,
        SupervisionForm,
        gettext_lazy("Ask the procuratorate's supervision (立案监督)"),
    ),
    "end": (R.ENDED, ReferralReasonForm, gettext_lazy("End without a criminal case")),
}
STEP_OF_TARGET = {target: step for step, (target, _form, _label) in STEPS.items()}
# not a status change: the copy to the procuratorate, when not recorded with the sending
COPY_STEP = "copy"
COPY_LABEL = gettext_lazy("Record the copy to the procuratorate (抄送检察院)")
EVENT_LABELS = {
    "referral.propose": gettext_lazy("Proposed"),
    "referral.approved": gettext_lazy("Approved by the head"),
    "referral.refused": gettext_lazy("Not approved"),
    "referral.withdrawn": gettext_lazy("Withdrawn"),
    "referral.sent": gettext_lazy("Sent to the police"),
    "referral.accepted": gettext_lazy("The police opened a criminal case"),
    "referral.declined": gettext_lazy("The police declined"),
    "referral.reconsideration": gettext_lazy("Reconsideration asked for"),
    "referral.upheld": gettext_lazy("Refusal upheld"),
    "referral.supervision": gettext_lazy("Procuratorate's supervision asked for"),
    "referral.ended": gettext_lazy("Ended"),
    "referral.copied": gettext_lazy("Copy to the procuratorate recorded"),
    "referral.warning": gettext_lazy("Warning: the time is running out"),
    "referral.escalation": gettext_lazy("Escalated (督办): the time has run out"),
    "referral.document": gettext_lazy("Document generated"),
}


@require_perm(Perm.CASE_VIEW)
def referral_list(request: HttpRequest) -> HttpResponse:
    form = ReferralFilterForm(request.GET)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    rows = selectors.referral_list_for_user(user=request.user, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sanctions/referral_list.html", {"page": page, "form": form})


def _propose_page(
    request: HttpRequest, case: Any, form: ReferralProposeForm, evasion_form: EvasionForm
) -> HttpResponse:
    today = clock.local_today()
    three_months = bool(form.data.get("three_months_pay")) if form.is_bound else False
    return render(
        request,
        "sanctions/referral_propose.html",
        {
            "case": case,
            "form": form,
            "evasion_form": evasion_form,
            "conditions": selectors.referral_conditions(
                case=case, today=today, three_months_pay=three_months
            ),
            "evasions": selectors.case_evasions(case=case),
            "referrals": selectors.case_referrals(case=case),
        },
    )


@require_perm(Perm.CASE_WORK)
@require_http_methods(["GET", "POST"])
def referral_propose(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The conditions the case's records meet, the evasion evidence, and the proposal."""
    case = case_selectors.case_get_for_user(user=request.user, public_id=case_id)
    form = ReferralProposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_propose(
                case=case,
                report=form.cleaned_data["report"],
                three_months_pay=form.cleaned_data["three_months_pay"],
                actor=request.user,
            )
        except ApplicationError as error:
            form_add_application_error(form, error, field_map={"case": "report"})
        else:
            messages.success(request, _("The transfer is proposed to the head of the bureau."))
            return redirect("sanctions:referral_detail", public_id=referral.public_id)
    return _propose_page(request, case, form, EvasionForm(prefix="evasion"))


@require_perm(Perm.CASE_WORK)
@require_POST
def evasion_record(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = case_selectors.case_get_for_user(user=request.user, public_id=case_id)
    form = EvasionForm(request.POST, request.FILES, prefix="evasion")
    if form.is_valid():
        try:
            services.evasion_record(
                case=case,
                kind=form.cleaned_data["kind"],
                observed_on=form.cleaned_data["observed_on"],
                description=form.cleaned_data["description"],
                uploads=form.cleaned_data["evidence"],
                actor=request.user,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, _("The evidence is recorded."))
            return redirect("sanctions:referral_propose", case_id=case.public_id)
    return _propose_page(request, case, ReferralProposeForm(), form)


def _initial(step: str, referral: Any) -> dict[str, Any]:
    if step == "send":
        return {
            "sent_at": timezone.localtime(clock.now()).replace(second=0, microsecond=0),
            "police_organ": selectors.police_organ_for(referral.case),
            "prosecutor_copied": selectors.prosecutor_for(referral.case),
        }
    if step == "supervise":
        return {"prosecutor": selectors.prosecutor_for(referral.case)}
    return {}


@require_perm(Perm.CASE_VIEW)
def referral_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    referral = selectors.referral_get_for_user(user=request.user, public_id=public_id)
    actors = services.referral_step_actors(referral, request.user)
    steps = [
        (step, STEPS[step][2], STEPS[step][1](prefix=step, initial=_initial(step, referral)))
        for step in (
            STEP_OF_TARGET[target] for target in referral_allowed_targets(referral.status, actors)
        )
    ]
    if (
        ReferralActor.CASE_INSPECTOR in actors
        and referral.status in REFERRAL_COPY_STATUSES
        and not referral.prosecutor_copied
    ):
        initial = {"prosecutor": selectors.prosecutor_for(referral.case)}
        steps.append((COPY_STEP, COPY_LABEL, ProsecutorCopyForm(prefix=COPY_STEP, initial=initial)))
    clock_due = services.referral_clock_due(referral)
    return render(
        request,
        "sanctions/referral_detail.html",
        {
            "referral": referral,
            "case": referral.case,
            "steps": steps,
            "clock_due": clock_due,
            "clock_state": services.referral_clock_state(referral, now=clock.now()),
            "alerts": referral.alerts.all(),
            "items": [
                label for value, label in referral.Item.choices if value in set(referral.items)
            ],
            "timeline": [
                (event, EVENT_LABELS.get(event.action, event.action))
                for event in audit_history(
                    object_type="sanctions.referral", object_id=str(referral.pk)
                )
            ],
        },
    )


@require_perm(Perm.CASE_VIEW)
@require_POST
def referral_act(request: HttpRequest, public_id: uuid.UUID, step: str) -> HttpResponse:
    if step not in STEPS and step != COPY_STEP:
        raise Http404
    referral = selectors.referral_get_for_user(user=request.user, public_id=public_id)
    if not services.referral_step_actors(referral, request.user):
        raise PermissionDenied
    if step == COPY_STEP:
        return _copy(request, referral)
    target, form_class, _label = STEPS[step]
    form = form_class(request.POST, prefix=step)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("sanctions:referral_detail", public_id=referral.public_id)
    data = dict(form.cleaned_data)
    note = data.pop("note", "")
    try:
        services.referral_transition(
            referral=referral, target=target, actor=request.user, note=note, **data
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded."))
    return redirect("sanctions:referral_detail", public_id=referral.public_id)


def _copy(request: HttpRequest, referral: Any) -> HttpResponse:
    form = ProsecutorCopyForm(request.POST, prefix=COPY_STEP)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.referral_copy_record(
                referral=referral, actor=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Recorded."))
    return redirect("sanctions:referral_detail", public_id=referral.public_id)


@require_perm(Perm.CASE_VIEW)
def referral_document(request: HttpRequest, public_id: uuid.UUID, kind: str) -> HttpResponse:
    if kind not in documents.KINDS:
        raise Http404
    referral = selectors.referral_get_for_user(user=request.user, public_id=public_id)
    try:
        data = documents.referral_document(referral=referral, kind=kind, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("sanctions:referral_detail", public_id=referral.public_id)
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    name = f"{kind}-{referral.case.number}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
