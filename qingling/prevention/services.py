"""Every write of monitoring: a month's files kept and judged, its warnings recorded once,
and the one transition service of a warning's lifecycle (lifecycle.py).

A month's files come as a ZIP (the staff upload page, or a system through the API) and
are imported by the worker (``core.models.ImportJob`` of kind ``prevention.month``):
the rules judge the files as they came (so a bad row is reported by its CSV line), the
files are kept as Parquet under ``QINGLING_MONITORING_DIR/<month>/`` and the warnings
recorded. The worker judges each kept month again the day after its deadline (the last
day of the next month), when the payroll that counts for it is complete. A warning is
found by (rule, project code, worker, month): running a month again adds none twice.
"""

import datetime as dt
import logging
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can, covers, covers_whole_city
from qingling.accounts.selectors import staff_covering
from qingling.cases.models import Case
from qingling.cases.services import case_open
from qingling.core import clock
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import Division, ImportJob
from qingling.core.personal_data import blind_index, mask_id_number, seal
from qingling.core.selectors import work_calendar, workdays_add
from qingling.core.services import (
    Actor,
    audit_event_record,
    import_job_create,
    status_compare_and_swap,
)
from qingling.core.spreadsheets import machine_csv_write
from qingling.core.transitions import Transition
from qingling.inspections.models import Inspection
from qingling.inspections.services import inspection_plan
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.lifecycle import ComplaintStatus
from qingling.intake.models import Channel, Complaint, SourceSystem
from qingling.intake.services import complaint_accept, complaint_register
from qingling.notify.models import NotificationKind
from qingling.notify.services import notification_send_on_commit
from qingling.parties.models import Person, Project
from qingling.prevention.lifecycle import (
    DISPATCH_ACTORS,
    DispatchTarget,
    StepActor,
    WarningStatus,
    transition_for,
)
from qingling.prevention.models import MonitoringMonth, RegistryMonth, Warning
from qingling.prevention.monitoring import Evidence, Result, run
from qingling.prevention.monitoring.engines import (
    FORMATS,
    DuckDBEngine,
    InputError,
    input_file,
    store_parquet,
)
from qingling.prevention.monitoring.rules import TABLES, MonthWindow, Thresholds
from qingling.prevention.registry_selectors import registry_month_tables

logger = logging.getLogger(__name__)

WARNING_AUDIT_FIELDS = (
    "status",
    "dispatched_to",
    "inspection",
    "complaint",
    "case",
    "note",
    "acknowledge_due",
    "overdue_at",
)
# The steps a month's import reports to the job's progress bar.
MONTH_STEPS = 4


def thresholds_from_settings(minimum_wage: Any = None) -> Thresholds:
    """The rules' numbers from the settings (``--minimum-wage`` replaces the table)."""
    return Thresholds(
        minimum_wage=dict(settings.QINGLING_MINIMUM_MONTHLY_WAGE),
        minimum_wage_override=minimum_wage,
        minimum_wage_days=settings.QINGLING_MONITOR_MINIMUM_WAGE_DAYS,
        excessive_pay=settings.QINGLING_MONITOR_EXCESSIVE_PAY,
        unpaid_share_red=settings.QINGLING_MONITOR_UNPAID_SHARE_RED,
    )


def month_folder(month: str) -> Path:
    """Where a month's files are kept (``MonthWindow.parse`` has checked ``month``)."""
    return Path(settings.QINGLING_MONITORING_DIR) / month


def _month_window(month: str) -> MonthWindow:
    try:
        return MonthWindow.parse(month)
    except ValueError:
        raise InvalidInput(
            _("Give the month as YYYY-MM."), extra={"fields": {"month": [_("Not a month.")]}}
        ) from None


def _require_monitor(actor: Actor) -> None:
    """A month's files span every county: city-level inspection staff (or a system)."""
    if actor is None:
        return
    if not (can(actor, Perm.INSPECTION_WORK) and covers_whole_city(actor)):
        raise Forbidden(_("Only the city's inspection staff may load monitoring data."))


# --- a month's files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFailure:
    """A bad row of a month's files, as an import job reports it."""

    line: int
    field: str  # the file: attendance.csv
    message: str


