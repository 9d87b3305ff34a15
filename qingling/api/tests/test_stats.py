import io
import json
from typing import Any

import time_machine
from django.core.management import call_command

from qingling.reports.statistics import METRICS
from qingling.reports.tests.statistics_world import NOW, StatisticsWorld, local

URL = "/api/v1/stats"
PERIOD = {"from": "2026-03-02", "to": "2026-03-31"}
ENVELOPE = {"message", "code", "extra"}


@time_machine.travel(local(NOW), tick=False)
class StatsApiTests(StatisticsWorld):
    def envelope(self, response: Any, status: int, code: str) -> dict[str, Any]:
        self.assertEqual(response.status_code, status, response.content)
        body: dict[str, Any] = response.json()
        self.assertEqual(set(body), ENVELOPE)
        self.assertEqual(body["code"], code)
        return body

    def test_answers_the_same_object_as_the_command(self) -> None:
        out = io.StringIO()
        call_command("stats", "--from", PERIOD["from"], "--to", PERIOD["to"], "--json", stdout=out)
        self.login(self.chief)
        response = self.client.get(URL, PERIOD)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), json.loads(out.getvalue()))
        self.assertEqual(list(response.json()), list(METRICS))
        self.assertEqual(response.json()["amount_outstanding"], "23500.00")

    def test_every_role_with_the_permission_may_read_it(self) -> None:
        for persona in ("intake", "inspector", "xian", "chief", "director", "admin"):
            with self.subTest(persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(URL, PERIOD).status_code, 200)

    def test_district_staff_get_their_districts_figures(self) -> None:
        self.login(self.xian)
        self.assertEqual(self.client.get(URL, PERIOD).json()["cases_opened"], 0)
        self.login(self.inspector)
        self.assertEqual(self.client.get(URL, PERIOD).json()["cases_opened"], 2)

    def test_refuses_the_anonymous_and_the_roles_without_the_permission(self) -> None:
        self.envelope(self.client.get(URL, PERIOD), 401, "unauthenticated")
        for persona in ("outsider",):
            with self.subTest(persona):
                self.login(getattr(self, persona))
                response = self.client.get(URL, PERIOD)
                self.assertIn(response.status_code, {401, 403})
                self.assertEqual(set(response.json()), ENVELOPE)
                self.assertNotIn("cases_opened", response.json())

    def test_names_the_bad_field(self) -> None:
        self.login(self.chief)
        for query, field, status in (
            ({"from": "2026-02-30", "to": "2026-03-31"}, "from", 422),
            ({"from": "2026-03-02", "to": "March"}, "to", 422),
            ({"from": "2026-03-02"}, "to", 422),
            ({"from": "2026-04-01", "to": "2026-03-31"}, "to", 400),
        ):
            with self.subTest(query):
                body = self.envelope(self.client.get(URL, query), status, "invalid")
                self.assertEqual(list(body["extra"]["fields"]), [field])
