"""The worker's intake job: escalate undecided complaints past their deadline, once."""

import logging

from qingling.core import clock
from qingling.intake.services import complaint_escalate_overdue

logger = logging.getLogger(__name__)


def escalate_overdue() -> None:
    escalated = complaint_escalate_overdue(today=clock.local_today())
    if escalated:
        logger.info(
            "intake: escalated %d overdue complaint(s) to the section chief", len(escalated)
        )
