from qingling.core.models import Division
from qingling.inspections.selectors import organizations_linked_under, respondent_choices
from qingling.inspections.tests.world import InspectionWorld
from qingling.parties.selectors import organization_visible
from qingling.testing import make_organization


class OrganizationsLinkedUnderTests(InspectionWorld):
    def test_links_a_findings_respondent_to_the_inspections_county(self) -> None:
        other = make_organization(
            self.rng, name="东丰县某公司", division=Division.objects.get(code="220421")
        )
        self.assertIs(organization_visible(user=self.inspector, organization=other), False)
        self.record(respondent=other)
        self.assertIn(
            other.pk, organizations_linked_under("220402").values_list("respondent_id", flat=True)
        )
        self.assertIs(organization_visible(user=self.inspector, organization=other), True)
        self.assertIs(organization_visible(user=self.xian, organization=other), False)

    def test_offers_as_respondents_the_project_parties_the_user_may_see(self) -> None:
        self.assertEqual(
            list(respondent_choices(user=self.inspector, project=self.project)), [self.contractor]
        )
        self.assertEqual(list(respondent_choices(user=self.outsider, project=self.project)), [])
