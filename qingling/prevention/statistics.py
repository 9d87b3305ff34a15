"""The monitoring figures for a period (docs/statistics.md defines each): one aggregate
query per figure, filtered by the warning's county. Registered in
``qingling.reports.statistics`` under the keys ``warnings_raised`` (by level),
``warnings_dispatched``, ``warnings_resolved`` and ``warnings_overdue``.

The arguments are the statistics' ``Period`` and ``Scope``, described by protocols so
that this app does not import reports (reports depends on it).
"""

import datetime as dt
from typing import Protocol, TypeVar

from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingling.core import clock
from qingling.prevention.lifecycle import WarningStatus
from qingling.prevention.models import Level, Warning

M = TypeVar("M", bound=Model)


class PeriodLike(Protocol):
    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...


class ScopeLike(Protocol):
    def apply(self, queryset: QuerySet[M], division_field: str) -> QuerySet[M]: ...


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone()
    )


def _in(field: str, period: PeriodLike) -> Q:
    return Q(
        **{
            f"{field}__gte": _local_midnight(period.start),
            f"{field}__lt": _local_midnight(period.end + dt.timedelta(days=1)),
        }
    )


def _warnings(scope: ScopeLike) -> QuerySet[Warning]:
    return scope.apply(Warning.objects.all(), "division")


def warnings_raised(period: PeriodLike, scope: ScopeLike) -> dict[str, int]:
    """Warnings recorded (a rerun of a month adds none twice) with the local date of
    ``created_at`` in the period, by level."""
    counts = dict.fromkeys(Level.values, 0)
    rows = _warnings(scope).filter(_in("created_at", period)).order_by().values("level")
    for row in rows.annotate(n=Count("id")):
        counts[row["level"]] = row["n"]
    return counts


def warnings_dispatched(period: PeriodLike, scope: ScopeLike) -> int:
    """Warnings dispatched (to an inspection, a complaint or a case) in the period,
    whatever became of them since."""
    return _warnings(scope).filter(_in("dispatched_at", period)).count()


def warnings_resolved(period: PeriodLike, scope: ScopeLike) -> int:
    """Warnings resolved (not dismissed) in the period."""
    return _warnings(scope).filter(_in("closed_at", period), status=WarningStatus.RESOLVED).count()


def warnings_overdue(period: PeriodLike, scope: ScopeLike) -> int:
    """Warnings whose acknowledgement deadline lies in the period and that were not
    acknowledged by it: flagged by the worker, or still new after it (as of today)."""
    return (
        _warnings(scope)
        .filter(acknowledge_due__gte=period.start, acknowledge_due__lte=period.end)
        .filter(
            Q(overdue_at__isnull=False)
            | Q(status=WarningStatus.NEW, acknowledge_due__lt=clock.local_today())
        )
        .count()
    )


# key, label, function: in the order they are registered.
FIGURES = (
    ("warnings_raised", _("Monitoring warnings raised (预警), by level"), warnings_raised),
    ("warnings_dispatched", _("Warnings dispatched"), warnings_dispatched),
    ("warnings_resolved", _("Warnings resolved"), warnings_resolved),
    ("warnings_overdue", _("Warnings not acknowledged in time"), warnings_overdue),
)
