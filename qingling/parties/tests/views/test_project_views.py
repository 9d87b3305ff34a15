from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_id_number, fake_mobile
from qingling.parties.models import Organization, Person, Project, ProjectParty
from qingling.testing import BaseTestCase, make_organization, make_project


def project_form(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "龙山区福民小区",
        "division": "220402",
        "address": "",
        "contract_value": "",
        "start_date": "",
        "end_date": "",
        "builder": "",
        "general_contractor": "",
        "wage_officer_name": "",
        "wage_officer_phone": "",
    }
    return data | fields


def party_form(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "role": "subcontractor",
        "organization": "",
        "leader_name": "",
        "leader_id_number": "",
        "leader_phone": "",
        "engaged_by": "",
    }
    return data | fields


@override_settings(LANGUAGE_CODE="en")
class ProjectListViewTests(BaseTestCase):
    longshan_project: Project
    xian_project: Project
    url = reverse("parties:project_list")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.longshan_project = make_project(division=cls.longshan, name="龙山区福民小区")
        cls.xian_project = make_project(division=cls.xian_division, name="西安区仙城小区")

    def test_xian_inspector_does_not_see_a_longshan_project(self) -> None:
        self.client.force_login(self.xian)
        response = self.client.get(self.url)
        self.assertContains(response, "西安区仙城小区")
        self.assertNotContains(response, "龙山区福民小区")

    def test_xian_inspector_gets_404_on_a_longshan_project(self) -> None:
        self.client.force_login(self.xian)
        for name in ("project_detail", "project_party_create"):
            with self.subTest(name):
                url = reverse(f"parties:{name}", args=[self.longshan_project.public_id])
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_city_staff_see_both(self) -> None:
        self.client.force_login(self.chief)
        response = self.client.get(self.url)
        self.assertContains(response, "西安区仙城小区")
        self.assertContains(response, "龙山区福民小区")

    def test_searches_by_name(self) -> None:
        self.client.force_login(self.chief)
        response = self.client.get(self.url, {"q": "仙城"})
        self.assertEqual(list(response.context["page"]), [self.xian_project])

    def test_query_count_does_not_grow_with_the_rows(self) -> None:
        self.client.force_login(self.intake)
        Project.objects.all().delete()
        for index in range(5):
            make_project(division=self.longshan, name=f"项目{index:02d}")
        with CaptureQueriesContext(connection) as five:
            self.assertEqual(len(self.client.get(self.url).context["page"]), 5)
        for index in range(5, 30):
            make_project(division=self.xian_division, name=f"项目{index:02d}")
        with self.assertNumQueries(len(five)):
            self.assertEqual(len(self.client.get(self.url).context["page"]), 30)