@dataclass
class MonthOutcome:
    created: int = 0  # warnings new to the platform
    duplicates: int = 0  # warnings already recorded by an earlier run
    failed: int = 0  # bad rows skipped
    failures: list[MonthFailure] = field(default_factory=list)


def _unpack(content: bytes, folder: Path) -> None:
    """The ZIP's ``<table>.csv`` / ``<table>.parquet`` members into ``folder`` (by their
    base name; other members are ignored), refusing more than the size limit."""
    import io

    folder.mkdir(parents=True)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise InvalidInput(
            _("Upload the month's files as one ZIP file."),
            extra={"fields": {"file": [_("Not a ZIP file.")]}},
        ) from None
    wanted = {f"{table}.{fmt}" for table in TABLES for fmt in FORMATS}
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and Path(info.filename).name in wanted
        and not Path(info.filename).name.startswith(".")
    ]
    if sum(info.file_size for info in members) > settings.QINGLING_MONITORING_MAX_BYTES:
        raise InvalidInput(
            _("The month's files are too large once unpacked."),
            extra={"fields": {"file": [_("Too large.")]}},
        )
    seen: set[str] = set()
    for info in members:
        name = Path(info.filename).name
        if name in seen:
            raise InvalidInput(
                _("The ZIP holds %(name)s twice.") % {"name": name},
                extra={"fields": {"file": [name]}},
            )
        seen.add(name)
        with archive.open(info) as source, (folder / name).open("wb") as target:
            shutil.copyfileobj(source, target)


def _judge(folder: Path, month: MonthWindow) -> Result:
    engine = DuckDBEngine(temp_directory=str(folder.parent / "spill"))
    try:
        return run(folder, month, thresholds_from_settings(), engine, evidence=True)
    except InputError as error:
        raise InvalidInput(str(error), extra={"fields": {"file": [str(error)]}}) from None
    finally:
        engine.close()


def _keep(folder: Path, target: Path) -> dict[str, int]:
    """Keep the files as Parquet in ``target`` (a month's folder), replacing an earlier
    upload whole (the new folder is written beside it and renamed into place)."""
    month = target.name
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.parent / f".{month}-{uuid.uuid4().hex}"
    fresh.mkdir(mode=0o700)
    rows = {}
    try:
        for table, columns in TABLES.items():
            rows[table] = store_parquet(
                input_file(folder, table),
                fresh / f"{table}.parquet",
                [name for name, _kind in columns],
            )
        old = target.parent / f".{month}-old-{uuid.uuid4().hex}"
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return rows


def monitoring_month_import(
    *,
    content: bytes,
    actor: Actor,
    progress: Callable[[int, int], None] | None = None,
    month: str,
    system: int | None = None,
) -> MonthOutcome:
    """A month's files (a ZIP) from the upload page or the API, run by the worker: judged,
    kept as Parquet, their warnings recorded. Bad rows are skipped and reported by file,
    line and reason; a missing file or column refuses the whole upload. ``system``: the
    source system that sent it through the API (the audit row names it)."""
    _require_monitor(actor)
    window = _month_window(month)
    tick = progress or (lambda done, total: None)
    root = Path(settings.QINGLING_MONITORING_DIR)
    root.mkdir(parents=True, exist_ok=True)
    tick(0, MONTH_STEPS)
    with tempfile.TemporaryDirectory(dir=root, prefix=".upload-") as scratch:
        folder = Path(scratch) / "files"
        _unpack(content, folder)
        tick(1, MONTH_STEPS)
        result = _judge(folder, window)
        tick(2, MONTH_STEPS)
        rows = _keep(folder, month_folder(window.month))
    tick(3, MONTH_STEPS)
    outcome = _month_record(month=window, result=result, rows=rows, actor=actor, system=system)
    tick(MONTH_STEPS, MONTH_STEPS)
    return outcome


def monitoring_month_submit(*, content: bytes, month: str, system: SourceSystem) -> ImportJob:
    """A system's month (the API): queued for the worker as the upload page's are. Only a
    source system of channel ``monitoring`` may send one."""
    if system.channel != Channel.MONITORING:
        raise Forbidden(_("Only a monitoring system may send monitoring data."))
    window = _month_window(month)
    return import_job_create(
        kind="prevention.month",
        content=content,
        file_name=f"{window.month}.zip",
        actor=None,
        params={"month": window.month, "system": system.pk},
    )


