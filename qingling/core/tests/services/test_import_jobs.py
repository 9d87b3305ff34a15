import datetime as dt
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import time_machine
from django.conf import settings
from django.test import override_settings

from qingling.core import clock
from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.jobs import import_jobs_run
from qingling.core.models import AuditEvent, ImportJob
from qingling.core.services import (
    import_job_claim,
    import_job_create,
    import_job_run,
    import_jobs_recover,
)
from qingling.core.workbooks import RowFailure, SheetImportResult
from qingling.testing import CURRENT_TIME, BaseTestCase

CALLS: list[dict[str, Any]] = []


def fake_import(
    *, content: bytes, actor: object, progress: Callable[[int, int], None], **params: Any
) -> SheetImportResult:
    """A domain's import as the registry names it: one row a line, "bad" lines refused."""
    lines = content.decode().splitlines()
    CALLS.append({"actor": actor, "params": params, "seen": []})
    result = SheetImportResult()
    for number, text in enumerate(lines, start=1):
        if text == "bad":
            result.failed += 1
            result.failures.append(RowFailure(number, "name", "Enter the worker's name."))
        else:
            result.created += 1
        progress(number, len(lines))
        if number == 100:  # what the page would read now
            job = ImportJob.objects.get()
            CALLS[-1]["seen"].append((job.rows_done, job.rows_total))
    return result


def refusing_import(**_kwargs: Any) -> SheetImportResult:
    raise InvalidInput("The sheet has no column for: name.", extra={"fields": {"name": ["x"]}})


def taken_back_import(
    *, content: bytes, actor: object, progress: Callable[[int, int], None], **params: Any
) -> SheetImportResult:
    """A run that stalls the first time: meanwhile another worker takes the job back."""
    if not CALLS:
        import_jobs_recover(stale_after=dt.timedelta(0), now=clock.now() + dt.timedelta(seconds=1))
    return fake_import(content=content, actor=actor, progress=progress, **params)


KINDS = {
    "test.rows": "qingling.core.tests.services.test_import_jobs.fake_import",
    "test.refused": "qingling.core.tests.services.test_import_jobs.refusing_import",
    "test.taken_back": "qingling.core.tests.services.test_import_jobs.taken_back_import",
    "test.doubles": "qingling.core.tests.services.test_import_jobs.fake_import",
}
# test.doubles stands for an import that would add rows twice if run again (the postings)
RERUNNABLE = frozenset({"test.rows", "test.refused", "test.taken_back"})
LEASE = dt.timedelta(seconds=900)


