import datetime as dt
import os
import random
import tempfile
from typing import Any

import pytest
import time_machine
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import (
    Case,
    CaseArchive,
    Compensation,
    Document,
    Penalty,
    Proceeding,
)
from qingling.cases.services import case_open, case_transition
from qingling.core.browser import PHONE, chromium
from qingling.core.models import AuditEvent, Division
from qingling.testing import make_accepted_complaint, make_organization

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-case-1"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


def moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC)  # 10:00 local


@pytest.mark.browser
class DecisionFlowTests(StaticLiveServerTestCase):
    """An inspector takes an unpaid order through service, the notice of the intended
    decision, the defence and a hearing with its notice, the chief's decisions, the
    compensation and the fine, the application to the court and its ruling, to the
    closed and archived file, on a phone; the chief decides and closes at a desk."""

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
        self.co = staff_create(
            username="inspector-wang",
            full_name="王监察",
            role=Role.INSPECTOR,
            org_unit=unit,
            password=PASSWORD,
            actor=None,
            enforcement_card_number="22040219002",
        )
        media = tempfile.TemporaryDirectory()
        self.addCleanup(media.cleanup)
        override = override_settings(MEDIA_ROOT=media.name)
        override.enable()
        self.addCleanup(override.disable)
        self.traveller = time_machine.travel(moment(dt.date(2026, 11, 27)), tick=True)
        self.coordinates = self.traveller.start()
        self.addCleanup(self.traveller.stop)
        complaint = make_accepted_complaint(amount="12000.00", actor=self.chief)
        self.case = case_open(
            complaints=[complaint],
            respondent=make_organization(random.Random(5), name="辽源市鑫盛建筑工程有限公司"),
            division=longshan,
            lead=self.lead,
            co_inspectors=[self.co],
            actor=self.chief,
        )
        case_transition(case=self.case, target=CaseStatus.INVESTIGATING, actor=self.lead)
        case_transition(
            case=self.case, target=CaseStatus.ORDER_ISSUED, actor=self.lead, order_days=10
        )

    def on(self, day: dt.date) -> None:
        self.coordinates.move_to(moment(day))

    def sign_in(self, browser: Any, username: str, **options: Any) -> Any:
        page = browser.new_context(**(options or PHONE)).new_page()
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/")
        page.goto(f"{self.live_server_url}/cases/{self.case.public_id}/")
        return page

    def shot(self, page: Any, name: str, *, phone: bool = True) -> None:
        if phone:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
        page.screenshot(path=f"{SCREENSHOTS}/decision-{name}.png", full_page=True)

    def serve(self, page: Any, kind: str) -> None:
        document = Document.objects.filter(kind=kind).latest("id")
        page.click(f"details:has(form[data-document-serve={kind}]) summary")
        page.fill(f"#id_serve-{document.pk}-recipient_name", "张经理")
        page.click(f"form[data-document-serve={kind}] button")
        page.wait_for_selector(f"tr[data-document={kind}][data-state=served]")

    def test_order_to_court_application_to_archived_file(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            self.run_the_flow(browser)

    def run_the_flow(self, browser: Any) -> None:
        # The order, written for the employer, generated and served on 27 November.
        lead = self.sign_in(browser, "inspector-li")
        lead.fill("#id_facts-text", "经查，你单位拖欠劳动者工资12000元，至今未支付。")
        lead.click("form[data-step=facts] button")
        lead.click("details:has(form[data-document-form=order]) summary")
        lead.click("form[data-document-form=order] button")
        lead.wait_for_selector("tr[data-document=order][data-state=unserved]")
        self.serve(lead, "order")

        # Unpaid after its date (11 December): the notice of the intended decision.
        self.on(dt.date(2026, 12, 14))
        lead = self.sign_in(browser, "inspector-li")
        lead.fill("#id_start-rate", "0.50")
        lead.fill("#id_start-rate_reason", "逾期未支付")
        lead.select_option("#id_start-fine_key", "inspection_30")
        lead.fill("#id_start-fine_amount", "10000")  # reaches the hearing threshold
        self.shot(lead, "notice-phone")
        lead.click("form[data-step=start] button")
        lead.wait_for_selector("[data-proceeding-status=notified]")
        self.serve(lead, "hearing_notice")  # the 事先告知书
        lead.wait_for_selector("[data-clock=defence]")
        lead.wait_for_selector("[data-clock=decision]")  # 90 days from 立案 (Art. 60)

        # The party defends itself on 16 December and asks for a hearing; it is told the
        # same day, first for a day too soon (7 working days, 行政处罚法 Art. 64).
        self.on(dt.date(2026, 12, 16))
        lead = self.sign_in(browser, "inspector-li")  # the session of two days ago expired
        lead.click("details:has(form[data-step=defence]) summary")
        lead.fill("#id_defence-statement", "资金周转困难")
        lead.check("#id_defence-hearing_requested")
        lead.click("form[data-step=defence] button")
        lead.wait_for_selector("text=资金周转困难")
        lead.click("details:has(form[data-step=hearing_notice]) summary")
        lead.fill("#id_hearing_notice-hearing_on", "2026-12-24")
        lead.fill("#id_hearing_notice-place", "龙山区人社局听证室")
        lead.click("form[data-step=hearing_notice] button")
        lead.wait_for_selector("text=2026-12-25")  # refused: the earliest day is named
        assert Proceeding.objects.get().hearing_on is None
        # the refused form is shown open, with what was typed and the error beside it
        assert lead.input_value("#id_hearing_notice-place") == "龙山区人社局听证室"
        lead.fill("#id_hearing_notice-hearing_on", "2026-12-25")
        lead.fill("#id_hearing_notice-place", "龙山区人社局听证室")
        lead.click("form[data-step=hearing_notice] button")
        lead.wait_for_selector("text=龙山区人社局听证室")
        self.shot(lead, "hearing-notice-phone")

        # The hearing is held on 25 December; the inspector answers, the chief decides.
        self.on(dt.date(2026, 12, 25))
        lead = self.sign_in(browser, "inspector-li")
        lead.click("details:has(form[data-step=answer]) summary")
        lead.check("input[name=answer-adopted][value=no]")
        lead.fill("#id_answer-reasons", "资金困难不是拖欠工资的法定理由")
        lead.fill("#id_answer-hearing_held_on", "2026-12-25")
        lead.click("form[data-step=answer] button")
        lead.wait_for_selector("text=资金困难不是拖欠工资的法定理由")
        self.shot(lead, "defence-phone")
        chief = self.sign_in(browser, "chief", **DESKTOP)
        # withdrawing is there for the chief, closed, behind a reason and a confirmation
        assert chief.is_hidden("#id_withdraw-reason")
        self.shot(chief, "before-decision-desktop", phone=False)
        chief.click("form[data-step=decide] button")
        chief.wait_for_selector("[data-proceeding-status=decided]")
        self.shot(chief, "decided-desktop", phone=False)
        assert Proceeding.objects.get().status == "decided"

        # The inspector serves both decisions and records the compensation and the fine.
        lead = self.sign_in(browser, "inspector-li")
        self.serve(lead, "decision")
        self.serve(lead, "penalty_decision")
        compensation = Compensation.objects.get()
        assert compensation.amount == 6000
        lead.click(f"tr[data-compensation='{compensation.pk}'] details summary")
        lead.fill("#id_compensation_pay-amount", "1000.00")
        lead.click("form[data-step=compensation_pay] button")
        lead.wait_for_selector(f"tr[data-compensation='{compensation.pk}']")
        penalty = Penalty.objects.get()
        lead.click(f"li[data-penalty='{penalty.pk}'] details summary")
        lead.fill("#id_penalty_pay-receipt_number", "缴款书0001")
        lead.click("form[data-step=penalty_pay] button")
        lead.wait_for_selector("text=缴款书0001")
        self.shot(lead, "payments-phone")

        # Six months on, nothing lodged and the rest unpaid: final, reminder, court.
        self.on(dt.date(2027, 6, 28))  # the suit's 6 months ended Friday 25 June
        lead = self.sign_in(browser, "inspector-li")
        lead.click("form[data-step=final] button")
        lead.wait_for_selector("[data-proceeding-status=final]")
        lead.click("form[data-step=remind] button")
        lead.wait_for_selector("[data-proceeding-status=reminded]")
        self.serve(lead, "enforcement_reminder")
        self.on(dt.date(2027, 7, 13))  # after the reminder's 10 working days
        lead = self.sign_in(browser, "inspector-li")
        lead.click("details:has(form[data-step=apply]) summary")
        lead.fill("#id_apply-court_case_number", "（2027）吉0402行审1号")
        lead.click("form[data-step=apply] button")
        lead.wait_for_selector("[data-proceeding-status=applied]")
        self.shot(lead, "applied-phone")
        desk = self.sign_in(browser, "inspector-li", **DESKTOP)
        self.shot(desk, "applied-desktop", phone=False)

        # The court rules; the wages still owed are explained (the court enforces
        # them), the case closes with the penalty and its file is archived.
        self.on(dt.date(2027, 8, 2))
        lead = self.sign_in(browser, "inspector-li")
        lead.click("details:has(form[data-step=ruling]) summary")
        lead.check("input[name=ruling-ruling][value=enforce]")
        lead.fill("#id_ruling-outcome", "法院裁定准予强制执行")
        lead.click("form[data-step=ruling] button")
        lead.wait_for_selector("[data-proceeding-status=concluded]")
        claim = Case.objects.get().claims.get()
        lead.click(f"details:has(form[action$='/claims/{claim.pk}/edit/']) summary")
        lead.fill(f"#id_edit-{claim.pk}-explanation", "已申请人民法院强制执行")
        lead.click(f"form[action$='/claims/{claim.pk}/edit/'] button")
        lead.wait_for_selector("text=已申请人民法院强制执行")
        # the first step is open already (a click on its summary would close it)
        lead.eval_on_selector("details:has(form[data-step=request_closing])", "d => d.open = true")
        lead.click("form[data-step=request_closing] button")
        lead.wait_for_selector("[data-status=closing_requested]")
        chief = self.sign_in(browser, "chief", **DESKTOP)
        chief.select_option("#id_close-outcome", CaseOutcome.PENALTY)
        chief.fill("#id_close-note", "已作出行政处罚，工资已申请法院强制执行")
        chief.click("form[data-step=close] button")
        chief.wait_for_selector("[data-status=closed]")
        lead = self.sign_in(browser, "inspector-li")
        lead.click("form[data-step=archive] button")
        lead.wait_for_selector("#read-only")
        lead.wait_for_selector("#archive tr[data-section=execution]")
        self.shot(lead, "archived-phone")
        desk = self.sign_in(browser, "inspector-li", **DESKTOP)
        desk.wait_for_selector("#read-only")
        self.shot(desk, "archived-desktop", phone=False)
        assert desk.query_selector("form[data-step]") is None  # read-only: nothing to do
        sections = [item["section"] for item in CaseArchive.objects.get().items]
        for section in ("order", "service_receipts", "decisions", "execution"):
            assert section in sections, (section, sections)

        case = Case.objects.get()
        actions = set(
            AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).values_list(
                "action", flat=True
            )
        )
        for step in (
            "case.document_served",
            "case.proceeding_start",
            "case.proceeding_defence",
            "case.proceeding_hearing_notice",
            "case.proceeding_answer",
            "case.proceeding_decided",
            "case.compensation_payment",
            "case.penalty_payment",
            "case.proceeding_final",
            "case.proceeding_reminded",
            "case.proceeding_applied",
            "case.proceeding_concluded",
            "case.closed",
            "case.archive",
        ):
            assert step in actions, (step, actions)
        proceeding = Proceeding.objects.get()
        assert proceeding.applied_on == dt.date(2027, 7, 13)
        assert proceeding.hearing_on == dt.date(2026, 12, 25)
        assert case.status == CaseStatus.CLOSED
        assert proceeding.court_case_number == "（2027）吉0402行审1号"
