"""Writes for cases: opening, inspectors, the one transition service, claims, payments,
extension, extra compensation and the deadline scan. Every write is audited on the case,
so the case's timeline is its audit history."""

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can, covers
from qingling.accounts.selectors import staff_covering
from qingling.cases.amounts import case_totals
from qingling.cases.deadlines import (
    EXTENSION_WORKING_DAYS,
    INVESTIGATION_WORKING_DAYS,
    ORDER_WORKING_DAYS_MAX,
    ORDER_WORKING_DAYS_MIN,
    investigation_overdue_q,
    may_extend,
    order_overdue_q,
)
from qingling.cases.lifecycle import (
    OPEN_STATUSES,
    CaseOutcome,
    CaseStatus,
    StepActor,
    transition_for,
)
from qingling.cases.models import (
    ZERO,
    Case,
    CaseArchive,
    CaseInspector,
    Claim,
    Compensation,
    Payment,
    Penalty,
)
from qingling.cases.selectors import case_outstanding
from qingling.core import clock
from qingling.core.calendars import add_working_days
from qingling.core.exceptions import ApplicationError, Conflict, Forbidden, InvalidInput
from qingling.core.models import Division
from qingling.core.personal_data import blind_index
from qingling.core.selectors import work_calendar
from qingling.core.services import (
    Actor,
    audit_event_record,
    audit_snapshot,
    deadline_recount_store,
    status_compare_and_swap,
)
from qingling.core.validators import normalize_id_number
from qingling.intake.lifecycle import ComplaintStatus
from qingling.intake.models import Complaint
from qingling.intake.selectors import complaint_workers_named
from qingling.intake.services import (
    complaint_case_closed,
    complaint_case_opened,
    complaint_payment_notify,
)
from qingling.notify.models import NotificationKind
from qingling.notify.services import notification_send_on_commit
from qingling.parties.models import Organization, Project
from qingling.parties.selectors import person_find, project_roster
from qingling.parties.services import person_find_or_register

CASE_AUDIT_FIELDS = (
    "number",
    "status",
    "outcome",
    "respondent",
    "project",
    "division",
    "investigation_due",
    "extended",
    "order_days",
    "order_served_on",
    "order_due",
    "closed_on",
)


class TransitionNotAllowed(ApplicationError):
    status = 403

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message, code="case_transition_not_allowed", extra=extra)


def _require(condition: bool, message: str, *, field: str = "") -> None:
    if not condition:
        raise InvalidInput(message, extra={"fields": {field: [message]}} if field else None)


class CaseArchived(Conflict):
    """A write on a case whose file is archived (归档): the file is read-only."""

    def __init__(self, case: Case, archived_on: dt.date) -> None:
        message = _(
            "Case %(number)s was archived (归档) on %(date)s: its file is read-only and "
            "nothing in it can be added or changed (行政处罚法 Art. 47)."
        ) % {"number": case.number, "date": archived_on.isoformat()}
        super().__init__(message, code="case_archived", extra={"fields": {"case": [message]}})


def case_writable_check(case: Case) -> None:
    """Refuse any write on an archived case. Every write service of a case and of what is
    under it (claims, payments, documents, services, records, evidence) calls this first,
    and ``case_transition`` too; ``tests/services/test_case_writable_check.py`` walks them
    all. Read from the database, not from ``case``, which may be stale."""
    archived_on = (
        CaseArchive.objects.filter(case_id=case.pk).values_list("archived_on", flat=True).first()
    )
    if archived_on is not None:
        raise CaseArchived(case, archived_on)


def _is_chief(actor: Actor) -> bool:
    return can(actor, Perm.CASE_APPROVE)


def case_inspectors(case: Case) -> list[CaseInspector]:
    return list(case.assignments.filter(removed_at=None).select_related("inspector"))


def _is_case_inspector(case: Case, actor: Actor) -> bool:
    return actor is not None and any(a.inspector_id == actor.pk for a in case_inspectors(case))


def _next_sequence(year: int) -> int:
    top = Case.objects.filter(year=year).aggregate(top=Max("sequence"))["top"]
    return (top or 0) + 1


def _check_inspector(inspector: User, division: Division) -> None:
    if not (can(inspector, Perm.CASE_WORK) and covers(inspector, division.code)):
        raise InvalidInput(
            _("%(name)s is not an inspector of %(division)s.")
            % {"name": inspector, "division": division.name},
            extra={"fields": {"inspectors": [_("Choose an inspector of this jurisdiction.")]}},
        )


def _case_url(case: Case) -> str:
    return reverse("cases:case_detail", args=[case.public_id])


def _notify_team(
    case: Case,
    *,
    kind: str,
    text: str,
    due: dt.date | None = None,
    only: Iterable[User] | None = None,
    chiefs: bool = False,
    dedupe_key: str = "",
    actor: Actor,
) -> None:
    """After commit, tell the case's inspectors (or ``only`` these), and with ``chiefs``
    the chiefs over its division, what happened (``notify.notification_send``)."""
    if only is not None:
        people = list(only)
    else:
        people = [
            a.inspector
            for a in case.assignments.filter(removed_at=None).select_related("inspector")
        ]
    if chiefs:
        people += staff_covering(perm=Perm.CASE_APPROVE, division_code=case.division_id)
    notification_send_on_commit(
        recipients=people,
        kind=kind,
        text=text,
        url=_case_url(case),
        due=due,
        subject=case,
        dedupe_key=dedupe_key,
        actor=actor,
    )


