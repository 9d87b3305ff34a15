import datetime as dt
import hashlib
import hmac
import json

import time_machine
from django.test import override_settings

from qingling.core.models import AuditEvent
from qingling.notify.gateways import DeliveryError
from qingling.notify.models import OutboxMessage
from qingling.notify.services import (
    STALE_CLAIM,
    DeliveryReport,
    outbox_backoff,
    outbox_deliver_due,
    outbox_enqueue,
)
from qingling.notify.tests.fakes import FakeGateway, RecordingServer, with_fake_gateway
from qingling.testing import CURRENT_TIME, BaseTestCase

Status = OutboxMessage.Status
MINUTE = dt.timedelta(minutes=1)


@with_fake_gateway
@override_settings(QINGLING_OUTBOX_MAX_ATTEMPTS=3)
class OutboxDeliverDueTests(BaseTestCase):
    def setUp(self) -> None:
        FakeGateway.reset()
        self.addCleanup(FakeGateway.reset)
        traveller = time_machine.travel(CURRENT_TIME, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.now = CURRENT_TIME

    def enqueue(self, n: int = 1) -> OutboxMessage:
        return outbox_enqueue(
            gateway="fake",
            destination="https://a.example/",
            payload={"n": n},
            subject=None,
            actor=None,
        )

    def deliver(self, now: dt.datetime | None = None) -> DeliveryReport:
        return outbox_deliver_due(now=now or self.now)

    def test_sends_what_is_due_and_marks_it_sent(self) -> None:
        message = self.enqueue()
        report = self.deliver()
        self.assertEqual(report, DeliveryReport(claimed=1, sent=1))
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (Status.SENT, 1))
        self.assertEqual(message.sent_at, self.now)
        self.assertEqual([m.pk for m in FakeGateway.sent], [message.pk])
        self.assertEqual(self.deliver(), DeliveryReport())  # nothing is sent twice

    def test_leaves_what_is_not_yet_due(self) -> None:
        self.enqueue()
        self.assertEqual(self.deliver(self.now - MINUTE), DeliveryReport())
        self.assertEqual(FakeGateway.sent, [])

    def test_sends_at_most_a_batch_oldest_first(self) -> None:
        messages = [self.enqueue(n) for n in range(3)]
        report = outbox_deliver_due(now=self.now, batch=2)
        self.assertEqual(report.sent, 2)
        self.assertEqual({m.pk for m in FakeGateway.sent}, {messages[0].pk, messages[1].pk})

    def test_a_retryable_failure_waits_with_exponential_backoff(self) -> None:
        message = self.enqueue()
        FakeGateway.outcomes = [DeliveryError(retryable=True, reason="HTTP 500")] * 2
        self.assertEqual(self.deliver(), DeliveryReport(claimed=1, retried=1))
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (Status.PENDING, 1))
        self.assertEqual(message.last_error, "HTTP 500")
        first_wait = message.next_attempt_at - self.now
        self.assertEqual(first_wait, outbox_backoff(attempts=1, key=str(message.public_id)))
        self.assertTrue(MINUTE <= first_wait < 1.1 * MINUTE)
        self.assertEqual(self.deliver(message.next_attempt_at - dt.timedelta(seconds=1)).claimed, 0)

        later = message.next_attempt_at
        self.assertEqual(self.deliver(later).retried, 1)
        message.refresh_from_db()
        self.assertEqual(message.attempts, 2)
        self.assertTrue(2 * MINUTE <= message.next_attempt_at - later < 2.2 * MINUTE)

        self.assertEqual(self.deliver(message.next_attempt_at).sent, 1)
        message.refresh_from_db()
        self.assertEqual(
            (message.status, message.attempts, message.last_error), (Status.SENT, 3, "")
        )

    def test_gives_up_after_the_last_attempt_and_keeps_the_message_visible(self) -> None:
        message = self.enqueue()
        FakeGateway.outcomes = [DeliveryError(retryable=True, reason="HTTP 503")] * 3
        now = self.now
        for expected in ("retried", "retried", "failed"):
            report = self.deliver(now)
            self.assertEqual(getattr(report, expected), 1)
            message.refresh_from_db()
            now = message.next_attempt_at
        self.assertEqual((message.status, message.attempts), (Status.FAILED, 3))
        self.assertEqual(message.last_error, "HTTP 503")
        self.assertEqual(self.deliver(now + dt.timedelta(days=30)), DeliveryReport())
        event = AuditEvent.objects.get(action="outbox.fail")
        self.assertEqual((event.object_id, event.reason), (str(message.pk), "HTTP 503"))

    def test_does_not_retry_what_the_destination_refused(self) -> None:
        message = self.enqueue()
        FakeGateway.outcomes = [DeliveryError(retryable=False, reason="HTTP 404")]
        self.assertEqual(self.deliver(), DeliveryReport(claimed=1, failed=1))
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (Status.FAILED, 1))
        self.assertEqual(message.last_error, "HTTP 404")

    def test_a_gateway_that_crashes_is_retried_without_its_message_text(self) -> None:
        message = self.enqueue()
        FakeGateway.outcomes = [ValueError("13800138000 is wrong")]
        with self.assertLogs("qingling.notify.services", "ERROR"):
            self.assertEqual(self.deliver().retried, 1)
        message.refresh_from_db()
        self.assertEqual(message.last_error, "gateway error: ValueError")

    def test_truncates_a_long_reason(self) -> None:
        message = self.enqueue()
        FakeGateway.outcomes = [DeliveryError(retryable=True, reason="x" * 2000)]
        self.deliver()
        message.refresh_from_db()
        self.assertEqual(len(message.last_error), 500)

    def test_a_stale_claim_goes_back_to_pending(self) -> None:
        message = self.enqueue()
        # A worker claimed it and died before recording the outcome.
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=Status.SENDING, attempts=1, claimed_at=self.now
        )
        self.assertEqual(self.deliver(self.now + STALE_CLAIM - MINUTE), DeliveryReport())
        report = self.deliver(self.now + STALE_CLAIM + MINUTE)
        self.assertEqual(report, DeliveryReport(recovered=1, claimed=1, sent=1))
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (Status.SENT, 2))

    def test_a_stale_claim_on_the_last_attempt_fails(self) -> None:
        message = self.enqueue()
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=Status.SENDING, attempts=3, claimed_at=self.now
        )
        report = self.deliver(self.now + STALE_CLAIM + MINUTE)
        self.assertEqual(report, DeliveryReport(recovered=1))
        message.refresh_from_db()
        self.assertEqual(message.status, Status.FAILED)
        self.assertEqual(message.last_error, "the worker stopped while sending")
        self.assertEqual(FakeGateway.sent, [])

    def test_skips_a_message_another_worker_claimed_first(self) -> None:
        message = self.enqueue()
        # The other worker's compare-and-swap won: the message is "sending", attempt 1.
        claimed = OutboxMessage.objects.filter(
            pk=message.pk, status=Status.PENDING, attempts=0
        ).update(status=Status.SENDING, attempts=1, claimed_at=self.now)
        self.assertEqual(claimed, 1)
        self.assertEqual(self.deliver(), DeliveryReport())
        self.assertEqual(FakeGateway.sent, [])

    def test_two_workers_at_once_send_each_message_once(self) -> None:
        first, second = self.enqueue(1), self.enqueue(2)
        nested: list[DeliveryReport] = []

        def second_worker_runs_meanwhile(message: OutboxMessage) -> None:
            if FakeGateway.during_send is not None:  # while the first worker sends its first
                FakeGateway.during_send = None
                nested.append(self.deliver())

        FakeGateway.during_send = second_worker_runs_meanwhile
        report = self.deliver()
        # Both workers read the same due list; each message went to exactly one of them.
        self.assertEqual(sorted(m.pk for m in FakeGateway.sent), sorted([first.pk, second.pk]))
        self.assertEqual(nested, [DeliveryReport(claimed=1, sent=1)])
        self.assertEqual(report, DeliveryReport(claimed=1, sent=1, skipped=1))
        self.assertEqual(set(OutboxMessage.objects.values_list("status", flat=True)), {Status.SENT})

    @override_settings(QINGLING_NOTIFY_GATEWAYS={})
    def test_a_gateway_missing_from_the_settings_is_retried(self) -> None:
        message = OutboxMessage.objects.create(gateway="fake", destination="https://a.example/")
        self.assertEqual(self.deliver().retried, 1)
        message.refresh_from_db()
        self.assertEqual(message.last_error, "no gateway called fake is configured")


