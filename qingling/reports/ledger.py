"""The ledger (工作台账) and the 两清零 view.

The queries are the cases app's (``qingling.cases.selectors``): the one filtered case
list (``case_search``, also behind the case list page), the rows of a page
(``case_ledger_rows``) and the 两清零 view's counts (``case_clearance_counts``).
Visibility is always ``case_list_for_user``. Here: the paging, and the 两清零 grid.

A page is read in two steps, a "deferred join": the 50 ids of the page first (filter,
order, offset), then the rows and parties of those 50 cases only.
"""

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator

from qingling.cases.selectors import (
    STATUS_OPEN,
    CaseFilters,
    LedgerRow,
    case_clearance_counts,
    case_ledger_iter,
    case_ledger_rows,
    case_search,
)
from qingling.core.models import Division

ZERO = Decimal("0.00")
PAGE_SIZE = 50
OPEN = STATUS_OPEN  # the status filter's value for "any open status"


def ledger_page(
    *, user: object, filters: CaseFilters, today: dt.date, number: int | str | None
) -> tuple[Page[Any], list[LedgerRow]]:
    """One page of 50 rows: a count, the page's ids, the rows, their inspectors (and,
    for a search, first the matching respondents).

    The count and the ids are read from the index of the ledger's order, which holds
    what visibility asks (``Case.Meta.indexes``), so page 2,000 costs about what page 1
    costs."""
    ids = case_search(user=user, filters=filters, today=today).values_list("pk", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(number)
    return page, case_ledger_rows(ids=list(page.object_list), today=today)


def ledger_iter(
    *, user: object, filters: CaseFilters, today: dt.date, chunk_size: int = 2000
) -> Iterator[LedgerRow]:
    """Every row of the filtered ledger, read in chunks (for the export)."""
    return case_ledger_iter(user=user, filters=filters, today=today, chunk_size=chunk_size)


# The 两清零 view ---------------------------------------------------------------------


@dataclass
class ClearanceCell:
    open_cases: int = 0
    outstanding: Decimal = ZERO

    def add(self, other: "ClearanceCell") -> None:
        self.open_cases += other.open_cases
        self.outstanding += other.outstanding

    @property
    def cleared(self) -> bool:
        return self.open_cases == 0 and self.outstanding == 0


@dataclass(frozen=True)
class ClearanceColumn:
    """A month of the year shown, or every month before it (``month`` None)."""

    key: str
    month: int | None
    opened_from: dt.date | None
    opened_to: dt.date


@dataclass
class ClearanceRow:
    division: Division | None  # None for the totals row
    cells: list[ClearanceCell]
    total: ClearanceCell = field(default_factory=ClearanceCell)


@dataclass
class Clearance:
    year: int
    columns: list[ClearanceColumn]
    rows: list[ClearanceRow]
    totals: ClearanceRow
    city: ClearanceCell  # the headline: every visible case, whatever its year


def _columns(year: int) -> list[ClearanceColumn]:
    columns = [ClearanceColumn("earlier", None, None, dt.date(year - 1, 12, 31))]
    for month in range(1, 13):
        last = calendar.monthrange(year, month)[1]
        columns.append(
            ClearanceColumn(
                f"{year}-{month:02d}", month, dt.date(year, month, 1), dt.date(year, month, last)
            )
        )
    return columns


def clearance(*, user: object, year: int) -> Clearance:
    """Open cases and money outstanding by division (rows) and month of opening (columns)
    of ``year``; cases opened before it are one "earlier" column, later ones count only in
    the totals. Money outstanding counts every case, open or closed
    (``case_clearance_counts``). Three queries, over the open cases and the owing cases
    only."""
    open_counts, owed = case_clearance_counts(user=user)
    columns = _columns(year)
    grid: dict[str, dict[int | None, ClearanceCell]] = defaultdict(
        lambda: defaultdict(ClearanceCell)
    )
    city = ClearanceCell()
    later: dict[str, ClearanceCell] = defaultdict(ClearanceCell)

    def cell(division: str, y: int, m: int) -> ClearanceCell:
        if y < year:
            return grid[division][None]
        if y > year:
            grid[division]
            return later[division]
        return grid[division][m]

    for division, y, m, n in open_counts:
        cell(division, y, m).open_cases += n
        city.open_cases += n
    for division, y, m, amount in owed:
        cell(division, y, m).outstanding += amount
        city.outstanding += amount
    divisions = Division.objects.in_bulk(list(grid))
    totals = ClearanceRow(division=None, cells=[ClearanceCell() for _ in columns])
    rows = []
    for code in sorted(grid):
        cells = [grid[code].get(column.month, ClearanceCell()) for column in columns]
        row = ClearanceRow(division=divisions.get(code), cells=cells)
        for index, one in enumerate(cells):
            row.total.add(one)
            totals.cells[index].add(one)
        row.total.add(later[code])
        totals.total.add(row.total)
        rows.append(row)
    return Clearance(year=year, columns=columns, rows=rows, totals=totals, city=city)