@transaction.atomic
def case_open(
    *,
    complaints: Iterable[Complaint],
    respondent: Organization,
    division: Division,
    lead: User,
    co_inspectors: Iterable[User] = (),
    project: Project | None = None,
    summary: str = "",
    opened_on: dt.date | None = None,
    actor: Actor,
) -> Case:
    """Open a case (立案) from accepted complaints; a chief approves it by opening it.

    Each complainant gets a claim for the amount stated; the 60-working-day limit starts.
    """
    if not _is_chief(actor):
        raise Forbidden(_("A section chief or the director approves opening a case."))
    # Locked (on PostgreSQL; SQLite serialises writers anyway) so that two chiefs cannot
    # open two cases from the same complaint at once.
    complaints = list(
        Complaint.objects.select_for_update().filter(pk__in=[c.pk for c in complaints])
    )
    _require(
        bool(complaints), _("Open a case from at least one accepted complaint."), field="complaints"
    )
    for complaint in complaints:
        _require(
            complaint.status in {ComplaintStatus.ACCEPTED, ComplaintStatus.JOINED},
            _("Complaint %(number)s is not accepted.") % {"number": complaint.number},
            field="complaints",
        )
        _require(
            not Case.objects.filter(complaints=complaint, status__in=OPEN_STATUSES).exists(),
            _("Complaint %(number)s is already in an open case.") % {"number": complaint.number},
            field="complaints",
        )
    if actor is not None and not covers(actor, division.code):
        raise Forbidden(
            _("%(division)s is outside your jurisdiction.") % {"division": division.name}
        )
    co_inspectors = list({user.pk: user for user in co_inspectors if user.pk != lead.pk}.values())
    for inspector in (lead, *co_inspectors):
        _check_inspector(inspector, division)
    opened_on = opened_on or clock.local_today()
    due = add_working_days(opened_on, INVESTIGATION_WORKING_DAYS, calendar=work_calendar())
    year = opened_on.year
    for _attempt in range(5):  # two chiefs opening at once: the unique sequence decides
        sequence = _next_sequence(year)
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    number=settings.QINGLING_CASE_NUMBER_FORMAT.format(year=year, seq=sequence),
                    year=year,
                    sequence=sequence,
                    respondent=respondent,
                    project=project,
                    division=division,
                    summary=summary.strip(),
                    opened_on=opened_on,
                    investigation_due=due.date,
                    investigation_due_provisional=due.provisional,
                    status_changed_at=clock.now(),
                )
            break
        except IntegrityError:
            continue
    else:
        raise Conflict(_("Could not number the case; try again."), code="case_number_conflict")
    case.complaints.set(complaints)
    CaseInspector.objects.create(case=case, inspector=lead, role=CaseInspector.Role.LEAD)
    for inspector in co_inspectors:
        CaseInspector.objects.create(case=case, inspector=inspector, role=CaseInspector.Role.CO)
    for complaint in complaints:
        _claims_from_complaint(case, complaint, actor=actor)
        complaint_case_opened(
            complaint=complaint, case_number=case.number, opened_on=opened_on, actor=actor
        )
    _case_totals_store(case)
    audit_event_record(
        actor=actor,
        action="case.open",
        obj=case,
        after={
            **audit_snapshot(case, CASE_AUDIT_FIELDS),
            "complaints": [c.number for c in complaints],
            "lead": str(lead),
            "co": [str(u) for u in co_inspectors],
        },
    )
    _notify_team(
        case,
        kind=NotificationKind.ASSIGNED,
        text=_(
            "Case %(number)s (%(respondent)s) is assigned to you; the investigation is due %(due)s."
        )
        % {
            "number": case.number,
            "respondent": respondent,
            "due": case.investigation_due.isoformat(),
        },
        due=case.investigation_due,
        only=[lead, *co_inspectors],
        actor=actor,
    )
    return case


def _claims_from_complaint(case: Case, complaint: Complaint, *, actor: Actor) -> None:
    """One claim for each worker the complaint names (registered, or found by ID number,
    or by name and mobile), for the amount stated for that worker; and the complainant's.

    The complaint's amount is what was reported for everyone it speaks for: it is the
    complainant's claim only when the complaint speaks for one worker (no workers named,
    at most one owed). A group total is never one worker's claim: the complainant not
    named in the list gets a claim of 0.00, for the inspector to verify."""
    named = complaint_workers_named(complaint=complaint)
    have = set(case.claims.values_list("worker_id", flat=True))
    for worker in named:
        person = person_find(name=worker.name, phone=worker.phone) if not worker.id_number else None
        if person is None:
            person = person_find_or_register(
                name=worker.name, id_number=worker.id_number, phone=worker.phone, actor=actor
            )
        if person is None or person.pk in have:
            continue
        Claim.objects.create(case=case, worker=person, claimed=worker.amount or ZERO)
        have.add(person.pk)
    if complaint.complainant_id and complaint.complainant_id not in have:
        single = not named and (complaint.headcount or 1) <= 1
        Claim.objects.create(
            case=case,
            worker_id=complaint.complainant_id,
            claimed=(complaint.amount_claimed or ZERO) if single else ZERO,
        )


