"""Writes of sanctions. The blacklist (失信联合惩戒名单): proposing a listing, the one
transition service, and the daily removal of listings whose term has ended. The transfer
to the police (移送, 国务院令第310号): the evasion evidence, proposing a transfer, its one
transition service and the clocks the worker watches. Every write is audited on its
object, so an object's history is its audit trail."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingling.accounts.permissions import Perm, can, covers
from qingling.accounts.selectors import staff_covering
from qingling.cases.lifecycle import OPEN_STATUSES
from qingling.cases.models import Case, Payment, Service
from qingling.cases.selectors import case_outstanding, case_payer_choices
from qingling.cases.services import case_inspectors, case_writable_check
from qingling.core import clock
from qingling.core.calendars import DeadlineDate
from qingling.core.exceptions import ApplicationError, Conflict, Forbidden, InvalidInput
from qingling.core.selectors import calendar_days_add, workdays_add
from qingling.core.services import (
    Actor,
    audit_event_record,
    audit_snapshot,
    status_compare_and_swap,
)
from qingling.core.transitions import Transition
from qingling.core.uploads import EXTENSIONS, evidence_check
from qingling.notify.models import NotificationKind
from qingling.notify.services import notification_send_on_commit
from qingling.parties.models import Organization, Person
from qingling.parties.services import person_find_or_register
from qingling.sanctions.documents import (
    listing_decision_build,
    listing_notice_build,
    listing_removal_build,
)
from qingling.sanctions.lifecycle import (
    ACTIVE_STATUSES,
    REFERRAL_CLOCK_OF_STATUS,
    REFERRAL_COPY_STATUSES,
    REFERRAL_DAYS,
    REFERRAL_LIVE_STATUSES,
    REFERRAL_SEND_HOURS,
    REVIEW_DAYS,
    TRANSITIONS,
    ListingClock,
    ListingGround,
    ListingStatus,
    ReferralActor,
    ReferralClock,
    ReferralStatus,
    StepActor,
    referral_transition_for,
    repair_possible_from,
    suit_window_end,
    term_end,
    transition_for,
)
from qingling.sanctions.models import (
    Evasion,
    EvasionFile,
    Listing,
    ListingAlert,
    ListingChallenge,
    ListingEvent,
    ListingPerson,
    Referral,
    ReferralAlert,
)
from qingling.sanctions.selectors import (
    Arrears,
    ReferralConditions,
    case_arrears_after_order,
    feed_events_on,
    feed_line,
    referral_conditions,
)

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


def threshold_reached(arrears: Arrears, *, three_months_pay: bool) -> bool:
    """Whether the arrears reach the province's 数额较大 (法释〔2013〕3号 Art. 3): one worker
    owed three months' pay or more (``three_months_pay``, the proposer's statement: the
    platform does not record pay periods) and at least the per-worker figure, or ten or
    more workers owed at least the cumulative figure."""
    one = settings.QINGLING_CRIME_THRESHOLD_ONE_WORKER
    ten = settings.QINGLING_CRIME_THRESHOLD_TEN_WORKERS
    return (arrears.workers >= ONE_WORKER and arrears.largest >= one and three_months_pay) or (
        arrears.workers >= TEN_WORKERS and arrears.total >= ten
    )


def _check_order_unpaid(case: Case, today: dt.date) -> Arrears:
    """Art. 5's first condition: an order to pay whose date passed without payment."""
    if case.order_due is None and case.order_issued_on is not None:
        raise _refuse(
            _(
                "The order to pay of case %(number)s, issued on %(date)s, has not been served "
                "yet: its date runs from service, so it cannot have passed (45号令 Art. 5). "
                "Record the order's service first."
            )
            % {"number": case.number, "date": case.order_issued_on.isoformat()},
            field="case",
        )
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
    three_months_pay: bool = False,
    actor: Actor,
) -> Listing:
    """Propose listing the case's respondent (or another party of its project, e.g. the
    general contractor that subcontracted unlawfully) on the blacklist.

    Refused unless the case's order to pay is past its date with money unpaid, and, on
    the ``threshold`` ground, unless what was unpaid reaches the crime threshold.
    """
    if not (can(actor, Perm.LISTING_PROPOSE) and covers(actor, case.division_id)):
        raise Forbidden(_("Only an inspector or chief of the case's area proposes a listing."))
    case_writable_check(case)
    today = clock.local_today()
    arrears = _check_order_unpaid(case, today)
    if ground not in ListingGround.values:
        raise _refuse(_("Choose the ground of the listing."), field="ground")
    reason = reason.strip()
    if not reason:
        raise _refuse(_("Write the reason for the listing."), field="reason")
    if ground == ListingGround.THRESHOLD and not threshold_reached(
        arrears, three_months_pay=three_months_pay
    ):
        one_amount = (
            arrears.workers >= ONE_WORKER
            and arrears.largest >= settings.QINGLING_CRIME_THRESHOLD_ONE_WORKER
        )
        if one_amount and not three_months_pay:
            raise _refuse(
                _(
                    "One worker is owed %(largest)s yuan, at least the threshold of %(one)s "
                    "yuan, but the one-worker form of 数额较大 also needs three months' pay or "
                    "more owed (法释〔2013〕3号 Art. 3 (1)): state it, or choose another ground."
                )
                % {
                    "largest": arrears.largest,
                    "one": settings.QINGLING_CRIME_THRESHOLD_ONE_WORKER,
                },
                field="three_months_pay",
            )
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
                three_months_pay=three_months_pay,
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
    notification_send_on_commit(
        recipients=staff_covering(perm=Perm.LISTING_DECIDE, division_code=case.division_id),
        kind=NotificationKind.APPROVAL,
        text=_("%(organization)s is proposed for the blacklist (case %(number)s): your decision.")
        % {"organization": listing.organization, "number": case.number},
        url=reverse("sanctions:listing_detail", args=[listing.public_id]),
        subject=listing,
        actor=actor,
    )
    return listing


# --- the notice of intended listing and the defence (告知, 陈述申辩) ------------------------------


def _locked(listing: Listing, status: str) -> Listing:
    """The listing, locked, still in ``status``; else the stale page's conflict."""
    fresh = (
        Listing.objects.select_for_update()
        .select_related("case", "organization")
        .get(pk=listing.pk)
    )
    if fresh.status != status:
        raise Conflict(
            _("Someone else moved this listing first; reload it."), code="listing_conflict"
        )
    return fresh


