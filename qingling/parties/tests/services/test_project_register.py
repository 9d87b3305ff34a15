import datetime as dt
from decimal import Decimal

from django.test import override_settings

from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.parties.models import Project, ProjectParty
from qingling.parties.services import project_code_set, project_register
from qingling.testing import BaseTestCase, make_organization, make_person


@override_settings(LANGUAGE_CODE="en")
class ProjectRegisterTests(BaseTestCase):
    def test_registers_a_project_with_builder_and_general_contractor(self) -> None:
        builder = make_organization(self.rng, name="建设单位", division=self.longshan)
        contractor = make_organization(self.rng, name="总包单位", division=self.longshan)
        officer = make_person(self.rng, name="劳资员")
        project = project_register(
            name=" 龙山区  福民小区 ",
            division=self.longshan,
            contract_value=Decimal("12000000.00"),
            start_date=dt.date(2026, 3, 1),
            end_date=dt.date(2027, 10, 1),
            builder=builder,
            general_contractor=contractor,
            wage_officer=officer,
            actor=self.inspector,
        )
        self.assertEqual(project.name, "龙山区 福民小区")
        parties = {p.role: p.organization for p in project.parties.all()}
        self.assertEqual(
            parties,
            {
                ProjectParty.Role.BUILDER: builder,
                ProjectParty.Role.GENERAL_CONTRACTOR: contractor,
            },
        )

    def test_records_an_audit_event_per_write(self) -> None:
        builder = make_organization(self.rng, division=self.longshan)
        project = project_register(
            name="福民小区",
            division=self.longshan,
            contract_value=Decimal("100.50"),
            start_date=dt.date(2026, 3, 1),
            builder=builder,
            actor=self.inspector,
        )
        event = AuditEvent.objects.get(action="project.register")
        self.assertEqual(event.actor, self.inspector)
        self.assertEqual(event.object_id, str(project.pk))
        self.assertEqual((event.after or {})["division"], "220402")
        self.assertEqual((event.after or {})["contract_value"], "100.50")
        self.assertEqual((event.after or {})["start_date"], "2026-03-01")
        party_event = AuditEvent.objects.get(action="project.party_add")
        self.assertEqual((party_event.after or {})["role"], "builder")
        self.assertEqual((party_event.after or {})["organization"], str(builder.pk))

    def test_city_staff_register_in_any_district(self) -> None:
        project_register(name="甲", division=self.longshan, actor=self.intake)
        project_register(name="乙", division=self.xian_division, actor=self.intake)
        self.assertEqual(Project.objects.count(), 2)

    def test_refuses_a_project_outside_the_jurisdiction(self) -> None:
        with self.assertRaisesMessage(Forbidden, "is outside your jurisdiction.") as caught:
            project_register(name="西安区项目", division=self.xian_division, actor=self.inspector)
        self.assertEqual(caught.exception.code, "forbidden")
        self.assertIn("division", caught.exception.extra["fields"])
        self.assertIs(Project.objects.exists(), False)
        self.assertIs(AuditEvent.objects.filter(action="project.register").exists(), False)

    def test_refuses_the_outsider(self) -> None:
        with self.assertRaises(Forbidden):
            project_register(name="项目", division=self.longshan, actor=self.outsider)

    def test_refuses_an_end_before_the_start(self) -> None:
        with self.assertRaisesMessage(
            InvalidInput, "The planned completion is before the start date."
        ) as caught:
            project_register(
                name="项目",
                division=self.longshan,
                start_date=dt.date(2026, 5, 1),
                end_date=dt.date(2026, 4, 30),
                actor=self.inspector,
            )
        self.assertEqual(list(caught.exception.extra["fields"]), ["end_date"])
        self.assertIs(Project.objects.exists(), False)

    def test_accepts_start_and_end_on_the_same_day(self) -> None:
        day = dt.date(2026, 5, 1)
        project = project_register(
            name="项目", division=self.longshan, start_date=day, end_date=day, actor=None
        )
        self.assertEqual(project.end_date, day)

    def test_refuses_a_negative_contract_value(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            project_register(
                name="项目", division=self.longshan, contract_value=Decimal(-1), actor=None
            )
        self.assertIs(Project.objects.exists(), False)
        self.assertIn("contract_value", caught.exception.extra["fields"])


class ProjectCodeTests(BaseTestCase):
    def test_a_monitoring_code_is_unique_among_projects(self) -> None:
        first = project_register(name="福民小区", division=self.longshan, code="P1", actor=None)
        with self.assertRaises(Conflict):
            project_register(name="东丰路", division=self.longshan, code=" P1 ", actor=None)
        second = project_register(name="东丰路", division=self.longshan, actor=None)
        with self.assertRaises(Conflict):
            project_code_set(project=second, code="P1", actor=None)
        project_code_set(project=second, code="P2", actor=self.inspector)
        self.assertEqual(Project.objects.get(pk=second.pk).code, "P2")
        project_code_set(project=first, code="P1", actor=None)  # its own code again
        with self.assertRaises(Forbidden):
            project_code_set(project=second, code="P3", actor=self.xian)
