import datetime as dt

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.cases.models import Case
from qingling.cases.tests.documents_world import docx_text
from qingling.parties.demo import fake_id_number
from qingling.sanctions.lifecycle import ListingStatus
from qingling.sanctions.models import Listing
from qingling.sanctions.services import listing_defence_waive
from qingling.sanctions.tests.world import (
    AFTER_DUE,
    THRESHOLDS,
    TODAY,
    make_listing,
    make_ordered_case,
    notice_serve_only,
)
from qingling.testing import BaseTestCase, make_person


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
            {
                "case_number": self.case.number,
                "ground": "threshold",
                "three_months_pay": "on",
                "reason": "逾期未付",
            },
        )
        listing = Listing.objects.get()
        self.assertTrue(listing.three_months_pay)
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
                "new1_name": "李主要",
                "new1_id_number": fake_id_number(self.rng),
                "new1_role": "principal",
                "new2_name": "赵控制",
                "new2_id_number": fake_id_number(self.rng),
                "new2_role": "controller",
                "new3_name": "孙控制",
                "new3_id_number": fake_id_number(self.rng),
                "new3_role": "controller",
                "note": "放弃申辩",
            },
        )
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.LISTED)
        self.assertEqual(
            sorted(listing.listed_persons.values_list("person__name", "role")),
            [("孙控制", "controller"), ("李主要", "principal"), ("赵控制", "controller")],
        )
        page = self.client.get(url)
        self.assertContains(page, listing.number)
        self.assertContains(page, "2029-12-14")
        self.assertContains(page, 'data-kind="listing_decision"')

    def test_the_decision_lists_any_number_of_the_organizations_people_and_names_them_all(
        self,
    ) -> None:
        representative = make_person(self.rng, name="钱法人")
        organization = self.case.respondent
        organization.legal_representative = representative
        organization.save(update_fields=["legal_representative"])
        listing = make_listing(self, self.case, status=ListingStatus.NOTIFIED)
        listing_defence_waive(
            listing=listing, waived_on=TODAY, note="放弃声明存于案卷", actor=self.inspector
        )
        url = reverse("sanctions:listing_detail", args=[listing.public_id])
        self.login(self.chief)
        page = self.client.get(url)
        self.assertContains(page, f'name="decide-person_{representative.pk}"')
        self.assertContains(page, '<option value="legal_representative" selected>')
        self.assertNotContains(page, 'name="decide-new4_name"')
        self.assertContains(self.client.get(url, {"rows": "6"}), 'name="decide-new6_name"')
        people = {
            f"new{n}_{part}": value
            for n, (name, role) in enumerate(
                (
                    ("李主要", "principal"),
                    ("赵控制", "controller"),
                    ("孙控制", "controller"),
                    ("周责任", "responsible"),
                ),
                start=1,
            )
            for part, value in (
                ("name", name),
                ("id_number", fake_id_number(self.rng)),
                ("role", role),
            )
        }
        self.act(
            listing,
            "decide",
            {f"person_{representative.pk}": "legal_representative", "rows": "4", **people},
        )
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.LISTED)
        self.assertEqual(listing.listed_persons.count(), 5)
        assert listing.decision_document is not None
        with listing.decision_document.file.open("rb") as stored:
            text = docx_text(stored.read())
        for name in ("钱法人", "李主要", "赵控制", "孙控制", "周责任"):
            with self.subTest(name):
                self.assertIn(name, text)

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
