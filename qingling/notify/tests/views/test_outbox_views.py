from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingling.core.models import AuditEvent
from qingling.notify.models import OutboxMessage
from qingling.notify.services import outbox_enqueue
from qingling.parties.demo import fake_mobile
from qingling.testing import BaseTestCase

Status = OutboxMessage.Status


def make_message(status: str = Status.FAILED, **kwargs: object) -> OutboxMessage:
    fields: dict[str, object] = {
        "gateway": "webhook",
        "destination": "https://12345.example.gov.cn/hook",
        "status": status,
        "attempts": 8 if status == Status.FAILED else 0,
        "last_error": "HTTP 503" if status == Status.FAILED else "",
        **kwargs,
    }
    return OutboxMessage.objects.create(**fields)


@override_settings(LANGUAGE_CODE="en")
class OutboxListViewTests(BaseTestCase):
    url = reverse("notify:outbox_list")

    def test_only_chiefs_directors_and_administrators_see_the_outbox(self) -> None:
        expected = {
            "chief": 200,
            "director": 200,
            "admin": 200,
            "intake": 403,
            "inspector": 403,
            "xian": 403,
            "employment": 403,
            "outsider": 403,
        }
        for persona, status in expected.items():
            with self.subTest(persona):
                self.client.force_login(getattr(self, persona))
                self.assertEqual(self.client.get(self.url).status_code, status)

    def test_sends_the_anonymous_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])

    def test_lists_pending_and_failed_with_attempts_errors_and_a_retry_for_the_failed(self) -> None:
        failed = make_message(Status.FAILED)
        pending = make_message(Status.PENDING, attempts=2, last_error="HTTP 500")
        sent = make_message(Status.SENT, destination="https://sent.example/")
        self.client.force_login(self.chief)
        response = self.client.get(self.url)
        self.assertEqual(list(response.context["page"]), [pending, failed])
        self.assertContains(response, "HTTP 503")
        self.assertContains(response, "HTTP 500")
        self.assertContains(response, "1 message could not be delivered.")
        self.assertContains(response, reverse("notify:outbox_retry", args=[failed.public_id]))
        self.assertNotContains(response, reverse("notify:outbox_retry", args=[pending.public_id]))
        self.assertNotContains(response, sent.destination)

    def test_filters_by_status(self) -> None:
        sent = make_message(Status.SENT)
        make_message(Status.FAILED)
        self.client.force_login(self.chief)
        response = self.client.get(self.url, {"status": "sent"})
        self.assertEqual(list(response.context["page"]), [sent])
        response = self.client.get(self.url, {"status": "nonsense"})
        self.assertEqual(response.context["status"], "")

    def test_shows_a_text_message_phone_masked_only(self) -> None:
        phone = fake_mobile(self.rng)
        message = outbox_enqueue(
            gateway="sms",
            destination="",
            payload={"text": "您好"},
            subject=None,
            actor=None,
            phone=phone,
        )
        self.client.force_login(self.chief)
        response = self.client.get(self.url)
        self.assertContains(
            response, f'data-label="Destination">{message.destination}</td>', html=False
        )
        self.assertNotContains(response, phone)

    def test_query_count_does_not_grow_with_the_rows(self) -> None:
        self.client.force_login(self.chief)
        for _ in range(3):
            make_message()
        with CaptureQueriesContext(connection) as three:
            self.assertEqual(len(self.client.get(self.url).context["page"]), 3)
        for _ in range(30):
            make_message()
        with self.assertNumQueries(len(three)):
            self.assertEqual(len(self.client.get(self.url).context["page"]), 33)


@override_settings(LANGUAGE_CODE="en")
class OutboxRetryViewTests(BaseTestCase):
    def url(self, message: OutboxMessage) -> str:
        return reverse("notify:outbox_retry", args=[message.public_id])

    def test_requeues_a_failed_message_and_audits_who_did(self) -> None:
        message = make_message(Status.FAILED)
        self.client.force_login(self.chief)
        response = self.client.post(self.url(message), follow=True)
        self.assertRedirects(response, reverse("notify:outbox_list"))
        self.assertContains(response, "The message is queued to be sent again.")
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (Status.PENDING, 0))
        event = AuditEvent.objects.get(action="outbox.retry")
        self.assertEqual((event.actor, event.object_id), (self.chief, str(message.pk)))

    def test_says_why_it_cannot_retry_a_message_that_has_not_failed(self) -> None:
        message = make_message(Status.SENT)
        self.client.force_login(self.director)
        response = self.client.post(self.url(message), follow=True)
        self.assertContains(response, "Only a failed message can be retried.")
        message.refresh_from_db()
        self.assertEqual(message.status, Status.SENT)

    def test_refuses_those_without_the_permission_and_a_get(self) -> None:
        message = make_message(Status.FAILED)
        for persona in ("inspector", "outsider"):
            with self.subTest(persona):
                self.client.force_login(getattr(self, persona))
                self.assertEqual(self.client.post(self.url(message)).status_code, 403)
        self.client.force_login(self.chief)
        self.assertEqual(self.client.get(self.url(message)).status_code, 405)
        message.refresh_from_db()
        self.assertEqual(message.status, Status.FAILED)
        self.assertIs(AuditEvent.objects.filter(action="outbox.retry").exists(), False)

    def test_answers_404_for_an_unknown_message(self) -> None:
        self.client.force_login(self.chief)
        url = reverse("notify:outbox_retry", args=["00000000-0000-0000-0000-000000000000"])
        self.assertEqual(self.client.post(url).status_code, 404)
