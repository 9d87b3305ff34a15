import datetime as dt

import time_machine
from django.urls import reverse

from qingling.sanctions.lifecycle import ListingStatus
from qingling.sanctions.models import ListingPerson
from qingling.sanctions.tests.world import AFTER_DUE, THRESHOLDS, make_listing, make_ordered_case
from qingling.testing import BaseTestCase, make_person


@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
class PublicBlacklistTests(BaseTestCase):
    def test_shows_current_listings_to_anyone_without_personal_data(self) -> None:
        case = make_ordered_case(self, employer_name="辽源市黑名单建筑有限公司")
        listing = make_listing(self, case)
        boss = make_person(self.rng, name="钱法人")
        ListingPerson.objects.create(
            listing=listing, person=boss, role=ListingPerson.Role.LEGAL_REPRESENTATIVE
        )
        worker = case.claims.get().worker
        page = self.client.get(reverse("blacklist:list"))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "辽源市黑名单建筑有限公司")
        self.assertContains(page, listing.organization.credit_code)
        self.assertContains(page, listing.number)
        self.assertContains(page, "2026-12-14")
        self.assertContains(page, "2029-12-14")
        content = page.content.decode()
        self.assertTrue(boss.id_number_masked)
        private_values = (
            worker.name,
            worker.id_number_masked,
            worker.phone_masked,
            boss.name,
            boss.id_number_masked,
            case.number,
            listing.reason,
        )
        for private in filter(None, private_values):
            with self.subTest(private):
                self.assertNotIn(private, content)

    def test_hides_proposals_withdrawals_and_ended_terms(self) -> None:
        hidden = {}
        for n, status in enumerate(
            (ListingStatus.PROPOSED, ListingStatus.NOTIFIED, ListingStatus.WITHDRAWN)
        ):
            name = f"辽源市未列入{n}号公司"
            make_listing(self, make_ordered_case(self, employer_name=name), status=status)
            hidden[status] = name
        ended = make_listing(self, make_ordered_case(self, employer_name="辽源市期满公司"))
        later = dt.datetime(2029, 12, 15, 2, tzinfo=dt.UTC)
        with time_machine.travel(later, tick=False):
            page = self.client.get(reverse("blacklist:list"))
        for name in (*hidden.values(), ended.organization.name):
            with self.subTest(name):
                self.assertNotContains(page, name)

    def test_searches_by_name(self) -> None:
        make_listing(self, make_ordered_case(self, employer_name="辽源市甲建筑有限公司"))
        make_listing(self, make_ordered_case(self, employer_name="辽源市乙建筑有限公司"))
        page = self.client.get(reverse("blacklist:list"), {"q": "甲建筑"})
        self.assertContains(page, "辽源市甲建筑有限公司")
        self.assertNotContains(page, "辽源市乙建筑有限公司")
