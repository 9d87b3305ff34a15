"""The worker's case jobs (listed in settings.QINGLING_WORKER_JOBS): deadline warnings,
escalation (督办) and orders unpaid after their date, each once per case; provisional
investigation deadlines recomputed once their year's schedule is loaded; the decision
procedure's clocks (defence, review and suit, reminder, court), each once per clock."""

import logging

from qingling.cases.enforcement import proceeding_clocks_scan
from qingling.cases.services import case_deadlines_recompute, case_deadlines_scan
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


def deadlines_recompute() -> None:
    """Recompute provisional investigation deadlines once their year's schedule is loaded."""
    moved = case_deadlines_recompute(actor=None)
    if moved:
        logger.info("cases: recomputed %d provisional investigation deadline(s)", len(moved))


def proceeding_clocks() -> None:
    counts = proceeding_clocks_scan(today=clock.local_today())
    if any(counts.values()):
        logger.info(
            "cases: %d procedure warning(s), %d escalation(s)",
            counts["warning"],
            counts["escalation"],
        )