@transaction.atomic
def listing_notice_issue(
    *, listing: Listing, actor: Actor, defence_days: int | None = None
) -> Listing:
    """Generate the notice of intended listing (告知书) as a numbered case document, to be
    served like any other (``cases.serving.service_record``, from the case page).

    ``defence_days``: the working days the party has to answer, at least
    ``QINGLING_LISTING_DEFENCE_WORKDAYS`` (the default). A voided notice may be replaced.
    """
    if StepActor.PROPOSER not in listing_step_actors(listing, actor):
        raise TransitionNotAllowed(_("You may not take this step on this listing."))
    least = settings.QINGLING_LISTING_DEFENCE_WORKDAYS
    days = least if defence_days is None else defence_days
    if days < least or days > 60:
        raise _refuse(
            _(
                "The defence period is %(least)d to 60 working days (人社部令第45号, "
                "QINGLING_LISTING_DEFENCE_WORKDAYS)."
            )
            % {"least": least},
            field="defence_days",
        )
    listing = _locked(listing, ListingStatus.PROPOSED)
    case_writable_check(listing.case)
    notice = listing.notice_document
    if notice is not None and notice.voided_at is None:
        raise Conflict(
            _("The notice %(number)s is already generated; void it on the case page first.")
            % {"number": notice.number},
            code="listing_notice_exists",
        )
    document = listing_notice_build(listing=listing, defence_days=days, actor=actor)
    Listing.objects.filter(pk=listing.pk).update(
        notice_document=document, defence_days=days, updated_at=clock.now()
    )
    listing.refresh_from_db()
    return listing


def listing_notice_service(listing: Listing) -> Service | None:
    """The first service of the listing's notice: the defence period runs from it."""
    if listing.notice_document_id is None:
        return None
    return (
        Service.objects.filter(document_id=listing.notice_document_id)
        .order_by("effective_on", "id")
        .first()
    )


def listing_decision_served_on(listing: Listing) -> dt.date | None:
    """The day the decision counts as served: the review and suit windows run from it."""
    if listing.decision_document_id is None:
        return None
    service = (
        Service.objects.filter(document_id=listing.decision_document_id)
        .order_by("effective_on", "id")
        .first()
    )
    return service.effective_on if service else None


def _check_answer(statement: str, adopted: bool | None, answer: str) -> None:
    if not statement:
        raise _refuse(_("Write what the party said (陈述申辩)."), field="statement")
    if adopted is None:
        raise _refuse(_("Say whether the defence is adopted."), field="adopted")
    if not answer:
        raise _refuse(
            _("Give the reasons for adopting the defence or not (行政处罚法 Art. 45)."),
            field="answer",
        )


@transaction.atomic
def listing_defence_record(
    *,
    listing: Listing,
    received_on: dt.date,
    statement: str,
    adopted: bool | None,
    answer: str,
    actor: Actor,
) -> Listing:
    """Record the party's statement and defence (陈述申辩) and the bureau's answer:
    adopted or not, with reasons. Once per listing; a defence adopted ends in a
    withdrawal, not a listing."""
    if not listing_step_actors(listing, actor) - {StepActor.SYSTEM}:
        raise TransitionNotAllowed(_("You may not take this step on this listing."))
    listing = _locked(listing, ListingStatus.NOTIFIED)
    case_writable_check(listing.case)
    if listing.defence_received_on is not None or listing.defence_waived_on is not None:
        raise Conflict(
            _("The defence is already recorded for this listing."), code="listing_defence_exists"
        )
    statement, answer = statement.strip(), answer.strip()
    assert listing.notice_served_on is not None
    today = clock.local_today()
    if not listing.notice_served_on <= received_on <= today:
        raise _refuse(
            _("Give the day it was received, from the notice's service to today."),
            field="received_on",
        )
    _check_answer(statement, adopted, answer)
    before = audit_snapshot(listing, ("defence_received_on", "defence_adopted"))
    Listing.objects.filter(pk=listing.pk).update(
        defence_received_on=received_on,
        defence_statement=statement,
        defence_adopted=adopted,
        defence_answer=answer,
        updated_at=clock.now(),
    )
    listing.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="listing.defence",
        obj=listing,
        before=before,
        after={**audit_snapshot(listing, ("defence_received_on", "defence_adopted"))},
        reason=answer,
    )
    return listing


@transaction.atomic
def listing_defence_waive(
    *, listing: Listing, waived_on: dt.date, note: str, actor: Actor
) -> Listing:
    """Record the party's written waiver of its defence: the chief may then decide before
    the period ends."""
    if not listing_step_actors(listing, actor) - {StepActor.SYSTEM}:
        raise TransitionNotAllowed(_("You may not take this step on this listing."))
    listing = _locked(listing, ListingStatus.NOTIFIED)
    case_writable_check(listing.case)
    if listing.defence_received_on is not None or listing.defence_waived_on is not None:
        raise Conflict(
            _("The defence is already recorded for this listing."), code="listing_defence_exists"
        )
    assert listing.notice_served_on is not None
    if not listing.notice_served_on <= waived_on <= clock.local_today():
        raise _refuse(
            _("Give the date of the written waiver, from the notice's service to today."),
            field="waived_on",
        )
    note = note.strip()
    if not note:
        raise _refuse(
            _("Note the written waiver: who signed it and where it is filed."), field="note"
        )
    Listing.objects.filter(pk=listing.pk).update(
        defence_waived_on=waived_on, defence_waiver_note=note, updated_at=clock.now()
    )
    listing.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="listing.defence_waived",
        obj=listing,
        after={"defence_waived_on": waived_on.isoformat()},
        reason=note,
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
    """The notice generated, not voided, and served (a ``cases.Service`` row)."""
    notice = listing.notice_document
    if notice is None or notice.voided_at is not None:
        raise _refuse(
            _("Generate the notice of intended listing (告知书) first."), field="notice_document"
        )
    service = listing_notice_service(listing)
    if service is None:
        raise _refuse(
            _(
                "Record the service of the notice %(number)s on the case page first: the "
                "defence period runs from it (人社部令第45号)."
            )
            % {"number": notice.number},
            field="notice_document",
        )
    if service.effective_on > today:
        raise _refuse(
            _("The notice counts as served only on %(date)s (公告送达).")
            % {"date": service.effective_on.isoformat()},
            field="notice_document",
        )


def _guard_defence_over(listing: Listing, details: dict[str, Any], today: dt.date) -> None:
    """No decision before the defence period has ended, unless the party waived it in
    writing; a defence made is answered, and one adopted leads to a withdrawal; the
    legal representative or principal is listed with the unit (45号令 Art. 5)."""
    ends = listing.defence_ends_on
    if listing.defence_waived_on is None and (ends is None or today <= ends):
        raise _refuse(
            _(
                "The defence period (陈述申辩, 人社部令第45号) runs until %(date)s: decide after "
                "it, or record the party's written waiver."
            )
            % {"date": ends.isoformat() if ends else "—"},
            field="defence_ends_on",
        )
    if listing.defence_adopted:
        raise _refuse(
            _("The party's defence was adopted: withdraw the proposal instead."),
            field="defence_adopted",
        )
    roles = [role for _person, role in details.get("persons") or ()]
    roles += [role for _name, _id_number, role in details.get("named_persons") or ()]
    for name, id_number, _role in details.get("named_persons") or ():
        if not (name.strip() and id_number.strip()):
            raise _refuse(
                _("Give the name and the ID number of each person listed."), field="persons"
            )
    for role in roles:
        if role not in ListingPerson.Role.values:
            raise _refuse(_("Choose the role of each person listed."), field="persons")
    if not set(roles) & {ListingPerson.Role.LEGAL_REPRESENTATIVE, ListingPerson.Role.PRINCIPAL}:
        raise _refuse(
            _(
                "人社部令第45号 Art. 5 lists the unit with its legal representative or "
                "principal: choose at least one of them."
            ),
            field="persons",
        )


