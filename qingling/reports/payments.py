"""Reads for the payments list (清偿明细): the money paid to workers in a period, behind
the dashboard's ``workers_paid`` and ``amount_recovered`` figures.

The records are the ones those figures count (``qingling.reports.statistics``): the
payments whose ``paid_on`` is in the period, restricted by the user's ``Scope``
(``scope_for_user``: the whole city for city staff, the district for a district's), so
that the list's totals are the dashboard's numbers. Only masked personal data is read.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Sum

from qingling.accounts.permissions import Perm, can
from qingling.cases.models import Payment
from qingling.reports.statistics import money, scope_for_user

PAGE_SIZE = 50


@dataclass(frozen=True)
class PaymentFilters:
    paid_from: dt.date | None = None
    paid_to: dt.date | None = None


@dataclass(frozen=True)
class PaymentTotals:
    payments: int
    workers: int  # distinct workers paid: the ``workers_paid`` figure
    amount: str  # yuan, two places: the ``amount_recovered`` figure

    @property
    def amount_shown(self) -> str:
        """As the dashboard shows money: ``2,800,000.00``."""
        return f"{Decimal(self.amount):,.2f}"


def payment_search_for_user(*, user: object, filters: PaymentFilters) -> QuerySet[Payment]:
    """The payments the user's figures count, filtered by the day paid; no joins."""
    if not can(user, Perm.CASE_VIEW):
        return Payment.objects.none()
    payments = scope_for_user(user).apply(Payment.objects.all(), "claim__case__division")
    if filters.paid_from is not None:
        payments = payments.filter(paid_on__gte=filters.paid_from)
    if filters.paid_to is not None:
        payments = payments.filter(paid_on__lte=filters.paid_to)
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
