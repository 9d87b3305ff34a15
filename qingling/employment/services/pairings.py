"""Writes of the service pairs (帮扶对子): who looks after which worker, and each contact.

A worker has at most one current ``Pairing``; reassigning ends it the same day and starts
another, so the history of who was responsible stays. ``pairings_balance`` shares the
unpaired workers of a county or township among chosen officers: loads (counting the
workers each already has) end within one of each other, and one township's workers go
to as few officers as the loads allow, so an officer calls and visits one area.
"""

import dataclasses
import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can, covers
from qingling.core import clock
from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.services import Actor, audit_event_record
from qingling.employment.models import Contact, Pairing, Seeker
from qingling.employment.selectors.pairings import seekers_unpaired

NOTE_MAX_LENGTH = 2000


def balance_quotas(loads: Sequence[int], count: int) -> list[int]:
    """How many of ``count`` new workers each officer gets, given their current ``loads``.

    Water-filling: every officer below a level ``v`` is raised to ``v − 1`` and the rest go
    one each, in the officers' order, to those still below ``v``. Whoever received workers
    ends at ``v − 1`` or ``v``; whoever received none already had ``v − 1`` or more. So the
    loads end within one of each other unless an officer started above ``v``, and then no
    assignment without taking workers away could do better. The quotas sum to ``count``.
    """
    if count < 0 or any(load < 0 for load in loads):
        raise ValueError("counts cannot be negative")
    if count == 0:
        return [0] * len(loads)
    if not loads:
        raise ValueError("no officer to assign to")

    def room(level: int) -> int:
        return sum(max(level - load, 0) for load in loads)

    low, high = min(loads), min(loads) + count  # room(high) >= count
    while low < high:
        middle = (low + high) // 2
        if room(middle) >= count:
            high = middle
        else:
            low = middle + 1
    quotas = [max(low - 1 - load, 0) for load in loads]
    rest = count - sum(quotas)  # 0 < rest <= how many officers sit at low − 1 after filling
    for index, load in enumerate(loads):
        if rest == 0:
            break
        if load + quotas[index] < low:
            quotas[index] += 1
            rest -= 1
    return quotas


def balance_split(quotas: Sequence[int]) -> list[int]:
    """The officer index of each worker, workers taken in their (county, township) order.

    Each officer gets one consecutive run, so a township is split only where one
    officer's quota ends inside it: at most ``officers − 1`` splits in all.
    """
    return [index for index, quota in enumerate(quotas) for _ in range(quota)]


def _is_officer(user: User) -> bool:
    return can(user, Perm.EMPLOYMENT_WORK)


def _officer_check(officer: User, seeker: Seeker | None = None) -> None:
    if not _is_officer(officer):
        raise InvalidInput(
            _("%(name)s is not an employment service officer.") % {"name": officer},
            extra={"fields": {"officer": [_("Choose an employment service officer.")]}},
        )
    if seeker is not None and not covers(officer, seeker.division_id):
        raise InvalidInput(
            _("%(name)s does not serve this worker's county.") % {"name": officer},
            extra={"fields": {"officer": [_("Choose an officer who serves this county.")]}},
        )


@transaction.atomic
def pairing_assign(*, seeker: Seeker, officer: User, actor: Actor) -> Pairing:
    """Put a worker in an officer's care, ending the current pairing if there is one."""
    _officer_check(officer, seeker)
    today = clock.local_today()
    current = (
        Pairing.objects.select_for_update().filter(seeker=seeker, ended_on__isnull=True).first()
    )
    if current is not None and current.officer_id == officer.pk:
        return current
    before = None
    if current is not None:
        before = {"officer": str(current.officer_id), "pairing": str(current.pk)}
        ended = Pairing.objects.filter(pk=current.pk, ended_on__isnull=True).update(
            ended_on=today, updated_at=clock.now()
        )
        if not ended:
            raise _changed_meanwhile()
        audit_event_record(
            actor=actor,
            action="pairing.end",
            obj=current,
            before={"ended_on": None},
            after={"ended_on": today.isoformat()},
        )
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(officer=officer, seeker=seeker, started_on=today)
    except IntegrityError:
        raise _changed_meanwhile() from None
    audit_event_record(
        actor=actor,
        action="pairing.assign",
        obj=pairing,
        before=before,
        after={"officer": str(officer.pk), "started_on": today.isoformat()},
    )
    return pairing


