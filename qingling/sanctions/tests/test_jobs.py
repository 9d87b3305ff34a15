import datetime as dt
import json
import tempfile
from pathlib import Path

import time_machine
from django.test import override_settings

from qingling.cases.models import Case
from qingling.core.models import AuditEvent
from qingling.sanctions.jobs import blacklist_feed_file, listings_expire
from qingling.sanctions.lifecycle import ListingStatus
from qingling.sanctions.models import Listing
from qingling.sanctions.tests.world import AFTER_DUE, THRESHOLDS, make_listing, make_ordered_case
from qingling.testing import BaseTestCase


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC), tick=False
    )


@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
class ListingsExpireTests(BaseTestCase):
    case: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = make_ordered_case(cls)

    def test_keeps_a_listing_on_its_last_day(self) -> None:
        make_listing(self, self.case)  # 2026-12-14 to 2029-12-14
        with at(dt.date(2029, 12, 14)):
            listings_expire()
        self.assertEqual(Listing.objects.get().status, ListingStatus.LISTED)

    def test_removes_a_listing_the_day_after_its_term_once(self) -> None:
        make_listing(self, self.case)
        with at(dt.date(2029, 12, 15)):
            listings_expire()
            listings_expire()
        listing = Listing.objects.get()
        self.assertEqual((listing.status, listing.removal), (ListingStatus.REMOVED, "expired"))
        event = AuditEvent.objects.get(action="listing.removed")
        self.assertIsNone(event.actor_id)

    def test_leaves_proposals_alone(self) -> None:
        make_listing(self, self.case, status=ListingStatus.NOTIFIED)
        with at(dt.date(2035, 1, 1)):
            listings_expire()
        self.assertEqual(Listing.objects.get().status, ListingStatus.NOTIFIED)


@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
class BlacklistFeedFileJobTests(BaseTestCase):
    def test_writes_yesterdays_file_once_with_its_lines(self) -> None:
        make_listing(self, make_ordered_case(self))  # listed 2026-12-14
        with (
            tempfile.TemporaryDirectory() as folder,
            override_settings(QINGLING_BLACKLIST_FEED_DIR=Path(folder)),
        ):
            with at(dt.date(2026, 12, 15)):
                blacklist_feed_file()
            path = Path(folder) / "blacklist-2026-12-14.jsonl"
            [line] = [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]
            self.assertEqual((line["event"], line["listed_on"]), ("listed", "2026-12-14"))
            path.write_text("kept", encoding="utf-8")
            with at(dt.date(2026, 12, 15)):
                blacklist_feed_file()  # the day's file exists: not written again
            self.assertEqual(path.read_text(encoding="utf-8"), "kept")
