"""The monitoring rules of issue 16 and the validation of their input, written once as SQL.

Everything here is text: a list of named ``SELECT`` statements in DuckDB's dialect
(`program`). DuckDB runs them as written; the Spark engine runs the same statements
after SQLGlot has transpiled them to Spark SQL (`engines.SparkEngine`). So a rule or a
validation check exists in one place, and the two engines cannot drift apart.

The engines provide one view per input file, ``raw_<table>``: every column of
`TABLES` as text, plus ``_line`` (the CSV line, the header being line 1; for Parquet,
the 1-based row). The program then defines, in order:

- ``checked_<table>``: the row, its first failing check as ``_reason`` (NULL when
  the row is good) and its typed columns (dates as DATE, money as DECIMAL(18,2));
- ``rejects``: (file, line, reason) of every bad row of every file;
- ``attendance_month``, ``pay_month``, ``worker_month``, ``payroll_month_any``, ``roster_month``,
  ``project_wage``: the month's facts the rules read;
- ``warnings``: (rule, level, project, worker), one row per warning.

Dates and amounts are rendered here as literals from Python values that were
already parsed (`MonthWindow`, `Thresholds`), never from user text, so nothing is
interpolated that could change a statement's meaning.
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

# The columns of each input file, in order, and how each is checked. Kinds:
# "code" (required text), "text" (optional text), "project" (required, and a project of
# projects.csv), "division" (six digits), "id" (GB 11643), "date" / "date?" (ISO date,
# required / optional), "month" (YYYY-MM), "amount" (yuan, at most 2 decimals),
# "flag" (1 or 0), "unique" (a project code not seen on an earlier line).
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "projects": (
        ("project_code", "unique"),
        ("name", "text"),
        ("division_code", "division"),
        ("general_contractor_code", "text"),
        ("wage_account", "text"),
        ("start_date", "date?"),
        ("end_date", "date?"),
    ),
    "roster": (
        ("project_code", "project"),
        ("worker_id", "id"),
        ("employer_code", "text"),
        ("joined_on", "date"),
        ("left_on", "date?"),
    ),
    "attendance": (
        ("project_code", "project"),
        ("worker_id", "id"),
        ("day", "date"),
    ),
    "payroll": (
        ("project_code", "project"),
        ("worker_id", "id"),
        ("wage_month", "month"),
        ("amount", "amount"),
        ("paid_on", "date"),
        ("via_wage_account", "flag"),
    ),
    "labour_cost": (
        ("project_code", "project"),
        ("month", "month"),
        ("amount", "amount"),
        ("transferred_on", "date"),
    ),
}

# The rules, in the order of the output (sorted by name), with their level.
RULES: dict[str, str] = {
    "BELOW_MINIMUM": "red",
    "EXCESSIVE_PAY": "red",
    "NOT_ON_ROSTER": "yellow",
    "NO_LABOUR_COST": "yellow",
    "PROJECT_NO_PAYROLL": "red",
    "PROJECT_UNPAID_SHARE": "red|yellow",
    "WORKER_UNPAID": "red",
}

REASONS = {
    "missing": "missing",
    "unique": "duplicate project (an earlier line has the same code)",
    "project": "unknown project (not a valid row of projects)",
    "division": "not a division code (6 digits)",
    "id": "not a valid ID number (GB 11643: format, birth date or check digit)",
    "date": "not a date (YYYY-MM-DD)",
    "month": "not a month (YYYY-MM)",
    "amount": "not an amount in yuan (a number with at most 2 decimals)",
    "flag": "not 1 or 0",
}

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class MonthWindow:
    """Month M: its first and last day, and the deadline (the last day of M+1)."""

    month: str
    first: datetime.date
    last: datetime.date
    deadline: datetime.date

    @classmethod
    def parse(cls, month: str) -> "MonthWindow":
        match = _MONTH.match(month)
        if match is None:
            raise ValueError(f"{month!r} is not a month YYYY-MM")
        year, number = int(match[1]), int(match[2])
        first = datetime.date(year, number, 1)
        last = first.replace(day=calendar.monthrange(year, number)[1])
        following = last + datetime.timedelta(days=1)
        deadline = following.replace(day=calendar.monthrange(following.year, following.month)[1])
        return cls(month=month, first=first, last=last, deadline=deadline)


@dataclass(frozen=True)
class Thresholds:
    """The rules' numbers (settings in production, `config.settings.QINGLING_MONITOR_*`).

    ``minimum_wage`` maps a division code (county, city ``xxxx00`` or province
    ``xx0000``) to the minimum monthly wage in yuan; a project takes its county's figure,
    else its city's, else its province's. ``minimum_wage_override`` (``--minimum-wage``)
    replaces the table for every project.
    """

    minimum_wage: dict[str, Decimal] = field(default_factory=dict)
    minimum_wage_override: Decimal | None = None
    minimum_wage_days: int = 20
    excessive_pay: Decimal = Decimal(50000)
    unpaid_share_red: Decimal = Decimal("0.10")


def _money(value: Decimal) -> str:
    return f"CAST('{value.quantize(Decimal('0.01'))}' AS DECIMAL(18, 2))"


def _date(value: datetime.date) -> str:
    return f"DATE '{value.isoformat()}'"


def _text(value: str) -> str:
    if not re.fullmatch(r"[0-9A-Za-z_-]*", value):
        raise ValueError(f"{value!r} is not a plain code")
    return f"'{value}'"


def id_body(column: str) -> str:
    """The first 17 characters of an ID number as a number (NULL unless digits)."""
    return f"TRY_CAST(SUBSTRING({column}, 1, 17) AS BIGINT)"


def id_number_valid(column: str, body: str | None = None) -> str:
    """GB 11643: 17 digits and a check digit (0-9 or X, upper case), a birth date
    (digits 7-14) that is a date from 1900 on, and the check digit that the weights
    give. (The address code is not looked up: `core.validators` does that for one
    person; here it would be a join with the 3,000 county codes for every row.)
    ``body``: a column already holding `id_body` of ``column`` (faster: computed once)."""
    # The 17 digits by integer arithmetic on the body as one number: half the time of
    # 17 substrings (a province has millions of distinct numbers).
    body = body or id_body(column)
    digits = " + ".join(
        f"(({body} // {10 ** (16 - i)}) % 10) * {weight}" for i, weight in enumerate(_ID_WEIGHTS)
    )
    birth = (
        f"TRY_CAST(SUBSTRING({column}, 7, 4) || '-' || SUBSTRING({column}, 11, 2) || '-' "
        f"|| SUBSTRING({column}, 13, 2) AS DATE)"
    )
    return (
        f"(REGEXP_MATCHES({column}, '^[0-9]{{17}}[0-9X]$') "
        f"AND SUBSTRING({column}, 7, 2) IN ('19', '20') "
        f"AND {birth} IS NOT NULL "
        f"AND SUBSTRING('10X98765432', (({digits}) % 11) + 1, 1) = SUBSTRING({column}, 18, 1))"
    )


def _date_valid(column: str) -> str:
    # YYYY-MM-DD: the shape by position (a regular expression costs 3× as much on
    # 100 million rows), then a date the engine can read.
    return (
        f"(LENGTH({column}) = 10 AND SUBSTRING({column}, 5, 1) = '-' "
        f"AND SUBSTRING({column}, 8, 1) = '-' AND TRY_CAST({column} AS DATE) IS NOT NULL)"
    )


def _check(kind: str, column: str) -> str | None:
    """The SQL condition a present value of ``kind`` must meet (None: any text)."""
    return {
        "division": f"REGEXP_MATCHES({column}, '^[0-9]{{6}}$')",
        "id": "i._valid",  # looked up in id_numbers: each distinct number checked once
        "date": _date_valid(column),
        "date?": _date_valid(column),
        "month": f"REGEXP_MATCHES({column}, '^[0-9]{{4}}-(0[1-9]|1[0-2])$')",
        "amount": f"REGEXP_MATCHES({column}, '^[+-]?[0-9]{{1,16}}([.][0-9]{{1,2}})?$')",
        "flag": f"{column} IN ('0', '1')",
    }.get(kind)


def _typed(kind: str, column: str) -> str:
    if kind in ("date", "date?"):
        return f"TRY_CAST(r.{column} AS DATE)"
    if kind == "amount":
        return f"TRY_CAST(r.{column} AS DECIMAL(18, 2))"
    if kind == "flag":
        return f"TRY_CAST(r.{column} AS INT)"
    return f"r.{column}"


Typed = frozenset[tuple[str, str]]
"""The (table, column) pairs of date columns whose file already holds them as dates (a
Parquet DATE column): the raw view passes them on as dates, with nothing to trim, parse
or check but their presence. Both engines read a file's types alike (`engines`), so a
month gives both the same program."""


def _blank(name: str, table: str, typed: Typed) -> str:
    """A raw text column trimmed, an empty text as NULL (a typed date: itself)."""
    return name if (table, name) in typed else f"NULLIF(TRIM({name}), '')"


def checked_sql(table: str, typed: Typed = frozenset()) -> str:
    """``checked_<table>``: each raw row with its first failing check and typed columns."""
    columns = TABLES[table]
    normalized = ", ".join(
        (_normalized_id(name) if kind == "id" else _blank(name, table, typed)) + f" AS {name}"
        for name, kind in columns
    )
    failures: list[tuple[str, str]] = []  # (the test a bad row meets, its reason), in order
    joins = ""
    if any(kind == "id" for _name, kind in columns):
        joins += " LEFT JOIN id_numbers AS i ON i.worker_id = r.worker_id"
    for name, kind in columns:
        value = f"r.{name}"
        if kind not in ("text", "date?"):
            failures.append((f"{value} IS NULL", f"{name}: {REASONS['missing']}"))
        if kind == "unique":
            failures.append(("r._earlier > 1", f"{name}: {REASONS['unique']}"))
        elif kind == "project":
            joins += (
                " LEFT JOIN (SELECT project_code AS _known FROM checked_projects"
                " WHERE _reason IS NULL) AS k ON k._known = r.project_code"
            )
            failures.append(("k._known IS NULL", f"{name}: {REASONS['project']}"))
        condition = None if (table, name) in typed else _check(kind, value)
        if condition is not None:
            failures.append(
                (
                    f"{value} IS NOT NULL AND NOT COALESCE({condition}, FALSE)",
                    f"{name}: {REASONS[kind.rstrip('?')]}",
                )
            )
    earlier = (
        ", ROW_NUMBER() OVER (PARTITION BY NULLIF(TRIM(project_code), '') ORDER BY _line)"
        " AS _earlier"
        if table == "projects"
        else ""
    )
    values = ", ".join(
        f"{f'r.{name}' if (table, name) in typed else _typed(kind, name)} AS {name}"
        for name, kind in columns
    )
    reason = " ".join(f"WHEN {test} THEN '{text}'" for test, text in failures)
    # _good: no test met; cheaper to filter 100 million rows on than the text of _reason.
    good = " AND ".join(f"NOT COALESCE({test}, FALSE)" for test, _text in failures)
    return (
        f"SELECT r._line AS _line, CASE {reason} END AS _reason, "
        f"({good}) AS _good, {values} "
        f"FROM (SELECT _line, {normalized}{earlier} FROM raw_{table}) AS r{joins}"
    )


def _normalized_id(column: str) -> str:
    return f"UPPER(NULLIF(TRIM({column}), ''))"


def id_numbers_sql() -> str:
    """``id_numbers``: every distinct ID number of the files and whether it is valid. A
    province's month has 100 million attendance rows but a few million workers: the
    check (17 digits weighed) runs once per number, and the rows join the answer.
    Attendance gives its numbers from ``attendance_keys`` (already grouped)."""
    tables = [
        table
        for table, columns in TABLES.items()
        if ("worker_id", "id") in columns and table != "attendance"
    ]
    # UNION ALL then one DISTINCT: a plain UNION of the scans made DuckDB park every
    # thread on a province's Parquet files (docs/performance.md, "Monitoring").
    every = " UNION ALL ".join(
        [
            *(
                f"SELECT {_normalized_id('worker_id')} AS worker_id FROM raw_{table}"
                for table in tables
            ),
            f"SELECT {_normalized_id('raw_worker')} AS worker_id FROM attendance_keys",
        ]
    )
    return (
        f"SELECT worker_id, COALESCE({id_number_valid('worker_id', '_body')}, FALSE) AS _valid "
        f"FROM (SELECT worker_id, {id_body('worker_id')} AS _body FROM (SELECT DISTINCT "
        f"worker_id FROM ({every}) AS a WHERE worker_id IS NOT NULL) AS d) AS b"
    )


# --- attendance: grouped before it is checked --------------------------------------------------
#
# Attendance is the province's 100 million rows; the other files are thousands to a few
# million. Checking each attendance row (trimming and joining its ID number, looking up
# its project) and then reading the rows a second time for the rejects cost minutes.
# Instead the rows are grouped once by their raw (project, worker) text, keeping the
# month's valid days as a bit mask and a count of the rows whose day is not a date; the
# few million groups are then checked like rows, and only the rows of a bad group, or
# with a bad day, are read again for their lines. The reasons are those `checked_sql`
# gives, in the same order (project, worker, day).


def _day_sql(column: str, typed: Typed = frozenset()) -> str:
    """A text day as a DATE when it has the shape YYYY-MM-DD and is a date, else NULL (a
    typed day: itself)."""
    if ("attendance", "day") in typed:
        return column
    return (
        f"CASE WHEN LENGTH({column}) = 10 AND SUBSTRING({column}, 5, 1) = '-' "
        f"AND SUBSTRING({column}, 8, 1) = '-' THEN TRY_CAST({column} AS DATE) END"
    )


def attendance_keys_sql(month: MonthWindow, typed: Typed = frozenset()) -> str:
    """``attendance_keys``: one row per raw (project_code, worker_id) text of the file,
    the month's valid days as bits, and how many of its rows have no valid day."""
    return (
        "SELECT project_code AS raw_project, worker_id AS raw_worker, "
        f"BIT_OR(CASE WHEN dd BETWEEN {_date(month.first)} AND {_date(month.last)} "
        "THEN CAST(1 AS BIGINT) << (EXTRACT(DAY FROM dd) - 1) END) AS mask, "
        "SUM(CASE WHEN dd IS NULL THEN 1 ELSE 0 END) AS bad_days "
        f"FROM (SELECT project_code, worker_id, {_day_sql('d', typed)} AS dd "
        f"FROM (SELECT project_code, worker_id, {_blank('day', 'attendance', typed)} AS d "
        "FROM raw_attendance) AS t) AS r "
        "GROUP BY project_code, worker_id"
    )


