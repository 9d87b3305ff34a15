from qingling.cases.selectors import organizations_linked_under
from qingling.parties.selectors import organization_may_edit, organization_visible
from qingling.testing import BaseTestCase, make_case


class OrganizationsLinkedUnderTests(BaseTestCase):
    def test_links_a_cases_respondent_to_the_cases_county(self) -> None:
        case = make_case(self, division_code="220403")  # complained in 西安区, opened in 龙山区
        respondent = case.respondent
        self.assertEqual(
            list(organizations_linked_under("220402").values_list("respondent_id", flat=True)),
            [respondent.pk],
        )
        self.assertIs(organization_visible(user=self.inspector, organization=respondent), True)
        # No division recorded: the county that works the case keeps its record.
        self.assertIs(organization_may_edit(user=self.inspector, organization=respondent), True)
        self.assertIs(organization_visible(user=self.xian, organization=respondent), False)
