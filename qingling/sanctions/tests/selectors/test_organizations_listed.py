import datetime as dt

import time_machine
from django.test import override_settings

from qingling.sanctions.lifecycle import ListingStatus
from qingling.sanctions.selectors import organizations_listed
from qingling.sanctions.tests.world import AFTER_DUE, THRESHOLDS, make_listing, make_ordered_case
from qingling.testing import BaseTestCase


@THRESHOLDS
@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(AFTER_DUE, tick=False)
class OrganizationsListedTests(BaseTestCase):
    def test_names_a_listed_organization_with_its_decision_and_term(self) -> None:
        listing = make_listing(self, make_ordered_case(self))
        flags = organizations_listed({listing.organization_id, 999999})
        self.assertEqual(list(flags), [listing.organization_id])
        self.assertIn(listing.number, flags[listing.organization_id])
        self.assertIn("2029-12-14", flags[listing.organization_id])

    def test_ignores_entries_not_in_force(self) -> None:
        for n, status in enumerate(
            (ListingStatus.PROPOSED, ListingStatus.NOTIFIED, ListingStatus.WITHDRAWN)
        ):
            case = make_ordered_case(self, employer_name=f"辽源市第{n}建筑有限公司")
            listing = make_listing(self, case, status=status)
            with self.subTest(status):
                self.assertEqual(organizations_listed({listing.organization_id}), {})

    def test_stops_flagging_after_the_term_even_before_the_worker_removes_it(self) -> None:
        listing = make_listing(self, make_ordered_case(self))
        for day, flagged in ((dt.date(2029, 12, 14), True), (dt.date(2029, 12, 15), False)):
            moment = dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC)
            with self.subTest(day), time_machine.travel(moment, tick=False):
                found = organizations_listed({listing.organization_id})
                self.assertIs(listing.organization_id in found, flagged)
