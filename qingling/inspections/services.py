"""Writes for inspections: campaigns and their targets, planning and recording a site
visit (two inspectors at least), its evidence, and what becomes of each finding.

Every write is one transaction with one audit row on the object it changes; a finding
moves by compare-and-swap on the status the caller saw, so two inspectors cannot act on
it twice.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can, covers
from qingling.cases.models import Case
from qingling.cases.services import case_open
from qingling.core import clock
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import Division
from qingling.core.selectors import work_calendar, workdays_add
from qingling.core.services import (
    Actor,
    audit_event_record,
    audit_snapshot,
    deadline_recount_store,
    status_compare_and_swap,
)
from qingling.core.transitions import Transition
from qingling.core.uploads import EXTENSIONS, evidence_check
from qingling.inspections.checklist import CheckItem, CheckResult, article_for
from qingling.inspections.lifecycle import FindingStatus, StepActor, transition_for
from qingling.inspections.models import (
    Campaign,
    CampaignTarget,
    CheckEntry,
    Evidence,
    Finding,
    Inspection,
    InspectionInspector,
    SpotPayment,
)
from qingling.intake.channels.base import ComplaintDraft, FieldErrors
from qingling.intake.lifecycle import OPEN_STATUSES, ComplaintStatus
from qingling.intake.models import Channel, Complaint
from qingling.intake.services import (
    complaint_accept,
    complaint_details_update,
    complaint_evidence_add,
    complaint_register,
)
from qingling.parties.models import Organization, Project, ProjectParty

MIN_INSPECTORS = 2  # 劳动保障监察条例 Art. 16
MAX_CORRECTION_WORKING_DAYS = 60
MAX_SPOT_AMOUNT = Decimal(100_000_000)
INSPECTION_AUDIT_FIELDS = ("status", "project", "campaign", "planned_on", "done_on", "place")
FINDING_AUDIT_FIELDS = (
    "status",
    "item",
    "article",
    "respondent",
    "correction_due",
    "corrected_on",
    "complaint",
    "case",
)


# --- who may ----------------------------------------------------------------------------------


def _require_worker(actor: Actor, division: Division) -> None:
    if not (can(actor, Perm.INSPECTION_WORK) and covers(actor, division.code)):
        raise Forbidden(
            _("You may not record inspections in %(division)s.") % {"division": division.name}
        )


def _check_team(inspectors: Iterable[User], division: Division) -> list[User]:
    """At least two distinct inspectors, each of this jurisdiction (监察条例 Art. 16)."""
    team = list({user.pk: user for user in inspectors}.values())
    if len(team) < MIN_INSPECTORS:
        raise InvalidInput(
            _("An inspection needs at least two inspectors (监察条例 Art. 16)."),
            extra={"fields": {"inspectors": [_("Choose at least two inspectors.")]}},
        )
    for user in team:
        if not (can(user, Perm.INSPECTION_WORK) and covers(user, division.code)):
            raise InvalidInput(
                _("%(name)s is not an inspector of %(division)s.")
                % {"name": user, "division": division.name},
                extra={"fields": {"inspectors": [_("Choose inspectors of this jurisdiction.")]}},
            )
    return team


# --- campaigns --------------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def campaign_target_candidates(
    *, division: Division, open_complaints: bool = False, not_inspected_months: int | None = None
) -> list[Project]:
    """Projects in the division, optionally only those with complaints still handled and
    those not inspected in the last N months."""
    projects = Project.objects.filter(division__code__startswith=division.prefix)
    if open_complaints:
        handled = [*OPEN_STATUSES, ComplaintStatus.ACCEPTED]
        projects = projects.filter(
            pk__in=Complaint.objects.filter(status__in=handled, project__isnull=False).values(
                "project"
            )
        )
    if not_inspected_months:
        since = months_before(clock.local_today(), not_inspected_months)
        projects = projects.exclude(
            pk__in=Inspection.objects.filter(
                status=Inspection.Status.DONE, done_on__gte=since
            ).values("project")
        )
    return list(projects.order_by("division_id", "name", "id"))


@transaction.atomic
def campaign_create(
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    division: Division,
    open_complaints: bool = False,
    not_inspected_months: int | None = None,
    actor: Actor,
) -> Campaign:
    """Start a campaign (专项行动) whose targets are the projects the filters choose now."""
    if not (can(actor, Perm.CAMPAIGN_MANAGE) and covers(actor, division.code)):
        raise Forbidden(_("A section chief or the director plans campaigns in their area."))
    errors = FieldErrors()
    name = " ".join(name.split())
    if not name:
        errors.add("name", _("Name the campaign."))
    if ends_on < starts_on:
        errors.add("ends_on", _("The campaign ends before it starts."))
    if not_inspected_months is not None and not 1 <= not_inspected_months <= 120:
        errors.add("not_inspected_months", _("Between 1 and 120 months."))
    errors.raise_if_any()
    campaign = Campaign.objects.create(
        name=name[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        division=division,
        criteria={
            "division": division.code,
            "open_complaints": open_complaints,
            "not_inspected_months": not_inspected_months,
        },
        created_by=actor if isinstance(actor, User) else None,
    )
    targets = campaign_target_candidates(
        division=division,
        open_complaints=open_complaints,
        not_inspected_months=not_inspected_months,
    )
    CampaignTarget.objects.bulk_create(
        CampaignTarget(campaign=campaign, project=project) for project in targets
    )
    audit_event_record(
        actor=actor,
        action="campaign.create",
        obj=campaign,
        after={
            **audit_snapshot(campaign, ("name", "starts_on", "ends_on", "division", "criteria")),
            "targets": len(targets),
        },
    )
    return campaign


# --- inspections ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordResult:
    inspection: Inspection
    created: bool


def _check_campaign(campaign: Campaign | None, project: Project) -> None:
    if campaign is not None and not project.division_id.startswith(campaign.division.prefix):
        raise InvalidInput(
            _("The project is outside the campaign's area."),
            extra={"fields": {"campaign": [_("Choose another campaign.")]}},
        )


@transaction.atomic
def inspection_plan(
    *,
    project: Project,
    inspectors: Iterable[User],
    planned_on: dt.date,
    campaign: Campaign | None = None,
    actor: Actor,
) -> Inspection:
    """Plan a visit: the team of two or more and the day."""
    division = project.division
    _require_worker(actor, division)
    team = _check_team(inspectors, division)
    _check_campaign(campaign, project)
    if planned_on < clock.local_today():
        raise InvalidInput(
            _("Plan a visit for today or later."),
            extra={"fields": {"planned_on": [_("Today or later.")]}},
        )
    inspection = Inspection.objects.create(
        project=project,
        division=division,
        campaign=campaign,
        planned_on=planned_on,
        created_by=actor if isinstance(actor, User) else None,
    )
    InspectionInspector.objects.bulk_create(
        InspectionInspector(inspection=inspection, inspector=user) for user in team
    )
    audit_event_record(
        actor=actor,
        action="inspection.plan",
        obj=inspection,
        after={
            **audit_snapshot(inspection, INSPECTION_AUDIT_FIELDS),
            "inspectors": [str(u) for u in team],
        },
    )
    return inspection


def _check_uploads(
    uploads: Sequence[UploadedFile], errors: FieldErrors
) -> list[tuple[UploadedFile, str]]:
    return evidence_check(uploads, add_error=errors.add)


def _evidence_store(
    inspection: Inspection, upload: UploadedFile, kind: str, finding: Finding | None = None
) -> Evidence:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        inspection=inspection,
        finding=finding,
        original_name=(upload.name or "")[:200],
        content_type=kind,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
    )
    evidence.file.save(f"{digest.hexdigest()[:32]}{EXTENSIONS[kind]}", upload, save=False)
    evidence.save()
    return evidence


def _general_contractor(project: Project) -> Organization | None:
    party = (
        ProjectParty.objects.filter(project=project, role=ProjectParty.Role.GENERAL_CONTRACTOR)
        .select_related("organization")
        .first()
    )
    return party.organization if party is not None else None


def inspection_record(
    *,
    project: Project,
    inspectors: Iterable[User],
    done_on: dt.date,
    checks: Mapping[str, tuple[str, str]],
    actor: Actor,
    uploads: Sequence[UploadedFile] = (),
    campaign: Campaign | None = None,
    planned: Inspection | None = None,
    place: str = "",
    summary: str = "",
    respondent: Organization | None = None,
    idempotency_key: str = "",
) -> RecordResult:
    """Record a visit done: the team, the day, the Art. 39 checklist and the evidence.

    Each item found in violation becomes a finding citing its article, against
    ``respondent`` (by default the project's general contractor). A planned visit is
    completed in place. The same idempotency key returns the inspection already stored,
    so a form sent twice (a double tap, a resubmission after the network came back)
    makes one inspection.
    """
    if idempotency_key:
        found = Inspection.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            return RecordResult(found, created=False)
    division = project.division
    _require_worker(actor, division)
    team = _check_team(inspectors, division)
    _check_campaign(campaign, project)
    errors = FieldErrors()
    if done_on > clock.local_today():
        errors.add("done_on", _("An inspection cannot be recorded before it happens."))
    for item in CheckItem.values:
        result = checks.get(item, ("", ""))[0]
        if result not in CheckResult.values:
            errors.add(f"check_{item}", _("Choose in order, violation or not applicable."))
    unknown = set(checks) - set(CheckItem.values)
    if unknown:
        errors.add("__all__", _("Unknown checklist items: %(items)s") % {"items": sorted(unknown)})
    if planned is not None and (
        planned.status != Inspection.Status.PLANNED or planned.project_id != project.pk
    ):
        errors.add("__all__", _("This planned inspection cannot be completed here."))
    checked_uploads = _check_uploads(uploads, errors)
    errors.raise_if_any()
    respondent = respondent or _general_contractor(project)
    try:
        with transaction.atomic():
            if planned is not None:
                moved = Inspection.objects.filter(
                    pk=planned.pk, status=Inspection.Status.PLANNED
                ).update(status=Inspection.Status.DONE, done_on=done_on, updated_at=clock.now())
                if moved != 1:
                    raise Conflict(
                        _("Someone else recorded this inspection first; reload it."),
                        code="inspection_conflict",
                    )
                inspection = Inspection.objects.get(pk=planned.pk)
                inspection.place = place.strip()[:200]
                inspection.summary = summary.strip()
                inspection.idempotency_key = idempotency_key
                inspection.campaign = campaign or inspection.campaign
                inspection.save()
                inspection.team.all().delete()
            else:
                inspection = Inspection.objects.create(
                    project=project,
                    division=division,
                    campaign=campaign,
                    status=Inspection.Status.DONE,
                    done_on=done_on,
                    place=place.strip()[:200],
                    summary=summary.strip(),
                    idempotency_key=idempotency_key,
                    created_by=actor if isinstance(actor, User) else None,
                )
            InspectionInspector.objects.bulk_create(
                InspectionInspector(inspection=inspection, inspector=user) for user in team
            )
            findings = []
            for item in CheckItem.values:
                result, note = checks[item]
                note = note.strip()[:500]
                CheckEntry.objects.create(
                    inspection=inspection, item=item, result=result, note=note
                )
                if result == CheckResult.VIOLATION:
                    findings.append(
                        Finding.objects.create(
                            inspection=inspection,
                            item=item,
                            article=article_for(item),
                            description=note or str(CheckItem(item).label),
                            respondent=respondent,
                        )
                    )
            for upload, kind in checked_uploads:
                _evidence_store(inspection, upload, kind)
            audit_event_record(
                actor=actor,
                action="inspection.record",
                obj=inspection,
                after={
                    **audit_snapshot(inspection, INSPECTION_AUDIT_FIELDS),
                    "inspectors": [str(u) for u in team],
                    "violations": [f.item for f in findings],
                    "evidence": len(checked_uploads),
                },
            )
    except IntegrityError:
        found = (
            Inspection.objects.filter(idempotency_key=idempotency_key).first()
            if idempotency_key
            else None
        )
        if found is None:
            raise
        return RecordResult(found, created=False)
    return RecordResult(inspection, created=True)


@transaction.atomic
def evidence_add(
    *,
    inspection: Inspection,
    uploads: Sequence[UploadedFile],
    finding: Finding | None = None,
    actor: Actor,
) -> list[Evidence]:
    """Add photos or files to an inspection, or to one of its findings."""
    _require_worker(actor, inspection.division)
    if finding is not None and finding.inspection_id != inspection.pk:
        raise InvalidInput(_("The finding belongs to another inspection."))
    errors = FieldErrors()
    if not uploads:
        errors.add("evidence", _("Choose a photo or a file."))
    checked = _check_uploads(uploads, errors)
    errors.raise_if_any()
    stored = [_evidence_store(inspection, upload, kind, finding) for upload, kind in checked]
    audit_event_record(
        actor=actor,
        action="inspection.evidence_add",
        obj=inspection,
        after={
            "files": [e.original_name for e in stored],
            "finding": finding.pk if finding else None,
        },
    )
    return stored


# --- findings: the one transition service ----------------------------------------------------


class TransitionNotAllowed(Conflict):
    """The table has no step from the finding's status to the status asked for."""

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message, code="finding_transition_not_allowed", extra=extra)


