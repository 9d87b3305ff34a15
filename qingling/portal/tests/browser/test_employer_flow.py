import os
import random
import tempfile
from typing import Any

import openpyxl
import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.cases.models import Service
from qingling.core.browser import PHONE, chromium
from qingling.core.models import Division
from qingling.parties.demo import fake_id_number
from qingling.parties.models import ProjectParty
from qingling.parties.services import project_party_add
from qingling.portal.models import PaymentProof
from qingling.portal.tests.world import PDF, build_world
from qingling.testing import make_organization

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-portal-1"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.mark.browser
class EmployerFlowTests(StaticLiveServerTestCase):
    """The bureau gives the employer its set-password link and sends it the order for
    electronic service; the employer sets its password on a phone, signs in, confirms
    receipt of the order, sees it among its orders and answers it with proof of payment;
    the inspector sees the proof on the case."""

    def setUp(self) -> None:
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        self.longshan, _ = Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        city_unit = org_unit_create(name="监察支队", division=city, actor=None)
        unit = org_unit_create(name="龙山区大队", division=self.longshan, actor=None)
        self.rng = random.Random(11)
        self.intake = staff_create(
            username="intake",
            full_name="孙受理",
            role=Role.INTAKE_OFFICER,
            org_unit=city_unit,
            password=PASSWORD,
            actor=None,
        )
        self.chief = staff_create(
            username="chief",
            full_name="赵科长",
            role=Role.SECTION_CHIEF,
            org_unit=city_unit,
            password=PASSWORD,
            actor=None,
        )
        self.inspector = staff_create(
            username="inspector",
            full_name="李监察",
            role=Role.INSPECTOR,
            org_unit=unit,
            password=PASSWORD,
            actor=None,
            enforcement_card_number="22040219001",
        )
        self.inspector2 = staff_create(
            username="inspector2",
            full_name="王监察",
            role=Role.INSPECTOR,
            org_unit=unit,
            password=PASSWORD,
            actor=None,
            enforcement_card_number="22040219002",
        )
        self.media = tempfile.TemporaryDirectory()
        self.addCleanup(self.media.cleanup)
        media = override_settings(MEDIA_ROOT=self.media.name)
        media.enable()
        self.addCleanup(media.disable)
        self.world = build_world(self)  # type: ignore[arg-type]
        self.proof = os.path.join(self.media.name, "回单.pdf")
        with open(self.proof, "wb") as handle:
            handle.write(PDF)

    def staff(self, browser: Any, username: str) -> Any:
        page = browser.new_context(**DESKTOP).new_page()
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
        page.screenshot(path=f"{SCREENSHOTS}/portal-{name}.png", full_page=True)

    def test_an_employer_confirms_receipt_of_its_order_and_answers_it_with_proof(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            self.run_the_flow(browser)

    def run_the_flow(self, browser: Any) -> None:
        w = self.world
        base = self.live_server_url
        # The chief gives the employer a new set-password link.
        chief = self.staff(browser, "chief")
        chief.goto(f"{base}/portal/staff/organizations/{w.employer.public_id}/")
        chief.click("button[value=link]")
        link = chief.inner_text("#set-password-link").strip()
        self.shot(chief, "staff-organization-desktop", phone=False)
        chief.goto(f"{base}/portal/staff/accounts/")
        self.shot(chief, "staff-accounts-desktop", phone=False)

        # The inspector sends the order to the employer's portal.
        inspector = self.staff(browser, "inspector")
        inspector.goto(f"{base}/portal/staff/cases/{w.case.public_id}/")
        inspector.select_option("#id_document", str(w.order.public_id))
        inspector.click("form.card button[type=submit]")
        inspector.wait_for_selector(".flash")
        assert w.order.electronic_deliveries.exists()

        # The employer sets its password on a phone and signs in with its credit code.
        phone = browser.new_context(**PHONE).new_page()
        phone.goto(link)
        phone.fill("#id_new_password1", "qingling-portal-2026")
        phone.fill("#id_new_password2", "qingling-portal-2026")
        self.shot(phone, "set-password-phone")
        phone.click("button[type=submit]")
        phone.wait_for_url(f"{base}/portal/login/")
        phone.fill("#id_username", w.account.credit_code)
        phone.fill("#id_password", "qingling-portal-2026")
        self.shot(phone, "login-phone")
        phone.click("button[type=submit]")
        phone.wait_for_url(f"{base}/portal/")
        self.shot(phone, "home-phone")

        # It opens the document waiting for it and confirms receipt.
        phone.click(f"a[href='/portal/documents/{w.order.public_id}/']")
        phone.wait_for_selector("#confirm-receipt")
        self.shot(phone, "document-phone")
        phone.click("#confirm-receipt")
        phone.wait_for_selector(".flash")
        assert phone.locator("#confirm-receipt").count() == 0
        service = Service.objects.get(document=w.order)
        assert service.method == "electronic"

        # Its order is among its orders; it answers with proof of payment.
        phone.goto(f"{base}/portal/orders/")
        phone.wait_for_selector(f"text={w.order.number}")
        self.shot(phone, "orders-phone")
        phone.goto(f"{base}/portal/cases/{w.case.public_id}/")
        phone.fill("#id_amount", "8000.00")
        phone.fill("#id_paid_on", "2021-01-20")
        phone.set_input_files("#id_attachments", self.proof)
        self.shot(phone, "case-phone")
        phone.click("#proof-form button[type=submit]")
        phone.wait_for_selector(".flash")
        assert PaymentProof.objects.filter(case=w.case).count() == 1
        self.shot(phone, "case-answered-phone")
        for name in ("warnings", "documents", "uploads", "projects"):
            phone.goto(f"{base}/portal/{name}/")
            self.shot(phone, f"{name}-phone")

        # The same pages on a desktop.
        desktop = phone.context.browser.new_context(**DESKTOP).new_page()
        desktop.goto(f"{base}/portal/login/")
        desktop.fill("#id_username", w.account.credit_code)
        desktop.fill("#id_password", "qingling-portal-2026")
        desktop.click("button[type=submit]")
        desktop.wait_for_url(f"{base}/portal/")
        self.shot(desktop, "home-desktop", phone=False)
        desktop.goto(f"{base}/portal/cases/{w.case.public_id}/")
        self.shot(desktop, "case-desktop", phone=False)

        # The inspector sees the proof on the case page.
        inspector.goto(f"{base}/cases/{w.case.public_id}/")
        assert "8000" in inspector.inner_text("#fact-portal")
        inspector.goto(f"{base}/portal/staff/cases/{w.case.public_id}/")
        self.shot(inspector, "staff-case-desktop", phone=False)

    def test_a_new_employer_uploads_its_files_answers_a_warning_and_the_checklist_changes(
        self,
    ) -> None:
        """The bureau opens an account for a subcontractor of the project; on a phone the
        subcontractor uploads its roster and a payroll sheet with a worker who is not on
        it, sees that row explained, and answers the project's warning with proof; the
        inspector sees the project's checklist change (issue 15, "Done means")."""
        os.makedirs(SCREENSHOTS, exist_ok=True)
        w = self.world
        base = self.live_server_url
        project = w.project
        project.code = "LY-QL-03"
        project.save(update_fields=["code"])
        subcontractor = make_organization(self.rng, name="辽源市青岭劳务有限公司")
        project_party_add(
            project=project,
            organization=subcontractor,
            role=ProjectParty.Role.SUBCONTRACTOR,
            actor=self.chief,
        )
        on_roster, not_on_roster = fake_id_number(self.rng), fake_id_number(self.rng)
        roster = os.path.join(self.media.name, "花名册.xlsx")
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["姓名", "身份证号", "工种"])
        sheet.append(["张大力", on_roster, "木工"])
        workbook.save(roster)
        payroll = os.path.join(self.media.name, "工资表.csv")
        with open(payroll, "w", encoding="utf-8") as handle:
            handle.write("project_code,worker_id,wage_month,amount,paid_on,via_wage_account\n")
            handle.write(f"LY-QL-03,{on_roster},2026-10,4200.00,2026-11-10,1\n")
            handle.write(f"LY-QL-03,{not_on_roster},2026-10,3900.00,2026-11-10,1\n")
        with chromium() as browser:
            inspector = self.staff(browser, "inspector")
            checklist = f"{base}/prevention/compliance/{project.public_id}/"
            inspector.goto(checklist)
            roster_item = "li[data-item=roster]"
            assert inspector.get_attribute(roster_item, "data-state") != "ok"

            # The bureau opens the subcontractor's account.
            chief = self.staff(browser, "chief")
            chief.goto(f"{base}/portal/staff/accounts/")
            chief.fill("#id_credit_code", subcontractor.credit_code)
            chief.fill("#id_contact_name", "周会计")
            chief.click("form.card button[type=submit]")
            link = chief.inner_text("#set-password-link").strip()

            # On a phone: password, sign-in, the two files.
            phone = browser.new_context(**PHONE).new_page()
            phone.goto(link)
            phone.fill("#id_new_password1", "qingling-labour-2026")
            phone.fill("#id_new_password2", "qingling-labour-2026")
            phone.click("button[type=submit]")
            phone.wait_for_url(f"{base}/portal/login/")
            phone.fill("#id_username", subcontractor.credit_code)
            phone.fill("#id_password", "qingling-labour-2026")
            phone.click("button[type=submit]")
            phone.wait_for_url(f"{base}/portal/")
            phone.goto(f"{base}/portal/uploads/")
            phone.select_option("#id_roster-project", str(project.public_id))
            phone.set_input_files("#id_roster-file", roster)
            phone.click("#upload-roster button[type=submit]")
            phone.wait_for_selector(".flash")
            phone.select_option("#id_payroll-project", str(project.public_id))
            phone.set_input_files("#id_payroll-file", payroll)
            phone.click("#upload-payroll button[type=submit]")
            phone.wait_for_selector("#upload-failures")
            refused = phone.inner_text("#upload-failures")
            assert "第3行" in refused and "名册" in refused, refused  # the worker off the roster
            assert "第2行" not in refused, refused
            self.shot(phone, "upload-refused-phone")

            # It answers the project's warning with proof of payment.
            phone.goto(f"{base}/portal/warnings/{w.warning.public_id}/")
            phone.fill("#id_amount", "3900.00")
            phone.fill("#id_paid_on", "2026-11-20")
            phone.set_input_files("#id_attachments", self.proof)
            phone.click("#proof-form button[type=submit]")
            phone.wait_for_selector(".flash")
            assert PaymentProof.objects.filter(warning=w.warning).count() == 1
            self.shot(phone, "warning-answered-phone")

            # The inspector sees the checklist change: the roster is now on file.
            inspector.goto(checklist)
            assert inspector.get_attribute(roster_item, "data-state") == "ok"
            self.shot(inspector, "checklist-after-desktop", phone=False)
