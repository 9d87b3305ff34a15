"""The worker's outbox job (listed in settings.QINGLING_WORKER_JOBS)."""

import dataclasses
import logging

from qingling.core import clock
from qingling.notify.services import outbox_deliver_due

logger = logging.getLogger(__name__)

BATCH = 50
MAX_BATCHES = 20  # per worker round, so the other jobs still get their turn


def outbox_deliver() -> None:
    """Deliver what is due, a batch at a time while batches come back full."""
    for _round in range(MAX_BATCHES):
        report = outbox_deliver_due(now=clock.now(), batch=BATCH)
        counts = {k: v for k, v in dataclasses.asdict(report).items() if v and k != "claimed"}
        if counts:
            logger.info(
                "outbox: %s", ", ".join(f"{name} {count}" for name, count in counts.items())
            )
        if report.claimed + report.skipped < BATCH:
            break
