"""Notifications to staff: where each goes by the person's settings, through the outbox
(text messages, a webhook posted to a local server), and the daily digest."""

import datetime as dt
import json
from typing import Any

import time_machine
from django.test import override_settings

from qingling.accounts.models import User
from qingling.core.exceptions import Forbidden, InvalidInput
from qingling.notify.models import (
    Notification,
    NotificationKind,
    NotificationSettings,
    OutboxMessage,
)
from qingling.notify.services import (
    notification_send,
    notification_settings_update,
    notifications_digest_send,
    notifications_mark_read,
    outbox_deliver_due,
)
from qingling.notify.tests.fakes import RecordingServer
from qingling.testing import CURRENT_TIME, BaseTestCase

ASSIGNED = NotificationKind.ASSIGNED


def everything(*channels: str) -> dict[str, list[str]]:
    return {kind: list(channels) for kind in NotificationKind.values}


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en", QINGLING_PUBLIC_URL="https://ql.example")
class NotificationSendTests(BaseTestCase):
    def send(self, *recipients: User, **kwargs: Any) -> list[Notification]:
        values: dict[str, Any] = {
            "kind": ASSIGNED,
            "text": "Case 1 is assigned to you.",
            "url": "/cases/x/",
        }
        return notification_send(
            recipients=recipients or [self.inspector], **(values | kwargs), actor=self.chief
        )

    def test_without_settings_it_is_shown_under_the_bell_only(self) -> None:
        [notification] = self.send()
        self.assertTrue(notification.in_app)
        self.assertIsNone(notification.read_at)
        self.assertFalse(OutboxMessage.objects.exists())

    def test_the_person_who_acted_is_not_told(self) -> None:
        self.assertEqual(self.send(self.chief), [])

    def test_the_same_event_is_told_once(self) -> None:
        self.send(dedupe_key="case.warn:1")
        self.assertEqual(self.send(dedupe_key="case.warn:1"), [])
        self.assertEqual(Notification.objects.count(), 1)

    def test_a_text_message_goes_through_the_outbox_to_the_masked_phone(self) -> None:
        notification_settings_update(
            user=self.inspector,
            choices={ASSIGNED: ["in_app", "sms"]},
            phone="13843712345",
            webhook_url="",
            digest=False,
            actor=self.inspector,
        )
        self.send()
        message = OutboxMessage.objects.get()
        self.assertEqual((message.gateway, message.destination), ("sms", "138******45"))
        self.assertIn(
            "Case 1 is assigned to you. https://ql.example/cases/x/", message.payload["text"]
        )

    def test_a_kind_left_out_of_qingling_is_not_under_the_bell(self) -> None:
        notification_settings_update(
            user=self.inspector,
            choices={ASSIGNED: []},
            phone="",
            webhook_url="",
            digest=False,
            actor=self.inspector,
        )
        [notification] = self.send()
        self.assertFalse(notification.in_app)

    def test_the_webhook_posts_json_to_the_persons_url_and_retries(self) -> None:
        server = RecordingServer(statuses=[503])
        self.addCleanup(server.stop)
        notification_settings_update(
            user=self.inspector,
            choices=everything("webhook"),
            phone="",
            webhook_url=server.url + "/robot?key=k",
            digest=False,
            actor=self.inspector,
        )
        self.send(due=dt.date(2026, 12, 1))
        first = outbox_deliver_due(now=CURRENT_TIME)
        self.assertEqual((first.sent, first.retried), (0, 1))
        second = outbox_deliver_due(now=CURRENT_TIME + dt.timedelta(hours=1))
        self.assertEqual(second.sent, 1)
        self.assertEqual(len(server.requests), 2)
        body = json.loads(server.requests[-1].body)
        self.assertEqual(server.requests[-1].path, "/robot?key=k")
        self.assertEqual(body["msgtype"], "text")
        self.assertIn("Case 1 is assigned to you.", body["text"]["content"])
        self.assertEqual(body["qingling"]["kind"], "assigned")
        self.assertEqual(body["qingling"]["recipient"], "inspector")
        self.assertEqual(body["qingling"]["due"], "2026-12-01")

    def test_the_digest_sends_one_message_a_day_instead_of_one_per_event(self) -> None:
        notification_settings_update(
            user=self.inspector,
            choices=everything("in_app", "sms"),
            phone="13843712345",
            webhook_url="",
            digest=True,
            actor=self.inspector,
        )
        self.send(text="First.")
        self.send(text="Second.", kind=NotificationKind.PAYMENT)
        self.assertFalse(OutboxMessage.objects.exists())
        early = dt.datetime(2026, 11, 27, 23, 0, tzinfo=dt.UTC)  # 07:00 in Shanghai
        self.assertEqual(notifications_digest_send(now=early), 0)
        morning = dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
        self.assertEqual(notifications_digest_send(now=morning), 1)
        message = OutboxMessage.objects.get()
        self.assertIn("2 item(s)", message.payload["text"])
        self.assertIn("- First.\n- Second.", message.payload["text"])
        self.assertEqual(notifications_digest_send(now=morning + dt.timedelta(hours=2)), 0)
        self.send(text="Third.")
        self.assertEqual(notifications_digest_send(now=morning + dt.timedelta(days=1)), 1)
        self.assertEqual(OutboxMessage.objects.count(), 2)

    def test_mark_read_touches_only_the_persons_own(self) -> None:
        [mine] = self.send()
        [theirs] = self.send(self.inspector2)
        self.assertEqual(notifications_mark_read(user=self.inspector), 1)
        theirs.refresh_from_db()
        self.assertIsNone(theirs.read_at)
        mine.refresh_from_db()
        self.assertIsNotNone(mine.read_at)


@override_settings(LANGUAGE_CODE="en")
class NotificationSettingsUpdateTests(BaseTestCase):
    def update(self, **kwargs: Any) -> NotificationSettings:
        values: dict[str, Any] = {
            "user": self.inspector,
            "choices": {},
            "phone": "",
            "webhook_url": "",
            "digest": False,
            "actor": self.inspector,
        }
        return notification_settings_update(**(values | kwargs))

    def test_a_text_message_needs_a_phone_and_a_webhook_a_url(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            self.update(choices={ASSIGNED: ["sms", "webhook"]})
        self.assertEqual(set(caught.exception.extra["fields"]), {"phone", "webhook_url"})

    def test_a_wrong_phone_or_url_is_refused_beside_its_field(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            self.update(phone="12345", webhook_url="ftp://x")
        self.assertEqual(set(caught.exception.extra["fields"]), {"phone", "webhook_url"})

    def test_only_the_person_changes_their_own(self) -> None:
        with self.assertRaises(Forbidden):
            self.update(actor=self.chief)

    def test_the_phone_is_kept_sealed_and_shown_masked(self) -> None:
        saved = self.update(choices={ASSIGNED: ["sms"]}, phone="13843712345")
        self.assertEqual(saved.phone_masked, "138******45")
        self.assertNotIn("13843712345", saved.phone_sealed)
        again = self.update(choices={ASSIGNED: ["sms"]})  # empty phone: keep the one on file
        self.assertEqual(again.phone_masked, "138******45")
