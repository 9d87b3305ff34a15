"""Reading an XLSX sheet that people fill by hand: named columns, checked cells.

Rosters and claim lists arrive as workbooks from village grids and contractors.
``sheet_rows`` reads the first sheet under its header row (Chinese or English column
names); the ``cell_*`` functions turn one cell into a checked value or add a message to
the row's errors, so that an import names every fault of a row at once.
"""

import dataclasses
import datetime as dt
import io
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingling.core import clock
from qingling.core.exceptions import InvalidInput
from qingling.core.validators import validate_id_number, validate_mobile

RowErrors = dict[str, list[str]]
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


@dataclass(frozen=True)
class SheetRow:
    """One row: its line number in the workbook and its values by field name."""

    line: int
    values: Mapping[str, object]


@dataclass(frozen=True)
class RowFailure:
    """Why one row of an import was refused; ``field`` is a field name or "__all__"."""

    line: int
    field: str
    message: str


@dataclass
class SheetImportResult:
    created: int = 0
    updated: int = 0  # rows that changed a record already on file (an import run again)
    failed: int = 0
    failures: list[RowFailure] = dataclasses.field(default_factory=list)


def sheet_rows(
    content: bytes,
    *,
    aliases: Mapping[str, str],
    fields: Collection[str],
    required: Collection[str],
    missing_message: Callable[[list[str]], str],
) -> list[SheetRow]:
    """The rows of the first sheet under its header row; empty rows are skipped."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        unreadable = _("The XLSX file cannot be read.")
        raise InvalidInput(unreadable, extra={"fields": {"file": [unreadable]}}) from None
    try:
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        try:
            headers = [_header(name, aliases) for name in next(lines)]
        except StopIteration:
            return []
        if missing := [field for field in required if field not in headers]:
            raise InvalidInput(
                missing_message(missing),
                extra={"fields": {field: [_("Missing column.")] for field in missing}},
            )
        return [
            SheetRow(
                number,
                {
                    header: value
                    for header, value in zip(headers, record, strict=False)
                    if header in fields
                },
            )
            for number, record in enumerate(lines, start=2)
            if any(value is not None and str(value).strip() for value in record)
        ]
    finally:
        workbook.close()


def _header(name: object, aliases: Mapping[str, str]) -> str:
    cleaned = "".join(str(name or "").split())
    return aliases.get(cleaned, cleaned.lower())


def add_error(errors: RowErrors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def cell_id_number(value: object, errors: RowErrors, *, field: str = "id_number") -> str:
    if isinstance(value, float):
        # Excel keeps 15 significant digits of a number: the last digits of an ID number
        # typed into a number cell are gone and cannot be recovered.
        add_error(
            errors,
            field,
            _(
                "The ID number was stored as a number and lost its last digits; "
                "format the column as text and type it again."
            ),
        )
        return ""
    raw = cell_text(value)
    if not raw:
        add_error(errors, field, _("Enter the worker's ID number."))
        return ""
    try:
        return validate_id_number(raw, today=clock.local_today())
    except ValidationError as error:
        add_error(errors, field, " ".join(error.messages))
        return ""


def cell_phone(value: object, errors: RowErrors, *, field: str = "phone") -> str:
    raw = cell_text(value)
    if not raw:
        return ""
    try:
        return validate_mobile(raw)
    except ValidationError as error:
        add_error(errors, field, " ".join(error.messages))
        return ""


def cell_date(value: object, errors: RowErrors, *, field: str) -> dt.date | None:
    """A date cell, or a date typed as text in the usual ways; None when blank."""
    if isinstance(value, dt.datetime):  # a date cell
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = cell_text(value)
    if not raw:
        return None
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    add_error(
        errors, field, _("“%(value)s” is not a date; write it as 2026-03-01.") % {"value": raw[:20]}
    )
    return None


def cell_amount(value: object, errors: RowErrors, *, field: str) -> Decimal | None:
    """Yuan to the fen ("12,000元", 12000.5); None when blank, an error when not an amount
    or finer than a fen. Whether zero or a blank is allowed is the caller's rule."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, float):
        value = repr(value)  # the shortest text that reads back as the same float
    raw = cell_text(value).removesuffix("元").replace(",", "").replace("，", "")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        add_error(errors, field, _("“%(value)s” is not an amount in yuan.") % {"value": raw[:20]})
        return None
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        add_error(errors, field, _("At most two decimal places (fen)."))
        return None
    return amount.quantize(Decimal("0.01"))


def cell_count(value: object, errors: RowErrors, *, field: str) -> int | None:
    """A whole number ("30", 30, "30人"); None when blank."""
    text = cell_text(value).removesuffix("人")
    if not text:
        return None
    if not text.isdigit():
        add_error(errors, field, _("Write a whole number."))
        return None
    return int(text)
