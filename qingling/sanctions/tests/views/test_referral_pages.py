import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.sanctions.lifecycle import ReferralStatus
from qingling.sanctions.models import Referral
from qingling.sanctions.tests.world import AFTER_DUE, THRESHOLDS, make_ordered_case, make_referral
from qingling.testing import BaseTestCase


@override_settings(LANGUAGE_CODE="en")
@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
class ReferralPagesTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_ordered_case(self)

    def test_the_case_page_links_to_proposing(self) -> None:
        self.login(self.inspector)
        page = self.client.get(reverse("cases:case_detail", args=[self.case.public_id]))
        self.assertContains(page, reverse("sanctions:referral_propose", args=[self.case.public_id]))

    def test_the_proposal_page_shows_which_conditions_are_met(self) -> None:
        self.login(self.inspector)
        page = self.client.get(reverse("sanctions:referral_propose", args=[self.case.public_id]))
        self.assertContains(page, 'data-condition="order_unpaid" data-met="yes"')
        self.assertContains(page, 'data-condition="ten_workers" data-met="no"')
        self.assertContains(page, 'data-condition="evasion" data-met="no"')

    def test_proposing_below_the_threshold_shows_the_rule(self) -> None:
        case = make_ordered_case(self, amount="800.00", employer_name="宏达劳务")
        self.login(self.inspector)
        page = self.client.post(
            reverse("sanctions:referral_propose", args=[case.public_id]),
            {"report": "拖欠", "three_months_pay": "on"},
        )
        self.assertContains(page, "法释〔2013〕3号 Art. 3")
        self.assertFalse(Referral.objects.exists())

    def test_proposes_and_the_director_approves_from_the_pages(self) -> None:
        self.login(self.inspector)
        response = self.client.post(
            reverse("sanctions:referral_propose", args=[self.case.public_id]),
            {"report": "拖欠三个月工资", "three_months_pay": "on"},
        )
        referral = Referral.objects.get()
        self.assertRedirects(
            response, reverse("sanctions:referral_detail", args=[referral.public_id])
        )
        self.login(self.director)
        page = self.client.get(reverse("sanctions:referral_detail", args=[referral.public_id]))
        self.assertContains(page, 'data-step="approve"')
        self.client.post(
            reverse("sanctions:referral_act", args=[referral.public_id, "approve"]),
            {"approve-note": ""},
        )
        referral.refresh_from_db()
        self.assertEqual(referral.status, ReferralStatus.APPROVED)

    def test_the_case_page_shows_the_stage_and_the_police_decision(self) -> None:
        make_referral(self, self.case, status=ReferralStatus.ACCEPTED)
        self.login(self.chief)
        page = self.client.get(reverse("cases:case_detail", args=[self.case.public_id]))
        self.assertContains(page, 'id="fact-referral"')
        self.assertContains(page, "police opened a criminal case")

    def test_the_letter_and_evidence_list_download_as_docx(self) -> None:
        referral = make_referral(self, self.case, status=ReferralStatus.SENT)
        self.login(self.inspector)
        for kind in ("letter", "evidence_list"):
            with self.subTest(kind):
                response = self.client.get(
                    reverse("sanctions:referral_document", args=[referral.public_id, kind])
                )
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.content.startswith(b"PK"))

    def test_another_district_gets_404_and_an_outsider_403(self) -> None:
        referral = make_referral(self, self.case)
        url = reverse("sanctions:referral_detail", args=[referral.public_id])
        self.login(self.xian)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 403)
