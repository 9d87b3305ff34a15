"""An inspector finds what a project is missing: the compliance list filtered by the
missing item, the project's checklist, a payroll file with a bad row explained, and an
inspection started with the checklist pre-filled."""

import datetime as dt
import os
import shutil
import tempfile
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.core import clock
from qingling.core.browser import PHONE, chromium, csp_violations
from qingling.core.models import Division
from qingling.parties.demo import fake_id_number
from qingling.parties.services import roster_add
from qingling.prevention.models import PayrollEntry
from qingling.testing import make_project

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-compliance-1"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.mark.browser
class InspectorFindsWhatIsMissingTests(StaticLiveServerTestCase):
    def setUp(self) -> None:
        import random

        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        longshan, _ = Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        unit = org_unit_create(name="龙山区大队", division=longshan, actor=None)
        staff_create(
            username="inspector-li",
            full_name="李监察",
            role=Role.INSPECTOR,
            org_unit=unit,
            password=PASSWORD,
            actor=None,
        )
        scratch = tempfile.mkdtemp(prefix="qingling-browser-registry-")
        self.addCleanup(shutil.rmtree, scratch, True)
        media = override_settings(MEDIA_ROOT=scratch)
        media.enable()
        self.addCleanup(media.disable)
        start = clock.local_today() - dt.timedelta(days=120)
        self.project = make_project(
            division=longshan, name="龙山区福民小区", code="LY-001", start_date=start
        )
        make_project(division=longshan, name="龙山区东丰路", code="LY-002")
        rng = random.Random(5)
        self.on_roster = fake_id_number(rng)
        self.not_on_roster = fake_id_number(rng)
        roster_add(
            project=self.project,
            name="王建国",
            id_number=self.on_roster,
            joined_on=start,
            actor=None,
        )
        self.csv = os.path.join(scratch, "payroll.csv")
        month = f"{start:%Y-%m}"
        with open(self.csv, "w", encoding="utf-8") as handle:
            handle.write("project_code,worker_id,wage_month,amount,paid_on,via_wage_account\n")
            handle.write(
                f"LY-001,{self.on_roster},{month},5200.00,{start + dt.timedelta(days=35)},1\n"
            )
            handle.write(f"LY-001,{self.not_on_roster},{month},5200.00,{start},1\n")

    def sign_in(self, browser: Any, **context: Any) -> Any:
        page = browser.new_context(**context).new_page()
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("#id_username", "inspector-li")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/")
        return page

    def shoot(self, page: Any, name: str) -> None:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)

    def test_an_inspector_finds_what_a_project_is_missing_and_starts_an_inspection(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            page = self.sign_in(browser, **DESKTOP)
            refused = csp_violations(page)
            page.goto(f"{self.live_server_url}/prevention/compliance/")
            page.select_option("select[name=missing]", "wage_account")
            page.click("form.filters button")
            page.wait_for_url("**missing=wage_account**")
            row = page.locator('tr[data-project="LY-001"]')
            self.assertIn("wage_account", row.inner_html())
            self.assertEqual(page.locator('tr[data-project="LY-002"]').count(), 0)
            self.shoot(page, "compliance-list-1366")
            row.locator("a").click()
            page.wait_for_url("**/prevention/compliance/*/")
            account = page.locator('li[data-item="wage_account"]')
            self.assertEqual(account.get_attribute("data-state"), "missing")
            self.assertEqual(
                page.locator('li[data-item="roster"]').get_attribute("data-state"), "ok"
            )
            page.select_option("#import-form select[name=kind]", "payroll")
            page.set_input_files("#import-form input[type=file]", self.csv)
            page.click("#import-form button")
            page.locator("#import-report").wait_for()
            report = page.locator("#import-report").inner_text()
            self.assertIn("3", report)  # the bad row's line
            self.assertNotIn(self.not_on_roster, page.content())
            self.shoot(page, "compliance-project-1366")
            page.click("#start-inspection")
            page.wait_for_url("**/inspections/new/**")
            page.locator("#checklist-prefilled").wait_for()
            checked = page.locator('input[name="check_wage_account"][value="violation"]')
            self.assertTrue(checked.is_checked())
            self.assertIn("龙山区福民小区", page.locator("select[name=project]").inner_text())
            self.shoot(page, "compliance-inspection-1366")
            self.assertEqual(refused, [])

            phone = self.sign_in(browser, **PHONE)
            for url, name in (
                ("/prevention/compliance/", "compliance-list-390"),
                (f"/prevention/compliance/{self.project.public_id}/", "compliance-project-390"),
                (
                    f"/prevention/compliance/{self.project.public_id}/records/",
                    "compliance-records-390",
                ),
            ):
                phone.goto(f"{self.live_server_url}{url}")
                width = phone.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(width, 390, f"{url} scrolls sideways on a phone")
                self.shoot(phone, name)
        self.assertEqual(PayrollEntry.objects.count(), 1)