def attendance_groups_sql() -> str:
    """``attendance_groups``: each raw group with its normalized keys and the first check
    its keys fail (``_key_reason``, NULL when the project and the worker are good)."""
    reason = (
        f"CASE WHEN g.project_code IS NULL THEN 'project_code: {REASONS['missing']}' "
        f"WHEN k._known IS NULL THEN 'project_code: {REASONS['project']}' "
        f"WHEN g.worker_id IS NULL THEN 'worker_id: {REASONS['missing']}' "
        f"WHEN NOT COALESCE(i._valid, FALSE) THEN 'worker_id: {REASONS['id']}' END"
    )
    return (
        "SELECT g.raw_project, g.raw_worker, g.project_code, g.worker_id, g.mask, "
        f"g.bad_days, {reason} AS _key_reason FROM (SELECT raw_project, raw_worker, "
        f"NULLIF(TRIM(raw_project), '') AS project_code, {_normalized_id('raw_worker')} "
        "AS worker_id, mask, bad_days FROM attendance_keys) AS g "
        "LEFT JOIN (SELECT project_code AS _known FROM checked_projects "
        "WHERE _reason IS NULL) AS k ON k._known = g.project_code "
        "LEFT JOIN id_numbers AS i ON i.worker_id = g.worker_id"
    )


