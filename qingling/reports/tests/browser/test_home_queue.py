import os
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.db import transaction

from qingling.accounts.models import Role, User
from qingling.accounts.services import org_unit_create, staff_create
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_open
from qingling.core.browser import PHONE, chromium, csp_violations
from qingling.core.models import Division
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.models import Complaint
from qingling.intake.services import complaint_register
from qingling.notify.models import Notification
from qingling.parties.services import organization_register
from qingling.testing import make_accepted_complaint

SCREENSHOTS = "var/screenshots"
PASSWORD = "secret-home-queue-1"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.mark.browser
class ChiefAssignsFromTheQueueTests(StaticLiveServerTestCase):
    """The section chief lands on the queue awaiting 立案, ticks two accepted complaints
    and assigns them to an inspector; the inspector's bell counts two, and opening one
    leads to the complaint and leaves one unread. At 1366 px and on a 390 px phone."""

    def setUp(self) -> None:
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        longshan, _ = Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        city_unit = org_unit_create(name="监察支队", division=city, actor=None)
        county_unit = org_unit_create(name="龙山区大队", division=longshan, actor=None)
        self.chief = staff_create(
            username="chief-zhao",
            full_name="赵科长",
            role=Role.SECTION_CHIEF,
            org_unit=city_unit,
            password=PASSWORD,
            actor=None,
        )
        for username, name in (("inspector-li", "李监察"), ("inspector-wang", "王监察")):
            staff_create(
                username=username,
                full_name=name,
                role=Role.INSPECTOR,
                org_unit=county_unit,
                password=PASSWORD,
                actor=None,
            )

        # The rest of a chief's morning: a case whose closing waits for approval, a new
        # complaint to decide.
        accepted = make_accepted_complaint(employer_name="辽源市恒通建设有限公司", actor=self.chief)
        with transaction.atomic():
            case = case_open(
                complaints=[accepted],
                respondent=organization_register(
                    name="辽源市恒通建设有限公司", credit_code="", division=longshan, actor=None
                ),
                division=longshan,
                lead=User.objects.get(username="inspector-li"),
                co_inspectors=[User.objects.get(username="inspector-wang")],
                actor=self.chief,
            )
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSING_REQUESTED)
        complaint_register(
            draft=ComplaintDraft(
                name="刘福",
                phone="13943712345",
                employer_name="辽源市兴业劳务有限公司",
                division_code="220402",
            ),
            channel="walk_in",
            actor=self.chief,
        )
        Notification.objects.all().delete()

    def complaints(self, *employers: str) -> list[Complaint]:
        return [
            make_accepted_complaint(employer_name=employer, actor=self.chief)
            for employer in employers
        ]

    def sign_in(self, browser: Any, username: str, **context: Any) -> Any:
        page = browser.new_context(**context).new_page()
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/")
        return page

    def shoot(self, page: Any, name: str) -> None:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)

    def assign_two_and_read_one(self, browser: Any, context: dict[str, Any], width: int) -> None:
        first, second = self.complaints("辽源市鑫盛建筑工程有限公司", "吉林省宏达劳务有限公司")
        chief = self.sign_in(browser, "chief-zhao", **context)
        refused = csp_violations(chief)
        queue = chief.locator("#queue-awaiting-case")
        queue.wait_for()
        self.assertIn(first.number, queue.inner_text())
        self.shoot(chief, f"home-chief-{width}")
        queue.locator(f'input[name=rows][value="{first.public_id}"]').check()
        queue.locator(f'input[name=rows][value="{second.public_id}"]').check()
        queue.locator("select[name=officer]").select_option(label="李监察 · 龙山区大队")
        queue.locator('button[value="complaints.assign"]').click()
        chief.wait_for_selector(".flash.success")
        self.assertIn("2", chief.locator(".flash.success").inner_text())
        self.assertLessEqual(chief.evaluate("document.documentElement.scrollWidth"), width)
        self.shoot(chief, f"home-chief-assigned-{width}")

        inspector = self.sign_in(browser, "inspector-li", **context)
        bell = inspector.locator(".bell-slot .bell[data-unread]")
        bell.wait_for()
        self.assertEqual(bell.get_attribute("data-unread"), "2")
        self.assertEqual(inspector.locator(".bell-count").inner_text(), "2")
        self.assertIn(second.number, inspector.locator("#queue-my-complaints").inner_text())
        self.shoot(inspector, f"home-inspector-{width}")
        bell.click()
        inspector.wait_for_url("**/notify/notifications/")
        self.shoot(inspector, f"notifications-{width}")
        inspector.locator(".notification-open", has_text=first.number).click()
        inspector.wait_for_url(f"**/complaints/{first.public_id}/")
        self.assertEqual(
            inspector.locator(".bell-slot .bell[data-unread]").get_attribute("data-unread"), "1"
        )
        inspector.goto(f"{self.live_server_url}/notify/notifications/settings/")
        inspector.locator("#kind-assigned-sms").check()
        inspector.locator("button.btn").click()
        inspector.wait_for_selector(".errorlist")  # a text message needs a mobile number
        self.assertTrue(inspector.locator("#kind-assigned-sms").is_checked())  # kept
        self.assertLessEqual(inspector.evaluate("document.documentElement.scrollWidth"), width)
        self.shoot(inspector, f"notification-settings-{width}")
        self.assertEqual(refused, [])
        self.assertEqual(
            set(
                Complaint.objects.filter(pk__in=[first.pk, second.pk]).values_list(
                    "assigned_to__username", flat=True
                )
            ),
            {"inspector-li"},
        )
        User.objects.filter(username="inspector-li").get().notifications.all().delete()
        Complaint.objects.update(assigned_to=None)

    def test_the_chief_assigns_two_complaints_and_the_inspector_reads_one(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            self.assign_two_and_read_one(browser, DESKTOP, 1366)
            self.assign_two_and_read_one(browser, {**PHONE, "locale": "zh-CN"}, 390)