def monitoring_month_judge(*, month: str, actor: Actor) -> MonthOutcome:
    """Judge a kept month again (the worker, the day after its deadline)."""
    _require_monitor(actor)
    window = _month_window(month)
    folder = month_folder(window.month)
    root = Path(settings.QINGLING_MONITORING_DIR)
    with tempfile.TemporaryDirectory(dir=root, prefix=".judge-") as scratch:
        engine = DuckDBEngine(temp_directory=scratch)
        try:
            result = run(folder, window, thresholds_from_settings(), engine, evidence=True)
        except InputError as error:
            raise InvalidInput(str(error), extra={"fields": {"month": [str(error)]}}) from None
        finally:
            engine.close()
    return _month_record(month=window, result=result, rows=None, actor=actor)


def _month_record(
    *,
    month: MonthWindow,
    result: Result,
    rows: dict[str, int] | None,
    actor: Actor,
    system: int | None = None,
) -> MonthOutcome:
    now = clock.now()
    after_deadline = clock.local_today() > month.deadline
    failures = [
        MonthFailure(line=reject.line, field=reject.file, message=reject.reason)
        for reject in result.rejects
    ]
    with transaction.atomic():
        created, duplicates = warnings_record(result=result, month=month)
        defaults: dict[str, Any] = {
            "judged_at": now,
            "judged_after_deadline": after_deadline,
            "rejects": [
                {"file": f.field, "line": f.line, "reason": f.message} for f in failures[:1000]
            ],
        }
        if rows is not None:
            defaults |= {"received_at": now, "rows": rows}
        record, _created = MonitoringMonth.objects.update_or_create(
            month=month.month, defaults=defaults, create_defaults={"received_at": now, **defaults}
        )
        audit_event_record(
            actor=actor,
            action="monitoring.received" if rows is not None else "monitoring.judged",
            obj=record,
            after={
                "warnings": len(result.warnings),
                "created": created,
                "bad_rows": len(failures),
                "after_deadline": after_deadline,
                **({"source_system": system} if system is not None else {}),
            },
        )
    return MonthOutcome(
        created=created, duplicates=duplicates, failed=len(failures), failures=failures
    )


def _evidence_for(
    evidence: Evidence, month: MonthWindow, project: str, worker: str | None
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "deadline": month.deadline.isoformat(),
        "project": evidence.projects.get(project, {}),
    }
    if worker is not None:
        found["worker"] = evidence.workers.get((project, worker), {})
    return found


def warnings_record(*, result: Result, month: MonthWindow) -> tuple[int, int]:
    """Store a run's warnings, each once: (created, already recorded).

    The project is found by its code, its county is the project's division (else the
    division code of the file's project); the worker by the blind index of the ID
    number, which is stored sealed and masked. The acknowledgement deadline counts
    working days from today by level. No audit row per warning (a province's month
    raises thousands): the run's audit row on the month counts them."""
    if not result.warnings:
        return 0, 0
    codes = {w.project for w in result.warnings}
    projects = {
        p.code: p for p in Project.objects.filter(code__in=codes).only("id", "code", "division")
    }
    division_codes = {
        str(result.evidence.projects.get(code, {}).get("division_code") or "") for code in codes
    }
    divisions = set(Division.objects.filter(code__in=division_codes).values_list("code", flat=True))
    keys = {
        w.worker: blind_index(w.worker, purpose="id_number") for w in result.warnings if w.worker
    }
    people = dict(
        Person.objects.filter(id_number_digest__in=set(keys.values()))
        .exclude(id_number_digest="")
        .values_list("id_number_digest", "id")
    )
    existing = set(
        Warning.objects.filter(month=month.month).values_list("rule", "project_code", "worker_key")
    )
    calendar = work_calendar()
    today, now = clock.local_today(), clock.now()
    policy = settings.QINGLING_WARNING_ACKNOWLEDGE_WORKING_DAYS
    due = {
        level: workdays_add(start=today, days=days, calendar=calendar).date
        for level, days in policy.items()
    }
    new = []
    for item in result.warnings:
        key = keys.get(item.worker, "") if item.worker else ""
        if (item.rule, item.project, key) in existing:
            continue
        project = projects.get(item.project)
        file_division = str(
            result.evidence.projects.get(item.project, {}).get("division_code") or ""
        )
        new.append(
            Warning(
                rule=item.rule,
                level=item.level,
                month=month.month,
                project_code=item.project,
                project_name=str(result.evidence.projects.get(item.project, {}).get("name") or "")[
                    :200
                ],
                project=project,
                division_id=project.division_id
                if project is not None
                else (file_division if file_division in divisions else None),
                worker_key=key,
                worker_id_sealed=seal(item.worker, purpose="id_number") if item.worker else "",
                worker_id_masked=mask_id_number(item.worker) if item.worker else "",
                worker_id=people.get(key) if key else None,
                evidence=_evidence_for(result.evidence, month, item.project, item.worker),
                acknowledge_due=due[item.level],
                created_at=now,  # the clock's (a replayed season's day), as the figures count
            )
        )
    before = Warning.objects.filter(month=month.month).count()
    # ignore_conflicts: two runs of one month at once; the constraint keeps each once
    Warning.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    created = Warning.objects.filter(month=month.month).count() - before
    return created, len(result.warnings) - created


