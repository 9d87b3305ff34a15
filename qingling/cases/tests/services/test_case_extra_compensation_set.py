import datetime as dt
from decimal import Decimal

import time_machine
from django.test import override_settings

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_extra_compensation_set
from qingling.cases.tests.steps import ORDER_UNSERVED, advance, order_due
from qingling.core.exceptions import Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class CaseExtraCompensationSetTests(BaseTestCase):
    def setUp(self) -> None:
        with time_machine.travel(CURRENT_TIME, tick=False):
            self.case = advance(self, make_case(self), CaseStatus.ORDER_ISSUED)
            self.due = order_due()  # served the day it was issued
        self.assertEqual(self.case.order_due, self.due)

    def after_due(self, days: int = 1) -> time_machine.travel:
        return time_machine.travel(
            dt.datetime.combine(self.due + dt.timedelta(days=days), dt.time(10), tzinfo=dt.UTC),
            tick=False,
        )

    def test_an_unserved_order_blocks_extra_compensation(self) -> None:
        with time_machine.travel(CURRENT_TIME, tick=False):
            unserved = make_case(self, name="李四", phone="13912345678")
            unserved = advance(self, unserved, ORDER_UNSERVED)
        self.assertIsNone(unserved.order_due)
        with self.after_due(30), self.assertRaisesMessage(InvalidInput, "has not been served"):
            case_extra_compensation_set(
                case=unserved, rate=Decimal("0.50"), reason="逾期未付", actor=self.chief
            )

    def test_only_after_the_orders_date_has_passed(self) -> None:
        with self.after_due(0), self.assertRaisesMessage(InvalidInput, "order"):
            case_extra_compensation_set(
                case=self.case, rate=Decimal("0.50"), reason="逾期未付", actor=self.chief
            )
        with time_machine.travel(CURRENT_TIME, tick=False):
            before_order = make_case(self, name="李四", phone="13912345678")
        with self.after_due(), self.assertRaises(InvalidInput):
            case_extra_compensation_set(
                case=before_order, rate=Decimal("0.50"), reason="逾期未付", actor=self.chief
            )
        with self.after_due():
            case = case_extra_compensation_set(
                case=self.case, rate=Decimal("0.50"), reason="逾期未付", actor=self.chief
            )
        self.assertEqual(Case.objects.get(pk=case.pk).extra_compensation_rate, Decimal("0.50"))
        self.assertEqual(AuditEvent.objects.filter(action="case.extra_compensation").count(), 1)

    def test_the_rate_is_50_to_100_percent_with_a_reason(self) -> None:
        with self.after_due():
            for rate in ("0.49", "1.01", "0", "-0.5", "50"):
                with self.subTest(rate=rate), self.assertRaises(InvalidInput) as raised:
                    case_extra_compensation_set(
                        case=self.case, rate=Decimal(rate), reason="逾期", actor=self.chief
                    )
                self.assertIn("rate", raised.exception.extra["fields"])
            with self.assertRaises(InvalidInput) as raised:
                case_extra_compensation_set(
                    case=self.case, rate=Decimal("0.80"), reason=" ", actor=self.chief
                )
            self.assertIn("reason", raised.exception.extra["fields"])
            for rate in ("1.00", "0.75"):
                case_extra_compensation_set(
                    case=self.case,
                    rate=Decimal(rate),
                    reason="拒不支付，情节较重",
                    actor=self.director,
                )
        case = Case.objects.get(pk=self.case.pk)
        self.assertEqual(case.extra_compensation_rate, Decimal("0.75"))
        self.assertEqual(case.extra_compensation_reason, "拒不支付，情节较重")

    def test_only_a_chief_sets_the_rate(self) -> None:
        with self.after_due():
            for persona in (self.inspector, self.intake, self.outsider):
                with self.subTest(persona=persona), self.assertRaises(Forbidden):
                    case_extra_compensation_set(
                        case=self.case, rate=Decimal("0.50"), reason="逾期", actor=persona
                    )
