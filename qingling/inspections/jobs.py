"""The worker's inspection job (listed in settings.QINGLING_WORKER_JOBS): flag findings
still uncorrected after their deadline (限期整改), once each."""

import logging

from qingling.core import clock
from qingling.inspections.services import finding_overdue_scan

logger = logging.getLogger(__name__)


def findings_overdue() -> None:
    flagged = finding_overdue_scan(today=clock.local_today())
    if flagged:
        logger.info("inspections: %d finding(s) uncorrected after their deadline", len(flagged))