def attendance_rejects_sql(typed: Typed = frozenset()) -> str:
    """The bad attendance rows: every row of a group whose keys fail, and the rows whose
    day is missing or not a date; the rows of good groups with good days are skipped by
    a join with the (few) bad groups."""
    day = "r.day" if ("attendance", "day") in typed else "NULLIF(TRIM(r.day), '')"
    return (
        "SELECT 'attendance' AS file, r._line AS line, "
        f"COALESCE(b._key_reason, CASE WHEN {day} IS NULL THEN 'day: {REASONS['missing']}' "
        f"ELSE 'day: {REASONS['date']}' END) AS reason "
        "FROM raw_attendance AS r JOIN (SELECT raw_project, raw_worker, _key_reason "
        "FROM attendance_groups WHERE _key_reason IS NOT NULL OR bad_days > 0) AS b "
        "ON r.project_code IS NOT DISTINCT FROM b.raw_project "
        "AND r.worker_id IS NOT DISTINCT FROM b.raw_worker "
        f"WHERE b._key_reason IS NOT NULL OR ({_day_sql(day, typed)}) IS NULL"
    )


def rejects_sql(typed: Typed = frozenset()) -> dict[str, str]:
    """Each file's bad rows, one statement a file (``rejects_<table>``)."""
    return {
        table: attendance_rejects_sql(typed)
        if table == "attendance"
        else f"SELECT '{table}' AS file, _line AS line, _reason AS reason "
        f"FROM checked_{table} WHERE NOT _good"
        for table in TABLES
    }


