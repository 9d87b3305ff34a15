"""Writes for complaints: registration from every channel, triage, replies, escalation."""

import dataclasses
import datetime as dt
import hashlib
import operator
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can, covers, jurisdiction_prefix
from qingling.accounts.selectors import staff_covering
from qingling.core import clock
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from qingling.core.models import Division
from qingling.core.personal_data import blind_index, mask_id_number, mask_phone, seal, unseal
from qingling.core.selectors import work_calendar, workdays_add
from qingling.core.services import (
    Actor,
    audit_event_record,
    audit_snapshot,
    deadline_recount_store,
    status_compare_and_swap,
)
from qingling.core.uploads import EXTENSIONS, evidence_check
from qingling.core.validators import validate_id_number, validate_mobile
from qingling.intake.channels.base import (
    ComplaintDraft,
    FieldErrors,
    SettlementLine,
    WorkerEntry,
)
from qingling.intake.channels.files import ImportRow, work_order_draft, work_order_fields
from qingling.intake.deadlines import CASE_OPENING_WORKING_DAYS
from qingling.intake.extraction import extract
from qingling.intake.lifecycle import OPEN_STATUSES, ComplaintStatus, NotAcceptedReason, can_move
from qingling.intake.models import (
    Attachment,
    Callback,
    Channel,
    Complaint,
    ComplaintWorker,
    Notice,
    Settlement,
    SettlementPayment,
    SourceSystem,
)
from qingling.intake.notices import notice_body, notice_kind_for, notice_number, text_message
from qingling.notify.models import NotificationKind
from qingling.notify.services import (
    notification_send_on_commit,
    outbox_enqueue,
    phone_code_check,
    phone_code_send,
    phone_code_use,
)
from qingling.parties.matching import block_key
from qingling.parties.models import Organization, Person, Project
from qingling.parties.selectors import organization_match_candidates, person_find
from qingling.parties.services import person_find_or_register, person_register

ACCEPTANCE_WORKING_DAYS = 5  # 若干规定 Art. 18
MAX_AMOUNT = Decimal(1000000000)
MAX_HEADCOUNT = 100_000
COMPLAINT_AUDIT_FIELDS = (
    "channel",
    "source_ref",
    "kind",
    "status",
    "employer_name",
    "project_name",
    "amount_claimed",
    "headcount",
    "acceptance_due",
    "anonymous",
)


# --- who may ----------------------------------------------------------------------------------
# Every service checks its actor. ``None`` is a system: the public web form, a source
# system pushing orders through the API, a file imported on the command line, the
# worker; it may register complaints (and create source systems from the command line),
# never decide them. A member of staff must see the complaint (its division is in their
# jurisdiction, or it is not placed yet; otherwise NotFound, as its page answers) and hold
# the permission of the step (otherwise Forbidden).

# Who registers a complaint of a channel: the intake desk; a complaint found on
# inspection is registered by the inspectors, or by the chief who opens a case from it.
INSPECTION_REGISTRARS = (Perm.INSPECTION_WORK, Perm.CASE_APPROVE)
TRIAGE = (Perm.COMPLAINT_TRIAGE,)
# A chief who approves opening a case accepts the complaint it is opened from.
ACCEPT = (Perm.COMPLAINT_TRIAGE, Perm.CASE_APPROVE)


def _registrars(channel: str) -> tuple[Perm, ...]:
    return INSPECTION_REGISTRARS if channel == Channel.INSPECTION else (Perm.COMPLAINT_REGISTER,)


def _completers(channel: str) -> tuple[Perm, ...]:
    """Who completes a complaint (its details, more evidence): triage, and for one found on
    inspection whoever registers those."""
    return (*TRIAGE, *(INSPECTION_REGISTRARS if channel == Channel.INSPECTION else ()))


def _require_registrar(actor: Actor, channel: str, division: Division | None = None) -> None:
    if actor is None:
        return
    if not any(can(actor, perm) for perm in _registrars(channel)):
        raise Forbidden(_("You may not register complaints."))
    if division is not None and not covers(actor, division.code):
        raise Forbidden(
            _("%(division)s is outside your jurisdiction.") % {"division": division.name}
        )


def _require_handler(complaint: Complaint, actor: Actor, perms: Iterable[Perm]) -> None:
    """Staff who may see ``complaint`` and hold one of ``perms``."""
    prefix = jurisdiction_prefix(actor)
    if prefix is None or (
        complaint.division_id is not None and not complaint.division_id.startswith(prefix)
    ):
        raise NotFound(_("No complaint with that number that you may see."))
    if not any(can(actor, perm) for perm in perms):
        raise Forbidden(_("You may not decide complaints."))


@dataclass(frozen=True)
class RegisterResult:
    complaint: Complaint
    created: bool


def _existing(*, channel: str, source_ref: str, idempotency_key: str) -> Complaint | None:
    """The complaint already stored under this source number or idempotency key (the
    source number wins when they name two), in one query.

    Each term restates its unique constraint's condition (``<> ''``): SQLite uses a
    partial index only when the query says so, and otherwise scanned the whole table
    on every delivery.
    """
    terms = []
    if source_ref:
        terms.append(Q(source_ref=source_ref) & ~Q(source_ref=""))
    if idempotency_key:
        terms.append(Q(idempotency_key=idempotency_key) & ~Q(idempotency_key=""))
    if not terms:
        return None
    found = list(
        Complaint.objects.filter(reduce(operator.or_, terms), channel=channel).order_by()[:2]
    )
    found.sort(key=lambda complaint: not source_ref or complaint.source_ref != source_ref)
    return found[0] if found else None


def _check_amount_and_headcount(
    errors: FieldErrors, *, amount: Decimal | None, headcount: int | None
) -> None:
    if amount is not None and not Decimal(0) <= amount < MAX_AMOUNT:
        errors.add("amount", _("The amount must be between 0 and 1,000,000,000 yuan."))
    if amount is not None and amount.as_tuple().exponent < -2:  # type: ignore[operator]
        errors.add("amount", _("At most two decimal places (fen)."))
    if headcount is not None and not 1 <= headcount <= MAX_HEADCOUNT:
        errors.add("headcount", _("The number of workers must be between 1 and 100,000."))


@dataclass(frozen=True)
class CheckedWorker:
    """A worker entry whose numbers are valid and normalised (``_workers_check``)."""

    name: str
    phone: str
    id_number: str
    amount: Decimal | None


def _workers_check(
    entries: Sequence[WorkerEntry], errors: FieldErrors, *, key: str = "workers"
) -> list[CheckedWorker]:
    """Check the workers a complaint names; each bad one is reported by its line.

    A worker needs a name and a mobile or an ID number (without either, the case could
    not tell who is to be paid); an ID number given twice is one worker named twice."""
    checked = []
    seen: set[str] = set()
    today = clock.local_today()
    for entry in entries:
        where = _("Line %(line)d") % {"line": entry.line} if entry.line else entry.name
        name = " ".join(entry.name.split())
        phone = id_number = ""
        bad = False
        if not name or len(name) > 50:
            errors.add(key, _("%(where)s: enter the worker's name.") % {"where": where})
            bad = True
        if not entry.phone.strip() and not entry.id_number.strip():
            errors.add(
                key,
                _(
                    "%(where)s: give %(name)s's mobile or ID number, so that the right "
                    "person is paid."
                )
                % {"where": where, "name": name or "?"},
            )
            bad = True
        if entry.phone.strip():
            try:
                phone = validate_mobile(entry.phone)
            except ValidationError as error:
                errors.add(key, f"{where}: {error.messages[0]}")
                bad = True
        if entry.id_number.strip():
            try:
                id_number = validate_id_number(entry.id_number, today=today)
            except ValidationError as error:
                errors.add(key, f"{where}: {error.messages[0]}")
                bad = True
            else:
                if id_number in seen:
                    errors.add(
                        key, _("%(where)s: this ID number is listed twice.") % {"where": where}
                    )
                    bad = True
                seen.add(id_number)
        if entry.amount is not None and (
            not Decimal(0) <= entry.amount < MAX_AMOUNT or entry.amount.as_tuple().exponent < -2  # type: ignore[operator]
        ):
            errors.add(
                key,
                _("%(where)s: the amount must be 0 to 1,000,000,000 yuan, to the fen.")
                % {"where": where},
            )
            bad = True
        if not bad:
            checked.append(CheckedWorker(name, phone, id_number, entry.amount))
    return checked


