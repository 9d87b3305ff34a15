"""What a member of staff sees of the case page's forms, at 390 px and at 1366 px: a refused
form keeps its input with each error beside its field; the batch grid of a team's claims
(pasted or from a sheet) is previewed, then saved; an oversize photo is refused in the
browser before anything is sent, and the chosen file survives a server-side refusal of
another field."""

import io
import os
import random
import tempfile
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings
from openpyxl import Workbook

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.cases.models import Case, Evidence
from qingling.cases.services import case_open
from qingling.core.browser import PHONE, chromium, csp_violations
from qingling.core.models import Division
from qingling.parties.demo import fake_id_number
from qingling.testing import make_accepted_complaint, make_organization

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-forms-1"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
WIDTHS: dict[str, dict[str, Any]] = {"phone": PHONE, "desktop": DESKTOP}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.browser
class CaseFormsTests(StaticLiveServerTestCase):
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
        self.lead = staff_create(
            username="inspector-li",
            full_name="李监察",
            role=Role.INSPECTOR,
            org_unit=unit,
            password=PASSWORD,
            actor=None,
            enforcement_card_number="22040219001",
        )
        self.rng = random.Random(18)
        employer = make_organization(self.rng, name="辽源市鑫盛建筑工程有限公司")
        complaint = make_accepted_complaint(amount="12000.00", actor=self.chief)
        self.case = case_open(
            complaints=[complaint],
            respondent=employer,
            division=longshan,
            lead=self.lead,
            co_inspectors=[],
            actor=self.chief,
        )
        self.url = f"{self.live_server_url}/cases/{self.case.public_id}/"
        self.media = tempfile.TemporaryDirectory()
        self.addCleanup(self.media.cleanup)
        media = override_settings(MEDIA_ROOT=self.media.name)
        media.enable()
        self.addCleanup(media.disable)
        os.makedirs(SCREENSHOTS, exist_ok=True)

    def sign_in(self, browser: Any, username: str, options: dict[str, Any]) -> Any:
        page = browser.new_context(**options).new_page()
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/")
        return page

    def shot(self, page: Any, name: str, width: str) -> None:
        if width == "phone":
            scroll = page.evaluate("document.documentElement.scrollWidth")
            widest = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > 391)
                  .slice(0, 3).map(e => e.tagName + '.' + e.className + '#' + e.id)"""
            )
            assert scroll <= 390, f"{name} scrolls sideways on a phone ({scroll}px): {widest}"
        page.screenshot(path=f"{SCREENSHOTS}/forms-{name}-{width}.png", full_page=True)

    def test_a_refused_claim_keeps_its_input_with_each_error_beside_its_field(self) -> None:
        with chromium() as browser:
            chief = self.sign_in(browser, "chief", DESKTOP)
            chief.goto(self.url)
            # the withdrawal (撤销立案) is last, closed, and asks for a tick
            assert chief.locator("#steps details.danger").count() == 1
            assert chief.locator("#steps details.danger[open]").count() == 0
            steps = chief.locator("#steps details:has(form[data-step])")
            assert steps.nth(steps.count() - 1).get_attribute("class") == "danger" or (
                chief.locator("#steps details:has(form[data-step=withdraw])").is_visible()
            )
            for width, options in WIDTHS.items():
                page = self.sign_in(browser, "inspector-li", options)
                refused = csp_violations(page)
                page.goto(self.url)
                page.click("details:has(form[data-step=claim_add]) summary")
                page.fill("#id_claim_add-name", "赵六")
                page.fill("#id_claim_add-id_number", "22040219800101123")  # 17 characters
                page.fill("#id_claim_add-phone", "12345")
                page.fill("#id_claim_add-claimed", "3000")
                page.click("form[data-step=claim_add] button")
                page.wait_for_selector("#error-summary")
                form = page.locator("form[data-step=claim_add]")
                assert form.is_visible()  # its section opened again
                assert form.locator("#field-claim_add-id_number .errorlist").is_visible()
                assert form.locator("#field-claim_add-phone .errorlist").is_visible()
                assert page.input_value("#id_claim_add-name") == "赵六"
                assert page.input_value("#id_claim_add-claimed") == "3000"
                assert page.input_value("#id_claim_add-phone") == "12345"
                assert page.locator("#error-summary li").count() == 2  # all errors at once
                page.locator("#field-claim_add-id_number").scroll_into_view_if_needed()
                self.shot(page, "claim-refused", width)
                assert refused == []
        assert self.case.claims.count() == 1

    def test_a_team_of_sixty_is_previewed_then_saved_from_the_grid_and_from_a_sheet(
        self,
    ) -> None:
        team = [(f"工人{i:02d}", fake_id_number(self.rng), "4500") for i in range(120)]
        with chromium() as browser:
            # on a phone: pasted from a spreadsheet, one row wrong, corrected, saved
            page = self.sign_in(browser, "inspector-li", PHONE)
            page.goto(self.url)
            page.click("#claims-batch")
            page.wait_for_selector("#batch-grid")
            rows = list(team[:60])
            rows[41] = (rows[41][0], "220402198001011235", "4500")  # a wrong check digit
            text = "\n".join(f"{name}\t{number}\t\t{amount}" for name, number, amount in rows)
            page.evaluate(
                """text => {
                  const data = new DataTransfer();
                  data.setData("text/plain", text);
                  const cell = document.querySelector("input[name='row-1-name']");
                  cell.dispatchEvent(
                    new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
                }""",
                text,
            )
            assert page.input_value("input[name='row-60-claimed']") == "4500"
            page.click("#batch-check")
            page.wait_for_selector("#batch-result")
            assert page.locator("#batch-grid tr.bad").count() == 1
            assert page.locator("#row-42.bad td.why").is_visible()
            self.shot(page, "batch-preview", "phone")
            assert self.case.claims.count() == 1  # the preview saved nothing
            page.fill("input[name='row-42-id_number']", team[41][1])
            page.click("#batch-save")
            page.wait_for_url(f"{self.url}#claims")
            assert self.case.claims.count() == 61
            self.shot(page, "batch-saved", "phone")

            # at 1366 px: from a sheet, previewed in the grid, saved
            desk = self.sign_in(browser, "inspector-li", DESKTOP)
            desk.goto(f"{self.url}claims/batch/")
            book = Workbook()
            sheet = book.active
            assert sheet is not None
            sheet.append(["姓名", "身份证号", "手机", "欠薪金额"])
            for name, number, amount in team[60:]:
                sheet.append([name, number, "", float(amount)])
            buffer = io.BytesIO()
            book.save(buffer)
            desk.set_input_files(
                "#id_sheet-file",
                {
                    "name": "班组工资表.xlsx",
                    "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "buffer": buffer.getvalue(),
                },
            )
            desk.click("#batch-sheet button")
            desk.wait_for_selector("#batch-result")
            assert desk.locator("#batch-grid tr.ok").count() == 60
            assert desk.input_value("input[name='row-60-name']") == team[119][0]
            self.shot(desk, "batch-sheet-preview", "desktop")
            desk.click("#batch-save")
            desk.wait_for_url(f"{self.url}#claims")
        assert Case.objects.get(pk=self.case.pk).claims.count() == 121

    def test_an_oversize_photo_is_refused_before_it_is_sent(self) -> None:
        with chromium() as browser:
            for width, options in WIDTHS.items():
                page = self.sign_in(browser, "inspector-li", options)
                page.goto(self.url)
                page.click("details:has(form[data-step=evidence]) summary")
                posted: list[str] = []
                page.on(
                    "request",
                    lambda r, posted=posted: posted.append(r.url) if r.method == "POST" else None,
                )
                page.set_input_files(
                    "#id_evidence-file",
                    {
                        "name": "现场照片.jpg",
                        "mimeType": "image/jpeg",
                        "buffer": b"\xff" * (11 << 20),
                    },
                )
                refusal = page.locator("#field-evidence-file .upload-refused")
                refusal.wait_for()
                assert "10" in refusal.inner_text() and "MB" in refusal.inner_text()
                assert (
                    page.evaluate("document.querySelector('#id_evidence-file').files.length") == 0
                )
                page.locator("#field-evidence-file").scroll_into_view_if_needed()
                self.shot(page, "photo-refused", width)
                assert posted == []  # nothing was sent

                # a small photo is sent with a progress bar; refused for its missing kind,
                # the page comes back with the photo still chosen
                page.set_input_files(
                    "#id_evidence-file",
                    {"name": "工资表.png", "mimeType": "image/png", "buffer": PNG},
                )
                page.fill("#id_evidence-title", "工资表")
                page.fill("#id_evidence-source", "用人单位")
                page.click("form[data-step=evidence] button")
                page.wait_for_selector("#error-summary")
                assert page.locator("#field-evidence-kind .errorlist").is_visible()
                assert (
                    page.evaluate("document.querySelector('#id_evidence-file').files.length") == 1
                )
                assert page.input_value("#id_evidence-title") == "工资表"
                page.select_option("#id_evidence-kind", "payroll")
                page.click("form[data-step=evidence] button")
                page.wait_for_selector("tr[data-evidence=payroll]")
        assert Evidence.objects.filter(case=self.case).count() == 2

    def test_the_case_prints_as_the_case_on_a4_without_navigation_or_forms(self) -> None:
        with chromium() as browser:
            page = self.sign_in(browser, "inspector-li", DESKTOP)
            page.goto(self.url)
            page.emulate_media(media="print")
            for hidden in ("header.top", "#steps", "form[data-step=claim_add]", "#claims-batch"):
                assert not page.locator(hidden).first.is_visible(), hidden
            for shown in ("#claims table", "#documents", "#timeline", ".print-head"):
                assert page.locator(shown).first.is_visible(), shown
            page.screenshot(path=f"{SCREENSHOTS}/forms-case-print.png", full_page=True)
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
            # the ledger's money columns are on screen at 1366 px, with no sideways scroll
            page.emulate_media(media="screen")
            page.goto(f"{self.live_server_url}/reports/ledger/")
            box = page.locator(".table-box")
            fits = box.evaluate("b => b.scrollWidth <= b.clientWidth + 1")
            outstanding = page.locator("table.ledger th").last.bounding_box()
            assert fits and outstanding is not None and outstanding["x"] + 20 < 1366
            page.screenshot(path=f"{SCREENSHOTS}/forms-ledger-desktop.png")
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        assert 1 <= pages <= 3, f"the case prints on {pages} A4 pages"
