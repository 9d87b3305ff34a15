"""Work orders (12345 工单) and transfer orders (转办单) as data: pushed or in a file.

The REST API, the Open311 facade and the file import all read the same fields
(``source_ref``, ``name``, ``phone``, ``employer_name``, ``amount``, …);
``work_order_draft`` turns one such mapping into a ``ComplaintDraft`` and collects
every bad field. ``parse_file`` reads a JSON list of objects, a CSV file (UTF-8 with
or without BOM, or GB18030 as Excel on a Chinese PC writes it) or the first sheet
of an XLSX workbook; CSV and XLSX headers may be the API's field names or the
Chinese column names the hotline systems export. Every file obeys the import limits
(``QINGLING_IMPORT_MAX_BYTES``, ``QINGLING_IMPORT_MAX_ROWS``; ``core.workbooks``): its
size is checked before it is read, and its rows are counted as they stream.
"""

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from qingling.core import clock
from qingling.core.exceptions import InvalidInput
from qingling.core.workbooks import (
    import_rows_exceeded,
    import_size_check,
    rows_limited,
    sheet_lines,
    xlsx_open,
)
from qingling.intake.channels.base import (
    ComplaintDraft,
    FieldErrors,
    bool_value,
    decimal_or_none,
    int_or_none,
    text,
)

FIELDS = (
    "source_ref",
    "kind",
    "anonymous",
    "name",
    "id_number",
    "phone",
    "employer_name",
    "project_name",
    "division_code",
    "amount",
    "headcount",
    "period",
    "narrative",
    "received_at",
)
# Column names of the hotline and platform exports, mapped to the API's field names.
HEADER_ALIASES = {
    "工单编号": "source_ref",
    "工单号": "source_ref",
    "转办单号": "source_ref",
    "转办单编号": "source_ref",
    "线索编号": "source_ref",
    "类型": "kind",
    "诉求类型": "kind",
    "匿名": "anonymous",
    "是否匿名": "anonymous",
    "姓名": "name",
    "反映人": "name",
    "来电人": "name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "联系电话": "phone",
    "手机": "phone",
    "手机号": "phone",
    "手机号码": "phone",
    "用人单位": "employer_name",
    "欠薪单位": "employer_name",
    "项目名称": "project_name",
    "项目": "project_name",
    "区划代码": "division_code",
    "行政区划代码": "division_code",
    "金额": "amount",
    "欠薪金额": "amount",
    "欠薪金额（元）": "amount",
    "欠薪金额(元)": "amount",
    "人数": "headcount",
    "欠薪人数": "headcount",
    "欠薪期间": "period",
    "欠薪时间段": "period",
    "诉求内容": "narrative",
    "反映内容": "narrative",
    "工单内容": "narrative",
    "来电时间": "received_at",
    "受理时间": "received_at",
    "转办时间": "received_at",
}
KIND_ALIASES = {"投诉": "complaint", "举报": "report"}
NARRATIVE_LIMIT = 5000
SOURCE_REF_LIMIT = 64
# A clock difference between the source system and ours is tolerated; more is an error.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class ImportRow:
    """One record of a file: its line (CSV, XLSX) or position (JSON), and its values.

    ``problem`` says why a record could not be read at all (a JSON item that is no object).
    """

    line: int
    values: Mapping[str, object]
    problem: str = ""


@dataclass(frozen=True)
class WorkOrder:
    draft: ComplaintDraft
    received_at: dt.datetime | None
    errors: FieldErrors


def _received_at(raw: Mapping[str, object], errors: FieldErrors) -> dt.datetime | None:
    value = raw.get("received_at")
    if value in (None, ""):
        return None
    moment: dt.datetime | None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        string = str(value).strip().replace("/", "-")
        try:
            moment = parse_datetime(string)
            if moment is None and (day := parse_date(string)) is not None:
                moment = dt.datetime.combine(day, dt.time())
        except ValueError:
            moment = None
    if moment is None:
        errors.add("received_at", _("Enter a date and time such as 2021-02-08T09:30:00+08:00."))
        return None
    if timezone.is_naive(moment):  # local time of the bureau, as the hotlines write it
        moment = timezone.make_aware(moment)
    if moment > clock.now() + FUTURE_TOLERANCE:
        errors.add("received_at", _("The time of receipt cannot be in the future."))
        return None
    return moment


