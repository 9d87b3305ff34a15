"""Reading an XLSX sheet that people fill by hand: named columns, checked cells.

Rosters and claim lists arrive as workbooks from village grids and contractors.
``sheet_rows`` reads the first sheet under its header row (Chinese or English column
names); the ``cell_*`` functions turn one cell into a checked value or add a message to
the row's errors, so that an import names every fault of a row at once.

Every import (these sheets, the complaint files) obeys two limits,
``QINGLING_IMPORT_MAX_BYTES`` and ``QINGLING_IMPORT_MAX_ROWS``. A workbook is checked
before it is parsed (its size, what its zip unpacks to, the rows its first sheet
declares) and then read as a stream that stops at the first row over the limit: a small
file that unpacks to a million rows is refused in milliseconds, never held in memory.
"""

import dataclasses
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from qingling.core import clock
from qingling.core.exceptions import InvalidInput
from qingling.core.validators import validate_id_number, validate_mobile

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

RowErrors = dict[str, list[str]]
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
# Columns read from a sheet: no import has more than 30, and a cell far to the right
# (XFD1) must not make every row 16,384 cells long.
MAX_COLUMNS = 100
T = TypeVar("T")


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


# --- limits ----------------------------------------------------------------------------------


class ImportTooLarge(InvalidInput):
    """A file over an import's size or row limit; refused whole, nothing is imported."""

    def __init__(self, message: str, *, field: str = "file") -> None:
        super().__init__(message, extra={"fields": {field: [message]}})


def import_size_check(size: int | None, *, field: str = "file") -> None:
    """Refuse a file over ``QINGLING_IMPORT_MAX_BYTES`` (before reading it, when possible)."""
    limit = settings.QINGLING_IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise ImportTooLarge(
            _("The file is %(size)s; a file to import may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            field=field,
        )


def import_rows_exceeded(*, limit: int | None = None, field: str = "file") -> ImportTooLarge:
    """The error for a file with more rows than an import may have."""
    return ImportTooLarge(
        _(
            "The file has more than %(limit)s rows, the most one import may have; "
            "split it into smaller files."
        )
        % {"limit": f"{limit or settings.QINGLING_IMPORT_MAX_ROWS:,}"},
        field=field,
    )


def rows_limited(rows: Iterable[T], *, limit: int | None = None) -> Iterator[T]:
    """The rows, stopping with ``ImportTooLarge`` at the first one over the limit."""
    limit = limit or settings.QINGLING_IMPORT_MAX_ROWS
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise import_rows_exceeded(limit=limit)
        yield row


def _unreadable() -> InvalidInput:
    unreadable = _("The XLSX file cannot be read.")
    return InvalidInput(unreadable, extra={"fields": {"file": [unreadable]}})


def xlsx_open(content: bytes, *, max_rows: int | None = None) -> "Workbook":
    """The workbook, opened to be read as a stream (``read_only``), once it has passed the
    checks that need no parsing: its size, the size its parts unpack to (a zip's central
    directory declares it, and Python's zipfile reads no byte past it) and the rows its
    first sheet declares. The caller closes it; ``sheet_lines`` still counts the rows,
    since a sheet may declare none or lie."""
    from openpyxl import load_workbook

    import_size_check(len(content))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise _unreadable() from None
    if unpacked > settings.QINGLING_IMPORT_MAX_UNPACKED_BYTES:
        raise ImportTooLarge(
            _(
                "The workbook unpacks to %(size)s; a workbook to import may unpack "
                "to at most %(limit)s."
            )
            % {
                "size": filesizeformat(unpacked),
                "limit": filesizeformat(settings.QINGLING_IMPORT_MAX_UNPACKED_BYTES),
            }
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        declared = workbook.worksheets[0].max_row
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise _unreadable() from None
    limit = max_rows or settings.QINGLING_IMPORT_MAX_ROWS
    if declared is not None and declared - 1 > limit:  # the header row is not counted
        workbook.close()
        raise import_rows_exceeded(limit=limit)
    return workbook


def sheet_lines(
    workbook: "Workbook", *, max_rows: int | None = None
) -> Iterator[tuple[object, ...]]:
    """The first sheet's rows as value tuples, header first, at most ``MAX_COLUMNS`` wide;
    ``ImportTooLarge`` at the first row past the limit (empty rows count: a sheet whose
    one cell is A1048576 streams a million empty rows)."""
    lines = workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header = next(lines, None)
    if header is None:
        return
    yield header
    yield from rows_limited(lines, limit=max_rows)


def xlsx_rows_at_most(content: bytes, limit: int) -> bool:
    """Whether the first sheet has at most ``limit`` rows under its header, by what it
    declares or else by counting no more than ``limit + 1`` of them. A page asks this to
    run a small import at once and leave a large one to the worker; a file over the import
    limits is refused here (``ImportTooLarge``)."""
    workbook = xlsx_open(content)
    try:
        declared = workbook.worksheets[0].max_row
        if declared is not None and declared - 1 > limit:
            return False
        counted = sum(1 for _line in itertools.islice(sheet_lines(workbook), limit + 2))
        return counted - 1 <= limit
    finally:
        workbook.close()


def sheet_rows(
    content: bytes,
    *,
    aliases: Mapping[str, str],
    fields: Collection[str],
    required: Collection[str],
    missing_message: Callable[[list[str]], str],
    max_rows: int | None = None,
) -> list[SheetRow]:
    """The rows of the first sheet under its header row; empty rows are skipped.

    A file over the import limits (``max_rows``, by default ``QINGLING_IMPORT_MAX_ROWS``)
    raises ``ImportTooLarge`` before any row is returned, so nothing is half imported.
    """
    workbook = xlsx_open(content, max_rows=max_rows)
    try:
        lines = sheet_lines(workbook, max_rows=max_rows)
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
