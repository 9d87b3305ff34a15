"""The worker's outbox job (listed in settings.QINGLING_WORKER_JOBS)."""

import dataclasses
import logging
import time

from qingling.core import clock
from qingling.notify.services import notifications_digest_send, outbox_deliver_due

logger = logging.getLogger(__name__)

BATCH = 50
MAX_BATCHES = 20  # per worker round, so the other jobs still get their turn
# No new batch after this many seconds, so that the job ends well inside its lease
# (QINGLING_WORKER_JOB_LEASE_SECONDS, 15 min): 5 min + one batch (at most 9 min).
BUDGET_SECONDS = 300


def outbox_deliver() -> None:
    """Deliver what is due, a batch at a time while batches come back full."""
    started = time.monotonic()
    for _round in range(MAX_BATCHES):
        if time.monotonic() - started > BUDGET_SECONDS:
            break
        report = outbox_deliver_due(now=clock.now(), batch=BATCH)
        counts = {k: v for k, v in dataclasses.asdict(report).items() if v and k != "claimed"}
        if counts:
            logger.info(
                "outbox: %s", ", ".join(f"{name} {count}" for name, count in counts.items())
            )
        if report.claimed + report.skipped < BATCH:
            break


def notifications_digest() -> None:
    """Each person who chose the daily digest gets one message a day per channel."""
    people = notifications_digest_send(now=clock.now())
    if people:
        logger.info("notify: sent the daily digest to %d person(s)", people)
