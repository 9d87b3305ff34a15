"""Staff pages of intake: the work queue, the list, one complaint and its triage."""

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm, can
from qingling.core import clock
from qingling.core.exceptions import ApplicationError, Forbidden
from qingling.core.forms import form_add_application_error
from qingling.core.personal_data import mask_phone
from qingling.intake import selectors, services
from qingling.intake.channels.walk_in.forms import StaffComplaintForm
from qingling.intake.forms import (
    DeclineForm,
    DetailsForm,
    EmployerLinkForm,
    JoinForm,
    MaterialForm,
    NoteForm,
    ReferForm,
    ReplyForm,
    UnjoinForm,
)
from qingling.intake.lifecycle import OPEN_STATUSES, ComplaintStatus
from qingling.intake.models import Channel, Complaint
from qingling.parties.selectors import organization_get_for_user

REPLY_CHANNELS = {Channel.HOTLINE_12345, Channel.HOTLINE_12333, Channel.NATIONAL_PLATFORM}


@require_perm(Perm.COMPLAINT_VIEW)
def queue(request: HttpRequest) -> HttpResponse:
    today = clock.local_today()
    return render(
        request,
        "intake/queue.html",
        {
            "queue": selectors.complaint_queue_for_user(user=request.user, today=today),
            "today": today,
        },
    )


@require_perm(Perm.COMPLAINT_VIEW)
def complaint_list(request: HttpRequest) -> HttpResponse:
    complaints = selectors.complaint_filter(
        selectors.complaint_list_for_user(user=request.user),
        statuses=request.GET.getlist("status"),
        channels=request.GET.getlist("channel"),
        query=request.GET.get("q", ""),
        dates={key: request.GET.get(key, "") for key in selectors.COMPLAINT_DATE_FILTERS},
    )
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    q = request.GET.get("q", "").strip()
    page = Paginator(complaints, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/complaint_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "channel": channel,
            "statuses": ComplaintStatus.choices,
            "channels": Channel.choices,
        },
    )


@require_perm(Perm.COMPLAINT_REGISTER)
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """A walk-in visit, a 12333 call or a letter, entered by staff."""
    form = StaffComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.complaint_register(
                draft=form.draft(),
                channel=form.cleaned_data["channel"],
                actor=request.user,
                idempotency_key=request.POST.get("idempotency_key", "")[:100],
            )
        except ApplicationError as error:
            form_add_application_error(form, error, field_map={"amount": "amount"})
        else:
            messages.success(
                request,
                _("Complaint %(number)s is registered; decide by %(due)s.")
                % {"number": result.complaint.number, "due": result.complaint.acceptance_due},
            )
            return redirect("intake:complaint_detail", public_id=result.complaint.public_id)
    return render(
        request, "intake/complaint_form.html", {"form": form, "idempotency_key": uuid.uuid4()}
    )


@require_perm(Perm.COMPLAINT_VIEW)
def complaint_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    can_triage = can(request.user, Perm.COMPLAINT_TRIAGE)
    return render(
        request,
        "intake/complaint_detail.html",
        {
            "complaint": complaint,
            "attachments": complaint.attachments.all(),
            "hints": _hints(complaint),
            "same_matter": selectors.complaint_same_matter(complaint=complaint, user=request.user),
            "can_triage": can_triage,
            "is_open": complaint.status in OPEN_STATUSES,
            "can_reply": can_triage and complaint.channel in REPLY_CHANNELS,
            "forms": {
                "accept": NoteForm(prefix="accept"),
                "join": JoinForm(prefix="join"),
                "material": MaterialForm(prefix="material"),
                "refer": ReferForm(prefix="refer"),
                "decline": DeclineForm(prefix="decline"),
                "unjoin": UnjoinForm(prefix="unjoin"),
                "received": NoteForm(prefix="received"),
                "details": DetailsForm(prefix="details", initial=_details_initial(complaint)),
                "reply": ReplyForm(prefix="reply"),
            },
        },
    )


HINT_LABELS = {
    "employer": gettext_lazy("Employer"),
    "project": gettext_lazy("Project"),
    "amount": gettext_lazy("Amount owed (yuan)"),
    "headcount": gettext_lazy("Workers owed"),
    "period": gettext_lazy("Period owed"),
    "phones": gettext_lazy("Phone numbers"),
}


