import os
import random
import re
import tempfile
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case
from qingling.core import clock
from qingling.core.browser import PHONE, chromium
from qingling.core.models import AuditEvent, Division
from qingling.testing import make_accepted_complaint, make_organization

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-case-1"
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


@pytest.mark.browser
class CaseFlowTests(StaticLiveServerTestCase):
    """A chief opens a case from an accepted complaint; the lead inspector investigates,
    orders payment, records it and asks to close; the chief closes it as paid in full."""

    def setUp(self) -> None:
        # A live-server test runs outside a transaction: the divisions that the data
        # migration loaded may have been flushed by an earlier one, so make sure of them.
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        longshan, _ = Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        city_unit = org_unit_create(name="监察支队", division=city, actor=None)
        longshan_unit = org_unit_create(name="龙山区大队", division=longshan, actor=None)
        self.chief = staff_create(
            username="chief",
            full_name="赵科长",
            role=Role.SECTION_CHIEF,
            org_unit=city_unit,
            password=PASSWORD,
            actor=None,
        )
        self.lead = staff_create(
            username="inspector-li",
            full_name="李监察",
            role=Role.INSPECTOR,
            org_unit=longshan_unit,
            password=PASSWORD,
            actor=None,
            enforcement_card_number="22040219001",
        )
        self.co = staff_create(
            username="inspector-wang",
            full_name="王监察",
            role=Role.INSPECTOR,
            org_unit=longshan_unit,
            password=PASSWORD,
            actor=None,
            enforcement_card_number="22040219002",
        )
        self.employer = make_organization(random.Random(5), name="辽源市鑫盛建筑工程有限公司")
        self.complaint = make_accepted_complaint(amount="12000.00", actor=self.chief)
        self.media = tempfile.TemporaryDirectory()
        self.addCleanup(self.media.cleanup)
        media = override_settings(MEDIA_ROOT=self.media.name)
        media.enable()
        self.addCleanup(media.disable)

    def sign_in(self, browser: Any, username: str, **options: Any) -> Any:
        page = browser.new_context(**(options or PHONE)).new_page()
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/")
        return page

    def shot(self, page: Any, name: str, *, phone: bool = True) -> None:
        if phone:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
        page.screenshot(path=f"{SCREENSHOTS}/case-{name}.png", full_page=True)

    def test_opens_investigates_orders_pays_and_closes_a_case(self) -> None:
        browser_context = chromium()
        browser = browser_context.__enter__()
        os.makedirs(SCREENSHOTS, exist_ok=True)
        try:
            self.run_the_flow(browser)
        finally:
            browser_context.__exit__(None, None, None)

    def run_the_flow(self, browser: Any) -> None:
        # The chief opens the case from the complaint, with the two proposed inspectors.
        chief = self.sign_in(browser, "chief")
        chief.goto(f"{self.live_server_url}/complaints/{self.complaint.public_id}/")
        chief.click("#open-case")
        chief.wait_for_selector("#case-open")
        assert chief.is_checked(f"input[name=lead][value='{self.lead.pk}']")
        assert chief.is_checked(f"input[name=co_inspectors][value='{self.co.pk}']")
        assert chief.input_value("#id_division") == "220402"
        chief.check(f"input[name=respondent][value='{self.employer.public_id}']")
        self.shot(chief, "open-phone")
        chief.click("#case-open button[type=submit]")
        chief.wait_for_url(re.compile(r".*/cases/[0-9a-f-]{36}/$"))
        case = Case.objects.get()
        case_url = chief.url
        assert {a.inspector for a in case.assignments.all()} == {self.lead, self.co}
        chief.wait_for_selector("[data-status=opened]")

        # The lead inspector investigates, orders payment, records it and asks to close.
        lead = self.sign_in(browser, "inspector-li")
        lead.goto(case_url)
        lead.click("form[data-step=investigate] button")
        lead.wait_for_selector("[data-status=investigating]")
        lead.fill("#id_order-order_days", "10")
        lead.click("form[data-step=order] button")
        lead.wait_for_selector("[data-status=order_issued]")
        lead.wait_for_selector("#order-clock")  # not running until served

        # The order is written for the employer, generated, and served directly today.
        lead.fill("#id_facts-text", "经查，你单位拖欠劳动者工资12000元，至今未支付。")
        lead.click("form[data-step=facts] button")
        lead.click("details:has(form[data-document-form=order]) summary")
        lead.click("form[data-document-form=order] button")
        lead.wait_for_selector("tr[data-document=order][data-state=unserved]")
        order = case.documents.get()
        lead.click("details:has(form[data-document-serve=order]) summary")
        lead.fill(f"#id_serve-{order.pk}-recipient_name", "张经理")
        self.shot(lead, "serve-phone")
        lead.click("form[data-document-serve=order] button")
        lead.wait_for_selector("tr[data-document=order][data-state=served]")
        case.refresh_from_db()
        assert case.order_served_on == clock.local_today()
        claim = case.claims.get()
        lead.click(f"#claim-{claim.pk} + tr details:has(form[data-claim-form=pay]) summary")
        assert lead.input_value(f"#id_pay-{claim.pk}-amount") == "12000.00"
        lead.fill(f"#id_pay-{claim.pk}-method", "银行转账")
        lead.fill(f"#id_pay-{claim.pk}-voucher", "HX-2026-001")
        self.shot(lead, "payment-phone")
        lead.click(f"#claim-{claim.pk} + tr form[data-claim-form=pay] button")
        lead.wait_for_selector("#cleared")
        self.shot(lead, "cleared-phone")
        lead.click("form[data-step=request_closing] button")
        lead.wait_for_selector("[data-status=closing_requested]")

        # The chief closes it: paid in full.
        chief.goto(case_url)
        chief.select_option("#id_close-outcome", CaseOutcome.PAID_IN_FULL)
        chief.fill("#id_close-note", "工资已全额支付")
        chief.click("form[data-step=close] button")
        chief.wait_for_selector("[data-status=closed]")
        actions = chief.eval_on_selector_all(
            "#timeline li[data-action]", "items => items.map(i => i.dataset.action)"
        )
        for step in (
            "case.open",
            "case.investigating",
            "case.order_issued",
            "case.payment",
            "case.closing_requested",
            "case.closed",
        ):
            assert step in actions, (step, actions)
        self.shot(chief, "closed-phone")
        chief.goto(f"{self.live_server_url}/cases/")
        chief.wait_for_selector(f"tr[data-case='{case.number}']")
        self.shot(chief, "list-phone")

        desk = self.sign_in(browser, "chief", **DESKTOP)
        desk.goto(case_url)
        self.shot(desk, "closed-desktop", phone=False)
        desk.goto(f"{self.live_server_url}/cases/")
        self.shot(desk, "list-desktop", phone=False)

        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED
        assert case.outcome == CaseOutcome.PAID_IN_FULL
        assert AuditEvent.objects.filter(object_type="cases.case", action="case.payment").exists()
