"""Reads for cases: the access helpers, the inspector proposal, the timeline."""

import uuid

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from qingling.accounts.models import User
from qingling.accounts.permissions import ROLE_PERMISSIONS, Perm, can, jurisdiction_prefix
from qingling.cases.lifecycle import OPEN_STATUSES
from qingling.cases.models import Case, Claim
from qingling.core.models import AuditEvent, Division
from qingling.core.selectors import audit_history


def case_list_for_user(*, user: object) -> QuerySet[Case]:
    """Cases in the user's jurisdiction, and the cases the user works on."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or not can(user, Perm.CASE_VIEW):
        return Case.objects.none()
    return (
        Case.objects.filter(
            Q(division__code__startswith=prefix)
            | Q(assignments__inspector=user, assignments__removed_at=None)
        )
        .distinct()
        .select_related("respondent", "project", "division")
    )


def case_get_for_user(*, user: object, public_id: uuid.UUID) -> Case:
    try:
        return case_list_for_user(user=user).get(public_id=public_id)
    except Case.DoesNotExist:
        raise Http404 from None


def inspector_proposals(*, division: Division, limit: int = 5) -> list[User]:
    """Inspectors whose jurisdiction covers the division, least loaded first (open cases
    they are on), so the chief can confirm the system's proposal of a lead."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.CASE_WORK in perms]
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
