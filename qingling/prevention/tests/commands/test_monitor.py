import json
import tempfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings

from qingling.prevention.tests.monitoring.month import MONTH, MonthFiles, march, worker_id
from qingling.prevention.tests.monitoring.test_rules import bad_month

A, B = worker_id(1), worker_id(2)


@override_settings(QINGLING_MINIMUM_MONTHLY_WAGE={"220000": Decimal(2000)})
class MonitorCommandTests(SimpleTestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def monitor(self, folder: Path, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("monitor", str(folder), "--month", MONTH, *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_prints_one_json_object_per_warning_sorted_and_the_bad_rows_on_stderr(self):
        out, err = self.monitor(bad_month(Path(self.tmp.name)).write(), "--json")
        self.assertEqual(
            [json.loads(line) for line in out.splitlines()],
            [
                {
                    "rule": "BELOW_MINIMUM",
                    "level": "red",
                    "project": "P2",
                    "worker": B,
                    "month": MONTH,
                },
                {
                    "rule": "NO_LABOUR_COST",
                    "level": "yellow",
                    "project": "P2",
                    "worker": None,
                    "month": MONTH,
                },
            ],
        )
        lines = err.splitlines()
        self.assertIn("attendance.csv line 43: day: not a date (YYYY-MM-DD)", lines)
        self.assertIn("payroll.csv line 7: via_wage_account: not 1 or 0", lines)
        self.assertEqual(lines[-1], "16 bad rows skipped")
        self.assertNotIn(B[:-1], err)  # a reject never shows the value (an ID number)

    def test_minimum_wage_overrides_the_table(self):
        month = MonthFiles(Path(self.tmp.name))
        month.healthy("P1", A, pay="2500.00")
        folder = month.write()
        self.assertEqual(self.monitor(folder, "--json")[0], "")
        out, _err = self.monitor(folder, "--json", "--minimum-wage", "2500.01")
        self.assertEqual(
            json.loads(out),
            {"rule": "BELOW_MINIMUM", "level": "red", "project": "P1", "worker": A, "month": MONTH},
        )

    def test_without_json_prints_a_summary_table(self):
        month = MonthFiles(Path(self.tmp.name))
        month.project("P1").on_roster("P1", A).present("P1", A, march(3))
        out, err = self.monitor(month.write())
        self.assertIn("Month 2024-03 (deadline 2024-04-30), engine duckdb", out)
        self.assertRegex(out, r"WORKER_UNPAID +red +1 +1")
        self.assertRegex(out, r"NO_LABOUR_COST +yellow +1 +1")
        self.assertRegex(out, r"Total +4")
        self.assertEqual(err.splitlines(), ["0 bad rows skipped"])

    def test_says_which_projects_have_no_known_minimum_wage(self):
        month = MonthFiles(Path(self.tmp.name))
        month.project("P9", "110105").on_roster("P9", A).present("P9", A, march(20))
        _out, err = self.monitor(month.write(), "--json")
        self.assertIn("no minimum wage known for 1 projects (BELOW_MINIMUM not judged): P9", err)

    def test_refuses_a_bad_month_a_missing_folder_and_a_bad_minimum_wage(self):
        folder = MonthFiles(Path(self.tmp.name)).write()
        with self.assertRaisesRegex(CommandError, "not a month"):
            call_command("monitor", str(folder), "--month", "2024-3", stdout=StringIO())
        with self.assertRaisesRegex(CommandError, "No such folder"):
            call_command("monitor", str(folder / "nope"), "--month", MONTH, stdout=StringIO())
        with self.assertRaises(CommandError):
            call_command("monitor", str(folder), "--month", MONTH, "--minimum-wage", "abc")
        (folder / "payroll.csv").unlink()
        with self.assertRaisesRegex(CommandError, "no payroll.csv or payroll.parquet"):
            call_command(
                "monitor", str(folder), "--month", MONTH, stdout=StringIO(), stderr=StringIO()
            )