def _require_chief_of(case: Case, actor: Actor, message: str) -> None:
    """A chief whose jurisdiction covers the case (the permission alone is not enough)."""
    if StepActor.CHIEF not in case_step_actors(case, actor):
        raise Forbidden(message)


@transaction.atomic
def case_inspector_assign(*, case: Case, inspector: User, role: str, actor: Actor) -> Case:
    """Add an inspector, or make one the lead (the former lead stays as co-inspector)."""
    _require_chief_of(case, actor, _("A section chief or the director assigns inspectors."))
    case_writable_check(case)
    _require(case.status != CaseStatus.CLOSED, _("The case is closed."))
    _check_inspector(inspector, case.division)
    current = {a.inspector_id: a for a in case_inspectors(case)}
    now = clock.now()
    if role == CaseInspector.Role.LEAD:
        case.assignments.filter(role=CaseInspector.Role.LEAD, removed_at=None).exclude(
            inspector=inspector
        ).update(role=CaseInspector.Role.CO, updated_at=now)
    if inspector.pk in current:
        current[inspector.pk].role = role
        current[inspector.pk].save(update_fields=["role", "updated_at"])
    else:
        CaseInspector.objects.create(case=case, inspector=inspector, role=role)
    audit_event_record(
        actor=actor,
        action="case.inspector_assign",
        obj=case,
        after={"inspector": str(inspector), "role": role},
    )
    if inspector.pk not in current:
        _notify_team(
            case,
            kind=NotificationKind.ASSIGNED,
            text=_("Case %(number)s (%(respondent)s) is assigned to you.")
            % {"number": case.number, "respondent": case.respondent},
            due=case.investigation_due,
            only=[inspector],
            actor=actor,
        )
    return case


@transaction.atomic
def case_inspector_remove(*, case: Case, inspector: User, actor: Actor) -> Case:
    """Take an inspector off; a case past opening keeps at least two (监察条例 Art. 16)."""
    _require_chief_of(case, actor, _("A section chief or the director assigns inspectors."))
    case_writable_check(case)
    _require(
        case.status == CaseStatus.OPENED or len(case_inspectors(case)) > 2,
        _("A case under investigation keeps at least two inspectors; assign another first."),
    )
    assignment = case.assignments.filter(inspector=inspector, removed_at=None).first()
    _require(assignment is not None, _("Not an inspector of this case."))
    assert assignment is not None
    _require(
        assignment.role != CaseInspector.Role.LEAD, _("Make another inspector the lead first.")
    )
    assignment.removed_at = clock.now()
    assignment.save(update_fields=["removed_at", "updated_at"])
    audit_event_record(
        actor=actor, action="case.inspector_remove", obj=case, after={"inspector": str(inspector)}
    )
    return case


# --- the one transition service --------------------------------------------------------------


def _guard_two_inspectors(case: Case, details: dict[str, Any]) -> None:
    if len(case_inspectors(case)) < 2:
        raise TransitionNotAllowed(
            _("An investigation needs at least two inspectors (监察条例 Art. 16).")
        )


def _guard_order_days(case: Case, details: dict[str, Any]) -> None:
    """The working days the employer has to pay, counted from the order's service."""
    days = details.get("order_days")
    if (
        not isinstance(days, int)
        or isinstance(days, bool)
        or not ORDER_WORKING_DAYS_MIN <= days <= ORDER_WORKING_DAYS_MAX
    ):
        message = _("Give the working days to pay from service, %(low)d to %(high)d.") % {
            "low": ORDER_WORKING_DAYS_MIN,
            "high": ORDER_WORKING_DAYS_MAX,
        }
        raise InvalidInput(message, extra={"fields": {"order_days": [message]}})


def _guard_claims_explained(case: Case, details: dict[str, Any]) -> None:
    unexplained = [
        claim
        for claim in case.claims.select_related("worker")
        if claim.outstanding > 0 and not claim.explanation.strip()
    ]
    if unexplained:
        raise TransitionNotAllowed(
            _("Money is still outstanding without an explanation for: %(names)s.")
            % {"names": "、".join(str(c.worker) for c in unexplained[:10])},
            extra={"claims": [c.pk for c in unexplained]},
        )


def _guard_withdrawn_only(case: Case, details: dict[str, Any]) -> None:
    if details.get("outcome") != CaseOutcome.WITHDRAWN:
        raise TransitionNotAllowed(
            _("Before an order, a case can only close as withdrawn (撤销立案).")
        )


def _guard_closing_record(case: Case, outcome: str) -> None:
    """An outcome that another app's record must back (``QINGLING_CLOSING_RECORDS``:
    "transferred to the police" needs a transfer that was sent, which sanctions knows)."""
    path = settings.QINGLING_CLOSING_RECORDS.get(outcome)
    if path and not import_string(path)(case=case):
        raise TransitionNotAllowed(
            _(
                "The case cannot close as %(outcome)s: no transfer to the police (移送, "
                "国务院令第310号) was sent for it."
            )
            % {"outcome": CaseOutcome(outcome).label},
            extra={"fields": {"outcome": [_("No transfer to the police was sent.")]}},
        )


