"""What a claim is owed and still owes, and a case's stored totals: the one definition.

A claim is owed its ordered amount, else its verified amount, else the amount claimed
(``due``); it still owes ``max(due − paid, 0)``: a record paid above a later, lower
amount owes nothing, never a negative sum. The rule is written here twice, once for
Python (the ``Claim`` properties, the services' guards) and once as SQL expressions
(the case totals the services store, the statistics), and a property test holds the
two together (``tests/test_amounts.py``).

What a claim owed *on a date* (at the end of that day) is the same rule over what was
paid by then (``claim_outstanding_on``, ``claim_outstanding_on_sql``): the money still
owed after an order's date (extra compensation, the blacklist's arrears) and the
statistics' amount outstanding at the end of a period.

A case stores its totals (``Case.worker_count``, ``total_claimed``, ``total_paid``,
``total_outstanding``): the services recompute them from the claims with
``case_totals`` in the transaction that changes a claim, so the ledger and the 两清零
view read one row per case instead of summing every claim (docs/performance.md).
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Expression,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

ZERO = Decimal("0.00")
MONEY: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=20, decimal_places=2)


def claim_due(*, claimed: Decimal, verified: Decimal | None, ordered: Decimal | None) -> Decimal:
    """The ordered amount, else the verified, else the claimed."""
    for amount in (ordered, verified):
        if amount is not None:
            return amount
    return claimed


def claim_outstanding(*, due: Decimal, paid: Decimal) -> Decimal:
    return max(due - paid, ZERO)


def claim_paid_by(payments: Iterable[tuple[dt.date, Decimal]], *, on: dt.date) -> Decimal:
    """The sum of the payments ``(paid_on, amount)`` made on or before ``on``."""
    return sum((amount for paid_on, amount in payments if paid_on <= on), ZERO)


def claim_outstanding_on(
    *, due: Decimal, payments: Iterable[tuple[dt.date, Decimal]], on: dt.date
) -> Decimal:
    """What the claim still owed at the end of the day ``on``: ``claim_outstanding`` of
    what was paid by then (a later payment does not count; nor does the stored ``paid``)."""
    return claim_outstanding(due=due, paid=claim_paid_by(payments, on=on))


def claim_due_sql() -> Coalesce:
    """``claim_due`` over a claim row."""
    return Coalesce(F("ordered"), F("verified"), F("claimed"), output_field=MONEY)


def claim_outstanding_sql(paid: Any = None) -> Greatest:
    """``claim_outstanding`` over a claim row; ``paid`` (default: the claim's ``paid``)
    may be another expression, e.g. what was paid by a given day."""
    paid = F("paid") if paid is None else paid
    return Greatest(claim_due_sql() - paid, Value(ZERO), output_field=MONEY)


def claim_paid_by_sql(payments: QuerySet[Any], *, on: dt.date) -> Coalesce:
    """``claim_paid_by`` over a claim row: the sum of its rows of ``payments`` (the Payment
    model's queryset) paid on or before ``on`` (a correlated subquery; 0 without any)."""
    rows = (
        payments.filter(claim=OuterRef("pk"), paid_on__lte=on)
        .order_by()
        .values("claim")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=MONEY), Value(ZERO), output_field=MONEY)


def claim_outstanding_on_sql(payments: QuerySet[Any], *, on: dt.date) -> Greatest:
    """``claim_outstanding_on`` over a claim row."""
    return claim_outstanding_sql(paid=claim_paid_by_sql(payments, on=on))


def _per_case(claims: QuerySet[Any], expression: Expression, output_field: Any) -> Coalesce:
    """One aggregate over the claims of the outer case (a correlated subquery); 0 for a
    case without claims."""
    rows = (
        claims.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(result=expression)
        .values("result")
    )
    zero = Value(0) if isinstance(output_field, IntegerField) else Value(ZERO)
    return Coalesce(Subquery(rows, output_field=output_field), zero, output_field=output_field)


def case_totals(claims: QuerySet[Any]) -> dict[str, Coalesce]:
    """The stored totals of a case as expressions over its rows of ``claims`` (the Claim
    model's queryset; a migration passes its historical model's), for
    ``Case.objects.filter(…).update(**case_totals(…))``."""
    return {
        "worker_count": _per_case(claims, Count("pk"), IntegerField()),
        "total_claimed": _per_case(claims, Sum("claimed"), MONEY),
        "total_paid": _per_case(claims, Sum("paid"), MONEY),
        "total_outstanding": _per_case(claims, Sum(claim_outstanding_sql()), MONEY),
    }
