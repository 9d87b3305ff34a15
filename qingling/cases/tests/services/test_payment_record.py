import datetime as dt
from decimal import Decimal

import time_machine

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Claim, Payment
from qingling.cases.selectors import case_outstanding
from qingling.cases.services import (
    claim_add,
    claim_update,
    payment_record,
    payment_record_for_worker,
)
from qingling.cases.tests.steps import advance
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_id_number
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case

TODAY = CURRENT_TIME.date()


@time_machine.travel(CURRENT_TIME, tick=False)
class PaymentRecordTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self, amount="10000.00")
        self.claim = self.case.claims.get()

    def pay(self, amount: str, *, claim: Claim | None = None, **kwargs: object) -> Payment:
        values: dict[str, object] = {
            "paid_on": TODAY,
            "payer_kind": Payment.Payer.EMPLOYER,
            "actor": self.inspector,
        }
        values.update(kwargs)
        return payment_record(claim=claim or self.claim, amount=Decimal(amount), **values)  # type: ignore[arg-type]

    def test_records_who_paid_when_and_how_and_recomputes_the_claim(self) -> None:
        payment = self.pay(
            "6000.00",
            payer_kind=Payment.Payer.GENERAL_CONTRACTOR,
            payer=self.case.respondent,
            method="银行转账",
            voucher=" 20261127-001 ",
        )
        self.assertEqual(payment.voucher, "20261127-001")
        self.assertEqual(payment.recorded_by, self.inspector)
        self.pay("1500.50", paid_on=TODAY - dt.timedelta(days=3))
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.paid, Decimal("7500.50"))
        self.assertEqual(self.claim.outstanding, Decimal("2499.50"))
        self.assertEqual(case_outstanding(case=self.case), Decimal("2499.50"))
        self.assertEqual(AuditEvent.objects.filter(action="case.payment").count(), 2)

    def test_what_is_due_follows_the_ordered_amount(self) -> None:
        self.pay("6000.00")
        claim_update(claim=self.claim, ordered=Decimal("7000.00"), actor=self.inspector)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.outstanding, Decimal("1000.00"))
        claim_update(claim=self.claim, ordered=Decimal("6000.00"), actor=self.inspector)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.outstanding, Decimal("0.00"))
        self.assertEqual(case_outstanding(case=self.case), Decimal("0.00"))

    def test_an_amount_below_what_was_paid_is_refused(self) -> None:
        """Otherwise an overpayment would hide behind "nothing outstanding"."""
        self.pay("6000.00")
        with self.assertRaises(InvalidInput) as raised:
            claim_update(claim=self.claim, actor=self.inspector, ordered=Decimal("5000.00"))
        self.assertIn("ordered", raised.exception.extra["fields"])
        with self.assertRaises(InvalidInput) as raised:
            claim_update(
                claim=self.claim,
                actor=self.inspector,
                verified=Decimal("5000.00"),
                verified_reason="按考勤表和工资表核定",
            )
        self.assertIn("verified", raised.exception.extra["fields"])

    def test_refuses_to_pay_more_than_is_outstanding(self) -> None:
        self.pay("6000.00")
        with self.assertRaises(InvalidInput) as raised:
            self.pay("4000.01")
        self.assertEqual(raised.exception.extra["outstanding"], "4000.00")
        self.assertIn("amount", raised.exception.extra["fields"])
        self.assertIn("4000.00", raised.exception.message)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.paid, Decimal("6000.00"))
        self.assertEqual(Payment.objects.count(), 1)

    def test_a_stale_claim_is_checked_against_what_was_paid_meanwhile(self) -> None:
        stale = Claim.objects.get(pk=self.claim.pk)
        self.pay("6000.00")
        with self.assertRaises(InvalidInput) as raised:
            self.pay("6000.00", claim=stale)
        self.assertEqual(raised.exception.extra["outstanding"], "4000.00")
        self.pay("4000.00", claim=stale)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.paid, Decimal("10000.00"))

    def test_refuses_zero_negative_and_fractions_of_a_fen(self) -> None:
        for amount in ("0", "0.00", "-1.00", "100.005", "0.001"):
            with self.subTest(amount=amount), self.assertRaises(InvalidInput) as raised:
                self.pay(amount)
            self.assertIn("amount", raised.exception.extra["fields"])
        self.assertFalse(Payment.objects.exists())

    def test_refuses_a_date_in_the_future(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            self.pay("100.00", paid_on=TODAY + dt.timedelta(days=1))
        self.assertIn("paid_on", raised.exception.extra["fields"])

    def test_refuses_an_unknown_payer(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            self.pay("100.00", payer_kind="friend")
        self.assertIn("payer_kind", raised.exception.extra["fields"])

    def test_refuses_a_payment_on_a_closed_case(self) -> None:
        closed = advance(self, self.case, CaseStatus.CLOSED)
        with self.assertRaises(Conflict) as raised:
            self.pay("100.00", claim=closed.claims.get())
        self.assertEqual(raised.exception.code, "case_closed")

    def test_only_the_case_inspectors_or_a_chief_record_payments(self) -> None:
        for persona in (self.xian, self.intake, self.outsider, None):
            with self.subTest(persona=persona), self.assertRaises(Forbidden):
                self.pay("100.00", actor=persona)
        self.pay("100.00", actor=self.chief)
        self.pay("100.00", actor=self.director)


@time_machine.travel(CURRENT_TIME, tick=False)
class PaymentRecordForWorkerTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self)
        self.id_number = fake_id_number(self.rng)
        self.claim = claim_add(
            case=self.case,
            name="刘德福",
            id_number=self.id_number,
            claimed=Decimal("3000.00"),
            actor=self.inspector,
        )

    def pay(self, id_number: str, **kwargs: object) -> Payment:
        values: dict[str, object] = {
            "amount": Decimal("3000.00"),
            "paid_on": TODAY,
            "payer_kind": Payment.Payer.BUILDER,
            "actor": self.inspector,
        }
        values.update(kwargs)
        return payment_record_for_worker(case=self.case, id_number=id_number, **values)

    def test_finds_the_claim_by_the_workers_id_number(self) -> None:
        spaced = f"{self.id_number[:6]} {self.id_number[6:14]} {self.id_number[14:].lower()}"
        payment = self.pay(spaced)
        self.assertEqual(payment.claim, self.claim)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.outstanding, Decimal("0.00"))

    def test_refuses_a_worker_without_a_claim_in_the_case(self) -> None:
        other = make_case(self, name="李四", phone="13912345678")
        stranger = fake_id_number(self.rng)
        claim_add(case=other, name="赵六", id_number=stranger, actor=self.inspector)
        for id_number in (stranger, fake_id_number(self.rng), "not a number"):
            with self.subTest(id_number=id_number), self.assertRaises(InvalidInput) as raised:
                self.pay(id_number)
            self.assertIn("id_number", raised.exception.extra["fields"])
        self.assertFalse(Payment.objects.exists())

    def test_tells_nobody_outside_the_case_whether_a_worker_has_a_claim(self) -> None:
        for id_number in (self.id_number, fake_id_number(self.rng)):
            with self.subTest(id_number=id_number), self.assertRaises(Forbidden):
                self.pay(id_number, actor=self.xian)