def _guard_credit_repaired(listing: Listing, details: dict[str, Any], today: dt.date) -> None:
    """Early removal (信用修复): the arrears repaid, 6 months on the list since, and a
    written commitment (守信承诺) on file."""
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
    possible = repair_possible_from(repaid, listing.listed_on)
    if possible > today:
        raise _refuse(
            _(
                "Early removal is possible from %(date)s: 6 months on the list after the "
                "correction (人社部令第45号)."
            )
            % {"date": possible.isoformat()},
            field="repaid_on",
        )
    if not str(details.get("commitment_note", "")).strip():
        raise _refuse(
            _("Note the written commitment (守信承诺书): its date and where it is filed."),
            field="commitment_note",
        )


def _guard_revoked(listing: Listing, details: dict[str, Any], today: dt.date) -> None:
    if not listing.challenges.filter(outcome=ListingChallenge.Outcome.REVOKED).exists():
        raise TransitionNotAllowed(_("No review or court revoked this listing."))


def _guard_term_ended(listing: Listing, details: dict[str, Any], today: dt.date) -> None:
    if listing.ends_on is None or listing.ends_on >= today:
        raise TransitionNotAllowed(_("The listing's term has not ended."))


def _guard_reason_given(listing: Listing, details: dict[str, Any], today: dt.date) -> None:
    if not str(details.get("note", "")).strip():
        raise _refuse(_("Give the reason for withdrawing the proposal."), field="note")


GUARDS: dict[str, Callable[[Listing, dict[str, Any], dt.date], None]] = {
    "notice_served": _guard_notice_served,
    "defence_over": _guard_defence_over,
    "credit_repaired": _guard_credit_repaired,
    "revoked": _guard_revoked,
    "term_ended": _guard_term_ended,
    "reason_given": _guard_reason_given,
}


def _next_sequence(year: int) -> int:
    top = Listing.objects.filter(year=year).aggregate(top=Max("sequence"))["top"]
    return (top or 0) + 1


def _values(
    listing: Listing, step: Transition, actor: Actor, note: str, details: dict[str, Any]
) -> dict[str, Any]:
    today = clock.local_today()
    now = clock.now()
    target = step.target
    values: dict[str, Any] = {"status": target, "status_changed_at": now, "updated_at": now}
    if target == ListingStatus.NOTIFIED:
        service = listing_notice_service(listing)
        assert service is not None
        days = listing.defence_days or settings.QINGLING_LISTING_DEFENCE_WORKDAYS
        ends = workdays_add(start=service.effective_on, days=days)
        values |= {
            "notice_served_on": service.effective_on,
            "notice_note": note or str(service.get_method_display()),
            "defence_days": days,
            "defence_ends_on": ends.date,
            "defence_ends_provisional": ends.provisional,
        }
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
        if step.actor == StepActor.SYSTEM:
            values |= {"removal": Listing.Removal.EXPIRED}
        elif step.guard == "revoked":
            values |= {"removal": Listing.Removal.REVOKED}
        else:
            values |= {
                "removal": Listing.Removal.EARLY,
                "repaid_on": details["repaid_on"],
                "commitment_note": str(details["commitment_note"]).strip(),
            }
    elif target == ListingStatus.WITHDRAWN:
        values |= {"withdrawal_reason": note}
    return values


def _step_for(listing: Listing, target: str, actors: frozenset[str], via: str) -> Transition | None:
    """The step to take: the one whose guard is ``via`` when several lead to ``target``
    (early removal or revocation), else the first the actor may take."""
    steps = [
        t
        for t in TRANSITIONS
        if t.source == listing.status and t.target == target and t.actor in actors
    ]
    if via:
        steps = [t for t in steps if t.guard == via]
    else:
        steps = [t for t in steps if t.guard != "revoked"] or steps
    return steps[0] if steps else None


def _listed_persons_write(
    listing: Listing,
    persons: Sequence[tuple[Person, str]],
    named: Sequence[tuple[str, str, str]],
    actor: Actor,
) -> None:
    """The persons listed with the unit, as chosen on the decision form: known people
    and people named by name and ID number (registered in parties once)."""
    chosen = list(persons)
    for name, id_number, role in named:
        person = person_find_or_register(name=name, id_number=id_number, actor=actor)
        if person is not None:
            chosen.append((person, role))
    listing.listed_persons.all().delete()
    for person, role in chosen:
        ListingPerson.objects.get_or_create(listing=listing, person=person, defaults={"role": role})


def _feed_payload(listing: Listing, event: str) -> dict[str, Any]:
    """One line of the sharing feed, with a stable schema (docs/sanctions.md)."""
    persons = [
        {
            "name": row.person.name,
            "role": row.role,
            "id_number_masked": row.person.id_number_masked,
        }
        for row in listing.listed_persons.select_related("person").order_by("id")
    ]
    return {
        "event": event,
        "listing_id": str(listing.public_id),
        "credit_code": listing.organization.credit_code,
        "name": listing.organization.name,
        "persons": persons,
        "decision_number": listing.number,
        "ground": listing.ground,
        "listed_on": listing.listed_on.isoformat() if listing.listed_on else None,
        "ends_on": listing.ends_on.isoformat() if listing.ends_on else None,
        "removed_on": listing.removed_on.isoformat() if listing.removed_on else None,
        "reason": listing.removal if event == ListingEvent.Event.REMOVED else listing.ground,
        "removal_document": listing.removal_document.number if listing.removal_document else None,
        "authority": settings.QINGLING_BUREAU_NAME,
    }


def _feed_event_write(listing: Listing, event: str) -> ListingEvent:
    day = listing.removed_on if event == ListingEvent.Event.REMOVED else listing.listed_on
    assert day is not None
    return ListingEvent.objects.create(
        listing=listing,
        event=event,
        occurred_on=day,
        payload=_feed_payload(listing, event),
        at=clock.now(),
    )


def _after_step(listing: Listing, step: Transition, actor: Actor, details: dict[str, Any]) -> None:
    """What the step produces besides the status: the persons and the decision, the
    removal decision, and the feed's line. In the same transaction."""
    if step.target == ListingStatus.LISTED:
        _listed_persons_write(
            listing, details.get("persons") or (), details.get("named_persons") or (), actor
        )
        document = listing_decision_build(listing=listing, actor=actor)
        Listing.objects.filter(pk=listing.pk).update(decision_document=document)
        listing.refresh_from_db()
        _feed_event_write(listing, ListingEvent.Event.LISTED)
    elif step.target == ListingStatus.REMOVED:
        if listing.removal == Listing.Removal.EARLY:
            document = listing_removal_build(listing=listing, actor=actor)
            Listing.objects.filter(pk=listing.pk).update(removal_document=document)
            listing.refresh_from_db()
        _feed_event_write(listing, ListingEvent.Event.REMOVED)


# The steps that act on the case's procedure (and write its documents): refused on an
# archived case. The end of a listing — the term, early removal (信用修复), a revocation —
# and its challenges are the employer's rights against the listing, not steps of the
# case, and are not refused on an archived case (docs/sanctions.md).
CASE_STEPS = frozenset({ListingStatus.NOTIFIED, ListingStatus.LISTED, ListingStatus.WITHDRAWN})