def _changed_meanwhile() -> Conflict:
    return Conflict(
        _("Someone changed this worker's officer at the same time; look again."),
        code="pairing_changed",
    )


@dataclasses.dataclass
class OfficerShare:
    """One officer's part of a balance run."""

    officer: User
    before: int
    added: int
    townships: list[str] = dataclasses.field(default_factory=list)

    @property
    def after(self) -> int:
        return self.before + self.added


@dataclasses.dataclass
class BalanceResult:
    assigned: int
    shares: list[OfficerShare]


def _current_loads(officers: Sequence[User]) -> dict[int, int]:
    rows = (
        Pairing.objects.filter(ended_on__isnull=True, officer__in=officers)
        .values("officer_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["officer_id"]: row["n"] for row in rows}


@transaction.atomic
def pairings_balance(
    *, seekers: QuerySet[Seeker], officers: Sequence[User], actor: Actor
) -> BalanceResult:
    """Share every unpaired worker among ``officers`` (in their order), see `balance_quotas`.

    Workers already paired keep their officer. Every officer must serve every county
    among the workers, so that nobody is given a worker outside their jurisdiction.
    """
    chosen = list({officer.pk: officer for officer in officers}.values())
    if not chosen:
        raise InvalidInput(
            _("Choose at least one officer."),
            extra={"fields": {"officers": [_("Choose at least one officer.")]}},
        )
    for officer in chosen:
        _officer_check(officer)
    unpaired = list(seekers_unpaired(seekers).select_related("division"))
    counties = {seeker.division_id for seeker in unpaired}
    for officer in chosen:
        if outside := sorted(c for c in counties if not covers(officer, c)):
            raise InvalidInput(
                _("%(name)s does not serve all of these counties: %(codes)s.")
                % {"name": officer, "codes": ", ".join(outside)},
                extra={"fields": {"officers": [_("Choose officers who serve these counties.")]}},
            )
    loads = _current_loads(chosen)
    shares = [OfficerShare(officer=o, before=loads.get(o.pk, 0), added=0) for o in chosen]
    quotas = balance_quotas([share.before for share in shares], len(unpaired))
    today = clock.local_today()
    pairings = []
    for seeker, index in zip(unpaired, balance_split(quotas), strict=True):
        share = shares[index]
        share.added += 1
        township = f"{seeker.division.name} {seeker.township}"
        if township not in share.townships:
            share.townships.append(township)
        pairings.append(Pairing(officer=share.officer, seeker=seeker, started_on=today))
    try:
        with transaction.atomic():
            created = Pairing.objects.bulk_create(pairings)
    except IntegrityError:
        raise _changed_meanwhile() from None
    for pairing in created:
        assert pairing.pk is not None  # PostgreSQL and SQLite 3.35+ return the new ids
        audit_event_record(
            actor=actor,
            action="pairing.assign",
            obj=pairing,
            after={
                "officer": str(pairing.officer_id),
                "started_on": today.isoformat(),
                "by": "balance",
            },
        )
    return BalanceResult(assigned=len(created), shares=shares)


@transaction.atomic
def contact_record(
    *,
    seeker: Seeker,
    officer: User,
    kind: str,
    note: str,
    contacted_on: dt.date,
    actor: Actor,
) -> Contact:
    """Log one call, visit or message to a worker (一对一电话回访)."""
    errors: dict[str, list[str]] = {}
    if kind not in Contact.Kind.values:
        errors["kind"] = [_("Choose a phone call, a visit or a message.")]
    if contacted_on > clock.local_today():
        errors["contacted_on"] = [_("The date cannot be in the future.")]
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [
            _("Keep the note under %(count)d characters.") % {"count": NOTE_MAX_LENGTH}
        ]
    if errors:
        raise InvalidInput(_("Some fields are not valid."), extra={"fields": errors})
    _officer_check(officer, seeker)
    contact = Contact.objects.create(
        seeker=seeker, officer=officer, kind=kind, note=note, contacted_on=contacted_on
    )
    audit_event_record(
        actor=actor,
        action="contact.record",
        obj=contact,
        after={
            "seeker": str(seeker.pk),
            "officer": str(officer.pk),
            "kind": kind,
            "contacted_on": contacted_on.isoformat(),
        },  # not the note: it may hold personal details
    )
    return contact
