"""Claims per worker from a group complaint, the verified amount's reason, and reversals."""

from decimal import Decimal

import time_machine
from django.utils import translation

from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case, Payment
from qingling.cases.selectors import complaint_progress
from qingling.cases.services import (
    case_open,
    case_transition,
    claim_update,
    payment_record,
    payment_reverse,
)
from qingling.core.exceptions import InvalidInput
from qingling.core.models import AuditEvent
from qingling.intake.channels.base import ComplaintDraft, WorkerEntry
from qingling.intake.models import Callback, Complaint
from qingling.intake.selectors import complaint_queue_for_user
from qingling.intake.services import complaint_accept, complaint_register
from qingling.notify.models import OutboxMessage
from qingling.parties.demo import fake_id_number
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case, make_organization

TODAY = CURRENT_TIME.date()


class GroupWorld(BaseTestCase):
    """A group complaint accepted at the desk, and the case the chief opens from it."""

    def accepted(self, workers: list[WorkerEntry], **draft: object) -> Complaint:
        values: dict[str, object] = {
            "name": "王建国",
            "phone": "13843712345",
            "employer_name": "辽源市鑫盛建筑工程有限公司",
            "division_code": "220402",
            "amount": Decimal(18600),
            "headcount": 3,
            "workers": workers,
        }
        values.update(draft)
        complaint = complaint_register(
            draft=ComplaintDraft(**values),  # type: ignore[arg-type]
            channel="walk_in",
            actor=None,
        ).complaint
        return complaint_accept(complaint=complaint, actor=self.intake)

    def open(self, complaint: Complaint) -> Case:
        return case_open(
            complaints=[complaint],
            respondent=make_organization(self.rng),
            division=self.longshan,
            lead=self.inspector,
            co_inspectors=[self.inspector2],
            actor=self.chief,
        )


@time_machine.travel(CURRENT_TIME, tick=False)
class CaseOpenClaimsPerWorkerTests(GroupWorld):
    def test_each_named_worker_gets_a_claim_and_the_group_total_is_nobodys(self) -> None:
        id_number = fake_id_number(self.rng)
        complaint = self.accepted(
            [
                # the complainant himself, by the same name and mobile: one claim, not two
                WorkerEntry(name="王建国", phone="13843712345", amount=Decimal(6000)),
                WorkerEntry(name="李四", phone="13900001111", amount=Decimal(6000)),
                WorkerEntry(name="赵六", id_number=id_number, amount=Decimal(6600)),
            ]
        )
        case = self.open(complaint)
        claims = {c.worker.name: c.claimed for c in case.claims.select_related("worker")}
        self.assertEqual(
            claims,
            {"王建国": Decimal(6000), "李四": Decimal(6000), "赵六": Decimal(6600)},
        )
        case.refresh_from_db()
        self.assertEqual(case.total_claimed, Decimal(18600))
        self.assertEqual(case.worker_count, 3)
        zhao = case.claims.get(worker__name="赵六").worker
        self.assertEqual(zhao.id_number_digest, complaint.workers.get(name="赵六").id_number_digest)

    def test_a_group_complaint_without_names_gives_the_complainant_a_claim_of_zero(self) -> None:
        case = self.open(self.accepted([]))
        claim = case.claims.get()
        self.assertEqual(claim.claimed, Decimal(0))  # 18,600 is the group's, not his

    def test_a_complaint_for_one_worker_claims_what_it_states(self) -> None:
        case = self.open(self.accepted([], headcount=1, amount=Decimal(5000)))
        self.assertEqual(case.claims.get().claimed, Decimal(5000))

    def test_opening_records_the_case_on_the_complaint_and_texts_the_worker(self) -> None:
        complaint = self.accepted([])
        queue = complaint_queue_for_user(user=self.chief, today=TODAY)
        self.assertEqual(queue.without_case, [complaint])
        case = self.open(complaint)
        complaint.refresh_from_db()
        self.assertEqual((complaint.case_number, complaint.case_opened_on), (case.number, TODAY))
        self.assertEqual(complaint_queue_for_user(user=self.chief, today=TODAY).without_case, [])
        message = OutboxMessage.objects.get(payload__template="complaint_case_opened")
        self.assertEqual(message.payload["case"], case.number)


