import datetime as dt
from decimal import Decimal

from django.test import override_settings

from qingling.cases.compensation import compensation_payment_record
from qingling.cases.decisions import (
    ProceedingNotAllowed,
    proceeding_decide,
    proceeding_defence_answer,
    proceeding_defence_record,
    proceeding_hearing_notice_record,
    proceeding_start,
    proceeding_waiver_record,
)
from qingling.cases.documents import document_generate, document_text, document_void
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Compensation, Document, Penalty, Proceeding
from qingling.cases.procedure import ProceedingStatus
from qingling.cases.services import case_transition, payment_record
from qingling.cases.tests.documents_world import INFORMANT
from qingling.cases.tests.procedure.world import (
    DEFENCE_DUE,
    FINE,
    NOTICE_DAY,
    RATE,
    notified,
    on,
    overdue_case,
    serve,
)
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.testing import BaseTestCase

S = ProceedingStatus
AFTER_DEFENCE = DEFENCE_DUE + dt.timedelta(days=1)
# told Wed 16 December: 17, 18, 21, 22, 23, 24, 25 → Friday 25 December at the earliest
HEARING_DAY = dt.date(2026, 12, 25)


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class NoticeTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = overdue_case(self)

    def test_the_notice_states_the_intended_compensation_per_worker_and_the_rights(self) -> None:
        proceeding = notified(self, self.case, served=False)
        self.assertEqual(proceeding.status, S.NOTIFIED)
        self.assertTrue(proceeding.hearing_offered)  # 30,000 yuan reaches the threshold
        with proceeding.notice.file.open("rb") as stored:
            text = document_text(stored.read())
        self.assertIn("事先告知书", text)
        self.assertIn("加付赔偿金共计9,000.00元", text)  # (10,000 + 5,000 + 3,000) × 50 %
        self.assertIn("罚款人民币30,000.00元", text)
        self.assertIn("5个工作日内", text)
        self.assertIn("有权要求听证", text)
        self.assertNotIn(INFORMANT, text)  # the informant's line is there, unnamed
        self.assertIsNone(proceeding.defence_due)  # unserved: nothing runs

    def test_serving_the_notice_starts_the_defence_period_from_service(self) -> None:
        proceeding = notified(self, self.case)
        self.assertEqual(proceeding.notice_served_on, NOTICE_DAY)
        self.assertEqual(proceeding.defence_due, DEFENCE_DUE)

    def test_a_fine_below_the_threshold_offers_no_hearing(self) -> None:
        proceeding = notified(self, self.case, fine_key="inspection_30", fine=Decimal(5000))
        self.assertFalse(proceeding.hearing_offered)
        with proceeding.notice.file.open("rb") as stored:
            self.assertNotIn("听证", document_text(stored.read()))

    def test_refuses_a_rate_outside_50_to_100_percent_naming_the_rule(self) -> None:
        for rate in (Decimal("0.49"), Decimal("1.01")):
            with self.subTest(rate=rate), on(NOTICE_DAY):
                with self.assertRaises(InvalidInput) as raised:
                    proceeding_start(
                        case=self.case, rate=rate, rate_reason="理由", actor=self.inspector
                    )
                self.assertIn("劳动合同法 Art. 85", raised.exception.message)
                self.assertIn("rate", raised.exception.extra["fields"])
        self.assertFalse(Proceeding.objects.exists())
        self.assertFalse(Document.objects.filter(kind=Document.Kind.HEARING_NOTICE).exists())

    def test_refuses_a_fine_outside_its_range_naming_the_article(self) -> None:
        for amount in (Decimal("19999.99"), Decimal("50000.01")):
            with self.subTest(amount=amount), on(NOTICE_DAY):
                with self.assertRaises(InvalidInput) as raised:
                    proceeding_start(
                        case=self.case,
                        fine_key="wage_54_unit",
                        fine_amount=amount,
                        actor=self.inspector,
                    )
                self.assertIn("第五十四条", raised.exception.message)
                self.assertIn("20,000", raised.exception.message)
                self.assertIn("fine_amount", raised.exception.extra["fields"])
        self.assertFalse(Proceeding.objects.exists())

    def test_compensation_waits_for_the_orders_date(self) -> None:
        with (
            on(dt.date(2026, 12, 11)),
            self.assertRaisesMessage(ProceedingNotAllowed, "after the order's date"),
        ):
            proceeding_start(case=self.case, rate=RATE, rate_reason="理由", actor=self.inspector)

    def test_compensation_needs_wages_unpaid_at_the_orders_date(self) -> None:
        with on(dt.date(2026, 12, 10)):
            for claim in self.case.claims.all():
                payment_record(
                    claim=claim,
                    amount=claim.outstanding,
                    paid_on=dt.date(2026, 12, 10),
                    payer_kind="employer",
                    actor=self.inspector,
                )
        with on(NOTICE_DAY), self.assertRaises(ProceedingNotAllowed):
            proceeding_start(case=self.case, rate=RATE, rate_reason="理由", actor=self.inspector)

    def test_one_live_procedure_per_case(self) -> None:
        notified(self, self.case)
        with on(NOTICE_DAY), self.assertRaises(Conflict):
            proceeding_start(case=self.case, rate=RATE, rate_reason="理由", actor=self.inspector)

    def test_the_notice_cannot_be_generated_from_the_free_form(self) -> None:
        with on(NOTICE_DAY), self.assertRaisesMessage(InvalidInput, "decision procedure"):
            document_generate(
                case=self.case, kind=Document.Kind.HEARING_NOTICE, actor=self.inspector
            )

    def test_the_notice_cannot_be_served_before_it_was_issued(self) -> None:
        proceeding = notified(self, self.case, served=False)
        with on(NOTICE_DAY), self.assertRaises(InvalidInput) as raised:
            serve(self, proceeding.notice, NOTICE_DAY - dt.timedelta(days=1))
        self.assertIn("before the document's issue date", raised.exception.message)
        self.assertIn("served_on", raised.exception.extra["fields"])

    def test_a_notice_voided_twice_is_refused_the_second_time(self) -> None:
        proceeding = notified(self, self.case, served=False)
        with on(NOTICE_DAY):
            document_void(document=proceeding.notice, reason="金额有误", actor=self.inspector)
            with self.assertRaisesMessage(Conflict, "voided already"):
                document_void(document=proceeding.notice, reason="再次", actor=self.inspector)

    def test_an_outsider_cannot_start_it(self) -> None:
        with on(NOTICE_DAY), self.assertRaises(Forbidden):
            proceeding_start(case=self.case, rate=RATE, rate_reason="理由", actor=self.outsider)


