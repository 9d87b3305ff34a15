"""The callback (回访) after a settlement: asked once, answered once, reopening when the
money did not arrive, and counted."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qingling.core.exceptions import Conflict, InvalidInput, NotFound
from qingling.intake.channels.base import ComplaintDraft, SettlementLine
from qingling.intake.models import Callback, Complaint
from qingling.intake.selectors import (
    callback_from_token,
    callback_path,
    complaint_queue_for_user,
)
from qingling.intake.services import (
    callback_answer,
    complaint_register,
    complaint_reopen_handle,
    complaint_settle,
    source_system_create,
)
from qingling.intake.tests.channels.web.test_views import tiny_png
from qingling.notify.models import OutboxMessage
from qingling.reports.statistics import statistics_for_period
from qingling.testing import BaseTestCase

MONDAY = dt.datetime(2021, 3, 1, 2, tzinfo=dt.UTC)


@time_machine.travel(MONDAY, tick=False)
class CallbackTests(BaseTestCase):
    def setUp(self) -> None:
        system, _key = source_system_create(
            name="12345", channel="12345", reply_url="https://12345.example/reply", actor=None
        )
        self.complaint = complaint_register(
            draft=ComplaintDraft(
                name="王建国",
                phone="13843712345",
                employer_name="辽源市鑫盛建筑工程有限公司",
                division_code="220402",
                source_ref="GD-7",
            ),
            channel="12345",
            actor=None,
            source_system=system,
        ).complaint
        complaint_settle(
            complaint=self.complaint,
            contacted="项目经理",
            contacted_on=dt.date(2021, 3, 1),
            agreed="当日结清",
            lines=[SettlementLine("王建国", Decimal(5000), dt.date(2021, 3, 1))],
            proof=SimpleUploadedFile("凭证.png", tiny_png(), "image/png"),
            worker_confirmed=True,
            confirmation_note="电话确认",
            actor=self.intake,
        )
        self.callback = Callback.objects.get(complaint=self.complaint)

    def test_the_settlement_texts_the_worker_a_link_of_their_own(self) -> None:
        message = OutboxMessage.objects.get(payload__template="complaint_callback")
        path = callback_path(self.callback)
        self.assertTrue(message.payload["url"].endswith(path))
        token = path.rstrip("/").rsplit("/", 1)[-1]
        self.assertEqual(callback_from_token(token), self.callback)
        self.assertIsNone(callback_from_token(token[:-2] + "xx"))

    def test_money_not_received_reopens_on_the_chiefs_queue_and_tells_the_source(self) -> None:
        callback_answer(
            callback=self.callback, money_received=False, satisfaction="unsatisfied", actor=None
        )
        queue = complaint_queue_for_user(user=self.chief, today=dt.date(2021, 3, 1))
        self.assertEqual(queue.reopened, [self.complaint])
        reply = OutboxMessage.objects.get(
            gateway="webhook", payload__callback__satisfaction="unsatisfied"
        )
        self.assertIs(reply.payload["callback"]["money_received"], False)
        figures = statistics_for_period(start=dt.date(2021, 3, 1), end=dt.date(2021, 3, 31))
        self.assertEqual(figures["callbacks_answered"], 1)
        self.assertEqual(figures["satisfaction_rate"], "0.00")
        self.assertEqual(figures["reopened_after_callback"], 1)
        complaint_reopen_handle(complaint=self.complaint, note="已督促补发", actor=self.chief)
        queue = complaint_queue_for_user(user=self.chief, today=dt.date(2021, 3, 1))
        self.assertEqual(queue.reopened, [])

    @translation.override("en")
    def test_a_callback_is_answered_once(self) -> None:
        callback_answer(
            callback=self.callback, money_received=True, satisfaction="satisfied", actor=None
        )
        with self.assertRaises(Conflict) as raised:
            callback_answer(
                callback=self.callback, money_received=False, satisfaction="basic", actor=None
            )
        self.assertIn("answered already", raised.exception.message)
        self.callback.refresh_from_db()
        self.assertEqual(
            (self.callback.money_received, self.callback.satisfaction), (True, "satisfied")
        )
        self.assertIsNone(Complaint.objects.get(pk=self.complaint.pk).reopened_at)
        figures = statistics_for_period(start=dt.date(2021, 3, 1), end=dt.date(2021, 3, 31))
        self.assertEqual(figures["satisfaction_rate"], "100.00")

    def test_an_answer_needs_both_parts_and_staff_log_calls_in_their_area_only(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            callback_answer(
                callback=self.callback, money_received=None, satisfaction="", actor=None
            )
        self.assertEqual(set(raised.exception.extra["fields"]), {"money_received", "satisfaction"})
        with self.assertRaises(NotFound):
            callback_answer(
                callback=self.callback,
                money_received=True,
                satisfaction="basic",
                actor=self.outsider,
            )
        answered = callback_answer(
            callback=self.callback, money_received=True, satisfaction="basic", actor=self.intake
        )
        self.assertEqual((answered.how, answered.answered_by), ("call", self.intake))

    def test_the_one_question_page_keeps_the_answer_and_then_thanks(self) -> None:
        url = callback_path(self.callback)
        client = Client()
        page = client.get(url)
        self.assertContains(page, 'id="callback-form"')
        done = client.post(url, {"money_received": "yes", "satisfaction": "satisfied"}, follow=True)
        self.assertContains(done, 'id="callback-thanks"')
        again = client.post(url, {"money_received": "no", "satisfaction": "unsatisfied"})
        self.assertContains(again, 'id="callback-thanks"')  # the form is gone: kept once
        self.callback.refresh_from_db()
        self.assertIs(self.callback.money_received, True)
        self.assertEqual(
            Client().get(reverse("web_intake:callback", args=["nonsense"])).status_code, 404
        )
