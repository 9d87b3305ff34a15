"""Dynamic monitoring (issue 16): red and yellow warnings from one month's files.

`run` loads the files of a folder into an engine (`engines.DuckDBEngine` or
`engines.SparkEngine`), runs the statements of `rules.program` and returns the
warnings and the rows it skipped. Pure: no Django, no database.
"""

from dataclasses import dataclass
from pathlib import Path

from qingling.prevention.monitoring.engines import Engine, input_file
from qingling.prevention.monitoring.rules import (
    TABLES,
    MonthWindow,
    Thresholds,
    program,
    unpriced_sql,
)


@dataclass(frozen=True, order=True)
class Warning:
    rule: str
    project: str
    worker: str | None
    level: str
    month: str

    def as_json(self) -> dict[str, str | None]:
        return {
            "rule": self.rule,
            "level": self.level,
            "project": self.project,
            "worker": self.worker,
            "month": self.month,
        }


@dataclass(frozen=True, order=True)
class Reject:
    """A row that was skipped: its file (``attendance.csv``), line (CSV: the header is
    line 1; Parquet: the 1-based row) and the first reason found. Never the value: it may
    be an ID number."""

    file: str
    line: int
    reason: str


@dataclass(frozen=True)
class Result:
    warnings: list[Warning]
    rejects: list[Reject]
    unpriced_projects: list[str]  # attendance, but no minimum wage known: BELOW_MINIMUM not judged


def _sort_key(warning: Warning) -> tuple[str, str, str]:
    return (warning.rule, warning.project, warning.worker or "")


def run(folder: Path, month: MonthWindow, thresholds: Thresholds, engine: Engine) -> Result:
    files = {table: input_file(folder, table) for table in TABLES}
    for table, path in files.items():
        engine.load(table, path, [name for name, _kind in TABLES[table]])
    for step in program(month, thresholds):
        engine.define(step.name, step.sql, materialize=step.materialize)
    warnings = sorted(
        (
            Warning(rule=rule, project=project, worker=worker, level=level, month=month.month)
            for rule, level, project, worker in engine.fetch(
                "SELECT rule, level, project, worker FROM warnings"
            )
        ),
        key=_sort_key,
    )
    rejects = sorted(
        Reject(file=files[table].name, line=int(line), reason=reason)
        for table, line, reason in engine.fetch("SELECT file, line, reason FROM rejects")
    )
    unpriced = [row[0] for row in engine.fetch(unpriced_sql())]
    return Result(warnings=warnings, rejects=rejects, unpriced_projects=unpriced)
