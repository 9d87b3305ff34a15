"""Writes for staff and org units."""

from axes.models import AccessAttempt
from django.contrib.auth.hashers import identify_hasher
from django.db import transaction
from django.utils.translation import gettext as _

from qingling.accounts.models import OrgUnit, Role, User
from qingling.accounts.permissions import Perm, can
from qingling.core.exceptions import Forbidden, InvalidInput, NotFound
from qingling.core.models import Division
from qingling.core.services import Actor, audit_event_record, audit_snapshot

STAFF_AUDIT_FIELDS = (
    "username",
    "full_name",
    "enforcement_card_number",
    "role",
    "org_unit",
    "is_active",
)


@transaction.atomic
def org_unit_create(*, name: str, division: Division, actor: Actor) -> OrgUnit:
    unit = OrgUnit(name=name, division=division)
    unit.full_clean()
    unit.save()
    audit_event_record(
        actor=actor,
        action="org_unit.create",
        obj=unit,
        after=audit_snapshot(unit, ("name", "division")),
    )
    return unit


@transaction.atomic
def staff_create(
    *,
    username: str,
    full_name: str,
    role: str,
    org_unit: OrgUnit | None,
    password: str = "",
    password_hash: str = "",
    actor: Actor,
    enforcement_card_number: str = "",
) -> User:
    """Create a member of staff with a password, or with a password already hashed by
    ``make_password`` (``password_hash``: accounts moved from elsewhere, or the demo's
    many sign-ins of one published password, hashed once rather than once each)."""
    if bool(password) == bool(password_hash):
        raise InvalidInput(_("Give a password."), extra={"fields": {"password": [_("Required.")]}})
    if password_hash:
        identify_hasher(password_hash)  # a ValueError for anything make_password did not make
    user = User(
        username=username,
        full_name=full_name,
        enforcement_card_number=enforcement_card_number.strip(),
        role=role,
        org_unit=org_unit,
        is_staff=role == Role.ADMINISTRATOR,
    )
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    audit_event_record(
        actor=actor, action="staff.create", obj=user, after=audit_snapshot(user, STAFF_AUDIT_FIELDS)
    )
    return user


@transaction.atomic
def staff_save(*, user: User, before: dict[str, object] | None, actor: Actor) -> User:
    """Save a staff member edited in the admin; Django admin access follows the role."""
    user.is_staff = user.role == Role.ADMINISTRATOR
    user.full_clean(exclude=["password"])
    user.save()
    audit_event_record(
        actor=actor,
        action="staff.update" if before else "staff.create",
        obj=user,
        before=before,
        after=audit_snapshot(user, STAFF_AUDIT_FIELDS),
    )
    return user


@transaction.atomic
def org_unit_save(*, unit: OrgUnit, before: dict[str, object] | None, actor: Actor) -> OrgUnit:
    """Save an org unit edited in the admin."""
    unit.full_clean()
    unit.save()
    audit_event_record(
        actor=actor,
        action="org_unit.update" if before else "org_unit.create",
        obj=unit,
        before=before,
        after=audit_snapshot(unit, ("name", "division")),
    )
    return unit


@transaction.atomic
def account_unlock(*, username: str, actor: Actor) -> int:
    """Lift the sign-in lockout of ``username`` (every address it was locked from) and
    forget its failed attempts; an administrator only. Returns how many attempt records
    were cleared."""
    if actor is None or not can(actor, Perm.STAFF_MANAGE):
        raise Forbidden(_("Only an administrator may unlock an account."))
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(_("No account has this user name."))
    attempts = AccessAttempt.objects.filter(username=username)
    failures = sum(attempts.values_list("failures_since_start", flat=True))
    cleared: int = attempts.delete()[0]
    audit_event_record(
        actor=actor,
        action="account.unlock",
        obj=user,
        before={"failed_attempts": failures},
        after={"failed_attempts": 0},
    )
    return cleared
