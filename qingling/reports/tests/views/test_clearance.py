import datetime as dt

import time_machine
from django.urls import reverse

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case
from qingling.reports.tests.helpers import open_case, pay
from qingling.testing import CURRENT_TIME, BaseTestCase


@time_machine.travel(CURRENT_TIME, tick=False)
class ClearanceViewTests(BaseTestCase):
    def queries_for(self, n: int) -> None:
        for index in range(n):
            case = open_case(
                self,
                opened_on=dt.date(2026, 1 + index % 11, 2),
                division=self.xian_division if index % 2 else self.longshan,
                lead=self.xian if index % 2 else self.inspector,
                co=[] if index % 2 else None,
            )
            if index % 3 == 0:
                pay(self, case, "100.00")
        self.login(self.chief)
        # session, user, unit, its division; open, owed, divisions
        with self.assertNumQueries(7):
            response = self.client.get(reverse("reports:clearance"))
        self.assertEqual(response.context["table"].city.open_cases, n)

    def test_the_query_count_is_constant_for_5_cases(self) -> None:
        self.queries_for(5)

    def test_the_query_count_is_constant_for_30_cases(self) -> None:
        self.queries_for(30)

    def test_shows_the_headline_and_links_each_cell_to_the_ledger(self) -> None:
        open_case(self, opened_on=dt.date(2026, 3, 2), amount="3000.00")
        self.login(self.chief)
        response = self.client.get(reverse("reports:clearance"), {"year": "2026"})
        self.assertContains(response, "3000.00")
        self.assertContains(
            response,
            "?status=open&amp;division=220402&amp;opened_from=2026-03-01&amp;opened_to=2026-03-31",
        )
        self.assertContains(response, "table-box")
        ledger = self.client.get(
            reverse("reports:ledger"),
            {
                "status": "open",
                "division": "220402",
                "opened_from": "2026-03-01",
                "opened_to": "2026-03-31",
            },
        )
        self.assertEqual(len(ledger.context["rows"]), 1)

    def test_says_cleared_when_both_are_zero(self) -> None:
        case = open_case(self, amount="300.00")
        pay(self, case, "300.00")
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, outcome="paid_in_full")
        self.login(self.chief)
        response = self.client.get(reverse("reports:clearance"))
        self.assertTrue(response.context["table"].city.cleared)

    def test_a_district_inspector_sees_only_the_district(self) -> None:
        open_case(self, amount="3000.00")
        self.login(self.xian)
        response = self.client.get(reverse("reports:clearance"))
        self.assertEqual(response.context["table"].rows, [])
        self.assertEqual(response.context["table"].city.open_cases, 0)