def closing_unpaid(case: Case) -> list[str]:
    """What is still unpaid for an outcome that says the workers have their money ("paid
    in full", "order or decision carried out"): one line per claim with wages
    outstanding and one per worker with ordered extra compensation (劳动合同法 Art. 85)
    outstanding. Empty when everything is paid."""
    wages = [
        _("%(name)s: %(amount)s yuan") % {"name": claim.worker, "amount": claim.outstanding}
        for claim in case.claims.select_related("worker").order_by("id")
        if claim.outstanding > 0
    ]
    compensation = [
        _("%(name)s: extra compensation %(amount)s yuan")
        % {"name": row.claim.worker, "amount": row.outstanding}
        for row in Compensation.objects.filter(claim__case=case, paid__lt=F("amount"))
        .select_related("claim__worker")
        .order_by("id")
    ]
    return wages + compensation


def _closing_paid(case: Case, *, outcome: str, note: str) -> None:
    unpaid = closing_unpaid(case)
    if unpaid:
        raise TransitionNotAllowed(
            _(
                "Money is still outstanding: the case cannot close as %(outcome)s until every "
                "claim and every ordered compensation is paid (监察条例 Art. 18). "
                "Unpaid: %(unpaid)s."
            )
            % {"outcome": CaseOutcome(outcome).label, "unpaid": "；".join(unpaid[:10])},
            extra={"fields": {"outcome": [_("Not everything is paid.")]}, "unpaid": unpaid},
        )


def _closing_withdrawn(case: Case, *, outcome: str, note: str) -> None:
    """A withdrawal (撤销立案) is the chief's approval, and the approval states its reason."""
    if not note.strip():
        message = _(
            "A withdrawal (撤销立案) needs the approval's reason, e.g. the violation was minor "
            "and already corrected (监察条例 Art. 18): write it in the note."
        )
        raise InvalidInput(message, extra={"fields": {"note": [message]}})


def _closing_penalty(case: Case, *, outcome: str, note: str) -> None:
    """ "Administrative penalty" needs the penalty decision (decisions.py) in the case."""
    if not Penalty.objects.filter(
        proceeding__case=case, proceeding__decided_on__isnull=False
    ).exists():
        message = _("The case cannot close with a penalty: no penalty decision was issued in it.")
        raise TransitionNotAllowed(message, extra={"fields": {"outcome": [message]}})


# What an outcome needs on record before a case closes with it (besides the settings'
# QINGLING_CLOSING_RECORDS, which other apps back: "police" needs a sent transfer).
CLOSING_CHECKS: dict[str, Callable[..., None]] = {
    CaseOutcome.PAID_IN_FULL: _closing_paid,
    CaseOutcome.ORDER_CARRIED_OUT: _closing_paid,
    CaseOutcome.WITHDRAWN: _closing_withdrawn,
    CaseOutcome.PENALTY: _closing_penalty,
}


GUARDS: dict[str, Callable[[Case, dict[str, Any]], None]] = {
    "two_inspectors": _guard_two_inspectors,
    "order_days": _guard_order_days,
    "claims_explained": _guard_claims_explained,
    "withdrawn_only": _guard_withdrawn_only,
}


def case_step_actors(case: Case, actor: Actor) -> frozenset[str]:
    """Which step-actors of the transition table ``actor`` is for this case."""
    found = set()
    if can(actor, Perm.CASE_WORK) and _is_case_inspector(case, actor):
        found.add(StepActor.CASE_INSPECTOR)
    if _is_chief(actor) and actor is not None and covers(actor, case.division.code):
        found.add(StepActor.CHIEF)
    return frozenset(found)


