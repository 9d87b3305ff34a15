"""Reads for cases: the access helpers, the inspector proposal, the timeline."""

import datetime as dt
import uuid
from collections.abc import Collection
from typing import Any

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
)
from django.http import Http404
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.accounts.permissions import ROLE_PERMISSIONS, Perm, can, jurisdiction_prefix
from qingling.cases.lifecycle import OPEN_STATUSES, CaseStatus
from qingling.cases.models import Case, CaseInspector, Claim, Payment
from qingling.core.models import AuditEvent, Division
from qingling.core.selectors import audit_history
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


def case_timeline(*, case: Case) -> QuerySet[AuditEvent]:
    """Every recorded step of the case, newest first (all case writes audit on the case)."""
    return audit_history(object_type="cases.case", object_id=str(case.pk))


# --- the staff pages: the list's rows and the case page's reads ------------------------------


def case_list_rows(
    *,
    user: object,
    today: dt.date,
    status: str = "",
    division: str = "",
    lead: int | None = None,
    overdue: bool = False,
    query: str = "",
) -> QuerySet[Case]:
    """The case list: the user's cases, filtered, each row annotated with its lead
    inspector and whether the investigation is overdue (its workers and its claimed /
    paid / outstanding money are the case's stored totals) — a fixed number of queries
    however many rows."""
    cases = case_list_for_user(user=user)
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    if division:
        cases = cases.filter(division__code__startswith=division)
    if lead is not None:
        cases = cases.filter(
            Exists(
                CaseInspector.objects.filter(
                    case=OuterRef("pk"),
                    inspector_id=lead,
                    role=CaseInspector.Role.LEAD,
                    removed_at=None,
                )
            )
        )
    if overdue:
        cases = cases.filter(status__in=OPEN_STATUSES, investigation_due__lt=today)
    query = " ".join(query.split())
    if query:
        cases = cases.filter(Q(number__icontains=query) | Q(respondent__name__icontains=query))
    leads = CaseInspector.objects.filter(
        case=OuterRef("pk"), role=CaseInspector.Role.LEAD, removed_at=None
    )
    rows = cases.select_related("respondent", "project", "division").order_by(
        "-opened_on", "-sequence"
    )
    return rows.annotate(
        lead_full_name=Subquery(leads.values("inspector__full_name")[:1]),
        lead_username=Subquery(leads.values("inspector__username")[:1]),
        is_overdue=ExpressionWrapper(
            Q(status__in=OPEN_STATUSES, investigation_due__lt=today),
            output_field=BooleanField(),
        ),
    )


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