@override_settings(LANGUAGE_CODE="en")
class ProjectCreateViewTests(BaseTestCase):
    url = reverse("parties:project_create")

    def test_registers_a_project_with_its_parties_and_wage_officer(self) -> None:
        builder = make_organization(self.rng, name="建设单位", division=self.longshan)
        contractor = make_organization(self.rng, name="总包单位", division=self.longshan)
        phone = fake_mobile(self.rng)
        self.client.force_login(self.inspector)
        response = self.client.post(
            self.url,
            project_form(
                contract_value="1200000.00",
                start_date="2026-03-01",
                end_date="2027-10-01",
                builder=builder.pk,
                general_contractor=contractor.pk,
                wage_officer_name="劳资员",
                wage_officer_phone=phone,
            ),
        )
        project = Project.objects.get()
        self.assertRedirects(response, reverse("parties:project_detail", args=[project.public_id]))
        self.assertEqual(project.wage_officer, Person.objects.get(name="劳资员"))
        self.assertEqual(
            set(project.parties.values_list("role", "organization")),
            {("builder", builder.pk), ("general_contractor", contractor.pk)},
        )
        self.assertEqual(AuditEvent.objects.get(action="project.register").actor, self.inspector)

    def test_offers_only_divisions_inside_the_jurisdiction(self) -> None:
        self.client.force_login(self.inspector)
        choices = self.client.get(self.url).context["form"].fields["division"].queryset
        self.assertEqual(list(choices.values_list("code", flat=True)), ["220402"])

    def test_refuses_a_division_outside_the_jurisdiction(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.post(self.url, project_form(division="220403"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("division", response.context["form"].errors)
        self.assertIs(Project.objects.exists(), False)

    def test_refuses_an_end_before_the_start(self) -> None:
        self.client.force_login(self.intake)
        response = self.client.post(
            self.url, project_form(start_date="2026-05-01", end_date="2026-04-01")
        )
        self.assertEqual(response.context["form"].errors["end_date"], ["Before the start date."])
        self.assertIs(Project.objects.exists(), False)

    def test_a_refused_project_leaves_no_wage_officer_behind(self) -> None:
        self.client.force_login(self.intake)
        self.client.post(
            self.url,
            project_form(
                start_date="2026-05-01",
                end_date="2026-04-01",
                wage_officer_name="劳资员",
                wage_officer_phone=fake_mobile(self.rng),
            ),
        )
        self.assertIs(Person.objects.exists(), False)

    def test_shows_a_bad_wage_officer_mobile_on_its_field(self) -> None:
        self.client.force_login(self.intake)
        response = self.client.post(
            self.url, project_form(wage_officer_name="劳资员", wage_officer_phone="123")
        )
        self.assertIn("mobile", response.context["form"].errors["wage_officer_phone"][0])
        self.assertIs(Project.objects.exists(), False)


@override_settings(LANGUAGE_CODE="en")
class ProjectPartyCreateViewTests(BaseTestCase):
    first: Organization
    second: Organization
    project: Project
    url: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.first = make_organization(cls.rng, name="甲公司", division=cls.longshan)
        cls.second = make_organization(cls.rng, name="乙公司", division=cls.longshan)
        cls.project = make_project(division=cls.longshan, builder=cls.first)
        cls.url = reverse("parties:project_party_create", args=[cls.project.public_id])

    def test_refuses_a_second_builder(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.post(
            self.url, party_form(role="builder", organization=self.second.pk)
        )
        form = response.context["form"]
        self.assertEqual(form.errors["role"], ["Already taken."])
        self.assertIn("This project already has a", form.non_field_errors()[0])
        self.assertEqual(self.project.parties.get().organization, self.first)

    def test_adds_a_work_team_with_its_leader(self) -> None:
        number = fake_id_number(self.rng)
        builder_party = self.project.parties.get()
        self.client.force_login(self.inspector)
        response = self.client.post(
            self.url,
            party_form(
                role="team",
                leader_name="班组长",
                leader_id_number=number,
                engaged_by=builder_party.pk,
            ),
        )
        self.assertRedirects(
            response, reverse("parties:project_detail", args=[self.project.public_id])
        )
        team = self.project.parties.get(role=ProjectParty.Role.TEAM)
        self.assertEqual((team.leader, team.engaged_by), (Person.objects.get(), builder_party))
        self.assertEqual(Person.objects.get().name, "班组长")
        detail = self.client.get(response["Location"])
        self.assertContains(detail, "班组长")
        self.assertNotContains(detail, number)

    def test_refuses_a_work_team_without_a_leader(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.post(self.url, party_form(role="team"))
        self.assertEqual(
            response.context["form"].non_field_errors(), ["A work team needs its leader."]
        )
        self.assertIs(self.project.parties.filter(role="team").exists(), False)

    def test_shows_a_bad_leader_id_number_on_its_field(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.post(
            self.url, party_form(role="team", leader_name="班组长", leader_id_number="123")
        )
        self.assertIn("18 characters", response.context["form"].errors["leader_id_number"][0])
        self.assertIs(Person.objects.exists(), False)
