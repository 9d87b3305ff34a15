import datetime as dt
import hashlib
import hmac
import json
from unittest import mock

import time_machine
from django.test import override_settings

from qingling.core.models import AuditEvent
from qingling.notify.gateways import DeliveryError
from qingling.notify.models import OutboxMessage
from qingling.notify.services import (
    CLAIM_LEASE,
    DeliveryReport,
    _deliver_one,
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

    def claimed_by_another_worker(self, message: OutboxMessage, *, attempts: int = 0) -> None:
        """Another worker claimed ``message`` at ``self.now`` (its lease: CLAIM_LEASE)."""
        claimed = OutboxMessage.objects.filter(pk=message.pk, status=Status.PENDING).update(
            status=Status.SENDING,
            attempts=attempts,
            claimed_at=self.now,
            claimed_by="other-server:1:abc",
            claimed_until=self.now + CLAIM_LEASE,
        )
        self.assertEqual(claimed, 1)

    def test_a_live_lease_is_left_to_its_worker(self) -> None:
        message = self.enqueue()
        self.claimed_by_another_worker(message)
        self.assertEqual(self.deliver(self.now + CLAIM_LEASE - MINUTE), DeliveryReport())
        self.assertEqual(FakeGateway.sent, [])
        message.refresh_from_db()
        self.assertEqual(
            (message.status, message.claimed_by), (Status.SENDING, "other-server:1:abc")
        )

    def test_a_message_whose_lease_ran_out_is_sent_again_and_the_attempt_counts(self) -> None:
        message = self.enqueue()
        # A worker claimed it and died before recording the outcome.
        self.claimed_by_another_worker(message)
        report = self.deliver(self.now + CLAIM_LEASE + MINUTE)
        self.assertEqual(report, DeliveryReport(recovered=1, claimed=1, sent=1))
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (Status.SENT, 2))
        self.assertEqual((message.claimed_by, message.claimed_until), ("", None))
        self.assertEqual([m.pk for m in FakeGateway.sent], [message.pk])

    def test_a_lease_that_ran_out_on_the_last_attempt_fails(self) -> None:
        message = self.enqueue()
        self.claimed_by_another_worker(message, attempts=2)  # the third (last) attempt
        report = self.deliver(self.now + CLAIM_LEASE + MINUTE)
        self.assertEqual(report, DeliveryReport(recovered=1))
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (Status.FAILED, 3))
        self.assertEqual(message.last_error, "the worker stopped while sending")
        self.assertEqual(FakeGateway.sent, [])
        self.assertTrue(AuditEvent.objects.filter(action="outbox.fail").exists())

    def test_a_late_outcome_does_not_overwrite_the_next_workers_claim(self) -> None:
        message = self.enqueue()
        FakeGateway.outcomes = [DeliveryError(retryable=True, reason="HTTP 500")]

        def lease_runs_out_and_another_worker_claims(sending: OutboxMessage) -> None:
            FakeGateway.during_send = None
            OutboxMessage.objects.filter(pk=sending.pk).update(
                claimed_by="other-server:1:abc", claimed_until=self.now + 2 * CLAIM_LEASE
            )

        FakeGateway.during_send = lease_runs_out_and_another_worker_claims
        self.deliver()
        message.refresh_from_db()
        # Our failure is not recorded over the other worker's claim.
        self.assertEqual((message.status, message.attempts), (Status.SENDING, 0))
        self.assertEqual(message.claimed_by, "other-server:1:abc")

    def test_marks_sent_and_counts_the_attempt_in_one_update(self) -> None:
        message = self.enqueue()
        self.claimed_by_another_worker(message)  # i.e. by "us", under that token
        message.refresh_from_db()
        with self.assertNumQueries(1):
            _deliver_one(
                message=message, token="other-server:1:abc", now=self.now, report=DeliveryReport()
            )
        message.refresh_from_db()
        self.assertEqual(
            (message.status, message.attempts, message.sent_at), (Status.SENT, 1, self.now)
        )

    def test_gives_back_what_it_could_not_send_before_the_lease_ends(self) -> None:
        messages = [self.enqueue(n) for n in range(3)]
        clock = iter([0.0, 0.0, (CLAIM_LEASE - MINUTE).total_seconds() + 1])
        with mock.patch("qingling.notify.services.time.monotonic", lambda: next(clock)):
            report = self.deliver()
        self.assertEqual(report, DeliveryReport(claimed=3, sent=1, released=2))
        statuses = OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).order_by("id")
        self.assertEqual(
            list(statuses.values_list("status", "attempts", "claimed_by")),
            [(Status.SENT, 1, ""), (Status.PENDING, 0, ""), (Status.PENDING, 0, "")],
        )

    def test_skips_a_message_another_worker_claimed_first(self) -> None:
        message = self.enqueue()
        self.claimed_by_another_worker(message)
        self.assertEqual(self.deliver(), DeliveryReport())
        self.assertEqual(FakeGateway.sent, [])

    def test_a_second_worker_during_a_send_finds_the_batch_claimed(self) -> None:
        first, second = self.enqueue(1), self.enqueue(2)
        nested: list[DeliveryReport] = []

        def second_worker_runs_meanwhile(message: OutboxMessage) -> None:
            if FakeGateway.during_send is not None:  # while the first worker sends its first
                FakeGateway.during_send = None
                nested.append(self.deliver())

        FakeGateway.during_send = second_worker_runs_meanwhile
        report = self.deliver()
        # The first worker claimed both at once; the second found nothing left to claim.
        self.assertEqual([m.pk for m in FakeGateway.sent], [first.pk, second.pk])
        self.assertEqual(nested, [DeliveryReport()])
        self.assertEqual(report, DeliveryReport(claimed=2, sent=2))
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
