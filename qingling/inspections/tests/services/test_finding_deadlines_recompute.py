import datetime as dt

import time_machine

from qingling.core.models import AuditEvent
from qingling.core.services import calendar_year_import
from qingling.inspections.models import Finding
from qingling.inspections.services import (
    finding_corrected,
    finding_deadline_set,
    finding_deadlines_recompute,
)
from qingling.inspections.tests.world import InspectionWorld

# Wednesday 3 February 2027, 10:00 in Liaoyuan; 2027 has no published schedule yet.
WEDNESDAY = dt.datetime(2027, 2, 3, 2, tzinfo=dt.UTC)
SCHEDULE_2027 = """\
holiday 2027-01-01..2027-01-03 元旦
holiday 2027-02-05..2027-02-11 春节
workday 2027-02-14 春节调休
"""


class FindingDeadlinesRecomputeTests(InspectionWorld):
    def deadline(self) -> Finding:
        with time_machine.travel(WEDNESDAY, tick=False):
            finding = finding_deadline_set(
                finding=self.record().findings.get(), working_days=5, actor=self.inspector
            )
        self.assertEqual(
            (finding.correction_due_from, finding.correction_working_days),
            (
                dt.date(2027, 2, 3),
                5,
            ),
        )
        self.assertEqual(finding.correction_due, dt.date(2027, 2, 10))
        self.assertIs(finding.correction_due_provisional, True)
        return finding

    def load_2027(self) -> None:
        calendar_year_import(year=2027, text=SCHEDULE_2027, source="", actor=self.admin)

    def test_loading_the_schedule_recounts_the_same_working_days_from_the_same_day(self) -> None:
        finding = self.deadline()
        self.load_2027()
        finding.refresh_from_db()
        self.assertEqual(finding.correction_due, dt.date(2027, 2, 16))
        self.assertIs(finding.correction_due_provisional, False)
        event = AuditEvent.objects.get(action="finding.deadline_recompute", object_id=finding.pk)
        self.assertEqual(event.actor, self.admin)
        self.assertEqual((event.before or {}).get("correction_due"), "2027-02-10")

    def test_a_corrected_finding_is_left_alone(self) -> None:
        finding = self.deadline()
        with time_machine.travel(WEDNESDAY, tick=False):
            finding_corrected(finding=finding, note="已补发", actor=self.inspector)
        self.load_2027()
        finding.refresh_from_db()
        self.assertEqual(finding.correction_due, dt.date(2027, 2, 10))
        self.assertIs(finding.correction_due_provisional, True)

    def test_running_twice_changes_nothing(self) -> None:
        self.deadline()
        self.load_2027()
        self.assertEqual(finding_deadlines_recompute(actor=None), [])
        self.assertEqual(AuditEvent.objects.filter(action="finding.deadline_recompute").count(), 1)