@transaction.atomic
def listing_transition(
    *, listing: Listing, target: str, actor: Actor, note: str = "", via: str = "", **details: Any
) -> Listing:
    """Move a listing along the table, with the guards, compare-and-swap and an audit row.

    ``details``: for the decision, ``persons`` (``(Person, role)`` pairs) and
    ``named_persons`` (``(name, id_number, role)``, registered in parties); for early
    removal ``repaid_on`` (a date) and ``commitment_note``. ``via``: the guard of the step
    when several lead to ``target`` (``"revoked"``, used by ``listing_challenge_decide``).
    ``note``: how the notice was served, the decision's note, or why a proposal is
    withdrawn. Everything the step produces (documents, persons, the feed's line) is
    written in the same transaction: a refusal leaves nothing behind.
    """
    actors = listing_step_actors(listing, actor)
    step = _step_for(listing, target, actors, via)
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
    if step.target in CASE_STEPS:
        case_writable_check(listing.case)
    note = note.strip()
    today = clock.local_today()
    if step.guard:
        GUARDS[step.guard](listing, {**details, "note": note}, today)
    values = _values(listing, step, actor, note, details)
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
        except IntegrityError:
            continue
        _after_step(listing, step, actor, details)
        return listing
    raise Conflict(_("Could not number the decision; try again."), code="listing_number_conflict")


def listings_expire_scan(*, today: dt.date) -> int:
    """Remove every listing whose term ended before ``today``; safe to run twice (each
    removal is a compare-and-swap, and a removed listing is no longer looked at)."""
    removed = 0
    due = Listing.objects.filter(status=ListingStatus.LISTED, ends_on__lt=today).select_related(
        "case", "organization"
    )
    for listing in due:
        try:
            listing_transition(listing=listing, target=ListingStatus.REMOVED, actor=None)
        except Conflict:
            continue  # removed by another run meanwhile
        removed += 1
    return removed


# --- challenges (行政复议, 行政诉讼) ---------------------------------------------------------


@transaction.atomic
def listing_challenge_record(
    *, listing: Listing, kind: str, filed_on: dt.date, body: str, actor: Actor
) -> ListingChallenge:
    """Record that the listing is challenged by review or suit. Once per kind: a second
    record of the same challenge is refused. The listing stays published meanwhile (a
    review does not suspend a decision, 行政复议法 Art. 42)."""
    if not listing_step_actors(listing, actor) - {StepActor.SYSTEM}:
        raise TransitionNotAllowed(_("You may not take this step on this listing."))
    listing = Listing.objects.select_for_update().select_related("case").get(pk=listing.pk)
    if listing.status not in (ListingStatus.LISTED, ListingStatus.REMOVED):
        raise _refuse(_("Only a decided listing can be challenged."), field="kind")
    if kind not in ListingChallenge.Kind.values:
        raise _refuse(_("Choose review or suit."), field="kind")
    if not listing.listed_on or not listing.listed_on <= filed_on <= clock.local_today():
        raise _refuse(_("Give the day it was filed, from the decision to today."), field="filed_on")
    body = body.strip()
    if not body:
        raise _refuse(_("Name the review organ or the court."), field="body")
    if listing.challenges.filter(kind=kind).exists():
        raise Conflict(
            _("This %(kind)s is already recorded for the listing (行政复议法, 行政诉讼法).")
            % {"kind": ListingChallenge.Kind(kind).label},
            code="listing_challenge_exists",
        )
    try:
        with transaction.atomic():
            challenge = ListingChallenge.objects.create(
                listing=listing,
                kind=kind,
                filed_on=filed_on,
                body=body,
                recorded_by_id=getattr(actor, "pk", None),
            )
    except IntegrityError:
        raise Conflict(
            _("This %(kind)s is already recorded for the listing (行政复议法, 行政诉讼法).")
            % {"kind": ListingChallenge.Kind(kind).label},
            code="listing_challenge_exists",
        ) from None
    audit_event_record(
        actor=actor,
        action="listing.challenged",
        obj=listing,
        after={"kind": kind, "filed_on": filed_on.isoformat(), "body": body},
    )
    return challenge


@transaction.atomic
def listing_challenge_decide(
    *, challenge: ListingChallenge, outcome: str, decided_on: dt.date, document: str, actor: Actor
) -> ListingChallenge:
    """Record the outcome of a review or suit, once. Revoked: the listing is removed
    from the public list and the feed that day (``removal`` = revoked)."""
    listing = challenge.listing
    if StepActor.CHIEF not in listing_step_actors(listing, actor):
        raise TransitionNotAllowed(_("Only a chief of the area records the outcome."))
    challenge = ListingChallenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.outcome:
        raise Conflict(
            _("The outcome of this challenge is already recorded."),
            code="listing_challenge_decided",
        )
    if outcome not in ListingChallenge.Outcome.values:
        raise _refuse(_("Choose upheld or revoked."), field="outcome")
    if not challenge.filed_on <= decided_on <= clock.local_today():
        raise _refuse(
            _("Give the day of the decision, from the filing to today."), field="decided_on"
        )
    document = document.strip()
    if not document:
        raise _refuse(_("Give the decision or judgment (its name and number)."), field="document")
    ListingChallenge.objects.filter(pk=challenge.pk).update(
        outcome=outcome, decided_on=decided_on, document=document, updated_at=clock.now()
    )
    challenge.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="listing.challenge_decided",
        obj=listing,
        after={"kind": challenge.kind, "outcome": outcome, "document": document},
    )
    fresh = Listing.objects.select_related("case", "organization").get(pk=listing.pk)
    if outcome == ListingChallenge.Outcome.REVOKED and fresh.status == ListingStatus.LISTED:
        listing_transition(
            listing=fresh, target=ListingStatus.REMOVED, actor=actor, via="revoked", note=document
        )
    return challenge


# --- the clocks the worker watches ------------------------------------------------------------


def _listing_alert(listing: Listing, clock_name: str, level: str, due: dt.date) -> int:
    try:
        with transaction.atomic():
            ListingAlert.objects.create(
                listing=listing, clock=clock_name, level=level, due=due, at=clock.now()
            )
            audit_event_record(
                actor=None,
                action=f"listing.{clock_name}_{level}",
                obj=listing,
                after={"clock": clock_name, "due": due.isoformat()},
            )
            _clock_notify(
                listing.case,
                kind=NotificationKind.DEADLINE,
                text=_("Blacklist entry for %(organization)s: %(clock)s ends %(due)s.")
                % {
                    "organization": listing.organization,
                    "clock": ListingClock(clock_name).label,
                    "due": due.isoformat(),
                },
                url=reverse("sanctions:listing_detail", args=[listing.public_id]),
                due=due,
                subject=listing,
                dedupe_key=f"listing.{clock_name}_{level}:{listing.pk}:{due}",
            )
    except IntegrityError:
        return 0
    return 1


