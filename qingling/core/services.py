"""Writes of the kernel: the audit log, the working-day calendar, the job leases and the
import jobs."""

import datetime as dt
import decimal
import logging
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from qingling.core import clock
from qingling.core.calendars import (
    DeadlineDate,
    ScheduleEntry,
    ScheduleFileError,
    package_schedule,
    parse_schedule,
)
from qingling.core.exceptions import ApplicationError, Conflict, InvalidInput
from qingling.core.models import (
    AuditEvent,
    CalendarDay,
    CalendarYear,
    DemoClock,
    ImportJob,
    JobLease,
)
from qingling.core.workbooks import import_size_check

logger = logging.getLogger(__name__)

# None is the system itself (worker, migrations, the demo); views pass request.user.
Actor = AbstractBaseUser | AnonymousUser | None


def _json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def audit_snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Return the named fields of ``instance`` as JSON; personal values must not be named.

    A foreign key is recorded as its id, read from the row itself: loading the related
    object only to take its primary key cost one query per key (about 44,000 queries when
    the demo season imports 14,000 postings).
    """
    snapshot: dict[str, Any] = {}
    for name in fields:
        try:
            field = instance._meta.get_field(name)
        except (FieldDoesNotExist, AttributeError):  # a property, or not a model
            field = None
        if isinstance(field, models.ForeignKey):
            key = getattr(instance, field.attname)
            snapshot[name] = None if key is None else str(key)
        else:
            snapshot[name] = _json_value(getattr(instance, name))
    return snapshot


def audit_event_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit row; call it inside the transaction of the write it records."""
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:200],
        before=before,
        after=after,
        reason=reason[:500],
        at=clock.now(),  # the platform's "now", also inside a replay (see clock.frozen_at)
    )


def _calendar_year_replace(
    *, year: int, entries: list[ScheduleEntry], source: str, actor: Actor
) -> CalendarYear:
    previous = CalendarYear.objects.filter(year=year).first()
    before = (
        {"source": previous.source, "days": CalendarDay.objects.filter(year=previous).count()}
        if previous
        else None
    )
    CalendarDay.objects.filter(year_id=year).delete()
    calendar_year, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source, "loaded_at": clock.now()}
    )
    CalendarDay.objects.bulk_create(
        CalendarDay(date=e.date, kind=e.kind, note=e.note[:100], year=calendar_year)
        for e in entries
    )
    recomputed = calendar_deadlines_recompute(actor=actor)
    audit_event_record(
        actor=actor,
        action="calendar_year.load",
        obj=calendar_year,
        before=before,
        after={"source": source, "days": len(entries), "deadlines_recomputed": recomputed},
    )
    return calendar_year


def calendar_deadlines_recompute(*, actor: Actor) -> int:
    """Have every app recompute its stored provisional deadlines against the calendar as it
    now stands; return how many moved.

    Core imports no app: the recomputing services are the dotted paths in
    ``settings.QINGLING_DEADLINE_RECOMPUTE``, each called as ``f(actor=actor)`` and returning
    the objects it changed (each audited there). The worker runs the same services as jobs,
    so a schedule that arrives by another way is picked up on the next round.
    """
    moved = 0
    for path in settings.QINGLING_DEADLINE_RECOMPUTE:
        changed = import_string(path)(actor=actor)
        if changed:
            logger.info("calendar: %s moved %d deadline(s)", path, len(changed))
        moved += len(changed)
    return moved


@transaction.atomic
def calendar_year_import(*, year: int, text: str, source: str, actor: Actor) -> CalendarYear:
    """Load (or replace) one year's official schedule from the plain file format."""
    if not 2000 <= year <= 2100:
        raise InvalidInput(
            _("The year must be between 2000 and 2100."),
            extra={"fields": {"year": [_("Out of range.")]}},
        )
    try:
        entries = parse_schedule(text, year=year)
    except ScheduleFileError as error:
        raise InvalidInput(
            _("Line %(line)d of the schedule file is wrong: %(reason)s")
            % {"line": error.line, "reason": error.reason},
            extra={"fields": {"file": [str(error)]}, "line": error.line},
        ) from None
    return _calendar_year_replace(
        year=year, entries=entries, source=source or _("imported file"), actor=actor
    )


@transaction.atomic
def calendar_sync_from_package(*, actor: Actor) -> list[int]:
    """Load every year that the chinesecalendar package covers and the table lacks.

    Idempotent: years already present (from the package or an import) are left alone,
    so an administrator's import is never overwritten.
    """
    present = set(CalendarYear.objects.values_list("year", flat=True))
    loaded = []
    for year, entries in package_schedule().items():
        if year not in present:
            _calendar_year_replace(
                year=year, entries=entries, source="chinesecalendar", actor=actor
            )
            loaded.append(year)
    return loaded