def work_order_draft(raw: Mapping[str, object], *, require_source_ref: bool = True) -> WorkOrder:
    """Read one work order; bad fields go to ``errors`` (nothing is raised here)."""
    errors = FieldErrors()
    source_ref = text(raw, "source_ref", limit=SOURCE_REF_LIMIT, errors=errors)
    if require_source_ref and not source_ref:
        errors.add("source_ref", _("Give the source system's own number of this order."))
    kind = text(raw, "kind") or "complaint"
    amount_raw = raw.get("amount")
    if isinstance(amount_raw, str):
        amount_raw = amount_raw.strip().removesuffix("元")
    draft = ComplaintDraft(
        kind=KIND_ALIASES.get(kind, kind),
        anonymous=bool_value(raw, "anonymous"),
        name=text(raw, "name", limit=50, errors=errors),
        id_number=text(raw, "id_number", limit=18, errors=errors),
        phone=text(raw, "phone", limit=20, errors=errors),
        employer_name=text(raw, "employer_name", errors=errors),
        project_name=text(raw, "project_name", errors=errors),
        division_code=text(raw, "division_code", limit=12, errors=errors),
        amount=decimal_or_none({"amount": amount_raw}, "amount", errors),
        headcount=int_or_none(raw, "headcount", errors),
        period=text(raw, "period", limit=100, errors=errors),
        narrative=text(raw, "narrative", limit=NARRATIVE_LIMIT, errors=errors),
        source_ref=source_ref,
    )
    return WorkOrder(draft=draft, received_at=_received_at(raw, errors), errors=errors)


# --- files --------------------------------------------------------------------------------


def _header(name: object) -> str:
    cleaned = "".join(str(name or "").split())
    return HEADER_ALIASES.get(cleaned, cleaned.lower())


def _cell(value: object) -> object:
    """Excel stores a phone number or a headcount as a float; give back the integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return "" if value is None else value


def _check_headers(headers: list[str]) -> None:
    if "source_ref" not in headers:
        raise InvalidInput(
            _("The file has no column for the order number (source_ref, 工单编号 or 转办单号)."),
            extra={"fields": {"source_ref": [_("Missing column.")]}},
        )


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidInput(
                _("The CSV file is neither UTF-8 nor GB18030 text."),
                extra={"fields": {"file": [_("Unreadable text.")]}},
            ) from None


def parse_csv(content: bytes) -> list[ImportRow]:
    import_size_check(len(content))
    reader = csv.reader(io.StringIO(_decode(content), newline=""))
    try:
        headers = [_header(name) for name in next(reader)]
    except StopIteration:
        return []
    _check_headers(headers)
    rows = []
    line = reader.line_num
    for record in rows_limited(reader):
        first, line = line + 1, reader.line_num
        if any(cell.strip() for cell in record):
            rows.append(ImportRow(first, dict(zip(headers, record, strict=False))))
    return rows


def parse_json(content: bytes) -> list[ImportRow]:
    import_size_check(len(content))
    try:
        data = json.loads(_decode(content))
    except json.JSONDecodeError as error:
        raise InvalidInput(
            _("The JSON file is not valid: %(error)s") % {"error": error.msg},
            extra={"fields": {"file": [_("Not JSON.")]}},
        ) from None
    if not isinstance(data, list):
        raise InvalidInput(
            _("The JSON file must hold a list of orders."),
            extra={"fields": {"file": [_("Not a list.")]}},
        )
    if len(data) > settings.QINGLING_IMPORT_MAX_ROWS:
        raise import_rows_exceeded()
    return [
        ImportRow(number, item)
        if isinstance(item, dict)
        else ImportRow(number, {}, problem=_("Each order must be a JSON object."))
        for number, item in enumerate(data, start=1)
    ]


def parse_xlsx(content: bytes) -> list[ImportRow]:
    workbook = xlsx_open(content)
    try:
        lines = sheet_lines(workbook)
        try:
            headers = [_header(name) for name in next(lines)]
        except StopIteration:
            return []
        _check_headers(headers)
        rows = []
        for number, record in enumerate(lines, start=2):
            values: list[Any] = [_cell(value) for value in record]
            if any(str(value).strip() for value in values):
                rows.append(ImportRow(number, dict(zip(headers, values, strict=False))))
        return rows
    finally:
        workbook.close()


PARSERS = {".json": parse_json, ".csv": parse_csv, ".xlsx": parse_xlsx}


def parse_file(path: Path) -> list[ImportRow]:
    """The rows of a JSON, CSV or XLSX file, chosen by its extension; a file over the
    import's size limit is refused before it is read."""
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise InvalidInput(
            _("Import a .json, .csv or .xlsx file."),
            extra={"fields": {"file": [path.suffix or path.name]}},
        )
    import_size_check(path.stat().st_size)
    return parser(path.read_bytes())


# The register service names a few fields as the model does; a work order names them so.
MODEL_TO_WORK_ORDER = {"division": "division_code", "amount_claimed": "amount"}


def work_order_fields(fields: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Field errors under the names a source system sent (``division`` → ``division_code``)."""
    renamed: dict[str, list[str]] = {}
    for name, messages in fields.items():
        renamed.setdefault(MODEL_TO_WORK_ORDER.get(name, name), []).extend(messages)
    return renamed