def _clock_notify(
    case: Case,
    *,
    kind: str,
    text: str,
    url: str,
    due: dt.date | None,
    subject: Listing | Referral,
    dedupe_key: str,
) -> None:
    """Tell the case's inspectors and the chiefs over it of a clock, after commit."""
    notification_send_on_commit(
        recipients=[
            *(a.inspector for a in case_inspectors(case)),
            *staff_covering(perm=Perm.CASE_APPROVE, division_code=case.division_id),
        ],
        kind=kind,
        text=text,
        url=url,
        due=due,
        subject=subject,
        dedupe_key=dedupe_key,
        actor=None,
    )


def listing_clock_due(listing: Listing) -> list[tuple[str, dt.date, int]]:
    """The clocks running on a listing: (clock, last day, days of warning before)."""
    clocks: list[tuple[str, dt.date, int]] = []
    answered = listing.defence_waived_on or listing.defence_received_on
    if listing.status == ListingStatus.NOTIFIED and listing.defence_ends_on and not answered:
        warn = settings.QINGLING_LISTING_WARN_DAYS_BEFORE
        clocks.append((ListingClock.DEFENCE, listing.defence_ends_on, warn))
    if listing.status == ListingStatus.LISTED and listing.ends_on:
        warn = settings.QINGLING_LISTING_TERM_WARN_DAYS_BEFORE
        clocks.append((ListingClock.TERM, listing.ends_on, warn))
        served = listing_decision_served_on(listing)
        if served is not None:
            review = calendar_days_add(start=served, days=REVIEW_DAYS).date
            suit = suit_window_end(served)
            clocks.append((ListingClock.REVIEW, max(review, suit), 0))
    return clocks


def listing_clocks_scan(*, today: dt.date) -> dict[str, int]:
    """Warn before and note after each listing clock, once each: the defence period (the
    chief may decide the day after), the 3-year term (``listings_expire_scan`` removes the
    listing after it) and the review and suit windows (the decision is final after
    them). Safe to run twice."""
    counts = {"warning": 0, "due": 0}
    running = Listing.objects.filter(
        status__in=(ListingStatus.NOTIFIED, ListingStatus.LISTED)
    ).select_related("case")
    done = set(
        ListingAlert.objects.filter(listing__in=running).values_list("listing_id", "clock", "level")
    )
    for listing in running:
        for clock_name, due, warn in listing_clock_due(listing):
            if today > due:
                level = ListingAlert.Level.DUE
            elif warn and today >= due - dt.timedelta(days=warn):
                level = ListingAlert.Level.WARNING
            else:
                continue
            if (listing.pk, clock_name, level) in done:
                continue
            counts[level] += _listing_alert(listing, clock_name, level, due)
    return counts


# --- the sharing feed's daily file ------------------------------------------------------------


def blacklist_feed_file_write(*, day: dt.date, directory: Path | None = None) -> Path:
    """Write the day's feed lines (listings and removals that occurred on ``day``) as JSON
    Lines to ``blacklist-YYYY-MM-DD.jsonl`` in ``directory``; an empty day gives an empty
    file. Rewriting a day gives the same bytes."""
    folder = directory or Path(settings.QINGLING_BLACKLIST_FEED_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"blacklist-{day.isoformat()}.jsonl"
    lines = [
        json.dumps(feed_line(event), ensure_ascii=False, sort_keys=True)
        for event in feed_events_on(day=day)
    ]
    temporary = path.with_suffix(".tmp")
    temporary.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    temporary.replace(path)
    return path


# --- the transfer to the police (移送, 国务院令第310号) ------------------------------------------

REFERRAL_AUDIT_FIELDS = (
    "number",
    "status",
    "case",
    "decision_due",
    "decided_at",
    "send_due_at",
    "sent_at",
    "police_organ",
    "police_officer",
    "items",
    "prosecutor_copied",
    "prosecutor_copied_on",
    "accepted_on",
    "accepted_document",
    "declined_on",
    "declined_document",
    "declined_notice_on",
    "reconsideration_due",
    "reconsideration_requested_on",
    "upheld_on",
    "upheld_document",
    "upheld_notice_on",
    "supervision_due",
    "supervision_requested_on",
    "supervision_prosecutor",
)


class ReferralNotAllowed(ApplicationError):
    status = 403

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message, code="referral_transition_not_allowed", extra=extra)


class ReferralConditionsNotMet(ApplicationError):
    """The case's records do not show the elements of 法释〔2013〕3号 Arts. 3–4."""

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message, code="referral_conditions_not_met", extra=extra)


def referral_days_after(start: dt.date, days: int = REFERRAL_DAYS) -> DeadlineDate:
    """The last day of a 310号令 period of ``days`` days from ``start``: calendar days, the
    start day not counted (民法典 Art. 201); one that ends on a rest day ends on the next
    working day (民法典 Art. 203) unless ``QINGLING_REFERRAL_DAYS_END_ON_WORKING_DAY`` is off
    (docs/legal-rules.md: the sources do not say which)."""
    if settings.QINGLING_REFERRAL_DAYS_END_ON_WORKING_DAY:
        return calendar_days_add(start=start, days=days)
    return DeadlineDate(start + dt.timedelta(days=days), provisional=False)


def _require_case_inspector(case: Case, actor: Actor, message: str) -> None:
    if not (
        actor is not None
        and can(actor, Perm.CASE_WORK)
        and any(a.inspector_id == actor.pk for a in case_inspectors(case))
    ):
        raise Forbidden(message)


def _store_file(evasion: Evasion, upload: UploadedFile, kind: str) -> EvasionFile:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    row = EvasionFile(
        evasion=evasion,
        original_name=(upload.name or "")[:200],
        content_type=kind,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
    )
    row.file.save(f"{digest.hexdigest()[:32]}{EXTENSIONS[kind]}", upload, save=False)
    row.save()
    return row


@transaction.atomic
def evasion_record(
    *,
    case: Case,
    kind: str,
    observed_on: dt.date,
    description: str,
    uploads: Sequence[UploadedFile] = (),
    actor: Actor,
) -> Evasion:
    """Record evidence that the employer evades payment (转移财产, 逃匿 …), with its files:
    one of the conditions a transfer to the police shows (法释〔2013〕3号 Art. 2)."""
    _require_case_inspector(case, actor, _("Only an inspector of the case records evidence."))
    case_writable_check(case)
    if kind not in Evasion.Kind.values:
        raise _refuse(_("Choose what the employer did."), field="kind")
    if observed_on > clock.local_today():
        raise _refuse(_("The date cannot be in the future."), field="observed_on")
    description = description.strip()
    if not description:
        raise _refuse(_("Describe the facts and how they were established."), field="description")
    problems: dict[str, list[str]] = {}
    checked = evidence_check(
        list(uploads),
        add_error=lambda field, message: problems.setdefault(field, []).append(message),
    )
    if problems:
        raise InvalidInput(" ".join(problems["evidence"]), extra={"fields": problems})
    evasion = Evasion.objects.create(
        case=case,
        kind=kind,
        observed_on=observed_on,
        description=description,
        recorded_by_id=getattr(actor, "pk", None),
    )
    stored = [_store_file(evasion, upload, content_type) for upload, content_type in checked]
    audit_event_record(
        actor=actor,
        action="evasion.record",
        obj=evasion,
        after={
            "case_number": case.number,
            "kind": kind,
            "observed_on": observed_on.isoformat(),
            "files": [f.sha256 for f in stored],
        },
    )
    return evasion