@override_settings(
    QINGLING_IMPORT_KINDS=KINDS,
    QINGLING_IMPORT_RERUNNABLE=RERUNNABLE,
    QINGLING_WORKER_JOB_LEASE_SECONDS=900,
    LANGUAGE_CODE="en",
)
@time_machine.travel(CURRENT_TIME, tick=False)
class ImportJobTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        media = tempfile.mkdtemp(prefix="qingling-media-")
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        CALLS.clear()

    def queue(self, content: bytes, kind: str = "test.rows") -> ImportJob:
        return import_job_create(
            kind=kind,
            content=content,
            file_name="../grid.xlsx",
            actor=self.employment,
            params={"batch": "7"},
        )

    def stored(self, job: ImportJob) -> Path:
        return Path(settings.MEDIA_ROOT) / "imports" / job.file

    def test_queues_the_upload_readable_by_the_owner_only_and_audits_it(self) -> None:
        job = self.queue(b"a\nb\n")
        path = self.stored(job)
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
        self.assertNotIn("grid", job.file)  # stored under a random name, never the uploaded one
        self.assertEqual(job.file_name, "grid.xlsx")
        self.assertEqual((job.status, job.created_by), (ImportJob.Status.QUEUED, self.employment))
        self.assertTrue(AuditEvent.objects.filter(action="import_job.create").exists())

    def test_refuses_an_unknown_kind_and_a_file_over_the_limit(self) -> None:
        with self.assertRaises(InvalidInput):
            self.queue(b"a", kind="nothing")
        with override_settings(QINGLING_IMPORT_MAX_BYTES=3), self.assertRaises(InvalidInput):
            self.queue(b"abcd")
        self.assertFalse(ImportJob.objects.exists())
        self.assertEqual([p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()], [])

    def test_the_worker_runs_the_rows_as_the_uploader_and_reports_progress_and_bad_rows(
        self,
    ) -> None:
        job = self.queue(("ok\n" * 120 + "bad\n" + "ok\n" * 129).encode())
        path = self.stored(job)
        import_jobs_run()
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE)
        self.assertEqual((job.rows_done, job.rows_total), (250, 250))
        self.assertEqual((job.rows_created, job.rows_failed), (249, 1))
        self.assertEqual(
            job.report, [{"line": 121, "field": "name", "message": "Enter the worker's name."}]
        )
        [call] = CALLS
        self.assertEqual(call["actor"], self.employment)
        self.assertEqual(call["params"], {"batch": "7"})
        self.assertEqual(call["seen"], [(100, 250)])  # progress written while it ran
        self.assertFalse(path.exists())  # personal data is not kept
        self.assertEqual(job.file, "")
        self.assertTrue(AuditEvent.objects.filter(action="import_job.done").exists())

    def test_two_worker_runs_do_not_process_one_import_twice(self) -> None:
        job = self.queue(b"ok\nok\n")
        import_jobs_run()
        import_jobs_run()
        self.assertEqual(len(CALLS), 1)
        job.refresh_from_db()
        self.assertEqual(job.rows_created, 2)

    def test_a_job_claimed_by_another_worker_is_not_claimed_again(self) -> None:
        job = self.queue(b"ok\n")
        claimed = import_job_claim()
        self.assertEqual(claimed, job)
        self.assertIsNone(import_job_claim())  # the second worker finds nothing to take
        queued = ImportJob.objects.get(pk=job.pk)
        queued.status = ImportJob.Status.QUEUED  # a worker that read the row before the claim
        with self.assertRaises(Conflict):
            import_job_run(job=queued)
        self.assertEqual(CALLS, [])

    def test_a_file_refused_whole_fails_the_job_with_the_reason(self) -> None:
        job = self.queue(b"whatever", kind="test.refused")
        path = self.stored(job)
        import_jobs_run()
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertIn("The sheet has no column for: name.", job.error)
        self.assertFalse(path.exists())


