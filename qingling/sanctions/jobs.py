"""The worker's blacklist job (listed in settings.QINGLING_WORKER_JOBS): remove the
listings whose 3-year term has ended, each once."""

import logging

from qingling.core import clock
from qingling.sanctions.services import listings_expire_scan

logger = logging.getLogger(__name__)


def listings_expire() -> None:
    removed = listings_expire_scan(today=clock.local_today())
    if removed:
        logger.info("sanctions: %d listing(s) removed at the end of their term", removed)