@override_settings(LANGUAGE_CODE="en")
class DefenceAndDecisionTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = overdue_case(self)

    def decide(
        self,
        proceeding: Proceeding,
        day: dt.date,
        *,
        rate: Decimal | None = None,
        fine_amount: Decimal | None = None,
    ) -> Proceeding:
        with on(day):
            return proceeding_decide(
                proceeding=proceeding, actor=self.chief, rate=rate, fine_amount=fine_amount
            )

    def test_an_unserved_notice_blocks_the_decision_with_a_clear_message(self) -> None:
        proceeding = notified(self, self.case, served=False)
        with self.assertRaisesMessage(ProceedingNotAllowed, "has not been served"):
            self.decide(proceeding, AFTER_DEFENCE + dt.timedelta(days=30))
        self.assertFalse(Document.objects.filter(kind=Document.Kind.DECISION).exists())

    def test_no_decision_before_the_defence_period_has_ended(self) -> None:
        proceeding = notified(self, self.case)
        with self.assertRaises(ProceedingNotAllowed) as raised:
            self.decide(proceeding, DEFENCE_DUE)  # the last day is still the party's
        self.assertIn("2026-12-21", raised.exception.message)
        self.assertIn("行政处罚法 Art. 45", raised.exception.message)
        self.assertIn("decided_on", raised.exception.extra["fields"])
        self.assertFalse(Compensation.objects.exists())
        self.assertFalse(Penalty.objects.exists())
        self.assertEqual(Proceeding.objects.get().status, S.NOTIFIED)

    def test_a_written_waiver_lets_the_decision_come_before_the_period_ends(self) -> None:
        proceeding = notified(self, self.case)
        with on(NOTICE_DAY):
            proceeding_waiver_record(
                proceeding=proceeding,
                waived_on=NOTICE_DAY,
                note="法定代表人签署放弃声明",
                actor=self.inspector,
            )
        proceeding = self.decide(proceeding, NOTICE_DAY)
        self.assertEqual(proceeding.status, S.DECIDED)
        with proceeding.decision.file.open("rb") as stored:  # type: ignore[union-attr]
            self.assertIn("书面放弃陈述、申辩", document_text(stored.read()))

    def test_only_a_chief_decides(self) -> None:
        proceeding = notified(self, self.case)
        with on(AFTER_DEFENCE), self.assertRaises(Forbidden):
            proceeding_decide(proceeding=proceeding, actor=self.inspector)

    def test_a_statement_must_be_answered_and_a_hearing_held_first(self) -> None:
        proceeding = notified(self, self.case)
        with on(dt.date(2026, 12, 16)):
            proceeding_defence_record(
                proceeding=proceeding,
                statement="资金困难，请求减轻",
                received_on=dt.date(2026, 12, 16),
                hearing_requested=True,
                actor=self.inspector,
            )
        with self.assertRaisesMessage(ProceedingNotAllowed, "answered"):
            self.decide(proceeding, AFTER_DEFENCE)
        with on(HEARING_DAY), self.assertRaises(InvalidInput):
            proceeding_defence_answer(
                proceeding=proceeding, adopted=False, reasons="无证据", actor=self.inspector
            )  # the hearing's day is missing
        with on(HEARING_DAY), self.assertRaisesMessage(ProceedingNotAllowed, "hearing notice"):
            proceeding_defence_answer(
                proceeding=proceeding,
                adopted=False,
                reasons="无证据",
                hearing_held_on=HEARING_DAY,
                actor=self.inspector,
            )  # no hearing notice recorded
        with on(dt.date(2026, 12, 16)):
            proceeding_hearing_notice_record(
                proceeding=proceeding,
                notified_on=dt.date(2026, 12, 16),
                hearing_on=HEARING_DAY,
                place="区人社局听证室",
                actor=self.inspector,
            )
        with on(HEARING_DAY):
            proceeding_defence_answer(
                proceeding=proceeding,
                adopted=False,
                reasons="资金困难不是拖欠的法定理由",
                hearing_held_on=HEARING_DAY,
                actor=self.inspector,
            )
        proceeding = self.decide(proceeding, HEARING_DAY)
        with proceeding.penalty_decision.file.open("rb") as stored:  # type: ignore[union-attr]
            text = document_text(stored.read())
        self.assertIn("不予采纳", text)
        self.assertIn("资金困难不是拖欠的法定理由", text)
        actions = list(AuditEvent.objects.values_list("action", flat=True))
        self.assertIn("case.proceeding_hearing_notice", actions)

    def test_a_hearing_less_than_seven_working_days_after_its_notice_is_refused(self) -> None:
        proceeding = notified(self, self.case)
        with on(dt.date(2026, 12, 16)):
            proceeding_defence_record(
                proceeding=proceeding,
                statement="要求听证",
                received_on=dt.date(2026, 12, 16),
                hearing_requested=True,
                actor=self.inspector,
            )
            with self.assertRaises(InvalidInput) as raised:
                proceeding_hearing_notice_record(
                    proceeding=proceeding,
                    notified_on=dt.date(2026, 12, 16),
                    hearing_on=HEARING_DAY - dt.timedelta(days=1),
                    place="区人社局听证室",
                    actor=self.inspector,
                )
        message = raised.exception.message
        self.assertIn("行政处罚法 Art. 64", message)
        self.assertIn("at least 7 working days", message)
        self.assertIn(HEARING_DAY.isoformat(), message)
        self.assertEqual(list(raised.exception.extra["fields"]), ["hearing_on"])
        proceeding.refresh_from_db()
        self.assertIsNone(proceeding.hearing_on)

    def test_a_hearing_notice_needs_a_request_for_a_hearing(self) -> None:
        proceeding = notified(self, self.case)
        with on(dt.date(2026, 12, 16)), self.assertRaises(ProceedingNotAllowed):
            proceeding_hearing_notice_record(
                proceeding=proceeding,
                notified_on=dt.date(2026, 12, 16),
                hearing_on=HEARING_DAY,
                place="区人社局听证室",
                actor=self.inspector,
            )

    def test_a_hearing_asked_for_after_five_working_days_is_refused(self) -> None:
        proceeding = notified(self, self.case)
        late = dt.date(2026, 12, 22)
        with on(late), self.assertRaisesMessage(InvalidInput, "行政处罚法 Art. 64"):
            proceeding_defence_record(
                proceeding=proceeding,
                statement="要求听证",
                received_on=late,
                hearing_requested=True,
                actor=self.inspector,
            )

    def test_the_decisions_order_compensation_per_worker_and_the_fine(self) -> None:
        proceeding = self.decide(notified(self, self.case), AFTER_DEFENCE)
        self.assertEqual(proceeding.decided_on, AFTER_DEFENCE)
        amounts = sorted(Compensation.objects.values_list("base", "amount"))
        self.assertEqual(
            amounts,
            [
                (Decimal("3000.00"), Decimal("1500.00")),
                (Decimal("5000.00"), Decimal("2500.00")),
                (Decimal("10000.00"), Decimal("5000.00")),
            ],
        )
        penalty = Penalty.objects.get()
        self.assertEqual(
            (penalty.fine_key, penalty.amount, penalty.due), ("wage_54_unit", FINE, None)
        )
        self.case.refresh_from_db()
        self.assertEqual(self.case.extra_compensation_rate, RATE)
        assert proceeding.decision is not None
        with proceeding.decision.file.open("rb") as stored:
            text = document_text(stored.read())
        self.assertIn("辽源市人民政府", text)  # the review organ and the court are named
        self.assertIn("辽源市龙山区人民法院", text)
        self.assertIn("收到本决定书之日起15日内", text)  # from service, never a past date
        self.assertTrue(AuditEvent.objects.filter(action="case.proceeding_decided").exists())

    def test_wages_paid_after_the_orders_date_still_count_in_the_base(self) -> None:
        proceeding = notified(self, self.case)
        claim = self.case.claims.order_by("id").first()
        assert claim is not None
        with on(dt.date(2026, 12, 15)):
            payment_record(
                claim=claim,
                amount=Decimal("10000.00"),
                paid_on=dt.date(2026, 12, 15),
                payer_kind="employer",
                actor=self.inspector,
            )
        self.decide(proceeding, AFTER_DEFENCE)
        compensation = Compensation.objects.get(claim=claim)
        self.assertEqual(compensation.base, Decimal("10000.00"))
        self.assertEqual(compensation.amount, Decimal("5000.00"))

    def test_no_heavier_decision_than_the_notice_announced(self) -> None:
        proceeding = notified(self, self.case)
        with self.assertRaisesMessage(InvalidInput, "Art. 45"):
            self.decide(proceeding, AFTER_DEFENCE, rate=Decimal("0.80"))
        with self.assertRaisesMessage(InvalidInput, "Art. 45"):
            self.decide(proceeding, AFTER_DEFENCE, fine_amount=Decimal(40000))
        proceeding = self.decide(proceeding, AFTER_DEFENCE, fine_amount=Decimal(20000))
        self.assertEqual(Penalty.objects.get().amount, Decimal(20000))

    def test_serving_the_decisions_starts_their_dates_and_the_periods(self) -> None:
        proceeding = self.decide(notified(self, self.case), AFTER_DEFENCE)
        assert proceeding.decision is not None and proceeding.penalty_decision is not None
        with on(AFTER_DEFENCE):
            serve(self, proceeding.decision, AFTER_DEFENCE)
        proceeding.refresh_from_db()
        self.assertIsNone(proceeding.review_until)  # the penalty decision is not served yet
        with on(dt.date(2026, 12, 23)):
            serve(self, proceeding.penalty_decision, dt.date(2026, 12, 23))
        proceeding.refresh_from_db()
        self.assertEqual(proceeding.decisions_served_on, dt.date(2026, 12, 23))
        self.assertEqual(proceeding.review_until, dt.date(2027, 2, 22))  # 21 Feb is a Sunday
        self.assertEqual(proceeding.suit_until, dt.date(2027, 6, 23))
        self.assertEqual(proceeding.payment_due, dt.date(2027, 1, 6))  # 15 days from 22 Dec
        self.assertEqual(Penalty.objects.get().due, dt.date(2027, 1, 7))  # 15 days from 23 Dec


