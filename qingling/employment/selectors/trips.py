"""Reads of the chartered buses (专车): who waits for one, the trips, their manifests.

A manifest (乘车名单) shows ID and mobile numbers masked only: passenger lists leak when
printed or passed on, and a named worker's travel is sensitive (行踪轨迹, PIPL Art. 28).
For the same reason only staff whose jurisdiction covers the whole city see the trips
(``trip_jurisdiction_check``): buses are planned and run city-wide, so a trip's
passengers come from every county.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can, jurisdiction_prefix
from qingling.core.models import Division
from qingling.core.spreadsheets import xlsx_row
from qingling.employment.models import Seeker, Trip, TripSeat


def trip_jurisdiction_check(*, user: Any) -> None:
    """Refuse (403) anyone whose jurisdiction is not the whole city, e.g. a county's
    employment officer: a trip carries workers of every county, and where a named worker
    travels is theirs to see only (行踪轨迹, PIPL Art. 28). Every trips page calls this."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or not settings.QINGLING_CITY_DIVISION.startswith(prefix):
        raise PermissionDenied


def trip_escorts() -> list[User]:
    """Who may travel with a bus as its escort: active city-level staff who may work on
    the return-to-work service (the trip pages are theirs only), by name."""
    users = User.objects.filter(is_active=True, org_unit__isnull=False).select_related(
        "org_unit__division"
    )
    result = []
    for user in users.order_by("username"):
        prefix = jurisdiction_prefix(user)
        if (
            prefix is not None
            and settings.QINGLING_CITY_DIVISION.startswith(prefix)
            and can(user, Perm.EMPLOYMENT_WORK)
        ):
            result.append(user)
    return result


def trip_candidates(*, destination: Division | None = None) -> QuerySet[Seeker]:
    """Workers who need a bus and have none: going out to work, with a confirmed job and
    destination, no seat."""
    seekers = Seeker.objects.filter(
        going_out=True,
        job_confirmed=True,
        transport_needed=True,
        confirmed_destination__isnull=False,
        seat__isnull=True,
    )
    if destination is not None:
        seekers = seekers.filter(confirmed_destination=destination)
    return seekers


@dataclass(frozen=True)
class WaitingDestination:
    division: Division
    waiting: int


def trip_destinations_waiting() -> list[WaitingDestination]:
    """The destinations that workers wait for a bus to, with how many wait, by code."""
    rows = trip_candidates().order_by().values("confirmed_destination").annotate(n=Count("id"))
    counts: dict[str, int] = {row["confirmed_destination"]: row["n"] for row in rows}
    divisions = Division.objects.in_bulk(list(counts))
    return [WaitingDestination(divisions[code], counts[code]) for code in sorted(divisions)]


TRAVELLED = "travelled"
"""The list's status filter for trips that left (departed or arrived): the ones the
``trips`` and ``workers_transported`` figures count."""


def trip_list(
    *,
    date: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    destination: str = "",
    status: str = "",
) -> QuerySet[Trip]:
    """Trips by date and number, with their passengers and how many boarded counted."""
    trips = Trip.objects.select_related("destination").annotate(
        passengers=Count("seat_rows"),
        boarded=Count("seat_rows", filter=Q(seat_rows__boarded_at__isnull=False)),
    )
    if date is not None:
        trips = trips.filter(date=date)
    if date_from is not None:
        trips = trips.filter(date__gte=date_from)
    if date_to is not None:
        trips = trips.filter(date__lte=date_to)
    if status == TRAVELLED:
        trips = trips.filter(status__in=(Trip.Status.DEPARTED, Trip.Status.ARRIVED))
    if destination:
        trips = trips.filter(destination_id=destination)
    if status in Trip.Status.values:
        trips = trips.filter(status=status)
    return trips.order_by("date", "number")