def _refusal_below_threshold(conditions: ReferralConditions) -> str:
    threshold = conditions.threshold
    return _(
        "Below the crime threshold (数额较大, 法释〔2013〕3号 Art. 3): %(workers)d worker(s) owed "
        "%(total)s yuan, at most %(largest)s yuan to one worker%(months)s; the province's "
        "figures are %(one)s yuan for one worker owed three months' pay or more, or %(ten)s "
        "yuan for 10 or more workers."
    ) % {
        "workers": conditions.workers_unpaid,
        "total": conditions.total_unpaid,
        "largest": conditions.largest_unpaid,
        "months": ""
        if conditions.three_months_pay or not conditions.one_worker_amount
        else _(" (three months' pay or more not stated)"),
        "one": threshold.one_worker,
        "ten": threshold.ten_workers,
    }


@transaction.atomic
def referral_propose(
    *, case: Case, report: str, three_months_pay: bool = False, actor: Actor
) -> Referral:
    """Propose transferring the case to the police (the transfer report, 310号令 Art. 5).

    Refused unless the case's records show the amount of 法释〔2013〕3号 Art. 3 (one
    worker owed three months' pay or more and at least the province's figure, or ten or
    more workers owed at least the cumulative figure) and the order to pay of Art. 4 left
    unpaid after its date. Evasion evidence is shown with the conditions, not required:
    the crime is also refusing to pay while able to. The conditions found are kept on the
    transfer as they were when it was proposed.
    """
    _require_case_inspector(case, actor, _("Only an inspector of the case proposes a transfer."))
    case_writable_check(case)
    if case.status not in OPEN_STATUSES:
        raise _refuse(_("Case %(number)s is closed.") % {"number": case.number}, field="case")
    report = report.strip()
    if not report:
        raise _refuse(
            _("Write the transfer report: the facts, the amounts and the evidence."),
            field="report",
        )
    today = clock.local_today()
    conditions = referral_conditions(case=case, today=today, three_months_pay=three_months_pay)
    problems: dict[str, list[str]] = {}
    if not conditions.amount_reached:
        field = (
            "three_months_pay"
            if conditions.one_worker_amount and not conditions.three_months_pay
            else "case"
        )
        problems.setdefault(field, []).append(_refusal_below_threshold(conditions))
    if not conditions.order_unpaid:
        problems.setdefault("case", []).append(
            _(
                "No order to pay left unpaid after its date (责令支付仍不支付, 法释〔2013〕3号 "
                "Art. 4): issue the order (限期改正指令书) and let its date pass."
            )
        )
    if problems:
        message = " ".join(m for messages in problems.values() for m in messages)
        raise ReferralConditionsNotMet(
            _("A transfer to the police is refused: %(why)s") % {"why": message},
            extra={"fields": problems, "conditions": conditions.as_json()},
        )
    duplicate = Conflict(
        _("Case %(number)s already has a transfer to the police under way.")
        % {"number": case.number},
        code="referral_duplicate",
    )
    if Referral.objects.filter(case=case, status__in=REFERRAL_LIVE_STATUSES).exists():
        raise duplicate
    due = referral_days_after(today)
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                case=case,
                report=report,
                three_months_pay=three_months_pay,
                conditions=conditions.as_json(),
                proposed_on=today,
                proposed_by_id=getattr(actor, "pk", None),
                decision_due=due.date,
                decision_due_provisional=due.provisional,
                status_changed_at=clock.now(),
            )
    except IntegrityError:  # proposed by someone else at the same moment
        raise duplicate from None
    audit_event_record(
        actor=actor,
        action="referral.propose",
        obj=referral,
        after={
            **audit_snapshot(referral, REFERRAL_AUDIT_FIELDS),
            "case_number": case.number,
            "conditions": conditions.as_json(),
        },
        reason=report,
    )
    notification_send_on_commit(
        recipients=staff_covering(perm=Perm.REFERRAL_DECIDE, division_code=case.division_id),
        kind=NotificationKind.APPROVAL,
        text=_("Case %(number)s: a transfer to the police waits for your approval.")
        % {"number": case.number},
        url=reverse("sanctions:referral_detail", args=[referral.public_id]),
        due=referral.decision_due,
        subject=referral,
        actor=actor,
    )
    return referral


def referral_step_actors(referral: Referral, actor: Actor) -> frozenset[str]:
    """Which step-actors of the referral table ``actor`` is for this transfer."""
    found = set()
    case = referral.case
    if (
        actor is not None
        and can(actor, Perm.CASE_WORK)
        and any(a.inspector_id == actor.pk for a in case_inspectors(case))
    ):
        found.add(ReferralActor.CASE_INSPECTOR)
    if can(actor, Perm.REFERRAL_DECIDE) and covers(actor, case.division_id):
        found.add(ReferralActor.HEAD)
    return frozenset(found)


def _text(details: dict[str, Any], name: str) -> str:
    return str(details.get(name) or "").strip()


def _date_between(
    details: dict[str, Any], name: str, low: dt.date | None, high: dt.date, message: str
) -> dt.date:
    value = _a_date(details, name)
    if value is None or value > high or (low is not None and value < low):
        raise _refuse(message, field=name)
    return value


def _rguard_reason_given(referral: Referral, details: dict[str, Any], now: dt.datetime) -> None:
    if not _text(details, "note"):
        raise _refuse(_("Give the reason."), field="note")


def _rguard_sending_recorded(referral: Referral, details: dict[str, Any], now: dt.datetime) -> None:
    """What went, when, to which police organ and officer (310号令 Arts. 5–7)."""
    sent_at = details.get("sent_at")
    assert referral.decided_at is not None
    if (
        not isinstance(sent_at, dt.datetime)
        or sent_at.tzinfo is None
        # a form gives minutes: the decision's own minute is in time
        or not referral.decided_at.replace(second=0, microsecond=0) <= sent_at <= now
    ):
        raise _refuse(
            _("Give the moment it was handed over, between the decision and now."),
            field="sent_at",
        )
    if not _text(details, "police_organ"):
        raise _refuse(_("Name the police organ it was sent to."), field="police_organ")
    if not _text(details, "police_officer"):
        raise _refuse(_("Name the officer who received it."), field="police_officer")
    items = set(details.get("items") or ())
    missing = [item for item in Referral.REQUIRED_ITEMS if item not in items]
    if missing or not items <= set(Referral.Item.values):
        raise _refuse(
            _(
                "The transfer letter, the investigation report, the copy of the case file and "
                "the evidence list go with every transfer (国务院令第310号 Art. 6)."
            ),
            field="items",
        )
    assert referral.send_due_at is not None
    if sent_at > referral.send_due_at and not _text(details, "note"):
        raise _refuse(
            _("It was sent after the 24 hours (国务院令第310号 Art. 5): say why."), field="note"
        )


def _rguard_police_answer(referral: Referral, details: dict[str, Any], now: dt.datetime) -> None:
    """The police's decision: its date and its document."""
    low = referral.sent_at.date() if referral.sent_at else None
    _date_between(
        details,
        "decided_on",
        low,
        timezone.localdate(now),
        _("Give the date of the police's decision, from the sending to today."),
    )
    if not _text(details, "document"):
        raise _refuse(_("Give the police's document (its name and number)."), field="document")