@transaction.atomic
def case_transition(
    *, case: Case, target: str, actor: Actor, note: str = "", **details: Any
) -> Case:
    """Move a case along the table, with the guards, compare-and-swap and an audit row.

    ``details``: ``order_days`` (working days to pay, counted from the order's service)
    for an order; ``outcome`` for closing. An order's due date is set when it is served
    (``serving.service_record``), not here.
    """
    case_writable_check(case)
    step = transition_for(case.status, target)
    if step is None:
        raise TransitionNotAllowed(
            _("A case that is %(status)s cannot become %(target)s.")
            % {"status": case.get_status_display(), "target": CaseStatus(target).label}
        )
    if step.actor not in case_step_actors(case, actor):
        raise TransitionNotAllowed(
            _("Only %(who)s may take this step.") % {"who": StepActor(step.actor).label}
        )
    if target == CaseStatus.CLOSED:
        outcome = details.get("outcome", "")
        if outcome not in CaseOutcome.values:
            raise InvalidInput(
                _("Choose the outcome the case closes with."),
                extra={"fields": {"outcome": [_("Required.")]}},
            )
        if outcome == CaseOutcome.WITHDRAWN and case.order_issued_on is not None:
            # also after the chief sent the case back from closing to investigation
            raise TransitionNotAllowed(
                _("A case cannot be withdrawn (撤销立案) after an order was issued.")
            )
    if step.guard:
        GUARDS[step.guard](case, details)
    if target == CaseStatus.CLOSED:
        outcome = details["outcome"]
        check = CLOSING_CHECKS.get(outcome)
        if check is not None:
            check(case, outcome=outcome, note=note)
        _guard_closing_record(case, outcome)
    now = clock.now()
    values: dict[str, Any] = {"status": target, "status_changed_at": now, "updated_at": now}
    if target == CaseStatus.ORDER_ISSUED:
        values |= {
            "order_issued_on": clock.local_today(),
            "order_days": details["order_days"],
            "order_served_on": None,  # not running until the order is served
            "order_due": None,
            "order_overdue_at": None,  # a new order is watched from its own date
        }
    if target == CaseStatus.CLOSED:
        values |= {
            "outcome": details["outcome"],
            "closed_on": clock.local_today(),
            "closing_note": note,
        }
    status_compare_and_swap(
        obj=case,
        values=values,
        conflict=Conflict(
            _("Someone else moved this case first; reload it."), code="case_conflict"
        ),
        actor=actor,
        action=f"case.{target}",
        audit_fields=CASE_AUDIT_FIELDS,
        reason=note,
    )
    if target == CaseStatus.CLOSING_REQUESTED:
        _notify_team(
            case,
            kind=NotificationKind.APPROVAL,
            text=_("Case %(number)s waits for your approval to close.") % {"number": case.number},
            only=[],
            chiefs=True,
            actor=actor,
        )
    if target == CaseStatus.CLOSED:
        for complaint in case.complaints.all():
            complaint_case_closed(
                complaint=complaint,
                closed_on=case.closed_on or clock.local_today(),
                actor=actor,
            )
    return case


@transaction.atomic
def case_extend(*, case: Case, reason: str, actor: Actor) -> Case:
    """Extend the investigation by 30 working days, once, with a chief's approval, while
    ``deadlines.may_extend`` (which says why) allows it."""
    _require_chief_of(case, actor, _("A section chief or the director approves an extension."))
    case_writable_check(case)
    _require(not case.extended, _("A case can be extended only once (监察条例 Art. 17)."))
    _require(
        may_extend(case, today=clock.local_today()),
        _(
            "Only an open case that is not awaiting its closing approval can be extended, "
            "and only before its limit has passed."
        ),
    )
    _require(bool(reason.strip()), _("Give the reason for the extension."), field="reason")
    due = add_working_days(
        case.opened_on,
        INVESTIGATION_WORKING_DAYS + EXTENSION_WORKING_DAYS,
        calendar=work_calendar(),
    )
    before = audit_snapshot(case, CASE_AUDIT_FIELDS)
    updated = Case.objects.filter(pk=case.pk, extended=False).update(
        extended=True,
        extension_reason=reason.strip(),
        investigation_due=due.date,
        investigation_due_provisional=due.provisional,
        warned_at=None,
        escalated_at=None,
        updated_at=clock.now(),
    )
    if updated != 1:
        raise Conflict(_("The case was extended already."), code="case_conflict")
    case.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="case.extend",
        obj=case,
        before=before,
        after=audit_snapshot(case, CASE_AUDIT_FIELDS),
        reason=reason,
    )
    return case


@transaction.atomic
def case_facts_for_respondent_set(*, case: Case, text: str, actor: Actor) -> Case:
    """Write the facts the documents served on the employer state (never the complaint's
    text: the informant is protected, 监察条例 Art. 9)."""
    _require_case_worker(case, actor)
    text = text.strip()
    _require(len(text) <= 4000, _("At most %(limit)d characters.") % {"limit": 4000}, field="text")
    before = audit_snapshot(case, ("facts_for_respondent",))
    case.facts_for_respondent = text
    case.save(update_fields=["facts_for_respondent", "updated_at"])
    audit_event_record(
        actor=actor,
        action="case.facts_for_respondent",
        obj=case,
        before=before,
        after=audit_snapshot(case, ("facts_for_respondent",)),
    )
    return case


# --- claims and payments ---------------------------------------------------------------------


def _require_case_worker(case: Case, actor: Actor) -> None:
    if not case_step_actors(case, actor):
        raise Forbidden(_("Only the case's inspectors or a chief may change it."))
    case_writable_check(case)
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")


def _case_lock(case: Case) -> None:
    """Lock the case's row until the transaction ends (on PostgreSQL; SQLite serialises
    writers anyway). Every service that changes a claim takes this lock before it does,
    so locks are always taken case first, then claims, and the totals it stores at the
    end are summed after every other writer of the case has committed."""
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()


def _case_totals_store(case: Case) -> None:
    """Store the case's worker count and claimed / paid / outstanding totals, summed
    from its claims (``amounts.case_totals``) in the transaction that changed them.
    The row is updated, not ``case``: read the totals from the database."""
    Case.objects.filter(pk=case.pk).update(**case_totals(Claim.objects.all()))


