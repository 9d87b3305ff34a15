"""The worker's inspection jobs (listed in settings.QINGLING_WORKER_JOBS): flag findings
still uncorrected after their deadline (限期整改), once each; recompute provisional
correction deadlines once their year's schedule is loaded."""

import logging

from qingling.core import clock
from qingling.inspections.services import finding_deadlines_recompute, finding_overdue_scan

logger = logging.getLogger(__name__)


def findings_overdue() -> None:
    flagged = finding_overdue_scan(today=clock.local_today())
    if flagged:
        logger.info("inspections: %d finding(s) uncorrected after their deadline", len(flagged))


def deadlines_recompute() -> None:
    """Recompute provisional correction deadlines once their year's schedule is loaded."""
    moved = finding_deadlines_recompute(actor=None)
    if moved:
        logger.info("inspections: recomputed %d provisional correction deadline(s)", len(moved))
