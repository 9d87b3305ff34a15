import datetime as dt
import re
import struct
import tempfile
import uuid
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from qingling.intake.models import Attachment, Channel, Complaint
from qingling.intake.services import complaint_decline, complaint_request_material
from qingling.notify.models import OutboxMessage
from qingling.parties.demo import fake_id_number
from qingling.testing import CURRENT_TIME, BaseTestCase

FORM_URL = reverse("web_intake:complaint_new")
QUERY_URL = reverse("web_intake:query")
PHONE = "13843712345"


def tiny_png() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "idempotency_key": str(uuid.uuid4()),
        "kind": "complaint",
        "name": "王建国",
        "phone": PHONE,
        "id_number": "",
        "employer_name": "辽源市鑫盛建筑工程有限公司",
        "project_name": "福民小区二期",
        "division": "220402",
        "amount": "12,000元",
        "headcount": "3",
        "period": "2020年10月至今",
        "narrative": "干了四个月瓦工，老板一直说年底结，到现在没给。",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def sent_code() -> str:
    """The one-time code of the latest text message (what the worker reads on the phone)."""
    message = OutboxMessage.objects.filter(payload__template="phone_code").latest("id")
    return str(message.payload["code"])


def file_complaint(client: Client, data: dict[str, Any], **extra: Any) -> Any:
    """Send the form, then send it again with the code texted to its number."""
    asked = client.post(FORM_URL, {**data, "code": ""}, **extra)
    assert asked.status_code == 200, asked.status_code
    assert asked.context["code_sent_to"], asked.context["form"].errors
    return client.post(FORM_URL, {**data, "code": sent_code()}, **extra)


@time_machine.travel(CURRENT_TIME, tick=False)
class WebComplaintFormTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_the_form_renders_in_chinese_with_a_fresh_idempotency_key(self) -> None:
        response = self.client.get(FORM_URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="zh-hans">')
        self.assertContains(response, "data-max-bytes=")  # checked on the phone before sending
        self.assertContains(response, "multiple")
        self.assertContains(response, 'capture="environment"')
        self.assertContains(response, "web-intake.js")
        self.assertNotContains(response, "<script>")
        self.assertContains(response, "龙山区")
        key = re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode())
        assert key is not None
        uuid.UUID(key.group(1))

    def test_a_valid_complaint_is_stored_once_with_the_web_channel(self) -> None:
        rng_id = fake_id_number(self.rng)
        response = file_complaint(self.client, form_data(id_number=rng_id))
        complaint = Complaint.objects.get()
        self.assertRedirects(response, reverse("web_intake:done", args=[complaint.public_id]))
        self.assertEqual(complaint.channel, Channel.WEB)
        self.assertEqual(complaint.kind, "complaint")
        assert complaint.complainant is not None
        self.assertEqual(complaint.complainant.name, "王建国")
        self.assertNotEqual(complaint.contact_phone_digest, "")
        self.assertEqual(complaint.amount_claimed, Decimal(12000))
        self.assertEqual(complaint.headcount, 3)
        self.assertEqual(complaint.division.code if complaint.division else "", "220402")
        self.assertEqual(complaint.period, "2020年10月至今")
        sms = OutboxMessage.objects.get(gateway="sms", payload__template="complaint_received")
        self.assertEqual(sms.payload["query_code"], complaint.query_code)

    def test_the_done_page_shows_the_number_the_query_code_and_the_deadline(self) -> None:
        response = self.client.get(file_complaint(self.client, form_data())["Location"])
        complaint = Complaint.objects.get()
        self.assertContains(response, complaint.number)
        self.assertContains(response, f'id="query-code">{complaint.query_code}<')
        self.assertContains(response, complaint.acceptance_due.isoformat())
        self.assertIn("no-store", response["Cache-Control"])

    def test_an_anonymous_report_needs_no_name(self) -> None:
        response = file_complaint(self.client, form_data(kind="report", anonymous="on", name=""))
        self.assertEqual(response.status_code, 302)
        complaint = Complaint.objects.get()
        self.assertEqual(complaint.kind, "report")
        self.assertIs(complaint.anonymous, True)
        self.assertIsNone(complaint.complainant)

    @override_settings(LANGUAGE_CODE="en")
    def test_a_report_without_a_mobile_number_is_refused_for_want_of_a_code(self) -> None:
        data = form_data(kind="report", anonymous="on", name="", phone="")
        response = self.client.post(FORM_URL, data)
        self.assertIn("code", str(response.context["form"].errors["phone"]))
        self.assertFalse(Complaint.objects.exists())
        self.assertFalse(OutboxMessage.objects.exists())

    def test_an_anonymous_box_left_ticked_on_a_complaint_is_ignored(self) -> None:
        file_complaint(self.client, form_data(anonymous="on"))
        complaint = Complaint.objects.get()
        self.assertIs(complaint.anonymous, False)
        self.assertIsNotNone(complaint.complainant)

    def test_a_double_tap_makes_one_complaint_and_the_same_done_page(self) -> None:
        data = form_data()
        first = file_complaint(self.client, data)
        second = self.client.post(FORM_URL, {**data, "code": sent_code()})
        self.assertEqual(Complaint.objects.count(), 1)
        self.assertEqual(first["Location"], second["Location"])
        self.assertEqual(self.client.get(second["Location"]).status_code, 200)
        self.assertEqual(OutboxMessage.objects.count(), 2)  # the code and the receipt

    def test_bad_input_marks_every_bad_field_at_once_and_stores_nothing(self) -> None:
        response = self.client.post(
            FORM_URL,
            form_data(
                name="",
                phone="12345",
                id_number="220402199013011234",
                employer_name="",
                narrative="",
                amount="很多",
                headcount="0",
            ),
        )
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(
            set(errors), {"name", "phone", "id_number", "employer_name", "amount", "headcount"}
        )
        self.assertIn("手机号码", str(errors["phone"]))  # in Chinese
        self.assertContains(response, 'class="error-summary"')
        self.assertFalse(Complaint.objects.exists())
        self.assertFalse(OutboxMessage.objects.exists())

    def test_a_refused_form_keeps_its_idempotency_key(self) -> None:
        data = form_data(name="")
        response = self.client.post(FORM_URL, data)
        self.assertContains(response, f'value="{data["idempotency_key"]}"')

    def test_a_text_file_named_jpg_is_refused(self) -> None:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            fake = SimpleUploadedFile("欠条.jpg", b"this is not a photo", "image/jpeg")
            response = self.client.post(FORM_URL, form_data(evidence=[fake]))
            self.assertEqual(response.status_code, 200)
            self.assertIn("欠条.jpg", str(response.context["form"].errors["evidence"]))
            self.assertIs(response.context["files_lost"], True)  # "choose your files again"
            self.assertFalse(Complaint.objects.exists())
            self.assertEqual(list(Path(media).rglob("*.*")), [])

    def test_a_real_png_is_accepted_and_stored_under_media_root(self) -> None:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            png = SimpleUploadedFile("工资条.png", tiny_png(), "image/png")
            asked = self.client.post(FORM_URL, form_data(evidence=[png]))
            self.assertIs(asked.context["files_lost"], True)  # "choose your files again"
            png.seek(0)
            response = self.client.post(FORM_URL, form_data(evidence=[png], code=sent_code()))
            self.assertEqual(response.status_code, 302)
            attachment = Attachment.objects.get()
            self.assertEqual(attachment.content_type, "image/png")
            self.assertEqual(attachment.original_name, "工资条.png")
            stored = Path(attachment.file.path)
            self.assertTrue(stored.is_file())
            self.assertTrue(stored.resolve().is_relative_to(Path(media).resolve()))
            self.assertEqual(stored.read_bytes(), tiny_png())


