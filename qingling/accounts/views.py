"""The back-office shell: home, the working-day calendar, an object's history and the
progress of an import that runs in the worker."""

import datetime as dt
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm, can
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.core.selectors import (
    audit_history as audit_history_select,
)
from qingling.core.selectors import (
    calendar_next_year_missing,
    calendar_year_list,
    import_job_get_for_user,
    workdays_add,
)
from qingling.core.services import calendar_year_import


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's queue. The page is drawn by the view named in
    ``settings.QINGLING_HOME_VIEW`` (reports: it reads every domain's selectors, which
    accounts, below them all, may not import); this app keeps the address."""
    view = import_string(settings.QINGLING_HOME_VIEW)
    response: HttpResponse = view(request)
    return response


@login_required
def import_job(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """An import's progress bar while the worker runs it (htmx asks for the ``progress``
    part every 2 s), then its result with every refused row by line and reason."""
    job = import_job_get_for_user(user=request.user, public_id=public_id)
    template = "accounts/import_job.html"
    if getattr(request, "htmx", False):
        template += "#progress"
    response = render(request, template, {"job": job})
    response["Cache-Control"] = "no-store"
    return response


@require_perm(Perm.AUDIT_VIEW)
def audit_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    events = audit_history_select(object_type=object_type, object_id=object_id)[:500]
    return render(
        request,
        "accounts/audit_history.html",
        {"events": events, "object_type": object_type, "object_id": object_id},
    )


class WorkdaysForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.IntegerField(label=gettext_lazy("Working days"), min_value=0, max_value=3650)


class ScheduleImportForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=gettext_lazy("Source (notice number)"), max_length=200, required=False
    )
    file = forms.FileField(
        label=gettext_lazy("Schedule file"),
        help_text=gettext_lazy("Plain text, one line per date or range; see docs/operations.md."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """Every staff member may compute a date; only an administrator imports a schedule."""
    if not getattr(request.user, "role", ""):
        raise PermissionDenied
    result = None
    compute = WorkdaysForm(request.GET or None)
    if compute.is_valid():
        result = workdays_add(
            start=compute.cleaned_data["start"], days=compute.cleaned_data["days"]
        )
    upload = ScheduleImportForm()
    if request.method == "POST":
        if not can(request.user, Perm.CALENDAR_MANAGE):
            raise PermissionDenied
        upload = ScheduleImportForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                text = upload.cleaned_data["file"].read().decode("utf-8-sig")
                year = calendar_year_import(
                    year=upload.cleaned_data["year"],
                    text=text,
                    source=upload.cleaned_data["source"],
                    actor=request.user,
                )
            except UnicodeDecodeError:
                upload.add_error("file", _("The file must be UTF-8 text."))
            except ApplicationError as error:
                form_add_application_error(upload, error)
            else:
                messages.success(
                    request, _("The schedule for %(year)s is loaded.") % {"year": year.year}
                )
                return redirect("accounts:calendar")
    return render(
        request,
        "accounts/calendar.html",
        {
            "years": calendar_year_list(),
            "compute": compute,
            "result": result,
            "upload": upload,
            "can_manage": can(request.user, Perm.CALENDAR_MANAGE),
            "today": clock.local_today(),
            "missing_year": calendar_next_year_missing(),
            "example_start": dt.date(2021, 2, 8),
        },
    )


def sign_in_locked(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, object] | None = None,
) -> HttpResponse:
    """What a locked-out sign-in gets (django-axes' AXES_LOCKOUT_CALLABLE): 429 and why."""
    return render(
        request,
        "accounts/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )
