import datetime as dt
import json
import os
import random
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_open, case_transition, payment_record
from qingling.core import clock
from qingling.core.browser import PHONE, chromium
from qingling.core.models import Division
from qingling.parties.demo import fake_id_number
from qingling.sanctions.lifecycle import ListingGround
from qingling.sanctions.models import Listing
from qingling.sanctions.services import listing_propose
from qingling.testing import make_accepted_complaint, make_organization

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-listing-1"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
EMPLOYER = "辽源市鑫盛建筑工程有限公司"


@pytest.mark.browser
@override_settings(
    LANGUAGE_CODE="en",
    QINGLING_CRIME_THRESHOLD_ONE_WORKER=10000,
    QINGLING_CRIME_THRESHOLD_TEN_WORKERS=50000,
)
class ListingFlowTests(StaticLiveServerTestCase):
    """On a phone: the lead inspector generates the notice of intended listing and records
    its service on the case page; after the defence period the chief decides, naming the
    legal representative; the employer is on the public list; seven months later, the
    wages repaid, the chief removes it early, and it leaves the public list and appears
    in the feed as a removal. Each document is downloaded."""

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
        self.rng = random.Random(5)
        employer = make_organization(self.rng, name=EMPLOYER)
        complaint = make_accepted_complaint(amount="12000.00", actor=people["chief"])
        lead = people["inspector-li"]
        case = case_open(
            complaints=[complaint],
            respondent=employer,
            division=longshan,
            lead=lead,
            co_inspectors=[people["inspector-wang"]],
            actor=people["chief"],
        )
        case = case_transition(case=case, target=CaseStatus.INVESTIGATING, actor=lead)
        case = case_transition(case=case, target=CaseStatus.ORDER_ISSUED, actor=lead, order_days=10)
        today = clock.local_today()
        Case.objects.filter(pk=case.pk).update(
            order_issued_on=today - dt.timedelta(days=21),
            order_served_on=today - dt.timedelta(days=21),
            order_due=today - dt.timedelta(days=6),
            facts_for_respondent="经查，你单位拖欠劳动者工资12000元，至今未支付。",
        )
        case.refresh_from_db()
        self.case = case
        self.lead = lead
        self.listing = listing_propose(
            case=case,
            ground=ListingGround.THRESHOLD,
            reason="逾期未支付一名劳动者三个月工资12000元",
            three_months_pay=True,
            actor=lead,
        )

    def sign_in(self, browser: Any, username: str, context: dict[str, Any] = PHONE) -> Any:
        page = browser.new_context(**context, accept_downloads=True).new_page()
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/")
        return page

    def shot(self, page: Any, name: str, width: int = 390) -> None:
        page.screenshot(path=f"{SCREENSHOTS}/listing-{name}.png", full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
            f" > {width}).map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)"
        )
        assert scroll <= width, f"{name} scrolls sideways at {width}px ({scroll}px): {wide}"

    def step(self, page: Any, step: str, fields: dict[str, str], status: str = "") -> None:
        details = f"details:has(form[data-step={step}])"
        if page.get_attribute(details, "open") is None:
            page.click(f"{details} summary")
        for name, value in fields.items():
            if name.endswith("_role"):
                page.select_option(f"#id_{step}-{name}", value)
            else:
                page.fill(f"#id_{step}-{name}", value)
        page.click(f"form[data-step={step}] button")
        if status:
            page.wait_for_selector(f"[data-status={status}]")
        else:
            page.wait_for_load_state()

    def download(self, page: Any, kind: str) -> None:
        """The document's DOCX and PDF download from the listing page."""
        for label, magic in (("DOCX", b"PK"), ("PDF", b"%PDF")):
            with page.expect_download() as info:
                page.click(f"li[data-kind={kind}] a:text-is('{label}')")
            path = info.value.path()
            with open(path, "rb") as stored:
                assert stored.read(4).startswith(magic), (kind, label)

    def test_walks_a_listing_from_notice_to_early_removal(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            self.walk(browser)

    def walk(self, browser: Any) -> None:
        listing_url = f"{self.live_server_url}/sanctions/{self.listing.public_id}/"
        case_url = f"{self.live_server_url}/cases/{self.case.public_id}/"
        lead = self.sign_in(browser, "inspector-li")
        lead.goto(listing_url)
        assert lead.input_value("#id_notice-defence_days") == "5"
        self.step(lead, "notice", {})
        lead.wait_for_selector("li[data-kind=listing_notice]")
        self.download(lead, "listing_notice")
        self.shot(lead, "notice")

        lead.goto(case_url)
        lead.click("details:has(form[data-document-serve=listing_notice]) summary")
        notice = Listing.objects.get().notice_document
        assert notice is not None
        lead.fill(f"#id_serve-{notice.pk}-recipient_name", "王建国")
        lead.click("form[data-document-serve=listing_notice] button")
        lead.wait_for_selector("tr[data-document=listing_notice][data-state=served]")
        lead.goto(listing_url)
        self.step(lead, "notify", {}, "notified")
        ends = Listing.objects.get().defence_ends_on
        assert ends is not None
        lead.wait_for_selector(f"[data-defence-ends='{ends.isoformat()}']")

        # After the defence period (no statement made): the chief decides.
        decided = dt.datetime.combine(ends + dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC)
        with time_machine.travel(decided, tick=True):
            chief = self.sign_in(browser, "chief")
            chief.goto(listing_url)
            chief.click("details:has(form[data-step=decide]) summary")
            self.shot(chief, "decide-form")
            wide_chief = self.sign_in(browser, "chief", DESKTOP)
            wide_chief.goto(listing_url)
            wide_chief.click("details:has(form[data-step=decide]) summary")
            self.shot(wide_chief, "decide-form-desktop", 1366)
            self.step(
                chief,
                "decide",
                {
                    "new1_name": "王建国",
                    "new1_id_number": fake_id_number(self.rng),
                    "new1_role": "legal_representative",
                    "new2_name": "刘实控",
                    "new2_id_number": fake_id_number(self.rng),
                    "new2_role": "controller",
                },
                "listed",
            )
            self.download(chief, "listing_decision")
            self.shot(chief, "listed")
            public = browser.new_context(**PHONE).new_page()
            public.goto(f"{self.live_server_url}/blacklist/")
            assert EMPLOYER in public.inner_text("main")
            assert "刘实控" in public.inner_text("[data-persons]")
            self.shot(public, "public-phone")
            wide = browser.new_context(**DESKTOP).new_page()
            wide.goto(f"{self.live_server_url}/blacklist/")
            self.shot(wide, "public-desktop", 1366)
            repaid = clock.local_today()
            payment_record(
                claim=self.case.claims.get(),
                amount=Decimal("12000.00"),
                paid_on=repaid,
                payer_kind="employer",
                actor=self.lead,
            )

        # Seven months on the list after the repayment: early removal.
        later = decided + dt.timedelta(days=213)
        with time_machine.travel(later, tick=True):
            chief = self.sign_in(browser, "chief")
            chief.goto(listing_url)
            self.step(
                chief,
                "remove",
                {"repaid_on": repaid.isoformat(), "commitment_note": "守信承诺书，存于案卷"},
                "removed",
            )
            self.download(chief, "listing_removal")
            self.shot(chief, "removed")
            public = browser.new_context(**PHONE).new_page()
            public.goto(f"{self.live_server_url}/blacklist/")
            assert EMPLOYER not in public.inner_text("main")
            chief.goto(f"{self.live_server_url}/api/v1/blacklist/feed")
            feed = json.loads(chief.inner_text("body"))
            assert [line["event"] for line in feed["lines"]] == ["listed", "removed"]
            assert feed["lines"][1]["removed_on"] == clock.local_today().isoformat()
            organization = f"{self.live_server_url}/parties/organizations/"
            organization += f"{self.case.respondent.public_id}/"
            chief.goto(organization)
            chief.wait_for_selector("#section-record")
            self.shot(chief, "record-phone")
            wide = self.sign_in(browser, "chief", DESKTOP)
            wide.goto(listing_url)
            self.shot(wide, "removed-desktop", 1366)
            wide.goto(organization)
            self.shot(wide, "record-desktop", 1366)