def _rguard_police_notice(referral: Referral, details: dict[str, Any], now: dt.datetime) -> None:
    """A refusal (不予立案, or upheld on reconsideration): its date, document and the day the
    bureau received the notice, which starts the bureau's next 3 days (Art. 9)."""
    _rguard_police_answer(referral, details, now)
    decided = details["decided_on"]
    _date_between(
        details,
        "notice_received_on",
        decided,
        timezone.localdate(now),
        _("Give the day the notice was received, from its date to today."),
    )


def _in_window(
    details: dict[str, Any], name: str, start: dt.date | None, due: dt.date | None, now: dt.datetime
) -> dt.date:
    day = _date_between(
        details,
        name,
        start,
        timezone.localdate(now),
        _("Give the day it was asked for, from the notice to today."),
    )
    if due is not None and day > due:
        raise _refuse(
            _(
                "The 3 days of 国务院令第310号 Art. 9 ended on %(due)s; ask the procuratorate for "
                "its supervision (立案监督) instead."
            )
            % {"due": due.isoformat()},
            field=name,
        )
    return day


def _rguard_reconsideration_in_time(
    referral: Referral, details: dict[str, Any], now: dt.datetime
) -> None:
    _in_window(
        details, "requested_on", referral.declined_notice_on, referral.reconsideration_due, now
    )
    if not _text(details, "note"):
        raise _refuse(_("Say why the case should be opened."), field="note")


def _rguard_supervision_requested(
    referral: Referral, details: dict[str, Any], now: dt.datetime
) -> None:
    start = referral.upheld_notice_on or referral.declined_notice_on
    due = referral.supervision_due if referral.status == ReferralStatus.UPHELD else None
    _in_window(details, "requested_on", start, due, now)
    if not _text(details, "prosecutor"):
        raise _refuse(_("Name the procuratorate."), field="prosecutor")


GUARDS_REFERRAL: dict[str, Callable[[Referral, dict[str, Any], dt.datetime], None]] = {
    "reason_given": _rguard_reason_given,
    "sending_recorded": _rguard_sending_recorded,
    "police_answer": _rguard_police_answer,
    "police_notice": _rguard_police_notice,
    "reconsideration_in_time": _rguard_reconsideration_in_time,
    "supervision_requested": _rguard_supervision_requested,
    "supervision_in_time": _rguard_supervision_requested,
}


def _next_referral_sequence(year: int) -> int:
    top = Referral.objects.filter(year=year).aggregate(top=Max("sequence"))["top"]
    return (top or 0) + 1


def _referral_values(
    referral: Referral, target: str, actor: Actor, note: str, details: dict[str, Any]
) -> dict[str, Any]:
    now = clock.now()
    R = ReferralStatus
    values: dict[str, Any] = {"status": target, "status_changed_at": now, "updated_at": now}
    if target in (R.APPROVED, R.REFUSED):
        values |= {"decided_at": now, "decided_by_id": getattr(actor, "pk", None)}
        values |= {"decision_note": note}
        if target == R.APPROVED:
            values |= {
                "send_due_at": now + dt.timedelta(hours=REFERRAL_SEND_HOURS),
                "year": timezone.localdate(now).year,
            }
    elif target == R.SENT:
        values |= {
            "sent_at": details["sent_at"],
            "police_organ": _text(details, "police_organ"),
            "police_officer": _text(details, "police_officer"),
            "items": [i for i in Referral.Item.values if i in set(details["items"])],
            "items_note": note,
            "prosecutor_copied": _text(details, "prosecutor_copied"),
            "prosecutor_copied_on": (
                timezone.localdate(details["sent_at"])
                if _text(details, "prosecutor_copied")
                else None
            ),
        }
    elif target == R.ACCEPTED:
        values |= {
            "accepted_on": details["decided_on"],
            "accepted_document": _text(details, "document"),
        }
    elif target == R.DECLINED:
        received = details["notice_received_on"]
        values |= {
            "declined_on": details["decided_on"],
            "declined_document": _text(details, "document"),
            "declined_notice_on": received,
            "reconsideration_due": referral_days_after(received).date,
        }
    elif target == R.RECONSIDERATION:
        values |= {"reconsideration_requested_on": details["requested_on"]}
        values |= {"reconsideration_note": note}
    elif target == R.UPHELD:
        received = details["notice_received_on"]
        values |= {
            "upheld_on": details["decided_on"],
            "upheld_document": _text(details, "document"),
            "upheld_notice_on": received,
            "supervision_due": referral_days_after(received).date,
        }
    elif target == R.SUPERVISION:
        values |= {
            "supervision_requested_on": details["requested_on"],
            "supervision_prosecutor": _text(details, "prosecutor"),
            "supervision_note": note,
        }
    elif target in (R.ENDED, R.WITHDRAWN):
        values |= {"end_note": note}
    return values


@transaction.atomic
def referral_transition(
    *, referral: Referral, target: str, actor: Actor, note: str = "", **details: Any
) -> Referral:
    """Move a transfer along the table, with the guards, compare-and-swap and an audit row.

    ``details`` by step: sending — ``sent_at`` (aware), ``police_organ``,
    ``police_officer``, ``items`` (``Referral.Item`` values), ``prosecutor_copied``; the
    police's answer — ``decided_on``, ``document`` and, for a refusal,
    ``notice_received_on``; reconsideration and supervision — ``requested_on`` (and
    ``prosecutor``). ``note``: the head's decision note (the reason, when refused), the
    other materials sent, the request, or why the transfer ended or was withdrawn.
    """
    actors = referral_step_actors(referral, actor)
    step = referral_transition_for(referral.status, target, actors)
    if step is None:
        if (
            referral_transition_for(referral.status, target, frozenset(ReferralActor.values))
            is None
        ):
            raise ReferralNotAllowed(
                _("A transfer that is %(status)s cannot become %(target)s.")
                % {
                    "status": referral.get_status_display(),
                    "target": ReferralStatus(target).label,
                }
            )
        raise ReferralNotAllowed(_("You may not take this step on this transfer."))
    case_writable_check(referral.case)
    note = note.strip()
    now = clock.now()
    if step.guard:
        GUARDS_REFERRAL[step.guard](referral, {**details, "note": note}, now)
    values = _referral_values(referral, target, actor, note, details)
    conflict = Conflict(
        _("Someone else moved this transfer first; reload it."), code="referral_conflict"
    )
    for _attempt in range(5):  # two approvals at once: the unique sequence decides
        if target == ReferralStatus.APPROVED:
            year = values["year"]
            sequence = _next_referral_sequence(year)
            values |= {
                "sequence": sequence,
                "number": settings.QINGLING_REFERRAL_NUMBER_FORMAT.format(year=year, seq=sequence),
            }
        try:
            with transaction.atomic():
                status_compare_and_swap(
                    obj=referral,
                    values=values,
                    conflict=conflict,
                    actor=actor,
                    action=f"referral.{target}",
                    audit_fields=REFERRAL_AUDIT_FIELDS,
                    reason=note,
                )
            return referral
        except IntegrityError:
            continue
    raise Conflict(_("Could not number the letter; try again."), code="referral_number_conflict")


