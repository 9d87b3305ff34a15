"""Extra compensation (加付赔偿金, 劳动合同法 Art. 85, 监察条例 Art. 26): its base, its
amount per worker, and its payments.

The base of a worker is what the claim still owed at the end of the order's date
(``amounts.claim_outstanding_on``: the payments made by then count, later ones do not);
the amount is the base times the rate (50 %–100 %, ``procedure.COMPENSATION_RATE_*``),
to the fen. It is ordered in the handling decision (``decisions.proceeding_decide``,
one ``Compensation`` row per worker owed) and paid like wages, but in its own records
(``CompensationPayment``): the wage ledger (``Claim.paid``, the case totals,
``amounts``) never counts compensation, so a worker's wages outstanding are never
confused with the compensation still owed.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Prefetch, Sum
from django.utils.translation import gettext as _

from qingling.cases.amounts import ZERO, claim_outstanding_on
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, Claim, Compensation, CompensationPayment, Payment
from qingling.cases.procedure import (
    COMPENSATION_RATE_MAX,
    COMPENSATION_RATE_MIN,
    compensation_amount,
)
from qingling.cases.services import case_step_actors, case_writable_check
from qingling.core import clock
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.services import Actor, audit_event_record


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field: [message]}})


def rate_check(rate: Decimal | None, reason: str) -> None:
    """A rate between 50 % and 100 % with its reason, or refused naming the rule."""
    if rate is None or not COMPENSATION_RATE_MIN <= rate <= COMPENSATION_RATE_MAX:
        raise invalid(
            "rate",
            _(
                "The extra compensation rate must be between 50% and 100% of the wages "
                "unpaid at the order's date (劳动合同法 Art. 85, 监察条例 Art. 26)."
            ),
        )
    if rate.as_tuple().exponent < -2:  # type: ignore[operator]
        raise invalid("rate", _("Give the rate in whole percent (e.g. 0.50)."))
    if not reason.strip():
        raise invalid("rate_reason", _("Give the reason for the rate chosen."))


@dataclass(frozen=True)
class CompensationLine:
    claim: Claim
    base: Decimal
    amount: Decimal


def compensation_lines(*, case: Case, rate: Decimal) -> list[CompensationLine]:
    """One line per worker whose claim still owed wages at the end of the order's date."""
    if case.order_due is None:
        return []
    claims = case.claims.select_related("worker").prefetch_related(
        Prefetch("payments", queryset=Payment.objects.only("claim_id", "paid_on", "amount"))
    )
    lines = []
    for claim in claims.order_by("id"):
        base = claim_outstanding_on(
            due=claim.due,
            payments=[(p.paid_on, p.amount) for p in claim.payments.all()],
            on=case.order_due,
        )
        if base > 0:
            lines.append(CompensationLine(claim, base, compensation_amount(base=base, rate=rate)))
    return lines


def case_compensation_totals(*, case: Case) -> tuple[Decimal, Decimal]:
    """(ordered, paid) extra compensation of the case, in yuan."""
    totals = Compensation.objects.filter(claim__case=case).aggregate(
        ordered=Sum("amount"), paid=Sum("paid")
    )
    return totals["ordered"] or ZERO, totals["paid"] or ZERO


def case_compensation_unpaid(*, case: Case) -> Decimal:
    ordered, paid = case_compensation_totals(case=case)
    return ordered - paid


@transaction.atomic
def compensation_payment_record(
    *,
    compensation: Compensation,
    amount: Decimal,
    paid_on: dt.date,
    method: str = "",
    voucher: str = "",
    actor: Actor,
) -> CompensationPayment:
    """Record extra compensation that reached the worker. More than the compensation
    ordered and still unpaid is refused, as a wage payment above the claim is."""
    case = compensation.claim.case
    case_writable_check(case)
    if not case_step_actors(case, actor):
        raise Forbidden(_("Only the case's inspectors or a chief may change it."))
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")
    if amount <= 0:
        raise invalid("amount", _("The amount must be more than zero."))
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise invalid("amount", _("At most two decimal places (fen)."))
    if paid_on > clock.local_today():
        raise invalid("paid_on", _("The payment date is in the future."))
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
    fresh = Compensation.objects.select_related("claim__worker").get(pk=compensation.pk)
    if amount > fresh.outstanding:
        raise InvalidInput(
            _(
                "%(amount)s yuan is more than the %(outstanding)s yuan of extra compensation "
                "ordered and still unpaid for %(name)s (劳动合同法 Art. 85)."
            )
            % {"amount": amount, "outstanding": fresh.outstanding, "name": fresh.claim.worker},
            extra={
                "fields": {"amount": [_("More than the compensation ordered.")]},
                "outstanding": str(fresh.outstanding),
            },
        )
    if (
        Compensation.objects.filter(pk=fresh.pk, paid=fresh.paid).update(
            paid=F("paid") + amount, updated_at=clock.now()
        )
        != 1
    ):
        raise Conflict(
            _("Another payment was recorded at the same time; try again."), code="payment_conflict"
        )
    payment = CompensationPayment.objects.create(
        compensation=fresh,
        amount=amount,
        paid_on=paid_on,
        method=method.strip(),
        voucher=voucher.strip(),
        recorded_by_id=actor.pk if actor is not None else None,
    )
    audit_event_record(
        actor=actor,
        action="case.compensation_payment",
        obj=case,
        after={
            "claim": fresh.claim_id,
            "worker": str(fresh.claim.worker),
            "amount": str(amount),
            "paid_on": paid_on.isoformat(),
            "voucher": voucher.strip(),
        },
    )
    return payment
