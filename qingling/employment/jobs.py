"""The worker's employment job (listed in settings.QINGLING_WORKER_JOBS): expire the
published postings past their date, so that no one is offered a closed job."""

import logging

from qingling.core import clock
from qingling.employment.services.postings import postings_expire_due

logger = logging.getLogger(__name__)


def postings_expire() -> None:
    expired = postings_expire_due(today=clock.local_today())
    if expired:
        logger.info("employment: %d posting(s) expired", expired)
