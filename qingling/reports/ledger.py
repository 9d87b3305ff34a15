"""Reads for the ledger (工作台账) and the 两清零 view.

The money and the worker count of a case are the totals stored on its row
(``Case.total_claimed`` …, kept by the claim and payment services: see
``qingling.cases.amounts``), so neither a page, nor the "money outstanding" filter,
nor the 两清零 view reads a claim. The inspectors come from one prefetch. A page is
read in two steps, a "deferred join": the 50 ids of the page first (filter, order,
offset), then the rows and parties of those 50 cases only.

Visibility is always ``qingling.cases.selectors.case_list_for_user``.
"""

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import ExtractMonth, ExtractYear

from qingling.cases.lifecycle import OPEN_STATUSES
from qingling.cases.models import CASE_NOT_CLOSED, CASE_OWING, Case, CaseInspector
from qingling.cases.selectors import case_list_for_user
from qingling.core.models import Division
from qingling.parties.models import Organization

ZERO = Decimal("0.00")
PAGE_SIZE = 50
OPEN = "open"  # the status filter's value for "any open status"
RESPONDENTS_LISTED = 1000


@dataclass(frozen=True)
class LedgerFilters:
    status: str = ""  # a CaseStatus value, OPEN, or "" for all
    division: str = ""  # a division code or prefix
    lead: int | None = None  # a user id
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None
    overdue: bool = False
    outstanding: bool = False
    q: str = ""  # case number or respondent name

    def as_audit(self) -> dict[str, Any]:
        """The filters as JSON for the export's audit row (only those that are set)."""
        values = {
            "status": self.status,
            "division": self.division,
            "lead": self.lead,
            "opened_from": self.opened_from.isoformat() if self.opened_from else None,
            "opened_to": self.opened_to.isoformat() if self.opened_to else None,
            "overdue": self.overdue,
            "outstanding": self.outstanding,
            "q": self.q,
        }
        return {key: value for key, value in values.items() if value}


def _overdue(today: dt.date) -> tuple[Q, Q]:
    """(investigation overdue, order overdue), both for open cases only."""
    is_open = Q(status__in=OPEN_STATUSES)
    return is_open & Q(investigation_due__lt=today), is_open & Q(order_due__lt=today)


def ledger_cases(*, user: object, filters: LedgerFilters, today: dt.date) -> QuerySet[Case]:
    """The visible cases that pass the filters, newest first; no joins beyond the case's
    own row (the cheap query that paging, counting and the export start from)."""
    cases = case_list_for_user(user=user).select_related(None)
    if filters.status == OPEN:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.division:
        cases = cases.filter(division__code__startswith=filters.division)
    if filters.lead is not None:
        cases = cases.filter(
            Exists(
                CaseInspector.objects.filter(
                    case=OuterRef("pk"),
                    inspector_id=filters.lead,
                    role=CaseInspector.Role.LEAD,
                    removed_at=None,
                )
            )
        )
    if filters.opened_from:
        cases = cases.filter(opened_on__gte=filters.opened_from)
    if filters.opened_to:
        cases = cases.filter(opened_on__lte=filters.opened_to)
    if filters.overdue:
        investigation, order = _overdue(today)
        cases = cases.filter(investigation | order)
    if filters.outstanding:
        cases = cases.filter(CASE_OWING)
    if q := filters.q.strip():
        cases = cases.filter(_number_or_respondent(q))
    return cases.order_by("-opened_on", "-sequence")


def _number_or_respondent(q: str) -> Q:
    """The case number or the respondent's name contains ``q``.

    The respondents are read first (one query over the organizations, a few thousand
    names) and given by id, so that each half of the OR has an index: the respondent's
    foreign key, and on PostgreSQL the trigram index on the number (migration 0005;
    SQLite reads the numbers). A subquery would make PostgreSQL test every case
    instead. When more than ``RESPONDENTS_LISTED`` names match, most cases do, and the
    subquery is used.
    """
    names = Organization.objects.filter(name__icontains=q).order_by().values_list("pk", flat=True)
    found = list(names[: RESPONDENTS_LISTED + 1])
    respondents = names if len(found) > RESPONDENTS_LISTED else found
    return Q(number__icontains=q) | Q(respondent_id__in=respondents)


