"""Chartered-bus pages (专车), phone first: plan the buses, check workers in at the
pick-up point, depart, hand over on arrival; the manifest prints and downloads as XLSX
with masked numbers only."""

import tempfile
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.html import escape
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.employment.forms import (
    ArrivalForm,
    DepartureForm,
    EscortForm,
    TripFilterForm,
    TripPlanForm,
)
from qingling.employment.models import Trip
from qingling.employment.selectors import trips as selectors
from qingling.employment.services import trips as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _city_staff(request: HttpRequest) -> User:
    """The signed-in member of staff, once their jurisdiction is known to be the city:
    every page here starts with this (``selectors.trip_jurisdiction_check``)."""
    assert isinstance(request.user, User)
    selectors.trip_jurisdiction_check(user=request.user)
    return request.user


# --- pages ------------------------------------------------------------------------------------


@require_perm(Perm.EMPLOYMENT_VIEW)
def trip_list(request: HttpRequest) -> HttpResponse:
    _city_staff(request)
    form = TripFilterForm(request.GET or None)
    trips = selectors.trip_list(**form.filters())
    page = Paginator(trips, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "employment/trip_list.html",
        {
            "form": form,
            "page": page,
            "boarded": selectors.trips_boarded(trips),
            "can_work": can(request.user, Perm.EMPLOYMENT_WORK),
            "query": _query_without_page(request),
        },
    )


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_perm(Perm.EMPLOYMENT_WORK)
@require_http_methods(["GET", "POST"])
def trip_plan(request: HttpRequest) -> HttpResponse:
    """Plan buses; the result (trips, whether proven optimal, who could not be planned)
    is shown at once. Sending the form again plans only workers still without a seat."""
    user = _city_staff(request)
    form = TripPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.trips_plan(
                destination=form.destination_division(),
                seats=form.cleaned_data["seats"],
                origin=form.cleaned_data["origin"],
                actor=user,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            trips = selectors.trip_list().filter(pk__in=[t.pk for t in result.trips])
            return render(
                request,
                "employment/trip_plan_result.html",
                {"result": result, "trips": trips},
            )
    return render(request, "employment/trip_plan.html", {"form": form})


def _trip_page(
    request: HttpRequest,
    trip: Trip,
    *,
    revealed: tuple[int, str] | None = None,
    departure_form: DepartureForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _city_staff(request)
    rows = selectors.trip_manifest_rows(trip=trip)
    can_work = can(user, Perm.EMPLOYMENT_WORK)
    today = clock.local_today()
    return render(
        request,
        "employment/trip_detail.html",
        {
            "trip": trip,
            "rows": rows,
            "boarded": sum(1 for row in rows if row.boarded_at),
            "can_work": can_work,
            "can_board": can_work and trip.status == Trip.Status.PLANNED,
            "targets": services.trip_allowed_targets(trip.status) if can_work else [],
            "arrival_form": ArrivalForm(),
            "departure_form": departure_form or DepartureForm(),
            "off_date": services.trip_departure_off_date(trip, today),
            "today": today,
            "is_escort": trip.escort_id is not None and trip.escort_id == user.pk,
            "can_reveal": trip.escort_id == user.pk
            and trip.status in (Trip.Status.PLANNED, Trip.Status.DEPARTED),
            "escort_form": EscortForm(initial={"escort": trip.escort_id or ""})
            if can_work and trip.status in (Trip.Status.PLANNED, Trip.Status.DEPARTED)
            else None,
            "revealed_seat": revealed[0] if revealed else None,
            "revealed_phone": revealed[1] if revealed else "",
        },
        status=status,
    )


@require_perm(Perm.EMPLOYMENT_VIEW)
def trip_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The manifest (乘车名单), printable, with check-in and the trip's next steps."""
    _city_staff(request)
    return _trip_page(request, selectors.trip_get(public_id=public_id))


@require_perm(Perm.EMPLOYMENT_VIEW)
@require_POST
def trip_seat_phone(request: HttpRequest, public_id: uuid.UUID, number: int) -> HttpResponse:
    """A passenger's full mobile number, for the bus's escort (recorded each time): a
    fragment for the page's button, or the manifest with that number shown."""
    user = _city_staff(request)
    trip = selectors.trip_get(public_id=public_id)
    seat = selectors.trip_seat_get(trip=trip, number=number)
    try:
        phone = services.trip_seat_phone_reveal(seat=seat, actor=user)
    except ApplicationError as error:
        if request.headers.get("HX-Request"):
            return HttpResponse(f'<span class="error" role="alert">{escape(error.message)}</span>')
        messages.error(request, error.message)
        return _back(trip, number)
    if request.headers.get("HX-Request"):
        return render(request, "employment/trip_detail.html#phone", {"phone": phone})
    return _trip_page(request, trip, revealed=(number, phone))


@require_perm(Perm.EMPLOYMENT_WORK)
@require_POST
def trip_escort(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _city_staff(request)
    trip = selectors.trip_get(public_id=public_id)
    form = EscortForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a member of staff from the list."))
        return _back(trip)
    try:
        services.trip_escort_set(trip=trip, escort=form.chosen(), actor=user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("The escort is saved."))
    return _back(trip)


@require_perm(Perm.EMPLOYMENT_VIEW)
def trip_manifest_xlsx(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The manifest as XLSX, written to a temporary file and streamed; the export of a
    passenger list is recorded."""
    user = _city_staff(request)
    trip = selectors.trip_get(public_id=public_id)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    selectors.trip_manifest_workbook(
        trip=trip, rows=selectors.trip_manifest_rows(trip=trip), target=target
    )
    services.trip_manifest_export_record(trip=trip, actor=user)
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=f"manifest-{trip.number}.xlsx", content_type=XLSX
    )


SEAT_ACTIONS = frozenset({"board", "unboard", "pickup"})


def _back(trip: Trip, seat: int | None = None) -> HttpResponse:
    url = reverse("employment:trip_detail", args=[trip.public_id])
    return redirect(f"{url}#seat-{seat}" if seat else url)


@require_perm(Perm.EMPLOYMENT_WORK)
@require_POST
def trip_seat_act(
    request: HttpRequest, public_id: uuid.UUID, number: int, action: str
) -> HttpResponse:
    """Check a worker in (``board``), undo it (``unboard``) or move their pick-up point
    (``pickup``); a refusal is shown on the manifest page."""
    user = _city_staff(request)
    if action not in SEAT_ACTIONS:
        raise Http404
    trip = selectors.trip_get(public_id=public_id)
    seat = selectors.trip_seat_get(trip=trip, number=number)
    try:
        if action == "board":
            services.trip_seat_board(seat=seat, actor=user)
            messages.success(request, gettext("Seat %(number)d checked in.") % {"number": number})
        elif action == "unboard":
            services.trip_seat_unboard(seat=seat, actor=user)
            messages.success(
                request, gettext("Check-in of seat %(number)d undone.") % {"number": number}
            )
        else:
            services.trip_seat_pickup_set(
                seat=seat, pickup_point=request.POST.get("pickup_point", ""), actor=user
            )
            messages.success(
                request, gettext("Pick-up point of seat %(number)d changed.") % {"number": number}
            )
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back(trip, number)


@require_perm(Perm.EMPLOYMENT_WORK)
@require_POST
def trip_transition(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _city_staff(request)
    trip = selectors.trip_get(public_id=public_id)
    target = request.POST.get("to", "")
    try:
        services.trip_transition(
            trip=trip,
            to=target,
            received_by=request.POST.get("received_by", ""),
            departure_note=request.POST.get("departure_note", ""),
            actor=user,
        )
    except ApplicationError as error:
        if error.code == "trip_departs_off_date":
            # Ask again on the page, the reason box beside the warning, nothing lost.
            form = DepartureForm(request.POST)
            form_add_application_error(form, error)
            return _trip_page(request, trip, departure_form=form, status=400)
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            gettext("The trip is %(status)s.") % {"status": trip.get_status_display()},
        )
    return _back(trip)


urls: list[URLPattern] = [
    path("trips/", trip_list, name="trip_list"),
    path("trips/plan/", trip_plan, name="trip_plan"),
    path("trips/<uuid:public_id>/", trip_detail, name="trip_detail"),
    path("trips/<uuid:public_id>/manifest.xlsx", trip_manifest_xlsx, name="trip_manifest_xlsx"),
    path("trips/<uuid:public_id>/transition/", trip_transition, name="trip_transition"),
    path("trips/<uuid:public_id>/escort/", trip_escort, name="trip_escort"),
    path(
        "trips/<uuid:public_id>/seats/<int:number>/phone/",
        trip_seat_phone,
        name="trip_seat_phone",
    ),
    path(
        "trips/<uuid:public_id>/seats/<int:number>/<str:action>/",
        trip_seat_act,
        name="trip_seat_act",
    ),
]
