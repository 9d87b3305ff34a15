import datetime as dt
import tempfile
from pathlib import Path

import time_machine
from django.db import transaction
from django.test import override_settings

from qingling.core.models import AuditEvent
from qingling.notify.models import OutboxMessage
from qingling.notify.services import outbox_deliver_due, outbox_enqueue
from qingling.testing import CURRENT_TIME, BaseTestCase

Status = OutboxMessage.Status


@override_settings(QINGLING_SMS_DAILY_LIMIT_PER_NUMBER=10)
class SmsDailyLimitTests(BaseTestCase):
    """The gateway never texts one number more than the daily limit (issue 17, 2: 50
    posts queued 50 messages to a number the sender chose)."""

    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        sms_file = override_settings(QINGLING_SMS_FILE=Path(folder.name) / "sms.log")
        sms_file.enable()
        self.addCleanup(sms_file.disable)
        traveller = time_machine.travel(CURRENT_TIME, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def text(self, phone: str, count: int) -> list[OutboxMessage]:
        with transaction.atomic():
            return [
                outbox_enqueue(
                    gateway="sms",
                    destination="",
                    phone=phone,
                    payload={"template": "phone_code", "code": f"{n:06d}"},
                    subject=None,
                    actor=None,
                )
                for n in range(count)
            ]

    def test_the_eleventh_message_of_a_day_to_one_number_is_refused_with_the_reason(self) -> None:
        messages = self.text("13843712345", 12)
        report = outbox_deliver_due(now=CURRENT_TIME)
        self.assertEqual((report.sent, report.failed), (10, 2))
        refused = OutboxMessage.objects.filter(status=Status.FAILED)
        self.assertEqual({m.pk for m in refused}, {messages[10].pk, messages[11].pk})
        for message in refused:
            self.assertIn("daily limit of 10 text messages", message.last_error)
            self.assertEqual(message.destination, "138******45")  # masked, as everywhere
        self.assertEqual(
            AuditEvent.objects.filter(action="outbox.fail").count(), 2
        )  # visible, never silently dropped

    def test_other_numbers_are_counted_apart(self) -> None:
        self.text("13843712345", 10)
        self.text("13912345678", 3)
        self.assertEqual(outbox_deliver_due(now=CURRENT_TIME).sent, 13)

    def test_the_next_day_the_number_may_be_texted_again(self) -> None:
        self.text("13843712345", 11)
        outbox_deliver_due(now=CURRENT_TIME)
        tomorrow = CURRENT_TIME + dt.timedelta(days=1)
        with time_machine.travel(tomorrow, tick=False):
            self.text("13843712345", 1)
            self.assertEqual(outbox_deliver_due(now=tomorrow).sent, 1)
