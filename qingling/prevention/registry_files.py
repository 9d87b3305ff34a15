"""Reading the registry's files (issue 15): roster, attendance, payroll and labour cost, as
CSV or XLSX, in the column layout of the monitoring files (docs/monitoring.md, "The
files"; ``monitoring.rules.TABLES``) with a few optional columns the registry needs
(docs/compliance.md). Pure reading and checking of each row: no query, no write. The
writes are ``registry_services.registry_file_import``.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingling.core.exceptions import InvalidInput
from qingling.core.workbooks import (
    RowErrors,
    SheetRow,
    add_error,
    cell_amount,
    cell_count,
    cell_date,
    cell_id_number,
    cell_phone,
    cell_text,
    import_size_check,
    rows_limited,
    sheet_rows,
)
from qingling.prevention.monitoring.rules import TABLES


class FileKind(models.TextChoices):
    ROSTER = "roster", gettext_lazy("roster (花名册)")
    ATTENDANCE = "attendance", gettext_lazy("attendance (考勤)")
    PAYROLL = "payroll", gettext_lazy("payroll (工资表)")
    LABOUR_COST = "labour_cost", gettext_lazy("labour-cost transfers (人工费用)")


# The monitoring layout's columns, then the registry's optional ones: a roster row may name
# a worker not yet on file (name, phone, trade); attendance may be monthly (month, days
# instead of day); a transfer may name the account it went to and the progress payment.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    FileKind.ROSTER: ("name", "phone", "trade"),
    FileKind.ATTENDANCE: ("month", "days"),
    FileKind.PAYROLL: (),
    FileKind.LABOUR_COST: ("account_number", "progress_payment"),
}
OPTIONAL = {"left_on", "employer_code", "day", "name", "phone", "trade", "month", "days"}
_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


def columns(kind: str) -> tuple[str, ...]:
    return tuple(name for name, _check in TABLES[kind]) + EXTRA_COLUMNS[kind]


def required_columns(kind: str) -> tuple[str, ...]:
    return tuple(
        name for name in columns(kind) if name not in OPTIONAL and name not in EXTRA_COLUMNS[kind]
    )


def _missing_message(missing: list[str]) -> str:
    return _("The file has no column for: %(fields)s.") % {"fields": ", ".join(missing)}


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    message = _("The CSV file is neither UTF-8 nor GB18030 text.")
    raise InvalidInput(message, extra={"fields": {"file": [message]}})


def read_rows(*, kind: str, content: bytes, filename: str) -> list[SheetRow]:
    """The file's rows under its header, by line (the header is line 1); an XLSX by its
    name ending or its zip signature, else CSV. A missing column refuses the file whole."""
    wanted = columns(kind)
    required = required_columns(kind)
    if filename.lower().endswith(".xlsx") or content.startswith(b"PK\x03\x04"):
        return sheet_rows(
            content,
            aliases={},
            fields=wanted,
            required=required,
            missing_message=_missing_message,
        )
    import_size_check(len(content))
    reader = csv.reader(io.StringIO(_decode(content), newline=""))
    try:
        headers = ["".join(name.split()).lower() for name in next(reader)]
    except StopIteration:
        return []
    if missing := [name for name in required if name not in headers]:
        raise InvalidInput(
            _missing_message(missing),
            extra={"fields": {name: [_("Missing column.")] for name in missing}},
        )
    rows = []
    line = reader.line_num
    for record in rows_limited(reader):
        first, line = line + 1, reader.line_num
        if any(cell.strip() for cell in record):
            values = {
                header: value
                for header, value in zip(headers, record, strict=False)
                if header in wanted
            }
            rows.append(SheetRow(first, values))
    return rows


# --- one row's values ---------------------------------------------------------------------


@dataclass(frozen=True)
class RegistryRow:
    """One row's checked values (those its kind has; the rest stay empty)."""

    project_code: str
    worker_id: str = ""
    name: str = ""
    phone: str = ""
    trade: str = ""
    employer_code: str = ""
    joined_on: dt.date | None = None
    left_on: dt.date | None = None
    day: dt.date | None = None
    month: str = ""
    days: int = 0
    amount: Decimal | None = None
    paid_on: dt.date | None = None
    via_wage_account: bool = False
    account_number: str = ""
    progress_payment: Decimal | None = None


