"""The return-to-work figures for a period (docs/statistics.md defines each), registered in
``qingling.reports.statistics``. Records are placed by the worker's county (seekers,
pairings, seats) or by the place of work (postings), so a county's staff see theirs.

As in ``qingling.inspections.statistics``, the period and scope are protocols: reports
depends on this app, not the other way round.
"""

import datetime as dt
from typing import Protocol, TypeVar

from django.db.models import Count, Model, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from qingling.employment.models import Introduction, Pairing, Posting, Push, Seeker, Trip, TripSeat

M = TypeVar("M", bound=Model)
TRAVELLED = (Trip.Status.DEPARTED, Trip.Status.ARRIVED)


class PeriodLike(Protocol):
    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...


class ScopeLike(Protocol):
    def apply(self, queryset: QuerySet[M], division_field: str) -> QuerySet[M]: ...


def _in(period: PeriodLike, field: str) -> dict[str, dt.date]:
    return {f"{field}__gte": period.start, f"{field}__lte": period.end}


def seekers_registered(period: PeriodLike, scope: ScopeLike) -> int:
    """Workers whose first registration (``registered_on``) is in the period."""
    return (
        scope.apply(Seeker.objects.all(), "division").filter(**_in(period, "registered_on")).count()
    )


def seekers_going_out(period: PeriodLike, scope: ScopeLike) -> int:
    """Of the workers registered in the period, those who want to go out to work."""
    seekers = scope.apply(Seeker.objects.all(), "division")
    return seekers.filter(going_out=True, **_in(period, "registered_on")).count()


def postings_collected(period: PeriodLike, scope: ScopeLike) -> dict[str, int]:
    """Postings collected (created, whatever their status since) in the period, in all
    and inside (域内) or outside (域外) the city; by the local date of collection."""
    postings = scope.apply(Posting.objects.all(), "place").annotate(
        collected_on=TruncDate("created_at")
    )
    counts = postings.filter(**_in(period, "collected_on")).aggregate(
        total=Count("id"),
        inside=Count("id", filter=Q(scope=Posting.Scope.INSIDE)),
        outside=Count("id", filter=Q(scope=Posting.Scope.OUTSIDE)),
    )
    return {name: int(counts[name]) for name in ("total", "inside", "outside")}


def postings_published(period: PeriodLike, scope: ScopeLike) -> int:
    """Postings first published in the period (by the local date of ``published_at``)."""
    postings = scope.apply(Posting.objects.all(), "place").annotate(
        published_on=TruncDate("published_at")
    )
    return postings.filter(**_in(period, "published_on")).count()


def push_recipients(period: PeriodLike, scope: ScopeLike) -> int:
    """Distinct workers sent at least one job message in the period."""
    pushes = scope.apply(Push.objects.all(), "seeker__division").filter(**_in(period, "sent_on"))
    return int(pushes.aggregate(n=Count("seeker", distinct=True))["n"])


def introductions(period: PeriodLike, scope: ScopeLike) -> int:
    """Introductions of a worker to a posting made in the period, after staff review."""
    rows = scope.apply(Introduction.objects.all(), "seeker__division")
    return rows.filter(**_in(period, "introduced_on")).count()


def placements(period: PeriodLike, scope: ScopeLike) -> int:
    """Introductions recorded as hired, by the date the hire was recorded."""
    rows = scope.apply(Introduction.objects.all(), "seeker__division")
    return rows.filter(status=Introduction.Status.HIRED, **_in(period, "decided_on")).count()


def pairings(period: PeriodLike, scope: ScopeLike) -> int:
    """Pairings of a worker with a service officer started in the period (a reassignment
    starts a new one)."""
    rows = scope.apply(Pairing.objects.all(), "seeker__division")
    return rows.filter(**_in(period, "started_on")).count()


def _travelled_seats(period: PeriodLike, scope: ScopeLike) -> QuerySet[TripSeat]:
    seats = scope.apply(TripSeat.objects.all(), "seeker__division")
    return seats.filter(
        boarded_at__isnull=False, trip__status__in=TRAVELLED, **_in(period, "trip__date")
    )


def trips(period: PeriodLike, scope: ScopeLike) -> int:
    """Chartered buses that left (departed or arrived) on a date in the period, carrying
    at least one worker of the scope."""
    return int(_travelled_seats(period, scope).aggregate(n=Count("trip", distinct=True))["n"])


def workers_transported(period: PeriodLike, scope: ScopeLike) -> int:
    """Workers who boarded (checked in on) a bus that left in the period."""
    return _travelled_seats(period, scope).count()


def workers_transported_by_destination(period: PeriodLike, scope: ScopeLike) -> dict[str, int]:
    """``workers_transported`` by the name of the bus's destination."""
    rows = (
        _travelled_seats(period, scope)
        .values("trip__destination__name")
        .annotate(n=Count("id"))
        .order_by("trip__destination__name")
    )
    return {row["trip__destination__name"]: row["n"] for row in rows}


# key, label, function: in the order they are registered.
FIGURES = (
    ("seekers_registered", _("Workers registered (survey)"), seekers_registered),
    ("seekers_going_out", _("Workers registered who want to go out"), seekers_going_out),
    ("postings_collected", _("Job postings collected"), postings_collected),
    ("postings_published", _("Job postings published"), postings_published),
    ("push_recipients", _("Workers sent job messages"), push_recipients),
    ("introductions", _("Introductions to employers"), introductions),
    ("placements", _("Placements (hired after an introduction)"), placements),
    ("pairings", _("Service pairings started"), pairings),
    ("trips", _("Chartered buses sent"), trips),
    ("workers_transported", _("Workers sent by chartered bus"), workers_transported),
    (
        "workers_transported_by_destination",
        _("Workers sent by chartered bus, by destination"),
        workers_transported_by_destination,
    ),
)
