"""Reads for cases: the access helpers, the inspector proposal, the timeline, the money
still owed, the one filtered case list (the case list page and the ledger), the ledger's
rows and the 两清零 view's counts."""

import datetime as dt
import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Least
from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.accounts.permissions import ROLE_PERMISSIONS, Perm, can, jurisdiction_prefix
from qingling.cases.amounts import ZERO, claim_outstanding_on
from qingling.cases.deadlines import investigation_overdue_q, order_overdue_q, overdue_q
from qingling.cases.lifecycle import OPEN_STATUSES, CaseStatus
from qingling.cases.models import (
    CASE_NOT_CLOSED,
    CASE_OWING,
    Case,
    CaseArchive,
    CaseInspector,
    Claim,
    Document,
    Evidence,
    InvestigationRecord,
    Payment,
    Service,
)
from qingling.core.models import AuditEvent, Division
from qingling.core.selectors import audit_history
from qingling.intake.models import Complaint
from qingling.parties.models import Organization


def case_list_for_user(*, user: object) -> QuerySet[Case]:
    """Cases in the user's jurisdiction, and the cases the user works on.

    Both conditions are uncorrelated subqueries (a few division codes; the ids of the
    user's own cases), which the database evaluates once, so the list needs no join
    and no DISTINCT: at 200,000 cases the join-and-deduplicate form cost most of a
    ledger page (docs/performance.md).
    """
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.CASE_VIEW):
        return Case.objects.none()
    divisions = Division.objects.filter(code__startswith=prefix).values("code")
    works_on = CaseInspector.objects.filter(
        inspector_id=getattr(user, "pk", None), removed_at=None
    ).values("case_id")
    return Case.objects.filter(Q(division_id__in=divisions) | Q(pk__in=works_on)).select_related(
        "respondent", "project", "division"
    )


def case_get_for_user(*, user: object, public_id: uuid.UUID) -> Case:
    try:
        return case_list_for_user(user=user).get(public_id=public_id)
    except Case.DoesNotExist:
        raise Http404 from None


def inspector_proposals(*, division: Division, limit: int = 5) -> list[User]:
    """Inspectors whose jurisdiction covers the division, least loaded first (open cases
    they are on), so the chief can confirm the system's proposal of a lead."""
    # Those who work cases but do not approve them: the chief confirms the proposal and
    # must not be proposed (an idle chief would otherwise always come first).
    roles = [
        role
        for role, perms in ROLE_PERMISSIONS.items()
        if Perm.CASE_WORK in perms and Perm.CASE_APPROVE not in perms
    ]
    candidates = (
        User.objects.filter(is_active=True, role__in=roles, org_unit__isnull=False)
        .select_related("org_unit__division")
        .annotate(
            load=Count(
                "case_assignments",
                filter=Q(
                    case_assignments__removed_at=None,
                    case_assignments__case__status__in=OPEN_STATUSES,
                ),
            )
        )
        .order_by("load", "username")
    )
    found: list[User] = [
        user
        for user in candidates
        if user.org_unit is not None and division.code.startswith(user.org_unit.division.prefix)
    ]
    return found[:limit]


def case_claims(*, case: Case) -> QuerySet[Claim]:
    return case.claims.select_related("worker").prefetch_related("payments")


def claims_outstanding(*, case: Case, on: dt.date | None = None) -> list[Decimal]:
    """What each claim of the case still owes now, or at the end of the day ``on``
    (``amounts.claim_outstanding_on``: the payments made by then), in claim order."""
    if on is None:
        return [claim.outstanding for claim in case.claims.all()]
    claims = case.claims.prefetch_related(
        Prefetch("payments", queryset=Payment.objects.only("claim_id", "paid_on", "amount"))
    )
    return [
        claim_outstanding_on(
            due=claim.due,
            payments=[(payment.paid_on, payment.amount) for payment in claim.payments.all()],
            on=on,
        )
        for claim in claims
    ]


def case_outstanding(*, case: Case, on: dt.date | None = None) -> Decimal:
    """Money owed on the case now, or at the end of the day ``on`` (payments by then)."""
    return sum(claims_outstanding(case=case, on=on), ZERO)


def case_timeline(*, case: Case) -> QuerySet[AuditEvent]:
    """Every recorded step of the case, newest first (all case writes audit on the case)."""
    return audit_history(object_type="cases.case", object_id=str(case.pk))


# --- the staff pages: the list's rows and the case page's reads ------------------------------


# The status filter's value for "any open status".
STATUS_OPEN = "open"
# A search reads the matching respondents first and gives them by id, up to this many.
RESPONDENTS_LISTED = 1000