@time_machine.travel(CURRENT_TIME, tick=False)
class VerifiedReasonAndReversalTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self, amount="10000.00")
        self.claim = self.case.claims.get()

    @translation.override("en")
    def test_a_verified_amount_other_than_the_claim_needs_a_reason(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            claim_update(claim=self.claim, verified=Decimal(9000), actor=self.inspector)
        self.assertIn("verified_reason", raised.exception.extra["fields"])
        self.claim.refresh_from_db()
        self.assertIsNone(self.claim.verified)
        claim_update(
            claim=self.claim,
            verified=Decimal(9000),
            verified_reason="考勤表只有9000元",
            actor=self.inspector,
        )
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.verified, Decimal(9000))
        self.assertEqual(self.claim.verified_reason, "考勤表只有9000元")

    def test_verifying_the_claimed_amount_needs_no_reason(self) -> None:
        claim_update(claim=self.claim, verified=Decimal(10000), actor=self.inspector)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.verified, Decimal(10000))

    def pay(self, amount: int) -> Payment:
        return payment_record(
            claim=self.claim,
            amount=Decimal(amount),
            paid_on=TODAY,
            payer_kind=Payment.Payer.EMPLOYER,
            actor=self.inspector,
        )

    def test_a_wrong_payment_is_reversed_by_a_new_entry_and_stays_on_record(self) -> None:
        payment = self.pay(3000)
        reversal = payment_reverse(
            payment=payment, amount=Decimal(1000), reason="重复录入", actor=self.inspector
        )
        self.assertEqual(reversal.amount, Decimal(-1000))
        self.assertEqual(reversal.reverses, payment)
        payment.refresh_from_db()
        self.assertEqual(payment.amount, Decimal(3000))
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.paid, Decimal(2000))
        self.case.refresh_from_db()
        self.assertEqual(self.case.total_paid, Decimal(2000))
        event = AuditEvent.objects.get(action="case.payment_reverse")
        self.assertEqual(event.reason, "重复录入")

    def test_a_reversal_larger_than_what_is_left_of_the_payment_is_refused(self) -> None:
        payment = self.pay(3000)
        payment_reverse(payment=payment, amount=Decimal(2000), reason="错", actor=self.inspector)
        with self.assertRaises(InvalidInput) as raised:
            payment_reverse(
                payment=payment, amount=Decimal(1001), reason="错", actor=self.inspector
            )
        self.assertIn("amount", raised.exception.extra["fields"])
        self.assertEqual(Payment.objects.filter(reverses=payment).count(), 1)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.paid, Decimal(1000))

    def test_a_reversal_needs_a_reason_and_cannot_itself_be_reversed(self) -> None:
        payment = self.pay(3000)
        with self.assertRaises(InvalidInput):
            payment_reverse(payment=payment, amount=Decimal(10), reason=" ", actor=self.inspector)
        reversal = payment_reverse(
            payment=payment, amount=Decimal(10), reason="错", actor=self.inspector
        )
        with self.assertRaises(InvalidInput):
            payment_reverse(payment=reversal, amount=Decimal(1), reason="错", actor=self.inspector)


@time_machine.travel(CURRENT_TIME, tick=False)
class WorkerToldOfTheRoadTests(GroupWorld):
    def test_only_the_worker_who_filed_is_texted_of_their_payment_and_the_closing(self) -> None:
        complaint = self.accepted(
            [
                WorkerEntry(name="王建国", phone="13843712345", amount=Decimal(6000)),
                WorkerEntry(name="李四", phone="13900001111", amount=Decimal(6000)),
            ]
        )
        case = self.open(complaint)
        case_transition(case=case, target=CaseStatus.INVESTIGATING, actor=self.inspector)
        for claim in case.claims.all():
            payment_record(
                claim=claim,
                amount=claim.claimed,
                paid_on=TODAY,
                payer_kind=Payment.Payer.EMPLOYER,
                actor=self.inspector,
            )
        paid = OutboxMessage.objects.filter(payload__template="complaint_paid")
        self.assertEqual([m.payload["amount"] for m in paid], ["6000.00"])  # not 李四's
        progress = complaint_progress(complaint=complaint)
        assert progress is not None
        self.assertEqual(progress["paid"], Decimal(6000))
        case_transition(case=case, target=CaseStatus.CLOSING_REQUESTED, actor=self.inspector)
        case_transition(
            case=case, target=CaseStatus.CLOSED, actor=self.chief, outcome=CaseOutcome.PAID_IN_FULL
        )
        complaint.refresh_from_db()
        self.assertEqual(complaint.case_closed_on, TODAY)
        self.assertTrue(Callback.objects.filter(complaint=complaint, answered_at=None).exists())
        progress = complaint_progress(complaint=complaint)
        assert progress is not None
        self.assertEqual(progress["stage"], "closed")
