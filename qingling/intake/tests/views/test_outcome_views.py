"""The staff pages of issue 13: the queue's accepted-without-case list, the limitation
warning, workers added on the complaint's page, a settlement refused without proof."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingling.intake.models import Settlement
from qingling.intake.services import complaint_accept
from qingling.intake.tests.views.test_staff_views import register
from qingling.testing import BaseTestCase

NOW = dt.datetime(2021, 3, 1, 2, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class OutcomeViewTests(BaseTestCase):
    def test_the_queue_lists_accepted_complaints_without_a_case_in_few_queries(self) -> None:
        complaint_accept(complaint=register(received=NOW, division="220402"), actor=self.intake)
        self.login(self.chief)
        with CaptureQueriesContext(connection) as few:
            response = self.client.get(reverse("intake:queue"))
        self.assertEqual(len(response.context["queue"].without_case), 1)
        for index in range(5):
            accepted = register(received=NOW, division="220402", phone=f"1381234{index:04d}")
            complaint_accept(complaint=accepted, actor=self.intake)
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(reverse("intake:queue"))
        self.assertEqual(len(response.context["queue"].without_case), 6)

    def test_the_officer_is_warned_when_the_period_owed_is_past_the_limitation(self) -> None:
        old = register(received=NOW, period="2018年3月至10月")
        recent = register(received=NOW, period="2020年10月至今", phone="13712345678")
        self.login(self.intake)
        page = self.client.get(reverse("intake:complaint_detail", args=[old.public_id]))
        self.assertContains(page, 'id="limitation-warning"')
        self.assertContains(page, "2020-10-31")
        page = self.client.get(reverse("intake:complaint_detail", args=[recent.public_id]))
        self.assertNotContains(page, 'id="limitation-warning"')

    def test_workers_typed_on_the_page_are_added(self) -> None:
        complaint = register(received=NOW)
        self.login(self.intake)
        self.client.post(
            reverse("intake:complaint_workers", args=[complaint.public_id]),
            {"workers-workers": "李四 13900001111 3000\n赵六 13900002222"},
        )
        self.assertEqual([w.name for w in complaint.workers.all()], ["李四", "赵六"])
        page = self.client.get(reverse("intake:complaint_detail", args=[complaint.public_id]))
        self.assertContains(page, "139******11")
        self.assertNotContains(page, "13900001111")

    def test_a_settlement_without_proof_is_refused_on_the_page(self) -> None:
        complaint = register(received=NOW)
        self.login(self.intake)
        response = self.client.post(
            reverse("intake:complaint_settle", args=[complaint.public_id]),
            {
                "settle-contacted": "项目经理",
                "settle-contacted_on": "2021-03-01",
                "settle-agreed": "当日结清",
                "settle-payments": "李四 3000 2021-03-01",
                "settle-worker_confirmed": "on",
                "settle-confirmation_note": "电话",
            },
            follow=True,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(list(response.context["messages"])), 1)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, "received")
        self.assertFalse(Settlement.objects.exists())
