import io
import json

import time_machine
from django.core.management import CommandError, call_command

from qingling.reports.statistics import METRICS
from qingling.reports.tests.statistics_world import NOW, StatisticsWorld, local


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


@time_machine.travel(local(NOW), tick=False)
class StatsCommandTests(StatisticsWorld):
    def test_prints_every_key_with_its_value_as_json(self) -> None:
        figures = json.loads(run("--from", "2026-03-02", "--to", "2026-03-31", "--json"))
        self.assertEqual(list(figures), list(METRICS))
        for key, expected in self.EXPECTED.items():
            with self.subTest(key):
                self.assertEqual(figures[key], expected)
        self.assertIsInstance(figures["amount_recovered"], str)

    def test_prints_a_readable_table(self) -> None:
        table = run("--from", "2026-03-02", "--to", "2026-03-31")
        lines = table.splitlines()
        self.assertEqual(lines[0], "2026-03-02 – 2026-03-31")
        self.assertTrue(any(line.rstrip().endswith("23500.00") for line in lines))
        self.assertTrue(
            any(line.startswith("  ") and line.rstrip().endswith(" 3") for line in lines)
        )
        figures = json.loads(run("--from", "2026-03-02", "--to", "2026-03-31", "--json"))
        # an object's parts one a line each; its "total" is the figure's own line
        sub_lines = sum(
            len([sub for sub in value if sub != "total"])
            for value in figures.values()
            if isinstance(value, dict)
        )
        self.assertEqual(len(lines), 2 + len(METRICS) + sub_lines)
        postings = figures["postings_collected"]
        label = str(METRICS["postings_collected"].label)
        line = next(line for line in lines if line.startswith(label))
        self.assertEqual(line.split()[-1], str(postings["total"]))

    def test_refuses_bad_dates_naming_the_option(self) -> None:
        for args, option in (
            (("--from", "2026-02-30", "--to", "2026-03-31"), "--from"),
            (("--from", "2026-03-02", "--to", "31/03/2026"), "--to"),
            (("--from", "2026-04-01", "--to", "2026-03-31"), "--to"),
        ):
            with self.subTest(args), self.assertRaisesMessage(CommandError, option):
                run(*args, "--json")

    def test_needs_both_dates(self) -> None:
        with self.assertRaises(CommandError):
            run("--from", "2026-03-02")
