"""The worker's case job (listed in settings.QINGLING_WORKER_JOBS): deadline warnings,
escalation (督办) and orders unpaid after their date, each once per case."""

import logging

from qingling.cases.services import case_deadlines_scan
from qingling.core import clock

logger = logging.getLogger(__name__)


def deadlines_scan() -> None:
    counts = case_deadlines_scan(today=clock.local_today())
    if any(counts.values()):
        logger.info(
            "cases: %d deadline warning(s), %d escalation(s), %d order(s) unpaid after their date",
            counts["warned"],
            counts["escalated"],
            counts["orders_overdue"],
        )
