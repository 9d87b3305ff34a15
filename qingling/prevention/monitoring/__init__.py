"""Dynamic monitoring (issue 16): red and yellow warnings from one month's files.

`run` loads the files of a folder into an engine (`engines.DuckDBEngine` or
`engines.SparkEngine`), runs the statements of `rules.program` and returns the
warnings and the rows it skipped, and with ``evidence=True`` the rows behind each
warning (`Evidence`). Pure: no Django, no database.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qingling.prevention.monitoring.engines import Engine, input_file
from qingling.prevention.monitoring.rules import (
    TABLES,
    MonthWindow,
    Thresholds,
    evidence_sql,
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
class Evidence:
    """The rows behind the warnings, as plain JSON values (money as decimal strings,
    dates as ISO text). ``projects``: code → {name, division_code, workers, unpaid,
    via_wage_account, labour_cost}; ``workers``: (project, worker) → {days, pay,
    on_roster, payroll: [{line, amount, paid_on, via_wage_account, counts}]}. No ID
    number appears in a value: the worker is the key, which the caller seals."""

    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    workers: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    warnings: list[Warning]
    rejects: list[Reject]
    unpriced_projects: list[str]  # attendance, but no minimum wage known: BELOW_MINIMUM not judged
    evidence: Evidence = field(default_factory=Evidence)


def _sort_key(warning: Warning) -> tuple[str, str, str]:
    return (warning.rule, warning.project, warning.worker or "")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def collect_evidence(engine: Engine, month: MonthWindow) -> Evidence:
    """Fetch `rules.evidence_sql` from an engine that has run the program."""
    statements = evidence_sql(month)
    evidence = Evidence()
    for code, name, division in engine.fetch(statements["projects"]):
        evidence.projects[code] = {"name": name or "", "division_code": division}
    for code, workers, unpaid, via, transferred in engine.fetch(statements["project_figures"]):
        evidence.projects.setdefault(code, {"name": "", "division_code": None}).update(
            workers=int(workers),
            unpaid=int(unpaid),
            via_wage_account=bool(via),
            labour_cost=_text(transferred),
        )
    for code, worker, days, pay, on_roster in engine.fetch(statements["workers"]):
        evidence.workers[code, worker] = {
            "days": int(days or 0),
            "pay": _text(pay),
            "on_roster": bool(on_roster),
            "payroll": [],
        }
    for code, worker, line, amount, paid_on, via, counts in engine.fetch(statements["payroll"]):
        evidence.workers.setdefault(
            (code, worker), {"days": 0, "pay": None, "on_roster": False, "payroll": []}
        )["payroll"].append(
            {
                "line": int(line),
                "amount": _text(amount),
                "paid_on": _text(paid_on),
                "via_wage_account": bool(via),
                "counts": bool(counts),
            }
        )
    return evidence


def run(
    folder: Path,
    month: MonthWindow,
    thresholds: Thresholds,
    engine: Engine,
    *,
    evidence: bool = False,
) -> Result:
    files = {table: input_file(folder, table) for table in TABLES}
    typed: set[tuple[str, str]] = set()
    for table, path in files.items():
        columns = TABLES[table]
        dates = [name for name, kind in columns if kind in ("date", "date?")]
        held = engine.load(table, path, [name for name, _kind in columns], dates)
        typed.update((table, name) for name in held)
    for step in program(month, thresholds, frozenset(typed)):
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
    return Result(
        warnings=warnings,
        rejects=rejects,
        unpriced_projects=unpriced,
        evidence=collect_evidence(engine, month) if evidence else Evidence(),
    )
