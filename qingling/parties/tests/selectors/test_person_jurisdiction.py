from qingling.core.models import Division
from qingling.parties.models import Person, ProjectParty
from qingling.parties.selectors import person_in_jurisdiction, person_jurisdiction_filter
from qingling.parties.services import organization_register, project_party_add, roster_add
from qingling.testing import BaseTestCase, make_person, make_project


class PersonJurisdictionTests(BaseTestCase):
    def setUp(self) -> None:
        self.person = make_person(self.rng)
        self.dongfeng = Division.objects.get(code="220421")

    def _linked(self, user: object) -> bool:
        return person_in_jurisdiction(user=user, person=self.person)

    def test_a_person_linked_to_nothing_is_only_city_wide_staffs(self) -> None:
        for persona in (self.intake, self.chief, self.director, self.employment, self.admin):
            with self.subTest(persona.username):
                self.assertIs(self._linked(persona), True)
        for persona in (self.inspector, self.xian, self.outsider):
            with self.subTest(persona.username):
                self.assertIs(self._linked(persona), False)

    def test_links_a_roster_worker_to_the_projects_county(self) -> None:
        project = make_project(division=self.longshan)
        roster_add(
            project=project,
            name=self.person.name,
            id_number=self._id_number(),
            actor=None,
        )
        self.assertEqual((self._linked(self.inspector), self._linked(self.xian)), (True, False))

    def test_links_a_team_leader_and_a_wage_officer_to_the_projects_county(self) -> None:
        project = make_project(division=self.xian_division, wage_officer=self.person)
        self.assertEqual((self._linked(self.inspector), self._linked(self.xian)), (False, True))
        leader = make_person(self.rng, name="赵班长")
        project_party_add(
            project=make_project(division=self.longshan),
            role=ProjectParty.Role.TEAM,
            leader=leader,
            actor=None,
        )
        self.assertIs(person_in_jurisdiction(user=self.inspector, person=leader), True)
        self.assertIs(person_in_jurisdiction(user=self.xian, person=leader), False)
        self.assertEqual(project.wage_officer, self.person)

    def test_links_a_legal_representative_to_the_organizations_division(self) -> None:
        organization_register(
            name="东丰县某建筑公司",
            legal_representative=self.person,
            division=self.dongfeng,
            actor=None,
        )
        self.assertEqual((self._linked(self.inspector), self._linked(self.xian)), (False, False))
        organization_register(
            name="龙山区某劳务公司",
            legal_representative=self.person,
            division=self.longshan,
            actor=None,
        )
        self.assertEqual((self._linked(self.inspector), self._linked(self.xian)), (True, False))

    def test_filters_a_list_of_people_in_one_query(self) -> None:
        make_project(division=self.longshan, wage_officer=self.person)
        others = [make_person(self.rng, name=f"工人{n}") for n in range(3)]
        with self.assertNumQueries(1):
            found = list(Person.objects.filter(person_jurisdiction_filter(user=self.inspector)))
        self.assertEqual(found, [self.person])
        self.assertEqual(len(others), 3)

    def _id_number(self) -> str:
        from qingling.core.personal_data import unseal

        return unseal(self.person.id_number_sealed, purpose="id_number")