def months_on_deadline_judge(*, today: dt.date) -> list[str]:
    """Judge each kept month whose deadline has passed and that was not judged since."""
    judged = []
    for record in MonitoringMonth.objects.filter(judged_after_deadline=False).order_by("month"):
        window = MonthWindow.parse(record.month)
        if today <= window.deadline or not month_folder(record.month).is_dir():
            continue
        monitoring_month_judge(month=record.month, actor=None)
        judged.append(record.month)
    return judged


# --- a month of the compliance registry (the employer portal, the registry API) ------------------


def registry_folder(month: str) -> Path:
    """Where the registry's files of a month are kept: beside, never over, an uploaded
    month (``month_folder``), which is the province's own data."""
    return Path(settings.QINGLING_MONITORING_DIR) / "registry" / month


def registry_month_judge(*, month: str, actor: Actor) -> MonthOutcome:
    """Month M of the registry through the monitoring rules: its five tables assembled from
    the registry's rows (``registry_selectors.registry_month_tables``), kept as Parquet
    under ``registry_folder(M)`` (replacing the last assembly whole), judged by the same
    program as an uploaded month, and the warnings recorded once each: a warning the
    uploaded month (or an earlier run) already raised for the same rule, project, worker
    and month is not added again. The month's ``dirty`` mark is cleared only if no rows
    arrived while it was judged (compare-and-swap on ``changed_at``)."""
    _require_monitor(actor)
    window = _month_window(month)
    seen = (
        RegistryMonth.objects.filter(month=window.month)
        .values_list("changed_at", flat=True)
        .first()
    )
    tables = registry_month_tables(month=window.month, first=window.first, last=window.last)
    root = Path(settings.QINGLING_MONITORING_DIR)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=".registry-") as scratch:
        folder = Path(scratch) / "files"
        folder.mkdir()
        for table, columns in TABLES.items():
            with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
                machine_csv_write(handle, [name for name, _kind in columns], tables[table])
        result = _judge(folder, window)
        rows = _keep(folder, registry_folder(window.month))
    now = clock.now()
    after_deadline = clock.local_today() > window.deadline
    rejects = [
        {"file": reject.file, "line": reject.line, "reason": reject.reason}
        for reject in result.rejects
    ]
    with transaction.atomic():
        created, duplicates = warnings_record(result=result, month=window)
        record, _created = RegistryMonth.objects.get_or_create(
            month=window.month, defaults={"changed_at": now}
        )
        record.judged_at = now
        record.judged_after_deadline = record.judged_after_deadline or after_deadline
        record.rows = rows
        record.rejects = rejects[:1000]
        record.save(
            update_fields=["judged_at", "judged_after_deadline", "rows", "rejects", "updated_at"]
        )
        RegistryMonth.objects.filter(pk=record.pk, changed_at=seen or record.changed_at).update(
            dirty=False
        )
        audit_event_record(
            actor=actor,
            action="monitoring.registry_judged",
            obj=record,
            after={
                "warnings": len(result.warnings),
                "created": created,
                "bad_rows": len(rejects),
                "after_deadline": after_deadline,
            },
        )
    return MonthOutcome(
        created=created,
        duplicates=duplicates,
        failed=len(rejects),
        failures=[
            MonthFailure(line=reject.line, field=reject.file, message=reject.reason)
            for reject in result.rejects
        ],
    )


