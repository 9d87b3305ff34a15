from django.test import override_settings

from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.parties.models import Organization, Project, ProjectParty
from qingling.parties.services import project_party_add
from qingling.testing import BaseTestCase, make_organization, make_person, make_project

Role = ProjectParty.Role


@override_settings(LANGUAGE_CODE="en")
class ProjectPartyAddTests(BaseTestCase):
    project: Project
    organization: Organization
    other: Organization

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.project = make_project(division=cls.longshan)
        cls.organization = make_organization(cls.rng, name="甲公司", division=cls.longshan)
        cls.other = make_organization(cls.rng, name="乙公司")

    def test_adds_one_builder_and_one_general_contractor(self) -> None:
        for role in (Role.BUILDER, Role.GENERAL_CONTRACTOR):
            with self.subTest(role):
                project_party_add(
                    project=self.project, role=role, organization=self.organization, actor=None
                )
                with self.assertRaisesMessage(Conflict, "This project already has a") as caught:
                    project_party_add(
                        project=self.project, role=role, organization=self.other, actor=None
                    )
                self.assertEqual(caught.exception.code, "project_party_role_taken")
                self.assertEqual(self.project.parties.filter(role=role).count(), 1)

    def test_adds_many_subcontractors(self) -> None:
        for organization in (self.organization, self.other):
            project_party_add(
                project=self.project,
                role=Role.SUBCONTRACTOR,
                organization=organization,
                actor=None,
            )
        self.assertEqual(self.project.parties.filter(role=Role.SUBCONTRACTOR).count(), 2)

    def test_adds_a_work_team_by_its_leader_engaged_by_a_subcontractor(self) -> None:
        sub = project_party_add(
            project=self.project,
            role=Role.SUBCONTRACTOR,
            organization=self.organization,
            actor=self.inspector,
        )
        leader = make_person(self.rng, name="班组长")
        team = project_party_add(
            project=self.project,
            role=Role.TEAM,
            leader=leader,
            organization=self.other,  # ignored for a team
            engaged_by=sub,
            actor=self.inspector,
        )
        self.assertEqual((team.leader, team.organization, team.engaged_by), (leader, None, sub))
        event = AuditEvent.objects.get(action="project.party_add", after__party=team.pk)
        self.assertEqual(event.actor, self.inspector)
        self.assertEqual(event.object_id, str(self.project.pk))
        self.assertEqual((event.after or {})["leader"], str(leader.pk))

    def test_refuses_a_work_team_without_a_leader(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "A work team needs its leader.") as caught:
            project_party_add(
                project=self.project, role=Role.TEAM, organization=self.organization, actor=None
            )
        self.assertEqual(list(caught.exception.extra["fields"]), ["leader"])
        self.assertIs(self.project.parties.exists(), False)

    def test_refuses_an_organization_role_without_an_organization(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "Choose the organization."):
            project_party_add(
                project=self.project,
                role=Role.SUBCONTRACTOR,
                leader=make_person(self.rng),
                actor=None,
            )

    def test_refuses_an_engaging_party_of_another_project(self) -> None:
        elsewhere = make_project(division=self.longshan, name="别的项目")
        foreign = project_party_add(
            project=elsewhere, role=Role.BUILDER, organization=self.organization, actor=None
        )
        with self.assertRaisesMessage(InvalidInput, "belongs to another project"):
            project_party_add(
                project=self.project,
                role=Role.SUBCONTRACTOR,
                organization=self.other,
                engaged_by=foreign,
                actor=None,
            )

    def test_refuses_a_project_outside_the_jurisdiction(self) -> None:
        with self.assertRaises(Forbidden):
            project_party_add(
                project=self.project,
                role=Role.BUILDER,
                organization=self.organization,
                actor=self.xian,
            )
        self.assertIs(self.project.parties.exists(), False)
