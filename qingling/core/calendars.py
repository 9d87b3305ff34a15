"""Working-day arithmetic: pure functions, no ORM, no clock.

The rule (docs/legal-rules.md): "within N working days" counts from the day
after the start, skips weekends and statutory holidays, and counts the swapped
working Saturdays and Sundays (调休). A year without a published schedule is
*provisional*: every answer that touches it says so. Such a year skips weekends and the
statutory holidays whose Gregorian dates the law fixes (《全国年节及纪念日放假办法》, 2024
revision, in force 2025): 元旦 1 January, 劳动节 1–2 May (1 May only 2008–2024, 1–3 May
before 2008) and 国庆节 1–3 October. It does not know 春节, 清明, 端午 or 中秋 (lunar dates
and a solar term: chinesecalendar carries no lunar conversion, and its 清明 comes from an
approximating formula; a day wrongly taken for a holiday would put a deadline *later* than
the law's, so only certain dates are used), nor the make-up days (补假) for a holiday on
a weekend, nor the 调休 — hence still provisional until the State Council's notice is loaded.
"""

import datetime as dt
import functools
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)
WEEKEND = frozenset({5, 6})  # Saturday, Sunday


@functools.cache
def fixed_statutory_holidays(year: int) -> frozenset[dt.date]:
    """The statutory holidays of ``year`` that fall on fixed Gregorian dates (see above)."""
    if year >= 2025:
        labour_days: tuple[int, ...] = (1, 2)
    elif year >= 2008:
        labour_days = (1,)
    else:
        labour_days = (1, 2, 3)
    return frozenset(
        {
            dt.date(year, 1, 1),
            *(dt.date(year, 5, day) for day in labour_days),
            *(dt.date(year, 10, day) for day in (1, 2, 3)),
        }
    )


@dataclass(frozen=True)
class WorkCalendar:
    """A schedule of holidays and swapped working days for the years it covers."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    covered_years: frozenset[int] = frozenset()

    def covers(self, day: dt.date) -> bool:
        return day.year in self.covered_years

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if day.year not in self.covered_years and day in fixed_statutory_holidays(day.year):
            return False  # a provisional year: the fixed-date statutory holidays only
        return day.weekday() not in WEEKEND


@dataclass(frozen=True)
class DeadlineDate:
    """A computed date and whether it rests on a year with no published schedule."""

    date: dt.date
    provisional: bool

    def __str__(self) -> str:
        return f"{self.date.isoformat()} provisional" if self.provisional else self.date.isoformat()


def _days(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def _provisional(calendar: WorkCalendar, start: dt.date, end: dt.date) -> bool:
    return any(year not in calendar.covered_years for year in range(start.year, end.year + 1))


def add_working_days(start: dt.date, days: int, *, calendar: WorkCalendar) -> DeadlineDate:
    """Return the date on which a limit of ``days`` working days after ``start`` ends."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, left = start, days
    while left:
        day += ONE_DAY
        if calendar.is_working_day(day):
            left -= 1
    return DeadlineDate(day, _provisional(calendar, start + ONE_DAY, day) if days else False)


def add_calendar_days(start: dt.date, days: int, *, calendar: WorkCalendar) -> DeadlineDate:
    """Return the end of a calendar-day limit; one that ends on a rest day moves to the next
    working day."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start + dt.timedelta(days=days)
    while not calendar.is_working_day(day):
        day += ONE_DAY
    return DeadlineDate(day, _provisional(calendar, start, day))


def working_days_between(start: dt.date, end: dt.date, *, calendar: WorkCalendar) -> int:
    """Count working days after ``start`` up to and including ``end`` (negative if end < start)."""
    if end < start:
        return -working_days_between(end, start, calendar=calendar)
    return sum(1 for day in _days(start + ONE_DAY, end) if calendar.is_working_day(day))


@dataclass(frozen=True)
class ScheduleEntry:
    date: dt.date
    kind: str  # "holiday" or "workday"
    note: str = ""


class ScheduleFileError(ValueError):
    """A line of a schedule file is wrong; ``line`` is 1-based."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def parse_schedule(text: str, *, year: int) -> list[ScheduleEntry]:
    """Parse the plain schedule file (format in docs/operations.md).

    One entry a line: ``holiday 2027-02-05..2027-02-11 春节`` or ``workday 2027-02-14 春节调休``;
    ``#`` starts a comment. Every date must fall in ``year``; a date may appear once.
    """
    entries: dict[dt.date, ScheduleEntry] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(maxsplit=2)
        if len(parts) < 2 or parts[0] not in {"holiday", "workday"}:
            raise ScheduleFileError(
                number, "expected 'holiday DATE[..DATE] [note]' or 'workday DATE [note]'"
            )
        kind, span = parts[0], parts[1]
        note = parts[2] if len(parts) == 3 else ""
        first_text, _, last_text = span.partition("..")
        try:
            first = dt.date.fromisoformat(first_text)
            last = dt.date.fromisoformat(last_text) if last_text else first
        except ValueError:
            raise ScheduleFileError(number, f"'{span}' is not a date YYYY-MM-DD") from None
        if last < first:
            raise ScheduleFileError(number, "the range ends before it starts")
        for day in _days(first, last):
            if day.year != year:
                raise ScheduleFileError(number, f"{day} is not in {year}")
            if day in entries:
                raise ScheduleFileError(number, f"{day} is listed twice")
            if kind == "workday" and day.weekday() not in WEEKEND:
                raise ScheduleFileError(
                    number,
                    f"{day} is a weekday; only a Saturday or Sunday can be a swapped working day",
                )
            entries[day] = ScheduleEntry(day, kind, note)
    if not entries:
        raise ScheduleFileError(0, "the file lists no dates")
    return sorted(entries.values(), key=lambda e: e.date)


def package_schedule() -> dict[int, list[ScheduleEntry]]:
    """Return the schedules that the ``chinesecalendar`` package carries, by year."""
    from chinese_calendar import constants

    years: dict[int, list[ScheduleEntry]] = {}
    for day, name in constants.holidays.items():
        years.setdefault(day.year, []).append(ScheduleEntry(day, "holiday", str(name)))
    for day, name in constants.workdays.items():
        if day.weekday() in WEEKEND:  # a swapped working day is always a Saturday or Sunday
            years.setdefault(day.year, []).append(ScheduleEntry(day, "workday", str(name)))
    return {year: sorted(entries, key=lambda e: e.date) for year, entries in sorted(years.items())}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later; a day the month lacks (31 April,
    29 February in a common year) becomes the month's last day (民法典 Art. 202)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))
