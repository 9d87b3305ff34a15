"""Monitoring pages: the warnings (filtered list, one warning with its evidence and its
lifecycle's actions) and the upload of a month's files."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can, covers_whole_city, jurisdiction_prefix
from qingling.core.exceptions import ApplicationError
from qingling.core.exports import EXPORT_MAX_ROWS, export_filters, export_response
from qingling.core.forms import date_param, form_add_application_error
from qingling.core.models import Division
from qingling.core.personal_data import mask_id_number
from qingling.core.selectors import division_list
from qingling.core.services import import_job_create
from qingling.prevention import selectors, services
from qingling.prevention.forms import DispatchForm, MonthUploadForm, NoteForm
from qingling.prevention.lifecycle import WarningStatus, allowed_targets
from qingling.prevention.models import Level, Rule, Warning


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _filters(request: HttpRequest) -> selectors.WarningFilters:
    get = request.GET
    return selectors.WarningFilters(
        level=get.get("level", "") if get.get("level") in Level.values else "",
        rule=get.get("rule", "") if get.get("rule") in Rule.values else "",
        county=get.get("county", "").strip()[:12],
        month=get.get("month", "").strip()[:7],
        status=get.get("status", "") if get.get("status") in WarningStatus.values else "",
        overdue=get.get("overdue", "") in ("1", "on"),
        raised_from=date_param(get.get("raised_from", "")),
        raised_to=date_param(get.get("raised_to", "")),
        due_from=date_param(get.get("due_from", "")),
        due_to=date_param(get.get("due_to", "")),
    )


@require_perm(Perm.INSPECTION_VIEW)
def warning_list(request: HttpRequest) -> HttpResponse:
    """Warnings by level, rule, county, month and status (the dashboard's panel and its
    ``warnings_raised`` and ``warnings_overdue`` figures link here)."""
    user = _user(request)
    filters = _filters(request)
    rows = selectors.warning_list_for_user(user=user, filters=filters)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    prefix = jurisdiction_prefix(user) or ""
    return render(
        request,
        "prevention/warning_list.html",
        {
            "page": page,
            "filters": filters,
            "levels": Level.choices,
            "rules": Rule.choices,
            "statuses": WarningStatus.choices,
            "counties": [
                d for d in division_list(within=prefix) if d.level == Division.Level.COUNTY
            ],
            "months": selectors.warning_months(),
            "can_upload": can(user, Perm.INSPECTION_WORK) and covers_whole_city(user),
        },
    )


EXPORT_HEADERS = (
    gettext_lazy("Level"),
    gettext_lazy("Rule"),
    gettext_lazy("Month"),
    gettext_lazy("Project code"),
    gettext_lazy("Project"),
    gettext_lazy("County"),
    gettext_lazy("Worker's ID number (masked)"),
    gettext_lazy("Status"),
    gettext_lazy("Acknowledge by"),
    gettext_lazy("Flagged overdue"),
)


@require_perm(Perm.INSPECTION_VIEW)
def warning_export(request: HttpRequest) -> HttpResponse | FileResponse:
    """The warning list with its filters as XLSX (the user's jurisdiction only): the
    worker's ID number masked, the export audited with its filters and row count."""
    user = _user(request)
    filters = _filters(request)
    warnings = selectors.warning_list_for_user(user=user, filters=filters)[:EXPORT_MAX_ROWS]
    levels, rules = dict(Level.choices), dict(Rule.choices)
    statuses = dict(WarningStatus.choices)
    rows = [
        [
            str(levels.get(warning.level, warning.level)),
            str(rules.get(warning.rule, warning.rule)),
            warning.month,
            warning.project_code,
            warning.project.name if warning.project else warning.project_name,
            warning.division.name if warning.division else "",
            # stored masked; masked again so that a mask of an older, wider form is narrowed
            mask_id_number(warning.worker_id_masked) if warning.worker_id_masked else "",
            str(statuses.get(warning.status, warning.status)),
            warning.acknowledge_due,
            _("yes") if warning.overdue_at else "",
        ]
        for warning in warnings
    ]
    services.warning_export_record(actor=user, filters=export_filters(filters), rows=len(rows))
    return export_response(
        stem="warnings", sheet_title=_("Warnings"), headers=EXPORT_HEADERS, rows=rows
    )


@require_perm(Perm.INSPECTION_VIEW)
def warning_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    warning = selectors.warning_get_for_user(user=user, public_id=public_id)
    # The actions post to warning_act, which needs inspection.work (a director only looks).
    actors = services.warning_step_actors(warning, user)
    targets = allowed_targets(warning.status, actors) if can(user, Perm.INSPECTION_WORK) else []
    dispatch_form = None
    if WarningStatus.DISPATCHED in targets:
        choices = selectors.warning_dispatch_choices(user=user, warning=warning)
        dispatch_form = DispatchForm(initial={"inspectors": [user]})
        dispatch_form.fields["inspection"].queryset = choices.inspections  # type: ignore[attr-defined]
        dispatch_form.fields["inspectors"].queryset = choices.inspectors  # type: ignore[attr-defined]
        dispatch_form.fields["respondent"].queryset = choices.respondents  # type: ignore[attr-defined]
    return render(
        request,
        "prevention/warning_detail.html",
        {
            "warning": warning,
            "evidence": warning.evidence,
            "facts": selectors.warning_facts(warning=warning, user=user),
            "targets": targets,
            "dispatch_form": dispatch_form,
            "note_form": NoteForm(),
            "can_view_inspections": can(user, Perm.INSPECTION_VIEW),
            "can_view_complaints": can(user, Perm.COMPLAINT_VIEW),
            "can_view_cases": can(user, Perm.CASE_VIEW),
        },
    )


ACTIONS = {"acknowledge", "dispatch", "resolve", "dismiss"}


@require_perm(Perm.INSPECTION_WORK)
@require_POST
def warning_act(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    """One step of the warning's lifecycle; a refusal is shown on the warning's page."""
    if action not in ACTIONS:
        raise Http404
    user = _user(request)
    warning = selectors.warning_get_for_user(user=user, public_id=public_id)
    try:
        _act(request, warning, action, user)
    except ApplicationError as error:
        details = [str(m) for ms in error.extra.get("fields", {}).values() for m in ms]
        messages.error(request, " ".join([error.message, *details]))
    return redirect("prevention:warning_detail", public_id=warning.public_id)


def _act(request: HttpRequest, warning: Warning, action: str, user: User) -> None:
    if action == "dispatch":
        choices = selectors.warning_dispatch_choices(user=user, warning=warning)
        form = DispatchForm(request.POST)
        form.fields["inspection"].queryset = choices.inspections  # type: ignore[attr-defined]
        form.fields["inspectors"].queryset = choices.inspectors  # type: ignore[attr-defined]
        form.fields["respondent"].queryset = choices.respondents  # type: ignore[attr-defined]
        if not form.is_valid():
            messages.error(
                request, " ".join(str(m) for errors in form.errors.values() for m in errors)
            )
            return
        data = form.cleaned_data
        details = {
            key: data[key]
            for key in ("inspection", "planned_on", "respondent")
            if data.get(key) is not None
        }
        if data.get("inspectors"):
            details["inspectors"] = list(data["inspectors"])
        warning = services.warning_dispatch(
            warning=warning, to=data["to"], note=data["note"], actor=user, **details
        )
        messages.success(request, _("The warning is dispatched."))
        return
    note = str(request.POST.get("note", ""))[:2000]
    if action == "acknowledge":
        services.warning_acknowledge(warning=warning, note=note, actor=user)
        messages.success(request, _("The warning is acknowledged."))
    elif action == "resolve":
        services.warning_resolve(warning=warning, note=note, actor=user)
        messages.success(request, _("The warning is resolved."))
    elif not request.POST.get("confirm"):  # dismissing is destructive: a tick confirms it
        messages.error(request, _("Tick the box to confirm the dismissal; nothing was changed."))
    else:
        services.warning_dismiss(warning=warning, reason=note, actor=user)
        messages.success(request, _("The warning is dismissed."))


@require_perm(Perm.INSPECTION_WORK)
@require_http_methods(["GET", "POST"])
def month_upload(request: HttpRequest) -> HttpResponse:
    """A month's files, handed to the worker (``ImportJob``: progress, then the warnings
    recorded and every bad row with its file, line and reason)."""
    user = _user(request)
    if not covers_whole_city(user):
        raise PermissionDenied
    form = MonthUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                kind="prevention.month",
                content=form.cleaned_data["upload"],
                file_name=f"{form.cleaned_data['month']}.zip",
                actor=user,
                params={"month": form.cleaned_data["month"]},
                back_url=reverse("prevention:warning_list"),
                language=request.LANGUAGE_CODE,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            return redirect("accounts:import_job", public_id=job.public_id)
    return render(
        request,
        "prevention/month_upload.html",
        {"form": form, "months": selectors.monitoring_month_list()[:24]},
    )
