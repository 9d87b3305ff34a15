import datetime as dt
from decimal import Decimal
from typing import Any

import time_machine
from django.urls import reverse

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.services import case_transition, claim_update, payment_record
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case

TODAY = CURRENT_TIME.date()


@time_machine.travel(CURRENT_TIME, tick=False)
class CaseListTests(BaseTestCase):
    def rows(self, **params: str) -> list[Any]:
        response = self.client.get(reverse("cases:case_list"), params)
        self.assertEqual(response.status_code, 200)
        return list(response.context["page"].object_list)

    def test_shows_the_money_per_case(self) -> None:
        case = make_case(self, amount="10000.00")
        claim = case.claims.get()
        claim_update(
            claim=claim,
            verified=Decimal("8000.00"),
            verified_reason="按考勤表和工资表核定",
            actor=self.inspector,
        )
        payment_record(
            claim=claim,
            amount=Decimal("3000.00"),
            paid_on=TODAY,
            payer_kind="employer",
            actor=self.inspector,
        )
        self.login(self.chief)
        [row] = self.rows()
        self.assertEqual(row.worker_count, 1)
        self.assertEqual(row.total_claimed, Decimal("10000.00"))
        self.assertEqual(row.total_paid, Decimal("3000.00"))
        self.assertEqual(row.total_outstanding, Decimal("5000.00"))
        self.assertEqual(row.lead_full_name, "inspector")
        response = self.client.get(reverse("cases:case_list"))
        self.assertContains(response, case.number)
        self.assertContains(response, "5000.00")

    def test_filters_by_status_lead_overdue_and_search(self) -> None:
        first = make_case(self, employer_name="辽源市鑫盛建筑工程有限公司")
        second = make_case(self, employer_name="辽源市宏达劳务有限公司", phone="13843799999")
        case_transition(case=second, target=CaseStatus.INVESTIGATING, actor=self.inspector)
        self.login(self.chief)
        self.assertEqual(self.rows(status="investigating"), [second])
        self.assertEqual(self.rows(q="宏达"), [second])
        self.assertEqual(self.rows(q=first.number), [first])
        self.assertEqual(set(self.rows(lead=str(self.inspector.pk))), {first, second})
        self.assertEqual(self.rows(lead=str(self.inspector2.pk)), [])
        self.assertEqual(self.rows(division="220403"), [])
        self.assertEqual(self.rows(overdue="on"), [])
        with time_machine.travel(CURRENT_TIME + dt.timedelta(days=120), tick=False):
            self.login(self.chief)
            self.assertEqual(set(self.rows(overdue="on")), {first, second})
            response = self.client.get(reverse("cases:case_list"))
            self.assertContains(response, 'class="overdue"', count=2)

    def test_the_list_makes_the_same_number_of_queries_for_more_rows(self) -> None:
        make_case(self)
        self.login(self.chief)
        with self.assertNumQueries(8) as few:
            self.client.get(reverse("cases:case_list"))
        for index in range(6):
            make_case(self, phone=f"1384371{index:04d}", employer_name=f"辽源市第{index}建筑公司")
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(reverse("cases:case_list"))
        self.assertEqual(len(response.context["page"].object_list), 7)