def status_compare_and_swap(
    *,
    obj: models.Model,
    values: dict[str, Any],
    conflict: Exception,
    actor: Actor,
    action: str,
    audit_fields: Iterable[str],
    reason: str = "",
) -> None:
    """Move ``obj`` to ``values`` only if its status is still the one the caller saw.

    The one mechanism behind every state machine (complaints, cases, findings): a
    conditional UPDATE on (pk, old status), so two people cannot move the same object
    twice; zero rows means someone else moved it first and ``conflict`` is raised.
    Then ``obj`` is reloaded and the move audited with before and after.
    """
    fields = tuple(audit_fields)
    before = audit_snapshot(obj, fields)
    manager = type(obj)._default_manager
    if manager.filter(pk=obj.pk, status=getattr(obj, "status")).update(**values) != 1:  # noqa: B009
        raise conflict
    obj.refresh_from_db()
    audit_event_record(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=audit_snapshot(obj, fields),
        reason=reason,
    )


def deadline_recount_store(
    *,
    obj: models.Model,
    field: str,
    due: DeadlineDate,
    still: dict[str, Any],
    action: str,
    actor: Actor,
) -> bool:
    """Store a provisional deadline recounted after a year's schedule was loaded.

    ``field`` is the date field; ``<field>_provisional`` its flag. Nothing is written when
    the recount gives what is stored; otherwise a compare-and-swap on the stored date
    (still provisional) and on ``still`` (e.g. the status the object must still have)
    writes the new date and flag, and the move is audited with before and after. False
    when nothing changed or the object moved meanwhile (decided, closed, extended …).
    The one write behind every app's ``*_deadlines_recompute``.
    """
    flag = f"{field}_provisional"
    stored = getattr(obj, field)
    if (due.date, due.provisional) == (stored, True):
        return False
    with transaction.atomic():
        seen = type(obj)._default_manager.filter(pk=obj.pk, **still, **{field: stored, flag: True})
        if seen.update(**{field: due.date, flag: due.provisional, "updated_at": clock.now()}) != 1:
            return False
        before = audit_snapshot(obj, (field, flag))
        setattr(obj, field, due.date)
        setattr(obj, flag, due.provisional)
        audit_event_record(
            actor=actor,
            action=action,
            obj=obj,
            before=before,
            after=audit_snapshot(obj, (field, flag)),
        )
    return True


def job_lease_acquire(*, name: str, holder: str, ttl: dt.timedelta, now: dt.datetime) -> bool:
    """Take the lease on job ``name`` for ``holder`` until ``now + ttl``; False when another
    worker holds a lease that has not run out.

    A compare-and-swap on ``held_until``, committed before the job runs (call it outside
    any transaction): on PostgreSQL a second worker's UPDATE waits for the first's commit
    and then finds the condition false; SQLite runs one writer at a time. Taking over a
    lease that ran out (its worker died or overran) is logged and audited; the routine
    taking of a free lease, every job every round, is not (like an outbox claim).
    """
    JobLease.objects.bulk_create([JobLease(name=name)], ignore_conflicts=True)
    free = Q(held_until__isnull=True) | Q(held_until__lte=now)
    previous = JobLease.objects.filter(name=name).values("held_by", "held_until").first()
    with transaction.atomic():
        taken = (
            JobLease.objects.filter(free, name=name).update(
                held_by=holder, held_until=now + ttl, started_at=now
            )
            == 1
        )
        if taken and previous is not None and previous["held_until"] is not None:
            lease = JobLease.objects.get(name=name)
            logger.warning(
                "worker: job %s taken over from %s, whose lease ran out at %s",
                name,
                previous["held_by"],
                previous["held_until"].isoformat(),
            )
            audit_event_record(
                actor=None,
                action="job_lease.take_over",
                obj=lease,
                before={
                    "held_by": previous["held_by"],
                    "held_until": _json_value(previous["held_until"]),
                },
                after={"held_by": holder, "held_until": _json_value(lease.held_until)},
                reason="the previous worker's lease ran out",
            )
    return taken


def job_lease_release(*, name: str, holder: str, now: dt.datetime) -> bool:
    """Give back the lease ``holder`` took; False (and a warning) when it had run out and
    another worker took it over meanwhile, whose lease is then left alone."""
    released = JobLease.objects.filter(name=name, held_by=holder).update(
        held_by="", held_until=None, finished_at=now
    )
    if not released:
        logger.warning("worker: job %s ran past its lease; another worker took it over", name)
    return released == 1


# --- imports that run in the worker ----------------------------------------------------------

# The worker writes a job's progress every so many rows (and at the last one).
IMPORT_PROGRESS_EVERY = 100


class ImportOutcome(Protocol):
    """What a domain's import returns (``core.workbooks.SheetImportResult`` and the like)."""

    created: int
    failed: int
    failures: list[Any]