def cell_month(value: object, errors: RowErrors, *, field: str, required: bool = True) -> str:
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    raw = cell_text(value)
    if not raw:
        if required:
            add_error(errors, field, _("Enter the month as YYYY-MM."))
        return ""
    if not _MONTH.match(raw):
        add_error(errors, field, _("Not a month: write it as YYYY-MM."))
        return ""
    return raw


def _flag(value: object, errors: RowErrors, *, field: str) -> bool:
    raw = cell_text(value)
    if raw not in ("1", "0"):
        add_error(errors, field, _("Write 1 (through the wage account) or 0."))
        return False
    return raw == "1"


def _required_date(value: object, errors: RowErrors, *, field: str) -> dt.date | None:
    day = cell_date(value, errors, field=field)
    if day is None and field not in errors:
        add_error(errors, field, _("Enter the date."))
    return day


def read_row(kind: str, row: SheetRow) -> tuple[RegistryRow, RowErrors]:
    """The row's values, checked field by field; the errors name every fault at once."""
    errors: RowErrors = {}
    get = row.values.get
    code = cell_text(get("project_code"))
    if not code:
        add_error(errors, "project_code", _("Enter the project code."))
    if kind == FileKind.LABOUR_COST:
        amount = cell_amount(get("amount"), errors, field="amount")
        if amount is not None and amount <= 0:
            add_error(errors, "amount", _("The amount must be more than zero."))
        elif amount is None and "amount" not in errors:
            add_error(errors, "amount", _("Enter the amount."))
        progress = cell_amount(get("progress_payment"), errors, field="progress_payment")
        return RegistryRow(
            project_code=code,
            month=cell_month(get("month"), errors, field="month"),
            amount=amount,
            paid_on=_required_date(get("transferred_on"), errors, field="transferred_on"),
            account_number="".join(cell_text(get("account_number")).split()).replace("-", ""),
            progress_payment=progress,
        ), errors
    worker_id = cell_id_number(get("worker_id"), errors, field="worker_id")
    if kind == FileKind.ROSTER:
        joined = _required_date(get("joined_on"), errors, field="joined_on")
        left = cell_date(get("left_on"), errors, field="left_on")
        if joined and left and left < joined:
            add_error(errors, "left_on", _("The worker cannot leave before joining."))
        return RegistryRow(
            project_code=code,
            worker_id=worker_id,
            name=cell_text(get("name"))[:50],
            phone=cell_phone(get("phone"), errors),
            trade=cell_text(get("trade"))[:50],
            employer_code=cell_text(get("employer_code")).upper(),
            joined_on=joined,
            left_on=left,
        ), errors
    if kind == FileKind.ATTENDANCE:
        day = cell_date(get("day"), errors, field="day")
        month, days = "", 1
        if day is not None:
            month = f"{day.year:04d}-{day.month:02d}"
        elif "day" not in errors:
            month = cell_month(get("month"), errors, field="month", required=False)
            count = cell_count(get("days"), errors, field="days")
            if not month:
                if "month" not in errors:
                    add_error(errors, "day", _("Enter the day, or the month and its days."))
            elif count is None or not 1 <= count <= 31:
                add_error(errors, "days", _("Enter the days present in the month (1 to 31)."))
            else:
                days = count
        return RegistryRow(
            project_code=code, worker_id=worker_id, day=day, month=month, days=days
        ), errors
    amount = cell_amount(get("amount"), errors, field="amount")
    if amount is None and "amount" not in errors:
        add_error(errors, "amount", _("Enter the amount."))
    elif amount == 0:
        add_error(errors, "amount", _("The amount must not be zero."))
    return RegistryRow(
        project_code=code,
        worker_id=worker_id,
        month=cell_month(get("wage_month"), errors, field="wage_month"),
        amount=amount,
        paid_on=_required_date(get("paid_on"), errors, field="paid_on"),
        via_wage_account=_flag(get("via_wage_account"), errors, field="via_wage_account"),
    ), errors