def ledger_rows(cases: QuerySet[Case], *, today: dt.date) -> QuerySet[Case]:
    """``cases`` with everything a ledger row shows: parties, inspectors (prefetched as
    ``active_assignments``, lead first), and whether each deadline is overdue (the
    workers and the money are the case's stored totals)."""
    investigation, order = _overdue(today)
    return (
        cases.select_related("respondent", "project", "division")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=CaseInspector.objects.filter(removed_at=None)
                .select_related("inspector")
                .order_by("role", "id"),  # "co" < "lead": reversed in the property below
                to_attr="active_assignments",
            )
        )
        .annotate(
            investigation_overdue=ExpressionWrapper(investigation, output_field=BooleanField()),
            order_overdue=ExpressionWrapper(order, output_field=BooleanField()),
        )
    )


@dataclass(frozen=True)
class LedgerRow:
    """One line of the ledger: the case and the figures annotated on it."""

    case: Case
    lead: str
    co_inspectors: list[str]
    workers: int
    claimed: Decimal
    paid: Decimal
    outstanding: Decimal
    investigation_overdue: bool
    order_overdue: bool


def _row(case: Case) -> LedgerRow:
    assignments: list[CaseInspector] = getattr(case, "active_assignments", [])
    lead = next((str(a.inspector) for a in assignments if a.role == CaseInspector.Role.LEAD), "")
    co = [str(a.inspector) for a in assignments if a.role != CaseInspector.Role.LEAD]

    return LedgerRow(
        case=case,
        lead=lead,
        co_inspectors=co,
        workers=case.worker_count,
        claimed=case.total_claimed,
        paid=case.total_paid,
        outstanding=case.total_outstanding,
        investigation_overdue=bool(getattr(case, "investigation_overdue", False)),
        order_overdue=bool(getattr(case, "order_overdue", False)),
    )


def ledger_page(
    *, user: object, filters: LedgerFilters, today: dt.date, number: int | str | None
) -> tuple[Page[Any], list[LedgerRow]]:
    """One page of 50 rows: a count, the page's ids, the rows, their inspectors (and,
    for a search, first the matching respondents).

    The count and the ids are read from the index of the ledger's order, which holds
    what visibility asks (``Case.Meta.indexes``), so page 2,000 costs about what page 1
    costs."""
    ids = ledger_cases(user=user, filters=filters, today=today).values_list("pk", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(number)
    page_ids = list(page.object_list)
    by_id = {
        case.pk: case for case in ledger_rows(Case.objects.filter(pk__in=page_ids), today=today)
    }
    return page, [_row(by_id[pk]) for pk in page_ids if pk in by_id]


def ledger_iter(
    *, user: object, filters: LedgerFilters, today: dt.date, chunk_size: int = 2000
) -> Iterator[LedgerRow]:
    """Every row of the filtered ledger, read in chunks (for the export)."""
    cases = ledger_rows(ledger_cases(user=user, filters=filters, today=today), today=today)
    for case in cases.iterator(chunk_size=chunk_size):
        yield _row(case)


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
    the totals. Money outstanding counts every case, open or closed (a case closed as
    referred to court can still owe its workers): the sum of the cases' stored
    outstanding totals. Three queries, over the open cases and the owing cases only."""
    cases = case_list_for_user(user=user).select_related(None).order_by()
    year_month = {"y": ExtractYear("opened_on"), "m": ExtractMonth("opened_on")}
    open_counts = (
        # CASE_NOT_CLOSED is implied by the statuses; it is the partial index's term.
        cases.filter(CASE_NOT_CLOSED, status__in=OPEN_STATUSES)
        .values("division_id", **year_month)
        .annotate(n=Count("pk"))
        .values_list("division_id", "y", "m", "n")
    )
    owed = (
        cases.filter(CASE_OWING)
        .values("division_id", **year_month)
        .annotate(amount=Sum("total_outstanding"))
        .values_list("division_id", "y", "m", "amount")
    )
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
        cell(division, y, m).outstanding += amount or ZERO
        city.outstanding += amount or ZERO
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
