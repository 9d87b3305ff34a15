"""Inspection pages, phone first: an inspector plans and records visits on site."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.exports import EXPORT_MAX_ROWS, export_filters, export_response
from qingling.core.forms import date_param, form_add_application_error
from qingling.core.selectors import division_get
from qingling.inspections import selectors, services
from qingling.inspections.checklist import CheckItem, CheckResult
from qingling.inspections.forms import (
    CampaignForm,
    DeadlineForm,
    EvidenceForm,
    InspectionForm,
    NoteForm,
    PlanForm,
    RespondentForm,
    SpotForm,
)
from qingling.inspections.models import Finding, Inspection
from qingling.parties.models import Organization


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.INSPECTION_VIEW)
def home(request: HttpRequest) -> HttpResponse:
    """Planned visits and every visible inspection, filtered by status and the date done
    (the dashboard's ``inspector_visits`` and ``projects_inspected`` link here)."""
    user = _user(request)
    filters = _inspection_filters(request)
    status = filters.status
    inspections = selectors.inspection_search_for_user(user=user, filters=filters)
    page = Paginator(selectors.inspection_rows(inspections), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/home.html",
        {
            "planned": list(selectors.inspection_planned_for_user(user=user)[:20]),
            "page": page,
            "totals": selectors.inspection_totals(inspections=inspections),
            "status": status,
            "filters": filters,
            "statuses": Inspection.Status.choices,
            "can_work": can(user, Perm.INSPECTION_WORK),
            "can_plan_campaigns": can(user, Perm.CAMPAIGN_MANAGE),
        },
    )


def _inspection_filters(request: HttpRequest) -> selectors.InspectionFilters:
    return selectors.InspectionFilters(
        status=status
        if (status := request.GET.get("status", "")) in Inspection.Status.values
        else "",
        done_from=date_param(request.GET.get("done_from", "")),
        done_to=date_param(request.GET.get("done_to", "")),
    )


EXPORT_HEADERS = (
    gettext_lazy("Date"),
    gettext_lazy("Status"),
    gettext_lazy("Project"),
    gettext_lazy("Division"),
    gettext_lazy("Campaign"),
    gettext_lazy("Findings"),
    gettext_lazy("Findings still open"),
)


@require_perm(Perm.INSPECTION_VIEW)
def inspection_export(request: HttpRequest) -> HttpResponse | FileResponse:
    """The inspection list with its filters as XLSX (the user's jurisdiction only), the
    export audited with its filters and row count."""
    user = _user(request)
    filters = _inspection_filters(request)
    inspections = selectors.inspection_rows(
        selectors.inspection_search_for_user(user=user, filters=filters)
    )[:EXPORT_MAX_ROWS]
    statuses = dict(Inspection.Status.choices)
    rows = [
        [
            inspection.done_on or inspection.planned_on,
            str(statuses.get(inspection.status, inspection.status)),
            inspection.project.name,
            inspection.division.name,
            inspection.campaign.name if inspection.campaign else "",
            inspection.finding_count,  # type: ignore[attr-defined]
            inspection.open_count,  # type: ignore[attr-defined]
        ]
        for inspection in inspections
    ]
    services.inspection_export_record(actor=user, filters=export_filters(filters), rows=len(rows))
    return export_response(
        stem="inspections", sheet_title=_("Inspections"), headers=EXPORT_HEADERS, rows=rows
    )


@require_perm(Perm.INSPECTION_VIEW)
def finding_list(request: HttpRequest) -> HttpResponse:
    """Findings by status and the date corrected (the dashboard's ``violations_corrected``
    links here with the two corrected statuses)."""
    filters = selectors.FindingFilters(
        statuses=tuple(request.GET.getlist("status")),
        corrected_from=date_param(request.GET.get("corrected_from", "")),
        corrected_to=date_param(request.GET.get("corrected_to", "")),
    )
    findings = selectors.finding_list_for_user(user=_user(request), filters=filters)
    page = Paginator(findings, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/finding_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": Finding.Status.choices,
        },
    )


