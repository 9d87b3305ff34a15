"""Batch entry of a team's claims or payments: checked first, then saved all or nothing.

The case page's batch grid (``views/batches.py``) sends rows typed or pasted from a
spreadsheet, or an uploaded sheet's rows (``imports.parse_claims_xlsx``,
``parse_payments_xlsx``). ``claims_batch`` and ``payments_batch`` run each row through the
same services as one entry (``services.claim_add`` by way of ``imports.claims_import``,
``services.payment_record_for_worker``), inside one transaction for the whole batch:

- checking (``save=False``, the preview) rolls the transaction back, so the preview says
  exactly what saving would say — a worker already in the case or twice in the batch, a
  bad ID number, more paid than outstanding — and nothing is written or audited;
- saving (``save=True``) keeps the batch only when every row is taken. One bad row and
  nothing of the batch is saved: its line and reason are shown, the rows stay in the grid.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from qingling.cases import services
from qingling.cases.imports import claims_import
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, Payment
from qingling.core.exceptions import ApplicationError, Conflict, Forbidden
from qingling.core.services import Actor
from qingling.core.workbooks import (
    RowErrors,
    RowFailure,
    SheetImportResult,
    SheetRow,
    add_error,
    cell_amount,
    cell_date,
    cell_id_number,
    cell_text,
    sheet_rows,
)

BATCH_MAX_ROWS = 500  # a grid of more rows is a sheet for the worker (the claims import)

CLAIM_FIELDS = ("name", "id_number", "phone", "claimed")
PAYMENT_FIELDS = ("id_number", "name", "amount", "paid_on", "payer_kind", "method", "voucher")
PAYMENT_REQUIRED = ("id_number", "amount")
PAYMENT_HEADER_ALIASES = {
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "姓名": "name",
    "工人姓名": "name",
    "金额": "amount",
    "支付金额": "amount",
    "发放金额": "amount",
    "支付金额（元）": "amount",
    "支付金额(元)": "amount",
    "支付日期": "paid_on",
    "发放日期": "paid_on",
    "日期": "paid_on",
    "支付方": "payer_kind",
    "付款方": "payer_kind",
    "支付方式": "method",
    "方式": "method",
    "凭证号": "voucher",
    "凭证号码": "voucher",
}


def _payer_kinds() -> dict[str, str]:
    """Who paid, by its code or its label in either language, or a short Chinese word."""
    kinds: dict[str, str] = {}
    for value, label in Payment.Payer.choices:
        kinds[value] = value
        kinds[str(label).lower()] = value
    kinds.update(
        {
            "用人单位": Payment.Payer.EMPLOYER,
            "单位": Payment.Payer.EMPLOYER,
            "总包": Payment.Payer.GENERAL_CONTRACTOR,
            "先行清偿": Payment.Payer.GENERAL_CONTRACTOR,
            "建设单位": Payment.Payer.BUILDER,
            "垫付": Payment.Payer.BUILDER,
            "工资保证金": Payment.Payer.DEPOSIT,
            "保证金": Payment.Payer.DEPOSIT,
            "应急周转金": Payment.Payer.EMERGENCY_FUND,
        }
    )
    return kinds


def parse_payments_xlsx(content: bytes) -> list[SheetRow]:
    """The payment rows of a sheet's first page (身份证号, 支付金额, 支付日期 …)."""
    return sheet_rows(
        content,
        aliases=PAYMENT_HEADER_ALIASES,
        fields=PAYMENT_FIELDS,
        required=PAYMENT_REQUIRED,
        missing_message=lambda missing: (
            _("The sheet has no column for: %(fields)s (身份证号, 支付金额).")
            % {"fields": ", ".join(missing)}
        ),
    )


