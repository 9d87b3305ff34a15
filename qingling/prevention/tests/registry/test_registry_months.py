"""The registry's months through the monitoring rules: an import marks the month, the
worker's job judges it (once per change) and once more after its deadline."""

import datetime as dt

import time_machine
from django.conf import settings
from django.test import override_settings

from qingling.core.models import AuditEvent
from qingling.parties.services import roster_add
from qingling.prevention.jobs import registry_months
from qingling.prevention.models import RegistryMonth, Warning
from qingling.prevention.registry_services import registry_file_import
from qingling.prevention.services import month_folder, registry_folder, registry_months_judge
from qingling.prevention.tests.monitoring.month import MONTH as UPLOADED
from qingling.prevention.tests.monitoring.month import worker_id
from qingling.prevention.tests.registry.world import RegistryWorld, csv_bytes
from qingling.prevention.tests.world import APRIL_10, MonitoringWorld
from qingling.testing import CURRENT_TIME

TODAY = dt.date(2026, 11, 27)
MONTH = "2026-10"  # its deadline is 30 November 2026
ATTENDANCE = "project_code,worker_id,day"
PAYROLL = "project_code,worker_id,wage_month,amount,paid_on,via_wage_account"


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class RegistryMonthTests(RegistryWorld):
    def send(self, kind: str, header: str, *rows: str) -> None:
        """A file through the employer portal: the general contractor's user."""
        result = registry_file_import(
            project=self.project,
            kind=kind,
            content=csv_bytes(header, *rows),
            filename=f"{kind}.csv",
            actor=None,
            organization=self.contractor,
        )
        self.assertEqual(result.failed, 0, result.failures)

    def present(self, worker: int, *days: int) -> None:
        self.send(
            "attendance",
            ATTENDANCE,
            *(f"LY-001,{self.worker_ids[worker]},2026-10-{day:02d}" for day in days),
        )

    def unpaid(self) -> list[tuple[str, str]]:
        return list(
            Warning.objects.filter(rule="WORKER_UNPAID").values_list("project_code", "month")
        )

    def test_attendance_without_pay_raises_worker_unpaid_once_across_two_runs(self) -> None:
        self.present(0, 12, 13, 14)
        self.assertTrue(RegistryMonth.objects.get(month=MONTH).dirty)
        self.assertEqual(registry_months_judge(today=TODAY), [MONTH])
        self.assertEqual(registry_months_judge(today=TODAY), [])  # nothing new arrived
        warning = Warning.objects.get(rule="WORKER_UNPAID")
        self.assertEqual((warning.project, warning.month), (self.project, MONTH))
        assert warning.worker is not None
        self.assertEqual(warning.worker.id_number_digest, self.roster_digest(0))
        self.assertEqual(warning.division_id, self.project.division_id)
        self.assertEqual(warning.evidence["worker"]["days"], 3)
        self.assertFalse(RegistryMonth.objects.get(month=MONTH).dirty)
        self.assertTrue((registry_folder(MONTH) / "attendance.parquet").is_file())
        # more days for the same worker: judged again, still one warning
        self.present(0, 15)
        self.assertEqual(registry_months_judge(today=TODAY), [MONTH])
        self.assertEqual(self.unpaid(), [("LY-001", MONTH)])

    def test_the_worker_runs_the_job(self) -> None:
        self.assertIn("qingling.prevention.jobs.registry_months", settings.QINGLING_WORKER_JOBS)
        self.present(1, 2)
        registry_months()
        registry_months()
        self.assertEqual(self.unpaid(), [("LY-001", MONTH)])

    def test_nothing_when_the_pay_is_there(self) -> None:
        self.present(0, 12, 13, 14)
        self.send("payroll", PAYROLL, f"LY-001,{self.worker_ids[0]},2026-10,3600.00,2026-11-10,1")
        registry_months_judge(today=TODAY)
        self.assertEqual(self.unpaid(), [])
        self.assertFalse(Warning.objects.filter(rule="PROJECT_NO_PAYROLL").exists())

    def test_pay_arriving_later_does_not_withdraw_the_warning(self) -> None:
        self.present(0, 12)
        registry_months_judge(today=TODAY)
        self.send("payroll", PAYROLL, f"LY-001,{self.worker_ids[0]},2026-10,3600.00,2026-11-20,1")
        self.assertEqual(registry_months_judge(today=TODAY), [MONTH])
        self.assertEqual(self.unpaid(), [("LY-001", MONTH)])  # kept, for the county to resolve

    def test_a_months_count_of_days_stands_for_that_many_days(self) -> None:
        self.send(
            "attendance",
            "project_code,worker_id,month,days",
            f"LY-001,{self.worker_ids[1]},{MONTH},22",
        )
        self.send("payroll", PAYROLL, f"LY-001,{self.worker_ids[1]},2026-10,900.00,2026-11-10,1")
        registry_months_judge(today=TODAY)
        below = Warning.objects.get(rule="BELOW_MINIMUM")
        self.assertEqual(below.evidence["worker"]["days"], 22)
        self.assertEqual(below.evidence["worker"]["pay"], "900.00")

    def test_the_month_is_judged_once_more_after_its_deadline(self) -> None:
        self.present(0, 12)
        self.assertEqual(registry_months_judge(today=TODAY), [MONTH])
        self.assertEqual(registry_months_judge(today=dt.date(2026, 11, 30)), [])  # the deadline
        with time_machine.travel(dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC), tick=False):
            self.assertEqual(registry_months_judge(today=dt.date(2026, 12, 1)), [MONTH])
            self.assertEqual(registry_months_judge(today=dt.date(2026, 12, 2)), [])
        self.assertTrue(RegistryMonth.objects.get(month=MONTH).judged_after_deadline)
        runs = AuditEvent.objects.filter(action="monitoring.registry_judged")
        self.assertEqual(runs.count(), 2)
        self.assertEqual(self.unpaid(), [("LY-001", MONTH)])

    def test_a_roster_file_marks_no_month(self) -> None:
        self.send(
            "roster",
            "project_code,worker_id,joined_on,name",
            f"LY-001,{self.worker_ids[2]},2026-10-01,张振华",
        )
        self.assertFalse(RegistryMonth.objects.exists())
        self.assertEqual(registry_months_judge(today=TODAY), [])

    def roster_digest(self, worker: int) -> str:
        from qingling.core.personal_data import blind_index

        return blind_index(self.worker_ids[worker], purpose="id_number")


@time_machine.travel(APRIL_10, tick=False)
@override_settings(LANGUAGE_CODE="en")
class RegistryBesideAnUploadedMonthTests(MonitoringWorld):
    def test_the_registry_month_adds_no_warning_the_upload_raised_and_keeps_its_files(
        self,
    ) -> None:
        self.load()  # the province's March: worker 1 unpaid on P1
        uploaded = (month_folder(UPLOADED) / "attendance.parquet").read_bytes()
        roster_add(
            project=self.p1,
            name="李工",
            id_number=worker_id(1),
            joined_on=dt.date(2024, 1, 1),
            actor=None,
        )
        registry_file_import(
            project=self.p1,
            kind="attendance",
            content=csv_bytes(ATTENDANCE, f"P1,{worker_id(1)},2024-03-04"),
            filename="attendance.csv",
            actor=None,
        )
        self.assertEqual(registry_months_judge(today=dt.date(2024, 4, 10)), [UPLOADED])
        self.assertEqual(Warning.objects.filter(rule="WORKER_UNPAID").count(), 1)
        self.assertEqual((month_folder(UPLOADED) / "attendance.parquet").read_bytes(), uploaded)
        self.assertTrue((registry_folder(UPLOADED) / "attendance.parquet").is_file())
