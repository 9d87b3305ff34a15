from unittest import mock

import time_machine

from qingling.core.models import JobLease
from qingling.core.scheduling import JobRun, job_lease_ttl, job_run_leased, worker_identity
from qingling.core.services import job_lease_acquire
from qingling.testing import CURRENT_TIME, BaseTestCase


class JobRunLeasedTests(BaseTestCase):
    def setUp(self) -> None:
        traveller = time_machine.travel(CURRENT_TIME, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def test_runs_the_job_and_gives_the_lease_back(self) -> None:
        job = mock.Mock()
        self.assertEqual(job_run_leased(name="j", job=job, holder="a"), JobRun.RAN)
        job.assert_called_once_with()
        lease = JobLease.objects.get(name="j")
        self.assertEqual(
            (lease.held_by, lease.held_until, lease.finished_at), ("", None, CURRENT_TIME)
        )

    def test_holds_the_lease_while_the_job_runs(self) -> None:
        seen: list[tuple[str, bool]] = []

        def job() -> None:
            lease = JobLease.objects.get(name="j")
            seen.append((lease.held_by, lease.held_until == CURRENT_TIME + job_lease_ttl()))

        job_run_leased(name="j", job=job, holder="a")
        self.assertEqual(seen, [("a", True)])

    def test_skips_a_job_another_worker_holds(self) -> None:
        job_lease_acquire(name="j", holder="b", ttl=job_lease_ttl(), now=CURRENT_TIME)
        job = mock.Mock()
        self.assertEqual(job_run_leased(name="j", job=job, holder="a"), JobRun.SKIPPED)
        job.assert_not_called()

    def test_a_failing_job_is_logged_and_its_lease_given_back(self) -> None:
        job = mock.Mock(side_effect=RuntimeError("boom"))
        with self.assertLogs("qingling.core.scheduling", "ERROR") as logs:
            self.assertEqual(job_run_leased(name="j", job=job, holder="a"), JobRun.FAILED)
        self.assertIn("worker: job j failed", logs.output[0])
        self.assertEqual(JobLease.objects.get(name="j").held_by, "")

    def test_each_worker_has_its_own_identity(self) -> None:
        self.assertNotEqual(worker_identity(), worker_identity())
