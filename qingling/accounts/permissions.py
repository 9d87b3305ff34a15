"""Who may see and do what: the one place that decides it.

Two questions, both answered here and nowhere else:
* ``can(user, perm)``: does the user's role grant the permission?
* ``covers(user, division_code)``: is the division inside the user's jurisdiction?
  (``covers_whole_city``: is it a whole city, which also covers what has no division?)

An account without an active role and an org unit (the "outsider") gets nothing.
"""

from enum import StrEnum
from typing import Any

from qingling.accounts.models import Role
from qingling.core.models import Division


class Perm(StrEnum):
    PARTY_VIEW = "party.view"
    PARTY_EDIT = "party.edit"
    PERSONAL_DATA_REVEAL = "personal_data.reveal"
    AUDIT_VIEW = "audit.view"
    CALENDAR_MANAGE = "calendar.manage"
    STAFF_MANAGE = "staff.manage"
    OUTBOX_VIEW = "outbox.view"
    COMPLAINT_VIEW = "complaint.view"
    COMPLAINT_REGISTER = "complaint.register"
    COMPLAINT_TRIAGE = "complaint.triage"
    COMPLAINT_ESCALATIONS = "complaint.escalations"
    SOURCE_SYSTEM_MANAGE = "source_system.manage"
    CASE_VIEW = "case.view"
    CASE_WORK = "case.work"
    CASE_APPROVE = "case.approve"
    STATS_VIEW = "stats.view"
    INSPECTION_VIEW = "inspection.view"
    INSPECTION_WORK = "inspection.work"
    CAMPAIGN_MANAGE = "campaign.manage"
    LISTING_PROPOSE = "listing.propose"
    LISTING_DECIDE = "listing.decide"
    REFERRAL_DECIDE = "referral.decide"  # the bureau's head approves a transfer to the police
    EMPLOYMENT_VIEW = "employment.view"
    EMPLOYMENT_WORK = "employment.work"


P = Perm
PARTIES = {P.PARTY_VIEW, P.PARTY_EDIT, P.PERSONAL_DATA_REVEAL}
CHIEF = {
    P.AUDIT_VIEW,
    P.OUTBOX_VIEW,
    P.COMPLAINT_VIEW,
    P.COMPLAINT_ESCALATIONS,
    P.CASE_VIEW,
    P.CASE_APPROVE,
    P.STATS_VIEW,
    P.INSPECTION_VIEW,
    P.CAMPAIGN_MANAGE,
    P.LISTING_DECIDE,
}
ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.INTAKE_OFFICER: frozenset(
        {
            *PARTIES,
            P.COMPLAINT_VIEW,
            P.COMPLAINT_REGISTER,
            P.COMPLAINT_TRIAGE,
            P.CASE_VIEW,
            P.STATS_VIEW,
        }
    ),
    Role.INSPECTOR: frozenset(
        {
            *PARTIES,
            P.COMPLAINT_VIEW,
            P.COMPLAINT_REGISTER,
            P.CASE_VIEW,
            P.CASE_WORK,
            P.STATS_VIEW,
            P.INSPECTION_VIEW,
            P.INSPECTION_WORK,
            P.LISTING_PROPOSE,
        }
    ),
    Role.SECTION_CHIEF: frozenset(
        {
            *PARTIES,
            *CHIEF,
            P.COMPLAINT_REGISTER,
            P.COMPLAINT_TRIAGE,
            P.CASE_WORK,
            P.INSPECTION_WORK,
            P.LISTING_PROPOSE,
        }
    ),
    Role.DIRECTOR: frozenset(
        {P.PARTY_VIEW, P.PERSONAL_DATA_REVEAL, *CHIEF, P.EMPLOYMENT_VIEW, P.REFERRAL_DECIDE}
    ),
    Role.EMPLOYMENT_OFFICER: frozenset(
        {*PARTIES, P.EMPLOYMENT_VIEW, P.EMPLOYMENT_WORK, P.STATS_VIEW}
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            P.PARTY_VIEW,
            P.AUDIT_VIEW,
            P.CALENDAR_MANAGE,
            P.STAFF_MANAGE,
            P.OUTBOX_VIEW,
            P.SOURCE_SYSTEM_MANAGE,
            P.STATS_VIEW,
        }
    ),
}


def _is_staff_member(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role
        and user.org_unit_id is not None
    )


def can(user: Any, perm: Perm) -> bool:
    if not _is_staff_member(user):
        return False
    return perm in ROLE_PERMISSIONS.get(user.role, frozenset())


def jurisdiction_prefix(user: Any) -> str | None:
    """Return the division-code prefix the user's jurisdiction covers, or None for nothing."""
    if not _is_staff_member(user):
        return None
    return str(user.org_unit.division.prefix)


def covers_whole_city(user: Any) -> bool:
    """Whether the user's jurisdiction is a whole city (or province) rather than a county:
    it then also covers what no division is linked to yet (a person on no file)."""
    if not _is_staff_member(user):
        return False
    return bool(user.org_unit.division.level != Division.Level.COUNTY)


def covers(user: Any, division_code: str) -> bool:
    prefix = jurisdiction_prefix(user)
    return prefix is not None and division_code.startswith(prefix)


def permissions_of(user: Any) -> frozenset[Perm]:
    return frozenset(perm for perm in Perm if can(user, perm))