class OutboxDeliverOverHttpTests(BaseTestCase):
    """A real round trip to a local server that answers 500 and then 200."""

    def setUp(self) -> None:
        self.server = RecordingServer([500, 200])
        self.addCleanup(self.server.stop)

    def test_retries_a_500_and_then_delivers_signed(self) -> None:
        url = f"{self.server.url}/hooks/complaints"
        with override_settings(QINGLING_WEBHOOK_SECRETS={f"{self.server.url}/": "s3cret"}):
            message = outbox_enqueue(
                gateway="webhook",
                destination=url,
                payload={"event": "complaint.accepted", "number": "LY-2026-0001"},
                subject=None,
                actor=None,
            )
            start = message.next_attempt_at
            self.assertEqual(outbox_deliver_due(now=start).retried, 1)
            message.refresh_from_db()
            self.assertEqual((message.status, message.last_error), (Status.PENDING, "HTTP 500"))
            self.assertEqual(outbox_deliver_due(now=start + dt.timedelta(seconds=30)).claimed, 0)
            self.assertEqual(outbox_deliver_due(now=message.next_attempt_at).sent, 1)
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (Status.SENT, 2))
        self.assertEqual(len(self.server.requests), 2)
        for request in self.server.requests:
            self.assertEqual(request.path, "/hooks/complaints")
            self.assertEqual(json.loads(request.body)["number"], "LY-2026-0001")
            signature = hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
            self.assertEqual(request.headers["X-Qingling-Signature"], f"sha256={signature}")
            self.assertEqual(request.headers["X-Qingling-Message"], str(message.public_id))
