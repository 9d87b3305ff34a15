"""The inspection list and the warning list, filtered, downloaded with "Export XLSX" at
1366 px and on a 390 px phone: the file holds the rows the page shows, and nothing else."""

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from openpyxl import load_workbook

from qingling.core.browser import PHONE, chromium, csp_violations
from qingling.core.models import AuditEvent, Division
from qingling.inspections.services import inspection_record
from qingling.inspections.tests.world import all_ok
from qingling.prevention.models import Level, Rule, Warning
from qingling.testing import CURRENT_TIME, PASSWORD, BaseTestCase, make_project

SCREENSHOTS = "var/screenshots"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.mark.browser
class ListExportTests(StaticLiveServerTestCase):
    def setUp(self) -> None:
        traveller = time_machine.travel(CURRENT_TIME, tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        for code, name in (("220402", "龙山区"), ("220403", "西安区")):
            Division.objects.get_or_create(
                code=code, defaults={"name": name, "level": "county", "parent": city}
            )
        BaseTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]
        world: Any = type(self)
        longshan = Division.objects.get(code="220402")
        project = make_project(division=longshan, name="龙山区福民小区", actor=world.chief)
        for day in (dt.date(2026, 11, 20), dt.date(2026, 10, 30)):
            inspection_record(
                project=project,
                inspectors=[world.inspector, world.inspector2],
                done_on=day,
                checks=all_ok(wage_account="无专户"),
                actor=world.inspector,
            )
        for level, code in ((Level.RED, "P1"), (Level.YELLOW, "P2")):
            Warning.objects.create(
                rule=Rule.NO_LABOUR_COST,
                level=level,
                month="2026-10",
                project_code=code,
                project_name=f"项目{code}",
                division=longshan,
                worker_id_masked="22**************3X",
                acknowledge_due=dt.date(2026, 11, 30),
            )

    def sign_in(self, browser: Any, context: dict[str, Any]) -> Any:
        page = browser.new_context(**context, accept_downloads=True).new_page()
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("#id_username", "chief")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/")
        return page

    def download(self, page: Any, link: str) -> list[tuple[object, ...]]:
        with page.expect_download() as info:
            page.click(link)
        self.assertTrue(info.value.suggested_filename.endswith(".xlsx"))
        sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
        assert sheet is not None
        return list(sheet.iter_rows(values_only=True))

    def export_both(self, browser: Any, context: dict[str, Any], width: int) -> None:
        page = self.sign_in(browser, context)
        refused = csp_violations(page)
        page.goto(f"{self.live_server_url}/inspections/?status=done&done_from=2026-11-01")
        rows = self.download(page, "#inspection-export")
        self.assertEqual(len(rows), 2)  # the header and November's inspection
        self.assertEqual(rows[1][2], "龙山区福民小区")
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), width)
        page.screenshot(path=f"{SCREENSHOTS}/inspections-export-{width}.png", full_page=True)

        page.goto(f"{self.live_server_url}/prevention/warnings/")
        page.select_option("select[name=level]", "red")
        page.locator("form.filters button").click()
        page.wait_for_url("**level=red**")
        rows = self.download(page, "#warning-export")
        self.assertEqual([row[3] for row in rows[1:]], ["P1"])
        self.assertEqual(rows[1][6], "22**************3X")
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), width)
        page.screenshot(path=f"{SCREENSHOTS}/warnings-export-{width}.png", full_page=True)
        self.assertEqual(refused, [])
        page.context.close()

    def test_the_chief_downloads_the_filtered_lists(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            self.export_both(browser, DESKTOP, 1366)
            self.export_both(browser, {**PHONE, "locale": "zh-CN"}, 390)
        self.assertEqual(AuditEvent.objects.filter(action="inspection.export").count(), 2)
        self.assertEqual(AuditEvent.objects.filter(action="warning.export").count(), 2)
