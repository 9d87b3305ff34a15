import datetime as dt
import io
from decimal import Decimal

import docx
from django.test import override_settings

from qingling.cases.decisions import ProceedingNotAllowed, proceeding_decide
from qingling.cases.enforcement import (
    challenge_decide,
    challenge_record,
    proceeding_apply,
    proceeding_clocks_scan,
    proceeding_final,
    proceeding_remind,
    proceeding_ruling,
)
from qingling.cases.jobs import proceeding_clocks
from qingling.cases.models import (
    Case,
    CaseArchive,
    Challenge,
    CourtRuling,
    Penalty,
    Proceeding,
    ProceedingAlert,
)
from qingling.cases.penalties import penalty_payment_record
from qingling.cases.procedure import ProceedingStatus
from qingling.cases.tests.documents_world import docx_text
from qingling.cases.tests.procedure.world import DEFENCE_DUE, notified, on, overdue_case, serve
from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.models import AuditEvent
from qingling.testing import BaseTestCase

S = ProceedingStatus
DECIDED_ON = DEFENCE_DUE + dt.timedelta(days=1)  # Tuesday 22 December
SERVED_ON = dt.date(2026, 12, 23)
FINE_DUE = dt.date(2027, 1, 7)
SUIT_UNTIL = dt.date(2027, 6, 23)


def decided_and_served(test: BaseTestCase) -> Proceeding:
    case = overdue_case(test)
    with on(DECIDED_ON):
        proceeding = proceeding_decide(proceeding=notified(test, case), actor=test.chief)
    assert proceeding.decision is not None and proceeding.penalty_decision is not None
    with on(SERVED_ON):
        serve(test, proceeding.decision, SERVED_ON)
        serve(test, proceeding.penalty_decision, SERVED_ON)
    proceeding.refresh_from_db()
    return proceeding