def _union(parts: list[str], columns: str) -> str:
    """The rows of the named (small) tables, one after the other."""
    return " UNION ALL ".join(f"SELECT {columns} FROM {name}" for name in parts)


def _wages_sql(thresholds: Thresholds) -> str:
    """``project_wage``: each valid project's minimum monthly wage (NULL: none known)."""
    if thresholds.minimum_wage_override is not None:
        return (
            f"SELECT project_code, {_money(thresholds.minimum_wage_override)} AS minimum_wage "
            "FROM checked_projects WHERE _reason IS NULL"
        )
    if not thresholds.minimum_wage:
        return (
            "SELECT project_code, CAST(NULL AS DECIMAL(18, 2)) AS minimum_wage "
            "FROM checked_projects WHERE _reason IS NULL"
        )
    rows = ", ".join(
        f"({_text(code)}, {_money(yuan)})" for code, yuan in sorted(thresholds.minimum_wage.items())
    )
    wages = f"(SELECT * FROM (VALUES {rows}) AS t(code, yuan))"
    return (
        "SELECT p.project_code, COALESCE(w1.yuan, w2.yuan, w3.yuan) AS minimum_wage "
        "FROM checked_projects AS p "
        f"LEFT JOIN {wages} AS w1 ON w1.code = p.division_code "
        f"LEFT JOIN {wages} AS w2 ON w2.code = SUBSTRING(p.division_code, 1, 4) || '00' "
        f"LEFT JOIN {wages} AS w3 ON w3.code = SUBSTRING(p.division_code, 1, 2) || '0000' "
        "WHERE p._reason IS NULL"
    )


