import datetime as dt
import os
import random
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_open, case_transition
from qingling.core import clock
from qingling.core.browser import PHONE, chromium
from qingling.core.models import Division
from qingling.sanctions.models import Referral
from qingling.testing import make_accepted_complaint, make_organization

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-referral-1"


@pytest.mark.browser
@override_settings(
    LANGUAGE_CODE="en",
    QINGLING_CRIME_THRESHOLD_ONE_WORKER=10000,
    QINGLING_CRIME_THRESHOLD_TEN_WORKERS=50000,
)
class ReferralFlowTests(StaticLiveServerTestCase):
    """On a phone: the lead inspector proposes a transfer from the case page, the
    director approves it, the inspector records the sending, the police's refusal, the
    reconsideration and the police opening a criminal case, which the case page shows."""

    def setUp(self) -> None:
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        longshan, _ = Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        city_unit = org_unit_create(name="监察支队", division=city, actor=None)
        unit = org_unit_create(name="龙山区大队", division=longshan, actor=None)
        people = {}
        for username, role, org_unit in (
            ("chief", Role.SECTION_CHIEF, city_unit),
            ("director", Role.DIRECTOR, city_unit),
            ("inspector-li", Role.INSPECTOR, unit),
            ("inspector-wang", Role.INSPECTOR, unit),
        ):
            people[username] = staff_create(
                username=username,
                full_name=username,
                role=role,
                org_unit=org_unit,
                password=PASSWORD,
                actor=None,
            )
        employer = make_organization(random.Random(5), name="辽源市鑫盛建筑工程有限公司")
        complaint = make_accepted_complaint(amount="12000.00", actor=people["chief"])
        case = case_open(
            complaints=[complaint],
            respondent=employer,
            division=longshan,
            lead=people["inspector-li"],
            co_inspectors=[people["inspector-wang"]],
            actor=people["chief"],
        )
        lead = people["inspector-li"]
        case = case_transition(case=case, target=CaseStatus.INVESTIGATING, actor=lead)
        case = case_transition(
            case=case,
            target=CaseStatus.ORDER_ISSUED,
            actor=lead,
            order_days=10,
        )
        # The order was issued and served three weeks ago and its date has passed unpaid.
        today = clock.local_today()
        Case.objects.filter(pk=case.pk).update(
            order_issued_on=today - dt.timedelta(days=21),
            order_served_on=today - dt.timedelta(days=21),
            order_due=today - dt.timedelta(days=6),
        )
        self.case = case

    def sign_in(self, browser: Any, username: str) -> Any:
        page = browser.new_context(**PHONE).new_page()
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/")
        return page

    def shot(self, page: Any, name: str) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
        page.screenshot(path=f"{SCREENSHOTS}/referral-{name}.png", full_page=True)

    def step(self, page: Any, step: str, fields: dict[str, str], status: str) -> None:
        details = f"details:has(form[data-step={step}])"
        if page.get_attribute(details, "open") is None:  # the first step is open already
            page.click(f"{details} summary")
        for name, value in fields.items():
            page.fill(f"#id_{step}-{name}", value)
        page.click(f"form[data-step={step}] button")
        page.wait_for_selector(f"[data-status={status}]")

    def test_walks_a_transfer_from_proposal_to_the_police_opening_a_case(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            self.walk(browser)

    def walk(self, browser: Any) -> None:
        case_url = f"{self.live_server_url}/cases/{self.case.public_id}/"
        today = clock.local_today().isoformat()
        lead = self.sign_in(browser, "inspector-li")
        lead.goto(case_url)
        lead.click("#fact-referral a")
        lead.wait_for_selector("#conditions")
        assert lead.get_attribute("[data-condition=order_unpaid]", "data-met") == "yes"
        self.shot(lead, "propose")
        lead.check("#id_three_months_pay")
        lead.fill("#id_report", "经责令支付逾期仍不支付，拖欠一名劳动者三个月工资12000元")
        lead.click("#propose-form button")
        lead.wait_for_selector("[data-status=proposed]")
        referral_url = lead.url

        director = self.sign_in(browser, "director")
        director.goto(referral_url)
        self.step(director, "approve", {}, "approved")

        lead.goto(referral_url)
        assert lead.input_value("#id_send-police_organ") == "辽源市公安局龙山分局"
        self.step(lead, "send", {"police_officer": "王警官"}, "sent")
        self.shot(lead, "sent")
        self.step(
            lead,
            "decline",
            {"decided_on": today, "document": "龙公不立〔2026〕2号", "notice_received_on": today},
            "declined",
        )
        self.step(
            lead, "reconsider", {"requested_on": today, "note": "已达数额较大"}, "reconsideration"
        )
        self.step(
            lead, "accept", {"decided_on": today, "document": "龙公立〔2026〕9号"}, "accepted"
        )
        self.shot(lead, "accepted")

        lead.goto(case_url)
        assert "龙公立〔2026〕9号" in lead.inner_text("#fact-referral")
        self.shot(lead, "case")
        referral = Referral.objects.get()
        assert referral.sent_at is not None and referral.accepted_on is not None
