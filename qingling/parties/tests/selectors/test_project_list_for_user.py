from django.http import Http404

from qingling.parties.models import Project, ProjectParty
from qingling.parties.selectors import (
    organization_projects,
    project_get_for_user,
    project_list_for_user,
)
from qingling.parties.services import project_party_add
from qingling.testing import BaseTestCase, make_organization, make_project


class ProjectListForUserTests(BaseTestCase):
    longshan_project: Project
    xian_project: Project
    city_project: Project

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.longshan_project = make_project(division=cls.longshan, name="龙山区福民小区")
        cls.xian_project = make_project(division=cls.xian_division, name="西安区仙城小区")
        cls.city_project = make_project(division=cls.city, name="辽源市全市管网")

    def test_city_staff_see_every_project_of_the_city(self) -> None:
        self.assertEqual(
            set(project_list_for_user(user=self.intake)),
            {self.longshan_project, self.xian_project, self.city_project},
        )

    def test_district_inspector_sees_only_the_district(self) -> None:
        self.assertEqual(list(project_list_for_user(user=self.inspector)), [self.longshan_project])
        self.assertEqual(list(project_list_for_user(user=self.xian)), [self.xian_project])

    def test_outsider_sees_nothing(self) -> None:
        self.assertEqual(list(project_list_for_user(user=self.outsider)), [])

    def test_searches_project_and_party_names_without_duplicates(self) -> None:
        organization = make_organization(self.rng, name="辽源市福民建设有限公司")
        for role in (ProjectParty.Role.BUILDER, ProjectParty.Role.GENERAL_CONTRACTOR):
            project_party_add(
                project=self.xian_project, role=role, organization=organization, actor=None
            )
        self.assertEqual(
            list(project_list_for_user(user=self.intake, query="福民")),
            [self.xian_project, self.longshan_project],
        )

    def test_get_refuses_a_project_of_another_district(self) -> None:
        with self.assertRaises(Http404):
            project_get_for_user(user=self.xian, public_id=self.longshan_project.public_id)
        self.assertEqual(
            project_get_for_user(user=self.inspector, public_id=self.longshan_project.public_id),
            self.longshan_project,
        )

    def test_organization_projects_keep_to_the_jurisdiction(self) -> None:
        organization = make_organization(self.rng)
        for project in (self.longshan_project, self.xian_project):
            project_party_add(
                project=project,
                role=ProjectParty.Role.BUILDER,
                organization=organization,
                actor=None,
            )
        self.assertEqual(
            list(organization_projects(user=self.xian, organization=organization)),
            [self.xian_project],
        )
        self.assertEqual(
            organization_projects(user=self.chief, organization=organization).count(), 2
        )
