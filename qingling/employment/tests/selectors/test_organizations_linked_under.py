from qingling.employment.selectors.postings import organizations_linked_under
from qingling.employment.tests.world import make_posting
from qingling.parties.selectors import organization_visible
from qingling.testing import BaseTestCase, make_organization


class OrganizationsLinkedUnderTests(BaseTestCase):
    def test_links_a_postings_employer_to_the_county_of_the_place_of_work(self) -> None:
        employer = make_organization(self.rng)
        make_posting(employer, place="220403")
        self.assertEqual(
            list(organizations_linked_under("220403").values_list("employer_id", flat=True)),
            [employer.pk],
        )
        self.assertIs(organization_visible(user=self.xian, organization=employer), True)
        self.assertIs(organization_visible(user=self.inspector, organization=employer), False)