def _workers_store(complaint: Complaint, workers: Sequence[CheckedWorker], source: str) -> None:
    ComplaintWorker.objects.bulk_create(
        [
            ComplaintWorker(
                complaint=complaint,
                name=worker.name,
                phone_sealed=seal(worker.phone, purpose="phone") if worker.phone else "",
                phone_digest=blind_index(worker.phone, purpose="phone") if worker.phone else "",
                phone_masked=mask_phone(worker.phone) if worker.phone else "",
                id_number_sealed=(
                    seal(worker.id_number, purpose="id_number") if worker.id_number else ""
                ),
                id_number_digest=(
                    blind_index(worker.id_number, purpose="id_number") if worker.id_number else ""
                ),
                id_number_masked=mask_id_number(worker.id_number) if worker.id_number else "",
                amount=worker.amount,
                source=source,
            )
            for worker in workers
        ]
    )


def _validate(
    draft: ComplaintDraft,
) -> tuple[str, str, Division | None, list[tuple[UploadedFile, str]], list[CheckedWorker]]:
    """Check every field of the draft; raise one InvalidInput naming all bad fields."""
    errors = FieldErrors()
    phone = id_number = ""
    if draft.kind not in Complaint.Kind.values:
        errors.add("kind", _("Choose complaint or report."))
    if draft.anonymous and draft.kind != Complaint.Kind.REPORT:
        errors.add(
            "anonymous",
            _(
                "Only a report can be anonymous; a worker's complaint needs "
                "a name to recover wages for."
            ),
        )
    if not draft.anonymous and not draft.name:
        errors.add("name", _("Enter the name of the person owed, or report anonymously."))
    if draft.phone:
        try:
            phone = validate_mobile(draft.phone)
        except ValidationError as error:
            errors.add("phone", error.messages[0])
    elif draft.kind == Complaint.Kind.COMPLAINT:
        errors.add("phone", _("Enter a mobile number so that the bureau can reach you."))
    if draft.id_number and not draft.anonymous:
        try:
            id_number = validate_id_number(draft.id_number, today=clock.local_today())
        except ValidationError as error:
            errors.add("id_number", error.messages[0])
    if not draft.employer_name and not draft.narrative:
        errors.add("employer_name", _("Name the employer, or describe what happened."))
    _check_amount_and_headcount(errors, amount=draft.amount, headcount=draft.headcount)
    division = None
    if draft.division_code:
        division = Division.objects.filter(code=draft.division_code).first()
        if division is None:
            errors.add("division", _("Unknown division code."))
    uploads = evidence_check(draft.uploads, add_error=errors.add)
    workers = _workers_check(draft.workers, errors)
    errors.raise_if_any()
    return phone, id_number, division, uploads, workers


def _complainant(
    draft: ComplaintDraft, *, phone: str, id_number: str, actor: Actor
) -> tuple[Person | None, bool]:
    """The person behind the complaint, and whether the ID number given belongs to someone
    on file under another name (then nobody is linked: the officer checks, because a form
    anyone can fill must not attach a complaint to a stranger's identity)."""
    if draft.anonymous:
        return None, False
    if id_number:
        on_file = person_find(id_number=id_number)
        if on_file is not None:
            return (on_file, False) if on_file.name == draft.name else (None, True)
        return person_find_or_register(
            name=draft.name, id_number=id_number, phone=phone, actor=actor
        ), False
    same = person_find(name=draft.name, phone=phone) if phone else None
    if same is not None:  # same name and same mobile: the same worker complaining again
        return same, False
    return person_register(name=draft.name, phone=phone, actor=actor), False


def _suggestions(narrative: str) -> dict[str, Any]:
    """What the text seems to say, for the officer to confirm; JSON-safe."""
    if not narrative:
        return {}
    found = dataclasses.asdict(extract(narrative))
    if found.get("amount") is not None:
        found["amount"] = str(found["amount"])
    if found.get("phones"):  # personal values are never stored in clear
        found["phones"] = [mask_phone(phone) for phone in found["phones"]]
    return {key: value for key, value in found.items() if value not in (None, [], "")}


def _same_matter_suggestions(employer_name: str) -> dict[str, Any]:
    """On arrival, the organizations on file that may be the employer named."""
    if not employer_name:
        return {}
    organizations = organization_match_candidates(name=employer_name, limit=3)
    if not organizations:
        return {}
    return {
        "organizations": [
            {"id": str(org.public_id), "name": org.name, "score": round(score, 2)}
            for org, score in organizations
        ]
    }


def complaint_register(
    *,
    draft: ComplaintDraft,
    channel: str,
    actor: Actor,
    received_at: dt.datetime | None = None,
    source_system: SourceSystem | None = None,
    idempotency_key: str = "",
) -> RegisterResult:
    """Store one complaint exactly once and start its 5-working-day acceptance deadline.

    The same source number from the same channel, or the same idempotency key, returns
    the complaint already stored (also when two deliveries race: the database's unique
    constraints decide, and the loser reads the winner's row). ``actor`` is None for a
    system (the web form, a source system, an import); staff register in their area.
    """
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), extra={"fields": {"channel": [channel]}})
    _require_registrar(actor, channel)
    found = _existing(channel=channel, source_ref=draft.source_ref, idempotency_key=idempotency_key)
    if found is not None:
        return RegisterResult(found, created=False)
    phone, id_number, division, uploads, workers = _validate(draft)
    _require_registrar(actor, channel, division)
    received_at = received_at or clock.now()
    received_on = timezone.localdate(received_at)
    calendar = work_calendar()  # one check of the table for both deadlines
    due = workdays_add(start=received_on, days=ACCEPTANCE_WORKING_DAYS, calendar=calendar)
    reply_days = settings.QINGLING_REPLY_WORKING_DAYS.get(channel)
    reply_due = (
        None
        if reply_days is None
        else workdays_add(start=received_on, days=reply_days, calendar=calendar)
    )
    # Reads come before the transaction, which SQLite holds as the one writer.
    suggestions = {
        **_suggestions(draft.narrative),
        **_same_matter_suggestions(draft.employer_name),
    }
    try:
        with transaction.atomic():
            complainant, identity_conflict = _complainant(
                draft, phone=phone, id_number=id_number, actor=actor
            )
            if identity_conflict:
                suggestions["identity_conflict"] = True
            complaint = Complaint(
                channel=channel,
                source_system=source_system,
                source_ref=draft.source_ref,
                idempotency_key=idempotency_key,
                kind=draft.kind,
                received_at=received_at,
                acceptance_due=due.date,
                acceptance_due_provisional=due.provisional,
                acceptance_due_from=received_on,
                anonymous=draft.anonymous,
                complainant=complainant,
                contact_name="" if draft.anonymous else draft.name,
                contact_phone_sealed=seal(phone, purpose="phone") if phone else "",
                contact_phone_digest=blind_index(phone, purpose="phone") if phone else "",
                employer_name=draft.employer_name,
                employer_key=block_key(draft.employer_name) if draft.employer_name else "",
                project_name=draft.project_name,
                division=division,
                amount_claimed=draft.amount,
                headcount=draft.headcount,
                period=draft.period,
                narrative=draft.narrative,
                suggestions=suggestions,
                reply_due=reply_due.date if reply_due else None,
            )
            complaint.full_clean(
                exclude=[
                    "public_id",  # a random UUID: the unique index guards it, no query needed
                    "complainant",
                    "source_system",
                    "employer",
                    "project",
                    "division",
                    "assigned_to",
                    "joined_to",
                    "decided_by",
                    "query_code",
                ],
                validate_constraints=False,  # the database enforces them; see IntegrityError
            )
            complaint.save()
            for upload, kind in uploads:
                _attachment_store(complaint, upload, kind)
            source = (
                ComplaintWorker.Source.FORM if actor is None else ComplaintWorker.Source.OFFICER
            )
            _workers_store(complaint, workers, source)
            audit_event_record(
                actor=actor,
                action="complaint.register",
                obj=complaint,
                after={
                    **audit_snapshot(complaint, COMPLAINT_AUDIT_FIELDS),
                    **({"workers_named": len(workers)} if workers else {}),
                },
            )
            if phone:
                _text_worker(
                    complaint,
                    template="complaint_received",
                    dedupe_key=f"complaint:{complaint.pk}:received",
                    actor=actor,
                    due=complaint.acceptance_due.isoformat(),
                )
    except ValidationError as error:
        raise InvalidInput.from_validation_error(error) from None
    except IntegrityError:
        found = _existing(
            channel=channel, source_ref=draft.source_ref, idempotency_key=idempotency_key
        )
        if found is None:
            raise
        return RegisterResult(found, created=False)
    return RegisterResult(complaint, created=True)