@dataclass(frozen=True)
class SpotPaymentLine:
    payee_name: str
    amount: Decimal


def finding_step_actors(finding: Finding, actor: Actor) -> frozenset[str]:
    """Which step-actors of the transition table ``actor`` is for this finding."""
    area = finding.inspection.division_id
    found = set()
    if can(actor, Perm.INSPECTION_WORK) and covers(actor, area):
        found.add(StepActor.INSPECTOR)
    if can(actor, Perm.CASE_APPROVE) and covers(actor, area):
        found.add(StepActor.CHIEF)
    return frozenset(found)


def _guard_correction_described(finding: Finding, note: str, details: dict[str, Any]) -> None:
    """On the spot: what was paid to whom (each line a name and an amount in yuan and
    fen), or how the violation was corrected."""
    payments: Sequence[SpotPaymentLine] = details.get("payments", ())
    errors = FieldErrors()
    if not payments and not note:
        errors.add("note", _("Say what was paid to whom, or how the violation was corrected."))
    for line in payments:
        if not line.payee_name.strip():
            errors.add("payments", _("Name each person paid."))
        if not Decimal(0) < line.amount < MAX_SPOT_AMOUNT or line.amount.as_tuple().exponent < -2:  # type: ignore[operator]
            errors.add("payments", _("Each amount must be positive, in yuan and fen."))
    errors.raise_if_any()