@transaction.atomic
def claim_add(
    *,
    case: Case,
    name: str,
    id_number: str = "",
    phone: str = "",
    claimed: Decimal = ZERO,
    actor: Actor,
) -> Claim:
    """Add a worker's claim; the same ID number is the same worker, once per case."""
    _require_case_worker(case, actor)
    _require(claimed >= 0, _("The amount cannot be negative."), field="claimed")
    _case_lock(case)
    worker = person_find_or_register(name=name, id_number=id_number, phone=phone, actor=actor)
    _require(worker is not None, _("Enter the worker's name."), field="name")
    assert worker is not None
    if case.claims.filter(worker=worker).exists():
        raise Conflict(
            _("%(name)s already has a claim in this case.") % {"name": worker.name},
            code="claim_duplicate",
            extra={"fields": {"id_number": [_("Duplicate.")]}},
        )
    claim = Claim.objects.create(case=case, worker=worker, claimed=claimed)
    _case_totals_store(case)
    audit_event_record(
        actor=actor,
        action="case.claim_add",
        obj=case,
        after={"claim": claim.pk, "worker": worker.name, "claimed": str(claimed)},
    )
    return claim


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    actor: Actor,
    verified: Decimal | None = None,
    verified_reason: str | None = None,
    ordered: Decimal | None = None,
    explanation: str | None = None,
) -> Claim:
    """Verify, order or explain a claim. A verified amount other than what the worker
    claimed needs a reason (a claim of 0.00 is one not stated yet: none needed)."""
    case = claim.case
    _require_case_worker(case, actor)
    _case_lock(case)
    fields = ("claimed", "verified", "verified_reason", "ordered", "explanation")
    before = audit_snapshot(claim, fields)
    paid = Claim.objects.values_list("paid", flat=True).get(pk=claim.pk)
    for name, value in (("verified", verified), ("ordered", ordered)):
        if value is not None:
            _require(value >= 0, _("The amount cannot be negative."), field=name)
            # Below what was paid would hide an overpayment behind "nothing outstanding".
            _require(
                value >= paid,
                _("%(amount)s yuan is less than the %(paid)s yuan already paid.")
                % {"amount": value, "paid": paid},
                field=name,
            )
            setattr(claim, name, value)
    reason = claim.verified_reason if verified_reason is None else verified_reason.strip()
    if verified is not None and claim.claimed > 0 and verified != claim.claimed and not reason:
        message = _(
            "%(verified)s yuan verified is not the %(claimed)s yuan claimed: give the reason."
        ) % {"verified": verified, "claimed": claim.claimed}
        raise InvalidInput(message, extra={"fields": {"verified_reason": [message]}})
    claim.verified_reason = reason
    if explanation is not None:
        claim.explanation = explanation.strip()
    # Never write ``paid``: only payment_record moves it, and this copy may be stale.
    claim.save(
        update_fields=["verified", "verified_reason", "ordered", "explanation", "updated_at"]
    )
    claim.refresh_from_db(fields=["paid"])
    _case_totals_store(case)
    audit_event_record(
        actor=actor,
        action="case.claim_update",
        obj=case,
        before=before,
        after=audit_snapshot(claim, fields),
    )
    return claim


@transaction.atomic
def payment_record(
    *,
    claim: Claim,
    amount: Decimal,
    paid_on: dt.date,
    payer_kind: str,
    payer: Organization | None = None,
    method: str = "",
    voucher: str = "",
    actor: Actor,
) -> Payment:
    """Record money that reached a worker; overpaying a claim is refused."""
    case = claim.case
    _require_case_worker(case, actor)
    _require(amount > 0, _("The amount must be more than zero."), field="amount")
    _require(
        amount.as_tuple().exponent >= -2,  # type: ignore[operator]
        _("At most two decimal places (fen)."),
        field="amount",
    )
    _require(payer_kind in Payment.Payer.values, _("Choose who paid."), field="payer_kind")
    _require(
        paid_on <= clock.local_today(), _("The payment date is in the future."), field="paid_on"
    )
    _case_lock(case)
    # The increment is conditional on the paid amount the check saw.
    fresh = Claim.objects.get(pk=claim.pk)
    if amount > fresh.outstanding:
        raise InvalidInput(
            _("%(amount)s yuan is more than the %(outstanding)s yuan outstanding for %(name)s.")
            % {"amount": amount, "outstanding": fresh.outstanding, "name": fresh.worker},
            extra={
                "fields": {"amount": [_("More than outstanding.")]},
                "outstanding": str(fresh.outstanding),
            },
        )
    if (
        Claim.objects.filter(pk=claim.pk, paid=fresh.paid).update(
            paid=F("paid") + amount, updated_at=clock.now()
        )
        != 1
    ):
        raise Conflict(
            _("Another payment was recorded at the same time; try again."), code="payment_conflict"
        )
    payment = Payment.objects.create(
        claim=claim,
        amount=amount,
        paid_on=paid_on,
        payer_kind=payer_kind,
        payer=payer,
        method=method.strip(),
        voucher=voucher.strip(),
        recorded_by_id=actor.pk if actor is not None else None,
    )
    _case_totals_store(case)
    claim.refresh_from_db()
    for complaint in case.complaints.filter(_filed_by(claim)):
        complaint_payment_notify(complaint=complaint, amount=amount, paid_on=paid_on, actor=actor)
    audit_event_record(
        actor=actor,
        action="case.payment",
        obj=case,
        after={
            "claim": claim.pk,
            "worker": str(claim.worker),
            "amount": str(amount),
            "paid_on": paid_on.isoformat(),
            "payer_kind": payer_kind,
            "voucher": voucher,
        },
    )
    _notify_team(
        case,
        kind=NotificationKind.PAYMENT,
        text=_("A payment of %(amount)s yuan was recorded on case %(number)s.")
        % {"amount": amount, "number": case.number},
        actor=actor,
    )
    return payment


