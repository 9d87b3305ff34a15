"""A project's roster (实名制花名册) from a workbook (XLSX): reading it, one worker a row.

``parse_roster_xlsx`` reads the first sheet; its header row may use the Chinese column
names contractors write (姓名, 身份证号, 手机, 班组, 工种, 进场日期) or the English field
names (name, id_number, phone, team, trade, joined_on). ``read_roster_row`` checks one
row's values and says what is wrong with each field. The write is
``services.roster_import``: each row all or nothing, bad rows reported by line and
reason. Pure reading: no query, no write.
"""

import dataclasses
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingling.core import clock
from qingling.core.exceptions import InvalidInput
from qingling.core.validators import validate_id_number, validate_mobile

FIELDS = ("name", "id_number", "phone", "team", "trade", "joined_on")
REQUIRED = ("name", "id_number")
HEADER_ALIASES = {
    "姓名": "name",
    "工人姓名": "name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "手机": "phone",
    "手机号": "phone",
    "手机号码": "phone",
    "联系电话": "phone",
    "班组": "team",
    "所属班组": "team",
    "班组长": "team",
    "工种": "trade",
    "进场日期": "joined_on",
    "进场时间": "joined_on",
}
NAME_LIMIT = 50
TRADE_LIMIT = 50
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
TEAM_SUFFIXES = ("班组", "班")


@dataclass(frozen=True)
class RosterRow:
    """One row of the sheet: its line number in the workbook and its values by field."""

    line: int
    values: Mapping[str, object]


@dataclass(frozen=True)
class RosterValues:
    """One row's checked values; ``team`` is the leader's name as written ("" for none)."""

    name: str
    id_number: str
    phone: str
    team: str
    trade: str
    joined_on: dt.date | None


@dataclass(frozen=True)
class RosterImportFailure:
    line: int
    field: str  # a field name, or "__all__"
    message: str


@dataclass
class RosterImportResult:
    created: int = 0
    failed: int = 0
    failures: list[RosterImportFailure] = dataclasses.field(default_factory=list)


def _header(name: object) -> str:
    cleaned = "".join(str(name or "").split())
    return HEADER_ALIASES.get(cleaned, cleaned.lower())


def parse_roster_xlsx(content: bytes) -> list[RosterRow]:
    """The rows of the first sheet under its header row; empty rows are skipped."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        message = _("The XLSX file cannot be read.")
        raise InvalidInput(message, extra={"fields": {"file": [message]}}) from None
    try:
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        try:
            headers = [_header(name) for name in next(lines)]
        except StopIteration:
            return []
        missing = [field for field in REQUIRED if field not in headers]
        if missing:
            message = _("The sheet has no column for: %(fields)s (姓名, 身份证号).") % {
                "fields": ", ".join(missing)
            }
            raise InvalidInput(message, extra={"fields": {"file": [message]}})
        rows = []
        for number, record in enumerate(lines, start=2):
            if any(value is not None and str(value).strip() for value in record):
                values = {
                    header: value
                    for header, value in zip(headers, record, strict=False)
                    if header in FIELDS
                }
                rows.append(RosterRow(number, values))
        return rows
    finally:
        workbook.close()


# --- reading one row -----------------------------------------------------------------------

FieldErrors = dict[str, list[str]]


def _add(errors: FieldErrors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _id_number(value: object, errors: FieldErrors) -> str:
    if isinstance(value, float):
        # Excel keeps 15 significant digits of a number: the last digits of an ID number
        # typed into a number cell are gone and cannot be recovered.
        _add(
            errors,
            "id_number",
            _(
                "The ID number was stored as a number and lost its last digits; "
                "format the column as text and type it again."
            ),
        )
        return ""
    raw = _text(value)
    if not raw:
        _add(errors, "id_number", _("Enter the worker's ID number."))
        return ""
    try:
        return validate_id_number(raw, today=clock.local_today())
    except ValidationError as error:
        _add(errors, "id_number", " ".join(error.messages))
        return ""


def _phone(value: object, errors: FieldErrors) -> str:
    raw = _text(value)
    if not raw:
        return ""
    try:
        return validate_mobile(raw)
    except ValidationError as error:
        _add(errors, "phone", " ".join(error.messages))
        return ""


def _date(value: object, errors: FieldErrors) -> dt.date | None:
    if isinstance(value, dt.datetime):  # a date cell
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = _text(value)
    if not raw:
        return None
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    _add(
        errors,
        "joined_on",
        _("“%(value)s” is not a date; write it as 2026-03-01.") % {"value": raw[:20]},
    )
    return None


def team_leader_names(written: str) -> list[str]:
    """The leader's names a team cell may mean: as written, then without 班组/班."""
    return [written] + [
        written.removesuffix(suffix).strip()
        for suffix in TEAM_SUFFIXES
        if written.endswith(suffix) and len(written) > len(suffix)
    ]


def read_roster_row(row: RosterRow) -> tuple[RosterValues, FieldErrors]:
    """The row's values, checked; the errors say which field is wrong and why."""
    errors: FieldErrors = {}
    name = _text(row.values.get("name"))
    if not name:
        _add(errors, "name", _("Enter the worker's name."))
    elif len(name) > NAME_LIMIT:
        _add(errors, "name", _("At most %(limit)d characters.") % {"limit": NAME_LIMIT})
    trade = _text(row.values.get("trade"))
    if len(trade) > TRADE_LIMIT:
        _add(errors, "trade", _("At most %(limit)d characters.") % {"limit": TRADE_LIMIT})
    values = RosterValues(
        name=name,
        id_number=_id_number(row.values.get("id_number"), errors),
        phone=_phone(row.values.get("phone"), errors),
        team=_text(row.values.get("team")),
        trade=trade,
        joined_on=_date(row.values.get("joined_on"), errors),
    )
    return values, errors
