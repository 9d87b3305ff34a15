import datetime as dt
import signal
from io import StringIO
from unittest import mock

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from qingling.core.jobs import JOBS
from qingling.core.models import CalendarYear
from qingling.core.services import job_lease_acquire

WORKER = "qingling.core.management.commands.worker"


class WorkerCommandTests(TestCase):
    def setUp(self):
        # The command installs its own SIGINT/SIGTERM handlers; give the test runner its own back.
        for sig in (signal.SIGINT, signal.SIGTERM):
            self.addCleanup(signal.signal, sig, signal.getsignal(sig))
        # Inside a test transaction a real close_old_connections() would drop the connection.
        patcher = mock.patch("qingling.core.management.commands.worker.close_old_connections")
        self.close_old_connections = patcher.start()
        self.addCleanup(patcher.stop)

    def run_worker(self) -> str:
        out = StringIO()
        call_command("worker", "--once", stdout=out)
        return out.getvalue()

    def fake_jobs(self) -> dict[str, mock.Mock]:
        """One mock per job path in the settings, imported in place of the real job."""
        fakes = {path: mock.Mock(name=path) for path in settings.QINGLING_WORKER_JOBS}
        patcher = mock.patch(f"{WORKER}.import_string", fakes.__getitem__)
        patcher.start()
        self.addCleanup(patcher.stop)
        return fakes

    def test_once_runs_every_job_once_and_exits(self):
        fakes = self.fake_jobs()
        out = self.run_worker()
        for fake in fakes.values():
            fake.assert_called_once_with()
        self.assertEqual(self.close_old_connections.call_count, len(fakes))
        interval = settings.QINGLING_WORKER_INTERVAL_SECONDS
        self.assertEqual(out, f"worker: {len(fakes)} job(s), every {interval} s\nworker: stopped\n")

    def test_runs_the_core_jobs_by_default(self):
        paths = {f"qingling.core.jobs.{name}" for name in JOBS}
        self.assertLessEqual(paths, set(settings.QINGLING_WORKER_JOBS))

    @override_settings(QINGLING_WORKER_JOBS=["qingling.core.jobs.no_such_job"])
    def test_refuses_to_start_with_a_job_that_does_not_exist(self):
        with self.assertRaises(ImportError):
            self.run_worker()

    def test_a_failing_job_does_not_stop_the_others(self):
        fakes = self.fake_jobs()
        names = list(fakes)
        fakes[names[0]].side_effect = RuntimeError("boom")
        with (
            self.assertLogs("qingling.core.scheduling", "ERROR") as logs,
        ):
            self.run_worker()
        for fake in fakes.values():
            fake.assert_called_once_with()
        self.assertIn(f"worker: job {names[0]} failed", logs.output[0])

    def test_skips_a_job_another_worker_is_running(self):
        fakes = self.fake_jobs()
        busy = settings.QINGLING_WORKER_JOBS[0]
        job_lease_acquire(
            name=busy, holder="other-server:1:abc", ttl=dt.timedelta(minutes=15), now=timezone.now()
        )
        self.run_worker()
        fakes[busy].assert_not_called()
        for path, fake in fakes.items():
            if path != busy:
                fake.assert_called_once_with()

    def test_once_runs_the_real_jobs(self):
        CalendarYear.objects.filter(year=2021).delete()
        now = timezone.now()
        Session.objects.create(
            session_key="expired", session_data="", expire_date=now - dt.timedelta(days=1)
        )
        Session.objects.create(
            session_key="current", session_data="", expire_date=now + dt.timedelta(days=1)
        )
        self.run_worker()
        self.assertIs(CalendarYear.objects.filter(year=2021).exists(), True)
        self.assertEqual(list(Session.objects.values_list("session_key", flat=True)), ["current"])
