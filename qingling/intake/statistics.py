"""The complaint figures for a period (docs/statistics.md defines each): one aggregate
query per figure, filtered by the scope's divisions. Registered in
``qingling.reports.statistics`` under the keys ``complaints_received``,
``hotline_replies``, ``transfer_orders_handled``, ``complaints_accepted``,
``complaints_not_accepted`` and ``complaints_overdue``; and, after every other app's
figures (``OUTCOME_FIGURES``), ``complaints_settled``, ``amount_settled``,
``accepted_without_case``, ``callbacks_answered``, ``satisfaction_rate`` and
``reopened_after_callback``.

As in ``qingling.inspections.statistics``, the period and scope are protocols: reports
depends on this app, not the other way round. The channels and statuses each figure
counts are named here once, for the dashboard's links to the complaints behind it.
"""

import datetime as dt
from decimal import Decimal
from typing import Protocol, TypeVar

from django.db.models import Count, F, Max, Min, Model, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingling.core import clock
from qingling.intake.lifecycle import OPEN_STATUSES, ComplaintStatus
from qingling.intake.models import Callback, Channel, Complaint, Settlement

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


# --- outcomes without a case -------------------------------------------------------------------


def _settlements_in(period: PeriodLike, scope: ScopeLike) -> QuerySet[Settlement]:
    return scope.apply(Settlement.objects.all(), "complaint__division").filter(
        settled_on__gte=period.start, settled_on__lte=period.end
    )


def complaints_settled(period: PeriodLike, scope: ScopeLike) -> int:
    """Complaints settled without a case (协调解决) on a day of the period."""
    return _settlements_in(period, scope).count()


def amount_settled(period: PeriodLike, scope: ScopeLike) -> str:
    """The money paid to workers in those settlements: apart from the cases' money
    (``amount_recovered``), never counted twice."""
    total = _settlements_in(period, scope).aggregate(total=Sum("total"))["total"]
    return f"{(total or Decimal(0)).quantize(Decimal('0.01')):f}"


def accepted_without_case(period: PeriodLike, scope: ScopeLike) -> dict[str, int]:
    """Now, whatever the period: accepted complaints with no case opened yet (若干规定
    Art. 18 wants the case opened on the day of acceptance), and how many days the oldest
    has waited since acceptance."""
    found = (
        _complaints(scope)
        .filter(status=ComplaintStatus.ACCEPTED, case_opened_on__isnull=True)
        .aggregate(total=Count("id"), oldest=Min("decided_at"))
    )
    oldest = found["oldest"]
    days = (clock.local_today() - timezone.localdate(oldest)).days if oldest else 0
    return {"total": found["total"], "oldest_days": days}


def _callbacks_answered_in(period: PeriodLike, scope: ScopeLike) -> QuerySet[Callback]:
    return scope.apply(Callback.objects.all(), "complaint__division").filter(
        answered_at__gte=period.start_at, answered_at__lt=period.end_at
    )


def callbacks_answered(period: PeriodLike, scope: ScopeLike) -> int:
    """Callbacks (回访) answered in the period, by the worker's link or a logged call."""
    return _callbacks_answered_in(period, scope).count()


def satisfaction_rate(period: PeriodLike, scope: ScopeLike) -> str:
    """Of the callbacks answered in the period, the percentage satisfied or basically
    satisfied, to two places ("75.00"); "0.00" when none was answered."""
    found = _callbacks_answered_in(period, scope).aggregate(
        total=Count("id"),
        satisfied=Count(
            "id",
            filter=Q(
                satisfaction__in=(Callback.Satisfaction.SATISFIED, Callback.Satisfaction.BASIC)
            ),
        ),
    )
    if not found["total"]:
        return "0.00"
    rate = Decimal(100 * found["satisfied"]) / Decimal(found["total"])
    return f"{rate.quantize(Decimal('0.01')):f}"


def reopened_after_callback(period: PeriodLike, scope: ScopeLike) -> int:
    """Complaints reopened in the period because the callback said the money did not
    arrive."""
    return (
        _complaints(scope)
        .filter(reopened_at__gte=period.start_at, reopened_at__lt=period.end_at)
        .count()
    )


def part_labels() -> dict[str, str]:
    return {"oldest_days": str(_("oldest, days waiting"))}


# Registered after every other app's figures, so that the keys of earlier issues stay first.
OUTCOME_FIGURES = (
    ("complaints_settled", _("Complaints settled without a case (协调解决)"), complaints_settled),
    ("amount_settled", _("Money paid in settlements without a case (yuan)"), amount_settled),
    (
        "accepted_without_case",
        _("Accepted complaints without a case, now"),
        accepted_without_case,
    ),
    ("callbacks_answered", _("Callbacks answered (回访)"), callbacks_answered),
    ("satisfaction_rate", _("Satisfied or basically satisfied (%)"), satisfaction_rate),
    (
        "reopened_after_callback",
        _("Reopened after the callback: money not received"),
        reopened_after_callback,
    ),
)
