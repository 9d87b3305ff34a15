"""A group complaint from a phone to each worker's money, and a 12345 order settled
without a case (issue 13)."""

import os
import random
import re
import tempfile
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Payment
from qingling.cases.services import case_open, case_transition, payment_record
from qingling.core import clock
from qingling.core.browser import PHONE, chromium
from qingling.core.models import Division
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.models import Complaint
from qingling.intake.services import complaint_accept, complaint_register, source_system_create
from qingling.intake.tests.channels.web.test_views import tiny_png
from qingling.notify.models import OutboxMessage
from qingling.testing import make_organization

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-group-1"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.mark.browser
class GroupComplaintFlowTests(StaticLiveServerTestCase):
    def setUp(self) -> None:
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        self.longshan, _ = Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        city_unit = org_unit_create(name="监察支队", division=city, actor=None)
        unit = org_unit_create(name="龙山区大队", division=self.longshan, actor=None)
        self.chief = staff_create(
            username="chief",
            full_name="赵科长",
            role=Role.SECTION_CHIEF,
            org_unit=city_unit,
            password=PASSWORD,
            actor=None,
        )
        self.lead, self.co = (
            staff_create(
                username=f"inspector-{n}",
                full_name=f"监察{n}",
                role=Role.INSPECTOR,
                org_unit=unit,
                password=PASSWORD,
                actor=None,
                enforcement_card_number=f"2204021900{n}",
            )
            for n in (1, 2)
        )
        self.intake = staff_create(
            username="intake",
            full_name="受理员",
            role=Role.INTAKE_OFFICER,
            org_unit=city_unit,
            password=PASSWORD,
            actor=None,
        )
        self.media = tempfile.TemporaryDirectory()
        self.addCleanup(self.media.cleanup)
        media = override_settings(MEDIA_ROOT=self.media.name)
        media.enable()
        self.addCleanup(media.disable)
        os.makedirs(SCREENSHOTS, exist_ok=True)

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
        page.screenshot(path=f"{SCREENSHOTS}/group-{name}.png", full_page=True)

    def test_a_group_complaint_reaches_each_workers_own_payment(self) -> None:
        with chromium() as browser:
            self.group_flow(browser)

    def group_flow(self, browser: Any) -> None:
        # The worker files for three from a phone.
        worker = browser.new_context(**PHONE).new_page()
        worker.goto(f"{self.live_server_url}/ts/")
        worker.fill("#id_name", "王建国")
        worker.fill("#id_phone", "13843712345")
        worker.fill("#id_employer_name", "辽源市鑫盛建筑工程有限公司")
        worker.select_option("#id_division", "220402")
        worker.fill("#id_amount", "18600")
        worker.fill("#id_headcount", "3")
        worker.fill("#id_period", "2020年9月至12月")
        worker.fill(
            "#id_workers", "王建国 13843712345 6000\n李四 13900001111 6000\n赵六 13900002222 6600"
        )
        self.shot(worker, "form-phone")
        worker.click("button.submit")
        worker.wait_for_selector("#code-step:not([hidden])")
        code = OutboxMessage.objects.filter(payload__template="phone_code").latest("id")
        worker.fill("#id_code", code.payload["code"])
        worker.click("button.submit")
        worker.wait_for_url(f"{self.live_server_url}/ts/done/**")
        query_code = worker.inner_text("#query-code").strip()
        complaint = Complaint.objects.get()
        assert complaint.workers.count() == 3

        # Intake accepts it; the staff page lists the three workers.
        complaint_accept(complaint=complaint, actor=self.intake)
        desk = self.sign_in(browser, "chief", **DESKTOP)
        desk.goto(f"{self.live_server_url}/complaints/{complaint.public_id}/")
        desk.wait_for_selector("#workers tbody tr >> nth=2")
        self.shot(desk, "complaint-desktop", phone=False)

        # The chief opens the case: one claim per worker; each is paid; the case closes.
        case = case_open(
            complaints=[complaint],
            respondent=make_organization(random.Random(3)),
            division=self.longshan,
            lead=self.lead,
            co_inspectors=[self.co],
            actor=self.chief,
        )
        claims = {c.worker.name: c for c in case.claims.select_related("worker")}
        assert {n: c.claimed for n, c in claims.items()} == {
            "王建国": Decimal(6000),
            "李四": Decimal(6000),
            "赵六": Decimal(6600),
        }
        case_transition(case=case, target=CaseStatus.INVESTIGATING, actor=self.lead)
        for claim in claims.values():
            payment_record(
                claim=claim,
                amount=claim.claimed,
                paid_on=clock.local_today(),
                payer_kind=Payment.Payer.EMPLOYER,
                actor=self.lead,
            )
        case_transition(case=case, target=CaseStatus.CLOSING_REQUESTED, actor=self.lead)
        case_transition(
            case=case, target=CaseStatus.CLOSED, actor=self.chief, outcome=CaseOutcome.PAID_IN_FULL
        )
        lead = self.sign_in(browser, "inspector-1")
        lead.goto(f"{self.live_server_url}/cases/{case.public_id}/")
        lead.wait_for_selector("[data-status=closed]")
        self.shot(lead, "case-phone")

        # The worker sees the case, its end, and the money paid to *him*, not the group's.
        worker.goto(f"{self.live_server_url}/ts/query/")
        worker.fill("#id_query_code", query_code)
        worker.fill("#id_phone", "13843712345")
        worker.click("button[type=submit]")
        worker.wait_for_selector("#case-number")
        assert worker.inner_text("#case-number").strip() == case.number
        assert worker.get_attribute("#case-stage", "data-stage") == "closed"
        assert worker.inner_text("#paid-to-you").startswith("6000.00")
        self.shot(worker, "query-phone")

    def test_a_12345_order_is_settled_without_a_case(self) -> None:
        system, _key = source_system_create(
            name="12345", channel="12345", reply_url="https://12345.example/reply", actor=None
        )
        complaint = complaint_register(
            draft=ComplaintDraft(
                name="李四",
                phone="13900001111",
                employer_name="辽源市鑫盛建筑工程有限公司",
                division_code="220402",
                amount=Decimal(3000),
                source_ref="GD-2021-1",
            ),
            channel="12345",
            actor=None,
            source_system=system,
        ).complaint
        with chromium() as browser:
            for name, options in (("desktop", DESKTOP), ("phone", PHONE)):
                page = self.sign_in(browser, "intake", **options)
                page.goto(f"{self.live_server_url}/complaints/{complaint.public_id}/")
                page.click("#settle summary")
                self.shot(page, f"settle-{name}", phone=name == "phone")
            page.fill("#id_settle-contacted", "项目经理 刘某")
            page.fill("#id_settle-agreed", "当日结清")
            page.fill("#id_settle-payments", f"李四 3000 {clock.local_today().isoformat()}")
            page.set_input_files(
                "#id_settle-proof",
                files=[{"name": "转账凭证.png", "mimeType": "image/png", "buffer": tiny_png()}],
            )
            page.check("#id_settle-worker_confirmed")
            page.fill("#id_settle-confirmation_note", "电话确认到账")
            page.click("#settle button")
            page.wait_for_selector("#settlement")
            self.shot(page, "settled-phone")
        complaint.refresh_from_db()
        assert complaint.status == "settled"
        reply = OutboxMessage.objects.get(gateway="webhook", payload__source_ref="GD-2021-1")
        assert reply.payload["settlement"]["total"] == "3000.00"
        assert re.fullmatch(r"[0-9a-f]{64}", complaint.settlement.proof_sha256)
