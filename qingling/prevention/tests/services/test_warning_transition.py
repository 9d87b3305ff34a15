import datetime as dt

import time_machine

from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.inspections.models import Inspection
from qingling.inspections.services import inspection_plan
from qingling.intake.models import Channel
from qingling.prevention import jobs
from qingling.prevention.lifecycle import DispatchTarget, WarningStatus
from qingling.prevention.models import Warning
from qingling.prevention.services import (
    TransitionNotAllowed,
    warning_acknowledge,
    warning_dismiss,
    warning_dispatch,
    warning_overdue_scan,
    warning_resolve,
)
from qingling.prevention.tests.world import APRIL_10, MonitoringWorld
from qingling.testing import make_organization


@time_machine.travel(APRIL_10, tick=False)
class WarningTransitionTests(MonitoringWorld):
    def setUp(self) -> None:
        super().setUp()
        self.load()
        self.unpaid = self.warning("WORKER_UNPAID", "P1")

    def test_acknowledge_dispatch_to_a_new_inspection_and_resolve(self) -> None:
        warning_acknowledge(warning=self.unpaid, actor=self.inspector)
        warning_dispatch(
            warning=self.unpaid,
            to=DispatchTarget.INSPECTION,
            inspectors=[self.inspector, self.inspector2],
            planned_on=dt.date(2024, 4, 12),
            actor=self.inspector,
        )
        self.assertEqual(self.unpaid.status, WarningStatus.DISPATCHED)
        inspection = self.unpaid.inspection
        assert inspection is not None
        self.assertEqual(
            (inspection.project, inspection.planned_on), (self.p1, dt.date(2024, 4, 12))
        )
        warning_resolve(warning=self.unpaid, note="工资已补发", actor=self.inspector)
        self.assertEqual(self.unpaid.status, WarningStatus.RESOLVED)
        actions = set(
            AuditEvent.objects.filter(
                object_type="prevention.warning", object_id=str(self.unpaid.pk)
            ).values_list("action", flat=True)
        )
        self.assertEqual(
            actions, {"warning.acknowledged", "warning.dispatched", "warning.resolved"}
        )

    def test_dispatches_to_an_inspection_the_project_already_has(self) -> None:
        planned = inspection_plan(
            project=self.p1,
            inspectors=[self.inspector, self.inspector2],
            planned_on=dt.date(2024, 4, 20),
            actor=self.inspector,
        )
        warning_acknowledge(warning=self.unpaid, actor=self.inspector)
        warning_dispatch(
            warning=self.unpaid, to="inspection", inspection=planned, actor=self.inspector
        )
        self.assertEqual(self.unpaid.inspection, planned)
        self.assertEqual(Inspection.objects.count(), 1)

    def test_refuses_another_projects_inspection(self) -> None:
        other = inspection_plan(
            project=self.p2,
            inspectors=[self.inspector, self.inspector2],
            planned_on=dt.date(2024, 4, 20),
            actor=self.inspector,
        )
        warning_acknowledge(warning=self.unpaid, actor=self.inspector)
        with self.assertRaises(InvalidInput):
            warning_dispatch(
                warning=self.unpaid, to="inspection", inspection=other, actor=self.inspector
            )
        self.assertEqual(Warning.objects.get(pk=self.unpaid.pk).status, WarningStatus.ACKNOWLEDGED)

    def test_dispatch_to_a_complaint_registers_one_of_channel_monitoring(self) -> None:
        warning_acknowledge(warning=self.unpaid, actor=self.inspector)
        warning_dispatch(warning=self.unpaid, to="complaint", actor=self.inspector)
        complaint = self.unpaid.complaint
        assert complaint is not None
        self.assertEqual((complaint.channel, complaint.division_id), (Channel.MONITORING, "220402"))
        self.assertIn("福民小区", complaint.narrative)

    def test_only_a_chief_dispatches_to_a_case(self) -> None:
        respondent = make_organization(self.rng, division=self.longshan)
        warning_acknowledge(warning=self.unpaid, actor=self.inspector)
        with self.assertRaises(Forbidden):
            warning_dispatch(
                warning=self.unpaid, to="case", respondent=respondent, actor=self.inspector
            )
        warning_dispatch(
            warning=self.unpaid,
            to="case",
            respondent=respondent,
            lead=self.inspector,
            co_inspectors=[self.inspector2],
            actor=self.chief,
        )
        case = self.unpaid.case
        assert case is not None
        self.assertEqual((case.respondent, case.project), (respondent, self.p1))
        self.assertEqual(self.unpaid.dispatched_to, DispatchTarget.CASE)

    def test_is_not_dispatched_before_it_is_acknowledged(self) -> None:
        with self.assertRaises(TransitionNotAllowed):
            warning_dispatch(warning=self.unpaid, to="complaint", actor=self.inspector)

    def test_a_dismissal_needs_its_reason(self) -> None:
        with self.assertRaises(InvalidInput):
            warning_dismiss(warning=self.unpaid, reason=" ", actor=self.inspector)
        warning_dismiss(warning=self.unpaid, reason="考勤数据重复上报", actor=self.inspector)
        self.assertEqual((self.unpaid.status, self.unpaid.note), ("dismissed", "考勤数据重复上报"))

    def test_another_countys_staff_and_the_outsider_may_not_act(self) -> None:
        for user in (self.xian, self.outsider, self.intake):
            with self.subTest(user=user.username), self.assertRaises(Forbidden):
                warning_acknowledge(warning=self.unpaid, actor=user)
        warning_acknowledge(warning=self.warning("NOT_ON_ROSTER", "X1"), actor=self.xian)

    def test_a_stale_copy_conflicts(self) -> None:
        stale = Warning.objects.get(pk=self.unpaid.pk)
        warning_acknowledge(warning=self.unpaid, actor=self.inspector)
        with self.assertRaises(Conflict):
            warning_dismiss(warning=stale, reason="重复", actor=self.inspector2)


class WarningOverdueTests(MonitoringWorld):
    def test_flags_a_warning_not_acknowledged_by_its_deadline_once(self) -> None:
        with time_machine.travel(APRIL_10, tick=False):
            self.load()
            warning_acknowledge(
                warning=self.warning("PROJECT_UNPAID_SHARE", "P1"), actor=self.chief
            )
        # Friday 12 April: the red warnings were due on the 11th, the yellow on the 15th.
        with time_machine.travel(dt.datetime(2024, 4, 12, 2, tzinfo=dt.UTC), tick=False):
            flagged = warning_overdue_scan(today=dt.date(2024, 4, 12))
            self.assertEqual([w.rule for w in flagged], ["WORKER_UNPAID"])
            jobs.warnings_overdue()
            self.assertEqual(warning_overdue_scan(today=dt.date(2024, 4, 12)), [])
        self.assertEqual(AuditEvent.objects.filter(action="warning.overdue").count(), 1)
