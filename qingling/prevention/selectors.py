"""Every read of monitoring: the warnings a member of staff may see, filtered; one
warning; the counts of the dashboard's panel; the months of data kept."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can, covers_whole_city, jurisdiction_prefix
from qingling.cases.selectors import CaseFact
from qingling.core import clock
from qingling.core.models import ImportJob
from qingling.inspections.models import Inspection
from qingling.inspections.selectors import (
    inspection_list_for_user,
    inspector_choices,
    respondent_choices,
)
from qingling.parties.models import Organization
from qingling.prevention.lifecycle import OPEN_STATUSES, WarningStatus
from qingling.prevention.models import Level, MonitoringMonth, Rule, Warning


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
        raise Http404
    return found


@dataclass(frozen=True)
class CountRow:
    """One line of the panel: what it groups (``value``, the list's filter), its label,
    the warnings raised, the red among them and those still open."""

    value: str
    label: str
    total: int
    red: int
    open: int


@dataclass(frozen=True)
class WarningCounts:
    """The dashboard panel: the warnings raised in a period by level, rule, county and
    month (each line drills down to the list with its filter)."""

    total: int
    by_level: list[CountRow]
    by_rule: list[CountRow]
    by_county: list[CountRow]
    by_month: list[CountRow]


def warning_counts_for_user(
    *, user: object, raised_from: dt.date, raised_to: dt.date
) -> WarningCounts:
    """The warnings the user may see raised in the period, counted four ways from one
    grouped query (its rows are at most levels × rules × counties × months)."""
    rows = (
        warning_list_for_user(
            user=user, filters=WarningFilters(raised_from=raised_from, raised_to=raised_to)
        )
        .order_by()
        .values("level", "rule", "division__code", "division__name", "month", "status")
        .annotate(n=Count("id"))
    )
    groups: dict[str, dict[str, list[int]]] = {
        "level": {},
        "rule": {},
        "county": {},
        "month": {},
    }
    county_names: dict[str, str] = {}
    total = 0
    for row in rows:
        n = row["n"]
        total += n
        red = n if row["level"] == Level.RED else 0
        still_open = n if row["status"] in OPEN_STATUSES else 0
        county = row["division__code"] or ""
        county_names[county] = row["division__name"] or _("county unknown")
        for group, value in (
            ("level", row["level"]),
            ("rule", row["rule"]),
            ("county", county),
            ("month", row["month"]),
        ):
            counts = groups[group].setdefault(value, [0, 0, 0])
            counts[0] += n
            counts[1] += red
            counts[2] += still_open
    labels: dict[str, dict[str, Any]] = {
        "level": dict(Level.choices),
        "rule": dict(Rule.choices),
        "county": county_names,
        "month": {},
    }

    def lines(group: str, *, latest_first: bool = False) -> list[CountRow]:
        return [
            CountRow(value, str(labels[group].get(value, value)), *counts)
            for value, counts in sorted(groups[group].items(), reverse=latest_first)
        ]

    return WarningCounts(
        total=total,
        by_level=lines("level"),
        by_rule=lines("rule"),
        by_county=lines("county"),
        by_month=lines("month", latest_first=True),
    )


def monitoring_month_list() -> QuerySet[MonitoringMonth]:
    return MonitoringMonth.objects.all()


def warning_months() -> list[str]:
    """The months that have warnings, latest first (the list's month filter)."""
    return list(Warning.objects.order_by("-month").values_list("month", flat=True).distinct()[:36])


@dataclass(frozen=True)
class DispatchChoices:
    """What the user may dispatch a warning to: the project's inspections they may see,
    the inspectors they may plan a visit with, the project's parties (for a case)."""

    inspections: QuerySet[Inspection]
    inspectors: QuerySet[User]
    respondents: QuerySet[Organization]


def warning_dispatch_choices(*, user: object, warning: Warning) -> DispatchChoices:
    if warning.project is None:
        return DispatchChoices(
            inspections=Inspection.objects.none(),
            inspectors=User.objects.none(),
            respondents=Organization.objects.none(),
        )
    return DispatchChoices(
        inspections=inspection_list_for_user(user=user)
        .filter(project=warning.project)
        .select_related("project"),
        inspectors=inspector_choices(user=user),
        respondents=respondent_choices(user=user, project=warning.project),
    )


def month_job_for_system(*, system_id: int, public_id: uuid.UUID) -> ImportJob | None:
    """A month's import job that this source system sent (the API's status answer)."""
    return ImportJob.objects.filter(
        public_id=public_id, kind="prevention.month", params__system=system_id
    ).first()


def warning_facts(*, warning: Warning, user: object) -> list[CaseFact]:
    """The lines later apps add to the warning's page (``QINGLING_WARNING_FACTS``: the
    employer's proofs of payment from the portal); prevention imports none of them."""
    found: list[CaseFact] = []
    for path in settings.QINGLING_WARNING_FACTS:
        found.extend(import_string(path)(warning=warning, user=user))
    return found
