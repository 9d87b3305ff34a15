import tempfile
from io import StringIO
from pathlib import Path

import time_machine
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import translation

from qingling.core.models import CalendarDay, CalendarYear
from qingling.testing import CURRENT_TIME

SCHEDULE_2027 = "holiday 2027-01-01 元旦\nholiday 2027-02-05..2027-02-11 春节\n"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("workdays", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class WorkdaysCommandTests(TestCase):
    def write_file(self, text: str, *, encoding: str = "utf-8") -> Path:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / "2027.txt"
        path.write_text(text, encoding=encoding)
        return path

    def test_add_prints_the_date(self):
        out, _err = run("add", "2021-02-08", "5")
        self.assertEqual(out, "2021-02-20\n")

    def test_add_into_a_year_without_schedule_prints_provisional(self):
        out, _err = run("add", "2026-12-25", "10")
        self.assertRegex(out, r"^\d{4}-\d{2}-\d{2} provisional\n$")
        self.assertEqual(out, "2027-01-11 provisional\n")  # 元旦 skipped

    def test_add_zero_days_prints_the_start(self):
        out, _err = run("add", "2026-10-01", "0")
        self.assertEqual(out, "2026-10-01\n")

    def test_add_refuses_a_bad_date(self):
        with self.assertRaisesMessage(CommandError, "'2021-02-30' is not a date YYYY-MM-DD"):
            run("add", "2021-02-30", "5")

    def test_add_refuses_negative_days(self):
        with self.assertRaisesMessage(CommandError, "must not be negative"):
            run("add", "2021-02-08", "-1")

    def test_add_refuses_a_non_number(self):
        with self.assertRaises(CommandError):
            run("add", "2021-02-08", "five")

    def test_status_lists_the_loaded_years(self):
        out, _err = run("status")
        years = [line.split("\t")[0] for line in out.splitlines()]
        self.assertIn("2021", years)
        self.assertIn("2026", years)
        line_2021 = next(line for line in out.splitlines() if line.startswith("2021\t"))
        count = CalendarDay.objects.filter(year_id=2021).count()
        self.assertEqual(line_2021, f"2021\t{count}\tchinesecalendar")

    def test_status_warns_about_next_year(self):
        with time_machine.travel(CURRENT_TIME, tick=False):
            _out, err = run("status")
        self.assertIn("no schedule for 2027", err)

    def test_status_is_quiet_when_next_year_is_loaded(self):
        with time_machine.travel("2025-06-01 10:00 +0800", tick=False):
            _out, err = run("status")
        self.assertEqual(err, "")

    def test_import_loads_the_file(self):
        path = self.write_file(SCHEDULE_2027)
        out, _err = run("import", str(path), "--year", "2027", "--source", "国办发明电")
        self.assertEqual(out, "loaded 2027: 8 dates\n")
        year = CalendarYear.objects.get(year=2027)
        self.assertEqual(year.source, "国办发明电")
        self.assertEqual(year.days.count(), 8)
        out, _err = run("add", "2026-12-31", "1")
        self.assertEqual(out, "2027-01-04\n")

    def test_import_accepts_a_byte_order_mark(self):
        path = self.write_file(SCHEDULE_2027, encoding="utf-8-sig")
        out, _err = run("import", str(path), "--year", "2027")
        self.assertEqual(out, "loaded 2027: 8 dates\n")

    def test_import_refuses_a_bad_file(self):
        path = self.write_file("holiday 2027-01-01\nworkday 2027-01-04\n")
        with translation.override("en"), self.assertRaisesMessage(CommandError, "Line 2"):
            run("import", str(path), "--year", "2027")
        self.assertIs(CalendarYear.objects.filter(year=2027).exists(), False)

    def test_import_refuses_a_missing_file(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        with self.assertRaisesMessage(CommandError, "cannot read"):
            run("import", str(Path(folder.name) / "missing.txt"), "--year", "2027")

    def test_import_refuses_a_file_that_is_not_utf8(self):
        path = self.write_file(SCHEDULE_2027, encoding="gb18030")
        with self.assertRaisesMessage(CommandError, "cannot read"):
            run("import", str(path), "--year", "2027")

    def test_import_requires_the_year(self):
        path = self.write_file(SCHEDULE_2027)
        with self.assertRaises(CommandError):
            run("import", str(path))

    def test_sync_loads_the_missing_package_years(self):
        CalendarYear.objects.filter(year=2021).delete()
        out, _err = run("sync")
        self.assertEqual(out, "loaded 1 year(s): 2021\n")
        out, _err = run("sync")
        self.assertEqual(out, "loaded 0 year(s): \n")
