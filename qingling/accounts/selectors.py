"""Reads of the staff: who holds a permission over a division (the people a notification
about something there goes to)."""

from qingling.accounts.models import User
from qingling.accounts.permissions import ROLE_PERMISSIONS, Perm


def staff_covering(*, perm: Perm, division_code: str | None) -> list[User]:
    """Active staff whose role grants ``perm`` and whose jurisdiction covers the division
    (``None``: a thing not yet placed, which only city-wide staff see), by user name."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    staff = User.objects.filter(
        is_active=True, role__in=roles, org_unit__isnull=False
    ).select_related("org_unit__division")
    found = []
    for user in staff.order_by("username"):
        division = user.org_unit.division  # type: ignore[union-attr]
        if division_code is None:
            if division.level != division.Level.COUNTY:
                found.append(user)
        elif division_code.startswith(division.prefix):
            found.append(user)
    return found
