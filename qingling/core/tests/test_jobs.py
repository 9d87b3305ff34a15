import datetime as dt

import time_machine
from django.contrib.sessions.models import Session
from django.test import TestCase
from django.utils import timezone

from qingling.core.jobs import JOBS, calendar_sync, sessions_prune
from qingling.core.models import CalendarYear
from qingling.core.services import calendar_year_import
from qingling.testing import CURRENT_TIME


class CalendarSyncTests(TestCase):
    def test_loads_missing_package_years_and_says_so(self):
        CalendarYear.objects.filter(year=2021).delete()
        with (
            time_machine.travel(CURRENT_TIME, tick=False),
            self.assertLogs("qingling.core.jobs", "INFO") as logs,
        ):
            calendar_sync()
        self.assertIs(CalendarYear.objects.filter(year=2021).exists(), True)
        self.assertIn("INFO:qingling.core.jobs:calendar: loaded schedules for [2021]", logs.output)

    def test_warns_when_next_year_is_missing(self):
        with (
            time_machine.travel(CURRENT_TIME, tick=False),
            self.assertLogs("qingling.core.jobs", "WARNING") as logs,
        ):
            calendar_sync()
        self.assertEqual(
            logs.output,
            [
                "WARNING:qingling.core.jobs:calendar: no schedule for 2027; "
                "deadlines in it are provisional"
            ],
        )

    def test_is_silent_when_everything_is_loaded(self):
        calendar_year_import(year=2027, text="holiday 2027-01-01", source="test", actor=None)
        with (
            time_machine.travel(CURRENT_TIME, tick=False),
            self.assertNoLogs("qingling.core.jobs", "INFO"),
        ):
            calendar_sync()


class SessionsPruneTests(TestCase):
    def test_deletes_only_expired_sessions(self):
        now = timezone.now()
        Session.objects.create(
            session_key="expired", session_data="", expire_date=now - dt.timedelta(seconds=1)
        )
        Session.objects.create(
            session_key="current", session_data="", expire_date=now + dt.timedelta(days=1)
        )
        sessions_prune()
        self.assertEqual(list(Session.objects.values_list("session_key", flat=True)), ["current"])


class JobsTests(TestCase):
    def test_lists_every_job(self):
        self.assertEqual(set(JOBS), {"calendar_sync", "sessions_prune", "import_jobs_run"})
