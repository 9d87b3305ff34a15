"""Claims from a roster workbook (XLSX): one worker a row, added to a case.

``parse_claims_xlsx`` reads the first sheet; its header row may use the Chinese column
names bureaus and contractors write (姓名, 身份证号, 手机, 欠薪金额) or the English field
names (name, id_number, phone, claimed). ``claims_import`` adds each row through
``services.claim_add``, each in its own transaction: a bad row is reported by its line
and reason (which part of an ID number is wrong, a worker twice in the file or already
in the case, a bad amount) and the other rows go on.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qingling.cases import selectors, services
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case
from qingling.core.exceptions import ApplicationError, Conflict, Forbidden, NotFound
from qingling.core.services import Actor
from qingling.core.workbooks import (
    RowErrors,
    RowFailure,
    SheetImportResult,
    SheetRow,
    add_error,
    cell_amount,
    cell_id_number,
    cell_phone,
    cell_text,
    sheet_rows,
)

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


ClaimRow = SheetRow


ClaimsImportFailure = RowFailure


ClaimsImportResult = SheetImportResult


def parse_claims_xlsx(content: bytes) -> list[ClaimRow]:
    """The rows of the first sheet under its header row; empty rows are skipped."""
    return sheet_rows(
        content,
        aliases=HEADER_ALIASES,
        fields=FIELDS,
        required=REQUIRED,
        missing_message=lambda missing: (
            _("The sheet has no column for: %(fields)s (姓名, 身份证号, 欠薪金额).")
            % {"fields": ", ".join(missing)}
        ),
    )


# --- reading one row -----------------------------------------------------------------------


def _amount(value: object, errors: RowErrors) -> Decimal | None:
    amount = cell_amount(value, errors, field="claimed")
    if amount is None:
        if "claimed" not in errors:
            add_error(errors, "claimed", _("Enter the amount owed."))
        return None
    if amount <= 0:
        add_error(errors, "claimed", _("The amount must be more than zero."))
        return None
    return amount


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
    services.case_writable_check(case)
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")
    result = ClaimsImportResult()
    seen: dict[str, int] = {}  # ID number → the line it first appeared on
    for done, row in enumerate(rows, start=1):
        errors: RowErrors = {}
        name = cell_text(row.values.get("name"))
        if not name:
            add_error(errors, "name", _("Enter the worker's name."))
        elif len(name) > NAME_LIMIT:
            add_error(errors, "name", _("At most %(limit)d characters.") % {"limit": NAME_LIMIT})
        id_number = cell_id_number(row.values.get("id_number"), errors)
        phone = cell_phone(row.values.get("phone"), errors)
        claimed = _amount(row.values.get("claimed"), errors)
        if id_number and id_number in seen:
            add_error(
                errors,
                "id_number",
                _("The same worker (ID number) is already on line %(line)d of this file.")
                % {"line": seen[id_number]},
            )
        elif id_number:
            seen[id_number] = row.line
        if not errors:
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
                add_error(errors, "id_number", error.message)
            except ApplicationError as error:
                if isinstance(error, Forbidden):
                    raise
                fields: dict[str, Any] = error.extra.get("fields") or {"__all__": [error.message]}
                for field, messages in fields.items():
                    for message in messages:
                        add_error(errors, field, str(message))
            else:
                result.created += 1
        if errors:
            result.failed += 1
            result.failures.extend(
                ClaimsImportFailure(row.line, field, message)
                for field, messages in errors.items()
                for message in messages
            )
        if progress is not None:
            progress(done, result)
    return result


def claims_import_file(
    *,
    content: bytes,
    actor: Actor,
    case: str,
    progress: Callable[[int, int], None] | None = None,
) -> ClaimsImportResult:
    """A large claims workbook, run by the worker (``QINGLING_IMPORT_KINDS["cases.claims"]``)
    as the member of staff who uploaded it, for the case with the public id ``case``."""
    found = selectors.case_list_for_user(user=actor).filter(public_id=case).first()
    if found is None:
        raise NotFound(_("Not found."))
    rows = parse_claims_xlsx(content)

    def each(done: int, _result: ClaimsImportResult) -> None:
        if progress is not None:
            progress(done, len(rows))

    return claims_import(case=found, rows=rows, actor=actor, progress=each)