def _share_basis_points(share: Decimal) -> int:
    points = share * 10000
    if points != points.to_integral_value():
        raise ValueError(f"the unpaid share {share} has more than 4 decimals")
    return int(points)


def warnings_sql(month: MonthWindow, thresholds: Thresholds) -> dict[str, str]:
    """Each rule's warnings, one statement a rule (``warning_<rule>``)."""
    no_worker = "CAST(NULL AS VARCHAR)"
    red_points = _share_basis_points(thresholds.unpaid_share_red)
    rules = {
        "WORKER_UNPAID": (
            "SELECT 'WORKER_UNPAID' AS rule, 'red' AS level, project_code AS project, "
            "worker_id AS worker FROM worker_month WHERE COALESCE(pay, 0) <= 0"
        ),
        "BELOW_MINIMUM": (
            "SELECT 'BELOW_MINIMUM' AS rule, 'red' AS level, m.project_code AS project, "
            "m.worker_id AS worker FROM worker_month AS m "
            "JOIN project_wage AS w ON w.project_code = m.project_code "
            f"WHERE m.days >= {int(thresholds.minimum_wage_days)} AND m.pay > 0 "
            "AND m.pay < w.minimum_wage"
        ),
        "EXCESSIVE_PAY": (
            "SELECT 'EXCESSIVE_PAY' AS rule, 'red' AS level, project_code AS project, "
            "worker_id AS worker FROM pay_month "
            f"WHERE pay > {_money(thresholds.excessive_pay)}"
        ),
        "NOT_ON_ROSTER": (
            "SELECT 'NOT_ON_ROSTER' AS rule, 'yellow' AS level, y.project_code AS project, "
            "y.worker_id AS worker "
            "FROM payroll_month_any AS y LEFT JOIN roster_month AS r "
            "ON r.project_code = y.project_code AND r.worker_id = y.worker_id "
            "WHERE r.project_code IS NULL"
        ),
        "PROJECT_NO_PAYROLL": (
            f"SELECT 'PROJECT_NO_PAYROLL' AS rule, 'red' AS level, a.project_code AS project, "
            f"{no_worker} AS worker "
            "FROM (SELECT DISTINCT project_code FROM attendance_month) AS a "
            "LEFT JOIN (SELECT project_code FROM pay_month GROUP BY project_code "
            "HAVING MAX(via_wage_account) = 1) AS v ON v.project_code = a.project_code "
            "WHERE v.project_code IS NULL"
        ),
        "PROJECT_UNPAID_SHARE": (
            "SELECT 'PROJECT_UNPAID_SHARE' AS rule, "
            f"CASE WHEN unpaid * 10000 >= workers * {red_points} THEN 'red' ELSE 'yellow' END "
            "AS level, "
            f"project_code AS project, {no_worker} AS worker FROM (SELECT project_code, "
            "COUNT(*) AS workers, "
            "SUM(CASE WHEN COALESCE(pay, 0) <= 0 THEN 1 ELSE 0 END) AS unpaid "
            "FROM worker_month GROUP BY project_code) AS s WHERE unpaid > 0"
        ),
        "NO_LABOUR_COST": (
            f"SELECT 'NO_LABOUR_COST' AS rule, 'yellow' AS level, a.project_code AS project, "
            f"{no_worker} AS worker "
            "FROM (SELECT DISTINCT project_code FROM attendance_month) AS a "
            "LEFT JOIN (SELECT DISTINCT project_code FROM checked_labour_cost "
            f"WHERE _reason IS NULL AND month = {_text(month.month)} "
            f"AND transferred_on <= {_date(month.deadline)}) AS l "
            "ON l.project_code = a.project_code WHERE l.project_code IS NULL"
        ),
    }
    assert set(rules) == set(RULES)
    return {name: rules[name] for name in sorted(rules)}