def _guard_note_given(finding: Finding, note: str, details: dict[str, Any]) -> None:
    if not note:
        raise InvalidInput(
            _("Say how the violation was corrected."), extra={"fields": {"note": [_("Required.")]}}
        )


def _guard_deadline_in_range(finding: Finding, note: str, details: dict[str, Any]) -> None:
    working_days = details.get("working_days")
    if not isinstance(working_days, int) or not 1 <= working_days <= MAX_CORRECTION_WORKING_DAYS:
        raise InvalidInput(
            _("Between 1 and %(n)d working days.") % {"n": MAX_CORRECTION_WORKING_DAYS},
            extra={"fields": {"working_days": [_("Out of range.")]}},
        )


def _guard_respondent_named(finding: Finding, note: str, details: dict[str, Any]) -> None:
    if finding.respondent is None:
        raise InvalidInput(
            _("Name the responsible organization before opening a case."),
            extra={"fields": {"respondent": [_("Required.")]}},
        )


GUARDS: dict[str, Callable[[Finding, str, dict[str, Any]], None]] = {
    "correction_described": _guard_correction_described,
    "note_given": _guard_note_given,
    "deadline_in_range": _guard_deadline_in_range,
    "respondent_named": _guard_respondent_named,
}


def _step_check(finding: Finding, target: str, actor: Actor) -> Transition:
    step = transition_for(finding.status, target)
    if step is None:
        raise TransitionNotAllowed(
            _("A finding that is %(status)s cannot become %(target)s.")
            % {"status": finding.get_status_display(), "target": FindingStatus(target).label},
            extra={"status": finding.status, "target": target},
        )
    if step.actor not in finding_step_actors(finding, actor):
        who = StepActor(step.actor).label
        raise Forbidden(_("Only %(who)s may take this step.") % {"who": who})
    return step


