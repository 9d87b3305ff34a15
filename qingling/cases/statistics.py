"""The case and money figures for a period (docs/statistics.md defines each): one
aggregate query per figure, filtered by the scope's divisions. Registered in
``qingling.reports.statistics`` under the keys ``cases_opened``, ``cases_closed``,
``workers_paid``, ``amount_recovered``, ``cases_outstanding`` and
``amount_outstanding``; with the dashboard's two series (money recovered by month, open
cases by division) and the payments list (清偿明细) behind ``workers_paid`` and
``amount_recovered``, which counts the same records so that its totals are the figures.

As in ``qingling.inspections.statistics``, the period and scope are protocols: reports
depends on this app, not the other way round.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from qingling.cases.amounts import MONEY, ZERO, claim_outstanding_on_sql
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import (
    Case,
    Claim,
    Compensation,
    CompensationPayment,
    Document,
    Payment,
    Penalty,
    Proceeding,
    Service,
)
from qingling.core.money import CENT, money

M = TypeVar("M", bound=Model)
PAGE_SIZE = 50  # the payments list


class PeriodLike(Protocol):
    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...

    def months(self) -> list[dt.date]: ...


class ScopeLike(Protocol):
    def apply(self, queryset: QuerySet[M], division_field: str) -> QuerySet[M]: ...


def _cases(scope: ScopeLike) -> QuerySet[Case]:
    return scope.apply(Case.objects.all(), "division")


def _open_at_end(period: PeriodLike) -> Q:
    """Opened on or before the end and not closed by then."""
    return Q(opened_on__lte=period.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=period.end))


def _payments(scope: ScopeLike) -> QuerySet[Payment]:
    return scope.apply(Payment.objects.all(), "claim__case__division")


def _payments_in(period: PeriodLike, scope: ScopeLike) -> QuerySet[Payment]:
    return _payments(scope).filter(paid_on__gte=period.start, paid_on__lte=period.end)


def cases_opened(period: PeriodLike, scope: ScopeLike) -> int:
    return _cases(scope).filter(opened_on__gte=period.start, opened_on__lte=period.end).count()


def cases_closed(period: PeriodLike, scope: ScopeLike) -> int:
    return (
        _cases(scope)
        .filter(status=CaseStatus.CLOSED, closed_on__gte=period.start, closed_on__lte=period.end)
        .count()
    )


def workers_paid(period: PeriodLike, scope: ScopeLike) -> int:
    result = _payments_in(period, scope).aggregate(n=Count("claim__worker", distinct=True))
    return int(result["n"])


def amount_recovered(period: PeriodLike, scope: ScopeLike) -> str:
    return money(_payments_in(period, scope).aggregate(total=Sum("amount"))["total"])


def cases_outstanding(period: PeriodLike, scope: ScopeLike) -> int:
    return _cases(scope).filter(_open_at_end(period)).count()


def amount_outstanding(period: PeriodLike, scope: ScopeLike) -> str:
    """Σ over the claims of every case opened by the end of what each still owed at the
    end (``qingling.cases.amounts.claim_outstanding_on``: max(due − paid by the end, 0),
    due being the ordered amount, else the verified, else the claimed)."""
    outstanding = claim_outstanding_on_sql(Payment.objects.all(), on=period.end)
    claims = scope.apply(Claim.objects.all(), "case__division").filter(
        case__opened_on__lte=period.end
    )
    return money(claims.aggregate(total=Sum(outstanding, output_field=MONEY))["total"])


# --- series for the dashboard's charts ---------------------------------------------------------


def amount_recovered_by_month(
    *, period: PeriodLike, scope: ScopeLike
) -> list[tuple[dt.date, Decimal]]:
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


def cases_outstanding_by_division(
    *, period: PeriodLike, scope: ScopeLike
) -> list[tuple[str, str, int]]:
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


# --- the payments list (清偿明细) ----------------------------------------------------------------
#
# The records ``workers_paid`` and ``amount_recovered`` count: the payments whose
# ``paid_on`` is in the period, restricted by the scope, so that the list's totals are the
# dashboard's numbers. Only masked personal data is read.


@dataclass(frozen=True)
class PaymentTotals:
    payments: int
    workers: int  # distinct workers paid: the ``workers_paid`` figure
    amount: str  # yuan, two places: the ``amount_recovered`` figure

    @property
    def amount_shown(self) -> str:
        """As the dashboard shows money: ``2,800,000.00``."""
        return f"{Decimal(self.amount):,.2f}"


def payment_search(
    *, scope: ScopeLike, paid_from: dt.date | None = None, paid_to: dt.date | None = None
) -> QuerySet[Payment]:
    """The payments the scope's figures count, filtered by the day paid; no joins."""
    payments = _payments(scope)
    if paid_from is not None:
        payments = payments.filter(paid_on__gte=paid_from)
    if paid_to is not None:
        payments = payments.filter(paid_on__lte=paid_to)
    return payments


def payment_totals(*, payments: QuerySet[Payment]) -> PaymentTotals:
    """One query: how many payments, to how many distinct workers, and how much."""
    totals = payments.order_by().aggregate(
        payments=Count("id"),
        workers=Count("claim__worker", distinct=True),
        amount=Sum("amount"),
    )
    return PaymentTotals(
        payments=int(totals["payments"]),
        workers=int(totals["workers"]),
        amount=money(totals["amount"]),
    )


