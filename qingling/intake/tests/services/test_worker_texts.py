"""Texts to the worker about their complaint follow the job messages' rules: only to the
mobile the worker gave with their own complaint, each ending with their own stop link,
and none once they stopped."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from qingling.core.models import AuditEvent
from qingling.core.personal_data import mask_phone
from qingling.intake.channels.base import ComplaintDraft, WorkerEntry
from qingling.intake.models import Complaint
from qingling.intake.selectors import complaint_stop_path
from qingling.intake.services import (
    complaint_accept,
    complaint_case_closed,
    complaint_case_opened,
    complaint_payment_notify,
    complaint_register,
)
from qingling.notify.models import OutboxMessage
from qingling.testing import BaseTestCase

MONDAY = dt.datetime(2021, 3, 1, 2, tzinfo=dt.UTC)
PHONE = "13843712345"


def register(phone: str = PHONE, workers: tuple[WorkerEntry, ...] = ()) -> Complaint:
    return complaint_register(
        draft=ComplaintDraft(
            name="王建国",
            phone=phone,
            employer_name="辽源市鑫盛建筑工程有限公司",
            division_code="220402",
            amount=Decimal(18600),
            headcount=len(workers) + 1 if workers else None,
            workers=list(workers),
        ),
        channel="web",
        actor=None,
    ).complaint


def texts() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(gateway="sms").order_by("id"))


@time_machine.travel(MONDAY, tick=False)
@override_settings(LANGUAGE_CODE="en")
class WorkerTextTests(BaseTestCase):
    def stop_url(self, complaint: Complaint) -> str:
        return str(settings.QINGLING_PUBLIC_URL).rstrip("/") + complaint_stop_path(complaint)

    def test_every_text_from_acceptance_to_the_callback_ends_with_the_stop_link(self) -> None:
        complaint = register()
        complaint_accept(complaint=complaint, actor=self.intake)
        complaint_case_opened(
            complaint=complaint,
            case_number="辽人社监〔2021〕1号",
            opened_on=dt.date(2021, 3, 1),
            actor=None,
        )
        complaint_payment_notify(
            complaint=complaint, amount=Decimal(6200), paid_on=dt.date(2021, 3, 1), actor=None
        )
        complaint_case_closed(complaint=complaint, closed_on=dt.date(2021, 3, 1), actor=None)

        sent = texts()
        self.assertEqual(
            [message.payload["template"] for message in sent],
            [
                "complaint_received",
                "complaint_accepted",
                "complaint_case_opened",
                "complaint_paid",
                "complaint_callback",
            ],
        )
        stop = self.stop_url(complaint)
        for message in sent:
            with self.subTest(template=message.payload["template"]):
                self.assertEqual(message.payload["stop"], stop)
                self.assertTrue(
                    message.payload["text"].endswith(f"\nTo stop these messages: {stop}")
                )
                self.assertIn(complaint.number, message.payload["text"])
        self.assertIn("6200 yuan was paid to you", sent[3].payload["text"])
        self.assertIn(reverse("web_intake:callback", args=["t"])[:-2], sent[4].payload["text"])

    def test_the_stop_link_asks_first_and_then_no_more_texts_go(self) -> None:
        earlier = register()
        complaint = register()
        before = len(texts())
        client = Client()
        path = complaint_stop_path(complaint)

        page = client.get(path)
        self.assertContains(page, "stop-form")
        complaint.refresh_from_db()
        self.assertIsNone(complaint.texts_stopped_at)  # a link preview stops nothing

        client.post(path)
        complaint.refresh_from_db()
        earlier.refresh_from_db()
        self.assertIsNotNone(complaint.texts_stopped_at)
        self.assertIsNotNone(earlier.texts_stopped_at)  # the same mobile, filed before
        self.assertEqual(AuditEvent.objects.filter(action="complaint.texts_stop").count(), 1)
        self.assertContains(client.get(path), "stop-done")

        complaint_accept(complaint=complaint, actor=self.intake)
        complaint_accept(complaint=earlier, actor=self.intake)
        complaint_case_opened(
            complaint=complaint,
            case_number="辽人社监〔2021〕2号",
            opened_on=dt.date(2021, 3, 1),
            actor=None,
        )
        self.assertEqual(len(texts()), before)

        # A complaint filed after the stop is a new consent: it is texted.
        later = register()
        self.assertEqual(texts()[-1].subject_id, str(later.pk))

    def test_a_tampered_stop_link_is_not_found(self) -> None:
        response = Client().get(reverse("web_intake:stop", args=["not-a-token"]))
        self.assertEqual(response.status_code, 404)

    def test_workers_named_by_someone_else_are_not_texted(self) -> None:
        complaint = register(
            workers=(
                WorkerEntry(name="李四", phone="13900001111", amount=Decimal(6200)),
                WorkerEntry(name="赵六", phone="13900002222", amount=Decimal(6200)),
            )
        )
        complaint_accept(complaint=complaint, actor=self.intake)
        phones = {message.destination for message in texts()}
        self.assertEqual(phones, {mask_phone(PHONE)})
