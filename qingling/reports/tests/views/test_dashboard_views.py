import datetime as dt
import re
import xml.etree.ElementTree as ET

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.reports.statistics import METRICS
from qingling.reports.tests.statistics_world import NOW, StatisticsWorld, local
from qingling.testing import BaseTestCase

URL = reverse("reports:dashboard")
PERIOD = {"from": "2026-03-02", "to": "2026-03-31"}
SVG = re.compile(r"<svg .*?</svg>", re.DOTALL)
# session, user, the user's unit and its division (jurisdiction), one query per figure,
# the two chart series (money by month, open cases by division) and the warnings panel
QUERIES = 4 + len(METRICS) + 2 + 1


@time_machine.travel(local(NOW), tick=False)
class DashboardTests(StatisticsWorld):
    def test_who_may_see_it(self) -> None:
        expected = {
            "intake": 200,
            "inspector": 200,
            "xian": 200,
            "chief": 200,
            "director": 200,
            "admin": 200,
            "employment": 200,
            "outsider": 403,
        }
        for persona, status in expected.items():
            with self.subTest(persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(URL, PERIOD).status_code, status)

    def test_the_anonymous_are_sent_to_sign_in(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_the_nav_links_to_it_for_those_who_may_see_it(self) -> None:
        link = f'href="{URL}"'
        self.login(self.chief)
        self.assertContains(self.client.get(reverse("accounts:home")), link)
        self.login(self.outsider)
        self.assertNotContains(self.client.get(reverse("accounts:home")), link)

    def test_the_default_period_is_this_year_to_today(self) -> None:
        self.login(self.chief)
        response = self.client.get(URL)
        self.assertEqual(response.context["period"].start.isoformat(), "2026-01-01")
        self.assertEqual(response.context["period"].end.isoformat(), "2026-04-15")
        self.assertContains(response, 'name="from" value="2026-01-01"')

    def test_shows_each_figure_linked_to_its_records(self) -> None:
        self.login(self.chief)
        response = self.client.get(URL, PERIOD)
        figures = {f.key: f for f in response.context["figures"]}
        self.assertEqual(list(figures), list(METRICS))
        self.assertEqual(figures["complaints_received"].value, "7")
        self.assertEqual(figures["amount_recovered"].value, "6,500.00")
        self.assertEqual(figures["amount_outstanding"].value, "23,500.00")
        self.assertEqual(figures["cases_opened"].value, "2")
        self.assertEqual(
            figures["cases_opened"].href,
            f"{reverse('reports:ledger')}?opened_from=2026-03-02&opened_to=2026-03-31",
        )
        self.assertEqual(
            figures["cases_outstanding"].href,
            f"{reverse('reports:ledger')}?status=open&opened_to=2026-03-31",
        )
        self.assertEqual(
            figures["complaints_accepted"].href,
            f"{reverse('intake:complaint_list')}?status=accepted&status=joined"
            "&decided_from=2026-03-02&decided_to=2026-03-31",
        )
        for key in ("complaints_received", "complaints_accepted", "hotline_replies"):
            with self.subTest(key):
                listed = self.client.get(figures[key].href).context["page"].paginator.count
                self.assertEqual(str(listed), figures[key].value)
        self.assertContains(response, f"{reverse('intake:complaint_list')}?channel=12345")
        for figure in figures.values():
            self.assertContains(response, f'id="figure-{figure.key}"')

    def test_draws_three_accessible_charts_with_their_numbers_beside(self) -> None:
        self.login(self.chief)
        response = self.client.get(URL, PERIOD)
        html = response.content.decode()
        svgs = SVG.findall(html)
        self.assertEqual(len(svgs), 3)
        for svg in svgs:
            root = ET.fromstring(svg)  # noqa: S314 (our own output, under test)
            self.assertIn("viewBox", root.attrib)
            self.assertEqual(root[0].tag, "{http://www.w3.org/2000/svg}title")
        self.assertEqual(html.count("<table"), 3)
        # htmx, upload-check.js and app.js: no chart library, no CDN
        scripts = re.findall(r"<script[^>]*>", html)
        self.assertEqual([s for s in scripts if 'src="/static/' not in s], [])
        self.assertEqual(len(scripts), 3)
        charts = {chart.id: chart for chart in response.context["charts"]}
        months = [(b.label, b.text) for b in charts["chart-recovered"].bars]
        self.assertEqual(months, [("2026-03", "6,500.00")])
        divisions = [(b.label, b.value) for b in charts["chart-open-cases"].bars]
        self.assertEqual(divisions, [("龙山区", 2)])

    def test_district_staff_see_their_district(self) -> None:
        self.login(self.xian)
        response = self.client.get(URL, PERIOD)
        self.assertContains(response, "西安区")
        figures = {f.key: f for f in response.context["figures"]}
        self.assertEqual(figures["cases_opened"].value, "0")

    def test_names_the_bad_date(self) -> None:
        self.login(self.chief)
        for query, field in (
            ({"from": "2026-04-01", "to": "2026-03-31"}, "end"),
            ({"from": "yesterday", "to": "2026-03-31"}, "start"),
        ):
            with self.subTest(query):
                response = self.client.get(URL, query)
                self.assertEqual(response.status_code, 200)
                self.assertIn(field, response.context["form"].errors)
                self.assertNotIn("figures", response.context)
                self.assertContains(response, 'aria-invalid="true"')

    def test_the_query_count_does_not_grow_with_the_records(self) -> None:
        self.login(self.chief)
        with self.assertNumQueries(QUERIES):
            self.client.get(URL, PERIOD)


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class EmptyDashboardTests(BaseTestCase):
    def test_renders_with_no_records_in_the_same_number_of_queries(self) -> None:
        self.login(self.chief)
        with self.assertNumQueries(QUERIES):
            response = self.client.get(URL, PERIOD)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "No data for this period.")


class DashboardDefaultPeriodTests(StatisticsWorld):
    def test_a_database_of_an_earlier_season_opens_on_that_season(self) -> None:
        with time_machine.travel(dt.datetime(2030, 5, 1, 2, 0, tzinfo=dt.UTC), tick=False):
            self.login(self.chief)
            response = self.client.get(URL)
        self.assertEqual(response.context["period"].start.isoformat(), "2026-01-01")
        self.assertEqual(response.context["period"].end.isoformat(), "2030-05-01")