@transaction.atomic
def referral_copy_record(
    *, referral: Referral, prosecutor: str, copied_on: dt.date, actor: Actor
) -> Referral:
    """Record the copy of the transfer sent to the procuratorate (抄送检察院) when it was
    not recorded with the sending: once, by an inspector of the case, dated from the
    sending to today. Ends the ``copy`` clock."""
    if ReferralActor.CASE_INSPECTOR not in referral_step_actors(referral, actor):
        raise ReferralNotAllowed(_("Only an inspector of the case records the copy."))
    case_writable_check(referral.case)
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if referral.status not in REFERRAL_COPY_STATUSES or referral.sent_at is None:
        raise _refuse(_("Record the sending to the police first."), field="copied_on")
    if referral.prosecutor_copied:
        raise Conflict(
            _("The copy to %(prosecutor)s is already recorded.")
            % {"prosecutor": referral.prosecutor_copied},
            code="referral_copy_exists",
        )
    prosecutor = prosecutor.strip()
    if not prosecutor:
        raise _refuse(_("Name the procuratorate."), field="prosecutor")
    if not timezone.localdate(referral.sent_at) <= copied_on <= clock.local_today():
        raise _refuse(
            _("Give the day the copy was sent, from the sending to today."), field="copied_on"
        )
    Referral.objects.filter(pk=referral.pk).update(
        prosecutor_copied=prosecutor, prosecutor_copied_on=copied_on, updated_at=clock.now()
    )
    referral.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="referral.copied",
        obj=referral,
        after={"prosecutor_copied": prosecutor, "prosecutor_copied_on": copied_on.isoformat()},
    )
    return referral


# --- the clocks the worker watches --------------------------------------------------------------


def referral_clocks(referral: Referral) -> list[tuple[str, dt.date | dt.datetime]]:
    """The clocks running on a transfer and when each runs out — a local date (the last
    day) for the 3-day periods, an aware moment for the 24 hours: the one of its status
    (the head's decision, the sending, the police's answer, the reconsideration request,
    the police's answer to it, the supervision request) and, once sent, the copy to the
    procuratorate until it is recorded (due with the sending)."""
    status = ReferralStatus(referral.status)
    found: list[tuple[str, dt.date | dt.datetime]] = []
    clock_name = REFERRAL_CLOCK_OF_STATUS.get(status)
    due: dt.date | dt.datetime | None = None
    if clock_name == ReferralClock.DECISION:
        due = referral.decision_due
    elif clock_name == ReferralClock.SENDING:
        due = referral.send_due_at
    elif clock_name == ReferralClock.POLICE_ANSWER and referral.sent_at:
        due = referral_days_after(timezone.localdate(referral.sent_at)).date
    elif clock_name == ReferralClock.RECONSIDERATION:
        due = referral.reconsideration_due
    elif clock_name == ReferralClock.REVIEW_ANSWER and referral.reconsideration_requested_on:
        due = referral_days_after(referral.reconsideration_requested_on).date
    elif clock_name == ReferralClock.SUPERVISION:
        due = referral.supervision_due
    if clock_name is not None and due is not None:
        found.append((clock_name, due))
    if (
        status in REFERRAL_COPY_STATUSES
        and not referral.prosecutor_copied
        and referral.send_due_at is not None
    ):
        found.append((ReferralClock.COPY, referral.send_due_at))
    return found


def referral_clock_due(referral: Referral) -> tuple[str, dt.date | dt.datetime] | None:
    """The clock of the transfer's status and when it runs out (the page's "due")."""
    found = [c for c in referral_clocks(referral) if c[0] != ReferralClock.COPY]
    return found[0] if found else None


def _clock_level(due: dt.date | dt.datetime, now: dt.datetime) -> str:
    """ "" (running), "warning" (about to run out) or "escalation" (run out)."""
    if isinstance(due, dt.datetime):
        if now > due:
            return ReferralAlert.Level.ESCALATION
        if now >= due - dt.timedelta(hours=settings.QINGLING_REFERRAL_WARN_HOURS_BEFORE):
            return ReferralAlert.Level.WARNING
        return ""
    today = timezone.localdate(now)
    if today > due:
        return ReferralAlert.Level.ESCALATION
    if today >= due - dt.timedelta(days=settings.QINGLING_REFERRAL_WARN_DAYS_BEFORE):
        return ReferralAlert.Level.WARNING
    return ""


def referral_clock_state(referral: Referral, *, now: dt.datetime) -> str:
    """ "" (running), "warning" (about to run out) or "escalation" (run out), for the
    clock of the transfer's status."""
    found = referral_clock_due(referral)
    return _clock_level(found[1], now) if found else ""


def _alert(referral: Referral, clock_name: str, level: str, due: str, now: dt.datetime) -> int:
    """Write the alert once (the unique constraint), with its audit row."""
    try:
        with transaction.atomic():
            ReferralAlert.objects.create(
                referral=referral, clock=clock_name, level=level, due=due, at=now
            )
            audit_event_record(
                actor=None,
                action=f"referral.{level}",
                obj=referral,
                after={"clock": clock_name, "due": due, "case_number": referral.case.number},
            )
            escalation = level == ReferralAlert.Level.ESCALATION
            _clock_notify(
                referral.case,
                kind=NotificationKind.ESCALATION if escalation else NotificationKind.DEADLINE,
                text=(
                    _(
                        "Escalated (督办): case %(number)s, transfer to the police: "
                        "%(clock)s was due %(due)s."
                    )
                    if escalation
                    else _("Case %(number)s, transfer to the police: %(clock)s is due %(due)s.")
                )
                % {
                    "number": referral.case.number,
                    "clock": ReferralClock(clock_name).label,
                    "due": due[:16].replace("T", " "),
                },
                url=reverse("sanctions:referral_detail", args=[referral.public_id]),
                due=dt.date.fromisoformat(due[:10]),
                subject=referral,
                dedupe_key=f"referral.{level}:{referral.pk}:{clock_name}:{due}",
            )
    except IntegrityError:
        return 0
    return 1


def referral_clocks_scan(*, now: dt.datetime) -> dict[str, int]:
    """Warn before and escalate (督办) after each clock of ``referral_clocks`` — the
    head's decision, the sending, the copy to the procuratorate, the police's answer, the
    reconsideration request and the police's answer to it, the supervision request — once
    each per transfer; safe to run twice. An escalation also stands for the warning that
    was never given (a clock found already run out gets the escalation only)."""
    counts = {"warning": 0, "escalation": 0}
    statuses = set(REFERRAL_CLOCK_OF_STATUS) | REFERRAL_COPY_STATUSES
    running = Referral.objects.filter(status__in=sorted(statuses)).select_related("case")
    done = set(
        ReferralAlert.objects.filter(referral__in=running).values_list(
            "referral_id", "clock", "level"
        )
    )
    for referral in running:
        for clock_name, due in referral_clocks(referral):
            level = _clock_level(due, now)
            if not level or (referral.pk, clock_name, level) in done:
                continue
            counts[level] += _alert(referral, clock_name, level, due.isoformat(), now)
    return counts
