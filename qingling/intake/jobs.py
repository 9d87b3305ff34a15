"""The worker's intake jobs: escalate undecided complaints past their deadline, once;
recompute provisional deadlines once their year's schedule is loaded."""

import logging

from qingling.core import clock
from qingling.intake.services import complaint_deadlines_recompute, complaint_escalate_overdue

logger = logging.getLogger(__name__)


def escalate_overdue() -> None:
    escalated = complaint_escalate_overdue(today=clock.local_today())
    if escalated:
        logger.info(
            "intake: escalated %d overdue complaint(s) to the section chief", len(escalated)
        )


def deadlines_recompute() -> None:
    """Recompute provisional decision deadlines once their year's schedule is loaded."""
    moved = complaint_deadlines_recompute(actor=None)
    if moved:
        logger.info("intake: recomputed %d provisional decision deadline(s)", len(moved))