def _attachment_store(complaint: Complaint, upload: UploadedFile, kind: str) -> Attachment:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        complaint=complaint,
        original_name=(upload.name or "")[:200],
        content_type=kind,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
    )
    extension = EXTENSIONS[kind]
    attachment.file.save(f"{digest.hexdigest()[:32]}{extension}", upload, save=False)
    attachment.save()
    return attachment


# --- triage ---------------------------------------------------------------------------------

DECISION_FIELDS = (
    "status",
    "decision_reason",
    "decision_note",
    "referred_to",
    "joined_to",
    "decided_at",
    "decided_by",
)


def _transition(
    *, complaint: Complaint, to: str, actor: Actor, reason: str = "", **fields: Any
) -> Complaint:
    """Move a complaint with compare-and-swap on the status the caller saw; audited."""
    if not can_move(complaint.status, to):
        raise Conflict(
            _("A complaint that is %(status)s cannot become %(target)s.")
            % {"status": complaint.get_status_display(), "target": ComplaintStatus(to).label},
            code="complaint_transition_not_allowed",
            extra={"status": complaint.status, "target": to},
        )
    now = clock.now()
    values = {
        "status": to,
        "decided_at": now,
        "decided_by_id": actor.pk if actor is not None and actor.is_authenticated else None,
        "updated_at": now,
        **fields,
    }
    status_compare_and_swap(
        obj=complaint,
        values=values,
        conflict=Conflict(
            _("Someone else decided this complaint first; reload it."), code="complaint_conflict"
        ),
        actor=actor,
        action=f"complaint.{to}",
        audit_fields=DECISION_FIELDS,
        reason=reason,
    )
    _notice_issue(complaint, actor=actor)
    _tell_complainant(complaint, actor=actor)
    return complaint


def _text_worker(
    complaint: Complaint, *, template: str, dedupe_key: str, actor: Actor, **fields: Any
) -> None:
    """Queue a text about the complaint through the outbox, with the rules the job
    messages follow (`employment.services.pushes`): only to a worker who agreed, never
    after they stopped, and each text ends with their own stop link. Consent here is the
    mobile the worker gave with their own complaint, to hear about it; workers named by
    someone else gave none and are not texted; the stop link (退订) ends every text about
    this complaint and any other filed earlier with the same mobile."""
    from qingling.intake.selectors import complaint_stop_path

    if not complaint.contact_phone_sealed or complaint.pk is None:
        return
    if Complaint.objects.filter(pk=complaint.pk, texts_stopped_at__isnull=False).exists():
        return
    payload: dict[str, Any] = {
        "template": template,
        "number": complaint.number,
        "query_code": complaint.query_code,
        **fields,
    }
    stop_url = _public_url(complaint_stop_path(complaint))
    payload["text"] = text_message(
        template, payload, query_url=_public_url(reverse("web_intake:query")), stop_url=stop_url
    )
    payload["stop"] = stop_url
    outbox_enqueue(
        gateway="sms",
        destination="",
        phone=unseal(complaint.contact_phone_sealed, purpose="phone"),
        subject=complaint,
        dedupe_key=dedupe_key,
        actor=actor,
        payload=payload,
    )


@transaction.atomic
def complaint_texts_stop(*, complaint: Complaint, actor: Actor) -> int:
    """Stop the texts about this complaint and every other filed earlier with the same
    mobile (the stop link each text carries; needs no sign-in, like a "reply TD": stopping
    texts can harm no one). Returns how many complaints were stopped; idempotent."""
    now = clock.now()
    same = Q(pk=complaint.pk)
    if complaint.contact_phone_digest:
        same |= Q(contact_phone_digest=complaint.contact_phone_digest)
    stopped = list(
        Complaint.objects.filter(same, texts_stopped_at__isnull=True).values_list("pk", flat=True)
    )
    Complaint.objects.filter(pk__in=stopped).update(texts_stopped_at=now)
    if stopped:
        audit_event_record(
            actor=actor,
            action="complaint.texts_stop",
            obj=complaint,
            after={"complaints": len(stopped)},
        )
    complaint.texts_stopped_at = now if complaint.pk in stopped else complaint.texts_stopped_at
    return len(stopped)


def _notice_issue(complaint: Complaint, *, actor: Actor) -> Notice | None:
    """Issue the written notice the disposition calls for (受理通知书 on acceptance,
    不予受理告知书 when not accepted or referred, 若干规定 Art. 18), once per kind, to a
    complainant who gave a name; its wording is fixed now (``notices.notice_body``)."""
    kind = notice_kind_for(complaint)
    if kind is None or complaint.anonymous or not complaint.contact_name:
        return None
    issued_on = clock.local_today()
    notice, created = Notice.objects.get_or_create(
        complaint=complaint,
        kind=kind,
        defaults={
            "number": notice_number(complaint, kind),
            "issued_on": issued_on,
            "body": notice_body(complaint, kind, issued_on=issued_on),
        },
    )
    if created:
        audit_event_record(
            actor=actor,
            action="complaint.notice",
            obj=complaint,
            after={"kind": kind, "number": notice.number},
        )
    return notice


def _tell_complainant(complaint: Complaint, *, actor: Actor) -> None:
    """Queue the decision notice by SMS to the number given with the complaint; the
    complainant is told of every disposition (a return to triage is none)."""
    if complaint.status == ComplaintStatus.RECEIVED:
        return
    _text_worker(
        complaint,
        template=f"complaint_{complaint.status}",
        dedupe_key=f"complaint:{complaint.pk}:{complaint.status}:{complaint.updated_at.timestamp()}",
        actor=actor,
        reason=complaint.decision_reason,
        referred_to=complaint.referred_to,
    )


@transaction.atomic
def complaint_accept(*, complaint: Complaint, note: str = "", actor: Actor) -> Complaint:
    """Accept: the case workflow opens a case from it on the same day (若干规定 Art. 18)."""
    _require_handler(complaint, actor, ACCEPT)
    today = clock.local_today()
    return _transition(
        complaint=complaint,
        to=ComplaintStatus.ACCEPTED,
        actor=actor,
        decision_note=note,
        case_due=workdays_add(start=today, days=CASE_OPENING_WORKING_DAYS).date,
    )


@transaction.atomic
def complaint_join(
    *, complaint: Complaint, matter: Complaint, note: str = "", actor: Actor
) -> Complaint:
    """Join a complaint to another about the same employer and project (reversible).

    The matter must still be handled (undecided or accepted): joining to a declined or
    referred complaint would leave this one with nobody acting on it. Complaints already
    joined to this one move with it, so every join points at the root.
    """
    _require_handler(complaint, actor, TRIAGE)
    _require_handler(matter, actor, TRIAGE)
    root = matter.joined_to or matter
    if root.pk == complaint.pk:
        raise InvalidInput(
            _("A complaint cannot be joined to itself."),
            extra={"fields": {"matter": [_("Choose another complaint.")]}},
        )
    if root.status not in {*OPEN_STATUSES, ComplaintStatus.ACCEPTED}:
        raise InvalidInput(
            _("Complaint %(number)s is %(status)s; join only to a matter still handled.")
            % {"number": root.number, "status": root.get_status_display()},
            extra={"fields": {"matter": [_("Not handled any more.")]}},
        )
    joined = _transition(
        complaint=complaint,
        to=ComplaintStatus.JOINED,
        actor=actor,
        joined_to=root,
        decision_note=note,
    )
    Complaint.objects.filter(joined_to=complaint).update(joined_to=root, updated_at=clock.now())
    return joined