@override_settings(LANGUAGE_CODE="en")
class CompensationPaymentTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = overdue_case(self)
        with on(AFTER_DEFENCE):
            proceeding_decide(proceeding=notified(self, self.case), actor=self.chief)
        self.compensation = Compensation.objects.get(amount=Decimal("2500.00"))

    def pay(self, amount: str) -> None:
        with on(AFTER_DEFENCE):
            compensation_payment_record(
                compensation=self.compensation,
                amount=Decimal(amount),
                paid_on=AFTER_DEFENCE,
                voucher="银行回单001",
                actor=self.inspector,
            )

    def test_is_recorded_per_worker_apart_from_the_wages(self) -> None:
        claim = self.compensation.claim
        outstanding = claim.outstanding
        self.pay("1000.00")
        self.compensation.refresh_from_db()
        self.assertEqual(self.compensation.paid, Decimal("1000.00"))
        claim.refresh_from_db()
        self.assertEqual(claim.outstanding, outstanding)  # the wages still owed, unchanged
        self.assertEqual(claim.paid, Decimal("0.00"))

    def test_more_than_ordered_is_refused_naming_the_rule_and_field(self) -> None:
        self.pay("2000.00")
        with self.assertRaises(InvalidInput) as raised:
            self.pay("500.01")
        self.assertIn("500.00", raised.exception.message)
        self.assertIn("劳动合同法 Art. 85", raised.exception.message)
        self.assertIn("amount", raised.exception.extra["fields"])
        self.compensation.refresh_from_db()
        self.assertEqual(self.compensation.paid, Decimal("2000.00"))