def _imports_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def import_job_create(
    *,
    kind: str,
    content: bytes,
    file_name: str,
    actor: Actor,
    params: dict[str, Any] | None = None,
    back_url: str = "",
    language: str = "",
) -> ImportJob:
    """Queue a file for the worker: the upload is stored readable by the server's user only
    (0600, under a random name), the job row is written and audited."""
    if kind not in settings.QINGLING_IMPORT_KINDS:
        raise InvalidInput(_("Unknown kind of import."), extra={"fields": {"kind": [kind]}})
    import_size_check(len(content))
    stored = f"{uuid.uuid4().hex}{Path(file_name).suffix.lower()[:10]}"
    path = _imports_dir() / stored
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                kind=kind,
                file=stored,
                file_name=Path(file_name).name[:255],
                params=params or {},
                language=language,
                back_url=back_url,
                created_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
                created_at=clock.now(),
            )
            audit_event_record(
                actor=actor,
                action="import_job.create",
                obj=job,
                after={"kind": kind, "file_name": job.file_name, "bytes": len(content)},
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return job


def import_job_claim() -> ImportJob | None:
    """The oldest queued job, now running; None when none is queued.

    The claim is a compare-and-swap (``UPDATE … SET status='running' WHERE pk=… AND
    status='queued'``), so two workers never run the same job: the one that updates no
    row tries the next job. It starts the job's heartbeat and counts the attempt, which
    is the run's token from then on (``import_job_run``).
    """
    candidates = ImportJob.objects.filter(status=ImportJob.Status.QUEUED).values_list(
        "pk", flat=True
    )
    for pk in candidates[:20]:
        with transaction.atomic():
            now = clock.now()
            claimed = ImportJob.objects.filter(pk=pk, status=ImportJob.Status.QUEUED).update(
                status=ImportJob.Status.RUNNING,
                started_at=now,
                heartbeat_at=now,
                attempts=models.F("attempts") + 1,
            )
            if claimed != 1:
                continue
            job = ImportJob.objects.select_related("created_by").get(pk=pk)
            audit_event_record(
                actor=None, action="import_job.start", obj=job, after={"status": job.status}
            )
            return job
    return None


class ImportJobLost(Exception):
    """The job was taken back from this run (its heartbeat had run out; see
    ``import_jobs_recover``): the run stops and writes nothing more to it."""


def import_job_run(*, job: ImportJob) -> ImportJob:
    """Run a claimed job: the domain's import (``QINGLING_IMPORT_KINDS[job.kind]``) reads
    the stored file as the member of staff who uploaded it, reporting progress; the
    result, with every refused row by line and reason, goes on the job. A file refused
    whole (a missing column, too many rows) fails the job with the reason. The stored
    file is removed either way.

    Every progress write is also the job's heartbeat, and it and the final write are
    conditional on this run's claim (the status and the attempt): when the job was taken
    back meanwhile, the run stops at its next progress write and leaves the job and the
    stored file to whoever has them now."""
    if job.status != ImportJob.Status.RUNNING:
        raise Conflict(_("The import is not running."), code="import_job_not_running")
    path = _imports_dir() / job.file
    this_run = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.RUNNING, attempts=job.attempts
    )
    updates: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if done % IMPORT_PROGRESS_EVERY and done < total:
            return
        if not this_run.update(rows_done=done, rows_total=total, heartbeat_at=clock.now()):
            raise ImportJobLost

    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            run = import_string(settings.QINGLING_IMPORT_KINDS[job.kind])
            outcome: ImportOutcome = run(
                content=path.read_bytes(), actor=job.created_by, progress=progress, **job.params
            )
        except ImportJobLost:
            logger.warning("import job %s (%s) was taken back; this run stops", job.pk, job.kind)
            job.refresh_from_db()
            return job
        except ApplicationError as error:
            fields = error.extra.get("fields", {})
            details = [str(m) for messages in fields.values() for m in messages]
            reason = " ".join([error.message, *(m for m in details if m != error.message)])
            updates = {"status": ImportJob.Status.FAILED, "error": reason[:500]}
        except Exception:  # one broken file must not stop the worker; the log has the trace
            logger.exception("import job %s (%s) failed", job.pk, job.kind)
            updates = {
                "status": ImportJob.Status.FAILED,
                "error": _("The import stopped on an unexpected error. Tell the administrator."),
            }
        else:
            updated = getattr(outcome, "updated", getattr(outcome, "duplicates", 0))
            total = outcome.created + updated + outcome.failed
            updates = {
                "status": ImportJob.Status.DONE,
                "rows_total": total,
                "rows_done": total,
                "rows_created": outcome.created,
                "rows_updated": updated,
                "rows_failed": outcome.failed,
                "report": [
                    {"line": f.line, "field": f.field, "message": str(f.message)}
                    for f in outcome.failures
                ],
            }
    with transaction.atomic():
        ended = this_run.update(**updates, file="", finished_at=clock.now())
        job.refresh_from_db()
        if ended:
            audit_event_record(
                actor=None,
                action=f"import_job.{job.status}",
                obj=job,
                after={
                    "status": job.status,
                    "rows_total": job.rows_total,
                    "rows_created": job.rows_created,
                    "rows_updated": job.rows_updated,
                    "rows_failed": job.rows_failed,
                },
            )
    if ended:
        path.unlink(missing_ok=True)
    else:
        logger.warning("import job %s (%s) was taken back as it ended", job.pk, job.kind)
    return job


