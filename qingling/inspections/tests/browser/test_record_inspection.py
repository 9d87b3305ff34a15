import os
import random
import tempfile
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.core.browser import PHONE, chromium, csp_violations
from qingling.core.models import Division
from qingling.inspections.models import Finding, Inspection
from qingling.inspections.tests.world import tiny_png
from qingling.testing import make_organization, make_project

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-inspection-1"


@pytest.mark.browser
class RecordInspectionOnPhoneTests(StaticLiveServerTestCase):
    """Two inspectors on site record an inspection on a phone; the network drops while
    the form is half filled, the draft survives on the phone and is sent once."""

    def setUp(self) -> None:
        # A live-server test runs outside a transaction: make sure of the divisions.
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        longshan, _ = Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        unit = org_unit_create(name="龙山区大队", division=longshan, actor=None)
        self.li = staff_create(
            username="inspector-li",
            full_name="李监察",
            role=Role.INSPECTOR,
            org_unit=unit,
            password=PASSWORD,
            actor=None,
        )
        self.wang = staff_create(
            username="inspector-wang",
            full_name="王监察",
            role=Role.INSPECTOR,
            org_unit=unit,
            password=PASSWORD,
            actor=None,
        )
        contractor = make_organization(random.Random(5), name="辽源市鑫盛建筑工程有限公司")
        self.project = make_project(
            division=longshan, name="龙山区福民小区", general_contractor=contractor
        )
        self.media = tempfile.TemporaryDirectory()
        self.addCleanup(self.media.cleanup)
        media = override_settings(MEDIA_ROOT=self.media.name)
        media.enable()
        self.addCleanup(media.disable)

    def assert_no_sideways_scroll(self, page: Any) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

    def test_records_an_inspection_on_a_phone_through_a_dropped_network(self) -> None:
        browser_context = chromium()
        browser = browser_context.__enter__()
        os.makedirs(SCREENSHOTS, exist_ok=True)
        form_url = f"{self.live_server_url}/inspections/new/"
        try:
            context = browser.new_context(**PHONE)
            page = context.new_page()
            refused = csp_violations(page)
            page.goto(f"{self.live_server_url}/accounts/login/")
            page.fill("#id_username", "inspector-li")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{self.live_server_url}/")

            page.goto(form_url)
            page.select_option("#id_project", str(self.project.pk))
            page.fill("#id_place", "三号楼北侧")
            page.check(f"input[name=inspectors][value='{self.wang.pk}']")
            for item in (
                "labour_contracts",
                "real_name",
                "pay_on_behalf",
                "wage_deposit",
                "payroll_ledger",
                "monthly_pay",
            ):
                page.check(f"input[name=check_{item}][value=ok]")
            page.check("input[name=check_wage_account][value=violation]")
            page.fill("#id_note_wage_account", "未开设农民工工资专用账户")
            self.assert_no_sideways_scroll(page)
            key = page.input_value("input[name=idempotency_key]")

            # The network drops before the last item is filled: sending keeps the draft.
            context.set_offline(True)
            page.wait_for_function("() => navigator.onLine === false")
            page.check("input[name=check_information_board][value=not_applicable]")
            page.click("button[type=submit]")
            page.wait_for_selector("#draft-status:not([hidden])")
            assert "网络" in page.inner_text("#draft-status")
            page.screenshot(path=f"{SCREENSHOTS}/inspection-offline-phone.png", full_page=True)
            assert refused == [], refused  # the draft script runs from its file under the CSP
            assert not Inspection.objects.exists()
            with pytest.raises(Exception):  # noqa: B017 (Playwright's Error)
                page.reload()  # and a reload fails too while offline
            assert not Inspection.objects.exists()

            # The phone is put away (the tab closed, so it cannot send the form by itself
            # when the network returns); the network returns and the form opens again
            # with the draft restored from the phone.
            page.close()
            context.set_offline(False)
            page = context.new_page()
            page.goto(form_url)
            page.wait_for_selector("#draft-status:not([hidden])")
            assert page.input_value("#id_project") == str(self.project.pk)
            assert page.input_value("#id_place") == "三号楼北侧"
            assert page.input_value("#id_note_wage_account") == "未开设农民工工资专用账户"
            assert page.is_checked(f"input[name=inspectors][value='{self.wang.pk}']")
            assert page.is_checked("input[name=check_information_board][value=not_applicable]")
            assert page.input_value("input[name=idempotency_key]") == key
            page.set_input_files(
                "#id_evidence",
                files=[{"name": "现场.png", "mimeType": "image/png", "buffer": tiny_png()}],
            )
            self.assert_no_sideways_scroll(page)
            page.screenshot(path=f"{SCREENSHOTS}/inspection-restored-phone.png", full_page=True)
            page.dblclick("button[type=submit]")  # a double tap
            page.wait_for_url(f"{self.live_server_url}/inspections/*-*/**")
            page.wait_for_selector("[data-finding-status=open]")
            assert "条例第二十六条" in page.inner_text("main")
            self.assert_no_sideways_scroll(page)
            page.screenshot(path=f"{SCREENSHOTS}/inspection-done-phone.png", full_page=True)

            # The draft is gone once stored: the form opens empty with a new key.
            page.goto(form_url)
            assert page.is_hidden("#draft-status")
            assert page.input_value("#id_place") == ""
            assert page.input_value("input[name=idempotency_key]") != key
        finally:
            browser_context.__exit__(None, None, None)

        inspection = Inspection.objects.get()  # one, for the double tap and the resubmission
        self.assertEqual(inspection.idempotency_key, key)
        self.assertEqual(
            set(inspection.team.values_list("inspector", flat=True)), {self.li.pk, self.wang.pk}
        )
        self.assertEqual(inspection.place, "三号楼北侧")
        self.assertEqual(inspection.evidence.count(), 1)
        finding = Finding.objects.get()
        self.assertEqual((finding.item, finding.article), ("wage_account", "条例第二十六条"))