@override_settings(LANGUAGE_CODE="en")
class ClosingRulesTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = overdue_case(self)

    def request_closing(self) -> None:
        for claim in self.case.claims.all():
            if claim.outstanding:
                with on(AFTER_DEFENCE):
                    payment_record(
                        claim=claim,
                        amount=claim.outstanding,
                        paid_on=AFTER_DEFENCE,
                        payer_kind="employer",
                        actor=self.inspector,
                    )
        with on(AFTER_DEFENCE):
            case_transition(
                case=self.case, target=CaseStatus.CLOSING_REQUESTED, actor=self.inspector
            )

    def test_paid_in_full_needs_the_compensation_paid_too(self) -> None:
        with on(AFTER_DEFENCE):
            proceeding_decide(
                proceeding=notified(self, self.case, fine_key="", fine=None), actor=self.chief
            )
        self.request_closing()
        with on(AFTER_DEFENCE), self.assertRaisesMessage(Exception, "extra compensation"):
            case_transition(
                case=self.case,
                target=CaseStatus.CLOSED,
                actor=self.chief,
                outcome=CaseOutcome.PAID_IN_FULL,
            )
        for compensation in Compensation.objects.all():
            with on(AFTER_DEFENCE):
                compensation_payment_record(
                    compensation=compensation,
                    amount=compensation.amount,
                    paid_on=AFTER_DEFENCE,
                    actor=self.inspector,
                )
        with on(AFTER_DEFENCE):
            case_transition(
                case=self.case,
                target=CaseStatus.CLOSED,
                actor=self.chief,
                outcome=CaseOutcome.PAID_IN_FULL,
            )
        self.assertEqual(self.case.status, CaseStatus.CLOSED)

    def test_the_penalty_outcome_needs_a_penalty_decision(self) -> None:
        self.request_closing()
        with on(AFTER_DEFENCE), self.assertRaisesMessage(Exception, "no penalty decision"):
            case_transition(
                case=self.case,
                target=CaseStatus.CLOSED,
                actor=self.chief,
                outcome=CaseOutcome.PENALTY,
            )
