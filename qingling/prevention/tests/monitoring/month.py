"""Small month folders for the monitoring tests, written as CSV in a temporary directory.

`MonthFiles` starts with the five files empty (header only); the helpers add rows.
Month under test: 2024-03, deadline 2024-04-30.
"""

import csv
import datetime
from pathlib import Path

from stdnum.cn import ric

from qingling.prevention.monitoring.rules import TABLES

MONTH = "2024-03"


def worker_id(n: int) -> str:
    """A valid 公民身份号码 (龙山区, born 1990-01-01), the n-th of the tests."""
    body = f"22040219900101{n:03d}"
    return body + ric.calc_check_digit(body + "0")


def march(days: int, *, first: int = 1) -> list[str]:
    return [datetime.date(2024, 3, first + i).isoformat() for i in range(days)]


class MonthFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.rows: dict[str, list[list[str]]] = {table: [] for table in TABLES}

    def add(self, table: str, *row: str) -> "MonthFiles":
        self.rows[table].append(list(row))
        return self

    def project(self, code: str, division: str = "220402") -> "MonthFiles":
        return self.add(
            "projects",
            code,
            f"{code} 工地",
            division,
            "91220400MA0000000X",
            "622",
            "2023-05-01",
            "",
        )

    def on_roster(
        self, project: str, worker: str, joined: str = "2024-01-01", left: str = ""
    ) -> "MonthFiles":
        return self.add("roster", project, worker, "E1", joined, left)

    def present(self, project: str, worker: str, days: list[str]) -> "MonthFiles":
        for day in days:
            self.add("attendance", project, worker, day)
        return self

    def paid(
        self,
        project: str,
        worker: str,
        amount: str,
        paid_on: str = "2024-04-10",
        via: str = "1",
        wage_month: str = MONTH,
    ) -> "MonthFiles":
        return self.add("payroll", project, worker, wage_month, amount, paid_on, via)

    def labour_cost(
        self, project: str, transferred_on: str = "2024-04-05", month: str = MONTH
    ) -> "MonthFiles":
        return self.add("labour_cost", project, month, "100000.00", transferred_on)

    def healthy(
        self, project: str, worker: str, *, days: int = 20, pay: str = "3000.00"
    ) -> "MonthFiles":
        """A project in order: the worker on the roster, present, paid through the wage
        account before the deadline, the labour cost transferred."""
        self.project(project).on_roster(project, worker).present(project, worker, march(days))
        return self.paid(project, worker, pay).labour_cost(project)

    def write(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        for table, columns in TABLES.items():
            with (self.folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([name for name, _kind in columns])
                writer.writerows(self.rows[table])
        return self.folder