@transaction.atomic
def complaint_unjoin(*, complaint: Complaint, reason: str, actor: Actor) -> Complaint:
    """Undo a join: the complaint goes back to triage, its deadline unchanged."""
    _require_handler(complaint, actor, TRIAGE)
    return _transition(
        complaint=complaint,
        to=ComplaintStatus.RECEIVED,
        actor=actor,
        reason=reason,
        joined_to=None,
        decided_at=None,
        decided_by_id=None,
    )


@transaction.atomic
def complaint_request_material(*, complaint: Complaint, note: str, actor: Actor) -> Complaint:
    """Ask for more material (补正), e.g. when the employer cannot be identified."""
    _require_handler(complaint, actor, TRIAGE)
    if not note.strip():
        raise InvalidInput(
            _("Say what material is needed."), extra={"fields": {"note": [_("Required.")]}}
        )
    today = clock.local_today()
    calendar = work_calendar()
    due = workdays_add(start=today, days=settings.QINGLING_MATERIAL_WORKING_DAYS, calendar=calendar)
    remind = workdays_add(
        start=today, days=settings.QINGLING_MATERIAL_REMINDER_WORKING_DAYS, calendar=calendar
    )
    return _transition(
        complaint=complaint,
        to=ComplaintStatus.MORE_MATERIAL,
        actor=actor,
        decision_note=note.strip(),
        material_due=due.date,
        material_remind_on=remind.date,
        material_reminded_at=None,
    )


@transaction.atomic
def complaint_material_received(*, complaint: Complaint, note: str = "", actor: Actor) -> Complaint:
    """Material arrived: back to triage with a fresh 5-working-day deadline."""
    _require_handler(complaint, actor, TRIAGE)
    today = clock.local_today()
    due = workdays_add(start=today, days=ACCEPTANCE_WORKING_DAYS)
    return _transition(
        complaint=complaint,
        to=ComplaintStatus.RECEIVED,
        actor=actor,
        decision_note=note,
        acceptance_due=due.date,
        acceptance_due_provisional=due.provisional,
        acceptance_due_from=today,
        escalated_at=None,
        decided_at=None,
        decided_by_id=None,
        material_due=None,
        material_remind_on=None,
    )


@transaction.atomic
def complaint_refer(
    *, complaint: Complaint, referred_to: str, note: str = "", actor: Actor
) -> Complaint:
    """Not this bureau's remit or area: say who is competent."""
    _require_handler(complaint, actor, TRIAGE)
    if not referred_to.strip():
        raise InvalidInput(
            _("Say which body is competent."), extra={"fields": {"referred_to": [_("Required.")]}}
        )
    return _transition(
        complaint=complaint,
        to=ComplaintStatus.REFERRED,
        actor=actor,
        referred_to=referred_to.strip(),
        decision_note=note,
    )


@transaction.atomic
def complaint_decline(
    *, complaint: Complaint, reason: str, note: str = "", actor: Actor
) -> Complaint:
    """Do not accept, with a lawful reason; "other" needs the reason written out."""
    _require_handler(complaint, actor, TRIAGE)
    if reason not in NotAcceptedReason.values:
        raise InvalidInput(_("Choose a reason."), extra={"fields": {"reason": [_("Required.")]}})
    if reason == NotAcceptedReason.OTHER and not note.strip():
        raise InvalidInput(_("Write the reason."), extra={"fields": {"note": [_("Required.")]}})
    return _transition(
        complaint=complaint,
        to=ComplaintStatus.NOT_ACCEPTED,
        actor=actor,
        decision_reason=reason,
        decision_note=note,
    )


@transaction.atomic
def complaint_reply_record(*, complaint: Complaint, text: str, actor: Actor) -> Complaint:
    """Record the reply to a work order (or feedback on a transfer order) and send it back
    to the source system through the outbox."""
    _require_handler(complaint, actor, TRIAGE)
    if not text.strip():
        raise InvalidInput(_("Write the reply."), extra={"fields": {"text": [_("Required.")]}})
    now = clock.now()
    complaint.replied_at = now
    complaint.save(update_fields=["replied_at", "updated_at"])
    audit_event_record(
        actor=actor,
        action="complaint.reply",
        obj=complaint,
        after={"replied_at": now.isoformat(), "length": len(text)},
    )
    system = complaint.source_system
    if system is not None and system.reply_url:
        outbox_enqueue(
            gateway="webhook",
            destination=system.reply_url,
            subject=complaint,
            actor=actor,
            dedupe_key=f"complaint:{complaint.pk}:reply:{now.timestamp()}",
            payload={
                "source_ref": complaint.source_ref,
                "number": complaint.number,
                "status": complaint.status,
                "reply": text.strip(),
                "replied_at": now.isoformat(),
            },
        )
    return complaint


def complaint_escalate_overdue(*, today: dt.date) -> list[Complaint]:
    """Escalate (督办) each complaint still awaiting a decision past its deadline to the
    section chief, once. One waiting for material (补正) was handled in time: not overdue.

    Idempotent: the claim is a compare-and-swap on the status and ``escalated_at IS NULL``.
    """
    escalated = []
    waiting = {"status": ComplaintStatus.RECEIVED, "escalated_at__isnull": True}
    for complaint in Complaint.objects.filter(acceptance_due__lt=today, **waiting):
        with transaction.atomic():
            now = clock.now()
            if Complaint.objects.filter(pk=complaint.pk, **waiting).update(escalated_at=now) != 1:
                continue
            complaint.escalated_at = now
            audit_event_record(
                actor=None,
                action="complaint.escalate",
                obj=complaint,
                after={"acceptance_due": complaint.acceptance_due.isoformat()},
            )
            _escalation_notify(
                complaint,
                text=_(
                    "Escalated (督办): complaint %(number)s has no decision; it was due %(due)s."
                )
                % {"number": complaint.number, "due": complaint.acceptance_due.isoformat()},
                due=complaint.acceptance_due,
                key="complaint.escalate",
            )
            escalated.append(complaint)
    return escalated


def _complaint_url(complaint: Complaint) -> str:
    return reverse("intake:complaint_detail", args=[complaint.public_id])


def _escalation_notify(complaint: Complaint, *, text: str, due: dt.date | None, key: str) -> None:
    """Tell the chiefs over the complaint's division, and its officer, after commit."""
    chiefs = staff_covering(perm=Perm.COMPLAINT_ESCALATIONS, division_code=complaint.division_id)
    notification_send_on_commit(
        recipients=[*chiefs, *([complaint.assigned_to] if complaint.assigned_to else [])],
        kind=NotificationKind.ESCALATION,
        text=text,
        url=_complaint_url(complaint),
        due=due,
        subject=complaint,
        dedupe_key=f"{key}:{complaint.pk}",
        actor=None,
    )


# Who hands a complaint to an officer: the chiefs (who approve 立案).
ASSIGNERS = (Perm.CASE_APPROVE,)
# Who may be handed one: the intake desk and the inspectors.
ASSIGNEES = (Perm.COMPLAINT_TRIAGE, Perm.CASE_WORK)