def _step_effects(
    finding: Finding, target: str, actor: Actor, note: str, details: dict[str, Any]
) -> dict[str, Any]:
    """Do what the step brings and return the finding's fields it sets."""
    if target == FindingStatus.CORRECTED_ON_SPOT:
        SpotPayment.objects.bulk_create(
            SpotPayment(
                finding=finding,
                payee_name=" ".join(line.payee_name.split())[:50],
                amount=line.amount,
                payer=finding.respondent,
            )
            for line in details.get("payments", ())
        )
        corrected_on = finding.inspection.done_on or clock.local_today()
        return {"corrected_on": corrected_on, "correction_note": note}
    if target == FindingStatus.DEADLINE:
        today = clock.local_today()
        due = workdays_add(start=today, days=details["working_days"])
        return {
            "correction_due": due.date,
            "correction_due_provisional": due.provisional,
            # what the deadline was counted from, so a schedule loaded later recounts it
            "correction_due_from": today,
            "correction_working_days": details["working_days"],
            "overdue_at": None,
        }
    if target == FindingStatus.CORRECTED:
        return {"corrected_on": clock.local_today(), "correction_note": note}
    if target == FindingStatus.COMPLAINT:
        return {"complaint": _complaint_from_finding(finding, actor=actor)}
    if target == FindingStatus.CASE:
        complaint, case = _case_from_finding(
            finding, actor=actor, lead=details.get("lead"), summary=details.get("summary", "")
        )
        return {"complaint": complaint, "case": case}
    raise AssertionError(f"no effects for {target}")  # pragma: no cover


