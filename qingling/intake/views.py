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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can
from qingling.core import clock
from qingling.core.exceptions import ApplicationError, Forbidden
from qingling.core.exports import EXPORT_MAX_ROWS, export_filters, export_response
from qingling.core.forms import form_add_application_error
from qingling.core.personal_data import mask_phone, unseal
from qingling.intake import selectors, services
from qingling.intake.channels.base import FieldErrors, worker_lines
from qingling.intake.channels.walk_in.forms import StaffComplaintForm
from qingling.intake.forms import (
    CallbackForm,
    DeclineForm,
    DetailsForm,
    EmployerLinkForm,
    JoinForm,
    MaterialForm,
    NoteForm,
    ReferForm,
    ReopenHandledForm,
    ReplyForm,
    SettleForm,
    UnjoinForm,
    WorkersForm,
    WorkerSheetForm,
    settlement_lines,
)
from qingling.intake.lifecycle import OPEN_STATUSES, ComplaintStatus
from qingling.intake.models import Channel, Complaint, Notice
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


EXPORT_HEADERS = (
    gettext_lazy("Complaint number"),
    gettext_lazy("Received at"),
    gettext_lazy("Channel"),
    gettext_lazy("Status"),
    gettext_lazy("Decision due"),
    gettext_lazy("Employer (as stated)"),
    gettext_lazy("Project (as stated)"),
    gettext_lazy("Division"),
    gettext_lazy("Amount claimed (yuan)"),
    gettext_lazy("Name given"),
    gettext_lazy("Phone (masked)"),
)


@require_perm(Perm.COMPLAINT_VIEW)
def complaint_export(request: HttpRequest) -> HttpResponse | FileResponse:
    """The complaint list with its filters as XLSX (or CSV with ``?format=csv``): phone
    numbers masked, no ID number, the export audited with its filters and row count."""
    dates = {key: request.GET.get(key, "") for key in selectors.COMPLAINT_DATE_FILTERS}
    filters: dict[str, Any] = {
        "status": request.GET.getlist("status"),
        "channel": request.GET.getlist("channel"),
        "q": request.GET.get("q", ""),
        **dates,
    }
    complaints = selectors.complaint_filter(
        selectors.complaint_list_for_user(user=request.user),
        statuses=request.GET.getlist("status"),
        channels=request.GET.getlist("channel"),
        query=request.GET.get("q", ""),
        dates=dates,
    ).select_related("division")[:EXPORT_MAX_ROWS]
    statuses = dict(ComplaintStatus.choices)
    channels = dict(Channel.choices)
    rows = []
    for complaint in complaints:
        phone = (
            unseal(complaint.contact_phone_sealed, purpose="phone")
            if complaint.contact_phone_sealed and not complaint.anonymous
            else ""
        )
        rows.append(
            [
                complaint.number,
                timezone.localtime(complaint.received_at).strftime("%Y-%m-%d %H:%M"),
                str(channels.get(complaint.channel, complaint.channel)),
                str(statuses.get(complaint.status, complaint.status)),
                complaint.acceptance_due,
                complaint.employer_name,
                complaint.project_name,
                complaint.division.name if complaint.division else "",
                complaint.amount_claimed,
                "" if complaint.anonymous else complaint.contact_name,
                mask_phone(phone) if phone else "",
            ]
        )
    as_csv = request.GET.get("format") == "csv"
    assert isinstance(request.user, User)  # require_perm let in a member of staff
    services.complaint_export_record(
        actor=request.user,
        filters=export_filters(filters),
        rows=len(rows),
        file_format="csv" if as_csv else "xlsx",
    )
    return export_response(
        stem="complaints",
        sheet_title=_("Complaints"),
        headers=EXPORT_HEADERS,
        rows=rows,
        file_format="csv" if as_csv else "xlsx",
    )


