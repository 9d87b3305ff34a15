"""Each role lands on its own queue after signing in (issue 18): intake officer, section
chief, inspector, director and employment officer, at 1366 px and on a 390 px phone.
For each, the role's queues are on the page in order, one item shows its deadline, and
nothing runs off the side of the screen."""

import datetime as dt
import os
from typing import Any

import pytest
import time_machine
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from qingling.cases.models import Case
from qingling.core import clock
from qingling.core.browser import PHONE, chromium, csp_violations
from qingling.core.models import Division
from qingling.employment.services.pairings import pairing_assign
from qingling.employment.tests.world import make_seeker
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.services import complaint_register
from qingling.testing import (
    CURRENT_TIME,
    PASSWORD,
    BaseTestCase,
    make_accepted_complaint,
    make_case,
)

SCREENSHOTS = "var/screenshots"
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}


@pytest.mark.browser
class EachRoleLandsOnItsQueueTests(StaticLiveServerTestCase):
    def setUp(self) -> None:
        traveller = time_machine.travel(CURRENT_TIME, tick=True)  # Friday 2026-11-27
        traveller.start()
        self.addCleanup(traveller.stop)
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        for code, name in (("220402", "龙山区"), ("220403", "西安区")):
            Division.objects.get_or_create(
                code=code, defaults={"name": name, "level": "county", "parent": city}
            )
        Division.objects.get_or_create(code="210200", defaults={"name": "大连市", "level": "city"})
        # The one world of personas (qingling/testing.py), here in a live server's database.
        BaseTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]
        world: Any = type(self)
        self.today = clock.local_today()
        self.received = complaint_register(
            draft=ComplaintDraft(
                name="刘福",
                phone="13943712345",
                employer_name="辽源市兴业劳务有限公司",
                division_code="220402",
            ),
            channel="walk_in",
            actor=None,
        ).complaint
        self.accepted = make_accepted_complaint(employer_name="辽源市恒通建设有限公司")
        self.case = make_case(world, employer_name="辽源市鑫盛建筑工程有限公司")
        self.late = make_case(world, employer_name="吉林省宏达劳务有限公司")
        Case.objects.filter(pk=self.late.pk).update(
            investigation_due=self.today - dt.timedelta(days=3)
        )
        self.seeker = make_seeker(world.rng, name="李四")
        pairing_assign(seeker=self.seeker, officer=world.employment, actor=None)

    def expected(self) -> dict[str, tuple[list[str], str, str]]:
        """Per persona: its queues in order, and the queue whose row shows a deadline
        (with the text the row must carry)."""
        late_due = (self.today - dt.timedelta(days=3)).isoformat()
        case = Case.objects.get(pk=self.case.pk)
        return {
            "intake": (
                ["new", "material"],
                "new",
                f"{self.received.number}|{self.received.acceptance_due.isoformat()}",
            ),
            "chief": (
                [
                    "awaiting-case",
                    "approvals",
                    "overdue-cases",
                    "overdue-complaints",
                    "new",
                    "material",
                ],
                "awaiting-case",
                f"{self.accepted.number}|{self.accepted.case_due.isoformat()}",  # type: ignore[union-attr]
            ),
            "inspector": (
                ["my-cases", "my-complaints", "my-inspections", "to-serve"],
                "my-cases",
                f"{case.number}|{case.investigation_due.isoformat()}",
            ),
            "director": (
                ["approvals", "overdue-cases", "overdue-complaints"],
                "overdue-cases",
                f"{self.late.number}|{late_due}",
            ),
            "employment": (
                ["not-contacted", "trips-today"],
                "not-contacted",
                f"李四|{self.today.isoformat()}",
            ),
        }

    def sign_in(self, browser: Any, username: str, context: dict[str, Any]) -> Any:
        page = browser.new_context(**context).new_page()
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.live_server_url}/")
        return page

    def walk_the_roles(self, browser: Any, context: dict[str, Any], width: int) -> None:
        for username, (slugs, slug, item) in self.expected().items():
            with self.subTest(role=username, width=width):
                page = self.sign_in(browser, username, context)
                refused = csp_violations(page)
                page.locator("section.queue").first.wait_for()
                shown = page.eval_on_selector_all(
                    "section.queue", "sections => sections.map(s => s.dataset.queue)"
                )
                self.assertEqual(shown, slugs)
                for heading in page.locator("section.queue h2").all_inner_texts():
                    self.assertTrue(heading.strip())
                title, due = item.split("|")
                row = page.locator(f"#queue-{slug} tr.queue-row", has_text=title)
                self.assertEqual(row.count(), 1)
                self.assertIn(due, row.locator("td.due").inner_text())
                self.assertTrue(row.locator("td.why").inner_text().strip())
                if username == "director":
                    self.assertGreater(page.locator(".figures .figure").count(), 0)
                self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), width)
                page.screenshot(path=f"{SCREENSHOTS}/home-{username}-{width}.png", full_page=True)
                self.assertEqual(refused, [])
                page.context.close()

    def test_each_role_lands_on_its_own_queue_with_deadlines(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            self.walk_the_roles(browser, DESKTOP, 1366)
            self.walk_the_roles(browser, {**PHONE, "locale": "zh-CN"}, 390)