def batch_rows(values: Iterable[Mapping[str, object]]) -> list[SheetRow]:
    """The grid's rows as sheet rows: numbered from 1 as the grid shows them; a row left
    wholly blank is skipped (its number stays, so the lines match the grid)."""
    return [
        SheetRow(line, dict(row))
        for line, row in enumerate(values, start=1)
        if any(cell_text(value) for value in row.values())
    ]


def _too_many(rows: list[SheetRow]) -> SheetImportResult | None:
    if len(rows) <= BATCH_MAX_ROWS:
        return None
    result = SheetImportResult(failed=len(rows))
    result.failures.append(
        RowFailure(
            0,
            "__all__",
            _("A batch has at most %(n)d rows; import a larger sheet from the case page.")
            % {"n": BATCH_MAX_ROWS},
        )
    )
    return result


def claims_batch(
    *, case: Case, rows: list[SheetRow], actor: Actor, save: bool
) -> SheetImportResult:
    """Check or save a batch of claims (one worker a row), all or nothing."""
    if (refused := _too_many(rows)) is not None:
        return refused
    with transaction.atomic():
        result = claims_import(case=case, rows=rows, actor=actor)
        if result.failures or not save:
            transaction.set_rollback(True)
    return result


def payments_batch(
    *, case: Case, rows: list[SheetRow], actor: Actor, save: bool
) -> SheetImportResult:
    """Check or save a batch of payments (one payment a row, the worker by ID number),
    all or nothing. Two payments to one worker in a batch are two rows; the second is
    checked against what the first left outstanding."""
    if not services.case_step_actors(case, actor):
        raise Forbidden(_("Only the case's inspectors or a chief may change it."))
    services.case_writable_check(case)
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")
    if (refused := _too_many(rows)) is not None:
        return refused
    kinds = _payer_kinds()
    result = SheetImportResult()
    with transaction.atomic():
        for row in rows:
            errors: RowErrors = {}
            id_number = cell_id_number(row.values.get("id_number"), errors)
            if not id_number and "id_number" not in errors:
                add_error(errors, "id_number", _("Enter the worker's ID number."))
            amount = cell_amount(row.values.get("amount"), errors, field="amount")
            if amount is None and "amount" not in errors:
                add_error(errors, "amount", _("Enter the amount paid."))
            paid_on = cell_date(row.values.get("paid_on"), errors, field="paid_on")
            if paid_on is None and "paid_on" not in errors:
                add_error(errors, "paid_on", _("Enter the day it was paid (2021-03-05)."))
            payer_text = cell_text(row.values.get("payer_kind")).lower()
            payer_kind = kinds.get(payer_text) if payer_text else Payment.Payer.EMPLOYER
            if payer_kind is None:
                add_error(
                    errors,
                    "payer_kind",
                    _("Write who paid: 用人单位, 总包, 建设单位, 保证金 or 应急周转金."),
                )
            if not errors:
                assert amount is not None and paid_on is not None and payer_kind is not None
                try:
                    with transaction.atomic():
                        services.payment_record_for_worker(
                            case=case,
                            id_number=id_number,
                            amount=Decimal(amount),
                            paid_on=paid_on,
                            payer_kind=payer_kind,
                            payer=case.respondent if payer_kind == Payment.Payer.EMPLOYER else None,
                            method=cell_text(row.values.get("method"))[:50],
                            voucher=cell_text(row.values.get("voucher"))[:100],
                            actor=actor,
                        )
                except Forbidden:
                    raise
                except ApplicationError as error:
                    fields = error.extra.get("fields") or {}
                    if "amount" in fields:  # say how much is outstanding, in the message
                        add_error(errors, "amount", error.message)
                    else:
                        for field, messages in (fields or {"__all__": [error.message]}).items():
                            for message in messages:
                                add_error(errors, field, str(message))
                else:
                    result.created += 1
            if errors:
                result.failed += 1
                result.failures.extend(
                    RowFailure(row.line, field, message)
                    for field, messages in errors.items()
                    for message in messages
                )
        if result.failures or not save:
            transaction.set_rollback(True)
    return result