def trips_boarded(trips: QuerySet[Trip]) -> int:
    """How many workers boarded the trips of a list (the ``workers_transported`` figure
    for the same filters)."""
    return TripSeat.objects.filter(
        trip__in=trips.order_by().values("pk"), boarded_at__isnull=False
    ).count()


def trip_destinations() -> QuerySet[Division]:
    """The destinations of any trip, for the list's filter."""
    return Division.objects.filter(
        code__in=Trip.objects.order_by().values("destination_id").distinct()
    ).order_by("code")


def trip_get(*, public_id: uuid.UUID) -> Trip:
    trip = Trip.objects.select_related("destination", "escort").filter(public_id=public_id).first()
    if trip is None:
        raise Http404
    return trip


def trip_seat_get(*, trip: Trip, number: int) -> TripSeat:
    seat = TripSeat.objects.filter(trip=trip, number=number).first()
    if seat is None:
        raise Http404
    return seat


def trip_seats(*, trip: Trip) -> QuerySet[TripSeat]:
    return (
        TripSeat.objects.filter(trip=trip)
        .select_related("seeker__person", "seeker__division")
        .order_by("number")
    )


@dataclass(frozen=True)
class ManifestRow:
    """One line of the passenger list: numbers masked, never the full ones."""

    seat: int
    name: str
    id_number_masked: str
    phone_masked: str
    county: str
    township: str
    pickup_point: str
    employer: str
    boarded_at: dt.datetime | None
    handed_over_at: dt.datetime | None


def trip_manifest_rows(*, trip: Trip) -> list[ManifestRow]:
    return [
        ManifestRow(
            seat=seat.number,
            name=seat.seeker.person.name,
            id_number_masked=seat.seeker.person.id_number_masked,
            phone_masked=seat.seeker.person.phone_masked,
            county=seat.seeker.division.name,
            township=seat.seeker.township,
            pickup_point=seat.pickup_point,
            employer=seat.seeker.confirmed_employer,
            boarded_at=seat.boarded_at,
            handed_over_at=seat.handed_over_at,
        )
        for seat in trip_seats(trip=trip)
    ]


MANIFEST_HEADERS = (
    _("Seat"),
    _("Name"),
    _("ID number"),
    _("Mobile"),
    _("County"),
    _("Township"),
    _("Pick-up point"),
    _("Employer"),
    _("Boarded at"),
    _("Handed over at"),
)
MANIFEST_WIDTHS = (6, 10, 20, 14, 10, 14, 24, 30, 17, 17)


def _local(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def trip_manifest_workbook(*, trip: Trip, rows: Iterable[ManifestRow], target: IO[bytes]) -> int:
    """Write the manifest to ``target`` (write-only workbook), numbers masked; return how
    many passengers it lists."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(trip.number)
    for index, width in enumerate(MANIFEST_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    sheet.append(
        xlsx_row(
            sheet,
            [
                gettext("%(number)s %(date)s %(origin)s → %(destination)s")
                % {
                    "number": trip.number,
                    "date": trip.date.isoformat(),
                    "origin": trip.origin,
                    "destination": trip.destination.name,
                }
            ],
        )
    )
    sheet.append(xlsx_row(sheet, [str(header) for header in MANIFEST_HEADERS]))
    count = 0
    for row in rows:
        sheet.append(
            xlsx_row(
                sheet,
                [
                    row.seat,
                    row.name,
                    row.id_number_masked,
                    row.phone_masked,
                    row.county,
                    row.township,
                    row.pickup_point,
                    row.employer,
                    _local(row.boarded_at),
                    _local(row.handed_over_at),
                ],
            )
        )
        count += 1
    workbook.save(target)
    return count


def trips_on(*, day: dt.date) -> QuerySet[Trip]:
    """The buses leaving or on the road on ``day`` (the employment officer's home), with
    passengers and boarded counted; cancelled ones left out."""
    return trip_list(date=day).exclude(status=Trip.Status.CANCELLED)
