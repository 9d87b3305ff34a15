"""The figures for a period, counted from the records (docs/statistics.md defines each).

A figure is a *metric*: a small function of the period and the scope that runs one
aggregate query and returns a JSON value (an int, a decimal string, or an object of
ints). Metrics are registered with ``@metric("key", label)``; ``statistics_for_period``
runs every registered metric in registration order, so a later issue adds a key
(``inspections``, ``seekers_registered`` …) by writing one more function here and its
definition in docs/statistics.md — the command, the API and the dashboard pick it up.

Periods are inclusive local dates in the bureau's time zone (Asia/Shanghai); instants
are compared with timezone-aware boundaries ``[start 00:00, end + 1 day 00:00)``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import (
    Count,
    DecimalField,
    F,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingling.accounts.permissions import jurisdiction_prefix
from qingling.cases.amounts import claim_outstanding_sql
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, Claim, Payment
from qingling.core import clock
from qingling.core.exceptions import InvalidInput
from qingling.core.models import Division
from qingling.employment import statistics as employment_figures
from qingling.inspections import statistics as inspection_figures
from qingling.intake.lifecycle import OPEN_STATUSES, ComplaintStatus
from qingling.intake.models import Channel, Complaint

M = TypeVar("M", bound=Model)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=20, decimal_places=2)
HOTLINE_CHANNELS = (Channel.HOTLINE_12345, Channel.HOTLINE_12333)
# A complaint joined to an open matter is accepted (并案, docs/glossary.md); one referred
# to the competent body is not accepted by this bureau (若干规定 Art. 18).
ACCEPTED_STATUSES = (ComplaintStatus.ACCEPTED, ComplaintStatus.JOINED)
NOT_ACCEPTED_STATUSES = (ComplaintStatus.NOT_ACCEPTED, ComplaintStatus.REFERRED)
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


def money(amount: Decimal | None) -> str:
    """Yuan as a decimal string with exactly two places ("2800000.00")."""
    return f"{(amount or ZERO).quantize(CENT):f}"


def statistics_for_period(*, start: dt.date, end: dt.date, user: Any = None) -> dict[str, Any]:
    """Every registered figure for the inclusive local-date period, as one JSON object.

    ``user`` restricts the records to the user's jurisdiction (see ``scope_for_user``);
    without it the figures are city-wide.
    """
    period = period_check(start=start, end=end)
    scope = CITY if user is None else scope_for_user(user)
    return {key: m.compute(period, scope) for key, m in METRICS.items()}


def latest_complaint_year() -> int | None:
    """The local year of the most recent complaint received, if any."""
    latest = Complaint.objects.aggregate(at=Max("received_at"))["at"]
    return timezone.localtime(latest).year if latest else None


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


# --- complaints --------------------------------------------------------------------------------


def _complaints(scope: Scope) -> QuerySet[Complaint]:
    return scope.apply(Complaint.objects.all(), "division")


def _received_in(period: Period) -> Q:
    return Q(received_at__gte=period.start_at, received_at__lt=period.end_at)


def _replied_in(period: Period) -> Q:
    return Q(replied_at__gte=period.start_at, replied_at__lt=period.end_at)


def _decided_in(period: Period) -> Q:
    return Q(decided_at__gte=period.start_at, decided_at__lt=period.end_at)


@metric("complaints_received", gettext_lazy("Complaints received"))
def complaints_received(period: Period, scope: Scope) -> dict[str, int]:
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


@metric("hotline_replies", gettext_lazy("Hotline work orders answered (12345, 12333)"))
def hotline_replies(period: Period, scope: Scope) -> int:
    return _complaints(scope).filter(_replied_in(period), channel__in=HOTLINE_CHANNELS).count()


@metric("transfer_orders_handled", gettext_lazy("Transfer orders handled (feedback sent)"))
def transfer_orders_handled(period: Period, scope: Scope) -> int:
    return _complaints(scope).filter(_replied_in(period), channel=Channel.NATIONAL_PLATFORM).count()


@metric("complaints_accepted", gettext_lazy("Complaints accepted"))
def complaints_accepted(period: Period, scope: Scope) -> int:
    return _complaints(scope).filter(_decided_in(period), status__in=ACCEPTED_STATUSES).count()


@metric("complaints_not_accepted", gettext_lazy("Complaints not accepted"))
def complaints_not_accepted(period: Period, scope: Scope) -> int:
    return _complaints(scope).filter(_decided_in(period), status__in=NOT_ACCEPTED_STATUSES).count()


@metric("complaints_overdue", gettext_lazy("Complaints not decided in time"))
def complaints_overdue(period: Period, scope: Scope) -> int:
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


# --- cases and money ---------------------------------------------------------------------------


def _cases(scope: Scope) -> QuerySet[Case]:
    return scope.apply(Case.objects.all(), "division")


def _open_at_end(period: Period) -> Q:
    """Opened on or before the end and not closed by then."""
    return Q(opened_on__lte=period.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=period.end))


def _payments_in(period: Period, scope: Scope) -> QuerySet[Payment]:
    return scope.apply(Payment.objects.all(), "claim__case__division").filter(
        paid_on__gte=period.start, paid_on__lte=period.end
    )


@metric("cases_opened", gettext_lazy("Cases opened"))
def cases_opened(period: Period, scope: Scope) -> int:
    return _cases(scope).filter(opened_on__gte=period.start, opened_on__lte=period.end).count()


@metric("cases_closed", gettext_lazy("Cases closed"))
def cases_closed(period: Period, scope: Scope) -> int:
    return (
        _cases(scope)
        .filter(status=CaseStatus.CLOSED, closed_on__gte=period.start, closed_on__lte=period.end)
        .count()
    )


@metric("workers_paid", gettext_lazy("Workers paid"))
def workers_paid(period: Period, scope: Scope) -> int:
    result = _payments_in(period, scope).aggregate(n=Count("claim__worker", distinct=True))
    return int(result["n"])


@metric("amount_recovered", gettext_lazy("Amount recovered (yuan)"))
def amount_recovered(period: Period, scope: Scope) -> str:
    return money(_payments_in(period, scope).aggregate(total=Sum("amount"))["total"])


@metric("cases_outstanding", gettext_lazy("Cases open at the end of the period"))
def cases_outstanding(period: Period, scope: Scope) -> int:
    return _cases(scope).filter(_open_at_end(period)).count()


@metric("amount_outstanding", gettext_lazy("Amount outstanding at the end (yuan)"))
def amount_outstanding(period: Period, scope: Scope) -> str:
    """Σ over the claims of every case opened by the end of max(due − paid by the end, 0),
    where due is the ordered amount, else the verified, else the claimed
    (``qingling.cases.amounts``)."""
    paid_by_end = (
        Payment.objects.filter(claim=OuterRef("pk"), paid_on__lte=period.end)
        .order_by()
        .values("claim")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    outstanding = claim_outstanding_sql(
        paid=Coalesce(Subquery(paid_by_end, output_field=MONEY), Value(ZERO), output_field=MONEY)
    )
    claims = scope.apply(Claim.objects.all(), "case__division").filter(
        case__opened_on__lte=period.end
    )
    return money(claims.aggregate(total=Sum(outstanding, output_field=MONEY))["total"])


# --- series for the dashboard's charts ---------------------------------------------------------


def amount_recovered_by_month(*, period: Period, scope: Scope) -> list[tuple[dt.date, Decimal]]:
    """Money recovered in each month the period touches (zero months included)."""
    totals = dict.fromkeys(period.months(), ZERO)
    rows = (
        _payments_in(period, scope)
        .annotate(month=TruncMonth("paid_on"))
        .order_by()
        .values("month")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):  # some backends truncate a date to a datetime
            month = month.date()
        totals[month] = (row["total"] or ZERO).quantize(CENT)
    return sorted(totals.items())


def cases_outstanding_by_division(*, period: Period, scope: Scope) -> list[tuple[str, str, int]]:
    """(division code, name, cases open at the end of the period), most first."""
    rows = (
        _cases(scope)
        .filter(_open_at_end(period))
        .order_by()
        .values("division__code", "division__name")
        .annotate(n=Count("id"))
    )
    found = [(row["division__code"], row["division__name"], row["n"]) for row in rows]
    return sorted(found, key=lambda row: (-row[2], row[0]))


# Figures of the other apps, registered after the complaint and case figures above.
for _key, _label, _function in (*inspection_figures.FIGURES, *employment_figures.FIGURES):
    metric(_key, _label)(_function)
