from decimal import Decimal

import time_machine

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Claim
from qingling.cases.services import claim_add, claim_update, payment_record
from qingling.cases.tests.steps import advance
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_id_number
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case


@time_machine.travel(CURRENT_TIME, tick=False)
class ClaimAddTests(BaseTestCase):
    def test_adds_a_worker_with_the_amount_claimed(self) -> None:
        case = make_case(self)
        claim = claim_add(
            case=case,
            name="刘德福",
            id_number=fake_id_number(self.rng),
            phone="13643712345",
            claimed=Decimal("6200.00"),
            actor=self.inspector2,
        )
        self.assertEqual(claim.worker.name, "刘德福")
        self.assertEqual(claim.claimed, Decimal("6200.00"))
        self.assertEqual((claim.paid, claim.outstanding), (Decimal("0.00"), Decimal("6200.00")))
        self.assertEqual(AuditEvent.objects.filter(action="case.claim_add").count(), 1)

    def test_the_same_id_number_is_the_same_worker_once_per_case(self) -> None:
        case = make_case(self)
        id_number = fake_id_number(self.rng)
        first = claim_add(case=case, name="刘德福", id_number=id_number, actor=self.inspector)
        with self.assertRaises(Conflict) as raised:
            claim_add(case=case, name="刘得福", id_number=id_number.lower(), actor=self.inspector)
        self.assertEqual(raised.exception.code, "claim_duplicate")
        other = make_case(self, name="李四", phone="13912345678")
        second = claim_add(case=other, name="刘德福", id_number=id_number, actor=self.inspector)
        self.assertEqual(second.worker, first.worker)

    def test_refuses_a_negative_amount_and_a_bad_id_number(self) -> None:
        case = make_case(self)
        with self.assertRaises(InvalidInput):
            claim_add(case=case, name="刘德福", claimed=Decimal(-1), actor=self.inspector)
        with self.assertRaises(InvalidInput) as raised:
            claim_add(
                case=case, name="刘德福", id_number="220402199001011230", actor=self.inspector
            )
        self.assertIn("id_number", raised.exception.extra["fields"])
        self.assertEqual(case.claims.count(), 1)

    def test_only_the_case_inspectors_or_a_chief_while_it_is_open(self) -> None:
        case = make_case(self)
        for persona in (self.xian, self.intake, self.outsider):
            with self.subTest(persona=persona), self.assertRaises(Forbidden):
                claim_add(case=case, name="刘德福", actor=persona)
        claim_add(case=case, name="刘德福", actor=self.chief)
        closed = advance(self, make_case(self, name="李四", phone="13912345678"), CaseStatus.CLOSED)
        with self.assertRaises(Conflict) as raised:
            claim_add(case=closed, name="刘德福", actor=self.inspector)
        self.assertEqual(raised.exception.code, "case_closed")


@time_machine.travel(CURRENT_TIME, tick=False)
class ClaimUpdateTests(BaseTestCase):
    def test_the_verified_or_ordered_amount_becomes_what_is_due(self) -> None:
        claim = make_case(self, amount="10000.00").claims.get()
        claim = claim_update(
            claim=claim,
            verified=Decimal("9000.00"),
            verified_reason="按考勤表和工资表核定",
            actor=self.inspector,
        )
        self.assertEqual(claim.outstanding, Decimal("9000.00"))
        claim = claim_update(claim=claim, ordered=Decimal("9500.00"), actor=self.inspector)
        self.assertEqual(claim.outstanding, Decimal("9500.00"))
        recorded = [
            ((e.before or {}).get("ordered"), (e.after or {}).get("ordered"))
            for e in AuditEvent.objects.filter(action="case.claim_update")
        ]
        self.assertCountEqual(recorded, [(None, None), (None, "9500.00")])

    def test_a_stale_claim_does_not_undo_a_payment_recorded_meanwhile(self) -> None:
        claim = make_case(self, amount="10000.00").claims.get()
        stale = Claim.objects.get(pk=claim.pk)
        payment_record(
            claim=claim,
            amount=Decimal("4000.00"),
            paid_on=CURRENT_TIME.date(),
            payer_kind="employer",
            actor=self.inspector,
        )
        updated = claim_update(claim=stale, explanation="余款待核", actor=self.inspector2)
        self.assertEqual(updated.outstanding, Decimal("6000.00"))
        claim.refresh_from_db()
        self.assertEqual(claim.paid, Decimal("4000.00"))
        self.assertEqual(claim.explanation, "余款待核")

    def test_refuses_a_negative_amount(self) -> None:
        claim = make_case(self).claims.get()
        with self.assertRaises(InvalidInput) as raised:
            claim_update(
                claim=claim,
                verified=Decimal("-0.01"),
                verified_reason="按考勤表和工资表核定",
                actor=self.inspector,
            )
        self.assertIn("verified", raised.exception.extra["fields"])
