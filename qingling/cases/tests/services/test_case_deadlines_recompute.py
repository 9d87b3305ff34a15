import datetime as dt

import time_machine

from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_deadlines_recompute, case_extend
from qingling.core.models import AuditEvent
from qingling.core.services import calendar_year_import
from qingling.testing import BaseTestCase, make_case

# Friday 20 November 2026: 60 working days reach into 2027, which has no schedule yet.
OPENED = dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC)
SCHEDULE_2027 = """\
holiday 2027-01-01..2027-01-03 元旦
holiday 2027-02-05..2027-02-11 春节
workday 2027-02-14 春节调休
"""


class CaseDeadlinesRecomputeTests(BaseTestCase):
    def open_case(self) -> Case:
        with time_machine.travel(OPENED, tick=False):
            case = make_case(self)
        self.assertEqual(case.investigation_due, dt.date(2027, 2, 15))
        self.assertIs(case.investigation_due_provisional, True)
        return case

    def load_2027(self) -> None:
        calendar_year_import(year=2027, text=SCHEDULE_2027, source="", actor=None)

    def test_loading_the_schedule_recounts_60_working_days_from_the_opening(self) -> None:
        case = self.open_case()
        self.load_2027()
        case.refresh_from_db()
        # 54 working days reach Fri 12 Feb; Sun 14 (调休) is the 55th; Mon 15 – Fri 19.
        self.assertEqual(case.investigation_due, dt.date(2027, 2, 19))
        self.assertIs(case.investigation_due_provisional, False)
        event = AuditEvent.objects.get(action="case.deadline_recompute", object_id=case.pk)
        self.assertIsNone(event.actor)
        self.assertEqual(
            event.after, {"investigation_due": "2027-02-19", "investigation_due_provisional": False}
        )

    def test_an_extended_case_recounts_90_working_days(self) -> None:
        with time_machine.travel(OPENED, tick=False):
            case = case_extend(case=self.open_case(), reason="复杂", actor=self.chief)
        self.assertEqual(case.investigation_due, dt.date(2027, 3, 29))
        self.load_2027()
        case.refresh_from_db()
        # The festival costs 5 weekdays and the 调休 Sunday gives one back.
        self.assertEqual(case.investigation_due, dt.date(2027, 4, 2))
        self.assertIs(case.investigation_due_provisional, False)

    def test_a_closed_case_is_left_alone(self) -> None:
        case = self.open_case()
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.CLOSED, outcome=CaseOutcome.PAID_IN_FULL
        )
        self.load_2027()
        case.refresh_from_db()
        self.assertEqual(case.investigation_due, dt.date(2027, 2, 15))
        self.assertIs(case.investigation_due_provisional, True)

    def test_running_twice_changes_nothing(self) -> None:
        self.open_case()
        self.load_2027()
        self.assertEqual(case_deadlines_recompute(actor=None), [])
        self.assertEqual(AuditEvent.objects.filter(action="case.deadline_recompute").count(), 1)