@transaction.atomic
def complaint_assign(*, complaint: Complaint, officer: User, actor: Actor) -> Complaint:
    """Hand a complaint to an officer (an inspector to open and run the case, or an intake
    officer to decide it), who is told; the chief over its division does this."""
    _require_handler(complaint, actor, ASSIGNERS)
    if not any(can(officer, perm) for perm in ASSIGNEES) or (
        complaint.division_id is not None and not covers(officer, complaint.division_id)
    ):
        raise InvalidInput(
            _("%(name)s cannot take this complaint.") % {"name": officer},
            extra={"fields": {"officer": [_("Choose an officer who serves its division.")]}},
        )
    if complaint.status not in {*OPEN_STATUSES, ComplaintStatus.ACCEPTED}:
        raise Conflict(
            _("Complaint %(number)s is already decided; there is nothing to hand over.")
            % {"number": complaint.number},
            code="complaint_decided",
        )
    before = complaint.assigned_to_id
    if before == officer.pk:
        return complaint
    if (
        Complaint.objects.filter(pk=complaint.pk, assigned_to_id=before).update(
            assigned_to=officer, updated_at=clock.now()
        )
        != 1
    ):
        raise Conflict(
            _("Someone else assigned this complaint first; reload it."), code="complaint_conflict"
        )
    complaint.assigned_to = officer
    audit_event_record(
        actor=actor,
        action="complaint.assign",
        obj=complaint,
        before={"assigned_to": str(before) if before else None},
        after={"assigned_to": str(officer.pk)},
    )
    due = complaint.case_due if complaint.status == ComplaintStatus.ACCEPTED else None
    notification_send_on_commit(
        recipients=[officer],
        kind=NotificationKind.ASSIGNED,
        text=_("Complaint %(number)s (%(employer)s) is assigned to you.")
        % {"number": complaint.number, "employer": complaint.employer_name or "—"},
        url=_complaint_url(complaint),
        due=due or complaint.acceptance_due,
        subject=complaint,
        actor=actor,
    )
    return complaint


def complaint_deadlines_recompute(*, actor: Actor) -> list[Complaint]:
    """Recompute the provisional decision deadline of each complaint still awaiting a
    decision, from the same start (``acceptance_due_from``) and the same 5 working days,
    against the calendar as it now stands (a schedule may have been loaded since).

    Run after a schedule is loaded and by the worker. Writes only where the answer
    changed (date or provisional flag), by compare-and-swap on the stored deadline, with
    one audit row each; running it twice changes nothing. A complaint from before the
    start was stored (``acceptance_due_from`` empty) is left as it is.
    """
    calendar = work_calendar()
    changed = []
    waiting = Complaint.objects.filter(
        status__in=OPEN_STATUSES,
        acceptance_due_provisional=True,
        acceptance_due_from__isnull=False,
    )
    for complaint in waiting:
        assert complaint.acceptance_due_from is not None  # the filter says so
        due = workdays_add(
            start=complaint.acceptance_due_from, days=ACCEPTANCE_WORKING_DAYS, calendar=calendar
        )
        if deadline_recount_store(
            obj=complaint,
            field="acceptance_due",
            due=due,
            still={"status__in": OPEN_STATUSES},  # not decided meanwhile
            action="complaint.deadline_recompute",
            actor=actor,
        ):
            changed.append(complaint)
    return changed


def source_system_create(
    *,
    name: str,
    channel: str = "",
    reply_url: str = "",
    scope: str = SourceSystem.Scope.COMPLAINTS,
    actor: Actor,
) -> tuple[SourceSystem, str]:
    """Register an outside system; return it with its API key (shown once, stored hashed).

    ``scope``: ``complaints`` (the default) pushes complaints in ``channel``;
    ``blacklist_feed`` only reads the blacklist's sharing feed and has no channel.
    ``actor`` None is the command line (``qingling source-system``)."""
    if actor is not None and not can(actor, Perm.SOURCE_SYSTEM_MANAGE):
        raise Forbidden(_("You may not manage source systems."))
    if scope not in SourceSystem.Scope.values:
        message = _("Choose what the key may do.")
        raise InvalidInput(message, extra={"fields": {"scope": [message]}})
    if scope == SourceSystem.Scope.COMPLAINTS and not channel:
        message = _("A system that pushes complaints needs its channel.")
        raise InvalidInput(message, extra={"fields": {"channel": [message]}})
    if scope == SourceSystem.Scope.BLACKLIST_FEED and (channel or reply_url):
        message = _("A feed reader pushes nothing: give it no channel and no reply URL.")
        raise InvalidInput(message, extra={"fields": {"channel": [message]}})
    key = f"ql_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        system = SourceSystem(
            name=name,
            scope=scope,
            channel=channel,
            reply_url=reply_url,
            key_digest=hashlib.sha256(key.encode()).hexdigest(),
            key_prefix=key[:8],
        )
        try:
            system.full_clean()
        except ValidationError as error:
            raise InvalidInput.from_validation_error(error) from None
        system.save()
        audit_event_record(
            actor=actor,
            action="source_system.create",
            obj=system,
            after={"name": name, "scope": scope, "channel": channel, "key_prefix": key[:8]},
        )
    return system, key


# --- system channels: validation without storing, file import --------------------------------


def complaint_draft_validate(*, draft: ComplaintDraft, errors: FieldErrors | None = None) -> None:
    """Raise one InvalidInput naming every bad field of the draft and ``errors``; store nothing.

    A channel that found bad fields while reading its input (an amount that is no number)
    calls this so that the answer also names the fields the register service would refuse.
    """
    fields: dict[str, list[str]] = {}
    try:
        _validate(draft)
    except InvalidInput as error:
        fields.update(error.extra.get("fields", {}))
    if errors is not None:
        fields.update(errors.fields)  # the reader's message on a field wins: it saw the raw value
    if fields:
        raise InvalidInput(_("Some fields are not valid."), extra={"fields": fields})


@dataclass(frozen=True)
class ImportFailure:
    line: int
    field: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    duplicates: int = 0
    failed: int = 0
    failures: list[ImportFailure] = dataclasses.field(default_factory=list)


def complaint_import(
    *,
    rows: Iterable[ImportRow],
    channel: str,
    source_system: SourceSystem | None,
    actor: Actor,
    progress: Callable[[int, ImportResult], None] | None = None,
) -> ImportResult:
    """Register every row of an imported file; a bad row is reported and the rest go on.

    Each row is its own transaction (through ``complaint_register``), so a failure loses
    nothing else, and importing the same file again stores nothing twice: the rows carry
    the source system's own numbers.
    """
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), extra={"fields": {"channel": [channel]}})
    _require_registrar(actor, channel)
    result = ImportResult()
    for done, row in enumerate(rows, start=1):
        try:
            if row.problem:
                raise InvalidInput(row.problem, extra={"fields": {"__all__": [row.problem]}})
            order = work_order_draft(row.values)
            if order.errors.fields:
                complaint_draft_validate(draft=order.draft, errors=order.errors)
            registered = complaint_register(
                draft=order.draft,
                channel=channel,
                actor=actor,
                received_at=order.received_at,
                source_system=source_system,
            )
        except InvalidInput as error:
            result.failed += 1
            fields = work_order_fields(error.extra.get("fields") or {"__all__": [error.message]})
            result.failures.extend(
                ImportFailure(row.line, name, message)
                for name, messages in fields.items()
                for message in messages
            )
        else:
            if registered.created:
                result.created += 1
            else:
                result.duplicates += 1
        if progress is not None:
            progress(done, result)
    return result


COMPLAINT_DETAIL_FIELDS = (
    "employer_name",
    "project_name",
    "amount_claimed",
    "headcount",
    "period",
    "employer",
    "project",
)


@transaction.atomic
def complaint_details_update(
    *,
    complaint: Complaint,
    actor: Actor,
    employer_name: str | None = None,
    project_name: str | None = None,
    amount: Decimal | None = None,
    headcount: int | None = None,
    period: str | None = None,
    employer: Organization | None = None,
    project: Project | None = None,
) -> Complaint:
    """Confirm or correct what the complaint is about (e.g. accept the suggestions read
    from its text, or link the employer on file); only the values given change."""
    _require_handler(complaint, actor, _completers(complaint.channel))
    errors = FieldErrors()
    _check_amount_and_headcount(errors, amount=amount, headcount=headcount)
    errors.raise_if_any()
    before = audit_snapshot(complaint, COMPLAINT_DETAIL_FIELDS)
    if employer_name is not None:
        complaint.employer_name = " ".join(employer_name.split())
        complaint.employer_key = block_key(complaint.employer_name) if employer_name else ""
    if project_name is not None:
        complaint.project_name = " ".join(project_name.split())
    if amount is not None:
        complaint.amount_claimed = amount
    if headcount is not None:
        complaint.headcount = headcount
    if period is not None:
        complaint.period = period.strip()
    if employer is not None:
        complaint.employer = employer
    if project is not None:
        complaint.project = project
    complaint.save()
    audit_event_record(
        actor=actor,
        action="complaint.details",
        obj=complaint,
        before=before,
        after=audit_snapshot(complaint, COMPLAINT_DETAIL_FIELDS),
    )
    return complaint