@transaction.atomic
def finding_transition(
    *, finding: Finding, target: str, actor: Actor, note: str = "", **details: Any
) -> Finding:
    """Move a finding along the table: who may, the guards, what the step brings, then a
    compare-and-swap on the status the caller saw and an audit row.

    ``details``: ``payments`` (SpotPaymentLine) on the spot; ``working_days`` for a
    deadline; ``lead`` and ``summary`` for a case. ``note``: how it was corrected (kept
    on the finding), or why a deadline was set; every note is the audit row's reason.
    """
    step = _step_check(finding, target, actor)
    note = note.strip()
    if step.guard:
        GUARDS[step.guard](finding, note, details)
    conflict = Conflict(
        _("Someone else acted on this finding first; reload it."), code="finding_conflict"
    )
    # Before the complaint or the case is made for it: a stale copy stops here (and the
    # row is locked on PostgreSQL); the compare-and-swap below still decides a race.
    if (
        not Finding.objects.select_for_update()
        .filter(pk=finding.pk, status=finding.status)
        .exists()
    ):
        raise conflict
    values = _step_effects(finding, target, actor, note, details)
    status_compare_and_swap(
        obj=finding,
        values={"status": target, "updated_at": clock.now(), **values},
        conflict=conflict,
        actor=actor,
        action=f"finding.{target}",
        audit_fields=FINDING_AUDIT_FIELDS,
        reason=note,
    )
    return finding


def finding_correct_on_spot(
    *,
    finding: Finding,
    payments: Sequence[SpotPaymentLine] = (),
    note: str = "",
    actor: Actor,
) -> Finding:
    """Corrected on the spot (当场纠正, 监察条例 Art. 15): what was paid to whom, or how."""
    return finding_transition(
        finding=finding,
        target=FindingStatus.CORRECTED_ON_SPOT,
        actor=actor,
        note=note,
        payments=list(payments),
    )


def finding_deadline_set(
    *, finding: Finding, working_days: int, note: str = "", actor: Actor
) -> Finding:
    """Order correction by a deadline (限期整改) counted in working days from today."""
    return finding_transition(
        finding=finding,
        target=FindingStatus.DEADLINE,
        actor=actor,
        note=note,
        working_days=working_days,
    )


