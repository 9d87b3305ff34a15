"""The workers of a group complaint from a sheet (CSV or XLSX), one worker a row.

Columns by the API's names or the Chinese ones a contractor's list uses (姓名, 手机号码,
身份证号码, 金额). Each row becomes a ``WorkerEntry`` carrying its line, so that the
service's refusal names the line; a cell that cannot be read (an amount that is no
number, an ID number Excel turned into a number) is reported by line here. The import
limits of ``core.workbooks`` apply to both kinds of file.
"""

import csv
import io

from django.utils.translation import gettext as _

from qingling.core.exceptions import InvalidInput
from qingling.core.workbooks import (
    RowErrors,
    SheetRow,
    cell_amount,
    cell_text,
    import_size_check,
    rows_limited,
    sheet_rows,
)
from qingling.intake.channels.base import FieldErrors, WorkerEntry

FIELDS = ("name", "phone", "id_number", "amount")
ALIASES = {
    "姓名": "name",
    "工人姓名": "name",
    "手机": "phone",
    "手机号": "phone",
    "手机号码": "phone",
    "联系电话": "phone",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "金额": "amount",
    "欠薪金额": "amount",
    "欠薪金额（元）": "amount",
    "欠薪金额(元)": "amount",
    "amount_owed": "amount",
}


def _missing(missing: list[str]) -> str:
    return _("The sheet needs the columns: %(columns)s.") % {"columns": ", ".join(missing)}


def _csv_rows(content: bytes) -> list[SheetRow]:
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = content.decode("gb18030", errors="replace")
    reader = csv.reader(io.StringIO(decoded, newline=""))
    header = next(reader, None)
    if header is None:
        return []
    names = [ALIASES.get("".join(h.split()), "".join(h.split()).lower()) for h in header]
    if "name" not in names:
        message = _missing(["name"])
        raise InvalidInput(message, extra={"fields": {"file": [message]}})
    return [
        SheetRow(line, {n: v for n, v in zip(names, record, strict=False) if n in FIELDS})
        for line, record in enumerate(rows_limited(reader), start=2)
        if any(v.strip() for v in record)
    ]


def worker_sheet_entries(
    content: bytes, *, filename: str, errors: FieldErrors
) -> list[WorkerEntry]:
    """The sheet's rows as worker entries; unreadable cells go to ``errors`` by line."""
    import_size_check(len(content))
    if filename.lower().endswith(".csv"):
        rows = _csv_rows(content)
    else:
        rows = sheet_rows(
            content, aliases=ALIASES, fields=FIELDS, required=("name",), missing_message=_missing
        )
    entries = []
    for row in rows:
        row_errors: RowErrors = {}
        raw_id = row.values.get("id_number")
        if isinstance(raw_id, float):
            errors.add(
                "workers",
                _("Line %(line)d: the ID number was stored as a number and lost its last digits.")
                % {"line": row.line},
            )
            continue
        amount = cell_amount(row.values.get("amount"), row_errors, field="amount")
        for messages in row_errors.values():
            for message in messages:
                errors.add("workers", f"{_('Line %(line)d') % {'line': row.line}}: {message}")
        entries.append(
            WorkerEntry(
                name=cell_text(row.values.get("name")),
                phone=cell_text(row.values.get("phone")),
                id_number=cell_text(raw_id),
                amount=amount,
                line=row.line,
            )
        )
    return entries
