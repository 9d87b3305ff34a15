"""The same rules on Spark give exactly DuckDB's warnings and rejects.

Spark takes seconds to start, so the module shares one local[2] session. Without Java
the tests are skipped on a developer's machine and fail under CI=true.
"""

import tempfile
from pathlib import Path
from typing import Any, ClassVar

from django.test import SimpleTestCase

from qingling.prevention.monitoring import Result, run
from qingling.prevention.monitoring.engines import SparkEngine, spark_or_skip, to_spark
from qingling.prevention.monitoring.rules import MonthWindow, program
from qingling.prevention.tests.monitoring.month import MONTH, MonthFiles, march, worker_id
from qingling.prevention.tests.monitoring.test_rules import (
    BAD_MONTH_WARNINGS,
    BAD_ROWS,
    THRESHOLDS,
    bad_month,
    judge,
    parquet_pair,
)


def busy_month(folder: Path) -> MonthFiles:
    """Every rule fires at least once, with bad rows among the good ones."""
    month = bad_month(folder)
    month.healthy("P5", worker_id(7))
    month.project("P6").labour_cost("P6", transferred_on="2024-05-01")
    for n in range(12):
        worker = worker_id(20 + n)
        month.on_roster("P6", worker, left="2024-02-01" if n == 3 else "")
        month.present("P6", worker, march(19 + n % 3) * 2)
        if n:
            month.paid("P6", worker, ("1500.00", "60000.00", "2999.99")[n % 3], via="0")
    month.paid("P6", worker_id(20), "800.00", paid_on="2024-05-01")
    month.paid("P6", worker_id(21), "-1500.00", via="0")
    return month


class SparkEngineTests(SimpleTestCase):
    session: ClassVar[Any]
    _spark: ClassVar[Any]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls._spark = spark_or_skip("local[2]")
        cls.session = cls._spark.__enter__()

    @classmethod
    def tearDownClass(cls) -> None:
        cls._spark.__exit__(None, None, None)
        super().tearDownClass()

    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def on_spark(self, folder: Path) -> Result:
        engine = SparkEngine(session=self.session)
        try:
            return run(folder, MonthWindow.parse(MONTH), THRESHOLDS, engine)
        finally:
            engine.close()

    def test_gives_the_hand_written_warnings_and_bad_rows(self):
        result = self.on_spark(bad_month(Path(self.tmp.name)).write())
        self.assertEqual(result.rejects, BAD_ROWS)
        self.assertEqual(
            [(w.rule, w.level, w.project, w.worker) for w in result.warnings], BAD_MONTH_WARNINGS
        )

    def test_reads_dates_held_as_dates_as_duckdb_does(self):
        _text, typed = parquet_pair(busy_month(Path(self.tmp.name) / "csv").write())
        on_duckdb, on_spark = judge(typed), self.on_spark(typed)
        self.assertTrue(on_duckdb.warnings)
        self.assertEqual(on_spark.warnings, on_duckdb.warnings)
        self.assertEqual(on_spark.rejects, on_duckdb.rejects)

    def test_gives_duckdb_s_warnings_and_rejects_row_for_row(self):
        folder = busy_month(Path(self.tmp.name)).write()
        on_duckdb, on_spark = judge(folder), self.on_spark(folder)
        self.assertEqual(
            {w.rule for w in on_duckdb.warnings},
            {
                "BELOW_MINIMUM",
                "EXCESSIVE_PAY",
                "NOT_ON_ROSTER",
                "NO_LABOUR_COST",
                "PROJECT_NO_PAYROLL",
                "PROJECT_UNPAID_SHARE",
                "WORKER_UNPAID",
            },
        )
        self.assertEqual(on_spark.warnings, on_duckdb.warnings)
        self.assertEqual(on_spark.rejects, on_duckdb.rejects)
        self.assertEqual(on_spark.unpriced_projects, on_duckdb.unpriced_projects)


class TranspileTests(SimpleTestCase):
    def test_every_statement_transpiles_to_spark_sql(self):
        for step in program(MonthWindow.parse(MONTH), THRESHOLDS):
            with self.subTest(step=step.name):
                self.assertTrue(to_spark(step.sql).startswith("SELECT"))
