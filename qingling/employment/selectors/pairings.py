"""Reads of the service pairs: the officers, their loads by township, who awaits a first call.

Everything is limited to the viewer's jurisdiction: a county officer sees the county's
workers and the officers who can serve them; a city officer sees the whole city.
"""

import dataclasses
import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from qingling.accounts.models import User
from qingling.accounts.permissions import ROLE_PERMISSIONS, Perm, jurisdiction_prefix
from qingling.employment.models import Contact, Pairing, Seeker
from qingling.employment.selectors.seekers import seekers_for_user

OFFICER_ROLES = tuple(
    role for role, perms in ROLE_PERMISSIONS.items() if Perm.EMPLOYMENT_WORK in perms
)


def officers_for_user(*, user: User) -> list[User]:
    """Active employment officers whose jurisdiction overlaps the viewer's, by name."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return []
    officers = User.objects.filter(
        is_active=True, role__in=OFFICER_ROLES, org_unit__isnull=False
    ).select_related("org_unit__division")
    result = []
    for officer in officers.order_by("username"):
        theirs = officer.org_unit.division.prefix  # type: ignore[union-attr]
        if theirs.startswith(prefix) or prefix.startswith(theirs):
            result.append(officer)
    return result


def seekers_unpaired(seekers: QuerySet[Seeker]) -> QuerySet[Seeker]:
    """The workers among these without a current officer, county and township together."""
    current = Pairing.objects.filter(seeker=OuterRef("pk"), ended_on__isnull=True)
    return seekers.filter(~Exists(current)).order_by("division_id", "township", "village", "id")


def seekers_in_area(
    seekers: QuerySet[Seeker], *, county: str = "", township: str = ""
) -> QuerySet[Seeker]:
    """The workers among these of one county (a division code) and township, if given."""
    if county:
        seekers = seekers.filter(division_id=county)
    if township.strip():
        seekers = seekers.filter(township=township.strip())
    return seekers


def pairing_current(*, seeker: Seeker) -> Pairing | None:
    return (
        Pairing.objects.filter(seeker=seeker, ended_on__isnull=True)
        .select_related("officer")
        .first()
    )


@dataclasses.dataclass
class TownshipLoad:
    county: str
    township: str
    count: int


@dataclasses.dataclass
class OfficerLoad:
    officer: User
    total: int = 0
    not_contacted: int = 0
    townships: list[TownshipLoad] = dataclasses.field(default_factory=list)


def _not_contacted() -> Q:
    """No contact with the worker on or after the day the pairing started."""
    contacted = Contact.objects.filter(
        seeker_id=OuterRef("seeker_id"), contacted_on__gte=OuterRef("started_on")
    )
    return ~Q(Exists(contacted))


def officer_workloads(*, officers: list[User]) -> list[OfficerLoad]:
    """Each officer's current workers, by county and township, and how many await a call.

    Two queries whatever the number of officers.
    """
    loads = {officer.pk: OfficerLoad(officer=officer) for officer in officers}
    current = Pairing.objects.filter(ended_on__isnull=True, officer__in=officers)
    rows = (
        current.values("officer_id", "seeker__division__name", "seeker__township")
        .annotate(n=Count("id"))
        .order_by("officer_id", "seeker__division_id", "seeker__township")
    )
    for row in rows:
        load = loads[row["officer_id"]]
        load.total += row["n"]
        load.townships.append(
            TownshipLoad(row["seeker__division__name"], row["seeker__township"], row["n"])
        )
    waiting = (
        current.filter(_not_contacted()).values("officer_id").annotate(n=Count("id")).order_by()
    )
    for row in waiting:
        loads[row["officer_id"]].not_contacted = row["n"]
    return list(loads.values())


@dataclasses.dataclass
class TownshipRow:
    county_code: str
    county: str
    township: str
    seekers: int
    unpaired: int


def townships_for_user(*, user: User) -> list[TownshipRow]:
    """Every township of the viewer's workers with how many are still without an officer."""
    current = Pairing.objects.filter(seeker=OuterRef("pk"), ended_on__isnull=True)
    rows = (
        seekers_for_user(user=user)
        .values("division_id", "division__name", "township")
        .annotate(n=Count("id"), unpaired=Count("id", filter=~Exists(current)))
        .order_by("division_id", "township")
    )
    return [
        TownshipRow(r["division_id"], r["division__name"], r["township"], r["n"], r["unpaired"])
        for r in rows
    ]


def pairings_not_contacted(
    *,
    user: User,
    today: dt.date,
    officer: User | None = None,
    older_than_days: int | None = None,
) -> QuerySet[Pairing]:
    """Current pairings with no contact since they started, the longest waiting first.

    ``older_than_days`` keeps those started at least that many days before ``today``.
    """
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return Pairing.objects.none()
    pairings = Pairing.objects.filter(
        ended_on__isnull=True, seeker__division__code__startswith=prefix
    ).filter(_not_contacted())
    if officer is not None:
        pairings = pairings.filter(officer=officer)
    if older_than_days is not None:
        pairings = pairings.filter(started_on__lte=today - dt.timedelta(days=older_than_days))
    return pairings.select_related("officer", "seeker__person", "seeker__division").order_by(
        "started_on", "seeker__division_id", "seeker__township", "seeker__village", "id"
    )


def pairings_by_ids(*, user: User, today: dt.date, ids: list[str]) -> list[Pairing]:
    """The user's own pairings not yet contacted among ``ids`` (a bulk action's rows)."""
    wanted = [int(raw) for raw in ids if raw.isdigit()]
    found = {
        p.pk: p
        for p in pairings_not_contacted(user=user, today=today, officer=user).filter(pk__in=wanted)
    }
    return [found[key] for key in wanted if key in found]
