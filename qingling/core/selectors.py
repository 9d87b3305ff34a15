"""Reads of the kernel: the working calendar and an object's history."""

import datetime as dt

from django.db import models
from django.db.models import QuerySet

from qingling.core import clock
from qingling.core.calendars import DeadlineDate, WorkCalendar, add_calendar_days, add_working_days
from qingling.core.models import AuditEvent, CalendarDay, CalendarYear, Division


def work_calendar() -> WorkCalendar:
    """Build the calendar from the table (a few hundred rows; cheap to read per request)."""
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    return WorkCalendar(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        covered_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )


def workdays_add(*, start: dt.date, days: int) -> DeadlineDate:
    return add_working_days(start, days, calendar=work_calendar())


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
