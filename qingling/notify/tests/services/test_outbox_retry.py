import time_machine
from django.test import override_settings

from qingling.core.exceptions import Conflict
from qingling.core.models import AuditEvent
from qingling.notify.models import OutboxMessage
from qingling.notify.services import outbox_retry
from qingling.testing import CURRENT_TIME, BaseTestCase

Status = OutboxMessage.Status


@override_settings(LANGUAGE_CODE="en")
class OutboxRetryTests(BaseTestCase):
    def test_requeues_a_failed_message_now_with_fresh_attempts_and_audits(self) -> None:
        message = OutboxMessage.objects.create(
            gateway="webhook",
            destination="https://a.example/",
            status=Status.FAILED,
            attempts=8,
            last_error="HTTP 503",
        )
        with time_machine.travel(CURRENT_TIME, tick=False):
            outbox_retry(message=message, actor=self.chief)
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (Status.PENDING, 0))
        self.assertEqual(message.next_attempt_at, CURRENT_TIME)
        self.assertEqual(message.last_error, "HTTP 503")  # until the next attempt says otherwise
        event = AuditEvent.objects.get(action="outbox.retry")
        self.assertEqual(event.actor, self.chief)
        self.assertEqual(
            event.before, {"status": "failed", "attempts": 8, "last_error": "HTTP 503"}
        )
        self.assertEqual(event.after, {"status": "pending", "attempts": 0})

    def test_refuses_a_message_that_has_not_failed(self) -> None:
        for status in (Status.PENDING, Status.SENDING, Status.SENT):
            message = OutboxMessage.objects.create(
                gateway="webhook", destination="https://a.example/", status=status, attempts=1
            )
            with self.subTest(status), self.assertRaisesMessage(Conflict, "Only a failed message"):
                outbox_retry(message=message, actor=self.chief)
            message.refresh_from_db()
            self.assertEqual((message.status, message.attempts), (status, 1))
        self.assertIs(AuditEvent.objects.filter(action="outbox.retry").exists(), False)
