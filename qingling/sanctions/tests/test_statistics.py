import datetime as dt

import time_machine

from qingling.reports.statistics import CITY, Period, Scope, statistics_for_period
from qingling.sanctions import statistics
from qingling.sanctions.lifecycle import ReferralStatus
from qingling.sanctions.services import listings_expire_scan
from qingling.sanctions.tests.world import (
    AFTER_DUE,
    THRESHOLDS,
    make_listing,
    make_ordered_case,
    make_referral,
)
from qingling.testing import BaseTestCase

DECEMBER = Period(start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31))
NOVEMBER = Period(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))


@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
class ReferralFiguresTests(BaseTestCase):
    def test_counts_transfers_sent_and_accepted_in_the_period(self) -> None:
        make_referral(self, make_ordered_case(self), status=ReferralStatus.ACCEPTED)
        make_referral(
            self, make_ordered_case(self, employer_name="宏达劳务"), status=ReferralStatus.DECLINED
        )
        make_referral(self, make_ordered_case(self, employer_name="顺通建材"))  # only proposed
        self.assertEqual(statistics.police_transfers(DECEMBER, CITY), 2)
        self.assertEqual(statistics.police_accepted(DECEMBER, CITY), 1)
        self.assertEqual(statistics.police_transfers(NOVEMBER, CITY), 0)
        self.assertEqual(statistics.police_transfers(DECEMBER, Scope(prefix="220403")), 0)

    def test_are_registered_together_in_their_order(self) -> None:
        figures = list(statistics_for_period(start=DECEMBER.start, end=DECEMBER.end))
        start = figures.index("police_transfers")
        self.assertEqual(
            figures[start : start + 5],
            [
                "police_transfers",
                "police_accepted",
                "blacklist_notices",
                "blacklist_listed",
                "blacklist_removed",
            ],
        )


@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
class BlacklistFiguresTests(BaseTestCase):
    def test_counts_notices_served_listings_decided_and_removals_in_the_period(self) -> None:
        listed = make_listing(self, make_ordered_case(self))
        make_listing(self, make_ordered_case(self, employer_name="宏达劳务"), status="notified")
        make_listing(self, make_ordered_case(self, employer_name="顺通建材"), status="proposed")
        self.assertEqual(statistics.blacklist_notices(DECEMBER, CITY), 2)
        self.assertEqual(statistics.blacklist_listed(DECEMBER, CITY), 1)
        self.assertEqual(statistics.blacklist_removed(DECEMBER, CITY), 0)
        self.assertEqual(statistics.blacklist_notices(DECEMBER, Scope(prefix="220403")), 0)
        with time_machine.travel(dt.datetime(2029, 12, 15, 2, tzinfo=dt.UTC), tick=False):
            listings_expire_scan(today=dt.date(2029, 12, 15))
        listed.refresh_from_db()
        december_2029 = Period(start=dt.date(2029, 12, 1), end=dt.date(2029, 12, 31))
        self.assertEqual(statistics.blacklist_removed(december_2029, CITY), 1)
        self.assertEqual(statistics.blacklist_removed(DECEMBER, CITY), 0)
