import datetime as dt

import time_machine
from django.conf import settings

from qingling.cases.jobs import deadlines_scan
from qingling.cases.models import Case
from qingling.testing import BaseTestCase, make_case


class DeadlinesScanJobTests(BaseTestCase):
    def test_scans_as_of_the_local_date_and_logs_the_counts(self) -> None:
        with time_machine.travel(dt.datetime(2021, 2, 8, 2, tzinfo=dt.UTC), tick=False):
            case = make_case(self)  # investigation due 2021-05-11
        # 2021-05-11 17:00 UTC is already May 12 in Liaoyuan: the limit has passed.
        with (
            time_machine.travel(dt.datetime(2021, 5, 11, 17, tzinfo=dt.UTC), tick=False),
            self.assertLogs("qingling.cases.jobs", "INFO") as logs,
        ):
            deadlines_scan()
        self.assertEqual(
            logs.output,
            [
                "INFO:qingling.cases.jobs:cases: 0 deadline warning(s), "
                "1 escalation(s), 0 order(s) unpaid after their date"
            ],
        )
        self.assertIsNotNone(Case.objects.get(pk=case.pk).escalated_at)

    def test_is_silent_when_there_is_nothing_to_do(self) -> None:
        with self.assertNoLogs("qingling.cases.jobs", "INFO"):
            deadlines_scan()

    def test_the_worker_runs_it(self) -> None:
        self.assertIn("qingling.cases.jobs.deadlines_scan", settings.QINGLING_WORKER_JOBS)
