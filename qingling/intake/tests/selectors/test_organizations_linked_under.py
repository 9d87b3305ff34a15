from qingling.intake.selectors import organizations_linked_under
from qingling.intake.services import complaint_details_update
from qingling.parties.selectors import organization_visible
from qingling.testing import BaseTestCase, make_accepted_complaint, make_organization


class OrganizationsLinkedUnderTests(BaseTestCase):
    def test_links_a_complaints_employer_to_the_county_it_is_placed_in(self) -> None:
        employer = make_organization(self.rng)
        self.assertIs(organization_visible(user=self.xian, organization=employer), False)
        complaint_details_update(
            complaint=make_accepted_complaint(division_code="220403"),
            employer=employer,
            actor=self.intake,
        )
        self.assertEqual(
            list(organizations_linked_under("220403").values_list("employer_id", flat=True)),
            [employer.pk],
        )
        self.assertIs(organization_visible(user=self.xian, organization=employer), True)
        self.assertIs(organization_visible(user=self.inspector, organization=employer), False)