@transaction.atomic
def complaint_evidence_add(
    *, complaint: Complaint, uploads: Sequence[UploadedFile], actor: Actor
) -> list[Attachment]:
    """Add evidence to a complaint already registered (material supplied later, or the
    rest of an inspection's files), checked like evidence sent with it."""
    _require_handler(complaint, actor, _completers(complaint.channel))
    errors = FieldErrors()
    checked = evidence_check(uploads, add_error=errors.add)
    errors.raise_if_any()
    stored = [_attachment_store(complaint, upload, kind) for upload, kind in checked]
    audit_event_record(
        actor=actor,
        action="complaint.evidence_add",
        obj=complaint,
        after={"files": [a.original_name for a in stored]},
    )
    return stored


# --- the public web form: a complaint counts once its mobile number is confirmed ---------

WEB_CODE_PURPOSE = "web_complaint"


def _web_phone(draft: ComplaintDraft) -> str:
    """The mobile number a web draft is confirmed by (the web form needs one, also for an
    anonymous report: the code is the proof that a person stands behind it)."""
    message = _("Enter your mobile number: we text you a code to confirm the complaint.")
    if not draft.phone:
        raise InvalidInput(message, extra={"fields": {"phone": [message]}})
    try:
        return validate_mobile(draft.phone)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], extra={"fields": {"phone": error.messages}}) from None


def web_idempotency_key(*, form_key: str, session_digest: str) -> str:
    """The key a web complaint is stored under: the form's key bound to its browser session,
    so that the form's key replayed from another session finds nothing (and shows no
    receipt)."""
    return hashlib.sha256(f"web\x00{session_digest}\x00{form_key}".encode()).hexdigest()[:64]


def complaint_code_send(
    *, draft: ComplaintDraft, session_digest: str, client_ip: str, check_draft: bool = True
) -> str:
    """Text a one-time code to the draft's mobile number; return the number masked.

    With ``check_draft`` the whole draft is checked first (a form sent without a code),
    so a code is only spent on a complaint that can be stored. Nothing is stored but the
    code (hashed); over the public limits, TooManyRequests.
    """
    if check_draft:
        complaint_draft_validate(draft=draft)
    phone = _web_phone(draft)
    record = phone_code_send(
        purpose=WEB_CODE_PURPOSE,
        subject=phone,
        phone=phone,
        session_digest=session_digest,
        client_ip=client_ip,
    )
    return record.destination


def complaint_register_web(
    *, draft: ComplaintDraft, code: str, session_digest: str, form_key: str
) -> RegisterResult:
    """Register a complaint from the public web form once the code texted to its mobile
    number is typed; the code is used up in the transaction that stores the complaint.

    The same form sent again from the same session returns the complaint already stored.
    """
    key = web_idempotency_key(form_key=form_key, session_digest=session_digest)
    found = _existing(channel=Channel.WEB, source_ref="", idempotency_key=key)
    if found is not None:
        return RegisterResult(found, created=False)
    complaint_draft_validate(draft=draft)
    phone = _web_phone(draft)
    confirmed = phone_code_check(
        purpose=WEB_CODE_PURPOSE, subject=phone, session_digest=session_digest, code=code
    )
    with transaction.atomic():
        if phone_code_use(phone_code=confirmed):
            return complaint_register(
                draft=draft, channel=Channel.WEB, actor=None, idempotency_key=key
            )
    # Another request of this session used the code first: the same form sent twice.
    found = _existing(channel=Channel.WEB, source_ref="", idempotency_key=key)
    if found is not None:
        return RegisterResult(found, created=False)
    message = _("The code has expired or was not sent to this number. Send a new code.")
    raise InvalidInput(message, extra={"fields": {"code": [message]}})


# --- the workers a complaint names -------------------------------------------------------------


@transaction.atomic
def complaint_workers_add(
    *,
    complaint: Complaint,
    entries: Sequence[WorkerEntry],
    actor: Actor,
    source: str = ComplaintWorker.Source.OFFICER,
) -> list[ComplaintWorker]:
    """Add workers a (group) complaint names, all or none: a bad entry is refused with
    every other bad one, by line, and nothing is stored. Once a case is opened its claims
    are the record: add the worker there."""
    _require_handler(complaint, actor, _completers(complaint.channel))
    if complaint.case_opened_on is not None:
        raise Conflict(
            _("A case is open for this complaint: add the worker's claim in case %(case)s.")
            % {"case": complaint.case_number},
            code="complaint_has_case",
        )
    errors = FieldErrors()
    if not entries:
        errors.add("workers", _("Name at least one worker."))
    checked = _workers_check(entries, errors)
    digests = {blind_index(w.id_number, purpose="id_number") for w in checked if w.id_number}
    if digests and (
        already := complaint.workers.filter(id_number_digest__in=digests).values_list(
            "name", flat=True
        )
    ):
        errors.add(
            "workers",
            _("Already named in this complaint: %(names)s.") % {"names": "、".join(already)},
        )
    errors.raise_if_any()
    before = complaint.workers.count()
    _workers_store(complaint, checked, source)
    audit_event_record(
        actor=actor,
        action="complaint.workers_add",
        obj=complaint,
        after={"added": len(checked), "source": source, "named": before + len(checked)},
    )
    return list(complaint.workers.order_by("-id")[: len(checked)])[::-1]


@dataclass(frozen=True)
class SheetRefused:
    line: int
    message: str


def complaint_workers_import(
    *, complaint: Complaint, content: bytes, filename: str, actor: Actor
) -> list[ComplaintWorker]:
    """Add the workers of a sheet (CSV or XLSX: 姓名, 手机号码, 身份证号码, 金额). A sheet with
    a bad row stores nothing; the refusal lists every bad row by line and reason
    (``extra["rows"]``), so that the sheet is corrected and sent again whole."""
    from qingling.intake.channels.worker_sheet import worker_sheet_entries

    _require_handler(complaint, actor, _completers(complaint.channel))
    read_errors = FieldErrors()
    entries = worker_sheet_entries(content, filename=filename, errors=read_errors)
    if read_errors.fields:
        raise InvalidInput(
            _("The sheet has rows that cannot be read; nothing was imported."),
            extra={"fields": {"file": read_errors.fields.get("workers", [])}},
        )
    try:
        return complaint_workers_add(
            complaint=complaint, entries=entries, actor=actor, source=ComplaintWorker.Source.SHEET
        )
    except InvalidInput as error:
        messages = error.extra.get("fields", {}).get("workers", [error.message])
        raise InvalidInput(
            _("The sheet has rows that cannot be used; nothing was imported."),
            extra={"fields": {"file": messages}},
        ) from None


# --- the case opened from a complaint (pushed by the case workflow) -------------------------


@transaction.atomic
def complaint_case_opened(
    *, complaint: Complaint, case_number: str, opened_on: dt.date, actor: Actor
) -> Complaint:
    """Record that a case was opened from the complaint (called by ``cases.services.
    case_open``, in its transaction: intake never reads cases). The complaint leaves the
    chief's "accepted, no case" queue; the complainant is told by SMS."""
    if actor is not None and not can(actor, Perm.CASE_APPROVE):
        raise Forbidden(_("A section chief or the director approves opening a case."))
    Complaint.objects.filter(pk=complaint.pk).update(
        case_number=case_number, case_opened_on=opened_on, updated_at=clock.now()
    )
    complaint.case_number, complaint.case_opened_on = case_number, opened_on
    audit_event_record(
        actor=actor,
        action="complaint.case_opened",
        obj=complaint,
        after={"case": case_number, "opened_on": opened_on.isoformat()},
    )
    _text_worker(
        complaint,
        template="complaint_case_opened",
        dedupe_key=f"complaint:{complaint.pk}:case:{case_number}",
        actor=actor,
        case=case_number,
    )
    return complaint