def registry_months_judge(*, today: dt.date) -> list[str]:
    """The worker's pass over the registry's months: each month whose rows changed since it
    was last judged (an import marked it ``dirty``), and each month whose deadline (the
    last day of M+1) has passed and that was not judged after it, once."""
    judged = []
    for record in RegistryMonth.objects.filter(
        Q(dirty=True) | Q(judged_after_deadline=False)
    ).order_by("month"):
        window = MonthWindow.parse(record.month)
        if not (record.dirty or today > window.deadline):
            continue
        registry_month_judge(month=record.month, actor=None)
        judged.append(record.month)
    return judged


# --- a warning's lifecycle: the one transition service ---------------------------------------


class TransitionNotAllowed(Conflict):
    """The table has no step from the warning's status to the status asked for."""

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message, code="warning_transition_not_allowed", extra=extra)


def warning_covers(actor: Actor, warning: Warning) -> bool:
    """The warning's county is in ``actor``'s jurisdiction (no county: city staff only)."""
    if warning.division_id is None:
        return covers_whole_city(actor)
    return covers(actor, warning.division_id)


def warning_step_actors(warning: Warning, actor: Actor) -> frozenset[str]:
    """Which step-actors of the transition table ``actor`` is for this warning."""
    if not warning_covers(actor, warning):
        return frozenset()
    found = set()
    if can(actor, Perm.INSPECTION_WORK):
        found.add(StepActor.INSPECTOR)
    if can(actor, Perm.CASE_APPROVE):
        found.add(StepActor.CHIEF)
    return frozenset(found)


def _required(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field_name: [_("Required.")]}})


def _guard_dispatch_named(
    warning: Warning, note: str, details: dict[str, Any], actors: frozenset[str]
) -> None:
    to = details.get("to")
    if to not in DispatchTarget.values:
        raise _required("to", _("Say what the warning is dispatched to."))
    if DISPATCH_ACTORS[to] not in actors:
        raise Forbidden(
            _("Only %(who)s may dispatch a warning to %(target)s.")
            % {"who": StepActor(DISPATCH_ACTORS[to]).label, "target": DispatchTarget(to).label}
        )
    if to == DispatchTarget.INSPECTION:
        if warning.project is None:
            raise InvalidInput(
                _("The project %(code)s is not on file: register it with its code first.")
                % {"code": warning.project_code},
                extra={"fields": {"to": [_("No project on file.")]}},
            )
        inspection: Inspection | None = details.get("inspection")
        if inspection is not None and inspection.project_id != warning.project_id:
            raise InvalidInput(
                _("Choose an inspection of this project."),
                extra={"fields": {"inspection": [_("Another project's inspection.")]}},
            )
        if inspection is None and not (details.get("inspectors") and details.get("planned_on")):
            raise _required(
                "inspection", _("Choose an inspection of the project, or plan one with a team.")
            )
    if to == DispatchTarget.CASE and details.get("respondent") is None:
        raise _required("respondent", _("Name the responsible organization before opening a case."))


def _guard_note_given(
    warning: Warning, note: str, details: dict[str, Any], actors: frozenset[str]
) -> None:
    if not note:
        raise _required("note", _("Say how the warning was answered."))


def _guard_reason_given(
    warning: Warning, note: str, details: dict[str, Any], actors: frozenset[str]
) -> None:
    if not note:
        raise _required("note", _("Give the reason for dismissing the warning."))


GUARDS: dict[str, Callable[[Warning, str, dict[str, Any], frozenset[str]], None]] = {
    "dispatch_named": _guard_dispatch_named,
    "note_given": _guard_note_given,
    "reason_given": _guard_reason_given,
}