@dataclass(frozen=True)
class CaseFilters:
    """The filters of the case list and the ledger (工作台账), the same on both."""

    status: str = ""  # a CaseStatus value, STATUS_OPEN, or "" for all
    division: str = ""  # a division code or prefix
    lead: int | None = None  # a user id
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None
    overdue: bool = False  # either deadline overdue (``deadlines.overdue_q``)
    outstanding: bool = False  # money still owed
    q: str = ""  # case number or respondent name

    def as_audit(self) -> dict[str, Any]:
        """The filters as JSON for an export's audit row (only those that are set)."""
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


def case_search(*, user: object, filters: CaseFilters, today: dt.date) -> QuerySet[Case]:
    """The visible cases that pass the filters, newest first: the one filtered case list
    behind the case list page and the ledger. No joins beyond the case's own row (the
    cheap query that paging, counting and the export start from)."""
    cases = case_list_for_user(user=user).select_related(None)
    if filters.status == STATUS_OPEN:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status in CaseStatus.values:
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
        cases = cases.filter(overdue_q(today=today))
    if filters.outstanding:
        cases = cases.filter(CASE_OWING)
    if q := " ".join(filters.q.split()):
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


def case_list_rows(*, user: object, filters: CaseFilters, today: dt.date) -> QuerySet[Case]:
    """The case list: ``case_search``, each row annotated with its lead inspector and
    whether the investigation is overdue (its workers and its claimed / paid /
    outstanding money are the case's stored totals) — a fixed number of queries however
    many rows."""
    leads = CaseInspector.objects.filter(
        case=OuterRef("pk"), role=CaseInspector.Role.LEAD, removed_at=None
    )
    rows = case_search(user=user, filters=filters, today=today).select_related(
        "respondent", "project", "division"
    )
    return rows.annotate(
        lead_full_name=Subquery(leads.values("inspector__full_name")[:1]),
        lead_username=Subquery(leads.values("inspector__username")[:1]),
        is_overdue=ExpressionWrapper(
            investigation_overdue_q(today=today), output_field=BooleanField()
        ),
    )


# --- the ledger (工作台账) and the 两清零 view ------------------------------------------------
#
# The money and the worker count of a case are the totals stored on its row
# (``Case.total_claimed`` …, kept by the claim and payment services: see ``amounts``), so
# neither a page, nor the "money outstanding" filter, nor the 两清零 view reads a claim.
# The inspectors come from one prefetch. A page is read in two steps, a "deferred join":
# the 50 ids of the page first (``case_search``: filter, order, offset), then the rows and
# parties of those 50 cases only (``case_ledger_rows``).


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


def _ledger_annotated(cases: QuerySet[Case], *, today: dt.date) -> QuerySet[Case]:
    """``cases`` with everything a ledger row shows: parties, inspectors (prefetched as
    ``active_assignments``, lead first), and whether each deadline is overdue
    (``deadlines``)."""
    return (
        cases.select_related("respondent", "project", "division")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=CaseInspector.objects.filter(removed_at=None)
                .select_related("inspector")
                .order_by("role", "id"),  # "co" < "lead": reversed in the row below
                to_attr="active_assignments",
            )
        )
        .annotate(
            investigation_overdue=ExpressionWrapper(
                investigation_overdue_q(today=today), output_field=BooleanField()
            ),
            order_overdue=ExpressionWrapper(
                order_overdue_q(today=today), output_field=BooleanField()
            ),
        )
    )


def _ledger_row(case: Case) -> LedgerRow:
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


def case_ledger_rows(*, ids: list[int], today: dt.date) -> list[LedgerRow]:
    """The ledger rows of these cases (a page's ids from ``case_search``), in that order:
    the cases with their parties, then their inspectors."""
    by_id = {
        case.pk: case for case in _ledger_annotated(Case.objects.filter(pk__in=ids), today=today)
    }
    return [_ledger_row(by_id[pk]) for pk in ids if pk in by_id]


def case_ledger_iter(
    *, user: object, filters: CaseFilters, today: dt.date, chunk_size: int = 2000
) -> Iterator[LedgerRow]:
    """Every row of the filtered ledger, read in chunks (for the export)."""
    cases = _ledger_annotated(case_search(user=user, filters=filters, today=today), today=today)
    for case in cases.iterator(chunk_size=chunk_size):
        yield _ledger_row(case)


def case_clearance_counts(
    *, user: object
) -> tuple[list[tuple[str, int, int, int]], list[tuple[str, int, int, Decimal]]]:
    """The 两清零 view's two reads over the user's cases, by division and year and month
    of opening: (division, year, month, open cases) and (division, year, month, money
    outstanding). Money outstanding counts every case, open or closed (a case closed as
    referred to court can still owe its workers): the sum of the cases' stored totals.
    Each read is over the open cases or the owing cases only (the partial indexes)."""
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
    return list(open_counts), [(d, y, m, amount or ZERO) for d, y, m, amount in owed]


