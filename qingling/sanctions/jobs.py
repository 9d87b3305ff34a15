"""The worker's sanctions jobs (listed in settings.QINGLING_WORKER_JOBS): remove the
listings whose 3-year term has ended, each once; warn before and escalate (督办) after the
clocks of the transfers to the police, each once per transfer and clock."""

import logging

from qingling.core import clock
from qingling.sanctions.services import listings_expire_scan, referral_clocks_scan

logger = logging.getLogger(__name__)


def listings_expire() -> None:
    removed = listings_expire_scan(today=clock.local_today())
    if removed:
        logger.info("sanctions: %d listing(s) removed at the end of their term", removed)


def referral_clocks() -> None:
    counts = referral_clocks_scan(now=clock.now())
    if any(counts.values()):
        logger.info(
            "sanctions: %d transfer warning(s), %d escalation(s)",
            counts["warning"],
            counts["escalation"],
        )
