"""Staff pages of job postings: collect, import, publish, and see the best candidates."""

import datetime as dt
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import date_param, form_add_application_error
from qingling.employment.forms import PostingForm
from qingling.employment.models import Posting
from qingling.employment.selectors import postings as selectors
from qingling.employment.selectors import seekers as seeker_selectors
from qingling.employment.services import postings as services
from qingling.employment.views.imports import workbook_import_page

PAGE_SIZE = 30
ACTIONS = {"publish": Posting.Status.PUBLISHED, "withdraw": Posting.Status.WITHDRAWN}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.EMPLOYMENT_VIEW)
def posting_list(request: HttpRequest) -> HttpResponse:
    postings = selectors.posting_list(
        query=request.GET.get("q", ""),
        status=request.GET.get("status", ""),
        scope=request.GET.get("scope", ""),
        collected_from=date_param(request.GET.get("collected_from", "")),
        collected_to=date_param(request.GET.get("collected_to", "")),
    )
    page = Paginator(postings, PAGE_SIZE).get_page(request.GET.get("page"))
    flags = selectors.employer_flags({p.employer_id for p in page})
    return render(
        request,
        "employment/posting_list.html",
        {
            "page": page,
            "rows": [(p, flags.get(p.employer_id, [])) for p in page],
            "filters": request.GET,
            "statuses": Posting.Status.choices,
            "scopes": Posting.Scope.choices,
            "can_work": can(request.user, Perm.EMPLOYMENT_WORK),
        },
    )


@require_perm(Perm.EMPLOYMENT_WORK)
@require_http_methods(["GET", "POST"])
def posting_new(request: HttpRequest) -> HttpResponse:
    form = PostingForm(request.POST or None, initial={"source": Posting.Source.EMPLOYER})
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_create(data=form.to_input(), actor=_user(request))
        except ApplicationError as error:
            form_add_application_error(
                form, error, field_map={"occupation_code": "occupation", "place_code": "place"}
            )
        else:
            messages.success(request, _("The posting is saved as a draft."))
            return redirect("employment:posting_detail", public_id=posting.public_id)
    return render(request, "employment/posting_form.html", {"form": form})


@require_perm(Perm.EMPLOYMENT_WORK)
@require_http_methods(["GET", "POST"])
def posting_import(request: HttpRequest) -> HttpResponse:
    return workbook_import_page(
        request,
        kind="employment.postings",
        importer=services.posting_import,
        title=_("Import postings"),
        columns=services.POSTING_COLUMNS,
        back="employment:posting_list",
    )


@require_perm(Perm.EMPLOYMENT_VIEW)
def posting_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    posting = selectors.posting_get(public_id=public_id)
    flags = selectors.employer_flags([posting.employer_id]).get(posting.employer_id, [])
    live = posting.status == Posting.Status.PUBLISHED and not flags
    return render(
        request,
        "employment/posting_detail.html",
        {
            "posting": posting,
            "flags": flags,
            "candidates": seeker_selectors.candidates_for_posting(
                user=request.user, posting=posting
            )
            if live
            else [],
            "introductions": seeker_selectors.posting_introductions(posting=posting),
            "can_work": can(request.user, Perm.EMPLOYMENT_WORK),
        },
    )


@require_perm(Perm.EMPLOYMENT_WORK)
@require_POST
def posting_act(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    posting = selectors.posting_get(public_id=public_id)
    if action in ACTIONS:
        try:
            services.posting_transition(posting=posting, to=ACTIONS[action], actor=_user(request))
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The posting is %(status)s.") % {"status": posting.get_status_display()}
            )
    return redirect("employment:posting_detail", public_id=public_id)


@require_perm(Perm.EMPLOYMENT_WORK)
@require_POST
def posting_renew(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    posting = selectors.posting_get(public_id=public_id)
    try:
        expires_on = dt.date.fromisoformat(request.POST.get("expires_on", ""))
    except ValueError:
        messages.error(request, _("Give the date until which the posting is valid."))
    else:
        try:
            services.posting_renew(posting=posting, expires_on=expires_on, actor=_user(request))
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The posting is valid until %(day)s.") % {"day": expires_on}
            )
    return redirect("employment:posting_detail", public_id=public_id)


urls: list[URLPattern] = [
    path("postings/", posting_list, name="posting_list"),
    path("postings/new/", posting_new, name="posting_new"),
    path("postings/import/", posting_import, name="posting_import"),
    path("postings/<uuid:public_id>/", posting_detail, name="posting_detail"),
    path("postings/<uuid:public_id>/renew/", posting_renew, name="posting_renew"),
    path("postings/<uuid:public_id>/<str:action>/", posting_act, name="posting_act"),
]
