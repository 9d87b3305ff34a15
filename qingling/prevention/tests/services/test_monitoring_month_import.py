import datetime as dt

import time_machine

from qingling.core.exceptions import Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.core.personal_data import unseal
from qingling.prevention.models import MonitoringMonth, Warning
from qingling.prevention.services import month_folder, months_on_deadline_judge
from qingling.prevention.tests.monitoring.month import MONTH, worker_id
from qingling.prevention.tests.world import APRIL_10, MonitoringWorld


@time_machine.travel(APRIL_10, tick=False)
class MonitoringMonthImportTests(MonitoringWorld):
    def test_records_each_warning_for_the_projects_county(self) -> None:
        outcome = self.load()
        found = set(Warning.objects.values_list("rule", "level", "project_code", "division"))
        self.assertEqual(
            found,
            {
                ("WORKER_UNPAID", "red", "P1", "220402"),
                ("PROJECT_UNPAID_SHARE", "red", "P1", "220402"),
                ("NOT_ON_ROSTER", "yellow", "X1", "220403"),
                ("NO_LABOUR_COST", "yellow", "Q9", "220402"),  # the file's division
            },
        )
        self.assertEqual(outcome.created, 4)  # type: ignore[attr-defined]
        self.assertEqual(self.warning("WORKER_UNPAID", "P1").project, self.p1)
        self.assertIsNone(self.warning("NO_LABOUR_COST", "Q9").project)

    def test_reports_bad_rows_by_file_line_and_reason(self) -> None:
        outcome = self.load()
        self.assertEqual(outcome.failed, 1)  # type: ignore[attr-defined]
        (failure,) = outcome.failures  # type: ignore[attr-defined]
        self.assertEqual((failure.field, failure.line), ("attendance.csv", 87))
        self.assertIn("worker_id", failure.message)
        self.assertEqual(MonitoringMonth.objects.get().rejects[0]["line"], 87)

    def test_a_rerun_adds_nothing_twice(self) -> None:
        self.load()
        again = self.load()
        self.assertEqual((again.created, again.duplicates), (0, 4))  # type: ignore[attr-defined]
        self.assertEqual(Warning.objects.count(), 4)

    def test_matches_the_worker_by_id_number_and_keeps_it_sealed(self) -> None:
        self.load()
        unpaid = self.warning("WORKER_UNPAID", "P1")
        self.assertEqual(unpaid.worker, self.known)
        self.assertEqual(unseal(unpaid.worker_id_sealed, purpose="id_number"), worker_id(1))
        self.assertEqual(unpaid.worker_id_masked[:2], "22")
        self.assertNotIn(worker_id(1), unpaid.worker_id_masked)
        off_roster = self.warning("NOT_ON_ROSTER", "X1")
        self.assertIsNone(off_roster.worker)  # nobody on file with that number
        self.assertNotIn(worker_id(3), str(off_roster.evidence))

    def test_keeps_the_rows_behind_each_warning(self) -> None:
        self.load()
        unpaid = self.warning("WORKER_UNPAID", "P1").evidence
        self.assertEqual(unpaid["worker"]["days"], 5)
        self.assertEqual(unpaid["worker"]["payroll"], [])
        self.assertTrue(unpaid["worker"]["on_roster"])
        self.assertEqual(unpaid["deadline"], "2024-04-30")
        share = self.warning("PROJECT_UNPAID_SHARE", "P1").evidence["project"]
        self.assertEqual((share["workers"], share["unpaid"]), (2, 1))
        off_roster = self.warning("NOT_ON_ROSTER", "X1").evidence["worker"]
        self.assertEqual(off_roster["payroll"][0]["amount"], "3000.00")
        self.assertFalse(off_roster["on_roster"])

    def test_keeps_the_month_as_parquet(self) -> None:
        self.load()
        kept = sorted(path.name for path in month_folder(MONTH).iterdir())
        self.assertEqual(
            kept,
            [
                "attendance.parquet",
                "labour_cost.parquet",
                "payroll.parquet",
                "projects.parquet",
                "roster.parquet",
            ],
        )
        self.assertEqual(MonitoringMonth.objects.get().rows["attendance"], 86)
        self.assertTrue(
            AuditEvent.objects.filter(action="monitoring.received", object_id=MONTH).exists()
            or AuditEvent.objects.filter(action="monitoring.received").exists()
        )

    def test_the_acknowledgement_deadline_is_in_working_days_by_level(self) -> None:
        self.load()
        # Wednesday 10 April 2024: red by the next working day, yellow by three.
        self.assertEqual(self.warning("WORKER_UNPAID", "P1").acknowledge_due, dt.date(2024, 4, 11))
        self.assertEqual(self.warning("NO_LABOUR_COST", "Q9").acknowledge_due, dt.date(2024, 4, 15))

    def test_only_the_citys_inspection_staff_load_a_month(self) -> None:
        for user in (self.inspector, self.intake, self.director, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(Forbidden):
                self.load(actor=user)
        self.assertFalse(Warning.objects.exists())

    def test_refuses_a_file_that_is_not_a_zip(self) -> None:
        from qingling.prevention.services import monitoring_month_import

        with self.assertRaises(InvalidInput):
            monitoring_month_import(content=b"project_code\n", actor=self.chief, month=MONTH)

    def test_refuses_a_month_without_one_of_its_files(self) -> None:
        files = self.files()
        folder = files.write()
        (folder / "labour_cost.csv").unlink()
        import io
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in folder.iterdir():
                archive.write(path, path.name)
        from qingling.prevention.services import monitoring_month_import

        with self.assertRaises(InvalidInput) as raised:
            monitoring_month_import(content=buffer.getvalue(), actor=self.chief, month=MONTH)
        self.assertIn("labour_cost", raised.exception.message)
        self.assertFalse(MonitoringMonth.objects.exists())


class MonthsOnDeadlineTests(MonitoringWorld):
    def test_judges_a_kept_month_again_the_day_after_its_deadline_once(self) -> None:
        with time_machine.travel(APRIL_10, tick=False):
            self.load()
        with time_machine.travel(dt.datetime(2024, 4, 30, 10, tzinfo=dt.UTC), tick=False):
            self.assertEqual(months_on_deadline_judge(today=dt.date(2024, 4, 30)), [])
        with time_machine.travel(dt.datetime(2024, 5, 1, 2, tzinfo=dt.UTC), tick=False):
            self.assertEqual(months_on_deadline_judge(today=dt.date(2024, 5, 1)), [MONTH])
            self.assertEqual(months_on_deadline_judge(today=dt.date(2024, 5, 2)), [])
        self.assertTrue(MonitoringMonth.objects.get().judged_after_deadline)
        self.assertEqual(Warning.objects.count(), 4)