def finding_corrected(*, finding: Finding, note: str, actor: Actor) -> Finding:
    """The violation was corrected after a deadline was set (also late: the date says so)."""
    return finding_transition(
        finding=finding, target=FindingStatus.CORRECTED, actor=actor, note=note
    )


def finding_evidence(finding: Finding) -> list[Evidence]:
    """The finding's own evidence and the inspection's evidence tied to no finding."""
    return list(
        Evidence.objects.filter(inspection_id=finding.inspection_id).filter(
            Q(finding=finding) | Q(finding__isnull=True)
        )
    )


def _complaint_from_finding(finding: Finding, *, actor: Actor) -> Complaint:
    """Register a complaint of channel ``inspection`` for the finding, with its evidence
    copied as the complaint's attachments (intake checks and stores them); the same
    finding always gives the same complaint (its idempotency key)."""
    inspection = finding.inspection
    project = inspection.project
    respondent = finding.respondent
    evidence = list(finding_evidence(finding))
    files = [
        UploadedFile(
            file=item.file.open("rb"),
            name=item.original_name,
            content_type=item.content_type,
            size=item.size,
        )
        for item in evidence
    ]
    try:
        registered = complaint_register(
            draft=ComplaintDraft(
                kind=Complaint.Kind.REPORT,
                anonymous=True,  # the bureau itself reports; there is no informant to name
                employer_name=respondent.name if respondent else "",
                project_name=project.name,
                division_code=inspection.division_id,
                narrative=_(
                    "Found on inspection of %(project)s on %(date)s by %(team)s: "
                    "%(article)s, %(description)s"
                )
                % {
                    "project": project.name,
                    "date": inspection.done_on,
                    "team": "、".join(
                        str(row.inspector) for row in inspection.team.select_related("inspector")
                    ),
                    "article": finding.article,
                    "description": finding.description,
                },
                uploads=files[: settings.QINGLING_UPLOAD_MAX_FILES],
            ),
            channel=Channel.INSPECTION,
            actor=actor,
            idempotency_key=f"finding:{finding.public_id}",
        )
        complaint = registered.complaint
        rest = files[settings.QINGLING_UPLOAD_MAX_FILES :]
        if registered.created:  # every file comes along, in batches the upload limit allows
            for start in range(0, len(rest), settings.QINGLING_UPLOAD_MAX_FILES):
                complaint_evidence_add(
                    complaint=complaint,
                    uploads=rest[start : start + settings.QINGLING_UPLOAD_MAX_FILES],
                    actor=actor,
                )
    finally:
        for upload in files:
            upload.close()
    if registered.created:
        complaint = complaint_details_update(
            complaint=complaint, employer=respondent, project=project, actor=actor
        )
    return complaint


def finding_to_complaint(*, finding: Finding, actor: Actor) -> Finding:
    """Turn the finding into a complaint (channel inspection) for triage, with its evidence."""
    return finding_transition(finding=finding, target=FindingStatus.COMPLAINT, actor=actor)


def finding_to_case(
    *, finding: Finding, actor: Actor, lead: User | None = None, summary: str = ""
) -> Case:
    """Turn the finding into a case in one action, by a chief who approves the opening.

    The path is the lawful one: a complaint of channel ``inspection`` (the finding's own,
    if it was already turned into one) carrying the evidence as attachments, accepted,
    and a case opened from it the same day (若干规定 Art. 18) against the responsible
    organization, with the inspection's team as its inspectors (``lead`` or the first).
    """
    finding = finding_transition(
        finding=finding, target=FindingStatus.CASE, actor=actor, lead=lead, summary=summary
    )
    assert finding.case is not None
    return finding.case


