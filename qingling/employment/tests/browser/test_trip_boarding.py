import datetime as dt
import os
import random
from typing import Any

import pytest
import time_machine
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.core.browser import PHONE, chromium, csp_violations
from qingling.core.models import Division
from qingling.core.personal_data import unseal
from qingling.employment.models import Seeker, Trip, TripSeat
from qingling.employment.tests.world import make_seeker

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-trips-1"
TODAY = dt.datetime(2027, 2, 20, 6, 30, tzinfo=dt.UTC)


@pytest.mark.browser
class TripBoardingOnPhoneTests(StaticLiveServerTestCase):
    """An employment officer plans the buses, checks workers in at the pick-up point on a
    phone, sends the bus off and hands the workers over on arrival; the manifest prints
    without the page's controls and never shows a full ID number."""

    def setUp(self) -> None:
        # A live-server test runs outside a transaction: make sure of the divisions.
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        Division.objects.get_or_create(
            code="220403", defaults={"name": "西安区", "level": "county", "parent": city}
        )
        self.dalian, _ = Division.objects.get_or_create(
            code="210200", defaults={"name": "大连市", "level": "city"}
        )
        unit = org_unit_create(name="就业局", division=city, actor=None)
        staff_create(
            username="employment-zhao",
            full_name="赵就业",
            role=Role.EMPLOYMENT_OFFICER,
            org_unit=unit,
            password=PASSWORD,
            actor=None,
        )
        rng = random.Random(11)
        self.workers: list[Seeker] = []
        for index, (county, township) in enumerate(
            [("220402", "向阳街道"), ("220403", "灯塔镇"), ("220402", "向阳街道")]
        ):
            self.workers.append(
                make_seeker(
                    rng,
                    name=f"返岗工人{index}",
                    division_code=county,
                    township=township,
                    job_confirmed=True,
                    transport_needed=True,
                    confirmed_destination=self.dalian,
                    confirmed_employer="大连海湾建设集团有限公司",
                    earliest=dt.date(2027, 2, 20),
                    latest=dt.date(2027, 2, 22),
                )
            )

    def assert_no_sideways_scroll(self, page: Any) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

    def test_plans_boards_departs_and_hands_over_on_a_phone(self) -> None:
        traveller = time_machine.travel(TODAY, tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            context = browser.new_context(**PHONE)
            # The Print button's script lives in app.js (no onclick under the CSP).
            context.add_init_script("window.print = function () { window.printed = true; };")
            page = context.new_page()
            refused = csp_violations(page)
            page.goto(f"{self.live_server_url}/accounts/login/")
            page.fill("#id_username", "employment-zhao")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{self.live_server_url}/")

            page.goto(f"{self.live_server_url}/employment/trips/plan/")
            assert page.input_value("#id_seats") == "45"
            page.select_option("#id_destination", "210200")
            self.assert_no_sideways_scroll(page)
            page.click("button[type=submit]")
            page.wait_for_selector("#plan-summary")
            page.screenshot(path=f"{SCREENSHOTS}/trip-planned-phone.png", full_page=True)
            page.click("text=ZC-20270220-01")
            page.wait_for_selector("table.manifest")
            self.assert_no_sideways_scroll(page)

            # Seats follow the pick-up points: both of 向阳街道 first, then 灯塔镇.
            assert "龙山区向阳街道" in page.inner_text("#seat-1")
            assert "龙山区向阳街道" in page.inner_text("#seat-2")
            assert "西安区灯塔镇" in page.inner_text("#seat-3")
            page.click("#seat-1 .inline-act .btn")
            page.wait_for_selector("#seat-1[data-boarded]")
            page.click("#seat-3 .inline-act .btn")
            page.wait_for_selector("#seat-3[data-boarded]")
            self.assert_no_sideways_scroll(page)
            page.screenshot(path=f"{SCREENSHOTS}/trip-boarding-phone.png", full_page=True)
            text = page.inner_text("main")
            for worker in self.workers:
                person = worker.person
                assert person.id_number_masked in text
                assert unseal(person.id_number_sealed, purpose="id_number") not in text

            page.emulate_media(media="print")
            assert page.is_hidden("header.top")
            assert page.is_hidden("#seat-2 .inline-act")
            page.screenshot(path=f"{SCREENSHOTS}/trip-manifest-print.png", full_page=True)
            page.emulate_media(media="screen")
            page.click("button[data-print]")
            assert page.evaluate("window.printed === true")

            page.click("form:has(input[value=departed]) button")
            page.wait_for_selector("input[name=received_by]")
            page.fill("input[name=received_by]", "大连市甘井子区人社局")
            page.click("form:has(input[value=arrived]) button")
            page.wait_for_selector("text=大连市甘井子区人社局")
            self.assert_no_sideways_scroll(page)
            page.screenshot(path=f"{SCREENSHOTS}/trip-arrived-phone.png", full_page=True)
            assert refused == [], refused

        trip = Trip.objects.get()
        self.assertEqual(
            (trip.status, trip.received_by), (Trip.Status.ARRIVED, "大连市甘井子区人社局")
        )
        handed = dict(TripSeat.objects.values_list("number", "handed_over_at"))
        self.assertNotIn(2, handed)  # did not board: released on departure, to plan again
        self.assertIsNotNone(handed[1])
        self.assertIsNotNone(handed[3])
