"""Writes of the blacklist (失信联合惩戒名单): proposing a listing, the one transition
service, and the daily removal of listings whose term has ended. Every write is audited
on the listing, so its history is its audit trail."""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qingling.accounts.permissions import Perm, can, covers
from qingling.cases.models import Case, Payment
from qingling.cases.selectors import case_outstanding, case_payer_choices
from qingling.core import clock
from qingling.core.exceptions import ApplicationError, Conflict, Forbidden, InvalidInput
from qingling.core.services import (
    Actor,
    audit_event_record,
    audit_snapshot,
    status_compare_and_swap,
)
from qingling.parties.models import Organization, Person
from qingling.sanctions.lifecycle import (
    ACTIVE_STATUSES,
    ListingGround,
    ListingStatus,
    StepActor,
    repair_possible_from,
    term_end,
    transition_for,
)
from qingling.sanctions.models import Listing, ListingPerson
from qingling.sanctions.selectors import Arrears, case_arrears_after_order

ONE_WORKER = 1
TEN_WORKERS = 10  # 法释〔2013〕3号 Art. 3 (2): ten or more workers, cumulative amount
LISTING_AUDIT_FIELDS = (
    "number",
    "status",
    "organization",
    "case",
    "ground",
    "notice_served_on",
    "listed_on",
    "ends_on",
    "removed_on",
    "removal",
    "repaid_on",
)


class TransitionNotAllowed(ApplicationError):
    status = 403

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message, code="listing_transition_not_allowed", extra=extra)


def _refuse(message: str, *, field: str) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field: [message]}})


def threshold_reached(arrears: Arrears) -> bool:
    """Whether the arrears reach the province's 数额较大 (法释〔2013〕3号 Art. 3): one worker
    owed at least the per-worker figure, or ten or more workers owed at least the
    cumulative figure. The "three months' pay or more" of the first branch is not
    recorded by the platform: the written reason must state it."""
    one = settings.QINGLING_CRIME_THRESHOLD_ONE_WORKER
    ten = settings.QINGLING_CRIME_THRESHOLD_TEN_WORKERS
    return (arrears.workers >= ONE_WORKER and arrears.largest >= one) or (
        arrears.workers >= TEN_WORKERS and arrears.total >= ten
    )


def _check_order_unpaid(case: Case, today: dt.date) -> Arrears:
    """Art. 5's first condition: an order to pay whose date passed without payment."""
    if case.order_due is None:
        raise _refuse(
            _(
                "Case %(number)s has no order to pay (责令限期支付): a listing needs an order "
                "left unpaid after its date."
            )
            % {"number": case.number},
            field="case",
        )
    if case.order_due >= today:
        raise _refuse(
            _("The order to pay of case %(number)s is due on %(date)s, which has not passed.")
            % {"number": case.number, "date": case.order_due.isoformat()},
            field="case",
        )
    arrears = case_arrears_after_order(case=case)
    assert arrears is not None
    if arrears.total <= 0:
        raise _refuse(
            _("Everything ordered in case %(number)s was paid by the order's date %(date)s.")
            % {"number": case.number, "date": case.order_due.isoformat()},
            field="case",
        )
    return arrears


