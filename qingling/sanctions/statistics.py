"""The transfer figures for a period (docs/statistics.md defines each): one aggregate query
per figure, filtered by the scope's divisions (the case's). Registered in
``qingling.reports.statistics`` under the keys ``police_transfers``,
``police_accepted``, ``blacklist_notices``, ``blacklist_listed`` and
``blacklist_removed``.

As in ``qingling.inspections.statistics``, the period and scope are protocols: reports
depends on this app, not the other way round.
"""

import datetime as dt
from typing import Protocol, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingling.sanctions.models import Listing, Referral

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


def _referrals(scope: ScopeLike) -> QuerySet[Referral]:
    return scope.apply(Referral.objects.all(), "case__division")


def police_transfers(period: PeriodLike, scope: ScopeLike) -> int:
    """Transfers handed to the police (``sent_at``, local time) in the period."""
    return (
        _referrals(scope)
        .filter(
            sent_at__gte=_local_midnight(period.start),
            sent_at__lt=_local_midnight(period.end + dt.timedelta(days=1)),
        )
        .count()
    )


def police_accepted(period: PeriodLike, scope: ScopeLike) -> int:
    """Transfers on which the police opened a criminal case (立案), by the date of the
    police's decision (``accepted_on``) in the period — at first, on reconsideration or
    after the procuratorate's supervision."""
    return (
        _referrals(scope).filter(accepted_on__gte=period.start, accepted_on__lte=period.end).count()
    )


def _listings(scope: ScopeLike) -> QuerySet[Listing]:
    return scope.apply(Listing.objects.all(), "case__division")


def blacklist_notices(period: PeriodLike, scope: ScopeLike) -> int:
    """Notices of intended listing served (告知), by the day the service counts."""
    return (
        _listings(scope)
        .filter(notice_served_on__gte=period.start, notice_served_on__lte=period.end)
        .count()
    )


def blacklist_listed(period: PeriodLike, scope: ScopeLike) -> int:
    """Listings decided (列入), by the decision's day."""
    return _listings(scope).filter(listed_on__gte=period.start, listed_on__lte=period.end).count()


def blacklist_removed(period: PeriodLike, scope: ScopeLike) -> int:
    """Listings removed (移出): term ended, early removal or revoked, by the day removed."""
    return _listings(scope).filter(removed_on__gte=period.start, removed_on__lte=period.end).count()


# key, label, function: in the order they are registered.
FIGURES = (
    ("police_transfers", _("Transfers to the police (移送)"), police_transfers),
    ("police_accepted", _("Transfers the police accepted (立案)"), police_accepted),
    ("blacklist_notices", _("Notices of intended listing served (告知)"), blacklist_notices),
    ("blacklist_listed", _("Employers listed on the blacklist (列入)"), blacklist_listed),
    ("blacklist_removed", _("Employers removed from the blacklist (移出)"), blacklist_removed),
)
