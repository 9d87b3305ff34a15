from qingling.employment.selectors.seekers import people_linked_under
from qingling.employment.tests.world import make_seeker
from qingling.parties.selectors import person_in_jurisdiction
from qingling.testing import BaseTestCase


class PeopleLinkedUnderTests(BaseTestCase):
    def test_links_a_seeker_to_the_county_of_registration(self) -> None:
        seeker = make_seeker(self.rng, division_code="220403")
        self.assertEqual(
            list(people_linked_under("220403").values_list("person_id", flat=True)),
            [seeker.person_id],
        )
        self.assertIs(person_in_jurisdiction(user=self.xian, person=seeker.person), True)
        self.assertIs(person_in_jurisdiction(user=self.inspector, person=seeker.person), False)
