"""The monitoring figures for a period (docs/statistics.md defines each): one aggregate
query per figure, filtered by the warning's county. Registered in
``qingling.reports.statistics`` under the keys ``warnings_raised`` (by level),
``warnings_dispatched``, ``warnings_resolved`` and ``warnings_overdue``; and the
compliance registry's ``projects_registered``, ``projects_compliant``,
``wage_accounts_opened``, ``deposits_held`` and ``deposits_drawn`` (issue 15).

The arguments are the statistics' ``Period`` and ``Scope``, described by protocols so
that this app does not import reports (reports depends on it).
"""

import datetime as dt
from typing import Protocol, TypeVar

from django.db.models import Count, Model, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingling.core import clock
from qingling.core.money import money
from qingling.parties.models import Project
from qingling.prevention.compliance import checklist, failing_items
from qingling.prevention.lifecycle import WarningStatus
from qingling.prevention.models import DepositMovement, Level, WageAccount, Warning
from qingling.prevention.registry_selectors import facts_for

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


# --- the compliance registry (issue 15) ------------------------------------------------------


def _projects_under_way(period: PeriodLike, scope: ScopeLike) -> QuerySet[Project]:
    """Projects the registry follows in the period: started on or before its end and not
    completed before its start."""
    return scope.apply(Project.objects.all(), "division").filter(
        Q(start_date__lte=period.end),
        Q(registry__isnull=True)
        | Q(registry__completed_on__isnull=True)
        | Q(registry__completed_on__gte=period.start),
    )


def projects_registered(period: PeriodLike, scope: ScopeLike) -> int:
    """Construction projects under way in the period (started by its end, not completed
    before its start), by the project's county."""
    return _projects_under_way(period, scope).count()


def projects_compliant(period: PeriodLike, scope: ScopeLike) -> int:
    """Of those, the projects with nothing missing or late on the checklist as it stood
    the day after the period (or today, for a period that has not ended)."""
    projects = list(_projects_under_way(period, scope))
    on = min(period.end + dt.timedelta(days=1), clock.local_today())
    facts = facts_for(projects)
    return sum(1 for project in projects if not failing_items(checklist(facts[project.pk], on)))


def wage_accounts_opened(period: PeriodLike, scope: ScopeLike) -> int:
    """Dedicated wage accounts opened (``WageAccount.opened_on``) in the period."""
    accounts = scope.apply(WageAccount.objects.all(), "project__division")
    return accounts.filter(opened_on__gte=period.start, opened_on__lte=period.end).count()


def _movements(scope: ScopeLike) -> QuerySet[DepositMovement]:
    return scope.apply(DepositMovement.objects.all(), "deposit__project__division")


def deposits_held(period: PeriodLike, scope: ScopeLike) -> str:
    """Yuan held as wage deposits at the end of the period: every lodging and top-up less
    every draw and refund dated on or before it."""
    total = _movements(scope).filter(on__lte=period.end).aggregate(total=Sum("amount"))
    return money(total["total"])


def deposits_drawn(period: PeriodLike, scope: ScopeLike) -> str:
    """Yuan drawn from wage deposits to pay workers in the period."""
    drawn = (
        _movements(scope)
        .filter(kind=DepositMovement.Kind.DRAW, on__gte=period.start, on__lte=period.end)
        .aggregate(total=Sum("amount"))
    )
    total = drawn["total"]
    return money(-total if total is not None else None)


# key, label, function: in the order they are registered.
FIGURES = (
    ("warnings_raised", _("Monitoring warnings raised (预警), by level"), warnings_raised),
    ("warnings_dispatched", _("Warnings dispatched"), warnings_dispatched),
    ("warnings_resolved", _("Warnings resolved"), warnings_resolved),
    ("warnings_overdue", _("Warnings not acknowledged in time"), warnings_overdue),
)
# The compliance registry's (issue 15), registered after the warnings'.
REGISTRY_FIGURES = (
    ("projects_registered", _("Construction projects under way"), projects_registered),
    ("projects_compliant", _("Of them, nothing missing or late"), projects_compliant),
    ("wage_accounts_opened", _("Dedicated wage accounts opened"), wage_accounts_opened),
    ("deposits_held", _("Wage deposits held (yuan)"), deposits_held),
    ("deposits_drawn", _("Wage deposits drawn to pay workers (yuan)"), deposits_drawn),
)