@override_settings(
    QINGLING_IMPORT_KINDS=KINDS,
    QINGLING_IMPORT_RERUNNABLE=RERUNNABLE,
    QINGLING_WORKER_JOB_LEASE_SECONDS=900,
    LANGUAGE_CODE="en",
)
@time_machine.travel(CURRENT_TIME, tick=False)
class ImportJobWorkerDiedTests(BaseTestCase):
    """A worker claims a job and dies (``import_job_claim`` without ``import_job_run``)."""

    def setUp(self) -> None:
        super().setUp()
        media = tempfile.mkdtemp(prefix="qingling-media-")
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        CALLS.clear()

    def abandoned(self, content: bytes, kind: str = "test.rows", rows_done: int = 0) -> ImportJob:
        job = import_job_create(
            kind=kind, content=content, file_name="grid.xlsx", actor=self.employment
        )
        claimed = import_job_claim()
        assert claimed is not None
        ImportJob.objects.filter(pk=job.pk).update(rows_done=rows_done)
        return claimed

    def stored(self, job: ImportJob) -> Path:
        return Path(settings.MEDIA_ROOT) / "imports" / job.file

    def test_the_claim_starts_the_heartbeat_and_progress_keeps_it_beating(self) -> None:
        job = self.abandoned(b"ok\n")
        self.assertEqual((job.heartbeat_at, job.attempts), (CURRENT_TIME, 1))
        with time_machine.travel(CURRENT_TIME + dt.timedelta(minutes=3), tick=False):
            job = import_job_run(job=job)
        self.assertEqual(job.heartbeat_at, CURRENT_TIME + dt.timedelta(minutes=3))

    def test_a_job_whose_heartbeat_is_within_the_lease_is_left_running(self) -> None:
        job = self.abandoned(b"ok\n")
        with time_machine.travel(CURRENT_TIME + LEASE, tick=False):
            import_jobs_run()
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.RUNNING)
        self.assertEqual(CALLS, [])

    def test_a_job_whose_worker_died_is_queued_again_and_run_once_more(self) -> None:
        job = self.abandoned(b"ok\nbad\nok\n", rows_done=2)
        path = self.stored(job)
        with time_machine.travel(CURRENT_TIME + LEASE + dt.timedelta(seconds=1), tick=False):
            import_jobs_run()
        job.refresh_from_db()
        self.assertEqual((job.status, job.attempts), (ImportJob.Status.DONE, 2))
        self.assertEqual((job.rows_done, job.rows_created, job.rows_failed), (3, 2, 1))
        self.assertEqual(len(CALLS), 1)
        self.assertFalse(path.exists())
        event = AuditEvent.objects.get(action="import_job.requeue")
        assert event.before is not None and event.after is not None
        self.assertEqual((event.before["status"], event.after["status"]), ("running", "queued"))
        self.assertIn("the worker stopped", event.reason)

    def test_a_job_whose_worker_died_twice_is_failed_with_the_reason(self) -> None:
        job = self.abandoned(b"ok\n")
        path = self.stored(job)
        later = CURRENT_TIME + LEASE + dt.timedelta(seconds=1)
        with time_machine.travel(later, tick=False):
            self.assertEqual(
                [j.status for j in import_jobs_recover(stale_after=LEASE, now=clock.now())],
                ["queued"],
            )
            self.assertIsNotNone(import_job_claim())  # and the second worker dies too
        with time_machine.travel(later + LEASE + dt.timedelta(seconds=1), tick=False):
            import_jobs_run()
        job.refresh_from_db()
        self.assertEqual((job.status, job.attempts), (ImportJob.Status.FAILED, 2))
        self.assertIn("The worker stopped twice while importing this file.", job.error)
        self.assertEqual(CALLS, [])
        self.assertFalse(path.exists())  # personal data is not kept
        self.assertEqual(job.file, "")
        self.assertTrue(AuditEvent.objects.filter(action="import_job.failed").exists())

    def test_a_job_that_may_add_rows_twice_is_failed_saying_how_far_it_got(self) -> None:
        job = self.abandoned(b"ok\n" * 300, kind="test.doubles", rows_done=200)
        path = self.stored(job)
        with time_machine.travel(CURRENT_TIME + LEASE + dt.timedelta(seconds=1), tick=False):
            import_jobs_run()
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertIn("after about 200 rows: those are kept, the rest are not.", job.error)
        self.assertIn("running the whole file again could add rows twice", job.error)
        self.assertEqual(CALLS, [])
        self.assertFalse(path.exists())

    def test_a_run_whose_job_was_taken_back_stops_and_leaves_the_job_to_the_next_run(
        self,
    ) -> None:
        job = import_job_create(
            kind="test.taken_back",
            content=b"ok\n" * 150,
            file_name="grid.xlsx",
            actor=self.employment,
        )
        path = self.stored(job)
        claimed = import_job_claim()
        assert claimed is not None
        stopped = import_job_run(job=claimed)
        # the first run stopped at its first progress write after the job was taken back
        self.assertEqual(CALLS[0]["seen"], [])
        self.assertEqual((stopped.status, stopped.rows_done), (ImportJob.Status.QUEUED, 0))
        self.assertTrue(path.exists())  # the next run needs it
        self.assertFalse(AuditEvent.objects.filter(action="import_job.done").exists())
        import_jobs_run()
        job.refresh_from_db()
        self.assertEqual((job.status, job.rows_created, job.attempts), ("done", 150, 2))
        self.assertEqual(AuditEvent.objects.filter(action="import_job.done").count(), 1)
