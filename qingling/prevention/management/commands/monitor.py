"""qingling monitor DIR --month YYYY-MM: red and yellow warnings from one month's files.

The folder holds projects, roster, attendance, payroll and labour_cost as CSV or
Parquet (docs/monitoring.md). Warnings go to standard output (``--json``: one JSON
object a line; otherwise a summary table), the rows skipped to standard error with
their file, line and reason, then their count. The rules and the checks are
`qingling.prevention.monitoring.rules`, the same on DuckDB and on Spark.
"""

import json
import time
from argparse import ArgumentParser
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.prevention.monitoring import Result, run
from qingling.prevention.monitoring.engines import (
    DuckDBEngine,
    Engine,
    InputError,
    JavaMissing,
    SparkEngine,
)
from qingling.prevention.monitoring.rules import RULES, MonthWindow
from qingling.prevention.services import thresholds_from_settings


def _yuan(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"--minimum-wage {text!r} is not an amount in yuan") from None
    if not value.is_finite() or value <= 0:
        raise CommandError(f"--minimum-wage {text!r} is not an amount in yuan")
    return value


class Command(BaseCommand):
    help = (
        "Judge one month's projects, roster, attendance, payroll and labour_cost files "
        "(CSV or Parquet) by the monitoring rules and print the red and yellow warnings."
    )

    requires_system_checks = ()  # reads files, not the database

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        parser.add_argument(
            "--minimum-wage",
            type=_yuan,
            default=None,
            help="yuan; replaces the per-county table (QINGLING_MINIMUM_MONTHLY_WAGE)",
        )
        parser.add_argument(
            "--spark-master", default="local[*]", help="Spark master URL (--engine spark)"
        )
        parser.add_argument(
            "--json", action="store_true", help="one JSON object per warning on stdout"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        if not folder.is_dir():
            raise CommandError(f"No such folder: {folder}")
        try:
            month = MonthWindow.parse(options["month"])
        except ValueError as error:
            raise CommandError(f"--month: {error}") from None
        thresholds = thresholds_from_settings(options["minimum_wage"])
        started = time.monotonic()
        engine: Engine
        try:
            if options["engine"] == "spark":
                engine = SparkEngine(master=options["spark_master"])
            else:
                engine = DuckDBEngine()
        except (JavaMissing, ImportError) as error:
            raise CommandError(f"--engine spark: {error}") from None
        try:
            result = run(folder, month, thresholds, engine)
        except InputError as error:
            raise CommandError(str(error)) from None
        finally:
            engine.close()
        self._report_rejects(result)
        if options["json"]:
            for warning in result.warnings:
                self.stdout.write(json.dumps(warning.as_json(), ensure_ascii=False))
        else:
            self._summary(result, month, options["engine"], time.monotonic() - started)

    def _report_rejects(self, result: Result) -> None:
        for reject in result.rejects:
            where = "row" if reject.file.endswith(".parquet") else "line"
            self.stderr.write(f"{reject.file} {where} {reject.line}: {reject.reason}")
        self.stderr.write(f"{len(result.rejects)} bad rows skipped")
        if result.unpriced_projects:
            self.stderr.write(
                f"no minimum wage known for {len(result.unpriced_projects)} projects "
                f"(BELOW_MINIMUM not judged): {', '.join(result.unpriced_projects[:10])}"
                + (" …" if len(result.unpriced_projects) > 10 else "")
            )

    def _summary(self, result: Result, month: MonthWindow, engine: str, seconds: float) -> None:
        counts = Counter((w.rule, w.level) for w in result.warnings)
        projects: dict[tuple[str, str], set[str]] = {}
        for warning in result.warnings:
            projects.setdefault((warning.rule, warning.level), set()).add(warning.project)
        self.stdout.write(
            f"Month {month.month} (deadline {month.deadline.isoformat()}), engine {engine}, "
            f"{seconds:.1f} s"
        )
        self.stdout.write(f"{'Rule':<22} {'Level':<7} {'Warnings':>9} {'Projects':>9}")
        for rule in RULES:
            for level in ("red", "yellow"):
                if (rule, level) in counts:
                    self.stdout.write(
                        f"{rule:<22} {level:<7} {counts[rule, level]:>9} "
                        f"{len(projects[rule, level]):>9}"
                    )
        self.stdout.write(f"{'Total':<30} {len(result.warnings):>9}")
