from qingling.intake.selectors import people_linked_under
from qingling.parties.selectors import person_in_jurisdiction
from qingling.testing import BaseTestCase, make_accepted_complaint


class PeopleLinkedUnderTests(BaseTestCase):
    def test_links_the_complainant_to_the_complaints_county(self) -> None:
        complaint = make_accepted_complaint(division_code="220403")
        complainant = complaint.complainant
        assert complainant is not None
        self.assertEqual(
            list(people_linked_under("220403").values_list("complainant_id", flat=True)),
            [complainant.pk],
        )
        self.assertIs(person_in_jurisdiction(user=self.xian, person=complainant), True)
        self.assertIs(person_in_jurisdiction(user=self.inspector, person=complainant), False)
