"""The inspection figures for a period (docs/statistics.md defines each): one aggregate
query per figure, filtered by the scope's divisions. Registered in
``qingling.reports.statistics`` under the keys ``inspections``, ``inspector_visits``,
``projects_inspected``, ``findings`` and ``violations_corrected``.

The arguments are the statistics' ``Period`` (inclusive local dates ``start``/``end``)
and ``Scope`` (``apply(queryset, division_field)``); they are described here by
protocols so that this app does not import reports (reports depends on it).
"""

import datetime as dt
from typing import Protocol, TypeVar

from django.db.models import Count, Model, QuerySet
from django.utils.translation import gettext_lazy as _

from qingling.inspections.models import Finding, Inspection, InspectionInspector

M = TypeVar("M", bound=Model)


class PeriodLike(Protocol):
    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...


class ScopeLike(Protocol):
    def apply(self, queryset: QuerySet[M], division_field: str) -> QuerySet[M]: ...


def _done_in(period: PeriodLike, prefix: str = "") -> dict[str, object]:
    return {
        f"{prefix}status": Inspection.Status.DONE,
        f"{prefix}done_on__gte": period.start,
        f"{prefix}done_on__lte": period.end,
    }


def inspections(period: PeriodLike, scope: ScopeLike) -> int:
    """Inspections done (recorded as done) with ``done_on`` in the period."""
    return scope.apply(Inspection.objects.all(), "division").filter(**_done_in(period)).count()


def inspector_visits(period: PeriodLike, scope: ScopeLike) -> int:
    """人次: each inspector on each inspection done in the period counts once."""
    rows = scope.apply(InspectionInspector.objects.all(), "inspection__division")
    return rows.filter(**_done_in(period, "inspection__")).count()


def projects_inspected(period: PeriodLike, scope: ScopeLike) -> int:
    """Distinct construction projects with at least one inspection done in the period."""
    done = scope.apply(Inspection.objects.all(), "division").filter(**_done_in(period))
    return int(done.aggregate(n=Count("project", distinct=True))["n"])


def findings(period: PeriodLike, scope: ScopeLike) -> int:
    """Findings (violations) of the inspections done in the period, whatever became of them."""
    rows = scope.apply(Finding.objects.all(), "inspection__division")
    return rows.filter(**_done_in(period, "inspection__")).count()


def violations_corrected(period: PeriodLike, scope: ScopeLike) -> int:
    """Findings corrected on the spot or by their deadline, with ``corrected_on`` in the
    period (on the spot: the inspection's day; by deadline: the day it was recorded)."""
    rows = scope.apply(Finding.objects.all(), "inspection__division")
    return rows.filter(
        status__in=Finding.CORRECTED_STATUSES,
        corrected_on__gte=period.start,
        corrected_on__lte=period.end,
    ).count()


# key, label, function: in the order they are registered.
FIGURES = (
    ("inspections", _("Inspections"), inspections),
    ("inspector_visits", _("Inspector visits (人次)"), inspector_visits),
    ("projects_inspected", _("Construction projects inspected"), projects_inspected),
    ("findings", _("Violations found on inspection"), findings),
    (
        "violations_corrected",
        _("Violations corrected (on the spot or by deadline)"),
        violations_corrected,
    ),
)