@transaction.atomic
def listing_propose(
    *,
    case: Case,
    ground: str,
    reason: str,
    organization: Organization | None = None,
    persons: Iterable[tuple[Person, str]] = (),
    actor: Actor,
) -> Listing:
    """Propose listing the case's respondent (or another party of its project, e.g. the
    general contractor that subcontracted unlawfully) on the blacklist.

    Refused unless the case's order to pay is past its date with money unpaid, and, on
    the ``threshold`` ground, unless what was unpaid reaches the crime threshold.
    """
    if not (can(actor, Perm.LISTING_PROPOSE) and covers(actor, case.division_id)):
        raise Forbidden(_("Only an inspector or chief of the case's area proposes a listing."))
    today = clock.local_today()
    arrears = _check_order_unpaid(case, today)
    if ground not in ListingGround.values:
        raise _refuse(_("Choose the ground of the listing."), field="ground")
    reason = reason.strip()
    if not reason:
        raise _refuse(_("Write the reason for the listing."), field="reason")
    if ground == ListingGround.THRESHOLD and not threshold_reached(arrears):
        raise _refuse(
            _(
                "The wages unpaid after the order (%(workers)d workers, %(total)s yuan, at most "
                "%(largest)s yuan for one worker) do not reach the crime threshold: %(one)s yuan "
                "for one worker, or %(ten)s yuan for 10 or more workers."
            )
            % {
                "workers": arrears.workers,
                "total": arrears.total,
                "largest": arrears.largest,
                "one": settings.QINGLING_CRIME_THRESHOLD_ONE_WORKER,
                "ten": settings.QINGLING_CRIME_THRESHOLD_TEN_WORKERS,
            },
            field="ground",
        )
    organization = organization or case.respondent
    if not case_payer_choices(case=case).filter(pk=organization.pk).exists():
        raise _refuse(
            _("%(name)s is neither the respondent nor a party of the case's project.")
            % {"name": organization.name},
            field="organization",
        )
    persons = list(persons)
    for _person, role in persons:
        if role not in ListingPerson.Role.values:
            raise _refuse(_("Choose the role of each person listed."), field="persons")
    duplicate = Conflict(
        _("%(name)s already has a blacklist entry from case %(number)s.")
        % {"name": organization.name, "number": case.number},
        code="listing_duplicate",
    )
    if Listing.objects.filter(
        organization=organization, case=case, status__in=ACTIVE_STATUSES
    ).exists():
        raise duplicate
    try:
        with transaction.atomic():
            listing = Listing.objects.create(
                organization=organization,
                case=case,
                ground=ground,
                reason=reason,
                proposed_on=today,
                proposed_by_id=getattr(actor, "pk", None),
                status_changed_at=clock.now(),
            )
    except IntegrityError:  # proposed by someone else at the same moment
        raise duplicate from None
    for person, role in persons:
        ListingPerson.objects.get_or_create(listing=listing, person=person, defaults={"role": role})
    audit_event_record(
        actor=actor,
        action="listing.propose",
        obj=listing,
        after={
            **audit_snapshot(listing, LISTING_AUDIT_FIELDS),
            "case_number": case.number,
            "unpaid_workers": arrears.workers,
            "unpaid_total": str(arrears.total),
            "persons": [p.pk for p, _role in persons],
        },
        reason=reason,
    )
    return listing


# --- the one transition service --------------------------------------------------------------


def listing_step_actors(listing: Listing, actor: Actor) -> frozenset[str]:
    """Which step-actors of the transition table ``actor`` is for this listing."""
    if actor is None:
        return frozenset({StepActor.SYSTEM})
    found = set()
    area = listing.case.division_id
    if can(actor, Perm.LISTING_PROPOSE) and covers(actor, area):
        found.add(StepActor.PROPOSER)
    if can(actor, Perm.LISTING_DECIDE) and covers(actor, area):
        found.add(StepActor.CHIEF)
    return frozenset(found)


def _a_date(details: dict[str, Any], name: str) -> dt.date | None:
    value = details.get(name)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return None


def _guard_notice_served(listing: Listing, details: dict[str, Any], today: dt.date) -> None:
    served = _a_date(details, "notice_served_on")
    if served is None or not listing.proposed_on <= served <= today:
        raise _refuse(
            _("Give the date the advance notice (事先告知书) was served, from proposal to today."),
            field="notice_served_on",
        )


def _guard_credit_repaired(listing: Listing, details: dict[str, Any], today: dt.date) -> None:
    """Early removal (信用修复): the arrears repaid, at least 6 months ago, and a written
    commitment (守信承诺) on file."""
    repaid = _a_date(details, "repaid_on")
    if repaid is None or repaid > today:
        raise _refuse(_("Give the date the arrears were repaid."), field="repaid_on")
    if case_outstanding(case=listing.case) > 0:
        raise _refuse(
            _("Wages are still outstanding in case %(number)s: record the payments first.")
            % {"number": listing.case.number},
            field="repaid_on",
        )
    last = Payment.objects.filter(claim__case=listing.case).aggregate(last=Max("paid_on"))["last"]
    if last is not None and repaid < last:
        raise _refuse(
            _("The last payment in case %(number)s was made on %(date)s, after that date.")
            % {"number": listing.case.number, "date": last.isoformat()},
            field="repaid_on",
        )
    if repair_possible_from(repaid) > today:
        raise _refuse(
            _("Early removal is possible from %(date)s, 6 months after the repayment.")
            % {"date": repair_possible_from(repaid).isoformat()},
            field="repaid_on",
        )
    if not str(details.get("commitment_note", "")).strip():
        raise _refuse(
            _("Note the written commitment (守信承诺书): its date and where it is filed."),
            field="commitment_note",
        )


