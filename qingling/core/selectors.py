"""Reads of the kernel: the working calendar, history, import jobs and the demo clock."""

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from qingling.core import clock
from qingling.core.calendars import DeadlineDate, WorkCalendar, add_calendar_days, add_working_days
from qingling.core.models import (
    AuditEvent,
    CalendarDay,
    CalendarYear,
    DemoClock,
    Division,
    ImportJob,
)
from qingling.core.places import Place, PlaceIndex

_cached_calendar: tuple[tuple[int, int | None], WorkCalendar] | None = None


def work_calendar() -> WorkCalendar:
    """The calendar from the table, rebuilt only when the table changed.

    Every complaint computes two deadlines, so reading the ~700 rows each time cost
    more than the rest of the arithmetic. One aggregate query tells whether the table
    changed since the last build (an import deletes and re-inserts rows, which moves
    the highest id); it works across processes, unlike an in-memory version flag.
    """
    global _cached_calendar
    state = CalendarDay.objects.aggregate(n=models.Count("id"), top=models.Max("id"))
    key = (state["n"], state["top"])
    if _cached_calendar is not None and _cached_calendar[0] == key:
        return _cached_calendar[1]
    calendar = _work_calendar_build()
    _cached_calendar = (key, calendar)
    return calendar


def _work_calendar_build() -> WorkCalendar:
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    return WorkCalendar(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        covered_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )


def workdays_add(
    *, start: dt.date, days: int, calendar: WorkCalendar | None = None
) -> DeadlineDate:
    """``days`` working days after ``start``; a caller that computes several deadlines at
    once passes one ``work_calendar()`` so the table is checked once, not per deadline."""
    return add_working_days(start, days, calendar=calendar or work_calendar())


def calendar_days_add(*, start: dt.date, days: int) -> DeadlineDate:
    return add_calendar_days(start, days, calendar=work_calendar())


def calendar_year_list() -> QuerySet[CalendarYear]:
    return CalendarYear.objects.annotate(day_count=models.Count("days")).order_by("-year")


def calendar_next_year_missing() -> int | None:
    """Return next year when its schedule is not loaded yet, else None."""
    next_year = clock.local_today().year + 1
    return None if CalendarYear.objects.filter(year=next_year).exists() else next_year


def audit_history(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).select_related(
        "actor"
    )


def division_list(*, within: str | None = None) -> QuerySet[Division]:
    """Divisions, optionally only those whose code starts with the prefix ``within``."""
    divisions = Division.objects.all()
    return divisions.filter(code__startswith=within) if within else divisions


def division_get(*, code: str) -> Division | None:
    return Division.objects.filter(code=code).first()


def place_index() -> PlaceIndex:
    """Every division, to resolve places as people write them (one query)."""
    return PlaceIndex(
        Place(code, name, level, parent)
        for code, name, level, parent in Division.objects.values_list(
            "code", "name", "level", "parent_id"
        )
    )


def import_job_get_for_user(*, user: object, public_id: uuid.UUID) -> ImportJob:
    """An import job, for the member of staff who started it only (its report names
    workers by line and reason); 404 for anyone else."""
    pk = getattr(user, "pk", None)
    try:
        return ImportJob.objects.get(
            public_id=public_id, created_by_id=pk, created_by__isnull=False
        )
    except ImportJob.DoesNotExist:
        raise Http404 from None


def demo_clock_get() -> DemoClock | None:
    """The demo database's day, when the deployment lives on one (``QINGLING_DEMO_CLOCK``)."""
    if not settings.QINGLING_DEMO_CLOCK:
        return None
    return DemoClock.objects.filter(pk=1).first()


@contextlib.contextmanager
def demo_clock_applied() -> Iterator[DemoClock | None]:
    """Run the block on the demo day, if there is one; otherwise on the real clock."""
    demo = demo_clock_get()
    if demo is None:
        yield None
        return
    with clock.living_on(demo.today):
        yield demo