def case_lead_choices(*, user: object) -> QuerySet[User]:
    """The inspectors of the user's jurisdiction, for the list's lead-inspector filter."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return User.objects.none()
    # Those who work cases but do not approve them: the chief confirms the proposal and
    # must not be proposed (an idle chief would otherwise always come first).
    roles = [
        role
        for role, perms in ROLE_PERMISSIONS.items()
        if Perm.CASE_WORK in perms and Perm.CASE_APPROVE not in perms
    ]
    return User.objects.filter(
        is_active=True, role__in=roles, org_unit__division__code__startswith=prefix
    ).order_by("full_name", "username")


def case_detail_claims(*, case: Case) -> QuerySet[Claim]:
    """The claims of the case page with their workers, payments and payers (no N+1)."""
    return case.claims.select_related("worker").prefetch_related(
        Prefetch("payments", queryset=Payment.objects.select_related("payer"))
    )


def case_payer_choices(*, case: Case) -> QuerySet[Organization]:
    """Organizations that may pay the case's workers: the respondent and the parties of its
    project (general contractor, builder …)."""
    terms = Q(pk=case.respondent_id)
    if case.project_id is not None:
        terms |= Q(project_parties__project_id=case.project_id)
    return Organization.objects.filter(terms).distinct().order_by("name")


def organizations_with_open_case(organization_ids: Collection[int]) -> dict[int, str]:
    """The organizations among these that are the respondent of an open case, with why.

    Registered in ``QINGLING_EMPLOYER_FLAGS``: the return-to-work service never pushes
    the jobs of an employer that owes wages under an open case.
    """
    rows = (
        Case.objects.filter(respondent_id__in=organization_ids, status__in=OPEN_STATUSES)
        .order_by("respondent_id", "opened_on")
        .values_list("respondent_id", "number")
    )
    flags: dict[int, str] = {}
    for organization_id, number in rows:
        flags.setdefault(
            organization_id,
            _("Respondent of the open wage-arrears case %(number)s.") % {"number": number},
        )
    return flags


def people_linked_under(prefix: str) -> QuerySet[Claim, Any]:
    """The ids of the workers with a claim in a case under this division-code prefix.

    Registered in ``QINGLING_PERSON_LINKS``: a county's staff may learn the numbers of
    the workers of its cases.
    """
    return Claim.objects.filter(case__division__code__startswith=prefix).values("worker_id")


def organizations_linked_under(prefix: str) -> QuerySet[Case, Any]:
    """The ids of the respondents of the cases under this division-code prefix.

    Registered in ``QINGLING_ORGANIZATION_LINKS``: a county's staff see the organizations
    their cases are against (the payers of a case are its respondent or the parties of its
    project, linked by parties itself).
    """
    return Case.objects.filter(division__code__startswith=prefix).values("respondent_id")


@dataclass(frozen=True)
class CaseFact:
    """A line another app shows on the case page (e.g. the transfer to the police), with
    an optional link; the apps that know are asked through ``QINGLING_CASE_FACTS``."""

    key: str
    label: str
    value: str
    url: str = ""
    link_text: str = ""


def case_facts(*, case: Case, user: object) -> list[CaseFact]:
    """The facts the callables in ``settings.QINGLING_CASE_FACTS`` give for this case."""
    found: list[CaseFact] = []
    for path in settings.QINGLING_CASE_FACTS:
        found.extend(import_string(path)(case=case, user=user))
    return found


# --- evidence and the archive ------------------------------------------------------------------


def case_records(*, case: Case) -> QuerySet[InvestigationRecord]:
    """The case's 笔录 in the order they were taken, with their inspectors."""
    return (
        InvestigationRecord.objects.filter(case=case)
        .select_related("recorded_by")
        .prefetch_related("inspectors")
        .order_by("started_at", "id")
    )


def case_evidence(*, case: Case) -> QuerySet[Evidence]:
    """The evidence gathered for the case, by the day it was obtained."""
    return (
        Evidence.objects.filter(case=case)
        .select_related("recorded_by")
        .order_by("obtained_on", "id")
    )


def case_archive_of(*, case: Case) -> CaseArchive | None:
    """The case's archived file, if it was archived (归档)."""
    return CaseArchive.objects.filter(case=case).select_related("archived_by").first()


# The stages the worker's progress query names, in order (立案, 调查, 责令支付, 已支付, 结案).
PROGRESS_STAGES = {
    CaseStatus.OPENED: "opened",
    CaseStatus.INVESTIGATING: "investigating",
    CaseStatus.ORDER_ISSUED: "order_issued",
    CaseStatus.CLOSING_REQUESTED: "order_issued",
    CaseStatus.CLOSED: "closed",
}


