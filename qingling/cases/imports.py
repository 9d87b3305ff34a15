"""Claims from a roster workbook (XLSX): one worker a row, added to a case.

``parse_claims_xlsx`` reads the first sheet; its header row may use the Chinese column
names bureaus and contractors write (姓名, 身份证号, 手机, 欠薪金额) or the English field
names (name, id_number, phone, claimed). ``claims_import`` adds each row through
``services.claim_add``, each in its own transaction: a bad row is reported by its line
and reason (which part of an ID number is wrong, a worker twice in the file or already
in the case, a bad amount) and the other rows go on.
"""

import dataclasses
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingling.cases import services
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case
from qingling.core import clock
from qingling.core.exceptions import ApplicationError, Conflict, Forbidden, InvalidInput
from qingling.core.services import Actor
from qingling.core.validators import validate_id_number, validate_mobile

FIELDS = ("name", "id_number", "phone", "claimed")
REQUIRED = ("name", "id_number", "claimed")
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
    "欠薪金额": "claimed",
    "欠薪金额（元）": "claimed",
    "欠薪金额(元)": "claimed",
    "金额": "claimed",
}
NAME_LIMIT = 50


@dataclass(frozen=True)
class ClaimRow:
    """One row of the sheet: its line number in the workbook and its values by field."""

    line: int
    values: Mapping[str, object]


@dataclass(frozen=True)
class ClaimsImportFailure:
    line: int
    field: str  # a field name, or "__all__"
    message: str


@dataclass
class ClaimsImportResult:
    created: int = 0
    failed: int = 0
    failures: list[ClaimsImportFailure] = dataclasses.field(default_factory=list)


def _header(name: object) -> str:
    cleaned = "".join(str(name or "").split())
    return HEADER_ALIASES.get(cleaned, cleaned.lower())


def parse_claims_xlsx(content: bytes) -> list[ClaimRow]:
    """The rows of the first sheet under its header row; empty rows are skipped."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise InvalidInput(
            _("The XLSX file cannot be read."),
            extra={"fields": {"file": [_("Not an XLSX workbook.")]}},
        ) from None
    try:
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        try:
            headers = [_header(name) for name in next(lines)]
        except StopIteration:
            return []
        missing = [field for field in REQUIRED if field not in headers]
        if missing:
            raise InvalidInput(
                _("The sheet has no column for: %(fields)s (姓名, 身份证号, 欠薪金额).")
                % {"fields": ", ".join(missing)},
                extra={"fields": {field: [_("Missing column.")] for field in missing}},
            )
        rows = []
        for number, record in enumerate(lines, start=2):
            if any(value is not None and str(value).strip() for value in record):
                values = {
                    header: value
                    for header, value in zip(headers, record, strict=False)
                    if header in FIELDS
                }
                rows.append(ClaimRow(number, values))
        return rows
    finally:
        workbook.close()


# --- reading one row -----------------------------------------------------------------------


class _RowErrors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _id_number(value: object, errors: _RowErrors) -> str:
    if isinstance(value, float):
        # Excel keeps 15 significant digits of a number: the last digits of an ID number
        # typed into a number cell are gone and cannot be recovered.
        errors.add(
            "id_number",
            _(
                "The ID number was stored as a number and lost its last digits; "
                "format the column as text and type it again."
            ),
        )
        return ""
    raw = _text(value)
    if not raw:
        errors.add("id_number", _("Enter the worker's ID number."))
        return ""
    try:
        return validate_id_number(raw, today=clock.local_today())
    except ValidationError as error:
        errors.add("id_number", " ".join(error.messages))
        return ""


def _phone(value: object, errors: _RowErrors) -> str:
    raw = _text(value)
    if not raw:
        return ""
    try:
        return validate_mobile(raw)
    except ValidationError as error:
        errors.add("phone", " ".join(error.messages))
        return ""


def _amount(value: object, errors: _RowErrors) -> Decimal | None:
    if isinstance(value, bool):
        value = None
    if isinstance(value, float):
        value = repr(value)  # the shortest text that reads back as the same float
    raw = _text(value).removesuffix("元").replace(",", "").replace("，", "")
    if not raw:
        errors.add("claimed", _("Enter the amount owed."))
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        errors.add("claimed", _("“%(value)s” is not an amount in yuan.") % {"value": raw[:20]})
        return None
    if not amount.is_finite():
        errors.add("claimed", _("“%(value)s” is not an amount in yuan.") % {"value": raw[:20]})
        return None
    if amount <= 0:
        errors.add("claimed", _("The amount must be more than zero."))
        return None
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        errors.add("claimed", _("At most two decimal places (fen)."))
        return None
    return amount.quantize(Decimal("0.01"))


# --- the service -----------------------------------------------------------------------------


def claims_import(
    *,
    case: Case,
    rows: Iterable[ClaimRow],
    actor: Actor,
    progress: Callable[[int, ClaimsImportResult], None] | None = None,
) -> ClaimsImportResult:
    """Add a claim for each row; bad rows are reported and the rest go on.

    Each row is all or nothing (its own transaction around ``claim_add``, which registers
    the worker when the ID number is new). The same ID number twice in the file is
    reported on its second line; a worker who already has a claim in the case likewise.
    """
    if not services.case_step_actors(case, actor):
        raise Forbidden(_("Only the case's inspectors or a chief may change it."))
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")
    result = ClaimsImportResult()
    seen: dict[str, int] = {}  # ID number → the line it first appeared on
    for done, row in enumerate(rows, start=1):
        errors = _RowErrors()
        name = _text(row.values.get("name"))
        if not name:
            errors.add("name", _("Enter the worker's name."))
        elif len(name) > NAME_LIMIT:
            errors.add("name", _("At most %(limit)d characters.") % {"limit": NAME_LIMIT})
        id_number = _id_number(row.values.get("id_number"), errors)
        phone = _phone(row.values.get("phone"), errors)
        claimed = _amount(row.values.get("claimed"), errors)
        if id_number and id_number in seen:
            errors.add(
                "id_number",
                _("The same worker (ID number) is already on line %(line)d of this file.")
                % {"line": seen[id_number]},
            )
        elif id_number:
            seen[id_number] = row.line
        if not errors.fields:
            assert claimed is not None
            try:
                with transaction.atomic():
                    services.claim_add(
                        case=case,
                        name=name,
                        id_number=id_number,
                        phone=phone,
                        claimed=claimed,
                        actor=actor,
                    )
            except Conflict as error:
                if error.code != "claim_duplicate":
                    raise
                errors.add("id_number", error.message)
            except ApplicationError as error:
                if isinstance(error, Forbidden):
                    raise
                fields: dict[str, Any] = error.extra.get("fields") or {"__all__": [error.message]}
                for field, messages in fields.items():
                    for message in messages:
                        errors.add(field, str(message))
            else:
                result.created += 1
        if errors.fields:
            result.failed += 1
            result.failures.extend(
                ClaimsImportFailure(row.line, field, message)
                for field, messages in errors.fields.items()
                for message in messages
            )
        if progress is not None:
            progress(done, result)
    return result
