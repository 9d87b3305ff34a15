"""The monitoring rules on DuckDB, one edge at a time; every expected list written by hand.

Month 2024-03, deadline 2024-04-30, minimum monthly wage 2,000 yuan everywhere in Jilin.
"""

import tempfile
from decimal import Decimal
from pathlib import Path

import duckdb
from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from qingling.prevention.monitoring import Reject, Result, run
from qingling.prevention.monitoring.engines import DuckDBEngine, InputError
from qingling.prevention.monitoring.rules import (
    TABLES,
    MonthWindow,
    Thresholds,
    id_number_valid,
)
from qingling.prevention.tests.monitoring.month import MONTH, MonthFiles, march, worker_id

THRESHOLDS = Thresholds(minimum_wage={"220000": Decimal(2000)})
A, B, C, D, E = (worker_id(n) for n in range(1, 6))


def judge(folder: Path, thresholds: Thresholds = THRESHOLDS) -> Result:
    engine = DuckDBEngine(threads=2)
    try:
        return run(folder, MonthWindow.parse(MONTH), thresholds, engine)
    finally:
        engine.close()


class MonthFolderTestCase(SimpleTestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.month = MonthFiles(Path(self.tmp.name) / "month")

    def warnings(
        self, thresholds: Thresholds = THRESHOLDS
    ) -> list[tuple[str, str, str, str | None]]:
        result = judge(self.month.write(), thresholds)
        self.assertEqual(result.rejects, [])
        return [(w.rule, w.level, w.project, w.worker) for w in result.warnings]


class MonthWindowTests(SimpleTestCase):
    def test_the_deadline_is_the_last_day_of_the_next_month(self):
        window = MonthWindow.parse("2024-01")
        self.assertEqual(
            (window.first.isoformat(), window.last.isoformat(), window.deadline.isoformat()),
            ("2024-01-01", "2024-01-31", "2024-02-29"),
        )
        self.assertEqual(MonthWindow.parse("2023-12").deadline.isoformat(), "2024-01-31")

    def test_refuses_a_month_that_is_not_yyyy_mm(self):
        for text in ("2024-3", "2024-13", "March", "2024-03-01"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                MonthWindow.parse(text)


class MonitoringRulesTests(MonthFolderTestCase):
    def test_a_project_in_order_has_no_warning(self):
        self.month.healthy("P1", A)
        self.assertEqual(self.warnings(), [])

    def test_pay_on_the_deadline_counts_and_a_day_later_does_not(self):
        self.month.project("P1").labour_cost("P1")
        for worker, paid_on in ((A, "2024-04-30"), (B, "2024-05-01")):
            self.month.on_roster("P1", worker).present("P1", worker, march(20))
            self.month.paid("P1", worker, "3000.00", paid_on=paid_on)
        self.assertEqual(
            self.warnings(),
            [
                ("PROJECT_UNPAID_SHARE", "red", "P1", None),
                ("WORKER_UNPAID", "red", "P1", B),
            ],
        )

    def test_a_reversal_that_brings_pay_to_zero_is_unpaid(self):
        self.month.healthy("P1", A)
        self.month.paid("P1", A, "-3000.00", paid_on="2024-04-20")
        self.assertEqual(
            self.warnings(),
            [
                ("PROJECT_UNPAID_SHARE", "red", "P1", None),
                ("WORKER_UNPAID", "red", "P1", A),
            ],
        )

    def test_a_worker_on_two_projects_is_judged_on_each(self):
        self.month.healthy("P1", A)
        self.month.project("P2").on_roster("P2", A).labour_cost("P2")
        self.month.present("P2", A, march(5, first=21))
        self.assertEqual(
            self.warnings(),
            [
                ("PROJECT_NO_PAYROLL", "red", "P2", None),
                ("PROJECT_UNPAID_SHARE", "red", "P2", None),
                ("WORKER_UNPAID", "red", "P2", A),
            ],
        )

    def test_a_roster_row_covers_the_month_only_when_it_overlaps_it(self):
        self.month.project("P1").labour_cost("P1")
        rows = {
            A: ("2023-06-01", "2024-02-29"),  # left before March
            B: ("2024-04-01", ""),  # joined after March
            C: ("2023-06-01", "2024-03-01"),  # left on March's first day
            D: ("2024-03-31", ""),  # joined on March's last day
        }
        for worker, (joined, left) in rows.items():
            self.month.on_roster("P1", worker, joined, left).present("P1", worker, march(20))
            self.month.paid("P1", worker, "3000.00")
        # Any payroll row for March, even one that does not count, needs a roster row.
        self.month.paid("P1", E, "3000.00", paid_on="2024-05-02")
        self.assertEqual(
            self.warnings(),
            [
                ("NOT_ON_ROSTER", "yellow", "P1", A),
                ("NOT_ON_ROSTER", "yellow", "P1", B),
                ("NOT_ON_ROSTER", "yellow", "P1", E),
            ],
        )

    def test_attendance_days_are_distinct_days_of_the_month(self):
        self.month.project("P1").labour_cost("P1")
        for worker in (A, B, C):
            self.month.on_roster("P1", worker)
        # A: 19 days, each twice, and 2 days of April: 19 days in March, not judged.
        self.month.present("P1", A, march(19) * 2 + ["2024-04-01", "2024-04-02"])
        self.month.paid("P1", A, "1000.00")
        self.month.present("P1", B, march(20)).paid("P1", B, "1000.00")
        self.month.present("P1", C, march(20)).paid("P1", C, "2000.00")  # the minimum itself
        self.assertEqual(self.warnings(), [("BELOW_MINIMUM", "red", "P1", B)])

    def test_the_minimum_wage_is_the_county_s_else_the_city_s_else_the_province_s(self):
        for project, division in (("P1", "220402"), ("P2", "220421"), ("P3", "220502")):
            self.month.project(project, division).labour_cost(project)
            self.month.on_roster(project, A).present(project, A, march(20))
            self.month.paid(project, A, "2050.00")
        table = {"220402": Decimal(2100), "220400": Decimal(2060), "220000": Decimal(2000)}
        self.assertEqual(
            self.warnings(Thresholds(minimum_wage=table)),
            [("BELOW_MINIMUM", "red", "P1", A), ("BELOW_MINIMUM", "red", "P2", A)],
        )
        self.assertEqual(
            self.warnings(Thresholds(minimum_wage=table, minimum_wage_override=Decimal("2050.01"))),
            [("BELOW_MINIMUM", "red", project, A) for project in ("P1", "P2", "P3")],
        )

    def test_the_share_of_unpaid_workers_is_red_from_ten_percent(self):
        for project, workers in (("P1", 10), ("P2", 11)):
            self.month.project(project).labour_cost(project)
            for n in range(workers):
                worker = worker_id(100 + n)
                self.month.on_roster(project, worker).present(project, worker, march(20))
                if n > 0:
                    self.month.paid(project, worker, "3000.00")
        self.assertEqual(
            self.warnings(),
            [
                ("PROJECT_UNPAID_SHARE", "red", "P1", None),  # 1 of 10
                ("PROJECT_UNPAID_SHARE", "yellow", "P2", None),  # 1 of 11
                ("WORKER_UNPAID", "red", "P1", worker_id(100)),
                ("WORKER_UNPAID", "red", "P2", worker_id(100)),
            ],
        )

    def test_pay_above_fifty_thousand_counted_by_the_deadline_is_excessive(self):
        self.month.project("P1").labour_cost("P1")
        for worker in (A, B, C):
            self.month.on_roster("P1", worker).present("P1", worker, march(20))
        self.month.paid("P1", A, "50000.00")
        self.month.paid("P1", B, "50000.01")
        self.month.paid("P1", C, "40000.00").paid("P1", C, "20000.00", paid_on="2024-05-01")
        self.assertEqual(self.warnings(), [("EXCESSIVE_PAY", "red", "P1", B)])

    def test_a_labour_cost_transferred_after_the_deadline_is_missing(self):
        for project in ("P1", "P2", "P3"):
            self.month.project(project).on_roster(project, A).present(project, A, march(20))
            self.month.paid(project, A, "3000.00")
        self.month.labour_cost("P1", transferred_on="2024-05-01")
        self.month.labour_cost("P2", transferred_on="2024-04-30")
        self.month.labour_cost("P3", month="2024-02")
        self.assertEqual(
            self.warnings(),
            [("NO_LABOUR_COST", "yellow", "P1", None), ("NO_LABOUR_COST", "yellow", "P3", None)],
        )

    def test_a_project_without_a_counted_payment_through_the_wage_account_has_no_payroll(self):
        for project in ("P1", "P2", "P3"):
            self.month.project(project).labour_cost(project)
            self.month.on_roster(project, A).present(project, A, march(20))
        self.month.paid("P1", A, "3000.00", via="0")
        self.month.paid("P2", A, "3000.00", via="0")
        self.month.paid("P2", A, "1.00", via="1", paid_on="2024-05-01")
        self.month.paid("P3", A, "3000.00", via="1", wage_month="2024-02")
        self.month.paid("P3", A, "3000.00", via="0")
        self.assertEqual(
            self.warnings(),
            [
                ("PROJECT_NO_PAYROLL", "red", "P1", None),
                ("PROJECT_NO_PAYROLL", "red", "P2", None),
                ("PROJECT_NO_PAYROLL", "red", "P3", None),
            ],
        )

    def test_a_project_without_attendance_in_the_month_gets_no_project_warning(self):
        self.month.project("P1").on_roster("P1", A).present("P1", A, ["2024-02-28"])
        self.assertEqual(self.warnings(), [])


def bad_month(folder: Path) -> MonthFiles:
    """One bad row of each kind among good rows (the line numbers are in the comments)."""
    month = MonthFiles(folder)
    month.healthy("P1", A)  # projects line 2, roster 2, attendance 2-21, payroll 2, labour_cost 2
    month.project("P2")  # projects line 3
    month.add("projects", "P2", "again", "220402", "", "", "2023-01-01", "")  # 4: duplicate
    month.add("projects", "P3", "bad", "2204", "", "", "2023-01-01", "")  # 5: division
    month.add("projects", "P4", "bad", "220402", "", "", "2023-13-01", "")  # 6: start_date
    month.on_roster("P2", B)  # roster 3
    month.on_roster("P2", C, left="soon")  # roster 4: left_on
    month.present("P2", B, march(20))  # attendance 22-41
    month.present("P2", B[:-1] + ("0" if B[-1] != "0" else "1"), ["2024-03-05"])  # 42: check digit
    month.present("P2", B, ["2024-02-30"])  # 43: not a date
    month.present("PX", B, ["2024-03-05"])  # 44: unknown project
    month.present("P3", B, ["2024-03-05"])  # 45: a project whose row was skipped
    month.add("attendance", "P2", "", "2024-03-06")  # 46: worker missing
    month.paid("P2", B, "1000.00")  # payroll 3 (good: below the minimum)
    month.paid("P2", B, "12,5")  # 4: amount
    month.paid("P2", B, "abc")  # 5: amount
    month.paid("P2", B, "100.00", wage_month="2024-3")  # 6: month
    month.paid("P2", B, "100.00", via="yes")  # 7: flag
    month.paid("P2", B, "100.00", paid_on="30/04/2024")  # 8: date
    month.labour_cost("P2", transferred_on="2024-04-31")  # labour_cost 3: date
    month.add("labour_cost", "P2", MONTH, "1.234", "2024-04-01")  # 4: amount
    return month


BAD_ROWS = [
    Reject(
        "attendance.csv",
        42,
        "worker_id: not a valid ID number (GB 11643: format, birth date or check digit)",
    ),
    Reject("attendance.csv", 43, "day: not a date (YYYY-MM-DD)"),
    Reject("attendance.csv", 44, "project_code: unknown project (not a valid row of projects)"),
    Reject("attendance.csv", 45, "project_code: unknown project (not a valid row of projects)"),
    Reject("attendance.csv", 46, "worker_id: missing"),
    Reject("labour_cost.csv", 3, "transferred_on: not a date (YYYY-MM-DD)"),
    Reject(
        "labour_cost.csv", 4, "amount: not an amount in yuan (a number with at most 2 decimals)"
    ),
    Reject("payroll.csv", 4, "amount: not an amount in yuan (a number with at most 2 decimals)"),
    Reject("payroll.csv", 5, "amount: not an amount in yuan (a number with at most 2 decimals)"),
    Reject("payroll.csv", 6, "wage_month: not a month (YYYY-MM)"),
    Reject("payroll.csv", 7, "via_wage_account: not 1 or 0"),
    Reject("payroll.csv", 8, "paid_on: not a date (YYYY-MM-DD)"),
    Reject(
        "projects.csv", 4, "project_code: duplicate project (an earlier line has the same code)"
    ),
    Reject("projects.csv", 5, "division_code: not a division code (6 digits)"),
    Reject("projects.csv", 6, "start_date: not a date (YYYY-MM-DD)"),
    Reject("roster.csv", 4, "left_on: not a date (YYYY-MM-DD)"),
]
# From the good rows alone: B is present 20 days on P2 and paid 1,000 (below 2,000), and
# P2 has no labour cost (both of its rows were bad).
BAD_MONTH_WARNINGS = [
    ("BELOW_MINIMUM", "red", "P2", B),
    ("NO_LABOUR_COST", "yellow", "P2", None),
]


def parquet_pair(csv_folder: Path) -> tuple[Path, Path]:
    """The month's CSV files as two sets of Parquet files: every column as text, and the
    same with each date column held as a Parquet DATE (a value that is not a date is empty
    in both)."""
    text, typed = csv_folder.parent / "text", csv_folder.parent / "typed"
    for folder, as_date in ((text, False), (typed, True)):
        folder.mkdir()
        with duckdb.connect() as connection:
            for table, columns in TABLES.items():
                select = ", ".join(
                    (
                        f"TRY_CAST({name} AS DATE)"
                        if as_date
                        else f"CAST(TRY_CAST({name} AS DATE) AS VARCHAR)"
                    )
                    + f" AS {name}"
                    if kind in ("date", "date?")
                    else name
                    for name, kind in columns
                )
                connection.execute(
                    f"COPY (SELECT {select} FROM read_csv('{csv_folder / table}.csv', "
                    f"all_varchar = true)) TO '{folder / table}.parquet' (FORMAT parquet)"
                )
    return text, typed


class BadRowsTests(SimpleTestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_reports_each_bad_row_with_file_and_line_and_judges_the_good_ones(self):
        result = judge(bad_month(Path(self.tmp.name)).write())
        self.assertEqual(result.rejects, BAD_ROWS)
        self.assertEqual(
            [(w.rule, w.level, w.project, w.worker) for w in result.warnings], BAD_MONTH_WARNINGS
        )

    def test_parquet_files_give_what_the_csv_files_give(self):
        csv_folder = bad_month(Path(self.tmp.name) / "csv").write()
        parquet_folder = Path(self.tmp.name) / "parquet"
        parquet_folder.mkdir()
        with duckdb.connect() as connection:
            for table in TABLES:
                source = csv_folder / f"{table}.csv"
                target = parquet_folder / f"{table}.parquet"
                connection.execute(
                    f"COPY (SELECT * FROM read_csv('{source}', all_varchar = true)) "
                    f"TO '{target}' (FORMAT parquet)"
                )
        from_csv, from_parquet = judge(csv_folder), judge(parquet_folder)
        self.assertEqual(from_parquet.warnings, from_csv.warnings)
        # A Parquet file has no header line: row n is CSV line n + 1.
        self.assertEqual(
            [
                (r.file.replace(".parquet", ".csv"), r.line + 1, r.reason)
                for r in from_parquet.rejects
            ],
            [(r.file, r.line, r.reason) for r in from_csv.rejects],
        )

    def test_date_columns_held_as_dates_give_what_their_text_gives(self):
        text, typed = parquet_pair(bad_month(Path(self.tmp.name) / "csv").write())
        engine = DuckDBEngine()
        held = engine.load("attendance", typed / "attendance.parquet", ["day"], ["day"])
        engine.close()
        self.assertEqual(held, frozenset({"day"}))
        from_text, from_typed = judge(text), judge(typed)
        self.assertEqual(from_typed.warnings, from_text.warnings)
        self.assertEqual(from_typed.rejects, from_text.rejects)
        # 2024-02-30 is no date: an empty date in either file, still reported.
        self.assertIn(Reject("attendance.parquet", 42, "day: missing"), from_typed.rejects)

    def test_a_missing_file_or_column_is_an_input_error(self):
        folder = MonthFiles(Path(self.tmp.name)).write()
        (folder / "roster.csv").unlink()
        with self.assertRaisesRegex(InputError, "no roster.csv or roster.parquet"):
            judge(folder)
        (folder / "roster.csv").write_text("project_code,worker_id\n", encoding="utf-8")
        with self.assertRaisesRegex(
            InputError, "roster.csv: no column employer_code, joined_on, left_on"
        ):
            judge(folder)


def python_id_valid(number: str) -> bool:
    """What the SQL check means, in Python: format, birth date from 1900, check digit."""
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        return False
    try:
        born = ric.get_birth_date(number)
    except Exception:
        return False
    return 1900 <= born.year < 2100 and number[17] == ric.calc_check_digit(number)


id_like = st.one_of(
    st.text(alphabet="0123456789X", min_size=17, max_size=19),
    st.builds(
        lambda body, check: body + check,
        st.from_regex(
            r"\A[0-9]{6}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}\Z"
        ),
        st.sampled_from("0123456789X"),
    ),
)


class IdNumberCheckTests(SimpleTestCase):
    connection: duckdb.DuckDBPyConnection

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.connection = duckdb.connect()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.connection.close()
        super().tearDownClass()

    @settings(max_examples=60, deadline=None)
    @given(st.lists(id_like, min_size=1, max_size=40))
    def test_the_sql_check_agrees_with_python_stdnum(self, numbers):
        sql = f"SELECT n, COALESCE({id_number_valid('n')}, FALSE) FROM (SELECT UNNEST(?) AS n)"
        for number, valid in self.connection.execute(sql, [numbers]).fetchall():
            self.assertEqual(valid, python_id_valid(number), number)

    def test_accepts_the_test_workers_and_a_lower_case_x_is_upper_cased_first(self):
        self.assertTrue(python_id_valid(A))
        body = "11010519491231002"
        number = body + ric.calc_check_digit(body + "0")
        self.assertEqual(number[-1], "X")
        sql = f"SELECT {id_number_valid('n')} FROM (SELECT UPPER(?) AS n)"
        self.assertEqual(self.connection.execute(sql, [number.lower()]).fetchall(), [(True,)])