@require_perm(Perm.INSPECTION_WORK)
@require_http_methods(["GET", "POST"])
def inspection_plan(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PlanForm(request.POST or None, user=user, initial={"inspectors": [user]})
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_plan(
                project=form.cleaned_data["project"],
                inspectors=form.cleaned_data["inspectors"],
                planned_on=form.cleaned_data["planned_on"],
                campaign=form.cleaned_data["campaign"],
                actor=user,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, _("The visit is planned."))
            return redirect("inspections:inspection_detail", public_id=inspection.public_id)
    return render(request, "inspections/inspection_plan.html", {"form": form})


@require_perm(Perm.INSPECTION_WORK)
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    """Record a visit on site. The page keeps a draft in the browser (inspection-draft.js)
    and carries an idempotency key, so a form sent again makes one inspection."""
    user = _user(request)
    planned: Inspection | None = None
    initial: dict[str, object] = {"done_on": clock.local_today(), "inspectors": [user]}
    if planned_id := request.GET.get("planned", ""):
        try:
            planned = selectors.inspection_get_for_user(user=user, public_id=uuid.UUID(planned_id))
        except ValueError:
            raise Http404 from None
        initial.update(
            project=planned.project,
            campaign=planned.campaign,
            inspectors=selectors.inspection_team(inspection=planned),
        )
    else:
        for name in ("project", "campaign"):
            if (value := request.GET.get(name, "")).isdigit():
                initial[name] = int(value)
    # A page that knows the project's records (the compliance registry) links here with the
    # checklist pre-filled: ``check_<item>`` a result, ``note_<item>`` what it knows.
    prefilled = False
    for item in CheckItem:
        if (given := request.GET.get(f"check_{item.value}", "")) in CheckResult.values:
            initial[f"check_{item.value}"] = given
            initial[f"note_{item.value}"] = request.GET.get(f"note_{item.value}", "")[:500]
            prefilled = True
    form = InspectionForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    key = request.POST.get("idempotency_key", "")[:100] or str(uuid.uuid4())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.inspection_record(
                project=data["project"],
                inspectors=data["inspectors"],
                done_on=data["done_on"],
                checks=form.checks(),
                uploads=data["evidence"],
                campaign=data["campaign"],
                planned=planned,
                place=data["place"],
                summary=data["summary"],
                idempotency_key=key,
                actor=user,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            if result.created:
                messages.success(request, _("The inspection is recorded."))
            else:
                messages.info(request, _("This inspection was already recorded."))
            response = redirect(
                "inspections:inspection_detail", public_id=result.inspection.public_id
            )
            response["Location"] += f"?sent={key}"
            return response
    draft_name = f"inspection:{user.pk}:{planned.public_id if planned else 'new'}"
    return render(
        request,
        "inspections/inspection_form.html",
        {
            "form": form,
            "idempotency_key": key,
            "planned": planned,
            "draft_name": draft_name,
            "prefilled": prefilled,
        },
    )


@require_perm(Perm.INSPECTION_VIEW)
def inspection_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    inspection = selectors.inspection_get_for_user(user=user, public_id=public_id)
    findings = list(selectors.inspection_findings(inspection=inspection))
    respondents = selectors.respondent_choices(user=user, project=inspection.project)
    respondent_form = RespondentForm()
    respondent_form.fields["respondent"].queryset = respondents  # type: ignore[attr-defined]
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "team": selectors.inspection_team(inspection=inspection),
            "checks": inspection.checks.all(),
            "findings": findings,
            "evidence": selectors.inspection_evidence(inspection=inspection),
            "can_work": can(user, Perm.INSPECTION_WORK),
            "can_open_case": can(user, Perm.CASE_APPROVE),
            "can_view_cases": can(user, Perm.CASE_VIEW),
            "can_view_complaints": can(user, Perm.COMPLAINT_VIEW),
            "spot_form": SpotForm(),
            "deadline_form": DeadlineForm(),
            "note_form": NoteForm(),
            "respondent_form": respondent_form,
            "evidence_form": EvidenceForm(),
            "sent": request.GET.get("sent", ""),
            "draft_name": f"inspection:{user.pk}:",
        },
    )


FINDING_ACTIONS = {"spot", "deadline", "corrected", "complaint", "case", "respondent"}