@time_machine.travel(CURRENT_TIME, tick=False)
class WebComplaintDoneTests(BaseTestCase):
    def test_the_done_page_is_only_for_the_session_that_filed(self) -> None:
        response = file_complaint(self.client, form_data())
        self.assertEqual(self.client.get(response["Location"]).status_code, 200)
        self.assertEqual(Client().get(response["Location"]).status_code, 404)

    def test_an_unknown_complaint_is_not_found(self) -> None:
        url = reverse("web_intake:done", args=[uuid.uuid4()])
        self.assertEqual(self.client.get(url).status_code, 404)


@time_machine.travel(CURRENT_TIME, tick=False)
class ProgressQueryTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        file_complaint(Client(), form_data())
        self.complaint = Complaint.objects.get()

    def query(self, client: Client | None = None, **data: str) -> Any:
        values = {"query_code": self.complaint.query_code, "phone": PHONE, **data}
        return (client or self.client).post(QUERY_URL, values)

    def test_the_right_code_and_phone_show_the_status_in_plain_words(self) -> None:
        response = self.query(query_code=self.complaint.query_code.lower(), phone="138 4371 2345")
        self.assertContains(response, 'data-status="received"')
        self.assertContains(response, self.complaint.number)
        self.assertContains(response, "2026-12-04")  # the decision deadline
        self.assertContains(response, "138******45")
        self.assertNotContains(response, PHONE)
        self.assertNotContains(response, "王建国")
        self.assertNotContains(response, "鑫盛")

    def test_more_material_says_what_is_needed(self) -> None:
        complaint_request_material(
            complaint=self.complaint, note="请补充劳动合同或工资欠条照片", actor=self.intake
        )
        response = self.query()
        self.assertContains(response, 'data-status="more_material"')
        self.assertContains(response, "请补充劳动合同或工资欠条照片")

    def test_not_accepted_gives_the_reason(self) -> None:
        complaint_decline(
            complaint=self.complaint, reason="other", note="已由法院受理", actor=self.intake
        )
        response = self.query()
        self.assertContains(response, 'data-status="not_accepted"')
        self.assertContains(response, "已由法院受理")

    def test_a_wrong_phone_or_code_gets_one_generic_message(self) -> None:
        wrong_phone = self.query(phone="13912345678")
        wrong_code = self.query(query_code="ZZZZZZZZ")
        self.assertNotContains(wrong_phone, "data-status")
        self.assertEqual(
            wrong_phone.context["form"].non_field_errors(),
            wrong_code.context["form"].non_field_errors(),
        )
        self.assertEqual(len(wrong_phone.context["form"].non_field_errors()), 1)

    def test_ten_failures_lock_out_the_session_and_the_code(self) -> None:
        for _attempt in range(10):
            self.assertEqual(self.query(phone="13912345678").status_code, 200)
        locked = self.query()  # even the right code and phone now
        self.assertEqual(locked.status_code, 429)
        self.assertNotContains(locked, "data-status", status_code=429)
        self.assertIn("15", str(locked.context["form"].non_field_errors()))
        # A fresh session trying the same code is refused as well.
        self.assertEqual(self.query(client=Client()).status_code, 429)

    def test_the_lockout_ends_after_fifteen_minutes(self) -> None:
        for _attempt in range(10):
            self.query(phone="13912345678")
        self.assertEqual(self.query().status_code, 429)
        with time_machine.travel(CURRENT_TIME + dt.timedelta(minutes=16), tick=False):
            self.assertContains(self.query(), 'data-status="received"')