@dataclass(frozen=True)
class Step:
    """One named statement: a view, or a table when ``materialize`` (read more than once,
    or worth keeping small)."""

    name: str
    sql: str
    materialize: bool = False


def program(month: MonthWindow, thresholds: Thresholds, typed: Typed = frozenset()) -> list[Step]:
    """Every statement, in order, that turns the raw views into ``rejects`` and ``warnings``
    (``typed``: the date columns the files hold as dates, as the engine's ``load`` says)."""
    counts = f"wage_month = {_text(month.month)} AND paid_on <= {_date(month.deadline)}"
    return [
        Step("checked_projects", checked_sql("projects", typed), materialize=True),
        # Distinct days as bits of a month's mask: an integer aggregate, where
        # COUNT(DISTINCT day) would hash every (project, worker, day) of the month.
        Step("attendance_keys", attendance_keys_sql(month, typed), materialize=True),
        Step("id_numbers", id_numbers_sql(), materialize=True),
        # Materialized: each is read by a rule, the rejects and the evidence, and a view
        # would check (trim, parse, join) a province's payroll and roster each time.
        *(
            Step(f"checked_{table}", checked_sql(table, typed), materialize=True)
            for table in TABLES
            if table not in ("projects", "attendance")
        ),
        Step("attendance_groups", attendance_groups_sql(), materialize=True),
        # One statement a file, then their (small) union: DuckDB 1.5 parked every thread
        # on one UNION ALL of several large plans (docs/performance.md, "Monitoring").
        *(
            Step(f"rejects_{table}", sql, materialize=True)
            for table, sql in rejects_sql(typed).items()
        ),
        Step("rejects", _union([f"rejects_{table}" for table in TABLES], "file, line, reason")),
        Step(
            "attendance_month",
            "SELECT project_code, worker_id, BIT_COUNT(BIT_OR(mask)) AS days "
            "FROM attendance_groups WHERE _key_reason IS NULL AND mask IS NOT NULL "
            "GROUP BY project_code, worker_id",
            materialize=True,
        ),
        Step(
            "pay_month",
            "SELECT project_code, worker_id, SUM(amount) AS pay, "
            "MAX(via_wage_account) AS via_wage_account FROM checked_payroll "
            f"WHERE _good AND {counts} GROUP BY project_code, worker_id",
            materialize=True,
        ),
        Step(
            "payroll_month_any",
            "SELECT DISTINCT project_code, worker_id FROM checked_payroll "
            f"WHERE _good AND wage_month = {_text(month.month)}",
        ),
        Step(
            "roster_month",
            "SELECT DISTINCT project_code, worker_id FROM checked_roster "
            f"WHERE _good AND joined_on <= {_date(month.last)} "
            f"AND (left_on IS NULL OR left_on >= {_date(month.first)})",
        ),
        # Each worker present in M with their pay for M: three rules read it, so the
        # province's millions of (project, worker) pairs are joined once.
        Step(
            "worker_month",
            "SELECT a.project_code, a.worker_id, a.days, p.pay FROM attendance_month AS a "
            "LEFT JOIN pay_month AS p "
            "ON a.project_code = p.project_code AND a.worker_id = p.worker_id",
            materialize=True,
        ),
        Step("project_wage", _wages_sql(thresholds), materialize=True),
        # One statement a rule, then their union, as the rejects.
        *(
            Step(f"warning_{rule.lower()}", sql, materialize=True)
            for rule, sql in warnings_sql(month, thresholds).items()
        ),
        Step(
            "warnings",
            _union(
                [f"warning_{rule.lower()}" for rule in sorted(RULES)],
                "rule, level, project, worker",
            ),
        ),
    ]


