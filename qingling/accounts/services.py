"""Writes for staff and org units."""

from django.db import transaction

from qingling.accounts.models import OrgUnit, Role, User
from qingling.core.models import Division
from qingling.core.services import Actor, audit_event_record, audit_snapshot

STAFF_AUDIT_FIELDS = ("username", "full_name", "role", "org_unit", "is_active")


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
    password: str,
    actor: Actor,
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        org_unit=org_unit,
        is_staff=role == Role.ADMINISTRATOR,
    )
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