def payment_page(*, payments: QuerySet[Payment], number: Any) -> Page[Payment]:
    """One page of 50, oldest first, with the case and the worker (masked number only)."""
    rows = (
        payments.select_related("claim__case", "claim__worker")
        .only(
            "public_id",
            "amount",
            "paid_on",
            "payer_kind",
            "claim__case__public_id",
            "claim__case__number",
            "claim__worker__public_id",
            "claim__worker__name",
            "claim__worker__id_number_masked",
        )
        .order_by("paid_on", "id")
    )
    return Paginator(rows, PAGE_SIZE).get_page(number)


def documents_served(period: PeriodLike, scope: ScopeLike) -> int:
    """Documents served on a party (送达): distinct documents with a service recorded on a
    day of the period (for a public notice, the day it was published)."""
    return (
        scope.apply(Service.objects.all(), "case__division")
        .filter(served_on__gte=period.start, served_on__lte=period.end)
        .values("document_id")
        .distinct()
        .count()
    )


# --- the decision procedure (decisions.py, enforcement.py) ------------------------------------


def _documents_issued(period: PeriodLike, scope: ScopeLike, kinds: list[str]) -> int:
    return (
        scope.apply(Document.objects.all(), "case__division")
        .filter(
            kind__in=kinds,
            voided_at=None,
            issued_on__gte=period.start,
            issued_on__lte=period.end,
        )
        .count()
    )


def hearing_notices(period: PeriodLike, scope: ScopeLike) -> int:
    """Notices of an intended decision (事先告知书) issued in the period, not voided."""
    return _documents_issued(period, scope, [Document.Kind.HEARING_NOTICE])


def decisions_issued(period: PeriodLike, scope: ScopeLike) -> int:
    """Handling and penalty decisions (行政处理决定书, 行政处罚决定书) issued, not voided."""
    return _documents_issued(
        period, scope, [Document.Kind.DECISION, Document.Kind.PENALTY_DECISION]
    )


def compensation_ordered(period: PeriodLike, scope: ScopeLike) -> str:
    """Extra compensation ordered by the decisions taken in the period (yuan)."""
    rows = scope.apply(Compensation.objects.all(), "claim__case__division").filter(
        proceeding__decided_on__gte=period.start, proceeding__decided_on__lte=period.end
    )
    return money(rows.aggregate(total=Sum("amount"))["total"])


def compensation_paid(period: PeriodLike, scope: ScopeLike) -> str:
    """Extra compensation paid to workers in the period (yuan); never in amount_recovered."""
    rows = scope.apply(
        CompensationPayment.objects.all(), "compensation__claim__case__division"
    ).filter(paid_on__gte=period.start, paid_on__lte=period.end)
    return money(rows.aggregate(total=Sum("amount"))["total"])


def _penalties_in(period: PeriodLike, scope: ScopeLike) -> QuerySet[Penalty]:
    return scope.apply(Penalty.objects.all(), "proceeding__case__division").filter(
        decided_on__gte=period.start, decided_on__lte=period.end
    )


def penalties_imposed(period: PeriodLike, scope: ScopeLike) -> int:
    """Fines decided in the period."""
    return _penalties_in(period, scope).count()


def penalty_amount(period: PeriodLike, scope: ScopeLike) -> str:
    """The fines decided in the period (yuan, without surcharges)."""
    return money(_penalties_in(period, scope).aggregate(total=Sum("amount"))["total"])


def court_enforcement_applications(period: PeriodLike, scope: ScopeLike) -> int:
    """Applications to the court for enforcement (申请法院强制执行) made in the period."""
    return (
        scope.apply(Proceeding.objects.all(), "case__division")
        .filter(applied_on__gte=period.start, applied_on__lte=period.end)
        .count()
    )


# key, label, function: in the order they are registered.
FIGURES = (
    ("cases_opened", _("Cases opened"), cases_opened),
    ("cases_closed", _("Cases closed"), cases_closed),
    ("workers_paid", _("Workers paid"), workers_paid),
    ("amount_recovered", _("Amount recovered (yuan)"), amount_recovered),
    ("cases_outstanding", _("Cases open at the end of the period"), cases_outstanding),
    ("amount_outstanding", _("Amount outstanding at the end (yuan)"), amount_outstanding),
    ("documents_served", _("Documents served"), documents_served),
    ("hearing_notices", _("Notices of intended decisions (事先告知)"), hearing_notices),
    ("decisions_issued", _("Decisions issued"), decisions_issued),
    ("compensation_ordered", _("Extra compensation ordered (yuan)"), compensation_ordered),
    ("compensation_paid", _("Extra compensation paid (yuan)"), compensation_paid),
    ("penalties_imposed", _("Fines imposed"), penalties_imposed),
    ("penalty_amount", _("Fines imposed (yuan)"), penalty_amount),
    (
        "court_enforcement_applications",
        _("Applications to the court for enforcement"),
        court_enforcement_applications,
    ),
)
