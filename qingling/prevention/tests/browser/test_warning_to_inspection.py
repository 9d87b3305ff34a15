import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.core import clock
from qingling.core.browser import PHONE, chromium, csp_violations
from qingling.core.models import Division
from qingling.inspections.models import Inspection
from qingling.prevention.models import Warning
from qingling.prevention.services import monitoring_month_import
from qingling.prevention.tests.monitoring.month import MonthFiles, march, worker_id
from qingling.prevention.tests.world import month_zip
from qingling.testing import make_project

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-monitoring-1"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.mark.browser
class RedWarningToInspectionTests(StaticLiveServerTestCase):
    """The section chief sees a red warning on the dashboard, follows it to the warning,
    acknowledges it and dispatches it to an inspection planned with two inspectors."""

    def setUp(self) -> None:
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        longshan, _ = Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        city_unit = org_unit_create(name="监察支队", division=city, actor=None)
        county_unit = org_unit_create(name="龙山区大队", division=longshan, actor=None)
        staff_create(
            username="chief-zhao",
            full_name="赵科长",
            role=Role.SECTION_CHIEF,
            org_unit=city_unit,
            password=PASSWORD,
            actor=None,
        )
        for username, name in (("inspector-li", "李监察"), ("inspector-wang", "王监察")):
            staff_create(
                username=username,
                full_name=name,
                role=Role.INSPECTOR,
                org_unit=county_unit,
                password=PASSWORD,
                actor=None,
            )
        self.project = make_project(division=longshan, name="龙山区福民小区", code="P1")
        scratch = Path(tempfile.mkdtemp(prefix="qingling-browser-month-"))
        self.addCleanup(shutil.rmtree, scratch, True)
        settings = override_settings(MEDIA_ROOT=str(scratch), QINGLING_MONITORING_DIR=scratch / "m")
        settings.enable()
        self.addCleanup(settings.disable)
        files = MonthFiles(scratch / "files")
        files.project("P1").on_roster("P1", worker_id(1)).present("P1", worker_id(1), march(22))
        files.labour_cost("P1")
        monitoring_month_import(content=month_zip(files), actor=None, month="2024-03")
        assert Warning.objects.filter(level="red").count() == 3  # unpaid, share, no payroll

    def sign_in(self, browser: Any, **context: Any) -> Any:
        page = browser.new_context(**context).new_page()
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("#id_username", "chief-zhao")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/")
        return page

    def shoot(self, page: Any, name: str) -> None:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)

    def test_follows_a_red_warning_from_the_dashboard_to_an_inspection(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        planned = (clock.local_today() + dt.timedelta(days=7)).isoformat()
        with chromium() as browser:
            page = self.sign_in(browser, **DESKTOP)
            refused = csp_violations(page)
            page.goto(f"{self.live_server_url}/reports/")
            panel = page.locator("#warning-panel")
            panel.wait_for()
            self.shoot(page, "monitoring-dashboard-1366")
            panel.locator('table[data-group="level"] tr[data-value="red"] a.red-link').click()
            page.wait_for_url("**/prevention/warnings/**level=red**")
            self.assertIn("3", page.locator("#total-warnings").inner_text())
            self.shoot(page, "monitoring-warning-list-1366")
            page.locator('tr[data-warning="WORKER_UNPAID:P1"] a').click()
            page.wait_for_url("**/prevention/warnings/*/")
            page.click("#acknowledge")
            page.wait_for_selector('[data-status="acknowledged"]')
            page.select_option("#id_to", "inspection")
            page.fill("#id_planned_on", planned)
            for name in ("李监察", "王监察"):
                page.get_by_label(name, exact=False).check()
            self.shoot(page, "monitoring-warning-1366")
            page.click("#dispatch")
            page.wait_for_selector('[data-status="dispatched"]')
            page.click("#dispatched-inspection")
            page.wait_for_url("**/inspections/*/")
            self.assertIn("龙山区福民小区", page.content())
            self.assertEqual(refused, [])

            phone = self.sign_in(browser, **PHONE)
            for url, name in (
                ("/reports/", "monitoring-dashboard-390"),
                ("/prevention/warnings/?level=red", "monitoring-warning-list-390"),
                (
                    f"/prevention/warnings/{Warning.objects.get(rule='WORKER_UNPAID').public_id}/",
                    "monitoring-warning-390",
                ),
            ):
                phone.goto(f"{self.live_server_url}{url}")
                width = phone.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(width, 390, f"{url} scrolls sideways on a phone")
                self.shoot(phone, name)
        inspection = Inspection.objects.get()
        assert inspection.planned_on is not None
        self.assertEqual(
            (inspection.project, inspection.planned_on.isoformat()), (self.project, planned)
        )
        self.assertEqual(Warning.objects.get(rule="WORKER_UNPAID").inspection, inspection)
