from qingling.cases.selectors import people_linked_under
from qingling.parties.selectors import person_in_jurisdiction
from qingling.testing import BaseTestCase, make_case


class PeopleLinkedUnderTests(BaseTestCase):
    def test_links_a_claims_worker_to_the_cases_county(self) -> None:
        case = make_case(self, division_code="220403")  # complained in 西安区, opened in 龙山区
        worker = case.claims.get().worker
        self.assertEqual(
            list(people_linked_under("220402").values_list("worker_id", flat=True)), [worker.pk]
        )
        self.assertIs(person_in_jurisdiction(user=self.inspector, person=worker), True)
