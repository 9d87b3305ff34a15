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
from qingling.core.models import AuditEvent, Division
from qingling.core.personal_data import unseal
from qingling.employment.models import Occupation, Seeker, Trip, TripSeat
from qingling.employment.tests.world import make_seeker
from qingling.parties.demo import fake_id_number, fake_mobile

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-places-1"
TODAY = dt.datetime(2027, 2, 20, 6, 30, tzinfo=dt.UTC)
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
SIZES = (("phone", PHONE, 390), ("desktop", DESKTOP, 1366))


@pytest.mark.browser
class PlacesAndEscortTests(StaticLiveServerTestCase):
    """An officer registers a worker going to 辽宁省大连市 with the division lists; the
    escort of a bus taps to see a passenger's number and call them; on a 390 px phone and
    at 1366 px."""

    def setUp(self) -> None:
        # A live-server test runs outside a transaction: make sure of the reference rows.
        liaoning, _ = Division.objects.get_or_create(
            code="210000", defaults={"name": "辽宁省", "level": "province"}
        )
        self.dalian, _ = Division.objects.update_or_create(
            code="210200", defaults={"name": "大连市", "level": "city", "parent": liaoning}
        )
        jilin, _ = Division.objects.get_or_create(
            code="220000", defaults={"name": "吉林省", "level": "province"}
        )
        city, _ = Division.objects.update_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city", "parent": jilin}
        )
        Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        major, _ = Occupation.objects.get_or_create(
            code="6", defaults={"name": "生产制造及有关人员"}
        )
        Occupation.objects.get_or_create(
            code="6-29", defaults={"name": "建筑施工人员", "parent": major}
        )
        unit = org_unit_create(name="就业局", division=city, actor=None)
        self.officer = staff_create(
            username="employment-zhao",
            full_name="赵就业",
            role=Role.EMPLOYMENT_OFFICER,
            org_unit=unit,
            password=PASSWORD,
            actor=None,
        )

    def sign_in(self, page: Any) -> None:
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("#id_username", "employment-zhao")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/")

    def assert_no_sideways_scroll(self, page: Any, width: int) -> None:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"the page scrolls sideways at {width}px ({scroll}px)"

    def test_registers_a_worker_going_to_dalian_with_the_division_lists(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        traveller = time_machine.travel(TODAY, tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)
        rng = random.Random(5)
        with chromium() as browser:
            for name, size, width in SIZES:
                page = browser.new_context(**size).new_page()
                refused = csp_violations(page)
                self.sign_in(page)
                page.goto(f"{self.live_server_url}/employment/seekers/new/")
                page.fill("#id_name", f"返岗工人{name}")
                page.fill("#id_id_number", fake_id_number(rng, division="220402"))
                page.fill("#id_phone", fake_mobile(rng))
                page.select_option("#id_division", "220402")
                page.fill("#id_township", "向阳街道")
                picker = page.locator("[data-division-picker]").first
                picker.locator("select[data-level=province]").select_option("210000")
                picker.locator("select[data-level=city]").select_option("210200")
                picker.locator("[data-division-add]").click()
                assert page.input_value("#id_destinations") == "辽宁省大连市"
                # The occupation list opens on the trades, and its search box narrows it.
                first = page.locator("#id_occupations option").first.inner_text()
                assert first == "建筑施工人员", first
                page.fill("input.select-search", "建筑")
                page.select_option("#id_occupations", ["6-29"])
                page.check("#id_contact_consent")
                self.assert_no_sideways_scroll(page, width)
                page.screenshot(path=f"{SCREENSHOTS}/seeker-places-{name}.png", full_page=True)
                page.click("main form button[type=submit]")
                page.wait_for_url("**/employment/seekers/*-*/")
                assert "大连市" in page.inner_text("main")
                self.assert_no_sideways_scroll(page, width)
                assert refused == [], refused
                page.context.close()

        for name, _size, _width in SIZES:
            seeker = Seeker.objects.get(person__name=f"返岗工人{name}")
            self.assertEqual([d.code for d in seeker.destinations.all()], ["210200"])

    def test_the_escort_taps_to_see_a_passengers_number(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        traveller = time_machine.travel(TODAY, tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)
        worker = make_seeker(
            random.Random(7),
            name="返岗工人",
            job_confirmed=True,
            transport_needed=True,
            confirmed_destination=self.dalian,
            earliest=dt.date(2027, 2, 20),
            latest=dt.date(2027, 2, 20),
        )
        trip = Trip.objects.create(
            number="ZC-20270220-01",
            date=dt.date(2027, 2, 20),
            origin="辽源市人社局",
            destination=self.dalian,
            seats=45,
            escort=self.officer,
        )
        TripSeat.objects.create(trip=trip, seeker=worker, number=1, pickup_point="龙山区向阳街道")
        full = unseal(worker.person.phone_sealed, purpose="phone")
        with chromium() as browser:
            for name, size, width in SIZES:
                page = browser.new_context(**size).new_page()
                refused = csp_violations(page)
                self.sign_in(page)
                page.goto(f"{self.live_server_url}/employment/trips/{trip.public_id}/")
                assert full not in page.inner_text("main")
                page.click("[data-reveal-phone='1']")
                page.wait_for_selector(f"#phone-1 a[href='tel:{full}']")
                self.assert_no_sideways_scroll(page, width)
                page.screenshot(path=f"{SCREENSHOTS}/trip-escort-phone-{name}.png", full_page=True)
                assert refused == [], refused
                page.context.close()
        self.assertEqual(AuditEvent.objects.filter(action="person.reveal_phone").count(), 2)
