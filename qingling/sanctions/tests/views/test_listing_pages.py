import datetime as dt

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.cases.models import Case
from qingling.parties.demo import fake_id_number
from qingling.sanctions.lifecycle import ListingStatus
from qingling.sanctions.models import Listing
from qingling.sanctions.tests.world import (
    AFTER_DUE,
    THRESHOLDS,
    TODAY,
    make_listing,
    make_ordered_case,
    notice_serve_only,
)
from qingling.testing import BaseTestCase


@THRESHOLDS
@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(AFTER_DUE, tick=False)
class ListingPagesTests(BaseTestCase):
    case: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = make_ordered_case(cls, employer_name="辽源市页面建筑有限公司")

    def test_an_inspector_proposes_from_the_case_page(self) -> None:
        self.login(self.inspector)
        case_page = self.client.get(reverse("cases:case_detail", args=[self.case.public_id]))
        propose = f"{reverse('sanctions:listing_propose')}?case={self.case.public_id}"
        self.assertContains(case_page, propose)
        form = self.client.get(propose)
        self.assertContains(form, self.case.number)
        response = self.client.post(
            reverse("sanctions:listing_propose"),
            {"case_number": self.case.number, "ground": "threshold", "reason": "逾期未付"},
        )
        listing = Listing.objects.get()
        self.assertRedirects(
            response, reverse("sanctions:listing_detail", args=[listing.public_id])
        )
        self.assertEqual(listing.proposed_by_id, self.inspector.pk)

    def test_a_refused_proposal_names_the_field(self) -> None:
        self.login(self.inspector)
        with time_machine.travel(dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC), tick=False):
            response = self.client.post(
                reverse("sanctions:listing_propose"),
                {"case_number": self.case.number, "ground": "threshold", "reason": "逾期未付"},
            )
        self.assertEqual(response.status_code, 200)
        self.assertIn("has not passed", str(response.context["form"].errors["case_number"]))
        self.assertFalse(Listing.objects.exists())

    def act(self, listing: Listing, step: str, data: dict[str, str]) -> None:
        url = reverse("sanctions:listing_act", args=[listing.public_id, step])
        self.client.post(url, {f"{step}-{name}": value for name, value in data.items()})

    def test_notice_service_waiver_and_decision_on_the_listing_page(self) -> None:
        listing = make_listing(self, self.case, status=ListingStatus.PROPOSED)
        url = reverse("sanctions:listing_detail", args=[listing.public_id])
        self.login(self.inspector)
        self.assertContains(self.client.get(url), 'data-step="notice"')
        self.act(listing, "notice", {"defence_days": "5"})
        listing.refresh_from_db()
        assert listing.notice_document is not None
        page = self.client.get(url)
        self.assertContains(page, listing.notice_document.number)
        self.assertContains(page, "Record its service on the case page")
        self.assertNotContains(page, 'data-step="notice"')
        notice_serve_only(self, listing)
        self.act(listing, "notify", {"note": ""})
        self.act(listing, "waive", {"waived_on": TODAY.isoformat(), "note": "放弃声明存于案卷"})
        self.login(self.chief)
        self.assertContains(self.client.get(url), 'data-step="decide"')
        self.act(
            listing,
            "decide",
            {
                "principal_name": "李主要",
                "principal_id_number": fake_id_number(self.rng),
                "note": "放弃申辩",
            },
        )
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.LISTED)
        self.assertEqual(listing.listed_persons.get().person.name, "李主要")
        page = self.client.get(url)
        self.assertContains(page, listing.number)
        self.assertContains(page, "2029-12-14")
        self.assertContains(page, 'data-kind="listing_decision"')

    def test_a_decision_without_a_person_is_refused_with_the_rule(self) -> None:
        listing = make_listing(self, self.case, status=ListingStatus.NOTIFIED)
        url = reverse("sanctions:listing_detail", args=[listing.public_id])
        with time_machine.travel(dt.datetime(2026, 12, 22, 2, tzinfo=dt.UTC), tick=False):
            self.login(self.chief)  # a session lasts 8 hours
            self.act(listing, "decide", {"note": "x"})
            page = self.client.get(url)
        self.assertContains(page, "人社部令第45号 Art. 5")
        self.assertEqual(Listing.objects.get().status, ListingStatus.NOTIFIED)

    def test_an_inspector_cannot_decide(self) -> None:
        listing = make_listing(self, self.case, status=ListingStatus.NOTIFIED)
        self.login(self.inspector)
        page = self.client.get(reverse("sanctions:listing_detail", args=[listing.public_id]))
        self.assertNotContains(page, 'data-step="decide"')
        self.client.post(reverse("sanctions:listing_act", args=[listing.public_id, "decide"]), {})
        self.assertEqual(Listing.objects.get().status, ListingStatus.NOTIFIED)

    def test_the_list_shows_the_jurisdictions_listings(self) -> None:
        listing = make_listing(self, self.case)
        self.login(self.intake)
        page = self.client.get(reverse("sanctions:listing_list"))
        self.assertContains(page, "辽源市页面建筑有限公司")
        self.assertContains(page, listing.number)
        self.assertNotContains(page, reverse("sanctions:listing_propose"))

    def test_outsiders_and_other_districts_see_nothing(self) -> None:
        listing = make_listing(self, self.case)
        detail = reverse("sanctions:listing_detail", args=[listing.public_id])
        act = reverse("sanctions:listing_act", args=[listing.public_id, "withdraw"])
        self.login(self.outsider)
        for url in (
            reverse("sanctions:listing_list"),
            reverse("sanctions:listing_propose"),
            detail,
        ):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 403)
                self.assertNotContains(response, "辽源市页面建筑有限公司", status_code=403)
        self.assertEqual(self.client.post(act, {"withdraw-note": "x"}).status_code, 403)
        self.login(self.xian)
        self.assertNotContains(self.client.get(reverse("sanctions:listing_list")), "页面建筑")
        self.assertEqual(self.client.get(detail).status_code, 404)
        self.assertEqual(self.client.post(act, {"withdraw-note": "x"}).status_code, 404)
        self.assertEqual(Listing.objects.get().status, ListingStatus.LISTED)

    def test_anonymous_is_sent_to_sign_in(self) -> None:
        response = self.client.get(reverse("sanctions:listing_list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])