def _case_from_finding(
    finding: Finding, *, actor: Actor, lead: User | None, summary: str
) -> tuple[Complaint, Case]:
    inspection = finding.inspection
    assert finding.respondent is not None  # the guard respondent_named
    complaint = finding.complaint or _complaint_from_finding(finding, actor=actor)
    if complaint.status in (ComplaintStatus.RECEIVED, ComplaintStatus.MORE_MATERIAL):
        complaint = complaint_accept(
            complaint=complaint, note=_("Found on inspection."), actor=actor
        )
    team = [
        row.inspector
        for row in inspection.team.select_related("inspector__org_unit__division").order_by("id")
        if can(row.inspector, Perm.CASE_WORK) and covers(row.inspector, inspection.division_id)
    ]
    lead = lead or (team[0] if team else None)
    if lead is None:
        raise InvalidInput(
            _("Choose the lead inspector."), extra={"fields": {"lead": [_("Required.")]}}
        )
    case = case_open(
        complaints=[complaint],
        respondent=finding.respondent,
        division=inspection.division,
        lead=lead,
        co_inspectors=[user for user in team if user.pk != lead.pk],
        project=inspection.project,
        summary=summary or f"{finding.article} {finding.description}",
        actor=actor,
    )
    return complaint, case


@transaction.atomic
def finding_respondent_set(*, finding: Finding, respondent: Organization, actor: Actor) -> Finding:
    _require_worker(actor, finding.inspection.division)
    before = audit_snapshot(finding, FINDING_AUDIT_FIELDS)
    finding.respondent = respondent
    finding.save(update_fields=["respondent", "updated_at"])
    audit_event_record(
        actor=actor,
        action="finding.respondent",
        obj=finding,
        before=before,
        after=audit_snapshot(finding, FINDING_AUDIT_FIELDS),
    )
    return finding


def finding_overdue_scan(*, today: dt.date) -> list[Finding]:
    """Flag each finding still uncorrected after its deadline, once (run by the worker).

    Idempotent: the claim is a compare-and-swap on the status and ``overdue_at IS NULL``.
    """
    flagged = []
    waiting = {"status": Finding.Status.DEADLINE, "overdue_at__isnull": True}
    for finding in Finding.objects.filter(correction_due__lt=today, **waiting):
        with transaction.atomic():
            now = clock.now()
            if Finding.objects.filter(pk=finding.pk, **waiting).update(overdue_at=now) != 1:
                continue
            finding.overdue_at = now
            audit_event_record(
                actor=None,
                action="finding.overdue",
                obj=finding,
                after={
                    "correction_due": finding.correction_due.isoformat()
                    if finding.correction_due
                    else None
                },
            )
            flagged.append(finding)
    return flagged


def finding_deadlines_recompute(*, actor: Actor) -> list[Finding]:
    """Recompute the provisional correction deadline (限期整改) of each finding still to be
    corrected, from the same start and number of working days as ``finding_deadline_set``,
    against the calendar as it now stands (a schedule may have been loaded since).

    Run after a schedule is loaded and by the worker. Writes only where the answer
    changed, by compare-and-swap on the stored deadline, with one audit row each; running
    it twice changes nothing. A finding whose start or length was not stored is left alone.
    """
    calendar = work_calendar()
    changed = []
    waiting = Finding.objects.filter(
        status=Finding.Status.DEADLINE,
        correction_due_provisional=True,
        correction_due_from__isnull=False,
        correction_working_days__isnull=False,
    )
    for finding in waiting:
        assert finding.correction_due_from is not None
        assert finding.correction_working_days is not None
        due = workdays_add(
            start=finding.correction_due_from,
            days=finding.correction_working_days,
            calendar=calendar,
        )
        if deadline_recount_store(
            obj=finding,
            field="correction_due",
            due=due,
            still={"status": Finding.Status.DEADLINE},  # not corrected meanwhile
            action="finding.deadline_recompute",
            actor=actor,
        ):
            changed.append(finding)
    return changed


@transaction.atomic
def inspection_export_record(
    *, actor: User, filters: dict[str, Any], rows: int, file_format: str = "xlsx"
) -> None:
    """Audit an export of the inspection list (its filters and row count), as the
    complaint export is audited (docs/inspections.md)."""
    audit_event_record(
        actor=actor,
        action="inspection.export",
        obj=actor,
        after={"filters": filters, "rows": rows, "format": file_format},
    )
