"""How the worker runs a job: under a lease, so that of several workers (one per server)
only one runs a given job at a time; the others skip it that round."""

import datetime as dt
import enum
import logging
import os
import socket
import uuid
from collections.abc import Callable

from django.conf import settings

from qingling.core import clock
from qingling.core.services import job_lease_acquire, job_lease_release

logger = logging.getLogger(__name__)


class JobRun(enum.StrEnum):
    RAN = "ran"
    SKIPPED = "skipped"  # another worker holds the job's lease
    FAILED = "failed"


def worker_identity() -> str:
    """Who holds a lease: host, process and a random part (a restarted process differs)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def job_lease_ttl() -> dt.timedelta:
    """How long a job's lease lasts: longer than any job runs (the outbox job stops taking
    batches after 5 minutes), so it only runs out when its worker died."""
    return dt.timedelta(seconds=int(getattr(settings, "QINGLING_WORKER_JOB_LEASE_SECONDS", 900)))


def job_run_leased(*, name: str, job: Callable[[], None], holder: str) -> JobRun:
    """Run ``job`` if ``holder`` gets its lease, and give the lease back afterwards.

    Call it outside any transaction: the lease must be committed before the job starts.
    A failing job is logged and reported, never raised, so the worker goes on.
    """
    try:
        if not job_lease_acquire(name=name, holder=holder, ttl=job_lease_ttl(), now=clock.now()):
            logger.debug("worker: job %s skipped, another worker runs it", name)
            return JobRun.SKIPPED
    except Exception:
        logger.exception("worker: job %s could not take its lease", name)
        return JobRun.FAILED
    try:
        job()
    except Exception:  # one failing job must not stop the others
        logger.exception("worker: job %s failed", name)
        return JobRun.FAILED
    finally:
        try:
            job_lease_release(name=name, holder=holder, now=clock.now())
        except Exception:  # the lease then runs out by itself
            logger.exception("worker: job %s could not give back its lease", name)
    return JobRun.RAN