@override_settings(LANGUAGE_CODE="en")
class PenaltyPaymentTests(BaseTestCase):
    def setUp(self) -> None:
        self.proceeding = decided_and_served(self)
        self.penalty = Penalty.objects.get()

    def pay(self, day: dt.date, amount: str, receipt: str = "缴款书0001") -> Penalty:
        with on(day):
            return penalty_payment_record(
                penalty=self.penalty,
                paid_on=day,
                amount=Decimal(amount),
                receipt_number=receipt,
                actor=self.inspector,
            )

    def test_paid_by_the_due_date_owes_the_fine_only(self) -> None:
        self.assertEqual(self.penalty.due, FINE_DUE)
        penalty = self.pay(FINE_DUE, "30000.00")
        self.assertEqual((penalty.paid_on, penalty.receipt_number), (FINE_DUE, "缴款书0001"))
        self.assertTrue(AuditEvent.objects.filter(action="case.penalty_payment").exists())

    def test_paid_late_owes_the_surcharge_and_says_how_much(self) -> None:
        late = FINE_DUE + dt.timedelta(days=2)
        with self.assertRaises(InvalidInput) as raised:
            self.pay(late, "30000.00")
        self.assertIn("31800.00", raised.exception.message)  # 2 days × 3 % × 30,000
        self.assertIn("行政处罚法 Art. 72", raised.exception.message)
        self.pay(late, "31800.00")

    def test_needs_the_receipt_and_is_recorded_once(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            self.pay(FINE_DUE, "30000.00", receipt=" ")
        self.assertIn("receipt_number", raised.exception.extra["fields"])
        self.pay(FINE_DUE, "30000.00")
        with self.assertRaises(Conflict):
            self.pay(FINE_DUE, "30000.00")


@override_settings(LANGUAGE_CODE="en")
class EnforcementTests(BaseTestCase):
    def setUp(self) -> None:
        self.proceeding = decided_and_served(self)

    def test_the_decisions_are_not_final_before_the_periods_end(self) -> None:
        self.assertEqual(self.proceeding.suit_until, SUIT_UNTIL)
        with on(SUIT_UNTIL), self.assertRaisesMessage(ProceedingNotAllowed, "2027-06-23"):
            proceeding_final(proceeding=self.proceeding, actor=self.inspector)

    def test_a_pending_review_blocks_finality_and_a_revoked_one_ends_it(self) -> None:
        with on(dt.date(2027, 1, 4)):
            challenge = challenge_record(
                proceeding=self.proceeding,
                kind=Challenge.Kind.REVIEW,
                lodged_on=dt.date(2027, 1, 4),
                body="",
                actor=self.inspector,
            )
        self.assertEqual(challenge.body, "辽源市人民政府")
        after = SUIT_UNTIL + dt.timedelta(days=1)
        with on(after), self.assertRaisesMessage(ProceedingNotAllowed, "pending"):
            proceeding_final(proceeding=self.proceeding, actor=self.inspector)
        with on(after):
            challenge_decide(
                challenge=challenge,
                outcome=Challenge.Outcome.REVOKED,
                decided_on=dt.date(2027, 3, 1),
                actor=self.inspector,
            )
        with on(after), self.assertRaisesMessage(ProceedingNotAllowed, "revoked"):
            proceeding_final(proceeding=self.proceeding, actor=self.inspector)

    def test_final_then_reminder_then_the_court_within_its_window(self) -> None:
        after = SUIT_UNTIL + dt.timedelta(days=1)  # Thursday 24 June 2027
        with on(after):
            proceeding = proceeding_final(proceeding=self.proceeding, actor=self.inspector)
        self.assertEqual(proceeding.status, S.FINAL)
        self.assertEqual(proceeding.application_due, dt.date(2027, 9, 23))
        with on(after):
            proceeding = proceeding_remind(proceeding=proceeding, actor=self.inspector)
        assert proceeding.reminder is not None
        self.assertEqual(proceeding.status, S.REMINDED)
        with on(after), self.assertRaisesMessage(ProceedingNotAllowed, "has not been served"):
            proceeding_apply(proceeding=proceeding, applied_on=after, actor=self.inspector)
        with on(after):
            serve(self, proceeding.reminder, after)
        proceeding.refresh_from_db()
        self.assertIsNotNone(proceeding.reminder_due)
        assert proceeding.reminder_due is not None
        with (
            on(proceeding.reminder_due),
            self.assertRaisesMessage(ProceedingNotAllowed, "行政强制法 Art. 54"),
        ):
            proceeding_apply(
                proceeding=proceeding, applied_on=proceeding.reminder_due, actor=self.inspector
            )
        late = dt.date(2027, 9, 24)
        with on(late), self.assertRaisesMessage(ProceedingNotAllowed, "行政强制法 Art. 53"):
            proceeding_apply(proceeding=proceeding, applied_on=late, actor=self.inspector)
        applied_on = proceeding.reminder_due + dt.timedelta(days=1)
        with on(applied_on):
            proceeding = proceeding_apply(
                proceeding=proceeding,
                applied_on=applied_on,
                court_case_number="（2027）吉0402行审1号",
                actor=self.inspector,
            )
        self.assertEqual(proceeding.status, S.APPLIED)
        with on(applied_on):
            proceeding = proceeding_ruling(
                proceeding=proceeding,
                ruling=CourtRuling.ENFORCE,
                ruling_on=applied_on,
                outcome="法院裁定准予执行",
                actor=self.inspector,
            )
        self.assertEqual(proceeding.status, S.CONCLUDED)


@override_settings(LANGUAGE_CODE="en")
class ClocksScanTests(BaseTestCase):
    def test_warns_before_and_escalates_after_the_defence_once_each(self) -> None:
        case = overdue_case(self)
        notified(self, case)
        with on(dt.date(2026, 12, 17)):
            self.assertEqual(
                proceeding_clocks_scan(today=dt.date(2026, 12, 17)), {"warning": 0, "escalation": 0}
            )
        with on(dt.date(2026, 12, 18)):
            proceeding_clocks()
            proceeding_clocks()  # twice: once only
        with on(dt.date(2026, 12, 22)):
            counts = proceeding_clocks_scan(today=dt.date(2026, 12, 22))
        self.assertEqual(counts, {"warning": 0, "escalation": 1})
        self.assertEqual(
            sorted(ProceedingAlert.objects.values_list("clock", "level")),
            [("defence", "escalation"), ("defence", "warning")],
        )
        self.assertEqual(AuditEvent.objects.filter(action="case.proceeding_warning").count(), 1)

    def test_warns_and_escalates_the_ninety_days_to_the_penalty_decision(self) -> None:
        case = overdue_case(self)
        notified(self, case)
        # opened Sun 20 September: 90 days is Sat 19 December, a rest day → Mon 21 December
        Case.objects.filter(pk=case.pk).update(opened_on=dt.date(2026, 9, 20))
        with on(dt.date(2026, 12, 17)):
            proceeding_clocks_scan(today=dt.date(2026, 12, 17))
        self.assertFalse(ProceedingAlert.objects.filter(clock="decision").exists())
        with on(dt.date(2026, 12, 18)):
            proceeding_clocks_scan(today=dt.date(2026, 12, 18))
        with on(dt.date(2026, 12, 22)):
            proceeding_clocks_scan(today=dt.date(2026, 12, 22))
        self.assertEqual(
            sorted(ProceedingAlert.objects.filter(clock="decision").values_list("level", "due")),
            [("escalation", dt.date(2026, 12, 21)), ("warning", dt.date(2026, 12, 21))],
        )

    def test_an_archived_cases_procedure_is_not_watched(self) -> None:
        case = overdue_case(self)
        proceeding = notified(self, case)
        CaseArchive.objects.create(
            case=case,
            archived_on=dt.date(2026, 12, 15),
            archived_by=self.inspector,
            retention_years=30,
            retain_until=dt.date(2056, 12, 15),
            pages=1,
        )
        with on(dt.date(2026, 12, 22)):
            counts = proceeding_clocks_scan(today=dt.date(2026, 12, 22))
        self.assertEqual(counts, {"warning": 0, "escalation": 0})
        self.assertFalse(ProceedingAlert.objects.filter(proceeding=proceeding).exists())


class ProcedureDocumentsTests(BaseTestCase):
    def test_every_procedure_document_is_a4_with_the_header_the_seal_and_no_placeholder(
        self,
    ) -> None:
        proceeding = decided_and_served(self)
        with on(SUIT_UNTIL + dt.timedelta(days=1)):
            proceeding = proceeding_final(proceeding=proceeding, actor=self.inspector)
            proceeding = proceeding_remind(proceeding=proceeding, actor=self.inspector)
        documents = [
            proceeding.notice,
            proceeding.decision,
            proceeding.penalty_decision,
            proceeding.reminder,
        ]
        for document in documents:
            assert document is not None
            with self.subTest(kind=document.kind), document.file.open("rb") as stored:
                data = stored.read()
                section = docx.Document(io.BytesIO(data)).sections[0]
                assert section.page_width is not None and section.page_height is not None
                self.assertEqual(
                    (round(section.page_width.mm), round(section.page_height.mm)), (210, 297)
                )
                text = docx_text(data)
                self.assertIn("辽源市人力资源和社会保障局", text)
                self.assertIn("（印章）", text)
                self.assertIn("执法证号", text)
                self.assertNotIn("{{", text)
        assert proceeding.reminder is not None
        with proceeding.reminder.file.open("rb") as stored:
            text = docx_text(stored.read())
        self.assertIn("加付赔偿金9,000.00元", text)
        self.assertIn("10个工作日内", text)
