import datetime as dt
import os
from decimal import Decimal

import pytest
import time_machine
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from qingling.core.browser import PHONE, chromium
from qingling.core.models import Division
from qingling.employment.models import Occupation, Posting, Seeker
from qingling.notify.models import OutboxMessage
from qingling.parties.demo import fake_id_number
from qingling.parties.models import Organization

SCREENSHOTS = "var/screenshots"
NOW = dt.datetime(2027, 2, 1, 2, 0, tzinfo=dt.UTC)


def ensure_reference_rows() -> None:
    """A live-server test runs outside a transaction, so an earlier one may have flushed
    the rows the data migrations loaded; put back the few this test needs."""
    jilin, _ = Division.objects.get_or_create(
        code="220000", defaults={"name": "吉林省", "level": "province"}
    )
    city, _ = Division.objects.get_or_create(
        code="220400", defaults={"name": "辽源市", "level": "city", "parent": jilin}
    )
    Division.objects.get_or_create(
        code="220421", defaults={"name": "东丰县", "level": "county", "parent": city}
    )
    liaoning, _ = Division.objects.get_or_create(
        code="210000", defaults={"name": "辽宁省", "level": "province"}
    )
    Division.objects.get_or_create(
        code="210200", defaults={"name": "大连市", "level": "city", "parent": liaoning}
    )
    Division.objects.get_or_create(code="370000", defaults={"name": "山东省", "level": "province"})
    major, _ = Occupation.objects.get_or_create(code="6", defaults={"name": "生产制造及有关人员"})
    Occupation.objects.get_or_create(
        code="6-29", defaults={"name": "建筑施工人员", "parent": major}
    )
    Occupation.objects.get_or_create(code="4", defaults={"name": "社会生产服务和生活服务人员"})


@pytest.mark.browser
class RegisterAndFindAJobOnPhoneTests(StaticLiveServerTestCase):
    """A worker registers to go out on a phone, then finds a job on the public board."""

    def setUp(self) -> None:
        ensure_reference_rows()
        employer = Organization.objects.create(name="大连海湾建设集团有限公司")
        for title, place, occupation in (
            ("钢筋工（大连甘井子）", "210200", "6-29"),
            ("木工（青岛）", "370000", "6-29"),
            ("家政服务员", "220421", "6-29"),
        ):
            Posting.objects.create(
                employer=employer,
                employer_profile="总承包特级资质建筑企业",
                title=title,
                occupation_id=occupation,
                headcount=20,
                requirements="18至55周岁，身体健康",
                work_content="住宅项目施工",
                place_id=place,
                pay_min=Decimal(6000),
                pay_max=Decimal(8000),
                scope="inside" if place.startswith("2204") else "outside",
                partner_region="" if place.startswith("2204") else "对口协作",
                contact="0411-8888888",
                expires_on=dt.date(2027, 3, 31),
                status=Posting.Status.PUBLISHED,
                published_at=NOW,
            )
        traveller = time_machine.travel(NOW, tick=True)
        traveller.start()
        self.addCleanup(traveller.stop)

    def test_registers_and_finds_a_job_on_a_phone(self) -> None:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            page = browser.new_page(**PHONE)
            page.goto(f"{self.live_server_url}/jobs/")
            assert page.get_attribute("html", "lang") == "zh-hans"
            page.click("text=登记")
            page.wait_for_selector("#id_name")

            # A wrong ID number and an unknown place are named on their fields.
            page.fill("#id_name", "周建国")
            page.fill("#id_id_number", "220421199001011234")
            page.fill("#id_destinations", "火星")
            page.click("button[type=submit]")
            page.wait_for_selector(".has-error")
            assert (
                "火星" in page.inner_text(".has-error >> nth=0")
                or page.locator(".has-error", has_text="火星").count() == 1
            )
            assert not Seeker.objects.exists()

            number = fake_id_number(__import__("random").Random(3), division="220421")
            page.fill("#id_id_number", number)
            page.fill("#id_phone", "13843712345")
            page.select_option("#id_division", "220421")
            page.fill("#id_township", "东丰镇")
            page.select_option("#id_occupations", "6-29")
            page.fill("#id_destinations", "大连市、山东省")
            page.fill("#id_earliest", "2027-02-18")
            page.fill("#id_latest", "2027-02-26")
            page.check("#id_contact_consent")
            page.screenshot(path=f"{SCREENSHOTS}/jobs-register-phone.png", full_page=True)
            page.click("button[type=submit]")
            # A code is texted to confirm the number; what was typed stays on the page.
            page.wait_for_selector("#id_code")
            assert page.input_value("#id_township") == "东丰镇"
            assert not Seeker.objects.exists()
            message = OutboxMessage.objects.filter(payload__template="phone_code").latest("id")
            page.fill("#id_code", message.payload["code"])
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"the code step scrolls sideways on a phone ({width}px)"
            page.click("button.btn[type=submit]")
            page.wait_for_selector("text=登记成功", timeout=10_000)
            seeker = Seeker.objects.get()
            assert seeker.township == "东丰镇"
            assert sorted(d.code for d in seeker.destinations.all()) == ["210200", "370000"]
            assert number not in page.content()

            # Back on the board: filter to 大连市 and open the job.
            page.click("text=查看岗位")
            page.select_option("#id_place", "210200")
            page.click("button:has-text('找工作')")
            page.wait_for_selector("text=钢筋工（大连甘井子）")
            assert page.locator("text=木工（青岛）").count() == 0
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"the board scrolls sideways on a phone ({width}px)"
            page.click("text=钢筋工（大连甘井子）")
            page.wait_for_selector("text=6000–8000")
            page.screenshot(path=f"{SCREENSHOTS}/jobs-board-detail-phone.png", full_page=True)
