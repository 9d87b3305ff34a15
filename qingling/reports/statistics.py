"""The figures for a period, counted from the records (docs/statistics.md defines each).

A figure is a *metric*: a small function of the period and the scope that runs one
aggregate query and returns a JSON value (an int, a decimal string, or an object of
ints). Each app owns its figures, over its own records, in its ``statistics`` module
(``qingling.intake.statistics``: complaints; ``qingling.cases.statistics``: cases and
money; ``qingling.inspections.statistics``; ``qingling.employment.statistics``;
``qingling.sanctions.statistics``: transfers to the police;
``qingling.prevention.statistics``: monitoring warnings; ``qingling.portal.statistics``:
employer accounts), listed
in a ``FIGURES`` tuple; they are registered here with ``metric("key", label)``, in a
fixed order, and ``statistics_for_period`` runs every registered metric in that order.
A new key is one more function in its app, one more line in its ``FIGURES`` and its
definition in docs/statistics.md — the command, the API and the dashboard pick it up.
Reports reads no complaint or case record itself.

Periods are inclusive local dates in the bureau's time zone (Asia/Shanghai); instants
are compared with timezone-aware boundaries ``[start 00:00, end + 1 day 00:00)``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from qingling.accounts.permissions import jurisdiction_prefix
from qingling.cases import statistics as case_figures
from qingling.core.exceptions import InvalidInput
from qingling.core.models import Division
from qingling.employment import statistics as employment_figures
from qingling.employment.models import Posting
from qingling.inspections import statistics as inspection_figures
from qingling.intake import statistics as complaint_figures
from qingling.portal import statistics as portal_figures
from qingling.prevention import statistics as warning_figures
from qingling.prevention.models import Level
from qingling.sanctions import statistics as sanction_figures

M = TypeVar("M", bound=Model)
MAX_PERIOD_DAYS = 366 * 20


@dataclass(frozen=True)
class Period:
    """Inclusive local dates; ``start_at``/``end_at`` are the aware instants around them."""

    start: dt.date
    end: dt.date

    @property
    def start_at(self) -> dt.datetime:
        return _local_midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        """The first instant after the period (exclusive upper bound)."""
        return _local_midnight(self.end + dt.timedelta(days=1))

    def months(self) -> list[dt.date]:
        """The first day of each calendar month the period touches."""
        first = self.start.replace(day=1)
        found = []
        while first <= self.end:
            found.append(first)
            first = (first + dt.timedelta(days=32)).replace(day=1)
        return found


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone()
    )


@dataclass(frozen=True)
class Scope:
    """Whose records count: the whole city (``prefix`` None), the divisions under a
    code prefix, or nothing (``empty``: a user without a jurisdiction)."""

    prefix: str | None = None
    empty: bool = False

    def apply(self, queryset: QuerySet[M], division_field: str) -> QuerySet[M]:
        if self.empty:
            return queryset.none()
        if self.prefix is None:
            return queryset
        return queryset.filter(**{f"{division_field}__code__startswith": self.prefix})


CITY = Scope()


def scope_for_user(user: Any) -> Scope:
    """A city-level (or wider) member of staff sees the whole city's figures, unrestricted,
    so that they equal the command's; a district's staff see their district's records;
    someone without a jurisdiction sees nothing."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return Scope(empty=True)
    if user.org_unit.division.level != Division.Level.COUNTY:
        return CITY
    return Scope(prefix=prefix)


FigureValue = int | str | dict[str, int]
MetricFunction = Callable[[Period, Scope], FigureValue]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    compute: MetricFunction


METRICS: dict[str, Metric] = {}


def metric(key: str, label: str | Promise) -> Callable[[MetricFunction], MetricFunction]:
    """Register a figure under ``key`` (the JSON key) with a human label."""

    def register(function: MetricFunction) -> MetricFunction:
        if key in METRICS:
            raise ValueError(f"metric {key!r} is registered twice")
        METRICS[key] = Metric(key=key, label=label, compute=function)
        return function

    return register


def statistics_for_period(*, start: dt.date, end: dt.date, user: Any = None) -> dict[str, Any]:
    """Every registered figure for the inclusive local-date period, as one JSON object.

    ``user`` restricts the records to the user's jurisdiction (see ``scope_for_user``);
    without it the figures are city-wide.
    """
    period = period_check(start=start, end=end)
    scope = CITY if user is None else scope_for_user(user)
    return {key: m.compute(period, scope) for key, m in METRICS.items()}


def figure_parts(value: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """A figure that is an object: its total and its parts. An object with a ``total``
    gives it (its parts need not add up to it); otherwise the parts add up to the figure."""
    parts = {sub: count for sub, count in value.items() if sub != "total"}
    return value.get("total", sum(parts.values())), parts


def part_labels() -> dict[str, str]:
    """The labels of the parts of every object figure: channels, outcomes, the postings'
    scopes, the warnings' levels (for the command's table and the dashboard)."""
    return {
        key: str(label)
        for key, label in (
            complaint_figures.channel_labels()
            | complaint_figures.part_labels()
            | dict(Posting.Scope.choices)
            | dict(Level.choices)
        ).items()
    }


def period_check(*, start: dt.date, end: dt.date) -> Period:
    if start > end:
        raise InvalidInput(
            _("The period ends before it starts."),
            extra={"fields": {"to": [_("Give a date on or after the start.")]}},
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInput(
            _("The period is too long."),
            extra={"fields": {"from": [_("At most 20 years.")]}},
        )
    return Period(start=start, end=end)


def period_parse(*, start: str, end: str) -> Period:
    """A period from ``YYYY-MM-DD`` strings; a bad one is named by its field (from, to)."""
    fields: dict[str, list[str]] = {}
    dates: dict[str, dt.date] = {}
    for name, text in (("from", start), ("to", end)):
        try:
            dates[name] = dt.date.fromisoformat(text.strip())
        except ValueError:
            fields[name] = [_("Give a date as YYYY-MM-DD.")]
    if fields:
        raise InvalidInput(_("The period is not valid."), extra={"fields": fields})
    return period_check(start=dates["from"], end=dates["to"])


# The apps' figures, in this order: the order of the keys is part of the contract (the
# command's table and JSON, GET /api/v1/stats, the dashboard).
for _key, _label, _function in (
    *complaint_figures.FIGURES,
    *case_figures.FIGURES,
    *inspection_figures.FIGURES,
    *employment_figures.FIGURES,
    *sanction_figures.FIGURES,
    *complaint_figures.OUTCOME_FIGURES,
    *warning_figures.FIGURES,
    *warning_figures.REGISTRY_FIGURES,
    *portal_figures.FIGURES,
):
    metric(_key, _label)(_function)
