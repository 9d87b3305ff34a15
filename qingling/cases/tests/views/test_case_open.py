from typing import Any

import time_machine
from django.urls import reverse

from qingling.cases.models import Case, CaseInspector
from qingling.intake.models import Complaint
from qingling.intake.services import complaint_details_update
from qingling.testing import CURRENT_TIME, BaseTestCase, make_accepted_complaint, make_organization


@time_machine.travel(CURRENT_TIME, tick=False)
class CaseOpenTests(BaseTestCase):
    def setUp(self) -> None:
        self.complaint = make_accepted_complaint(amount="12000.00")
        self.employer = make_organization(self.rng, name="辽源市鑫盛建筑工程有限公司")
        self.url = reverse("cases:case_open")

    def post(self, complaint: Complaint, **overrides: object) -> Any:
        data: dict[str, Any] = {
            "complaint": str(complaint.public_id),
            "respondent": str(self.employer.public_id),
            "division": "220402",
            "lead": str(self.inspector.pk),
            "co_inspectors": [str(self.inspector2.pk)],
            "summary": "拖欠瓦工工资",
        }
        data.update(overrides)
        return self.client.post(self.url, data)

    def test_the_complaint_page_links_to_opening_for_a_chief_only(self) -> None:
        detail = reverse("intake:complaint_detail", args=[self.complaint.public_id])
        self.login(self.chief)
        self.assertContains(
            self.client.get(detail), f"{self.url}?complaint={self.complaint.public_id}"
        )
        self.login(self.intake)
        self.assertNotContains(self.client.get(detail), self.url)

    def test_proposes_the_least_loaded_inspectors_and_the_matching_employer(self) -> None:
        self.login(self.chief)
        response = self.client.get(self.url, {"complaint": str(self.complaint.public_id)})
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        proposals = response.context["choices"].proposals
        self.assertGreaterEqual(len(proposals), 2)
        self.assertEqual(form.initial["lead"], str(proposals[0].pk))
        self.assertEqual(form.initial["co_inspectors"], [str(proposals[1].pk)])
        self.assertEqual(form.initial["division"], "220402")
        self.assertContains(response, self.employer.name)
        self.assertContains(response, f'value="{self.employer.public_id}"')
        self.assertNotIn(self.xian, proposals)

    def test_preselects_the_linked_employer(self) -> None:
        complaint_details_update(complaint=self.complaint, employer=self.employer, actor=self.chief)
        self.login(self.chief)
        response = self.client.get(self.url, {"complaint": str(self.complaint.public_id)})
        self.assertEqual(response.context["form"].initial["respondent"], self.employer.public_id)

    def test_opens_a_case_with_another_accepted_complaint_of_the_same_employer(self) -> None:
        other = make_accepted_complaint(name="李四", phone="13943712345", amount="8000.00")
        self.login(self.chief)
        response = self.client.get(self.url, {"complaint": str(self.complaint.public_id)})
        self.assertIn(
            str(other.public_id),
            [key for key, _label in response.context["form"].fields["others"].choices],
        )
        response = self.post(self.complaint, others=[str(other.public_id)])
        case = Case.objects.get()
        self.assertRedirects(response, reverse("cases:case_detail", args=[case.public_id]))
        self.assertEqual(set(case.complaints.all()), {self.complaint, other})
        self.assertEqual(case.respondent, self.employer)
        self.assertEqual(case.summary, "拖欠瓦工工资")
        self.assertEqual(
            {(a.inspector, a.role) for a in case.assignments.all()},
            {(self.inspector, CaseInspector.Role.LEAD), (self.inspector2, CaseInspector.Role.CO)},
        )
        self.assertEqual(case.claims.count(), 2)

    def test_needs_a_second_inspector(self) -> None:
        self.login(self.chief)
        response = self.post(self.complaint, co_inspectors=[str(self.inspector.pk)])
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["co_inspectors"])
        self.assertFalse(Case.objects.exists())

    def test_shows_the_services_refusal_on_the_form(self) -> None:
        self.login(self.chief)
        self.post(self.complaint)
        response = self.post(self.complaint)  # already in an open case
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Case.objects.count(), 1)
        self.assertTrue(response.context["form"].non_field_errors())

    def test_only_a_chief_opens_a_case(self) -> None:
        for persona in (self.inspector, self.intake, self.outsider):
            self.login(persona)
            response = self.client.get(self.url, {"complaint": str(self.complaint.public_id)})
            self.assertEqual(response.status_code, 403)
            self.assertEqual(self.post(self.complaint).status_code, 403)
        self.assertFalse(Case.objects.exists())
