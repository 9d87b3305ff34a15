"""The intake clocks besides the 5-day decision: opening the case of an accepted complaint,
the wait for material (补正), and the 2-year limitation read from the period owed.

Pure functions (no ORM): the services store what they compute, the pages show it. Each
rule is in docs/legal-rules.md with its source.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

# 若干规定 Art. 18: a complaint is accepted and the case opened (立案) on the day of
# acceptance. The chief's queue shows an accepted complaint without a case from that day,
# and the worker job escalates it the day after.
CASE_OPENING_WORKING_DAYS = 0
# 监察条例 Art. 20: not investigated when neither discovered nor reported within 2 years,
# counted from the act or from the end of a continuing act.
LIMITATION_YEARS = 2

_YEAR_MONTH = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?:(?P<month>1[0-2]|0?[1-9])\s*月?)?"
)
_MONTH_ONLY = re.compile(r"(?<![\d年])(?P<month>1[0-2]|0?[1-9])\s*月")
_CONTINUING = re.compile(r"至今|到现在|迄今|以来|until now|to date|ongoing", re.IGNORECASE)


@dataclass(frozen=True)
class Limitation:
    """What the period owed says about the 2-year limitation."""

    violation_ended_on: dt.date | None  # None: unknown, or still going on
    continuing: bool
    expires_on: dt.date | None

    def expired(self, today: dt.date) -> bool:
        return self.expires_on is not None and self.expires_on < today


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_end(period: str) -> tuple[dt.date | None, bool]:
    """The last day of the period owed as the worker wrote it, and whether it is still
    going on ("2020年9月至今"). "2020年9月至12月" ends on 31 December 2020; a year alone
    ("2019年全年") on 31 December. Unreadable text gives (None, False): no warning."""
    text = period.strip()
    if not text:
        return None, False
    if _CONTINUING.search(text):
        return None, True
    found = list(_YEAR_MONTH.finditer(text))
    if not found:
        return None, False
    last = found[-1]
    year = int(last["year"])
    month = int(last["month"]) if last["month"] else None
    # "2020年9月至12月": a month after the last year belongs to it.
    tail = text[last.end() :]
    if later := list(_MONTH_ONLY.finditer(tail)):
        month = int(later[-1]["month"])
    if month is None:
        return dt.date(year, 12, 31), False
    return _month_end(year, month), False


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def limitation(period: str) -> Limitation:
    """The limitation the period owed implies (监察条例 Art. 20): 2 years from the end of
    the continuing violation (the last day wages were owed for). A warning for the
    officer, never a refusal: the worker may have reported earlier, elsewhere."""
    ended, continuing = period_end(period)
    if ended is None:
        return Limitation(None, continuing, None)
    return Limitation(ended, False, _add_years(ended, LIMITATION_YEARS))
