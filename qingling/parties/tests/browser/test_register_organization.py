import os
import random

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.core.browser import PHONE, chromium, csp_violations
from qingling.core.models import Division
from qingling.parties.demo import fake_credit_code, fake_id_number
from qingling.parties.models import Organization


@pytest.mark.browser
class RegisterOrganizationOnPhoneTests(StaticLiveServerTestCase):
    """An intake officer signs in on a phone and registers an employer."""

    def setUp(self) -> None:
        # A live-server test runs outside a transaction: the divisions that the data
        # migration loaded may have been flushed by an earlier one, so make sure of them.
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        self.longshan, _ = Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        unit = org_unit_create(name="维权中心", division=city, actor=None)
        staff_create(
            username="intake",
            full_name="孙受理",
            role=Role.INTAKE_OFFICER,
            org_unit=unit,
            password="secret-phone-1",
            actor=None,
        )

    def test_signs_in_and_registers_an_organization_on_a_phone(self) -> None:
        rng = random.Random(3)
        code = fake_credit_code(rng)
        wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
        browser_context = chromium()
        browser = browser_context.__enter__()
        try:
            page = browser.new_page(**PHONE)
            refused = csp_violations(page)
            page.goto(f"{self.live_server_url}/accounts/login/")
            page.fill("#id_username", "intake")
            page.fill("#id_password", "secret-phone-1")
            page.click("button[type=submit]")
            page.wait_for_url(f"{self.live_server_url}/")

            # On a phone the menu is folded behind the ☰ button.
            assert page.is_hidden("nav.nav a[href='/parties/organizations/']")
            page.click("label.nav-button")
            page.click("nav.nav a[href='/parties/organizations/']")
            page.click("a[href='/parties/organizations/new/']")

            page.fill("#id_name", "辽源市鑫盛建筑工程有限公司")
            page.fill("#id_credit_code", wrong)
            page.select_option("#id_division", "220402")
            page.fill("#id_representative_name", "王建国")
            page.fill("#id_representative_id_number", fake_id_number(rng))
            page.click("button[type=submit]")
            error = page.locator("ul.errorlist").first.inner_text()
            assert "校验" in error or "check character" in error, error
            assert not Organization.objects.exists()

            page.fill("#id_credit_code", code)
            page.click("button[type=submit]")
            page.wait_for_selector("h1:has-text('辽源市鑫盛建筑工程有限公司')")
            os.makedirs("var/screenshots", exist_ok=True)
            page.screenshot(path="var/screenshots/organization-phone.png", full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

            # The list's search runs through htmx, which the CSP lets run without eval.
            page.goto(f"{self.live_server_url}/parties/organizations/")
            page.fill("input[name=q]", "不存在的公司")
            page.wait_for_selector("text=辽源市鑫盛建筑工程有限公司", state="detached")
            assert refused == [], refused
        finally:
            browser_context.__exit__(None, None, None)

        organization = Organization.objects.get()
        self.assertEqual(organization.credit_code, code)
        self.assertEqual(organization.division, self.longshan)
        assert organization.legal_representative is not None
        self.assertEqual(organization.legal_representative.name, "王建国")
