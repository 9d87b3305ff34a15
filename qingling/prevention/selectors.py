"""Every read of monitoring: the warnings a member of staff may see, filtered; one
warning; the counts of the dashboard's panel; the months of data kept."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qingling.accounts.permissions import Perm, can, covers_whole_city, jurisdiction_prefix
from qingling.core import clock
from qingling.core.exceptions import NotFound
from qingling.prevention.lifecycle import OPEN_STATUSES, WarningStatus
from qingling.prevention.models import MonitoringMonth, Warning


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone()
    )


def _warnings_visible(*, user: object) -> QuerySet[Warning]:
    """The warnings of the user's jurisdiction (those of no known county: city staff)."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.INSPECTION_VIEW):
        return Warning.objects.none()
    mine = Q(division__code__startswith=prefix)
    if covers_whole_city(user):
        mine |= Q(division__isnull=True)
    return Warning.objects.filter(mine)


@dataclass(frozen=True)
class WarningFilters:
    level: str = ""
    rule: str = ""
    county: str = ""  # a division code
    month: str = ""  # YYYY-MM
    status: str = ""
    overdue: bool = False
    raised_from: dt.date | None = None
    raised_to: dt.date | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None


def warning_list_for_user(*, user: object, filters: WarningFilters) -> QuerySet[Warning]:
    """The list page's rows: one query with the county and project joined."""
    rows = _warnings_visible(user=user)
    for name in ("level", "rule", "month", "status"):
        value = getattr(filters, name)
        if value:
            rows = rows.filter(**{name: value})
    if filters.county:
        rows = rows.filter(division__code__startswith=filters.county)
    if filters.overdue:  # as the figure warnings_overdue counts them
        rows = rows.filter(
            Q(overdue_at__isnull=False)
            | Q(status=WarningStatus.NEW, acknowledge_due__lt=clock.local_today())
        )
    if filters.raised_from:
        rows = rows.filter(created_at__gte=_local_midnight(filters.raised_from))
    if filters.raised_to:
        rows = rows.filter(created_at__lt=_local_midnight(filters.raised_to + dt.timedelta(days=1)))
    if filters.due_from:
        rows = rows.filter(acknowledge_due__gte=filters.due_from)
    if filters.due_to:
        rows = rows.filter(acknowledge_due__lte=filters.due_to)
    return rows.select_related("division", "project").defer("evidence", "worker_id_sealed")


def warning_get_for_user(*, user: object, public_id: uuid.UUID) -> Warning:
    found = (
        _warnings_visible(user=user)
        .select_related(
            "division", "project__division", "worker", "inspection", "complaint", "case"
        )
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound(_("No warning with that number that you may see."))
    return found


@dataclass(frozen=True)
class WarningCounts:
    """The dashboard panel: open and all warnings by level, rule, county and month."""

    by_level: list[dict[str, object]]
    by_rule: list[dict[str, object]]
    by_county: list[dict[str, object]]
    by_month: list[dict[str, object]]


def warning_counts_for_user(*, user: object, months: list[str] | None = None) -> WarningCounts:
    """Counts of the warnings the user may see (of ``months``, if given): four grouped
    queries, whatever the number of warnings."""
    rows = _warnings_visible(user=user)
    if months is not None:
        rows = rows.filter(month__in=months)
    rows = rows.order_by()

    def grouped(*fields: str) -> list[dict[str, object]]:
        return list(
            rows.values(*fields)
            .annotate(
                total=Count("id"),
                red=Count("id", filter=Q(level="red")),
                open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            )
            .order_by(*fields)
        )

    return WarningCounts(
        by_level=grouped("level"),
        by_rule=grouped("rule"),
        by_county=grouped("division__code", "division__name"),
        by_month=grouped("month"),
    )


def monitoring_month_list() -> QuerySet[MonitoringMonth]:
    return MonitoringMonth.objects.all()


def warning_months() -> list[str]:
    """The months that have warnings, latest first (the list's month filter)."""
    return list(Warning.objects.order_by("-month").values_list("month", flat=True).distinct()[:36])
