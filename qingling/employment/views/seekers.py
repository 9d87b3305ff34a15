"""Staff pages of the survey: the list, registering, the grids' workbooks, the daily
report, and one worker's page with the recommendations that say why."""

import datetime as dt
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.employment.forms import SeekerForm
from qingling.employment.models import Seeker
from qingling.employment.selectors import postings as posting_selectors
from qingling.employment.selectors import seekers as selectors
from qingling.employment.services import introductions, seekers
from qingling.employment.views.imports import workbook_import_page

PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


@require_perm(Perm.EMPLOYMENT_VIEW)
def home(request: HttpRequest) -> HttpResponse:
    today = clock.local_today()
    return render(
        request,
        "employment/home.html",
        {
            "today": today,
            "report": selectors.seeker_daily_report(user=request.user, day=today),
            "can_work": can(request.user, Perm.EMPLOYMENT_WORK),
        },
    )


@require_perm(Perm.EMPLOYMENT_VIEW)
def seeker_list(request: HttpRequest) -> HttpResponse:
    county = request.GET.get("county", "")
    township = request.GET.get("township", "")
    seekers_found = selectors.seeker_list(
        user=request.user,
        query=request.GET.get("q", ""),
        division_code=county,
        township=township,
        going_out=_flag(request.GET.get("going_out", "")),
        job_confirmed=_flag(request.GET.get("confirmed", "")),
    )
    page = Paginator(seekers_found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "employment/seeker_list.html",
        {
            "page": page,
            "townships": selectors.seeker_townships(user=request.user),
            "filters": request.GET,
            "can_work": can(request.user, Perm.EMPLOYMENT_WORK),
        },
    )


@require_perm(Perm.EMPLOYMENT_WORK)
@require_http_methods(["GET", "POST"])
def seeker_new(request: HttpRequest) -> HttpResponse:
    form = SeekerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            seeker = seekers.seeker_register(
                data=form.to_input(), source=Seeker.Source.STAFF, actor=_user(request)
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, _("The registration is saved."))
            return redirect("employment:seeker_detail", public_id=seeker.public_id)
    return render(request, "employment/seeker_form.html", {"form": form})


@require_perm(Perm.EMPLOYMENT_WORK)
@require_http_methods(["GET", "POST"])
def seeker_import(request: HttpRequest) -> HttpResponse:
    return workbook_import_page(
        request,
        kind="employment.seekers",
        importer=seekers.seeker_import,
        title=_("Import registrations"),
        columns=seekers.SEEKER_COLUMNS,
        back="employment:seeker_list",
    )


@require_perm(Perm.EMPLOYMENT_VIEW)
def daily_report(request: HttpRequest) -> HttpResponse:
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = clock.local_today()
    rows = selectors.seeker_daily_report(user=request.user, day=day)
    totals = {
        name: sum(getattr(row, name) for row in rows)
        for name in (
            "registered_today",
            "registered",
            "going_out",
            "job_confirmed",
            "transport_needed",
        )
    }
    return render(
        request, "employment/daily_report.html", {"day": day, "rows": rows, "totals": totals}
    )


@require_perm(Perm.EMPLOYMENT_VIEW)
def seeker_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    seeker = selectors.seeker_get(user=request.user, public_id=public_id)
    today = clock.local_today()
    return render(
        request,
        "employment/seeker_detail.html",
        {
            "seeker": seeker,
            "occupations": seeker.occupations.all(),
            "destinations": seeker.destinations.all(),
            "recommendations": selectors.recommendations_for_seeker(seeker=seeker, today=today)
            if seeker.going_out and not seeker.job_confirmed
            else [],
            "introductions": selectors.seeker_introductions(seeker=seeker),
            "can_work": can(request.user, Perm.EMPLOYMENT_WORK),
        },
    )


@require_perm(Perm.EMPLOYMENT_WORK)
@require_POST
def introduce(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    seeker = selectors.seeker_get(user=request.user, public_id=public_id)
    try:
        posting_id = uuid.UUID(request.POST.get("posting", ""))
    except ValueError:
        raise Http404 from None
    posting = posting_selectors.posting_get(public_id=posting_id)
    try:
        introductions.introduction_create(seeker=seeker, posting=posting, actor=_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is introduced.") % {"name": seeker.person.name})
    if url_has_allowed_host_and_scheme(
        next_url := request.POST.get("next", ""), allowed_hosts=None
    ):
        return redirect(next_url)
    return redirect("employment:seeker_detail", public_id=public_id)


@require_perm(Perm.EMPLOYMENT_WORK)
@require_POST
def introduction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    introduction = selectors.introduction_get(user=request.user, pk=pk)
    try:
        introductions.introduction_decide(
            introduction=introduction, to=request.POST.get("to", ""), actor=_user(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The outcome is recorded."))
    return redirect("employment:seeker_detail", public_id=introduction.seeker.public_id)


urls: list[URLPattern] = [
    path("seekers/", seeker_list, name="seeker_list"),
    path("seekers/new/", seeker_new, name="seeker_new"),
    path("seekers/import/", seeker_import, name="seeker_import"),
    path("seekers/daily/", daily_report, name="daily_report"),
    path("seekers/<uuid:public_id>/", seeker_detail, name="seeker_detail"),
    path("seekers/<uuid:public_id>/introduce/", introduce, name="introduce"),
    path("introductions/<int:pk>/", introduction_decide, name="introduction_decide"),
]