def _step_check(warning: Warning, target: str, actor: Actor) -> tuple[Transition, frozenset[str]]:
    actors = warning_step_actors(warning, actor)
    if not actors:
        raise Forbidden(_("This warning is outside your jurisdiction or your role."))
    step = transition_for(warning.status, target, actors)
    if step is None:
        if transition_for(warning.status, target, frozenset(StepActor.values)) is None:
            raise TransitionNotAllowed(
                _("A warning that is %(status)s cannot become %(target)s.")
                % {"status": warning.get_status_display(), "target": WarningStatus(target).label},
                extra={"status": warning.status, "target": target},
            )
        raise Forbidden(_("Your role may not take this step."))
    return step, actors


def _narrative(warning: Warning) -> str:
    # The project first: intake's extraction backtracks for seconds on a long run of Latin
    # words before Chinese text (an untranslated message), and reads the project from here.
    return _("%(project)s, %(month)s: %(rule)s (%(level)s), a monitoring warning.") % {
        "rule": warning.get_rule_display(),
        "level": warning.get_level_display(),
        "project": (warning.project.name if warning.project else warning.project_name)
        or warning.project_code,
        "month": warning.month,
    }


def _complaint_from_warning(warning: Warning, *, actor: Actor) -> Complaint:
    """A complaint of channel ``monitoring`` for triage: the bureau reports what the data
    shows (anonymous: there is no informant); the same warning gives the same complaint."""
    registered = complaint_register(
        draft=ComplaintDraft(
            kind=Complaint.Kind.REPORT,
            anonymous=True,
            project_name=(warning.project.name if warning.project else warning.project_name)[:200],
            division_code=warning.division_id or "",
            narrative=_narrative(warning),
        ),
        channel=Channel.MONITORING,
        actor=actor,
        idempotency_key=f"warning:{warning.public_id}",
    )
    return registered.complaint


def _case_from_warning(
    warning: Warning, *, actor: Actor, details: dict[str, Any]
) -> tuple[Complaint, Case]:
    complaint = _complaint_from_warning(warning, actor=actor)
    if complaint.status in (ComplaintStatus.RECEIVED, ComplaintStatus.MORE_MATERIAL):
        complaint = complaint_accept(
            complaint=complaint, note=_("Raised by monitoring."), actor=actor
        )
    lead: User | None = details.get("lead") or (
        actor if isinstance(actor, User) and can(actor, Perm.CASE_WORK) else None
    )
    if lead is None:
        raise _required("lead", _("Choose the lead inspector."))
    division = (
        warning.project.division
        if warning.project
        else Division.objects.get(code=warning.division_id)
    )
    case = case_open(
        complaints=[complaint],
        respondent=details["respondent"],
        division=division,
        lead=lead,
        co_inspectors=details.get("co_inspectors", ()),
        project=warning.project,
        summary=details.get("summary", "") or _narrative(warning),
        actor=actor,
    )
    return complaint, case


def _step_effects(
    warning: Warning, target: str, actor: Actor, note: str, details: dict[str, Any]
) -> dict[str, Any]:
    now = clock.now()
    if target == WarningStatus.ACKNOWLEDGED:
        return {"acknowledged_at": now, "note": note}
    if target == WarningStatus.DISPATCHED:
        to = details["to"]
        values: dict[str, Any] = {"dispatched_at": now, "dispatched_to": to, "note": note}
        if to == DispatchTarget.INSPECTION:
            assert warning.project is not None  # the guard dispatch_named
            values["inspection"] = details.get("inspection") or inspection_plan(
                project=warning.project,
                inspectors=details["inspectors"],
                planned_on=details["planned_on"],
                actor=actor,
            )
        elif to == DispatchTarget.COMPLAINT:
            values["complaint"] = _complaint_from_warning(warning, actor=actor)
        else:
            values["complaint"], values["case"] = _case_from_warning(
                warning, actor=actor, details=details
            )
        return values
    return {"closed_at": now, "note": note}  # resolved or dismissed