@require_perm(Perm.INSPECTION_WORK)
@require_POST
def finding_act(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    """One action on a finding; a refusal is shown on the inspection page."""
    user = _user(request)
    if action not in FINDING_ACTIONS:
        raise Http404
    finding = selectors.finding_get_for_user(user=user, public_id=public_id)
    back = redirect("inspections:inspection_detail", public_id=finding.inspection.public_id)
    try:
        _finding_act(request, finding, action, user)
    except ApplicationError as error:
        messages.error(request, error.message)
    except _FormInvalid as invalid:
        messages.error(request, str(invalid))
    return back


class _FormInvalid(Exception):
    """A form of the page did not validate; the page is shown again with its errors."""


def _valid(form: SpotForm | DeadlineForm | NoteForm | RespondentForm) -> dict[str, object]:
    if not form.is_valid():
        raise _FormInvalid(" ".join(str(m) for errors in form.errors.values() for m in errors))
    return form.cleaned_data


def _finding_act(request: HttpRequest, finding: Finding, action: str, user: User) -> None:
    if action == "spot":
        data = _valid(SpotForm(request.POST))
        services.finding_correct_on_spot(
            finding=finding,
            payments=data["payments"],  # type: ignore[arg-type]
            note=str(data["note"]),
            actor=user,
        )
        messages.success(request, _("Recorded as corrected on the spot."))
    elif action == "deadline":
        data = _valid(DeadlineForm(request.POST))
        finding = services.finding_deadline_set(
            finding=finding,
            working_days=int(data["working_days"]),  # type: ignore[call-overload]
            note=str(data["note"]),
            actor=user,
        )
        messages.success(
            request, _("To be corrected by %(due)s.") % {"due": finding.correction_due}
        )
    elif action == "corrected":
        data = _valid(NoteForm(request.POST))
        services.finding_corrected(finding=finding, note=str(data["note"]), actor=user)
        messages.success(request, _("Recorded as corrected."))
    elif action == "complaint":
        finding = services.finding_to_complaint(finding=finding, actor=user)
        messages.success(
            request,
            _("Complaint %(number)s is registered for triage.")
            % {"number": finding.complaint.number if finding.complaint else ""},
        )
    elif action == "case":
        case = services.finding_to_case(finding=finding, actor=user)
        messages.success(request, _("Case %(number)s is opened.") % {"number": case.number})
    elif action == "respondent":
        form = RespondentForm(request.POST)
        form.fields["respondent"].queryset = selectors.respondent_choices(  # type: ignore[attr-defined]
            user=user, project=finding.inspection.project
        )
        data = _valid(form)
        respondent = data["respondent"]
        assert isinstance(respondent, Organization)
        services.finding_respondent_set(finding=finding, respondent=respondent, actor=user)
        messages.success(request, _("The responsible organization is recorded."))


@require_perm(Perm.INSPECTION_WORK)
@require_POST
def evidence_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    inspection = selectors.inspection_get_for_user(user=user, public_id=public_id)
    form = EvidenceForm(request.POST, request.FILES)
    finding = None
    if finding_id := request.POST.get("finding", ""):
        try:
            finding = selectors.finding_get_for_user(user=user, public_id=uuid.UUID(finding_id))
        except ValueError:
            raise Http404 from None
    if form.is_valid():
        try:
            stored = services.evidence_add(
                inspection=inspection,
                uploads=form.cleaned_data["evidence"],
                finding=finding,
                actor=user,
            )
        except ApplicationError as error:
            messages.error(
                request,
                " ".join(m for ms in error.extra.get("fields", {}).values() for m in ms)
                or error.message,
            )
        else:
            messages.success(request, _("%(n)d file(s) added.") % {"n": len(stored)})
    else:
        messages.error(request, _("Choose a photo or a file."))
    return redirect("inspections:inspection_detail", public_id=inspection.public_id)


@require_perm(Perm.INSPECTION_VIEW)
def evidence_download(request: HttpRequest, public_id: uuid.UUID, evidence_id: int) -> FileResponse:
    inspection = selectors.inspection_get_for_user(user=request.user, public_id=public_id)
    evidence = inspection.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=evidence.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- campaigns --------------------------------------------------------------------------------


@require_perm(Perm.INSPECTION_VIEW)
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/campaign_list.html",
        {
            "campaigns": selectors.campaign_list_for_user(user=request.user),
            "can_plan_campaigns": can(request.user, Perm.CAMPAIGN_MANAGE),
        },
    )


@require_perm(Perm.CAMPAIGN_MANAGE)
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CampaignForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        division = division_get(code=data["division"])
        if division is None:
            raise Http404
        try:
            campaign = services.campaign_create(
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                division=division,
                open_complaints=data["open_complaints"],
                not_inspected_months=data["not_inspected_months"],
                actor=user,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, _("The campaign is planned."))
            return redirect("inspections:campaign_detail", public_id=campaign.public_id)
    return render(request, "inspections/campaign_form.html", {"form": form})


@require_perm(Perm.INSPECTION_VIEW)
def campaign_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, public_id=public_id)
    return render(
        request,
        "inspections/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign=campaign, user=request.user),
            "can_work": can(request.user, Perm.INSPECTION_WORK),
        },
    )
