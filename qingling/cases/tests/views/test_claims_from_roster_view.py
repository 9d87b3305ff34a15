from typing import Any

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.cases.models import Case
from qingling.cases.tests.services.test_claims_from_roster import case_on_project, roster_of
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case, make_project

BUTTON = 'data-step="claims_from_roster"'


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class ClaimsFromRosterViewTests(BaseTestCase):
    def setUp(self) -> None:
        self.project = make_project(division=self.longshan)
        roster_of(self, self.project, "刘德福", "陈小明")
        self.case = case_on_project(self, self.project)

    def detail(self, case: Case) -> Any:
        return self.client.get(reverse("cases:case_detail", args=[case.public_id]))

    def press(self, case: Case) -> Any:
        return self.client.post(
            reverse("cases:case_act", args=[case.public_id, "claims_from_roster"])
        )

    def messages(self, response: Any) -> list[str]:
        """The flash messages, and a refused form's errors (the page shown again)."""
        refused = response.context.get("refused") if response.context else None
        errors = [str(e) for e in refused.non_field_errors()] if refused is not None else []
        return [str(m) for m in response.wsgi_request._messages] + errors

    def test_the_button_is_for_those_who_work_the_case(self) -> None:
        for persona, shown in ((self.inspector, True), (self.chief, True), (self.intake, False)):
            with self.subTest(persona=persona.username):
                self.login(persona)
                response = self.detail(self.case)
                self.assertContains(response, BUTTON, count=1 if shown else 0)
        self.assertContains(response, "Money owed, worker by worker")

    def test_no_button_for_a_case_without_a_project(self) -> None:
        case = make_case(self, name="李四", phone="13912345678")
        self.login(self.inspector)
        self.assertNotContains(self.detail(case), BUTTON)

    def test_adds_the_roster_workers_and_says_how_many(self) -> None:
        self.login(self.inspector)
        response = self.press(self.case)
        self.assertRedirects(
            response,
            reverse("cases:case_detail", args=[self.case.public_id]) + "#claims",
            fetch_redirect_response=False,
        )
        self.assertIn(
            "2 workers from the roster are added; enter what each is owed.",
            self.messages(response),
        )
        self.assertEqual(self.case.claims.count(), 3)
        page = self.detail(self.case)
        self.assertContains(page, "陈小明")
        self.assertContains(page, "Claims added from the project roster")

    def test_says_so_when_everyone_already_has_a_claim(self) -> None:
        self.login(self.inspector)
        self.press(self.case)
        self.detail(self.case)  # shows (and so clears) the first press's messages
        response = self.press(self.case)
        self.assertEqual(
            self.messages(response),
            ["Every worker on the project's roster already has a claim in this case."],
        )
        self.assertEqual(AuditEvent.objects.filter(action="case.claims_from_roster").count(), 1)

    def test_someone_who_only_reads_the_case_is_refused(self) -> None:
        self.login(self.intake)
        self.assertEqual(self.press(self.case).status_code, 403)
        self.login(self.xian)
        self.assertEqual(self.press(self.case).status_code, 404)
        self.assertEqual(self.case.claims.count(), 1)
