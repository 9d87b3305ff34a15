import datetime as dt

from qingling.core.models import AuditEvent, CalendarDay, CalendarYear
from qingling.core.services import calendar_year_import
from qingling.intake import jobs
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.models import Channel, Complaint
from qingling.intake.services import (
    complaint_deadlines_recompute,
    complaint_refer,
    complaint_register,
)
from qingling.testing import BaseTestCase

# Wednesday 3 February 2027, 10:00 in Liaoyuan; 2027 has no published schedule yet.
RECEIVED = dt.datetime(2027, 2, 3, 2, tzinfo=dt.UTC)
SCHEDULE_2027 = """\
holiday 2027-01-01..2027-01-03 元旦
holiday 2027-02-05..2027-02-11 春节
workday 2027-02-14 春节调休
"""


class ComplaintDeadlinesRecomputeTests(BaseTestCase):
    def register(self) -> Complaint:
        return complaint_register(
            draft=ComplaintDraft(
                name="王建国",
                phone="13843712345",
                employer_name="辽源市鑫盛建筑工程有限公司",
                narrative="公司拖欠其与工友共15人工资约12万元。",
            ),
            channel=Channel.WALK_IN,
            actor=self.intake,
            received_at=RECEIVED,
        ).complaint

    def test_stores_the_day_the_deadline_counts_from(self) -> None:
        complaint = self.register()
        self.assertEqual(complaint.acceptance_due_from, dt.date(2027, 2, 3))
        # Thu 4, Fri 5, Mon 8 – Wed 10 on weekends only.
        self.assertEqual(complaint.acceptance_due, dt.date(2027, 2, 10))
        self.assertIs(complaint.acceptance_due_provisional, True)

    def test_loading_the_schedule_moves_an_open_deadline_and_audits_it_once(self) -> None:
        complaint = self.register()
        calendar_year_import(year=2027, text=SCHEDULE_2027, source="", actor=self.admin)
        complaint.refresh_from_db()
        # Thu 4, Fri 12, Sun 14 (调休), Mon 15, Tue 16: the festival Feb 5–11 is skipped.
        self.assertEqual(complaint.acceptance_due, dt.date(2027, 2, 16))
        self.assertIs(complaint.acceptance_due_provisional, False)
        event = AuditEvent.objects.get(
            action="complaint.deadline_recompute", object_id=complaint.pk
        )
        self.assertEqual(event.actor, self.admin)
        self.assertEqual(
            (event.before, event.after),
            (
                {"acceptance_due": "2027-02-10", "acceptance_due_provisional": True},
                {"acceptance_due": "2027-02-16", "acceptance_due_provisional": False},
            ),
        )

    def test_a_decided_complaint_is_left_alone(self) -> None:
        complaint = complaint_refer(
            complaint=self.register(), referred_to="市住建局", actor=self.intake
        )
        calendar_year_import(year=2027, text=SCHEDULE_2027, source="", actor=None)
        complaint.refresh_from_db()
        self.assertEqual(complaint.acceptance_due, dt.date(2027, 2, 10))
        self.assertIs(complaint.acceptance_due_provisional, True)
        self.assertFalse(AuditEvent.objects.filter(action="complaint.deadline_recompute"))

    def test_running_twice_changes_nothing(self) -> None:
        self.register()
        calendar_year_import(year=2027, text=SCHEDULE_2027, source="", actor=None)
        self.assertEqual(complaint_deadlines_recompute(actor=None), [])
        self.assertEqual(
            AuditEvent.objects.filter(action="complaint.deadline_recompute").count(), 1
        )

    def test_an_answer_that_is_unchanged_writes_nothing(self) -> None:
        self.register()
        self.assertEqual(complaint_deadlines_recompute(actor=None), [])
        self.assertFalse(AuditEvent.objects.filter(action="complaint.deadline_recompute"))

    def test_the_worker_job_picks_up_a_schedule_loaded_another_way(self) -> None:
        complaint = self.register()
        year = CalendarYear.objects.create(year=2027, source="SQL")  # no service, no recompute
        CalendarDay.objects.create(date=dt.date(2027, 2, 8), kind="holiday", year=year)
        jobs.deadlines_recompute()
        complaint.refresh_from_db()
        self.assertEqual(complaint.acceptance_due, dt.date(2027, 2, 11))
        self.assertIs(complaint.acceptance_due_provisional, False)
        event = AuditEvent.objects.get(action="complaint.deadline_recompute")
        self.assertIsNone(event.actor)

    def test_a_complaint_without_a_stored_start_is_left_alone(self) -> None:
        complaint = self.register()
        Complaint.objects.filter(pk=complaint.pk).update(acceptance_due_from=None)
        calendar_year_import(year=2027, text=SCHEDULE_2027, source="", actor=None)
        complaint.refresh_from_db()
        self.assertIs(complaint.acceptance_due_provisional, True)
