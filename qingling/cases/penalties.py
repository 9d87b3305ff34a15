"""Fines (罚款): the range check against the one table (``fines.FINES``), the date to pay
(15 days from the penalty decision's service, 行政处罚法 Art. 67), the late surcharge
(3 % a day, never more than the fine, Art. 72: ``procedure.surcharge``) and the payment
with its receipt number."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from qingling.cases.fines import FINES_BY_KEY, Fine
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, Penalty
from qingling.cases.procedure import surcharge
from qingling.cases.services import case_step_actors, case_writable_check
from qingling.core import clock
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.services import Actor, audit_event_record

ZERO = Decimal("0.00")


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field: [message]}})


def penalty_check(*, fine_key: str, amount: Decimal | None) -> Fine:
    """The fine of ``fine_key``, if ``amount`` is within its legal range; else refused
    with a message naming the article and the range."""
    fine = FINES_BY_KEY.get(fine_key)
    if fine is None:
        raise invalid("fine_key", _("Choose the provision the fine is imposed under."))
    if amount is None or not fine.low <= amount <= fine.high:
        raise invalid(
            "fine_amount",
            _("A fine under %(source)s is between %(low)s and %(high)s yuan.")
            % {"source": fine.source, "low": f"{fine.low:,.0f}", "high": f"{fine.high:,.0f}"},
        )
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise invalid("fine_amount", _("At most two decimal places (fen)."))
    return fine


def penalty_owed(penalty: Penalty, *, on: dt.date) -> tuple[Decimal, Decimal]:
    """(fine, surcharge) owed if paid on ``on``; no surcharge before the date to pay runs."""
    if penalty.due is None:
        return penalty.amount, ZERO
    return penalty.amount, surcharge(fine=penalty.amount, due=penalty.due, on=on)


@transaction.atomic
def penalty_payment_record(
    *, penalty: Penalty, paid_on: dt.date, amount: Decimal, receipt_number: str, actor: Actor
) -> Penalty:
    """Record that the fine was paid, with the bank's receipt (缴款凭证) number. The
    amount is the fine and the surcharge owed on the day paid; anything else is refused
    with the amount owed."""
    case: Case = penalty.proceeding.case
    case_writable_check(case)
    if not case_step_actors(case, actor):
        raise Forbidden(_("Only the case's inspectors or a chief may change it."))
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")
    if not receipt_number.strip():
        raise invalid("receipt_number", _("Give the receipt number of the payment."))
    if paid_on > clock.local_today():
        raise invalid("paid_on", _("The payment date is in the future."))
    if penalty.due is None:
        raise Conflict(
            _("The penalty decision has not been served: the fine is not due yet."),
            code="penalty_unserved",
        )
    fine, extra = penalty_owed(penalty, on=paid_on)
    if amount != fine + extra:
        raise invalid(
            "amount",
            _(
                "Paid on %(date)s, the fine of %(fine)s yuan and a surcharge of %(surcharge)s "
                "yuan are owed: %(total)s yuan (行政处罚法 Art. 72)."
            )
            % {
                "date": paid_on.isoformat(),
                "fine": fine,
                "surcharge": extra,
                "total": fine + extra,
            },
        )
    updated = Penalty.objects.filter(pk=penalty.pk, paid_on=None).update(
        paid_on=paid_on,
        paid_amount=amount,
        receipt_number=receipt_number.strip(),
        recorded_by_id=actor.pk if actor is not None else None,
        updated_at=clock.now(),
    )
    if updated != 1:
        raise Conflict(_("The fine's payment was recorded already."), code="penalty_paid")
    penalty.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="case.penalty_payment",
        obj=case,
        after={
            "fine": str(fine),
            "surcharge": str(extra),
            "paid_on": paid_on.isoformat(),
            "receipt_number": penalty.receipt_number,
        },
    )
    return penalty


def case_has_penalty_decision(*, case: Case) -> bool:
    """A penalty was decided in the case (for closing it with the outcome "penalty")."""
    return Penalty.objects.filter(
        proceeding__case=case, proceeding__decided_on__isnull=False
    ).exists()
