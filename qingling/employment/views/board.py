"""The public pages, for a worker's phone: the job board, registering, stopping messages.

No sign-in. The board shows only published, unexpired postings of employers nobody
flags; registering returns no personal data, only that it was received, and counts once
the code texted to the number on file (or, for a new worker, the number given) is typed.
Every post counts against the public limits (per address, per mobile number).
"""

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qingling.core import clock
from qingling.core.exceptions import ApplicationError, TooManyRequests
from qingling.core.forms import form_add_application_error
from qingling.core.public import (
    client_ip,
    public_form_check,
    public_rate_limited,
    session_digest,
)
from qingling.employment.forms import BoardFilterForm, SeekerForm, StopForm
from qingling.employment.models import Occupation
from qingling.employment.selectors import postings as selectors
from qingling.employment.selectors import seekers as seeker_selectors
from qingling.employment.services import seekers

PAGE_SIZE = 20


def board(request: HttpRequest) -> HttpResponse:
    form = BoardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    postings = selectors.board_postings(
        today=clock.local_today(),
        query=filters.get("q", ""),
        place=filters.get("place", ""),
        occupation=filters.get("occupation", ""),
        scope=filters.get("scope", ""),
    )
    page = Paginator(postings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "employment/board/list.html",
        {
            "form": form,
            "page": page,
            "places": selectors.board_places(today=clock.local_today()),
            "majors": Occupation.objects.filter(parent__isnull=True),
            "filters": request.GET,
        },
    )


def board_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    posting = selectors.board_posting_get(today=clock.local_today(), public_id=public_id)
    return render(request, "employment/board/detail.html", {"posting": posting})


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Two steps on one page: the registration, then the code texted to confirm it (to the
    number on file for the ID number, if any, else to the number given; the page says the
    same either way). Everything typed is kept."""
    form = SeekerForm(request.POST or None, public=True, initial={"contact_channel": "sms"})
    code_sent = False
    if request.method == "POST":
        try:
            public_form_check(request=request, form="register", phone=request.POST.get("phone", ""))
            if form.is_valid():
                code = form.cleaned_data["code"]
                if "send_code" in request.POST or not code:
                    seekers.seeker_code_send(
                        data=form.to_input(),
                        session_digest=session_digest(request),
                        client_ip=client_ip(request),
                    )
                    code_sent = True
                    form = SeekerForm(_without_code(request.POST), public=True)
                else:
                    seekers.seeker_register_confirmed(
                        data=form.to_input(), code=code, session_digest=session_digest(request)
                    )
                    return redirect("jobs:registered")
        except TooManyRequests as error:
            return public_rate_limited(request, error)
        except ApplicationError as error:
            form_add_application_error(form, error)
    return render(request, "employment/board/register.html", {"form": form, "code_sent": code_sent})


def _without_code(data: QueryDict) -> QueryDict:
    kept = data.copy()
    kept["code"] = ""
    return kept


def registered(request: HttpRequest) -> HttpResponse:
    return render(request, "employment/board/registered.html")


@never_cache
@require_http_methods(["GET", "POST"])
def stop(request: HttpRequest) -> HttpResponse:
    form = StopForm(request.POST or None)
    done = False
    if request.method == "POST":
        try:
            public_form_check(request=request, form="stop", phone=request.POST.get("phone", ""))
        except TooManyRequests as error:
            return public_rate_limited(request, error)
    if request.method == "POST" and form.is_valid():
        try:
            seekers.seeker_opt_out_by_phone(phone=form.cleaned_data["phone"])
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            done = True
    return render(request, "employment/board/stop.html", {"form": form, "done": done})


@never_cache
@require_http_methods(["GET", "POST"])
def stop_token(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link in each message. GET only asks (link checkers and previews
    open links); the button POSTs the opt-out."""
    if request.method == "POST":
        try:
            public_form_check(request=request, form="stop_link")
        except TooManyRequests as error:
            return public_rate_limited(request, error)
    seeker = seeker_selectors.seeker_from_stop_token(token)
    done = seeker.opted_out_at is not None
    if request.method == "POST" and not done:
        seekers.seeker_opt_out(seeker=seeker, actor=None)
        done = True
    return render(request, "employment/board/stop.html", {"form": None, "done": done})


app_name = "jobs"
urlpatterns: list[URLPattern] = [
    path("", board, name="board"),
    path("register/", register, name="register"),
    path("register/done/", registered, name="registered"),
    path("stop/", stop, name="stop"),
    path("stop/<str:token>/", stop_token, name="stop_token"),
    path("<uuid:public_id>/", board_detail, name="detail"),
]
