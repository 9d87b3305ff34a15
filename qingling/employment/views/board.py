"""The public pages, for a worker's phone: the job board, registering, stopping messages.

No sign-in. The board shows only published, unexpired postings of employers nobody
flags; registering returns no personal data, only that it was received.
"""

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.employment.forms import BoardFilterForm, SeekerForm, StopForm
from qingling.employment.models import Occupation, Seeker
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
    form = SeekerForm(request.POST or None, public=True, initial={"contact_channel": "sms"})
    if request.method == "POST" and form.is_valid():
        try:
            seekers.seeker_register(data=form.to_input(), source=Seeker.Source.SELF, actor=None)
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            return redirect("jobs:registered")
    return render(request, "employment/board/register.html", {"form": form})


def registered(request: HttpRequest) -> HttpResponse:
    return render(request, "employment/board/registered.html")


@never_cache
@require_http_methods(["GET", "POST"])
def stop(request: HttpRequest) -> HttpResponse:
    form = StopForm(request.POST or None)
    done = False
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
