"""The worker's sanctions jobs (listed in settings.QINGLING_WORKER_JOBS): remove the
listings whose 3-year term has ended, each once; warn before and note after the listings'
clocks (defence period, term, review windows); write yesterday's sharing file; warn
before and escalate (督办) after the clocks of the transfers to the police, each once per
transfer and clock."""

import datetime as dt
import logging

from django.conf import settings

from qingling.core import clock
from qingling.sanctions.services import (
    blacklist_feed_file_write,
    listing_clocks_scan,
    listings_expire_scan,
    referral_clocks_scan,
)

logger = logging.getLogger(__name__)


def listings_expire() -> None:
    removed = listings_expire_scan(today=clock.local_today())
    if removed:
        logger.info("sanctions: %d listing(s) removed at the end of their term", removed)


def referral_clocks() -> None:
    counts = referral_clocks_scan(now=clock.now())
    if any(counts.values()):
        logger.info(
            "sanctions: %d transfer warning(s), %d escalation(s)",
            counts["warning"],
            counts["escalation"],
        )


def listing_clocks() -> None:
    counts = listing_clocks_scan(today=clock.local_today())
    if any(counts.values()):
        logger.info(
            "sanctions: %d listing warning(s), %d period(s) over", counts["warning"], counts["due"]
        )


def blacklist_feed_file() -> None:
    """Write yesterday's sharing file once (the day is complete); a missed day is written
    by ``qingling blacklist-feed --date``."""
    yesterday = clock.local_today() - dt.timedelta(days=1)
    path = settings.QINGLING_BLACKLIST_FEED_DIR / f"blacklist-{yesterday.isoformat()}.jsonl"
    if not path.exists():
        blacklist_feed_file_write(day=yesterday)
        logger.info("sanctions: wrote %s", path)
