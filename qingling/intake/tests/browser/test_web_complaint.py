import os
import tempfile

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from qingling.core.browser import PHONE, chromium
from qingling.core.models import Division
from qingling.intake.models import Complaint
from qingling.intake.tests.channels.web.test_views import tiny_png
from qingling.notify.models import OutboxMessage

SCREENSHOTS = "var/screenshots"


@pytest.mark.browser
class WebComplaintOnPhoneTests(StaticLiveServerTestCase):
    """A worker files a complaint on a phone, without signing in, then checks its progress."""

    def setUp(self) -> None:
        # A live-server test runs outside a transaction: the divisions that the data
        # migration loaded may have been flushed by an earlier one, so make sure of them.
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        for code, name in (
            ("220402", "龙山区"),
            ("220403", "西安区"),
            ("220421", "东丰县"),
            ("220422", "东辽县"),
        ):
            Division.objects.get_or_create(
                code=code, defaults={"name": name, "level": "county", "parent": city}
            )
        self.media = tempfile.TemporaryDirectory()
        self.addCleanup(self.media.cleanup)
        media = override_settings(MEDIA_ROOT=self.media.name)
        media.enable()
        self.addCleanup(media.disable)

    def assert_no_sideways_scroll(self, page: object) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

    def test_files_a_complaint_and_checks_its_progress_on_a_phone(self) -> None:
        browser_context = chromium()
        browser = browser_context.__enter__()
        os.makedirs(SCREENSHOTS, exist_ok=True)
        try:
            page = browser.new_page(**PHONE)
            page.goto(f"{self.live_server_url}/ts/")
            assert page.get_attribute("html", "lang") == "zh-hans"

            # The anonymous box belongs to a report only.
            assert page.is_hidden("#id_anonymous")
            page.click("label[for=id_kind_1]")
            assert page.is_visible("#id_anonymous")
            page.click("label[for=id_kind_0]")
            assert page.is_hidden("#id_anonymous")

            # A bad mobile number and no employer: both marked at once, nothing stored.
            page.fill("#id_name", "王建国")
            page.fill("#id_phone", "12345")
            page.click("button.submit")
            page.wait_for_selector(".error-summary")
            assert page.locator(".has-error").count() == 2
            assert not Complaint.objects.exists()
            self.assert_no_sideways_scroll(page)
            page.screenshot(path=f"{SCREENSHOTS}/web-complaint-errors-phone.png", full_page=True)

            page.fill("#id_phone", "138 4371 2345")
            page.fill("#id_employer_name", "辽源市鑫盛建筑工程有限公司")
            page.fill("#id_project_name", "福民小区二期")
            page.select_option("#id_division", "220402")
            page.fill("#id_amount", "12000")
            page.fill("#id_headcount", "3")
            page.fill("#id_period", "2020年10月至今")
            page.fill("#id_narrative", "干了四个月瓦工，老板一直说年底结，到现在没给。")
            page.set_input_files(
                "#id_evidence",
                files=[
                    {"name": "工资条.png", "mimeType": "image/png", "buffer": tiny_png()},
                ],
            )
            self.assert_no_sideways_scroll(page)
            page.screenshot(path=f"{SCREENSHOTS}/web-complaint-phone.png", full_page=True)

            # Sending asks for the code texted to the number, on the same page: the photo
            # chosen stays chosen, nothing is stored yet.
            page.click("button.submit")
            page.wait_for_selector("#code-step:not([hidden])")
            assert "138******45" in page.inner_text("#code-sent")
            assert page.input_value("#id_employer_name") == "辽源市鑫盛建筑工程有限公司"
            assert not Complaint.objects.exists()
            message = OutboxMessage.objects.filter(payload__template="phone_code").latest("id")
            page.fill("#id_code", message.payload["code"])
            self.assert_no_sideways_scroll(page)
            page.screenshot(path=f"{SCREENSHOTS}/web-complaint-code-phone.png", full_page=True)

            page.dblclick("button.submit")  # a double tap
            page.wait_for_url(f"{self.live_server_url}/ts/done/**")
            code = page.inner_text("#query-code").strip()
            assert len(code) == 8, code
            self.assert_no_sideways_scroll(page)
            page.screenshot(path=f"{SCREENSHOTS}/web-complaint-done-phone.png", full_page=True)

            page.click("a[href='/ts/query/']")
            page.fill("#id_query_code", code.lower())
            page.fill("#id_phone", "13843712345")
            page.click("button[type=submit]")
            page.wait_for_selector("[data-status=received]")
            text = page.inner_text("[data-status=received]")
            assert "138******45" in text, text
            self.assert_no_sideways_scroll(page)
            page.screenshot(path=f"{SCREENSHOTS}/web-complaint-query-phone.png", full_page=True)
        finally:
            browser_context.__exit__(None, None, None)

        complaint = Complaint.objects.get()  # one complaint for the double tap
        self.assertEqual(complaint.query_code, code)
        self.assertEqual(complaint.channel, "web")
        self.assertEqual(complaint.attachments.count(), 1)

    def test_an_oversize_photo_is_refused_on_the_phone_before_it_is_sent(self) -> None:
        with chromium() as browser:
            page = browser.new_page(**PHONE)
            page.goto(f"{self.live_server_url}/ts/")
            posted: list[str] = []
            page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
            for selector in ("#id_evidence", "#id_evidence_camera"):
                page.set_input_files(
                    selector,
                    {"name": "欠条.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (11 << 20)},
                )
                # one message for the field, beside the files it takes
                refusal = page.locator(".field:has(#id_evidence) .upload-refused")
                refusal.wait_for()
                assert "MB" in refusal.inner_text(), refusal.inner_text()
                assert page.evaluate(f"document.querySelector('{selector}').files.length") == 0
            self.assert_no_sideways_scroll(page)
            page.screenshot(path=f"{SCREENSHOTS}/web-complaint-photo-refused-phone.png")
            assert posted == []  # nothing was sent
            # a photo of an allowed size is kept
            page.set_input_files(
                "#id_evidence",
                {"name": "工资条.png", "mimeType": "image/png", "buffer": tiny_png()},
            )
            assert page.evaluate("document.querySelector('#id_evidence').files.length") == 1
            assert page.locator(".field:has(#id_evidence) .upload-refused").count() == 0

    def test_stops_the_texts_about_a_complaint_from_the_link_in_a_text(self) -> None:
        from qingling.intake.channels.base import ComplaintDraft
        from qingling.intake.services import complaint_register

        complaint = complaint_register(
            draft=ComplaintDraft(
                name="王建国",
                phone="13843712345",
                employer_name="辽源市鑫盛建筑工程有限公司",
                division_code="220402",
            ),
            channel="web",
            actor=None,
        ).complaint
        payload = OutboxMessage.objects.get(gateway="sms").payload
        assert payload["text"].endswith(payload["stop"])  # the text's last line is the link
        path = payload["stop"].split("://", 1)[-1].split("/", 1)[-1]
        os.makedirs(SCREENSHOTS, exist_ok=True)
        with chromium() as browser:
            for name, size in (
                ("desktop", {"viewport": {"width": 1366, "height": 768}}),
                ("phone", PHONE),  # last: a tap stops the texts
            ):
                page = browser.new_page(**size)
                page.goto(f"{self.live_server_url}/{path}")
                assert page.is_visible("#stop-form")
                page.screenshot(path=f"{SCREENSHOTS}/complaint-stop-{name}.png", full_page=True)
                if name == "phone":
                    self.assert_no_sideways_scroll(page)
                    page.click("#stop-form button[type=submit]")
                    page.wait_for_selector("#stop-done")
                    page.screenshot(
                        path=f"{SCREENSHOTS}/complaint-stop-done-phone.png", full_page=True
                    )
                page.close()
        complaint.refresh_from_db()
        assert complaint.texts_stopped_at is not None
