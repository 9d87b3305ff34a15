import datetime as dt
import os
import random
import tempfile
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings
from django.utils import timezone

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case, CaseArchive, Evidence, InvestigationRecord
from qingling.cases.services import case_open, case_transition, payment_record
from qingling.core import clock
from qingling.core.browser import PHONE, chromium
from qingling.core.models import Division
from qingling.testing import make_accepted_complaint, make_organization

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-case-1"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n% a scanned payroll\n"


@pytest.mark.browser
class EvidenceArchiveFlowTests(StaticLiveServerTestCase):
    """An inspector records an inquiry and uploads it signed, attaches a payroll, asks to
    close; the chief closes; the inspector archives the file, downloads its index and
    finds the case read-only."""

    def setUp(self) -> None:
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        longshan, _ = Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        city_unit = org_unit_create(name="监察支队", division=city, actor=None)
        unit = org_unit_create(name="龙山区大队", division=longshan, actor=None)
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
                username=username,
                full_name=name,
                role=Role.INSPECTOR,
                org_unit=unit,
                password=PASSWORD,
                actor=None,
                enforcement_card_number=card,
            )
            for username, name, card in (
                ("inspector-li", "李监察", "22040219001"),
                ("inspector-wang", "王监察", "22040219002"),
            )
        )
        media = tempfile.TemporaryDirectory()
        self.addCleanup(media.cleanup)
        override = override_settings(MEDIA_ROOT=media.name)
        override.enable()
        self.addCleanup(override.disable)
        employer = make_organization(random.Random(5), name="辽源市鑫盛建筑工程有限公司")
        complaint = make_accepted_complaint(amount="12000.00", actor=self.chief)
        case = case_open(
            complaints=[complaint],
            respondent=employer,
            division=longshan,
            lead=self.lead,
            co_inspectors=[self.co],
            actor=self.chief,
        )
        self.case = case_transition(case=case, target=CaseStatus.INVESTIGATING, actor=self.lead)
        payment_record(
            claim=self.case.claims.get(),
            amount=Decimal("12000.00"),
            paid_on=clock.local_today(),
            payer_kind="employer",
            actor=self.lead,
        )
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def file(self, name: str, data: bytes) -> str:
        path = os.path.join(self.folder.name, name)
        with open(path, "wb") as handle:
            handle.write(data)
        return path

    def sign_in(self, browser: Any, username: str, **options: Any) -> Any:
        page = browser.new_context(**(options or PHONE), accept_downloads=True).new_page()
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
        page.screenshot(path=f"{SCREENSHOTS}/evidence-{name}.png", full_page=True)

    def test_records_attaches_closes_archives_and_reads_only(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            self.run_the_flow(browser)

    def run_the_flow(self, browser: Any) -> None:
        case_url = f"{self.live_server_url}/cases/{self.case.public_id}/"
        lead = self.sign_in(browser, "inspector-li")
        lead.goto(case_url)

        # An inquiry record, by both inspectors (ticked already), with two questions.
        lead.click("details:has(form[data-step=record]) summary")
        assert lead.is_checked(f"input[name=record-inspectors][value='{self.co.pk}']")
        started = timezone.localtime(clock.now() - dt.timedelta(minutes=30))
        lead.fill("#id_record-started_at", started.strftime("%Y-%m-%dT%H:%M"))
        lead.fill("#id_record-place", "龙山区人社局询问室")
        lead.fill("#id_record-subject_name", "张经理")
        lead.fill("#id_record-subject_role", "项目经理")
        lead.fill(
            "#id_record-questions",
            "问：你单位是否拖欠工人工资？\n答：拖欠两个月。\n问：何时支付？\n答：本周内。",
        )
        self.shot(lead, "record-phone")
        lead.click("form[data-step=record] button")
        lead.wait_for_selector("tr[data-record=inquiry][data-signed=no]")
        record = InvestigationRecord.objects.get()
        with lead.expect_download() as printed:
            lead.click(f"a[href$='/records/{record.public_id}/docx/']")
        assert printed.value.suggested_filename.endswith(".docx")

        # The signed record, scanned, is uploaded.
        lead.click("details:has(form[data-record-form=scan]) summary")
        lead.set_input_files(f"#id_scan-{record.pk}-signed_scan", self.file("signed.png", PNG))
        lead.click("form[data-record-form=scan] button")
        lead.wait_for_selector("tr[data-record=inquiry][data-signed=yes]")

        # The payroll obtained from the project office.
        lead.click("details:has(form[data-step=evidence]) summary")
        lead.select_option("#id_evidence-kind", Evidence.Kind.PAYROLL)
        lead.fill("#id_evidence-title", "2026年10月至11月工资表")
        lead.fill("#id_evidence-source", "项目部财务")
        lead.fill("#id_evidence-pages", "2")
        lead.set_input_files("#id_evidence-file", self.file("payroll.pdf", PDF))
        self.shot(lead, "evidence-phone")
        lead.click("form[data-step=evidence] button")
        lead.wait_for_selector("tr[data-evidence=payroll]")
        desk = self.sign_in(browser, "inspector-li", **DESKTOP)
        desk.goto(f"{case_url}#records")
        self.shot(desk, "records-desktop", phone=False)

        # Closing: asked by the lead, approved by the chief (paid in full).
        lead.goto(case_url)
        lead.click("details:has(form[data-step=request_closing]) summary")
        lead.click("form[data-step=request_closing] button")
        lead.wait_for_selector("[data-status=closing_requested]")
        chief = self.sign_in(browser, "chief")
        chief.goto(case_url)
        chief.select_option("#id_close-outcome", CaseOutcome.PAID_IN_FULL)
        chief.fill("#id_close-note", "工资已全额支付")
        chief.click("form[data-step=close] button")
        chief.wait_for_selector("[data-status=closed]")

        # The lead archives the file and downloads its index.
        lead.goto(case_url)
        lead.click("form[data-step=archive] button")
        lead.wait_for_selector("#read-only")
        lead.wait_for_selector("#archive tr[data-section=records]")
        with lead.expect_download() as index:
            lead.click("#archive-index-pdf")
        with open(index.value.path(), "rb") as handle:
            assert handle.read(5) == b"%PDF-"
        self.shot(lead, "archived-phone")
        desk.goto(f"{case_url}#archive")
        desk.reload()  # the same page with another anchor: load it again
        desk.wait_for_selector("#read-only")
        self.shot(desk, "archived-desktop", phone=False)

        # Read-only: nothing to fill in anywhere on the page.
        for selector in (
            "form[data-step]",
            "form[data-record-form]",
            "form[data-document-form]",
            "form[data-claim-form]",
        ):
            assert lead.query_selector(selector) is None, selector
        archive = CaseArchive.objects.get()
        sections = [item["section"] for item in archive.items]
        assert sections == ["records", "evidence"], sections
        case = Case.objects.get()
        assert case.status == CaseStatus.CLOSED