# A job whose worker stopped is run again at most this often before it is failed: a file
# that kills the worker itself must not kill every worker in turn.
IMPORT_JOB_MAX_ATTEMPTS = 2


def import_jobs_recover(*, stale_after: dt.timedelta, now: dt.datetime) -> list[ImportJob]:
    """Take back the running jobs whose heartbeat is older than ``stale_after`` (the
    worker's job lease): their worker died or hangs.

    Re-queued when the kind's import keeps rows idempotently (listed in
    ``QINGLING_IMPORT_RERUNNABLE``: the same ID number finds the same claim, roster entry
    or registration, so the rows the dead run wrote are not added twice) and the job
    has had fewer than ``IMPORT_JOB_MAX_ATTEMPTS`` runs and its stored file is there;
    otherwise failed, with a reason that says what to do. Each is one compare-and-swap on
    the run's claim and heartbeat, audited and logged; the jobs taken back are returned.
    """
    cutoff = now - stale_after
    rerunnable = set(getattr(settings, "QINGLING_IMPORT_RERUNNABLE", ()))
    stale = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    taken_back: list[ImportJob] = []
    for job in stale[:100]:
        path = _imports_dir() / job.file if job.file else None
        stored = path is not None and path.is_file()
        if job.kind in rerunnable and stored and job.attempts < IMPORT_JOB_MAX_ATTEMPTS:
            updates: dict[str, Any] = {
                "status": ImportJob.Status.QUEUED,
                "rows_done": 0,
                "heartbeat_at": None,
            }
            reason = "the worker stopped; the import keeps rows idempotently, so it runs again"
        elif job.kind in rerunnable:
            reason = (
                _(
                    "The worker stopped twice while importing this file. Run the file again "
                    "(rows already imported are not added twice); if it stops again, tell "
                    "the administrator."
                )
                if stored
                else _(
                    "The worker stopped while importing this file. Run the file again: rows "
                    "already imported are not added twice."
                )
            )
            updates = {"status": ImportJob.Status.FAILED, "error": reason, "file": ""}
        else:
            reason = _(
                "The worker stopped while importing this file, after about %(done)d rows: "
                "those are kept, the rest are not. Import only the rows after them: running "
                "the whole file again could add rows twice."
            ) % {"done": job.rows_done}
            updates = {"status": ImportJob.Status.FAILED, "error": reason[:500], "file": ""}
        if updates["status"] == ImportJob.Status.FAILED:
            updates["finished_at"] = now
        with transaction.atomic():
            taken = ImportJob.objects.filter(
                pk=job.pk,
                status=ImportJob.Status.RUNNING,
                attempts=job.attempts,
                heartbeat_at=job.heartbeat_at,
            ).update(**updates)
            if not taken:  # it moved on meanwhile: its worker is alive
                continue
            before = {"status": job.status, "heartbeat_at": _json_value(job.heartbeat_at)}
            job.refresh_from_db()
            audit_event_record(
                actor=None,
                action="import_job.requeue"
                if job.status == ImportJob.Status.QUEUED
                else "import_job.failed",
                obj=job,
                before=before,
                after={"status": job.status, "attempts": job.attempts},
                reason=str(reason)[:500],
            )
        if job.status == ImportJob.Status.FAILED and path is not None:
            path.unlink(missing_ok=True)
        logger.warning(
            "import job %s (%s) lost its worker (no heartbeat since %s): %s",
            job.pk,
            job.kind,
            before["heartbeat_at"],
            job.status,
        )
        taken_back.append(job)
    return taken_back


@transaction.atomic
def demo_clock_set(*, today: dt.date, scenario: str, actor: Actor) -> DemoClock:
    """Put a demo database on ``today`` (the scenario's last day); see ``DemoClock``."""
    demo, _created = DemoClock.objects.update_or_create(
        pk=1, defaults={"today": today, "scenario": scenario, "set_at": timezone.now()}
    )
    audit_event_record(
        actor=actor,
        action="demo_clock.set",
        obj=demo,
        after=audit_snapshot(demo, ("today", "scenario")),
    )
    return demo