@require_perm(Perm.COMPLAINT_REGISTER)
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """A walk-in visit, a 12333 call or a letter, entered by staff."""
    form = StaffComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            own = FieldErrors()
            draft = form.draft(own)
            if own.fields:
                services.complaint_draft_validate(draft=draft, errors=own)
            result = services.complaint_register(
                draft=draft,
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
    today = clock.local_today()
    limitation = selectors.complaint_limitation(complaint=complaint)
    return render(
        request,
        "intake/complaint_detail.html",
        {
            "complaint": complaint,
            "workers": selectors.complaint_workers(complaint=complaint),
            "notices": selectors.complaint_notices(complaint=complaint),
            "limitation": limitation,
            "limitation_passed": limitation.expired(today),
            "settlement": selectors.complaint_settlement(complaint=complaint),
            "callback": selectors.complaint_callback(complaint=complaint),
            "can_settle": can_triage
            and complaint.status in services.SETTLE_FROM
            and complaint.case_opened_on is None,
            "can_add_workers": can_triage and complaint.case_opened_on is None,
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
                "workers": WorkersForm(prefix="workers"),
                "sheet": WorkerSheetForm(prefix="sheet"),
                "settle": SettleForm(prefix="settle", initial={"contacted_on": today}),
                "callback": CallbackForm(prefix="callback"),
                "reopen": ReopenHandledForm(prefix="reopen"),
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


def _callback(request: HttpRequest, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    callback = selectors.complaint_callback(complaint=complaint)
    if callback is None:
        raise ApplicationError(_("No callback was asked for this complaint."), code="invalid")
    services.callback_answer(
        callback=callback,
        money_received=data["money_received"],
        satisfaction=data["satisfaction"],
        note=data["note"],
        actor=request.user,
    )
    return complaint


Decision = Callable[[HttpRequest, Complaint, dict[str, Any]], Any]
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
    "callback": (CallbackForm, _callback),
    "reopen": (
        ReopenHandledForm,
        lambda r, c, d: services.complaint_reopen_handle(complaint=c, note=d["note"], actor=r.user),
    ),
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


def _messages_error(request: HttpRequest, error: ApplicationError) -> None:
    """The refusal and each field's reasons, on the page the officer comes back to."""
    fields = error.extra.get("fields", {}) if error.extra else {}
    details = [str(m) for messages_ in fields.values() for m in messages_]
    messages.error(request, " ".join([error.message, *details]))


@require_perm(Perm.COMPLAINT_VIEW)
@require_POST
def complaint_workers(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Add the workers a group complaint names: typed one a line, or a sheet."""
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    try:
        upload = request.FILES.get("sheet-file")
        if upload is not None:
            added = services.complaint_workers_import(
                complaint=complaint,
                content=upload.read(),
                filename=upload.name or "",
                actor=request.user,
            )
        else:
            own = FieldErrors()
            entries = worker_lines(request.POST.get("workers-workers", ""), own)
            own.raise_if_any()
            added = services.complaint_workers_add(
                complaint=complaint, entries=entries, actor=request.user
            )
    except Forbidden:
        raise PermissionDenied from None
    except ApplicationError as error:
        _messages_error(request, error)
    else:
        messages.success(request, _("%(n)d worker(s) added.") % {"n": len(added)})
    return redirect("intake:complaint_detail", public_id=complaint.public_id)


@require_perm(Perm.COMPLAINT_VIEW)
@require_POST
def complaint_settle(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record a settlement without a case (协调解决)."""
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    form = SettleForm(request.POST, request.FILES, prefix="settle")
    if not form.is_valid():
        messages.error(
            request,
            "; ".join(
                f"{form.fields[name].label}: {' '.join(map(str, errs))}"
                for name, errs in form.errors.items()
            ),
        )
        return redirect("intake:complaint_detail", public_id=complaint.public_id)
    data = form.cleaned_data
    errors: dict[str, list[str]] = {}
    workers = {w.name: w.pk for w in selectors.complaint_workers(complaint=complaint)}
    lines = settlement_lines(data["payments"], workers=workers, errors=errors)
    try:
        if errors:
            raise ApplicationError(
                _("Some fields are not valid."), code="invalid", extra={"fields": errors}
            )
        services.complaint_settle(
            complaint=complaint,
            contacted=data["contacted"],
            contacted_on=data["contacted_on"],
            agreed=data["agreed"],
            lines=lines,
            proof=data["proof"],
            worker_confirmed=data["worker_confirmed"],
            confirmation_note=data["confirmation_note"],
            actor=request.user,
        )
    except Forbidden:
        raise PermissionDenied from None
    except ApplicationError as error:
        _messages_error(request, error)
    else:
        messages.success(request, _("Settled without a case."))
    return redirect("intake:complaint_detail", public_id=complaint.public_id)


def notice_response(notice: Notice, fmt: str) -> FileResponse:
    """The notice's DOCX or PDF (made on first request and kept, see ``Notice``)."""
    if fmt not in ("docx", "pdf"):
        raise Http404
    notice = services.notice_files_make(notice=notice)
    field = notice.docx if fmt == "docx" else notice.pdf
    content_type = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response = FileResponse(
        field.open("rb"),
        content_type=content_type,
        as_attachment=True,
        filename=f"{notice.number}.{fmt}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_perm(Perm.COMPLAINT_VIEW)
def notice_download(
    request: HttpRequest, public_id: uuid.UUID, notice_id: uuid.UUID, fmt: str
) -> FileResponse:
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    notice = selectors.notice_for_complaint(complaint=complaint, public_id=notice_id)
    if notice is None:
        raise Http404
    return notice_response(notice, fmt)
