import datetime as dt

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.sanctions.lifecycle import ListingStatus
from qingling.sanctions.models import ListingPerson
from qingling.sanctions.tests.world import AFTER_DUE, THRESHOLDS, make_listing, make_ordered_case
from qingling.testing import BaseTestCase, make_person


@THRESHOLDS
@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(AFTER_DUE, tick=False)
class PublicBlacklistTests(BaseTestCase):
    def test_shows_current_listings_and_the_persons_names_and_roles_but_no_id_numbers(
        self,
    ) -> None:
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
        self.assertContains(page, "钱法人（legal representative (法定代表人)）")
        content = page.content.decode()
        self.assertTrue(boss.id_number_masked)
        listed_names = set(listing.listed_persons.values_list("person__name", flat=True))
        private_values = (
            "" if worker.name in listed_names else worker.name,  # 王建国 is both, here
            worker.id_number_masked,
            worker.phone_masked,
            boss.id_number_masked,
            boss.id_number_masked[-4:],
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

    def test_reads_the_page_in_a_fixed_number_of_queries(self) -> None:
        for n in range(3):
            make_listing(self, make_ordered_case(self, employer_name=f"辽源市查询{n}号公司"))
        with self.assertNumQueries(3):  # count, listings with organizations, their persons
            page = self.client.get(reverse("blacklist:list"))
        self.assertContains(page, "辽源市查询2号公司")

    def test_searches_by_name(self) -> None:
        make_listing(self, make_ordered_case(self, employer_name="辽源市甲建筑有限公司"))
        make_listing(self, make_ordered_case(self, employer_name="辽源市乙建筑有限公司"))
        page = self.client.get(reverse("blacklist:list"), {"q": "甲建筑"})
        self.assertContains(page, "辽源市甲建筑有限公司")
        self.assertNotContains(page, "辽源市乙建筑有限公司")
