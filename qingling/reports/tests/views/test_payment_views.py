import random
from decimal import Decimal
from unittest import mock

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.cases import statistics as case_figures
from qingling.cases.services import claim_add
from qingling.parties.demo import fake_id_number
from qingling.reports.statistics import statistics_for_period
from qingling.reports.tests.statistics_world import END, NOW, START, StatisticsWorld, at, local, pay

URL = reverse("reports:payment_list")
PERIOD = {"paid_from": START.isoformat(), "paid_to": END.isoformat()}
# session, user, the user's unit and its division (jurisdiction), the totals, the page
# count and its rows (with case and worker)
QUERIES = 7


@time_machine.travel(local(NOW), tick=False)
@override_settings(LANGUAGE_CODE="en")  # the tests read the English status line
class PaymentListTests(StatisticsWorld):
    def test_who_may_see_it(self) -> None:
        expected = {
            "intake": 200,
            "inspector": 200,
            "chief": 200,
            "director": 200,
            "employment": 403,
            "admin": 403,
            "outsider": 403,
        }
        for persona, status in expected.items():
            with self.subTest(persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(URL, PERIOD).status_code, status)

    def test_shows_the_workers_paid_and_the_amount_recovered_of_the_period(self) -> None:
        self.login(self.chief)
        response = self.client.get(URL, PERIOD)
        figures = statistics_for_period(start=START, end=END)
        totals = response.context["totals"]
        self.assertEqual(totals.workers, figures["workers_paid"])
        self.assertEqual(totals.amount, figures["amount_recovered"])
        self.assertEqual(totals.payments, 4)  # 王建国 twice (cases y and z), 赵六 twice
        self.assertContains(response, "4 payments")
        self.assertContains(response, "2 workers paid")
        self.assertContains(response, "6,500.00 yuan")  # as the dashboard writes it

    def test_lists_every_payment_without_the_period(self) -> None:
        self.login(self.chief)
        totals = self.client.get(URL).context["totals"]
        self.assertEqual((totals.payments, totals.amount), (7, "10000.00"))

    def test_shows_only_masked_personal_data(self) -> None:
        rng = random.Random(3)
        id_number = fake_id_number(rng)
        with at("2026-03-06 10:00"):
            claim = claim_add(
                case=self.cases["y"],
                name="钱八",
                id_number=id_number,
                phone="13943711111",
                claimed=Decimal("900.00"),
                actor=self.inspector,
            )
        pay(type(self), claim, "900.00", "2026-03-07")
        self.login(self.chief)
        response = self.client.get(URL, PERIOD)
        self.assertContains(response, "钱八")
        self.assertContains(response, claim.worker.id_number_masked)
        self.assertNotContains(response, id_number)
        self.assertNotContains(response, "13943711111")
        self.assertNotContains(response, "13843712345")  # 王建国's phone

    def test_district_staff_see_their_district_as_their_dashboard_does(self) -> None:
        self.login(self.xian)
        totals = self.client.get(URL, PERIOD).context["totals"]
        figures = statistics_for_period(start=START, end=END, user=self.xian)
        self.assertEqual((totals.workers, totals.amount), (0, "0.00"))
        self.assertEqual(figures["workers_paid"], 0)

    def test_the_next_page_keeps_the_period(self) -> None:
        self.login(self.chief)
        with mock.patch.object(case_figures, "PAGE_SIZE", 3):
            first = self.client.get(URL, PERIOD)
            self.assertContains(first, f"?paid_from={START}&amp;paid_to={END}&amp;page=2")
            second = self.client.get(URL, {**PERIOD, "page": "2"})
        self.assertEqual(len(second.context["page"].object_list), 1)
        self.assertContains(second, f"?paid_from={START}&amp;paid_to={END}&amp;page=1")

    def test_the_query_count_does_not_grow_with_the_payments(self) -> None:
        self.login(self.chief)
        with self.assertNumQueries(QUERIES):
            self.client.get(URL, PERIOD)
        pay(type(self), self.cases["y"].claims.get(worker__name="赵六"), "100.00", "2026-03-13")
        pay(type(self), self.cases["y"].claims.get(worker__name="王建国"), "100.00", "2026-03-26")
        with self.assertNumQueries(QUERIES):
            response = self.client.get(URL, PERIOD)
        self.assertEqual(response.context["totals"].payments, 6)