@transaction.atomic
def warning_transition(
    *, warning: Warning, target: str, actor: Actor, note: str = "", **details: Any
) -> Warning:
    """Move a warning along the table: who may, the guards, what the step brings, then a
    compare-and-swap on the status the caller saw and an audit row.

    ``details`` for a dispatch: ``to`` (DispatchTarget); for an inspection,
    ``inspection`` (one of the project's) or ``inspectors`` and ``planned_on`` (a new
    one); for a case, ``respondent``, and ``lead``, ``co_inspectors``, ``summary``.
    ``note``: why (a dismissal's reason, how it was resolved); the audit row's reason.
    """
    step, actors = _step_check(warning, target, actor)
    note = note.strip()
    if step.guard:
        GUARDS[step.guard](warning, note, details, actors)
    conflict = Conflict(
        _("Someone else acted on this warning first; reload it."), code="warning_conflict"
    )
    # Before an inspection, complaint or case is made for it: a stale copy stops here.
    if (
        not Warning.objects.select_for_update()
        .filter(pk=warning.pk, status=warning.status)
        .exists()
    ):
        raise conflict
    values = _step_effects(warning, target, actor, note, details)
    status_compare_and_swap(
        obj=warning,
        values={
            "status": target,
            "updated_at": clock.now(),
            "acted_by": actor if isinstance(actor, User) else None,
            **values,
        },
        conflict=conflict,
        actor=actor,
        action=f"warning.{target}",
        audit_fields=WARNING_AUDIT_FIELDS,
        reason=note,
    )
    return warning


def warning_acknowledge(*, warning: Warning, actor: Actor, note: str = "") -> Warning:
    """The county has seen the warning (签收) and will act on it."""
    return warning_transition(
        warning=warning, target=WarningStatus.ACKNOWLEDGED, actor=actor, note=note
    )


def warning_dispatch(
    *, warning: Warning, to: str, actor: Actor, note: str = "", **details: Any
) -> Warning:
    """Hand the warning to the work that answers it: an inspection, a complaint, a case."""
    return warning_transition(
        warning=warning, target=WarningStatus.DISPATCHED, actor=actor, note=note, to=to, **details
    )


def warning_resolve(*, warning: Warning, note: str, actor: Actor) -> Warning:
    """The work it was dispatched to has answered it (say how)."""
    return warning_transition(
        warning=warning, target=WarningStatus.RESOLVED, actor=actor, note=note
    )


def warning_dismiss(*, warning: Warning, reason: str, actor: Actor) -> Warning:
    """Not a matter for the bureau (a data error, already handled): say why."""
    return warning_transition(
        warning=warning, target=WarningStatus.DISMISSED, actor=actor, note=reason
    )


def warning_overdue_scan(*, today: dt.date) -> list[Warning]:
    """Flag each warning still not acknowledged after its deadline, once, for the section
    chief (run by the worker). Idempotent: a compare-and-swap on ``overdue_at IS NULL``."""
    flagged = []
    waiting = {"status": WarningStatus.NEW, "overdue_at__isnull": True}
    for warning in Warning.objects.filter(acknowledge_due__lt=today, **waiting):
        with transaction.atomic():
            now = clock.now()
            if Warning.objects.filter(pk=warning.pk, **waiting).update(overdue_at=now) != 1:
                continue
            warning.overdue_at = now
            audit_event_record(
                actor=None,
                action="warning.overdue",
                obj=warning,
                after={"acknowledge_due": warning.acknowledge_due.isoformat()},
            )
            notification_send_on_commit(
                recipients=staff_covering(
                    perm=Perm.COMPLAINT_ESCALATIONS, division_code=warning.division_id
                ),
                kind=NotificationKind.ESCALATION,
                text=_("Escalated (督办): a %(level)s warning was not acknowledged by %(due)s.")
                % {
                    "level": warning.get_level_display(),
                    "due": warning.acknowledge_due.isoformat(),
                },
                url=reverse("prevention:warning_detail", args=[warning.public_id]),
                due=warning.acknowledge_due,
                subject=warning,
                dedupe_key=f"warning.overdue:{warning.pk}",
                actor=None,
            )
            flagged.append(warning)
    return flagged


@transaction.atomic
def warning_export_record(
    *, actor: User, filters: dict[str, Any], rows: int, file_format: str = "xlsx"
) -> None:
    """Audit an export of the warning list (its filters and row count): the export carries
    workers' masked ID numbers (docs/monitoring.md)."""
    audit_event_record(
        actor=actor,
        action="warning.export",
        obj=actor,
        after={"filters": filters, "rows": rows, "format": file_format},
    )
