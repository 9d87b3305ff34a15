import datetime as dt
from decimal import Decimal

import time_machine

from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case, Payment
from qingling.cases.services import case_deadlines_scan, case_transition, payment_record
from qingling.cases.tests.steps import serve_order
from qingling.core.models import AuditEvent
from qingling.testing import BaseTestCase, make_case

OPENED = dt.datetime(2021, 2, 8, 2, tzinfo=dt.UTC)  # investigation due 2021-05-11
DUE = dt.date(2021, 5, 11)
NOTHING = {"warned": 0, "escalated": 0, "orders_overdue": 0}


def scan(day: dt.date) -> dict[str, int]:
    with time_machine.travel(dt.datetime.combine(day, dt.time(1), tzinfo=dt.UTC), tick=False):
        return case_deadlines_scan(today=day)


class CaseDeadlinesScanTests(BaseTestCase):
    def setUp(self) -> None:
        with time_machine.travel(OPENED, tick=False):
            self.case = make_case(self)
        self.assertEqual(self.case.investigation_due, DUE)

    def test_warns_five_working_days_before_the_limit_once(self) -> None:
        # Labour Day (May 1–5) lies between: Apr 30 + 5 working days = May 6, 7, Saturday 8
        # (worked), 10, 11.
        self.assertEqual(scan(dt.date(2021, 4, 29)), NOTHING)
        self.assertEqual(scan(dt.date(2021, 4, 30)), {**NOTHING, "warned": 1})
        self.assertEqual(scan(dt.date(2021, 4, 30)), NOTHING)
        self.assertEqual(scan(dt.date(2021, 5, 10)), NOTHING)
        self.assertIsNotNone(Case.objects.get(pk=self.case.pk).warned_at)
        event = AuditEvent.objects.get(action="case.deadline_warning")
        self.assertIsNone(event.actor)
        self.assertEqual((event.after or {})["investigation_due"], "2021-05-11")

    def test_escalates_after_the_limit_once(self) -> None:
        self.assertEqual(scan(DUE)["escalated"], 0)  # the last day is still in time
        self.assertEqual(scan(DUE + dt.timedelta(days=1)), {**NOTHING, "escalated": 1})
        self.assertEqual(scan(DUE + dt.timedelta(days=1)), NOTHING)
        self.assertEqual(scan(DUE + dt.timedelta(days=30)), NOTHING)
        self.assertEqual(AuditEvent.objects.filter(action="case.escalate").count(), 1)

    def test_a_late_first_run_escalates_without_warning(self) -> None:
        self.assertEqual(scan(dt.date(2021, 6, 1)), {**NOTHING, "escalated": 1})

    def test_flags_an_order_unpaid_after_its_date_once(self) -> None:
        with time_machine.travel(OPENED, tick=False):
            case = case_transition(
                case=self.case, target=CaseStatus.INVESTIGATING, actor=self.inspector
            )
            case = case_transition(
                case=case,
                target=CaseStatus.ORDER_ISSUED,
                actor=self.inspector,
                order_days=15,
            )
        self.assertEqual(scan(dt.date(2021, 4, 1)), NOTHING)  # not served: its date not running
        with time_machine.travel(OPENED, tick=False):
            case = serve_order(self, case)
        # 15 working days from the service on Monday 8 February, Spring Festival skipped
        self.assertEqual(case.order_due, dt.date(2021, 3, 5))
        self.assertEqual(scan(dt.date(2021, 3, 5)), NOTHING)
        self.assertEqual(scan(dt.date(2021, 3, 6)), {**NOTHING, "orders_overdue": 1})
        self.assertEqual(scan(dt.date(2021, 3, 6)), NOTHING)
        self.assertEqual(scan(dt.date(2021, 3, 8)), NOTHING)
        self.assertIsNotNone(Case.objects.get(pk=case.pk).order_overdue_at)
        self.assertEqual(AuditEvent.objects.filter(action="case.order_overdue").count(), 1)

    def test_an_order_paid_in_full_is_not_flagged(self) -> None:
        with time_machine.travel(OPENED, tick=False):
            case = case_transition(
                case=self.case, target=CaseStatus.INVESTIGATING, actor=self.inspector
            )
            case = case_transition(
                case=case,
                target=CaseStatus.ORDER_ISSUED,
                actor=self.inspector,
                order_days=15,
            )
            case = serve_order(self, case)
            payment_record(
                claim=case.claims.get(),
                amount=Decimal("10000.00"),
                paid_on=dt.date(2021, 2, 8),
                payer_kind=Payment.Payer.EMPLOYER,
                actor=self.inspector,
            )
        self.assertEqual(scan(dt.date(2021, 3, 8)), NOTHING)

    def test_closed_cases_are_left_alone(self) -> None:
        with time_machine.travel(OPENED, tick=False):
            case_transition(
                case=self.case,
                target=CaseStatus.CLOSED,
                actor=self.chief,
                outcome=CaseOutcome.WITHDRAWN,
                note="轻微违法已改正",
            )
        self.assertEqual(scan(dt.date(2021, 4, 30)), NOTHING)
        self.assertEqual(scan(dt.date(2021, 6, 1)), NOTHING)