def complaint_escalate_without_case(*, today: dt.date) -> list[Complaint]:
    """Escalate (督办) to the chief each accepted complaint still without a case after the
    day it was to be opened (若干规定 Art. 18: 立案 on acceptance), once; idempotent."""
    waiting = {
        "status": ComplaintStatus.ACCEPTED,
        "case_opened_on__isnull": True,
        "case_escalated_at__isnull": True,
    }
    escalated = []
    for complaint in Complaint.objects.filter(case_due__lt=today, **waiting):
        with transaction.atomic():
            now = clock.now()
            if (
                Complaint.objects.filter(pk=complaint.pk, **waiting).update(case_escalated_at=now)
                != 1
            ):
                continue
            complaint.case_escalated_at = now
            audit_event_record(
                actor=None,
                action="complaint.escalate_no_case",
                obj=complaint,
                after={"case_due": complaint.case_due.isoformat() if complaint.case_due else None},
            )
            _escalation_notify(
                complaint,
                text=_("Escalated (督办): complaint %(number)s was accepted and still has no case.")
                % {"number": complaint.number},
                due=complaint.case_due,
                key="complaint.escalate_no_case",
            )
            escalated.append(complaint)
    return escalated


# --- the wait for material (补正) ------------------------------------------------------------


def complaint_material_scan(*, today: dt.date) -> dict[str, int]:
    """Remind the complainant once when the reminder day comes; close the complaint as not
    accepted (with its written notice) once the material is overdue. Run by the worker;
    each step is a compare-and-swap, so running it twice does nothing more."""
    counts = {"reminded": 0, "closed": 0}
    waiting = Complaint.objects.filter(status=ComplaintStatus.MORE_MATERIAL)
    for complaint in waiting.filter(material_remind_on__lte=today, material_reminded_at=None):
        with transaction.atomic():
            if (
                Complaint.objects.filter(
                    pk=complaint.pk, status=ComplaintStatus.MORE_MATERIAL, material_reminded_at=None
                ).update(material_reminded_at=clock.now())
                != 1
            ):
                continue
            audit_event_record(
                actor=None,
                action="complaint.material_reminder",
                obj=complaint,
                after={"material_due": str(complaint.material_due)},
            )
            _text_worker(
                complaint,
                template="complaint_material_reminder",
                dedupe_key=f"complaint:{complaint.pk}:material_reminder:{complaint.material_due}",
                actor=None,
                due=str(complaint.material_due),
            )
            counts["reminded"] += 1
    for complaint in waiting.filter(material_due__lt=today):
        try:
            with transaction.atomic():
                _transition(
                    complaint=complaint,
                    to=ComplaintStatus.NOT_ACCEPTED,
                    actor=None,
                    decision_reason=NotAcceptedReason.NO_MATERIAL,
                )
        except Conflict:
            continue  # decided meanwhile
        counts["closed"] += 1
    return counts


# --- written notices -------------------------------------------------------------------------


@transaction.atomic
def notice_files_make(*, notice: Notice) -> Notice:
    """Make the notice's DOCX and PDF from its fixed wording, the first time it is opened,
    and keep them with their SHA-256; later calls return the stored files. Locked, so two
    first downloads make one file."""
    from django.core.files.base import ContentFile

    from qingling.intake.notices import notice_docx, notice_pdf

    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.docx and notice.pdf:
        return notice
    data = notice_docx(notice.body)
    pdf = notice_pdf(notice.body)
    notice.docx.save(f"{notice.number}.docx", ContentFile(data), save=False)
    notice.docx_sha256 = hashlib.sha256(data).hexdigest()
    notice.pdf.save(f"{notice.number}.pdf", ContentFile(pdf), save=False)
    notice.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    notice.save(update_fields=["docx", "docx_sha256", "pdf", "pdf_sha256", "updated_at"])
    audit_event_record(
        actor=None,
        action="notice.files",
        obj=notice.complaint,
        after={
            "number": notice.number,
            "docx_sha256": notice.docx_sha256,
            "pdf_sha256": notice.pdf_sha256,
        },
    )
    return notice


# --- settlement without a case (协调解决) ------------------------------------------------------


SETTLE_FROM = (ComplaintStatus.RECEIVED, ComplaintStatus.MORE_MATERIAL, ComplaintStatus.ACCEPTED)


@transaction.atomic
def complaint_settle(
    *,
    complaint: Complaint,
    contacted: str,
    contacted_on: dt.date | None,
    agreed: str,
    lines: Sequence[SettlementLine],
    proof: UploadedFile | None,
    worker_confirmed: bool,
    confirmation_note: str,
    actor: Actor,
) -> Settlement:
    """Close a complaint as settled without a case (协调解决): the employer paid after the
    bureau's call. Who was contacted, what was agreed, each payment (to whom, how much,
    when), the proof of payment and the worker's confirmation are all required; a bad field
    refuses the whole, naming each one, and nothing is written. The source system gets its
    reply; the complainant a text."""
    _require_handler(complaint, actor, TRIAGE)
    if complaint.status not in SETTLE_FROM or complaint.case_opened_on is not None:
        raise Conflict(
            _("A complaint that is %(status)s cannot be settled without a case.")
            % {"status": complaint.get_status_display()},
            code="complaint_transition_not_allowed",
        )
    today = clock.local_today()
    errors = FieldErrors()
    if not contacted.strip():
        errors.add("contacted", _("Say who at the employer was contacted."))
    if contacted_on is None or contacted_on > today:
        errors.add("contacted_on", _("Give the day of the contact, not in the future."))
    if not agreed.strip():
        errors.add("agreed", _("Say what was agreed."))
    if not lines:
        errors.add("payments", _("Record at least one payment: to whom, how much, when."))
    workers = set(complaint.workers.values_list("pk", flat=True))
    for number, line in enumerate(lines, start=1):
        if not line.payee.strip():
            errors.add("payments", _("Payment %(n)d: say to whom.") % {"n": number})
        if line.amount is None or line.amount <= 0:
            errors.add(
                "payments", _("Payment %(n)d: the amount must be more than 0.") % {"n": number}
            )
        elif line.amount.as_tuple().exponent < -2 or line.amount >= MAX_AMOUNT:  # type: ignore[operator]
            errors.add(
                "payments", _("Payment %(n)d: at most two decimal places (fen).") % {"n": number}
            )
        if line.paid_on is None or line.paid_on > today:
            errors.add(
                "payments",
                _("Payment %(n)d: give the day paid, not in the future.") % {"n": number},
            )
        if line.worker is not None and line.worker not in workers:
            errors.add(
                "payments", _("Payment %(n)d: not a worker of this complaint.") % {"n": number}
            )
    checked = []
    if proof is None:
        errors.add("proof", _("Attach the proof of payment (a bank slip, a signed receipt)."))
    else:
        checked = evidence_check([proof], add_error=errors.add, field="proof")
    if not worker_confirmed:
        errors.add("worker_confirmed", _("The worker must confirm the money arrived."))
    if worker_confirmed and not confirmation_note.strip():
        errors.add("confirmation_note", _("Say how the worker confirmed (a call, a signature)."))
    errors.raise_if_any()
    assert proof is not None and checked and contacted_on is not None
    upload, kind = checked[0]
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    total = sum((line.amount for line in lines if line.amount is not None), Decimal(0)).quantize(
        Decimal("0.01")
    )
    settlement = Settlement(
        complaint=complaint,
        contacted=contacted.strip()[:200],
        contacted_on=contacted_on,
        agreed=agreed.strip(),
        worker_confirmed=True,
        confirmation_note=confirmation_note.strip()[:200],
        proof_name=(upload.name or "")[:200],
        proof_content_type=kind,
        proof_sha256=digest.hexdigest(),
        total=total,
        settled_on=today,
        recorded_by_id=actor.pk if actor is not None else None,
    )
    _transition(complaint=complaint, to=ComplaintStatus.SETTLED, actor=actor)
    settlement.proof.save(f"{digest.hexdigest()[:32]}{EXTENSIONS[kind]}", upload, save=False)
    settlement.save()
    SettlementPayment.objects.bulk_create(
        [
            SettlementPayment(
                settlement=settlement,
                payee=line.payee.strip()[:50],
                worker_id=line.worker,
                amount=line.amount,
                paid_on=line.paid_on,
            )
            for line in lines
            if line.amount is not None and line.paid_on is not None  # checked above
        ]
    )
    audit_event_record(
        actor=actor,
        action="complaint.settle",
        obj=complaint,
        after={
            "total": str(total),
            "payments": len(lines),
            "contacted_on": str(contacted_on),
            "proof_sha256": settlement.proof_sha256,
        },
    )
    _callback_start(complaint, actor=actor)
    system = complaint.source_system
    if system is not None and system.reply_url:
        now = clock.now()
        Complaint.objects.filter(pk=complaint.pk).update(replied_at=now)
        complaint.replied_at = now
        outbox_enqueue(
            gateway="webhook",
            destination=system.reply_url,
            subject=complaint,
            actor=actor,
            dedupe_key=f"complaint:{complaint.pk}:settled",
            payload={
                "source_ref": complaint.source_ref,
                "number": complaint.number,
                "status": complaint.status,
                "reply": _("Settled: the employer paid %(total)s yuan to the workers.")
                % {"total": total},
                "settlement": {"total": str(total), "settled_on": today.isoformat()},
                "replied_at": now.isoformat(),
            },
        )
    return settlement