def _hints(complaint: Complaint) -> list[tuple[str, str]]:
    """What the text seems to say, labelled for the page (phone numbers masked)."""
    found = []
    for key, label in HINT_LABELS.items():
        value = complaint.suggestions.get(key)
        if value in (None, "", []):
            continue
        if key == "phones":
            value = "、".join(mask_phone(phone) for phone in value)
        found.append((str(label), str(value)))
    return found


def _details_initial(complaint: Complaint) -> dict[str, Any]:
    """The recorded values, or what the text suggests where nothing is recorded."""
    hints = complaint.suggestions
    return {
        "employer_name": complaint.employer_name or hints.get("employer", ""),
        "project_name": complaint.project_name or hints.get("project", ""),
        "amount": complaint.amount_claimed
        if complaint.amount_claimed is not None
        else hints.get("amount"),
        "headcount": complaint.headcount or hints.get("headcount"),
        "period": complaint.period or hints.get("period", ""),
    }


def _details(request: HttpRequest, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    return services.complaint_details_update(
        complaint=complaint,
        actor=request.user,
        employer_name=data["employer_name"],
        project_name=data["project_name"],
        amount=data["amount"],
        headcount=data["headcount"],
        period=data["period"],
    )


def _employer(request: HttpRequest, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    organization = organization_get_for_user(user=request.user, public_id=data["organization"])
    return services.complaint_details_update(
        complaint=complaint, employer=organization, actor=request.user
    )


def _join(request: HttpRequest, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    matter = selectors.complaint_get_by_number_for_user(user=request.user, number=data["matter"])
    if matter is None:
        raise ApplicationError(
            _("No complaint with that number that you may see."),
            code="invalid",
            extra={"fields": {"matter": [_("Not found.")]}},
        )
    return services.complaint_join(
        complaint=complaint, matter=matter, note=data["note"], actor=request.user
    )


Decision = Callable[[HttpRequest, Complaint, dict[str, Any]], Complaint]
DECISIONS: dict[str, tuple[type[forms.Form], Decision]] = {
    "accept": (
        NoteForm,
        lambda r, c, d: services.complaint_accept(complaint=c, note=d["note"], actor=r.user),
    ),
    "join": (JoinForm, _join),
    "unjoin": (
        UnjoinForm,
        lambda r, c, d: services.complaint_unjoin(complaint=c, reason=d["reason"], actor=r.user),
    ),
    "material": (
        MaterialForm,
        lambda r, c, d: services.complaint_request_material(
            complaint=c, note=d["note"], actor=r.user
        ),
    ),
    "received": (
        NoteForm,
        lambda r, c, d: services.complaint_material_received(
            complaint=c, note=d["note"], actor=r.user
        ),
    ),
    "refer": (
        ReferForm,
        lambda r, c, d: services.complaint_refer(
            complaint=c, referred_to=d["referred_to"], note=d["note"], actor=r.user
        ),
    ),
    "decline": (
        DeclineForm,
        lambda r, c, d: services.complaint_decline(
            complaint=c, reason=d["reason"], note=d["note"], actor=r.user
        ),
    ),
    "details": (DetailsForm, _details),
    "employer": (EmployerLinkForm, _employer),
    "reply": (
        ReplyForm,
        lambda r, c, d: services.complaint_reply_record(complaint=c, text=d["text"], actor=r.user),
    ),
}


@require_perm(Perm.COMPLAINT_VIEW)
@require_POST
def complaint_decide(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    """One decision on a complaint; the service decides who may (the page only hides the
    forms of those who may not), and a refusal is 403."""
    if action not in DECISIONS:
        raise Http404
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    form_class, decide = DECISIONS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        try:
            decide(request, complaint, form.cleaned_data)
        except Forbidden:
            raise PermissionDenied from None
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Recorded."))
    else:
        messages.error(
            request,
            "; ".join(
                f"{form.fields[name].label}: {' '.join(map(str, errs))}"
                for name, errs in form.errors.items()
            ),
        )
    return redirect("intake:complaint_detail", public_id=complaint.public_id)


@require_perm(Perm.COMPLAINT_VIEW)
def attachment_download(
    request: HttpRequest, public_id: uuid.UUID, attachment_id: int
) -> FileResponse:
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    attachment = complaint.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response
