import json
import os
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase, override_settings

HEADER = "worker,destination,earliest,latest\n"


@override_settings(LANGUAGE_CODE="en")
class PlanBusesCommandTests(SimpleTestCase):
    def write(self, content: bytes) -> Path:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / "requests.csv"
        path.write_bytes(content)
        return path

    def plan(self, content: str, *args: str, **options: Any) -> tuple[str, str]:
        path = self.write(content.encode())
        out, err = StringIO(), StringIO()
        call_command("plan_buses", str(path), *args, stdout=out, stderr=err, **options)
        return out.getvalue(), err.getvalue()

    def test_prints_the_plan_as_json(self) -> None:
        rows = [f"w{n:02d},大连市,2021-02-20,2021-02-21" for n in range(50)]
        rows += ["s1,山东省,2021-02-21,2021-02-21"]
        out, _ = self.plan(HEADER + "\n".join(rows) + "\n", "--seats", "45")
        plan = json.loads(out)
        self.assertIn('"大连市"', out)  # not \u escapes
        self.assertEqual(
            [(bus["date"], bus["destination"], len(bus["workers"])) for bus in plan["buses"]],
            [
                ("2021-02-20", "大连市", 45),
                ("2021-02-20", "大连市", 5),
                ("2021-02-21", "山东省", 1),
            ],
        )
        self.assertEqual(plan["buses"][1]["workers"], ["w45", "w46", "w47", "w48", "w49"])
        self.assertEqual(
            {key: plan[key] for key in plan if key not in {"buses", "seconds"}},
            {
                "optimal": True,
                "bus_count": 3,
                "lower_bound": 3,
                "seats": 45,
                "workers": 51,
                "status": "optimal",
            },
        )
        self.assertIsInstance(plan["seconds"], float)

    def test_reads_a_bom_columns_in_any_order_and_ignores_extra_ones(self) -> None:
        content = (
            "\ufeffLatest,phone,Worker,earliest,destination\n2021-02-21,138,w1,2021-02-20,大连市\n"
        )
        out, _ = self.plan(content, "--seats", "45", "--time-limit", "2")
        self.assertEqual(json.loads(out)["buses"][0]["workers"], ["w1"])

    def test_reads_standard_input_for_a_dash(self) -> None:
        out = StringIO()
        stdin = StringIO(HEADER + "w1,大连市,2021-02-20,2021-02-20\n")
        call_command("plan_buses", "-", "--seats", "45", stdin=stdin, stdout=out)
        self.assertEqual(json.loads(out.getvalue())["bus_count"], 1)

    def test_plans_no_bus_for_a_header_alone(self) -> None:
        out, _ = self.plan(HEADER, "--seats", "45")
        self.assertEqual((json.loads(out)["buses"], json.loads(out)["optimal"]), ([], True))

    def test_names_the_missing_column(self) -> None:
        with self.assertRaisesMessage(CommandError, "latest"):
            self.plan("worker,destination,earliest\nw1,大连市,2021-02-20\n", "--seats", "45")

    def test_refuses_an_empty_file(self) -> None:
        with self.assertRaises(CommandError):
            self.plan("", "--seats", "45")

    def test_reports_every_bad_row_by_line_and_plans_nothing(self) -> None:
        content = HEADER + "\n".join(
            [
                "w1,大连市,2021-02-20,2021-02-20",
                ",大连市,2021-02-20,2021-02-20",
                "w3,大连市,20210220,2021-02-21",
                "w4,大连市,2021-02-22,2021-02-21",
                "",
                "w1,山东省,2021-02-20,2021-02-30",
                "w6,,2021-02-20,2021-02-20",
                "w7,大连市,2021-02-20,2021-02-20",
            ]
        )
        out, err = StringIO(), StringIO()
        path = self.write(content.encode())
        with self.assertRaises(CommandError) as raised:
            call_command("plan_buses", str(path), "--seats", "45", stdout=out, stderr=err)
        self.assertEqual(out.getvalue(), "")
        lines = err.getvalue().splitlines()
        self.assertEqual(
            [line.split(":")[0] for line in lines], [f"line {n}" for n in (3, 4, 5, 7, 8)]
        )
        self.assertIn("no worker", lines[0])
        self.assertIn("earliest", lines[1])
        self.assertIn("latest is before earliest", lines[2])
        self.assertIn("line 2", lines[3])  # the first w1
        self.assertIn("latest", lines[3])  # 2021-02-30
        self.assertIn("no destination", lines[4])
        self.assertIn("5 rows", str(raised.exception))
        self.assertEqual(raised.exception.returncode, 1)

    def test_refuses_a_bus_without_seats(self) -> None:
        with self.assertRaises(CommandError):
            self.plan(HEADER, "--seats", "0")

    def test_refuses_a_time_limit_that_is_not_positive(self) -> None:
        with self.assertRaises(CommandError):
            self.plan(HEADER, "--seats", "45", "--time-limit", "0")

    def test_refuses_a_file_that_is_not_utf8(self) -> None:
        path = self.write((HEADER + "w1,大连市,2021-02-20,2021-02-20\n").encode("gb18030"))
        with self.assertRaises(CommandError):
            call_command("plan_buses", str(path), "--seats", "45")

    def test_refuses_a_missing_file(self) -> None:
        with self.assertRaises(CommandError):
            call_command("plan_buses", "/nonexistent/requests.csv", "--seats", "45")

    def test_runs_as_qingling_plan_buses_and_exits_non_zero_on_a_bad_row(self) -> None:
        run = [sys.executable, "-m", "qingling.cli", "plan-buses", "-", "--seats", "45"]
        environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        good = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            run,
            input=("\ufeff" + HEADER + "w1,大连市,2021-02-20,2021-02-20\n").encode(),
            capture_output=True,
            env=environment,
            check=False,
        )
        self.assertEqual(good.returncode, 0, good.stderr.decode())
        self.assertEqual(json.loads(good.stdout)["buses"][0]["destination"], "大连市")
        bad = subprocess.run(  # noqa: S603
            run,
            input=(HEADER + "w1,大连市,2021-02-21,2021-02-20\n").encode(),
            capture_output=True,
            env=environment,
            check=False,
        )
        self.assertNotEqual(bad.returncode, 0)
        self.assertEqual(bad.stdout, b"")
        self.assertIn("第2行", bad.stderr.decode())  # the command speaks the default language
