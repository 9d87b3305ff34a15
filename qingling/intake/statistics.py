"""The complaint figures for a period (docs/statistics.md defines each): one aggregate
query per figure, filtered by the scope's divisions. Registered in
``qingling.reports.statistics`` under the keys ``complaints_received``,
``hotline_replies``, ``transfer_orders_handled``, ``complaints_accepted``,
``complaints_not_accepted`` and ``complaints_overdue``.

As in ``qingling.inspections.statistics``, the period and scope are protocols: reports
depends on this app, not the other way round. The channels and statuses each figure
counts are named here once, for the dashboard's links to the complaints behind it.
"""

import datetime as dt
from typing import Protocol, TypeVar

from django.db.models import Count, F, Max, Model, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingling.core import clock
from qingling.intake.lifecycle import OPEN_STATUSES, ComplaintStatus
from qingling.intake.models import Channel, Complaint

M = TypeVar("M", bound=Model)
HOTLINE_CHANNELS = (Channel.HOTLINE_12345, Channel.HOTLINE_12333)
TRANSFER_CHANNEL = Channel.NATIONAL_PLATFORM
# A complaint joined to an open matter is accepted (并案, docs/glossary.md); one referred
# to the competent body is not accepted by this bureau (若干规定 Art. 18).
ACCEPTED_STATUSES = (ComplaintStatus.ACCEPTED, ComplaintStatus.JOINED)
NOT_ACCEPTED_STATUSES = (ComplaintStatus.NOT_ACCEPTED, ComplaintStatus.REFERRED)


class PeriodLike(Protocol):
    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...

    @property
    def start_at(self) -> dt.datetime: ...

    @property
    def end_at(self) -> dt.datetime: ...


class ScopeLike(Protocol):
    def apply(self, queryset: QuerySet[M], division_field: str) -> QuerySet[M]: ...


def channel_labels() -> dict[str, str]:
    """The parts of ``complaints_received`` (the channels) and their labels."""
    return {value: str(label) for value, label in Channel.choices}


def latest_complaint_year() -> int | None:
    """The local year of the most recent complaint received, if any."""
    latest = Complaint.objects.aggregate(at=Max("received_at"))["at"]
    return timezone.localtime(latest).year if latest else None


def _complaints(scope: ScopeLike) -> QuerySet[Complaint]:
    return scope.apply(Complaint.objects.all(), "division")


def _received_in(period: PeriodLike) -> Q:
    return Q(received_at__gte=period.start_at, received_at__lt=period.end_at)


def _replied_in(period: PeriodLike) -> Q:
    return Q(replied_at__gte=period.start_at, replied_at__lt=period.end_at)


def _decided_in(period: PeriodLike) -> Q:
    return Q(decided_at__gte=period.start_at, decided_at__lt=period.end_at)


def complaints_received(period: PeriodLike, scope: ScopeLike) -> dict[str, int]:
    counts = dict.fromkeys(Channel.values, 0)
    rows = (
        _complaints(scope)
        .filter(_received_in(period))
        .order_by()
        .values("channel")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["channel"]] = row["n"]
    return counts


def hotline_replies(period: PeriodLike, scope: ScopeLike) -> int:
    return _complaints(scope).filter(_replied_in(period), channel__in=HOTLINE_CHANNELS).count()


def transfer_orders_handled(period: PeriodLike, scope: ScopeLike) -> int:
    return _complaints(scope).filter(_replied_in(period), channel=TRANSFER_CHANNEL).count()


def complaints_accepted(period: PeriodLike, scope: ScopeLike) -> int:
    return _complaints(scope).filter(_decided_in(period), status__in=ACCEPTED_STATUSES).count()


def complaints_not_accepted(period: PeriodLike, scope: ScopeLike) -> int:
    return _complaints(scope).filter(_decided_in(period), status__in=NOT_ACCEPTED_STATUSES).count()


def complaints_overdue(period: PeriodLike, scope: ScopeLike) -> int:
    """Complaints whose decision was due in the period and was not made by its due date:
    still undecided after it, or decided on a later local date."""
    today = clock.local_today()
    return (
        _complaints(scope)
        .filter(acceptance_due__gte=period.start, acceptance_due__lte=period.end)
        .annotate(decided_on=TruncDate("decided_at", tzinfo=timezone.get_default_timezone()))
        .filter(
            Q(status__in=OPEN_STATUSES, acceptance_due__lt=today)
            | (~Q(status__in=OPEN_STATUSES) & Q(decided_on__gt=F("acceptance_due")))
        )
        .count()
    )


# key, label, function: in the order they are registered.
FIGURES = (
    ("complaints_received", _("Complaints received"), complaints_received),
    ("hotline_replies", _("Hotline work orders answered (12345, 12333)"), hotline_replies),
    (
        "transfer_orders_handled",
        _("Transfer orders handled (feedback sent)"),
        transfer_orders_handled,
    ),
    ("complaints_accepted", _("Complaints accepted"), complaints_accepted),
    ("complaints_not_accepted", _("Complaints not accepted"), complaints_not_accepted),
    ("complaints_overdue", _("Complaints not decided in time"), complaints_overdue),
)
