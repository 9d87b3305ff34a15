"""Two workers (two servers) delivering the same outbox at once, on PostgreSQL.

Each worker is a thread with its own database connection; a barrier starts them
together. SQLite runs one writer at a time, so the race only exists on PostgreSQL.
Reproduce: DATABASE_URL=postgres://… .venv/bin/pytest -q -s
qingling/notify/tests/services/test_outbox_concurrent.py (it prints its figures).
"""

import contextlib
import sys
import threading
from collections.abc import Callable
from unittest import skipUnless

from django.db import connection, transaction
from django.test import TransactionTestCase

from qingling.core import clock
from qingling.core.scheduling import JobRun, job_run_leased
from qingling.notify.jobs import outbox_deliver
from qingling.notify.models import OutboxMessage
from qingling.notify.services import DeliveryReport, outbox_deliver_due, outbox_enqueue
from qingling.notify.tests.fakes import CountingGateway, with_counting_gateway

MESSAGES = 200
WORKERS = 2


@skipUnless(connection.vendor == "postgresql", "SQLite runs one writer at a time: no race")
@with_counting_gateway
class TwoWorkersTests(TransactionTestCase):
    def setUp(self) -> None:
        CountingGateway.reset()
        self.addCleanup(CountingGateway.reset)
        with transaction.atomic():
            self.public_ids = {
                str(
                    outbox_enqueue(
                        gateway="counting",
                        destination="https://a.example/",
                        payload={"n": n},
                        subject=None,
                        actor=None,
                    ).public_id
                )
                for n in range(MESSAGES)
            }

    def run_workers(self, work: Callable[[str], None]) -> list[BaseException]:
        """Run ``work(name)`` in WORKERS threads that start together; their errors."""
        start = threading.Barrier(WORKERS, timeout=10)
        errors: list[BaseException] = []

        def worker(name: str) -> None:
            try:
                start.wait()
                work(name)
            except BaseException as error:  # reported by the main thread
                errors.append(error)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=worker, args=(f"worker-{n}",), name=f"worker-{n}")
            for n in range(WORKERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return errors

    def assert_each_message_sent_once(self) -> None:
        self.assertEqual(set(CountingGateway.sends), self.public_ids)
        duplicates = {key: n for key, n in CountingGateway.sends.items() if n != 1}
        self.assertEqual(duplicates, {})
        self.assertEqual(
            list(OutboxMessage.objects.order_by().values_list("status", "attempts").distinct()),
            [(OutboxMessage.Status.SENT, 1)],
        )
        sys.stdout.write(  # the figures docs/operations.md quotes (pytest -s shows them)
            f"\n{WORKERS} workers × {MESSAGES} messages → {sum(CountingGateway.sends.values())} "
            f"sends, {len(duplicates)} duplicates; per worker {CountingGateway.by_thread}\n"
        )

    def test_two_workers_claiming_at_once_send_each_message_exactly_once(self) -> None:
        # Both hold a claimed batch before either sends: the claims really overlap.
        both_claimed = threading.Barrier(WORKERS, timeout=10)

        def wait_for_the_other() -> None:
            with contextlib.suppress(threading.BrokenBarrierError):
                both_claimed.wait()

        CountingGateway.first_send = wait_for_the_other
        reports: dict[str, list[DeliveryReport]] = {}

        def deliver_until_nothing_is_left(name: str) -> None:
            # The outbox job's own loop, without the job's lease: the message claims
            # alone must keep the workers apart.
            reports[name] = []
            while (report := outbox_deliver_due(now=clock.now(), batch=50)).claimed:
                reports[name].append(report)

        self.assertEqual(self.run_workers(deliver_until_nothing_is_left), [])
        self.assertFalse(both_claimed.broken, "one worker claimed nothing while the other sent")
        self.assert_each_message_sent_once()
        self.assertEqual(len(CountingGateway.by_thread), WORKERS)  # both did some of the work
        claimed = sum(r.claimed for name in reports for r in reports[name])
        self.assertEqual(claimed, MESSAGES)

    def test_a_job_one_worker_runs_is_skipped_by_the_other(self) -> None:
        entered: list[str] = []
        finished = threading.Event()  # set when a worker has been through every job

        def probe() -> None:
            entered.append(threading.current_thread().name)
            # Hold the job until the other worker has tried it (or 10 s, on failure).
            finished.wait(timeout=10)

        jobs = {"probe": probe, "qingling.notify.jobs.outbox_deliver": outbox_deliver}
        runs: dict[str, dict[str, JobRun]] = {}

        def cycle(name: str) -> None:
            runs[name] = {
                job: job_run_leased(name=job, job=body, holder=name) for job, body in jobs.items()
            }
            finished.set()

        self.assertEqual(self.run_workers(cycle), [])
        self.assertEqual(len(entered), 1, f"the probe job was entered by {entered}")
        outcomes = sorted(run["probe"] for run in runs.values())
        self.assertEqual(outcomes, [JobRun.RAN, JobRun.SKIPPED])
        self.assert_each_message_sent_once()
