import json
from unittest import mock

from django.test import override_settings

from qingling.core.exceptions import InvalidInput
from qingling.core.models import AuditEvent
from qingling.core.personal_data import mask_phone, unseal
from qingling.notify.gateways import Gateway, gateway_get
from qingling.notify.models import OutboxMessage
from qingling.notify.services import outbox_enqueue
from qingling.parties.demo import fake_mobile
from qingling.testing import BaseTestCase, make_person


@override_settings(LANGUAGE_CODE="en")
class OutboxEnqueueTests(BaseTestCase):
    def test_writes_a_pending_message_about_its_subject_and_audits_it(self) -> None:
        person = make_person(self.rng)
        message = outbox_enqueue(
            gateway="webhook",
            destination="https://12345.example.gov.cn/hooks/complaints",
            payload={"event": "complaint.accepted"},
            subject=person,
            actor=self.intake,
        )
        message.refresh_from_db()
        self.assertEqual(message.status, OutboxMessage.Status.PENDING)
        self.assertEqual(
            (message.subject_type, message.subject_id), ("parties.person", str(person.pk))
        )
        self.assertEqual(message.attempts, 0)
        self.assertEqual(message.payload, {"event": "complaint.accepted"})
        event = AuditEvent.objects.get(action="outbox.enqueue")
        self.assertEqual((event.actor, event.object_id), (self.intake, str(message.pk)))
        self.assertEqual((event.after or {})["destination"], message.destination)

    def test_the_same_dedupe_key_twice_returns_the_first_message(self) -> None:
        kwargs = {
            "gateway": "webhook",
            "destination": "https://a.example/",
            "payload": {"n": 1},
            "subject": None,
            "dedupe_key": "complaint:1:accepted",
            "actor": None,
        }
        first = outbox_enqueue(**kwargs)  # type: ignore[arg-type]
        second = outbox_enqueue(**{**kwargs, "payload": {"n": 2}})  # type: ignore[arg-type]
        self.assertEqual(second.pk, first.pk)
        self.assertEqual(OutboxMessage.objects.get().payload, {"n": 1})
        self.assertEqual(AuditEvent.objects.filter(action="outbox.enqueue").count(), 1)

    def test_a_lost_dedupe_race_returns_the_winner(self) -> None:
        winners: list[OutboxMessage] = []

        def another_request_commits_first(name: str) -> Gateway:
            # Between our look-up and our insert, another transaction writes the same key.
            winners.append(
                OutboxMessage.objects.create(
                    gateway="webhook", destination="https://a.example/", dedupe_key="k"
                )
            )
            return gateway_get(name)

        with mock.patch(
            "qingling.notify.services.gateway_get", side_effect=another_request_commits_first
        ):
            message = outbox_enqueue(
                gateway="webhook",
                destination="https://a.example/",
                payload={},
                subject=None,
                dedupe_key="k",
                actor=None,
            )
        self.assertEqual(message.pk, winners[0].pk)
        self.assertEqual(OutboxMessage.objects.count(), 1)
        self.assertIs(AuditEvent.objects.filter(action="outbox.enqueue").exists(), False)

    def test_empty_dedupe_keys_do_not_collide(self) -> None:
        for _ in range(2):
            outbox_enqueue(
                gateway="webhook",
                destination="https://a.example/",
                payload={},
                subject=None,
                actor=None,
            )
        self.assertEqual(OutboxMessage.objects.count(), 2)

    def test_seals_the_phone_and_keeps_only_the_masked_number_in_sight(self) -> None:
        phone = fake_mobile(self.rng)
        message = outbox_enqueue(
            gateway="sms",
            destination="",
            payload={"text": "您的投诉已受理"},
            subject=None,
            actor=self.intake,
            phone=phone,
        )
        message.refresh_from_db()
        self.assertEqual(message.destination, mask_phone(phone))
        self.assertEqual(unseal(message.destination_sealed, purpose="phone"), phone)
        event = AuditEvent.objects.get(action="outbox.enqueue")
        self.assertNotIn(phone, json.dumps([event.before, event.after, event.object_label]))

    def test_refuses_what_cannot_be_sent(self) -> None:
        cases = (
            ({"gateway": "pigeon", "destination": "x"}, "gateway"),
            ({"gateway": "webhook", "destination": "ftp://a.example/"}, "destination"),
            (
                {"gateway": "webhook", "destination": "https://a.example/", "phone": "13800138000"},
                "phone",
            ),
            ({"gateway": "sms", "destination": "", "phone": "12345"}, "phone"),
            ({"gateway": "sms", "destination": ""}, "phone"),
        )
        for kwargs, field in cases:
            with self.subTest(kwargs), self.assertRaises(InvalidInput) as caught:
                outbox_enqueue(payload={}, subject=None, actor=None, **kwargs)
            self.assertIn(field, caught.exception.extra["fields"])
        self.assertIs(OutboxMessage.objects.exists(), False)

    def test_refuses_to_run_outside_a_transaction(self) -> None:
        connection = mock.Mock(in_atomic_block=False)
        with (
            mock.patch(
                "qingling.notify.services.transaction.get_connection", return_value=connection
            ),
            self.assertRaisesMessage(RuntimeError, "inside the transaction"),
        ):
            outbox_enqueue(
                gateway="webhook",
                destination="https://a.example/",
                payload={},
                subject=None,
                actor=None,
            )
