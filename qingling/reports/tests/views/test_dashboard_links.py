"""Which figures the dashboard links, for whom, and to which list."""

import datetime as dt

import time_machine
from django.urls import reverse

from qingling.reports.statistics import CITY, Period, Scope
from qingling.reports.tests.statistics_world import NOW, StatisticsWorld, local
from qingling.reports.views.dashboard import _figures

URL = reverse("reports:dashboard")
PERIOD = {"from": "2026-03-02", "to": "2026-03-31"}
COMPLAINTS = ("complaints_received", "hotline_replies", "transfer_orders_handled")
CASES = ("cases_opened", "workers_paid", "amount_recovered")
INSPECTIONS = ("inspector_visits", "projects_inspected", "violations_corrected")
EMPLOYMENT = ("postings_collected", "trips", "workers_transported")


@time_machine.travel(local(NOW), tick=False)
class DashboardLinkTests(StatisticsWorld):
    def links_for(self, persona: str) -> dict[str, str]:
        self.login(getattr(self, persona))
        response = self.client.get(URL, PERIOD)
        return {figure.key: figure.href for figure in response.context["figures"]}

    def test_links_only_the_lists_the_user_may_open(self) -> None:
        expected = {
            "director": (*COMPLAINTS, *CASES, *INSPECTIONS, *EMPLOYMENT),
            "chief": (*COMPLAINTS, *CASES, *INSPECTIONS),
            "intake": (*COMPLAINTS, *CASES),
            "employment": EMPLOYMENT,
            "admin": (),
        }
        every = {*COMPLAINTS, *CASES, *INSPECTIONS, *EMPLOYMENT}
        for persona, linked in expected.items():
            with self.subTest(persona):
                links = self.links_for(persona)
                self.assertEqual({key for key in every if links[key]}, set(linked))
                for key in linked:  # and each of those opens
                    self.assertEqual(self.client.get(links[key]).status_code, 200, key)

    def test_district_staff_get_no_link_to_the_city_wide_employment_lists(self) -> None:
        links = self.links_for("xian")
        self.assertTrue(links["inspector_visits"])
        self.assertEqual([links[key] for key in EMPLOYMENT], ["", "", ""])

    def test_each_link_carries_the_period(self) -> None:
        links = self.links_for("director")
        self.assertEqual(
            links["inspector_visits"],
            f"{reverse('inspections:home')}?status=done&done_from=2026-03-02&done_to=2026-03-31",
        )
        self.assertEqual(
            links["violations_corrected"],
            f"{reverse('inspections:finding_list')}?status=corrected_on_spot&status=corrected"
            "&corrected_from=2026-03-02&corrected_to=2026-03-31",
        )
        self.assertEqual(
            links["workers_paid"],
            f"{reverse('reports:payment_list')}?paid_from=2026-03-02&paid_to=2026-03-31",
        )
        self.assertEqual(
            links["postings_collected"],
            f"{reverse('employment:posting_list')}"
            "?collected_from=2026-03-02&collected_to=2026-03-31",
        )
        self.assertEqual(
            links["workers_transported"],
            f"{reverse('employment:trip_list')}"
            "?status=travelled&date_from=2026-03-02&date_to=2026-03-31",
        )

    def test_the_payments_list_shows_the_dashboards_money_figures(self) -> None:
        self.login(self.chief)
        figures = {f.key: f for f in self.client.get(URL, PERIOD).context["figures"]}
        totals = self.client.get(figures["workers_paid"].href).context["totals"]
        self.assertEqual(str(totals.workers), figures["workers_paid"].value)
        self.assertEqual(totals.amount_shown, figures["amount_recovered"].value)


class FigureWithATotalTests(StatisticsWorld):
    def test_a_figure_with_a_total_shows_the_total_and_its_parts_linked(self) -> None:
        period = Period(dt.date(2021, 1, 4), dt.date(2021, 3, 5))
        values = {"postings_collected": {"total": 14236, "inside": 3600, "outside": 10636}}
        (figure,) = _figures(values, period, self.director, CITY)
        self.assertEqual(figure.value, "14236")
        self.assertEqual([part.value for part in figure.parts], [3600, 10636])
        self.assertTrue(figure.parts_on_card)
        self.assertTrue(figure.parts[0].href.endswith("&scope=inside"))
        (unlinked,) = _figures(values, period, self.chief, CITY)
        self.assertEqual([part.href for part in unlinked.parts], ["", ""])
        (district,) = _figures(values, period, self.director, Scope(prefix="220403"))
        self.assertEqual(district.href, "")