# --- the callback (回访) after the end ---------------------------------------------------------


def _public_url(path: str) -> str:
    return str(settings.QINGLING_PUBLIC_URL).rstrip("/") + path


def _callback_start(complaint: Complaint, *, actor: Actor) -> Callback | None:
    """Ask the worker, once, whether the money arrived and how satisfied they are: a text
    with the link to the one-question page (no mobile: staff call instead and log it)."""
    from qingling.intake.selectors import callback_path

    if complaint.anonymous:
        return None
    callback, created = Callback.objects.get_or_create(
        complaint=complaint, defaults={"sent_at": clock.now()}
    )
    if not created:
        return callback
    audit_event_record(actor=actor, action="complaint.callback_start", obj=complaint, after={})
    _text_worker(
        complaint,
        template="complaint_callback",
        dedupe_key=f"complaint:{complaint.pk}:callback",
        actor=actor,
        status=complaint.status,
        case=complaint.case_number,
        url=_public_url(callback_path(callback)),
    )
    return callback


@transaction.atomic
def complaint_case_closed(*, complaint: Complaint, closed_on: dt.date, actor: Actor) -> Complaint:
    """Record that the case opened from the complaint was closed (called by ``cases.
    services.case_transition``): the worker is told, and asked the callback question."""
    if actor is not None and not can(actor, Perm.CASE_APPROVE):
        raise Forbidden(_("A section chief or the director closes a case."))
    Complaint.objects.filter(pk=complaint.pk).update(
        case_closed_on=closed_on, updated_at=clock.now()
    )
    complaint.case_closed_on = closed_on
    audit_event_record(
        actor=actor,
        action="complaint.case_closed",
        obj=complaint,
        after={"case": complaint.case_number, "closed_on": closed_on.isoformat()},
    )
    _callback_start(complaint, actor=actor)
    return complaint


SATISFIED = (Callback.Satisfaction.SATISFIED, Callback.Satisfaction.BASIC)


@transaction.atomic
def callback_answer(
    *,
    callback: Callback,
    money_received: bool | None,
    satisfaction: str,
    note: str = "",
    actor: Actor,
) -> Callback:
    """Keep the worker's answer, once: by the link (``actor`` None) or in a call logged by
    staff. "Money not received" reopens the matter on the chief's queue; the source
    system gets the result in a reply. A second answer is refused, nothing changed."""
    complaint = callback.complaint
    if actor is not None:
        _require_handler(complaint, actor, TRIAGE)
    errors = FieldErrors()
    if money_received is None:
        errors.add("money_received", _("Say whether the money arrived."))
    if satisfaction not in Callback.Satisfaction.values:
        errors.add("satisfaction", _("Choose how satisfied the worker is."))
    errors.raise_if_any()
    now = clock.now()
    how = Callback.How.LINK if actor is None else Callback.How.CALL
    answered = Callback.objects.filter(pk=callback.pk, answered_at__isnull=True).update(
        answered_at=now,
        how=how,
        money_received=money_received,
        satisfaction=satisfaction,
        note=note.strip()[:2000],
        answered_by_id=actor.pk if actor is not None else None,
        updated_at=now,
    )
    if answered != 1:
        message = _("This callback was answered already; an answer is kept once.")
        raise Conflict(message, code="callback_answered", extra={"fields": {"__all__": [message]}})
    callback.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="complaint.callback_answer",
        obj=complaint,
        after={"how": how, "money_received": money_received, "satisfaction": satisfaction},
    )
    if money_received is False:
        Complaint.objects.filter(pk=complaint.pk).update(
            reopened_at=now, reopen_handled_at=None, updated_at=now
        )
        complaint.reopened_at = now
        audit_event_record(
            actor=actor, action="complaint.reopen", obj=complaint, after={"after": "callback"}
        )
    system = complaint.source_system
    if system is not None and system.reply_url:
        outbox_enqueue(
            gateway="webhook",
            destination=system.reply_url,
            subject=complaint,
            actor=actor,
            dedupe_key=f"complaint:{complaint.pk}:callback_answer",
            payload={
                "source_ref": complaint.source_ref,
                "number": complaint.number,
                "status": complaint.status,
                "callback": {
                    "money_received": money_received,
                    "satisfaction": satisfaction,
                    "answered_at": now.isoformat(),
                },
            },
        )
    return callback


@transaction.atomic
def complaint_reopen_handle(*, complaint: Complaint, note: str, actor: Actor) -> Complaint:
    """The chief records what was done about money the callback said did not arrive; the
    complaint leaves the queue."""
    _require_handler(complaint, actor, (Perm.COMPLAINT_ESCALATIONS, Perm.CASE_APPROVE))
    if not note.strip():
        raise InvalidInput(_("Say what was done."), extra={"fields": {"note": [_("Required.")]}})
    now = clock.now()
    if (
        Complaint.objects.filter(
            pk=complaint.pk, reopened_at__isnull=False, reopen_handled_at__isnull=True
        ).update(reopen_handled_at=now, reopen_note=note.strip(), updated_at=now)
        != 1
    ):
        raise Conflict(_("Nothing is reopened on this complaint."), code="complaint_conflict")
    complaint.refresh_from_db()
    audit_event_record(
        actor=actor, action="complaint.reopen_handled", obj=complaint, after={}, reason=note
    )
    return complaint


def complaint_payment_notify(
    *, complaint: Complaint, amount: Decimal, paid_on: dt.date, actor: Actor
) -> None:
    """Text the worker who filed the complaint that money was paid to them in its case
    (called by ``cases.services.payment_record`` in its transaction). Only the number
    given with the complaint is texted: workers named by someone else gave no consent."""
    _text_worker(
        complaint,
        template="complaint_paid",
        dedupe_key=f"complaint:{complaint.pk}:paid:{clock.now().timestamp()}:{amount}",
        actor=actor,
        case=complaint.case_number,
        amount=str(amount),
        paid_on=paid_on.isoformat(),
    )


@transaction.atomic
def complaint_export_record(
    *, actor: User, filters: dict[str, Any], rows: int, file_format: str
) -> None:
    """Audit an export of the complaint list (its filters, its row count, XLSX or CSV): the
    export carries names and masked phone numbers of complainants (docs/intake.md)."""
    audit_event_record(
        actor=actor,
        action="complaint.export",
        obj=actor,
        after={"filters": filters, "rows": rows, "format": file_format},
    )
