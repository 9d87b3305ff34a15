from unittest import mock

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.employment.models import Push
from qingling.employment.tests.world import EmploymentWorld, make_posting, make_seeker
from qingling.notify.models import OutboxMessage
from qingling.testing import CURRENT_TIME

PAGE = reverse("employment:push_send")


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(QINGLING_PUBLIC_URL="https://jobs.example")
class PushPageTests(EmploymentWorld):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_posting(cls.employer)
        make_seeker(cls.rng, township="向阳街道")
        make_seeker(cls.rng, township="向阳街道", contact_consent=False)
        make_seeker(cls.rng, township="北寿街道")

    def test_counts_before_sending(self) -> None:
        self.login(self.employment)
        response = self.client.get(PAGE, {"county": "220402", "township": "向阳街道", "limit": "3"})
        self.assertEqual(response.context["preview"].total, 2)
        self.assertEqual(response.context["preview"].to_send, 1)
        self.assertContains(response, 'id="push-preview"')
        self.assertFalse(OutboxMessage.objects.exists())

    def test_sends_to_the_chosen_township_and_shows_the_report(self) -> None:
        self.login(self.employment)
        response = self.client.post(PAGE, {"county": "220402", "township": "向阳街道", "limit": 3})
        report = response.context["report"]
        self.assertEqual((report.sent, report.skipped_no_consent), (1, 1))
        self.assertContains(response, 'id="push-report"')
        self.assertEqual(Push.objects.get().seeker.township, "向阳街道")
        again = self.client.post(PAGE, {"county": "220402", "township": "向阳街道", "limit": 3})
        self.assertEqual(again.context["report"].already_sent, 1)
        self.assertEqual(OutboxMessage.objects.count(), 1)

    def test_sends_to_everyone_without_a_filter(self) -> None:
        self.login(self.employment)
        response = self.client.post(PAGE, {"county": "", "township": "", "limit": ""})
        self.assertEqual(response.context["report"].sent, 2)

    @override_settings(LANGUAGE_CODE="en")
    def test_refuses_an_area_too_large_for_a_web_request(self) -> None:
        make_seeker(self.rng, township="北寿街道")
        self.login(self.employment)
        with mock.patch("qingling.employment.views.pairings.PAGE_SEND_MAX", 2):
            counted = self.client.get(PAGE, {"county": "220402", "township": "", "limit": "3"})
            response = self.client.post(PAGE, {"county": "220402", "township": "", "limit": 3})
            smaller = self.client.post(
                PAGE, {"county": "220402", "township": "北寿街道", "limit": 3}
            )
        self.assertNotContains(counted, "Send up to")
        self.assertIsNone(response.context["report"])
        [error] = response.context["form"].errors["county"]
        self.assertIn("3 workers would get a message", error)
        self.assertIn("qingling push-jobs --county 220402", error)
        self.assertContains(response, "push-jobs --county 220402")
        # A smaller area of the same county still goes from the page.
        self.assertEqual(smaller.context["report"].sent, 2)
        self.assertEqual(OutboxMessage.objects.count(), 2)

    def test_a_director_may_not_send(self) -> None:
        self.login(self.director)
        self.assertEqual(self.client.post(PAGE, {"limit": 3}).status_code, 403)
        self.assertFalse(OutboxMessage.objects.exists())

    def test_the_outsider_sees_nothing(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(PAGE).status_code, 403)
        self.assertEqual(self.client.post(PAGE, {"limit": 3}).status_code, 403)
        self.assertFalse(OutboxMessage.objects.exists())
