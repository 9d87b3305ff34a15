"""The batch grid of a case: a team's claims or payments typed, pasted from a spreadsheet or
read from an uploaded sheet, previewed row by row, then saved all or nothing
(``cases.batches``)."""

import dataclasses
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm
from qingling.cases.batches import (
    CLAIM_FIELDS,
    PAYMENT_FIELDS,
    batch_rows,
    claims_batch,
    parse_payments_xlsx,
    payments_batch,
)
from qingling.cases.forms import BatchSheetForm
from qingling.cases.imports import parse_claims_xlsx
from qingling.cases.models import Case
from qingling.cases.views.cases import _case_for_change, case_url
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.core.workbooks import SheetImportResult, SheetRow, cell_text

BLANK_ROWS = 10  # the rows a new grid starts with (the script adds more, and so does "more")
ROW_KEY = re.compile(r"^row-(\d+)-([a-z_]+)$")

COLUMNS = {
    "claims": [
        ("name", gettext_lazy("Worker's name"), "text"),
        ("id_number", gettext_lazy("ID number"), "text"),
        ("phone", gettext_lazy("Mobile"), "tel"),
        ("claimed", gettext_lazy("Claimed (yuan)"), "decimal"),
    ],
    "payments": [
        ("id_number", gettext_lazy("ID number"), "text"),
        ("name", gettext_lazy("Worker's name (a check only)"), "text"),
        ("amount", gettext_lazy("Amount (yuan)"), "decimal"),
        ("paid_on", gettext_lazy("Paid on"), "date"),
        ("payer_kind", gettext_lazy("Paid by"), "text"),
        ("method", gettext_lazy("How"), "text"),
        ("voucher", gettext_lazy("Voucher number"), "text"),
    ],
}
FIELDS = {"claims": CLAIM_FIELDS, "payments": PAYMENT_FIELDS}


@dataclass
class GridRow:
    line: int
    cells: list[tuple[str, str, str]]  # (field, value, input mode)
    problems: list[str] = field(default_factory=list)
    checked: bool = False


def _grid(
    kind: str, values: list[dict[str, Any]], result: SheetImportResult | None
) -> list[GridRow]:
    labels = {name: str(label) for name, label, _mode in COLUMNS[kind]}
    problems: dict[int, list[str]] = {}
    for failure in result.failures if result else []:
        where = labels.get(failure.field)
        text = f"{where}: {failure.message}" if where else failure.message
        problems.setdefault(failure.line, []).append(text)
    grid = []
    for line, row in enumerate(values, start=1):
        grid.append(
            GridRow(
                line=line,
                cells=[
                    (name, cell_text(row.get(name)), mode) for name, _label, mode in COLUMNS[kind]
                ],
                problems=problems.get(line, []),
                checked=result is not None and any(cell_text(v) for v in row.values()),
            )
        )
    return grid


def _posted_values(request: HttpRequest, kind: str) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for key, value in request.POST.items():
        if (found := ROW_KEY.match(key)) and found.group(2) in FIELDS[kind]:
            rows.setdefault(int(found.group(1)), {})[found.group(2)] = value
    return [rows[i] for i in sorted(rows)]


def _sheet_values(rows: list[SheetRow]) -> list[dict[str, Any]]:
    """A sheet's rows placed on grid lines (a sheet's line 2 is the grid's line 1)."""
    values: list[dict[str, Any]] = []
    for row in rows:
        while len(values) < row.line - 2:
            values.append({})
        values.append(dict(row.values))
    return values


@require_perm(Perm.CASE_WORK)
@require_http_methods(["GET", "POST"])
def claims_batch_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case, _actors = _case_for_change(request, public_id)
    kind = request.GET.get("kind") or request.POST.get("kind") or "claims"
    if kind not in COLUMNS:
        raise Http404
    action = request.POST.get("action", "")
    sheet_form = BatchSheetForm(prefix="sheet")
    result: SheetImportResult | None = None
    values: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST" and action == "sheet":
        sheet_form = BatchSheetForm(request.POST, request.FILES, prefix="sheet")
        if sheet_form.is_valid():
            try:
                content = sheet_form.cleaned_data["file"].read()
                sheet = (
                    parse_claims_xlsx(content) if kind == "claims" else parse_payments_xlsx(content)
                )
                values = _sheet_values(sheet)
                checked = _check(case, kind, sheet, request, save=False)
                result = dataclasses.replace(  # the sheet's line n is the grid's line n - 1
                    checked,
                    failures=[dataclasses.replace(f, line=f.line - 1) for f in checked.failures],
                )
            except ApplicationError as error:
                form_add_application_error(sheet_form, error)
        if sheet_form.errors:
            status = 422
    elif request.method == "POST" and action == "more":
        values = _posted_values(request, kind)
    elif request.method == "POST":
        values = _posted_values(request, kind)
        rows = batch_rows(values)
        try:
            result = _check(case, kind, rows, request, save=action == "save")
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(f"{case_url(case)}#claims")
        if action == "save" and not result.failures:
            messages.success(
                request,
                ngettext(
                    "%(count)d row saved in one batch.",
                    "%(count)d rows saved in one batch.",
                    result.created,
                )
                % {"count": result.created},
            )
            return redirect(f"{case_url(case)}#claims")
        if result.failures:
            status = 422
    blank = BLANK_ROWS if not values else (5 if action == "more" else 1)
    values = values + [{} for _ in range(blank)]
    return render(
        request,
        "cases/claims_batch.html",
        {
            "case": case,
            "kind": kind,
            "columns": COLUMNS[kind],
            "grid": _grid(kind, values, result),
            "result": result,
            "general": [f.message for f in result.failures if f.line < 1] if result else [],
            "saved": action == "save",
            "sheet_form": sheet_form,
            "today": clock.local_today(),
        },
        status=status,
    )


def _check(
    case: Case, kind: str, rows: list[SheetRow], request: HttpRequest, *, save: bool
) -> SheetImportResult:
    batch = claims_batch if kind == "claims" else payments_batch
    return batch(case=case, rows=rows, actor=request.user, save=save)
