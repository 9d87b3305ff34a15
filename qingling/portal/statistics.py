"""The employer portal's figure (docs/statistics.md): ``employer_accounts_active``,
registered in ``qingling.reports.statistics``. The arguments are the statistics' Period
and Scope, described by protocols so that this app does not import reports."""

import datetime as dt
from typing import Protocol, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingling.portal.models import EmployerAccount

M = TypeVar("M", bound=Model)


class PeriodLike(Protocol):
    @property
    def end(self) -> dt.date: ...


class ScopeLike(Protocol):
    def apply(self, queryset: QuerySet[M], division_field: str) -> QuerySet[M]: ...


def employer_accounts_active(period: PeriodLike, scope: ScopeLike) -> int:
    """Employer accounts open at the end of the period: opened by then and not deactivated
    by then, by the organization's division (an organization registered in no division
    counts for the whole city only)."""
    after = timezone.make_aware(
        dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min),
        timezone.get_default_timezone(),
    )
    accounts = scope.apply(EmployerAccount.objects.all(), "organization__division")
    return (
        accounts.filter(Q(deactivated_at__isnull=True) | Q(deactivated_at__gte=after))
        .filter(created_at__lt=after)
        .count()
    )


FIGURES = (
    ("employer_accounts_active", _("Employer portal accounts open"), employer_accounts_active),
)