def _filed_by(claim: Claim) -> Q:
    """The complaints of the claim's worker: filed by that person, or with their mobile."""
    terms = Q(complainant_id=claim.worker_id)
    if claim.worker.phone_digest:
        terms |= Q(contact_phone_digest=claim.worker.phone_digest)
    return terms


@transaction.atomic
def payment_reverse(*, payment: Payment, amount: Decimal, reason: str, actor: Actor) -> Payment:
    """Reverse (冲正) a payment recorded wrongly, in whole or in part, by a new entry of
    the negative amount naming it and the reason; the payment itself stays as it was.
    More than what is left of the payment (after earlier reversals) is refused."""
    claim = payment.claim
    case = claim.case
    _require_case_worker(case, actor)
    _require(payment.reverses_id is None, _("A reversal cannot be reversed."), field="payment")
    _require(amount > 0, _("The amount must be more than zero."), field="amount")
    _require(
        amount.as_tuple().exponent >= -2,  # type: ignore[operator]
        _("At most two decimal places (fen)."),
        field="amount",
    )
    _require(bool(reason.strip()), _("Give the reason for the reversal."), field="reason")
    _case_lock(case)
    reversed_before = -sum(payment.reversals.values_list("amount", flat=True), ZERO)
    left = payment.amount - reversed_before
    if amount > left:
        message = _(
            "%(amount)s yuan is more than the %(left)s yuan of the payment left to reverse."
        ) % {"amount": amount, "left": left}
        raise InvalidInput(message, extra={"fields": {"amount": [message]}})
    fresh = Claim.objects.get(pk=claim.pk)
    if (
        Claim.objects.filter(pk=claim.pk, paid=fresh.paid, paid__gte=amount).update(
            paid=F("paid") - amount, updated_at=clock.now()
        )
        != 1
    ):
        raise Conflict(
            _("Another payment was recorded at the same time; try again."), code="payment_conflict"
        )
    reversal = Payment.objects.create(
        claim=claim,
        amount=-amount,
        paid_on=clock.local_today(),
        payer_kind=payment.payer_kind,
        payer=payment.payer,
        method=payment.method,
        voucher=payment.voucher,
        reverses=payment,
        reason=reason.strip(),
        recorded_by_id=actor.pk if actor is not None else None,
    )
    _case_totals_store(case)
    audit_event_record(
        actor=actor,
        action="case.payment_reverse",
        obj=case,
        after={
            "claim": claim.pk,
            "worker": str(claim.worker),
            "payment": str(payment.public_id),
            "amount": str(-amount),
        },
        reason=reason.strip(),
    )
    return reversal


def payment_record_for_worker(*, case: Case, id_number: str, **kwargs: Any) -> Payment:
    """Record a payment by the worker's ID number; a worker without a claim is refused."""
    _require_case_worker(case, kwargs.get("actor"))  # before saying whether the worker is in it
    digest = blind_index(normalize_id_number(id_number), purpose="id_number")
    claim = case.claims.filter(worker__id_number_digest=digest).first()
    if claim is None:
        raise InvalidInput(
            _("This worker has no claim in the case."),
            extra={"fields": {"id_number": [_("Unknown worker.")]}},
        )
    return payment_record(claim=claim, **kwargs)


@transaction.atomic
def case_extra_compensation_set(*, case: Case, rate: Decimal, reason: str, actor: Actor) -> Case:
    """Set the extra compensation rate (50–100%) for wages unpaid after the order's date."""
    if StepActor.CHIEF not in case_step_actors(case, actor):
        raise Forbidden(_("A section chief or the director of this area sets the rate."))
    case_writable_check(case)
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")
    _require(
        case.order_served_on is not None,
        _(
            "The order to pay has not been served: its due date is not running, so no extra "
            "compensation is due yet. Record its service first."
        ),
    )
    _require(
        case.order_due is not None and case.order_due < clock.local_today(),
        _("Extra compensation is due only after the order's date has passed."),
    )
    assert case.order_due is not None
    _require(
        case_outstanding(case=case, on=case.order_due) > 0,
        _("Everything ordered was paid by the order's date: no extra compensation is due."),
    )
    _require(
        Decimal("0.50") <= rate <= Decimal("1.00"),
        _("The rate is between 50% and 100% (条例 Art. 26)."),
        field="rate",
    )
    _require(bool(reason.strip()), _("Give the reason for the rate."), field="reason")
    before = audit_snapshot(case, ("extra_compensation_rate", "extra_compensation_reason"))
    case.extra_compensation_rate = rate
    case.extra_compensation_reason = reason.strip()
    case.save(update_fields=["extra_compensation_rate", "extra_compensation_reason", "updated_at"])
    audit_event_record(
        actor=actor,
        action="case.extra_compensation",
        obj=case,
        before=before,
        after=audit_snapshot(case, ("extra_compensation_rate", "extra_compensation_reason")),
    )
    return case