def complaint_progress(*, complaint: Complaint) -> dict[str, Any] | None:
    """What the worker who filed ``complaint`` may see of the latest case opened from it:
    its number, its stage, and the money paid to *this* worker (the claim of the person
    who complained, or of the worker with the mobile number given). Registered in
    ``QINGLING_COMPLAINT_PROGRESS`` for intake's progress query; nothing of other workers."""
    case = Case.objects.filter(complaints=complaint).order_by("-opened_on", "-id").first()
    if case is None:
        return None
    terms = Q(worker_id=complaint.complainant_id) if complaint.complainant_id else Q(pk__in=[])
    if complaint.contact_phone_digest:
        terms |= Q(worker__phone_digest=complaint.contact_phone_digest)
    claim = case.claims.filter(terms).order_by("id").first()
    paid = claim.paid if claim is not None else ZERO
    stage = PROGRESS_STAGES[CaseStatus(case.status)]
    if (
        case.status != CaseStatus.CLOSED
        and claim is not None
        and paid > 0
        and not claim.outstanding
    ):
        stage = "paid"
    return {
        "case_number": case.number,
        "opened_on": case.opened_on,
        "stage": stage,
        "paid": paid,
        "closed_on": case.closed_on,
    }


# --- the home queues (issue 18) ---------------------------------------------------------------


def cases_of_inspector(*, user: object) -> QuerySet[Case]:
    """The open cases the user works on, the next deadline first: the investigation limit
    or, when sooner, the order's date (``next_due``)."""
    mine = CaseInspector.objects.filter(
        inspector_id=getattr(user, "pk", None), removed_at=None
    ).values("case_id")
    return (
        case_list_for_user(user=user)
        .filter(pk__in=mine, status__in=OPEN_STATUSES)
        .annotate(next_due=Least("investigation_due", Coalesce("order_due", "investigation_due")))
        .order_by("next_due", "number")
    )


def cases_awaiting_approval(*, user: object) -> QuerySet[Case]:
    """Cases whose closing waits for a chief (结案审批), for a chief only."""
    if not can(user, Perm.CASE_APPROVE):
        return Case.objects.none()
    return (
        case_list_for_user(user=user)
        .filter(status=CaseStatus.CLOSING_REQUESTED)
        .order_by("status_changed_at", "number")
    )


def cases_overdue(*, user: object, today: dt.date) -> QuerySet[Case]:
    """Open cases past their investigation limit, or with an order unpaid after its date
    (``deadlines.overdue_q``), the oldest limit first."""
    return (
        case_list_for_user(user=user)
        .filter(overdue_q(today=today))
        .order_by("investigation_due", "number")
    )


def cases_by_public_ids(*, user: object, public_ids: list[str]) -> list[Case]:
    """The cases the user may see among ``public_ids``, in the order given."""
    wanted = []
    for raw in public_ids:
        try:
            wanted.append(uuid.UUID(raw))
        except ValueError:
            continue
    found = {c.public_id: c for c in case_list_for_user(user=user).filter(public_id__in=wanted)}
    return [found[key] for key in wanted if key in found]


def documents_to_serve(*, user: object) -> QuerySet[Document]:
    """Documents of the user's open cases that must be served on the employer (送达) and
    have no record of service yet, the oldest first."""
    mine = CaseInspector.objects.filter(
        inspector_id=getattr(user, "pk", None), removed_at=None
    ).values("case_id")
    return (
        Document.objects.filter(
            case__in=case_list_for_user(user=user).filter(pk__in=mine, status__in=OPEN_STATUSES),
            kind__in=Document.SERVED_ON_EMPLOYER,
            voided_at__isnull=True,
        )
        .filter(~Exists(Service.objects.filter(document=OuterRef("pk"))))
        .select_related("case")
        .order_by("issued_on", "created_at", "id")
    )


@dataclass(frozen=True)
class CaseFigures:
    open: int
    overdue: int
    awaiting_approval: int
    outstanding: Decimal


def case_figures(*, user: object, today: dt.date) -> CaseFigures:
    """The jurisdiction's open cases, how many are overdue or await approval, and the
    money still outstanding on them: one query."""
    row = (
        case_list_for_user(user=user)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            open=Count("id"),
            overdue=Count("id", filter=overdue_q(today=today)),
            awaiting=Count("id", filter=Q(status=CaseStatus.CLOSING_REQUESTED)),
            outstanding=Sum("total_outstanding"),
        )
    )
    return CaseFigures(
        open=row["open"],
        overdue=row["overdue"],
        awaiting_approval=row["awaiting"],
        outstanding=row["outstanding"] or Decimal("0.00"),
    )