def unpriced_sql() -> str:
    """Projects with attendance whose minimum wage is unknown (BELOW_MINIMUM not judged)."""
    return (
        "SELECT DISTINCT a.project_code FROM attendance_month AS a "
        "LEFT JOIN project_wage AS w ON w.project_code = a.project_code "
        "WHERE w.minimum_wage IS NULL ORDER BY a.project_code"
    )


def evidence_sql(month: MonthWindow) -> dict[str, str]:
    """The rows behind the warnings, by what they show (run after ``warnings``):

    - ``projects``: each warned project's name and division code;
    - ``workers``: each warned (project, worker): attendance days, pay for M that
      counts, and whether a roster row covers M;
    - ``payroll``: those workers' payroll rows for M with their line and whether each
      counts (paid on or before the deadline);
    - ``project_figures``: each warned project's workers with attendance, those unpaid,
      whether any counting row went through the wage account, labour cost transferred
      for M by the deadline.
    """
    warned = "(SELECT DISTINCT project, worker FROM warnings WHERE worker IS NOT NULL)"
    projects = "(SELECT DISTINCT project FROM warnings)"
    worker = "a.project_code = p.project_code AND a.worker_id = p.worker_id"
    return {
        "projects": (
            "SELECT c.project_code, c.name, c.division_code FROM checked_projects AS c "
            f"JOIN {projects} AS w ON w.project = c.project_code WHERE c._reason IS NULL"
        ),
        "workers": (
            "SELECT w.project, w.worker, a.days, p.pay, "
            "CASE WHEN r.project_code IS NULL THEN 0 ELSE 1 END AS on_roster "
            f"FROM {warned} AS w "
            "LEFT JOIN attendance_month AS a "
            "ON a.project_code = w.project AND a.worker_id = w.worker "
            "LEFT JOIN pay_month AS p ON p.project_code = w.project AND p.worker_id = w.worker "
            "LEFT JOIN roster_month AS r ON r.project_code = w.project AND r.worker_id = w.worker"
        ),
        "payroll": (
            "SELECT c.project_code, c.worker_id, c._line, c.amount, c.paid_on, "
            f"c.via_wage_account, CASE WHEN c.paid_on <= {_date(month.deadline)} "
            "THEN 1 ELSE 0 END AS counts "
            f"FROM checked_payroll AS c JOIN {warned} AS w "
            "ON w.project = c.project_code AND w.worker = c.worker_id "
            f"WHERE c._good AND c.wage_month = {_text(month.month)} "
            "ORDER BY c.project_code, c.worker_id, c._line"
        ),
        "project_figures": (
            "SELECT w.project, COALESCE(s.workers, 0), COALESCE(s.unpaid, 0), "
            "COALESCE(v.via, 0), l.transferred FROM "
            f"{projects} AS w LEFT JOIN (SELECT a.project_code, COUNT(*) AS workers, "
            "SUM(CASE WHEN COALESCE(p.pay, 0) <= 0 THEN 1 ELSE 0 END) AS unpaid "
            f"FROM attendance_month AS a LEFT JOIN pay_month AS p ON {worker} "
            "GROUP BY a.project_code) AS s ON s.project_code = w.project "
            "LEFT JOIN (SELECT project_code, MAX(via_wage_account) AS via FROM pay_month "
            "GROUP BY project_code) AS v ON v.project_code = w.project "
            "LEFT JOIN (SELECT project_code, SUM(amount) AS transferred "
            f"FROM checked_labour_cost WHERE _good AND month = {_text(month.month)} "
            f"AND transferred_on <= {_date(month.deadline)} GROUP BY project_code) AS l "
            "ON l.project_code = w.project"
        ),
    }