# --- the deadline scan (run by the worker) -----------------------------------------------------

WARN_WORKING_DAYS_BEFORE = 5


def case_deadlines_scan(*, today: dt.date) -> dict[str, int]:
    """Warn before the investigation limit, escalate (督办) after it, and flag orders unpaid
    after their date — each once per case; safe to run twice (compare-and-swap claims).

    The limit is watched in every open status until the case is closed, and an order is
    overdue while money is outstanding after its date: ``deadlines`` defines both, for
    the case list, the ledger and the case page too."""
    calendar = work_calendar()
    soon = add_working_days(today, WARN_WORKING_DAYS_BEFORE, calendar=calendar).date
    counts = {"warned": 0, "escalated": 0, "orders_overdue": 0}
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    for case in open_cases.filter(
        warned_at=None, investigation_due__lte=soon, investigation_due__gte=today
    ):
        counts["warned"] += _flag(
            case,
            "warned_at",
            "case.deadline_warning",
            kind=NotificationKind.DEADLINE,
            text=_("Case %(number)s: the investigation is due %(due)s."),
            due=case.investigation_due,
        )
    for case in Case.objects.filter(investigation_overdue_q(today=today), escalated_at=None):
        counts["escalated"] += _flag(
            case,
            "escalated_at",
            "case.escalate",
            kind=NotificationKind.ESCALATION,
            text=_("Escalated (督办): case %(number)s is past its investigation limit (%(due)s)."),
            due=case.investigation_due,
            chiefs=True,
        )
    for case in Case.objects.filter(order_overdue_q(today=today), order_overdue_at=None):
        counts["orders_overdue"] += _flag(
            case,
            "order_overdue_at",
            "case.order_overdue",
            kind=NotificationKind.DEADLINE,
            text=_("Case %(number)s: the order to pay was due %(due)s and money is outstanding."),
            due=case.order_due,
            chiefs=True,
        )
    return counts


def _flag(
    case: Case,
    field: str,
    action: str,
    *,
    kind: str,
    text: str,
    due: dt.date | None,
    chiefs: bool = False,
) -> int:
    """Stamp ``field`` once (compare-and-swap), audit it and tell the case's inspectors
    (and with ``chiefs`` the chiefs over it) after commit."""
    with transaction.atomic():
        now = clock.now()
        if Case.objects.filter(pk=case.pk, **{field: None}).update(**{field: now}) != 1:
            return 0
        audit_event_record(
            actor=None,
            action=action,
            obj=case,
            after={
                "investigation_due": case.investigation_due.isoformat(),
                "order_due": case.order_due.isoformat() if case.order_due else None,
            },
        )
        _notify_team(
            case,
            kind=kind,
            text=text % {"number": case.number, "due": due.isoformat() if due else "—"},
            due=due,
            chiefs=chiefs,
            dedupe_key=f"{action}:{case.pk}:{due}",
            actor=None,
        )
    return 1


# --- claims from the project's roster --------------------------------------------------------


@transaction.atomic
def claims_from_roster(*, case: Case, actor: Actor) -> int:
    """Add a claim (0.00, to be filled in) for each worker on the project's roster who has
    none in the case yet; returns how many were added (one audit row when any)."""
    _require_case_worker(case, actor)
    if case.project is None:
        raise Conflict(
            _("The case has no project, so there is no roster to take workers from."),
            code="case_without_project",
        )
    # Two clicks at once: the second waits here and then finds the claims made.
    _case_lock(case)
    workers = (
        project_roster(project=case.project)
        .exclude(worker__claims__case=case)
        .values_list("worker_id", flat=True)
    )
    claims = Claim.objects.bulk_create(
        [Claim(case=case, worker_id=worker, claimed=ZERO) for worker in workers]
    )
    if claims:
        _case_totals_store(case)
        audit_event_record(
            actor=actor,
            action="case.claims_from_roster",
            obj=case,
            after={"project": case.project.pk, "added": len(claims)},
        )
    return len(claims)


def case_deadlines_recompute(*, actor: Actor) -> list[Case]:
    """Recompute the provisional investigation deadline of each open case from the same
    start and length as ``case_open`` and ``case_extend`` (``opened_on`` + 60 working days,
    90 if extended), against the calendar as it now stands (a schedule may have been
    loaded since).

    Run after a schedule is loaded and by the worker. Writes only where the answer
    changed, by compare-and-swap on the stored deadline, with one audit row each; running
    it twice changes nothing.
    """
    calendar = work_calendar()
    changed = []
    for case in Case.objects.filter(status__in=OPEN_STATUSES, investigation_due_provisional=True):
        days = INVESTIGATION_WORKING_DAYS + (EXTENSION_WORKING_DAYS if case.extended else 0)
        due = add_working_days(case.opened_on, days, calendar=calendar)
        if deadline_recount_store(
            obj=case,
            field="investigation_due",
            due=due,
            still={"status__in": OPEN_STATUSES, "extended": case.extended},
            action="case.deadline_recompute",
            actor=actor,
        ):
            changed.append(case)
    return changed
