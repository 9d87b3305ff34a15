"""Periodic jobs that the worker command runs; each is idempotent and safe to run twice."""

import logging
from collections.abc import Callable

from django.contrib.sessions.models import Session

from qingling.core import clock
from qingling.core.scheduling import job_lease_ttl
from qingling.core.selectors import calendar_next_year_missing
from qingling.core.services import (
    calendar_sync_from_package,
    import_job_claim,
    import_job_run,
    import_jobs_recover,
)

logger = logging.getLogger(__name__)


def calendar_sync() -> None:
    """Load schedules a newer chinesecalendar brings; warn once per run about next year."""
    loaded = calendar_sync_from_package(actor=None)
    if loaded:
        logger.info("calendar: loaded schedules for %s", loaded)
    missing = calendar_next_year_missing()
    if missing:
        logger.warning("calendar: no schedule for %s; deadlines in it are provisional", missing)


def sessions_prune() -> None:
    deleted, _ = Session.objects.filter(expire_date__lt=clock.now()).delete()
    if deleted:
        logger.info("sessions: pruned %d expired", deleted)


def import_jobs_run() -> None:
    """Run the queued imports, oldest first; each is claimed (a compare-and-swap on its
    status), so a second worker running this job at the same time takes another one.

    First the running jobs without a heartbeat for longer than a job's lease
    (``QINGLING_WORKER_JOB_LEASE_SECONDS``: their worker died) are taken back: queued
    again or failed with the reason (``import_jobs_recover``)."""
    import_jobs_recover(stale_after=job_lease_ttl(), now=clock.now())
    while (job := import_job_claim()) is not None:
        job = import_job_run(job=job)
        logger.info("imports: %s job %s %s, %s rows", job.kind, job.pk, job.status, job.rows_total)


# The kernel's own jobs. The worker runs the dotted paths in settings.QINGLING_WORKER_JOBS,
# which list these and the jobs of other apps (core imports none of them).
JOBS: dict[str, Callable[[], None]] = {
    "calendar_sync": calendar_sync,
    "sessions_prune": sessions_prune,
    "import_jobs_run": import_jobs_run,
}
