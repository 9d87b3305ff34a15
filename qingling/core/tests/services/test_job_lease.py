import datetime as dt

from qingling.core.models import AuditEvent, JobLease
from qingling.core.services import job_lease_acquire, job_lease_release
from qingling.testing import CURRENT_TIME, BaseTestCase

TTL = dt.timedelta(minutes=15)
JOB = "qingling.notify.jobs.outbox_deliver"


class JobLeaseTests(BaseTestCase):
    def acquire(self, holder: str, now: dt.datetime = CURRENT_TIME) -> bool:
        return job_lease_acquire(name=JOB, holder=holder, ttl=TTL, now=now)

    def test_the_first_worker_takes_a_free_lease(self) -> None:
        self.assertIs(self.acquire("a"), True)
        lease = JobLease.objects.get(name=JOB)
        self.assertEqual((lease.held_by, lease.held_until), ("a", CURRENT_TIME + TTL))
        self.assertEqual(lease.started_at, CURRENT_TIME)

    def test_a_live_lease_is_skipped_by_another_worker(self) -> None:
        self.acquire("a")
        self.assertIs(self.acquire("b", CURRENT_TIME + TTL - dt.timedelta(seconds=1)), False)
        self.assertEqual(JobLease.objects.get(name=JOB).held_by, "a")

    def test_a_released_lease_is_free_at_once(self) -> None:
        self.acquire("a")
        self.assertIs(job_lease_release(name=JOB, holder="a", now=CURRENT_TIME), True)
        self.assertIs(self.acquire("b"), True)
        self.assertFalse(AuditEvent.objects.filter(action="job_lease.take_over").exists())

    def test_a_lease_that_ran_out_is_taken_over_and_audited(self) -> None:
        self.acquire("a")  # and worker a died
        later = CURRENT_TIME + TTL
        with self.assertLogs("qingling.core.services", "WARNING") as logs:
            self.assertIs(self.acquire("b", later), True)
        self.assertIn("taken over from a", logs.output[0])
        self.assertEqual(JobLease.objects.get(name=JOB).held_by, "b")
        event = AuditEvent.objects.get(action="job_lease.take_over")
        self.assertEqual(event.before, {"held_by": "a", "held_until": later.isoformat()})
        self.assertEqual(event.after, {"held_by": "b", "held_until": (later + TTL).isoformat()})

    def test_a_late_release_leaves_the_new_holders_lease_alone(self) -> None:
        self.acquire("a")
        with self.assertLogs("qingling.core.services", "WARNING"):
            self.acquire("b", CURRENT_TIME + TTL)
            self.assertIs(job_lease_release(name=JOB, holder="a", now=CURRENT_TIME + TTL), False)
        self.assertEqual(JobLease.objects.get(name=JOB).held_by, "b")

    def test_each_job_has_its_own_lease(self) -> None:
        self.acquire("a")
        other = "qingling.core.jobs.sessions_prune"
        self.assertIs(job_lease_acquire(name=other, holder="b", ttl=TTL, now=CURRENT_TIME), True)
