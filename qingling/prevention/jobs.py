"""The worker's monitoring jobs (listed in settings.QINGLING_WORKER_JOBS): flag warnings
not acknowledged by their deadline, once each, for the section chief; judge each kept
month again the day after its deadline, when the payroll that counts for it is in; judge
the registry's months whose rows changed, and each once more after its deadline."""

import logging

from qingling.core import clock
from qingling.prevention.services import (
    months_on_deadline_judge,
    registry_months_judge,
    warning_overdue_scan,
)

logger = logging.getLogger(__name__)


def warnings_overdue() -> None:
    flagged = warning_overdue_scan(today=clock.local_today())
    if flagged:
        logger.warning("prevention: %d warning(s) not acknowledged by their deadline", len(flagged))


def months_on_deadline() -> None:
    judged = months_on_deadline_judge(today=clock.local_today())
    if judged:
        logger.info("prevention: judged %s again after the deadline", ", ".join(judged))


def registry_months() -> None:
    judged = registry_months_judge(today=clock.local_today())
    if judged:
        logger.info("prevention: judged the registry's %s", ", ".join(judged))
