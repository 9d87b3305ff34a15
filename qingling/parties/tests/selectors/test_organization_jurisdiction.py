from qingling.core.models import Division
from qingling.parties.models import Organization, ProjectParty
from qingling.parties.selectors import (
    organization_edit_filter,
    organization_list_for_user,
    organization_may_edit,
    organization_visible,
)
from qingling.parties.services import project_party_add
from qingling.testing import BaseTestCase, make_organization, make_project


class OrganizationJurisdictionTests(BaseTestCase):
    def setUp(self) -> None:
        self.dongfeng = Division.objects.get(code="220421")

    def _seen(self, organization: Organization) -> tuple[bool, bool]:
        return (
            organization_visible(user=self.inspector, organization=organization),
            organization_visible(user=self.xian, organization=organization),
        )

    def test_city_wide_staff_see_every_organization_and_the_outsider_none(self) -> None:
        unlinked = make_organization(self.rng, name="无处登记公司")
        xian = make_organization(self.rng, name="西安区公司", division=self.xian_division)
        for persona in (self.intake, self.chief, self.director, self.employment, self.admin):
            with self.subTest(persona.username):
                self.assertEqual(set(organization_list_for_user(user=persona)), {unlinked, xian})
        self.assertEqual(list(organization_list_for_user(user=self.outsider)), [])
        self.assertIs(organization_visible(user=self.outsider, organization=xian), False)

    def test_a_county_sees_what_is_registered_in_it_not_what_is_linked_to_nothing(self) -> None:
        unlinked = make_organization(self.rng, name="无处登记公司")
        longshan = make_organization(self.rng, name="龙山区公司", division=self.longshan)
        self.assertEqual(self._seen(unlinked), (False, False))
        self.assertEqual(self._seen(longshan), (True, False))
        self.assertEqual(list(organization_list_for_user(user=self.inspector)), [longshan])

    def test_a_party_to_a_project_is_seen_by_the_projects_county(self) -> None:
        dongfeng = make_organization(self.rng, name="东丰县公司", division=self.dongfeng)
        self.assertEqual(self._seen(dongfeng), (False, False))
        project_party_add(
            project=make_project(division=self.xian_division),
            role=ProjectParty.Role.BUILDER,
            organization=dongfeng,
            actor=None,
        )
        self.assertEqual(self._seen(dongfeng), (False, True))

    def test_a_county_edits_what_is_registered_in_it_or_linked_and_registered_nowhere(
        self,
    ) -> None:
        registered_elsewhere = make_organization(
            self.rng, name="东丰县公司", division=self.dongfeng
        )
        registered_nowhere = make_organization(self.rng, name="无处登记公司")
        project = make_project(division=self.longshan)
        for role, organization in (
            (ProjectParty.Role.BUILDER, registered_elsewhere),
            (ProjectParty.Role.GENERAL_CONTRACTOR, registered_nowhere),
        ):
            project_party_add(project=project, role=role, organization=organization, actor=None)
        mine = make_organization(self.rng, name="龙山区公司", division=self.longshan)
        for organization, seen, edits in (
            (registered_elsewhere, True, False),
            (registered_nowhere, True, True),
            (mine, True, True),
        ):
            with self.subTest(organization.name):
                self.assertIs(
                    organization_visible(user=self.inspector, organization=organization), seen
                )
                self.assertIs(
                    organization_may_edit(user=self.inspector, organization=organization), edits
                )
                self.assertIs(
                    organization_may_edit(user=self.xian, organization=organization), False
                )
                self.assertIs(
                    organization_may_edit(user=self.chief, organization=organization), True
                )
        self.assertIs(organization_may_edit(user=self.director, organization=mine), False)
        self.assertEqual(
            Organization.objects.filter(organization_edit_filter(user=self.outsider)).count(), 0
        )

    def test_filters_the_list_in_one_query(self) -> None:
        for index in range(3):
            make_organization(self.rng, name=f"龙山区{index}公司", division=self.longshan)
            make_organization(self.rng, name=f"西安区{index}公司", division=self.xian_division)
        with self.assertNumQueries(1):
            names = [o.name for o in organization_list_for_user(user=self.inspector)]
        self.assertEqual(names, ["龙山区0公司", "龙山区1公司", "龙山区2公司"])
