import datetime as dt

import time_machine
from django.test import override_settings

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_deadlines_scan, case_extend
from qingling.cases.tests.steps import advance
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case

OPENED_2021 = dt.datetime(2021, 2, 8, 2, tzinfo=dt.UTC)  # Monday before Spring Festival


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class CaseExtendTests(BaseTestCase):
    @time_machine.travel(OPENED_2021, tick=False)
    def test_moves_the_limit_to_90_working_days_after_opening(self) -> None:
        case = make_case(self)
        self.assertEqual(case.investigation_due, dt.date(2021, 5, 11))
        case = case_extend(case=case, reason="涉及多个分包，案情复杂", actor=self.chief)
        # From May 11 (60): May 12–14 (61–63); four weeks to Jun 11 (64–83);
        # Jun 12–14 Dragon Boat Festival; Jun 15–18 (84–87); Jun 21, 22, 23 (88–90).
        self.assertEqual(case.investigation_due, dt.date(2021, 6, 23))
        self.assertIs(case.investigation_due_provisional, False)
        self.assertIs(case.extended, True)
        self.assertEqual(case.extension_reason, "涉及多个分包，案情复杂")
        event = AuditEvent.objects.get(action="case.extend")
        self.assertEqual((event.before or {})["investigation_due"], "2021-05-11")
        self.assertEqual((event.after or {})["investigation_due"], "2021-06-23")
        self.assertEqual(event.reason, "涉及多个分包，案情复杂")

    @time_machine.travel(OPENED_2021, tick=False)
    def test_extends_once_only(self) -> None:
        case = case_extend(case=make_case(self), reason="复杂", actor=self.chief)
        with self.assertRaisesMessage(InvalidInput, "only once"):
            case_extend(case=case, reason="再延", actor=self.director)
        stale = Case.objects.get(pk=case.pk)
        stale.extended = False  # as a page loaded before the first extension would hold it
        with self.assertRaises(Conflict):
            case_extend(case=stale, reason="再延", actor=self.director)
        self.assertEqual(Case.objects.get(pk=case.pk).investigation_due, dt.date(2021, 6, 23))
        self.assertEqual(AuditEvent.objects.filter(action="case.extend").count(), 1)

    @time_machine.travel(dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC), tick=False)
    def test_an_extension_into_a_year_without_a_schedule_is_provisional(self) -> None:
        case = case_extend(case=make_case(self), reason="复杂", actor=self.chief)
        self.assertEqual(case.investigation_due, dt.date(2027, 3, 29))
        self.assertIs(case.investigation_due_provisional, True)

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_only_a_chief_approves_with_a_reason_on_an_open_case(self) -> None:
        case = make_case(self)
        for persona in (self.inspector, self.intake, self.outsider):
            with self.subTest(persona=persona), self.assertRaises(Forbidden):
                case_extend(case=case, reason="复杂", actor=persona)
        with self.assertRaises(InvalidInput) as raised:
            case_extend(case=case, reason="  ", actor=self.chief)
        self.assertIn("reason", raised.exception.extra["fields"])
        closed = advance(self, make_case(self, name="李四"), CaseStatus.CLOSED)
        with self.assertRaisesMessage(InvalidInput, "Only an open case"):
            case_extend(case=closed, reason="复杂", actor=self.chief)

    def test_a_new_limit_is_warned_about_and_escalated_again(self) -> None:
        with time_machine.travel(OPENED_2021, tick=False):
            case = make_case(self)
        self.assertEqual(case_deadlines_scan(today=dt.date(2021, 4, 30))["warned"], 1)
        case.refresh_from_db()
        with time_machine.travel(dt.datetime(2021, 5, 11, 2, tzinfo=dt.UTC), tick=False):
            case = case_extend(case=case, reason="复杂", actor=self.chief)  # the last day
        self.assertIsNone(case.warned_at)
        self.assertEqual(case_deadlines_scan(today=dt.date(2021, 5, 12))["escalated"], 0)
        self.assertEqual(case_deadlines_scan(today=dt.date(2021, 6, 16))["warned"], 1)
        self.assertEqual(case_deadlines_scan(today=dt.date(2021, 6, 24))["escalated"], 1)

    def test_a_case_past_its_limit_is_not_extended(self) -> None:
        with time_machine.travel(OPENED_2021, tick=False):
            case = make_case(self)
        with (
            time_machine.travel(dt.datetime(2021, 5, 12, 2, tzinfo=dt.UTC), tick=False),
            self.assertRaisesMessage(InvalidInput, "before its limit has passed"),
        ):
            case_extend(case=case, reason="复杂", actor=self.chief)
        self.assertFalse(Case.objects.get(pk=case.pk).extended)


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class CaseExtendScopeTests(BaseTestCase):
    def test_an_order_issued_case_is_extended_its_limit_is_still_watched(self) -> None:
        case = advance(self, make_case(self), CaseStatus.ORDER_ISSUED)
        self.assertTrue(case_extend(case=case, reason="复杂", actor=self.chief).extended)

    def test_a_case_awaiting_its_closing_approval_is_not_extended(self) -> None:
        case = advance(self, make_case(self), CaseStatus.CLOSING_REQUESTED)
        with self.assertRaisesMessage(InvalidInput, "not awaiting its closing approval"):
            case_extend(case=case, reason="复杂", actor=self.chief)
