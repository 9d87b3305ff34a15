"""A demo database lives on its season's day: requests and jobs, under a banner."""

import datetime as dt

import time_machine
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from qingling.core import clock
from qingling.core.management.commands.worker import _on_demo_day
from qingling.core.middleware import DemoClockMiddleware
from qingling.core.models import AuditEvent, DemoClock
from qingling.core.services import demo_clock_set
from qingling.testing import CURRENT_TIME, BaseTestCase

SEASON_END = dt.date(2021, 3, 5)


def _today_seen(request: HttpRequest) -> HttpResponse:
    return HttpResponse(clock.local_today().isoformat())


class DemoClockTests(BaseTestCase):
    def setUp(self) -> None:
        demo_clock_set(today=SEASON_END, scenario="liaoyuan-2021", actor=None)
        self.request = RequestFactory().get("/")

    @override_settings(QINGLING_DEMO_CLOCK=True)
    def test_a_request_runs_on_the_demo_day_at_the_real_time_of_day(self) -> None:
        seen: list[dt.datetime] = []

        def view(request: HttpRequest) -> HttpResponse:
            seen.append(clock.now())
            return _today_seen(request)

        with time_machine.travel(CURRENT_TIME, tick=False):
            response = DemoClockMiddleware(view)(self.request)
            real = clock.now()
        self.assertEqual(response.content.decode(), "2021-03-05")
        self.assertEqual(seen[0].timetz(), real.astimezone(seen[0].tzinfo).timetz())
        self.assertEqual(self.request.demo_clock.today, SEASON_END)  # type: ignore[attr-defined]
        self.assertNotEqual(clock.local_today(), SEASON_END)  # only inside the request

    def test_is_ignored_unless_the_deployment_turns_it_on(self) -> None:
        with time_machine.travel(CURRENT_TIME, tick=False):
            response = DemoClockMiddleware(_today_seen)(self.request)
            self.assertEqual(response.content.decode(), clock.local_today().isoformat())
        self.assertIsNone(self.request.demo_clock)  # type: ignore[attr-defined]

    @override_settings(QINGLING_DEMO_CLOCK=True)
    def test_the_worker_runs_its_jobs_on_the_demo_day(self) -> None:
        days: list[dt.date] = []
        _on_demo_day(lambda: days.append(clock.local_today()))()
        self.assertEqual(days, [SEASON_END])

    @override_settings(QINGLING_DEMO_CLOCK=True)
    def test_every_page_says_the_data_is_a_demo_and_its_date(self) -> None:
        self.client.force_login(self.intake)
        self.assertContains(self.client.get("/"), 'class="demo-clock"')
        with override_settings(QINGLING_DEMO_CLOCK=False):
            self.assertNotContains(self.client.get("/"), 'class="demo-clock"')

    def test_setting_it_again_moves_the_one_row_and_is_audited(self) -> None:
        demo_clock_set(today=dt.date(2021, 3, 6), scenario="liaoyuan-2021", actor=None)
        self.assertEqual(
            list(DemoClock.objects.values_list("today", flat=True)), [dt.date(2021, 3, 6)]
        )
        self.assertIn(
            {"today": "2021-03-06", "scenario": "liaoyuan-2021"},
            list(
                AuditEvent.objects.filter(action="demo_clock.set").values_list("after", flat=True)
            ),
        )
