from unittest import mock

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.core.jobs import import_jobs_run
from qingling.core.models import ImportJob
from qingling.core.personal_data import seal
from qingling.employment.models import Push
from qingling.employment.tests.world import (
    EmploymentWorld,
    make_officer,
    make_posting,
    make_seeker,
)
from qingling.notify.models import OutboxMessage
from qingling.parties.models import Person
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
    def test_a_large_push_goes_to_the_worker_with_its_progress_page(self) -> None:
        make_seeker(self.rng, township="北寿街道")
        self.login(self.employment)
        with mock.patch("qingling.employment.views.pairings.PAGE_SEND_MAX", 2):
            counted = self.client.get(PAGE, {"county": "220402", "township": "", "limit": "3"})
            response = self.client.post(PAGE, {"county": "220402", "township": "", "limit": 3})
        self.assertContains(counted, "sent in the background")
        job = ImportJob.objects.get()
        self.assertEqual(job.kind, "employment.push")
        self.assertEqual(job.params, {"county": "220402", "township": "", "limit": 3})
        self.assertRedirects(response, reverse("employment:push_job", args=[job.public_id]))
        self.assertFalse(OutboxMessage.objects.exists())  # nothing sent in the request
        waiting = self.client.get(response["Location"])
        self.assertContains(waiting, "Waiting for the worker")
        import_jobs_run()
        done = self.client.get(response["Location"])
        self.assertContains(done, 'id="push-report"')
        job.refresh_from_db()
        self.assertEqual((job.status, job.rows_created), ("done", 3))
        self.assertEqual(OutboxMessage.objects.count(), 3)
        self.assertEqual(Push.objects.count(), 3)
        # Only who started it reads the report.
        self.login(make_officer("employment2", unit=self.city_unit))
        self.assertEqual(self.client.get(response["Location"]).status_code, 404)

    def test_the_preview_counts_what_is_sent(self) -> None:
        # Three workers the rules let through; one wants work no posting offers, one has
        # a number that is not a mobile number: the preview says 1, and 1 is sent.
        make_seeker(self.rng, township="北寿街道", occupations=("2-01",))
        broken = make_seeker(self.rng, township="北寿街道")
        Person.objects.filter(pk=broken.person_id).update(
            phone_sealed=seal("04372234567", purpose="phone")
        )
        self.login(self.employment)
        area = {"county": "220402", "township": "北寿街道", "limit": "3"}
        preview = self.client.get(PAGE, area).context["preview"]
        self.assertEqual(
            (preview.total, preview.to_send, preview.nothing_to_offer, preview.no_address),
            (3, 1, 1, 1),
        )
        self.assertTrue(preview.exact)
        report = self.client.post(PAGE, area).context["report"]
        self.assertEqual(report.sent, preview.to_send)
        self.assertEqual(
            (report.skipped_nothing_to_offer, report.skipped_no_address, report.failed), (1, 1, 0)
        )

    def test_a_director_may_not_send(self) -> None:
        self.login(self.director)
        self.assertEqual(self.client.post(PAGE, {"limit": 3}).status_code, 403)
        self.assertFalse(OutboxMessage.objects.exists())

    def test_the_outsider_sees_nothing(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(PAGE).status_code, 403)
        self.assertEqual(self.client.post(PAGE, {"limit": 3}).status_code, 403)
        self.assertFalse(OutboxMessage.objects.exists())
