import hashlib
import hmac
import json
import socket
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

from django.test import override_settings

from qingling.core.personal_data import mask_phone, seal
from qingling.notify.gateways import (
    DeliveryError,
    SmsConsoleGateway,
    WebhookGateway,
    gateway_get,
    webhook_secret_for,
)
from qingling.notify.models import OutboxMessage
from qingling.notify.tests.fakes import RecordingServer
from qingling.parties.demo import fake_mobile
from qingling.testing import BaseTestCase


def webhook(url: str, payload: dict[str, object] | None = None) -> OutboxMessage:
    return OutboxMessage(gateway="webhook", destination=url, payload=payload or {"n": 1})


class WebhookGatewayTests(BaseTestCase):
    def setUp(self) -> None:
        self.server = RecordingServer()
        self.addCleanup(self.server.stop)

    def send(self, *statuses: int) -> None:
        self.server.statuses = list(statuses)
        WebhookGateway().send(webhook(f"{self.server.url}/hook"))

    def test_posts_the_payload_as_json(self) -> None:
        message = webhook(f"{self.server.url}/hook", {"text": "工资已到账", "amount": "1200.00"})
        WebhookGateway().send(message)
        [request] = self.server.requests
        self.assertEqual(request.path, "/hook")
        self.assertEqual(request.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(request.headers["X-Qingling-Message"], str(message.public_id))
        self.assertEqual(json.loads(request.body), {"text": "工资已到账", "amount": "1200.00"})

    def test_signs_the_body_with_the_secret_of_the_longest_matching_prefix(self) -> None:
        secrets = {self.server.url: "short", f"{self.server.url}/hook": "long", "http://x/": "x"}
        with override_settings(QINGLING_WEBHOOK_SECRETS=secrets):
            self.send(200)
        [request] = self.server.requests
        expected = hmac.new(b"long", request.body, hashlib.sha256).hexdigest()
        self.assertEqual(request.headers["X-Qingling-Signature"], f"sha256={expected}")

    @override_settings(QINGLING_WEBHOOK_SECRETS={"https://elsewhere.example/": "s"})
    def test_sends_no_signature_without_a_secret(self) -> None:
        self.send(200)
        self.assertIsNone(self.server.requests[0].headers["X-Qingling-Signature"])

    def test_classifies_the_answers(self) -> None:
        cases: tuple[tuple[int, bool | None], ...] = (
            (201, None),
            (204, None),
            (500, True),
            (503, True),
            (408, True),
            (429, True),
            (400, False),
            (404, False),
            (410, False),
            (302, False),
        )
        for status, retryable in cases:
            with self.subTest(status):
                if retryable is None:
                    self.send(status)
                    continue
                with self.assertRaises(DeliveryError) as caught:
                    self.send(status)
                self.assertIs(caught.exception.retryable, retryable)
                self.assertEqual(caught.exception.reason, f"HTTP {status}")

    def test_does_not_follow_a_redirect(self) -> None:
        with self.assertRaises(DeliveryError):
            self.send(302)
        self.assertEqual([r.path for r in self.server.requests], ["/hook"])

    def test_a_refused_connection_is_retryable(self) -> None:
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            port = unused.getsockname()[1]
        with self.assertRaises(DeliveryError) as caught:
            WebhookGateway().send(webhook(f"http://127.0.0.1:{port}/"))
        self.assertIs(caught.exception.retryable, True)
        self.assertIn("connection failed", caught.exception.reason)

    def test_a_time_out_is_retryable(self) -> None:
        with (
            mock.patch("urllib.request.OpenerDirector.open", side_effect=TimeoutError),
            self.assertRaises(DeliveryError) as caught,
        ):
            self.send()
        self.assertEqual((caught.exception.retryable, caught.exception.reason), (True, "timed out"))

    def test_refuses_a_destination_that_is_not_http(self) -> None:
        with self.assertRaises(DeliveryError) as caught:
            WebhookGateway().send(webhook("file:///etc/passwd"))
        self.assertIs(caught.exception.retryable, False)
        self.assertEqual(self.server.requests, [])


class WebhookSecretForTests(BaseTestCase):
    @override_settings(QINGLING_WEBHOOK_SECRETS={})
    def test_is_none_without_secrets(self) -> None:
        self.assertIsNone(webhook_secret_for("https://a.example/"))


class SmsConsoleGatewayTests(BaseTestCase):
    def setUp(self) -> None:
        directory = TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.path = Path(directory.name) / "var" / "sms-outbox.log"
        patcher = override_settings(QINGLING_SMS_FILE=self.path)
        patcher.enable()
        self.addCleanup(patcher.disable)

    def sms(self, phone: str, text: str) -> OutboxMessage:
        return OutboxMessage(
            gateway="sms",
            destination=mask_phone(phone),
            destination_sealed=seal(phone, purpose="phone"),
            payload={"text": text},
        )

    def test_writes_one_json_line_per_message_with_the_phone_masked(self) -> None:
        first, second = fake_mobile(self.rng), fake_mobile(self.rng)
        SmsConsoleGateway().send(self.sms(first, "您的投诉已受理"))
        SmsConsoleGateway().send(self.sms(second, f"请回电 {second}"))
        content = self.path.read_text(encoding="utf-8")
        lines = [json.loads(line) for line in content.splitlines()]
        self.assertEqual([line["to"] for line in lines], [mask_phone(first), mask_phone(second)])
        self.assertEqual(lines[0]["payload"], {"text": "您的投诉已受理"})
        self.assertEqual(lines[1]["payload"], {"text": f"请回电 {mask_phone(second)}"})
        self.assertNotIn(first, content)
        self.assertNotIn(second, content)

    def test_a_message_without_a_sealed_phone_is_not_retried(self) -> None:
        message = OutboxMessage(gateway="sms", destination="", payload={})
        with self.assertRaises(DeliveryError) as caught:
            SmsConsoleGateway().send(message)
        self.assertIs(caught.exception.retryable, False)

    def test_a_phone_sealed_for_another_purpose_is_not_retried(self) -> None:
        message = self.sms(fake_mobile(self.rng), "x")
        message.destination_sealed = seal(fake_mobile(self.rng), purpose="id_number")
        with self.assertRaises(DeliveryError) as caught:
            SmsConsoleGateway().send(message)
        self.assertEqual(caught.exception.reason, "the phone number cannot be unsealed")

    def test_an_unwritable_file_is_retryable(self) -> None:
        self.path.parent.mkdir(parents=True)
        self.path.mkdir()  # a directory where the file should be
        with self.assertRaises(DeliveryError) as caught:
            SmsConsoleGateway().send(self.sms(fake_mobile(self.rng), "x"))
        self.assertIs(caught.exception.retryable, True)


class GatewayGetTests(BaseTestCase):
    def test_returns_the_configured_classes(self) -> None:
        self.assertIsInstance(gateway_get("webhook"), WebhookGateway)
        self.assertIsInstance(gateway_get("sms"), SmsConsoleGateway)

    @override_settings(QINGLING_NOTIFY_GATEWAYS={"sms": "qingling.notify.gateways.WebhookGateway"})
    def test_settings_choose_the_class(self) -> None:
        self.assertIsInstance(gateway_get("sms"), WebhookGateway)
        with self.assertRaises(KeyError):
            gateway_get("webhook")

    @override_settings(QINGLING_NOTIFY_GATEWAYS={"bad": "qingling.notify.models.OutboxMessage"})
    def test_refuses_a_class_that_is_not_a_gateway(self) -> None:
        with self.assertRaises(TypeError):
            gateway_get("bad")