def _guard_term_ended(listing: Listing, details: dict[str, Any], today: dt.date) -> None:
    if listing.ends_on is None or listing.ends_on >= today:
        raise TransitionNotAllowed(_("The listing's term has not ended."))


def _guard_reason_given(listing: Listing, details: dict[str, Any], today: dt.date) -> None:
    if not str(details.get("note", "")).strip():
        raise _refuse(_("Give the reason for withdrawing the proposal."), field="note")


GUARDS: dict[str, Callable[[Listing, dict[str, Any], dt.date], None]] = {
    "notice_served": _guard_notice_served,
    "credit_repaired": _guard_credit_repaired,
    "term_ended": _guard_term_ended,
    "reason_given": _guard_reason_given,
}


def _next_sequence(year: int) -> int:
    top = Listing.objects.filter(year=year).aggregate(top=Max("sequence"))["top"]
    return (top or 0) + 1


def _values(
    listing: Listing, target: str, step_actor: str, actor: Actor, note: str, details: dict[str, Any]
) -> dict[str, Any]:
    today = clock.local_today()
    now = clock.now()
    values: dict[str, Any] = {"status": target, "status_changed_at": now, "updated_at": now}
    if target == ListingStatus.NOTIFIED:
        values |= {"notice_served_on": details["notice_served_on"], "notice_note": note}
    elif target == ListingStatus.LISTED:
        values |= {
            "listed_on": today,
            "ends_on": term_end(today),
            "decided_by_id": getattr(actor, "pk", None),
            "defence_note": note,
            "year": today.year,
        }
    elif target == ListingStatus.REMOVED:
        values |= {"removed_on": today}
        if step_actor == StepActor.SYSTEM:
            values |= {"removal": Listing.Removal.EXPIRED}
        else:
            values |= {
                "removal": Listing.Removal.EARLY,
                "repaid_on": details["repaid_on"],
                "commitment_note": str(details["commitment_note"]).strip(),
            }
    elif target == ListingStatus.WITHDRAWN:
        values |= {"withdrawal_reason": note}
    return values


@transaction.atomic
def listing_transition(
    *, listing: Listing, target: str, actor: Actor, note: str = "", **details: Any
) -> Listing:
    """Move a listing along the table, with the guards, compare-and-swap and an audit row.

    ``details``: ``notice_served_on`` (a date) for the notice; ``repaid_on`` (a date) and
    ``commitment_note`` for early removal. ``note``: how the notice was served, the
    party's defence (at the decision), or why a proposal is withdrawn.
    """
    actors = listing_step_actors(listing, actor)
    step = transition_for(listing.status, target, actors)
    if step is None:
        if transition_for(listing.status, target, frozenset(StepActor.values)) is None:
            raise TransitionNotAllowed(
                _("A listing that is %(status)s cannot become %(target)s.")
                % {
                    "status": listing.get_status_display(),
                    "target": ListingStatus(target).label,
                }
            )
        raise TransitionNotAllowed(_("You may not take this step on this listing."))
    note = note.strip()
    today = clock.local_today()
    if step.guard:
        GUARDS[step.guard](listing, {**details, "note": note}, today)
    values = _values(listing, target, step.actor, actor, note, details)
    conflict = Conflict(
        _("Someone else moved this listing first; reload it."), code="listing_conflict"
    )
    for _attempt in range(5):  # two decisions at once: the unique sequence decides
        if target == ListingStatus.LISTED:
            sequence = _next_sequence(today.year)
            values |= {
                "sequence": sequence,
                "number": settings.QINGLING_LISTING_NUMBER_FORMAT.format(
                    year=today.year, seq=sequence
                ),
            }
        try:
            with transaction.atomic():
                status_compare_and_swap(
                    obj=listing,
                    values=values,
                    conflict=conflict,
                    actor=actor,
                    action=f"listing.{target}",
                    audit_fields=LISTING_AUDIT_FIELDS,
                    reason=note,
                )
            return listing
        except IntegrityError:
            continue
    raise Conflict(_("Could not number the decision; try again."), code="listing_number_conflict")


def listings_expire_scan(*, today: dt.date) -> int:
    """Remove every listing whose term ended before ``today``; safe to run twice (each
    removal is a compare-and-swap, and a removed listing is no longer looked at)."""
    removed = 0
    due = Listing.objects.filter(status=ListingStatus.LISTED, ends_on__lt=today).select_related(
        "case"
    )
    for listing in due:
        try:
            listing_transition(listing=listing, target=ListingStatus.REMOVED, actor=None)
        except Conflict:
            continue  # removed by another run meanwhile
        removed += 1
    return removed
