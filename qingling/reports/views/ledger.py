"""The ledger (工作台账), its XLSX export and the 两清零 view."""

import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any
from urllib.parse import urlencode

from django import forms
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import ROLE_PERMISSIONS, Perm, jurisdiction_prefix
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.selectors import CaseFilters, LedgerRow
from qingling.core import clock
from qingling.core.models import Division
from qingling.core.services import audit_event_record
from qingling.core.spreadsheets import xlsx_row
from qingling.reports import ledger

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("Case number or respondent"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    division = forms.ChoiceField(label=_("Division"), required=False)
    lead = forms.TypedChoiceField(label=_("Lead inspector"), required=False, coerce=int)
    opened_from = forms.DateField(label=_("Opened from"), required=False)
    opened_to = forms.DateField(label=_("Opened to"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    outstanding = forms.BooleanField(label=_("Money outstanding only"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [
            ("", _("all")),
            (ledger.OPEN, _("open (any status)")),
            *CaseStatus.choices,
        ]
        prefix = jurisdiction_prefix(user) or "-"
        divisions = Division.objects.filter(code__startswith=prefix).order_by("code")
        division = self.fields["division"]
        assert isinstance(division, forms.ChoiceField)
        division.choices = [("", _("all")), *((d.code, d.name) for d in divisions)]
        # Whoever may lead a case here (not "who leads one": that would scan every
        # assignment of the city for a drop-down).
        roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.CASE_WORK in perms]
        leads = User.objects.filter(
            role__in=roles, org_unit__division__code__startswith=prefix
        ).order_by("full_name", "username")
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ChoiceField)
        lead.choices = [("", _("all")), *((u.pk, str(u)) for u in leads)]

    def filters(self) -> CaseFilters:
        """The valid filters; an invalid field is ignored (and shown with its error)."""
        if not self.is_bound:
            return CaseFilters()
        self.is_valid()
        data = self.cleaned_data
        return CaseFilters(
            status=data.get("status") or "",
            division=data.get("division") or "",
            lead=data.get("lead") or None,
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
            overdue=bool(data.get("overdue")),
            outstanding=bool(data.get("outstanding")),
            q=data.get("q") or "",
        )


def _filter_query(request: HttpRequest) -> str:
    """The query string of the filters, without the page, for the pager and the export."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_perm(Perm.CASE_VIEW)
def ledger_list(request: HttpRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET or None, user=request.user)
    today = clock.local_today()
    page, rows = ledger.ledger_page(
        user=request.user, filters=form.filters(), today=today, number=request.GET.get("page")
    )
    return render(
        request,
        "reports/ledger.html",
        {"form": form, "page": page, "rows": rows, "query": _filter_query(request)},
    )


HEADERS = (
    _("Case number"),
    _("Status"),
    _("Lead inspector"),
    _("Co-inspectors"),
    _("Respondent"),
    _("Project"),
    _("Division"),
    _("Opened on"),
    _("Investigation due"),
    _("Investigation overdue"),
    _("Order due"),
    _("Workers"),
    _("Claimed (yuan)"),
    _("Paid (yuan)"),
    _("Outstanding (yuan)"),
)
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
WIDTHS = (26, 14, 10, 16, 30, 26, 10, 12, 12, 8, 12, 8, 14, 14, 14)


def _cell(sheet: WriteOnlyWorksheet, value: object, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def ledger_workbook(rows: Iterable[LedgerRow], target: IO[bytes]) -> int:
    """Write the rows to ``target`` as a write-only (streamed to disk) workbook; return
    how many rows were written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Ledger"))
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, [str(header) for header in HEADERS]))
    statuses = dict(CaseStatus.choices)
    yes = gettext("yes")
    count = workers = 0
    claimed = paid = outstanding = Decimal(0)
    for row in rows:
        case = row.case
        sheet.append(
            xlsx_row(
                sheet,
                [
                    case.number,
                    str(statuses.get(case.status, case.status)),
                    row.lead,
                    "、".join(row.co_inspectors),
                    case.respondent.name,
                    case.project.name if case.project else "",
                    case.division.name,
                    _cell(sheet, case.opened_on, DATE_FORMAT),
                    _cell(sheet, case.investigation_due, DATE_FORMAT),
                    yes if row.investigation_overdue else "",
                    _cell(sheet, case.order_due, DATE_FORMAT) if case.order_due else None,
                    row.workers,
                    _cell(sheet, row.claimed, MONEY_FORMAT),
                    _cell(sheet, row.paid, MONEY_FORMAT),
                    _cell(sheet, row.outstanding, MONEY_FORMAT),
                ],
            )
        )
        count += 1
        workers += row.workers
        claimed += row.claimed
        paid += row.paid
        outstanding += row.outstanding
    if count:  # the totals row, as values (a formula would be recomputed by whoever opens it)
        sheet.append(
            xlsx_row(
                sheet,
                [
                    ngettext("Total of %(n)d case", "Total of %(n)d cases", count) % {"n": count},
                    *([None] * 10),
                    workers,
                    _cell(sheet, claimed, MONEY_FORMAT),
                    _cell(sheet, paid, MONEY_FORMAT),
                    _cell(sheet, outstanding, MONEY_FORMAT),
                ],
            )
        )
    workbook.save(target)
    return count


@require_perm(Perm.CASE_VIEW)
def ledger_export(request: HttpRequest) -> FileResponse:
    """The filtered ledger as XLSX. openpyxl's write-only mode keeps one row in memory
    and writes the sheet to a temporary file; the response streams that file."""
    form = LedgerFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    today = clock.local_today()
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    rows = ledger.ledger_iter(user=request.user, filters=filters, today=today)
    # Read outside a transaction: on SQLite a transaction takes the one write lock
    # (IMMEDIATE), and an export of 100,000 rows would stop every write for a minute.
    count = ledger_workbook(rows, target)
    assert isinstance(request.user, User)
    with transaction.atomic():
        audit_event_record(
            actor=request.user,
            action="ledger.export",
            obj=request.user,
            after={"filters": filters.as_audit(), "rows": count},
        )
    target.seek(0)
    filename = f"ledger-{today.isoformat()}.xlsx"
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX)


def _ledger_link(**params: object) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "", False)})


@require_perm(Perm.CASE_VIEW)
def clearance_view(request: HttpRequest) -> HttpResponse:
    today = clock.local_today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year + 1)
    table = ledger.clearance(user=request.user, year=year)
    links: list[dict[str, Any]] = []
    for row in [*table.rows, table.totals]:
        division = row.division.code if row.division else ""
        cells = []
        for column, cell in zip(table.columns, row.cells, strict=True):
            span = {
                "division": division,
                "opened_from": column.opened_from,
                "opened_to": column.opened_to,
            }
            cells.append(
                {
                    "cell": cell,
                    "open_link": _ledger_link(status=ledger.OPEN, **span),
                    "owed_link": _ledger_link(outstanding="on", **span),
                }
            )
        links.append(
            {
                "row": row,
                "cells": cells,
                "open_link": _ledger_link(status=ledger.OPEN, division=division),
                "owed_link": _ledger_link(outstanding="on", division=division),
            }
        )
    return render(
        request,
        "reports/clearance.html",
        {
            "table": table,
            "lines": links,
            "years": range(today.year, today.year - 6, -1),
            "open_link": _ledger_link(status=ledger.OPEN),
            "owed_link": _ledger_link(outstanding="on"),
            "today": today,
        },
    )
