"""The worker's intake jobs: escalate undecided complaints past their deadline, and
accepted ones left without a case, once; remind and close complaints waiting for material
(补正); recompute provisional deadlines once their year's schedule is loaded."""

import logging

from qingling.core import clock
from qingling.intake.services import (
    complaint_deadlines_recompute,
    complaint_escalate_overdue,
    complaint_escalate_without_case,
    complaint_material_scan,
)

logger = logging.getLogger(__name__)


def escalate_overdue() -> None:
    escalated = complaint_escalate_overdue(today=clock.local_today())
    if escalated:
        logger.info(
            "intake: escalated %d overdue complaint(s) to the section chief", len(escalated)
        )


def escalate_without_case() -> None:
    escalated = complaint_escalate_without_case(today=clock.local_today())
    if escalated:
        logger.info("intake: escalated %d accepted complaint(s) without a case", len(escalated))


def material_scan() -> None:
    counts = complaint_material_scan(today=clock.local_today())
    if any(counts.values()):
        logger.info(
            "intake: %(reminded)d material reminder(s), %(closed)d closed for no material",
            counts,
        )


def deadlines_recompute() -> None:
    """Recompute provisional decision deadlines once their year's schedule is loaded."""
    moved = complaint_deadlines_recompute(actor=None)
    if moved:
        logger.info("intake: recomputed %d provisional decision deadline(s)", len(moved))
