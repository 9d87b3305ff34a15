import json

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_credit_code, fake_id_number, fake_mobile
from qingling.parties.models import Organization, Person
from qingling.parties.services import organization_register, person_register, project_party_add
from qingling.testing import BaseTestCase, make_organization, make_person, make_project


def organization_form(**fields: str) -> dict[str, str]:
    data = {
        "name": "辽源市鑫盛建筑工程有限公司",
        "credit_code": "",
        "division": "",
        "address": "",
        "representative_name": "",
        "representative_id_number": "",
        "representative_phone": "",
    }
    return data | fields


@override_settings(LANGUAGE_CODE="en")
class OrganizationCreateViewTests(BaseTestCase):
    url = reverse("parties:organization_create")

    def test_registers_with_a_new_legal_representative(self) -> None:
        code = fake_credit_code(self.rng)
        number, phone = fake_id_number(self.rng), fake_mobile(self.rng)
        self.client.force_login(self.intake)
        response = self.client.post(
            self.url,
            organization_form(
                credit_code=code,
                division="220402",
                representative_name="法人甲",
                representative_id_number=number,
                representative_phone=phone,
            ),
        )
        organization = Organization.objects.get()
        self.assertRedirects(
            response, reverse("parties:organization_detail", args=[organization.public_id])
        )
        self.assertEqual(organization.legal_representative, Person.objects.get(name="法人甲"))
        self.assertEqual(organization.division, self.longshan)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        self.assertIn("organization.register", actions)
        self.assertIn("person.register", actions)

    def test_no_audit_row_holds_a_plaintext_number(self) -> None:
        number, phone = fake_id_number(self.rng), fake_mobile(self.rng)
        self.client.force_login(self.intake)
        self.client.post(
            self.url,
            organization_form(
                representative_name="法人甲",
                representative_id_number=number,
                representative_phone=phone,
            ),
        )
        person = Person.objects.get()
        self.client.post(reverse("parties:person_reveal", args=[person.public_id, "id_number"]))
        self.client.post(reverse("parties:person_reveal", args=[person.public_id, "phone"]))
        rows = list(AuditEvent.objects.values())
        self.assertEqual(
            {row["action"] for row in rows},
            {
                "org_unit.create",
                "staff.create",
                "person.register",
                "organization.register",
                "person.reveal_id_number",
                "person.reveal_phone",
            },
        )
        text = json.dumps(rows, default=str, ensure_ascii=False)
        self.assertNotIn(number, text)
        self.assertNotIn(phone, text)

    def test_reuses_the_person_already_registered_with_the_id_number(self) -> None:
        id_number = fake_id_number(self.rng)
        representative = person_register(name="法人乙", id_number=id_number, actor=None)
        self.client.force_login(self.intake)
        self.client.post(
            self.url,
            organization_form(representative_name="别名", representative_id_number=id_number),
        )
        self.assertEqual(Organization.objects.get().legal_representative, representative)
        self.assertEqual(Person.objects.get(), representative)

    def test_names_the_check_character_of_a_bad_credit_code(self) -> None:
        code = fake_credit_code(self.rng)
        wrong = code[:17] + ("1" if code[17] != "1" else "2")
        self.client.force_login(self.intake)
        response = self.client.post(self.url, organization_form(credit_code=wrong))
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors["credit_code"]
        self.assertEqual(len(errors), 1)
        self.assertIn("check character (last character)", errors[0])
        self.assertContains(response, "check character (last character)")
        self.assertIs(Organization.objects.exists(), False)
        self.assertIs(AuditEvent.objects.filter(action="organization.register").exists(), False)

    def test_refuses_a_duplicate_credit_code(self) -> None:
        code = fake_credit_code(self.rng)
        organization_register(name="甲公司", credit_code=code, actor=None)
        self.client.force_login(self.intake)
        response = self.client.post(self.url, organization_form(name="乙公司", credit_code=code))
        form = response.context["form"]
        self.assertEqual(form.errors["credit_code"], ["Already registered."])
        self.assertIn("甲公司", form.non_field_errors()[0])
        self.assertEqual(Organization.objects.count(), 1)

    def test_a_bad_representative_id_number_saves_nothing(self) -> None:
        number = fake_id_number(self.rng)
        self.client.force_login(self.intake)
        response = self.client.post(
            self.url,
            organization_form(
                representative_name="法人甲",
                representative_id_number=number[:17] + ("0" if number[17] != "0" else "1"),
            ),
        )
        self.assertIn("check digit", response.context["form"].errors["representative_id_number"][0])
        self.assertIs(Organization.objects.exists(), False)
        self.assertIs(Person.objects.exists(), False)

    def test_a_duplicate_credit_code_rolls_back_the_new_representative(self) -> None:
        code = fake_credit_code(self.rng)
        organization_register(name="甲公司", credit_code=code, actor=None)
        self.client.force_login(self.intake)
        self.client.post(
            self.url,
            organization_form(
                credit_code=code,
                representative_name="法人甲",
                representative_id_number=fake_id_number(self.rng),
            ),
        )
        self.assertIs(Person.objects.exists(), False)

    def test_refuses_the_director(self) -> None:
        self.client.force_login(self.director)
        self.assertEqual(self.client.post(self.url, organization_form()).status_code, 403)
        self.assertIs(Organization.objects.exists(), False)


@override_settings(LANGUAGE_CODE="en")
class OrganizationEditViewTests(BaseTestCase):
    def test_records_the_names_before_and_after_and_keeps_the_representative(self) -> None:
        representative = make_person(self.rng, name="法人甲")
        organization = organization_register(
            name="旧名称有限公司", legal_representative=representative, actor=None
        )
        self.client.force_login(self.chief)
        url = reverse("parties:organization_edit", args=[organization.public_id])
        self.assertContains(self.client.get(url), "旧名称有限公司")
        response = self.client.post(url, organization_form(name="新名称有限公司"))
        self.assertRedirects(
            response, reverse("parties:organization_detail", args=[organization.public_id])
        )
        organization.refresh_from_db()
        self.assertEqual(organization.name, "新名称有限公司")
        self.assertEqual(organization.legal_representative, representative)
        event = AuditEvent.objects.get(action="organization.update")
        self.assertEqual(event.actor, self.chief)
        self.assertEqual((event.before or {})["name"], "旧名称有限公司")
        self.assertEqual((event.after or {})["name"], "新名称有限公司")


@override_settings(LANGUAGE_CODE="en")
class OrganizationDetailViewTests(BaseTestCase):
    def test_lists_only_projects_inside_the_jurisdiction(self) -> None:
        organization = make_organization(self.rng)
        for division, name in (
            (self.longshan, "龙山区甲项目"),
            (self.xian_division, "西安区乙项目"),
        ):
            project_party_add(
                project=make_project(division=division, name=name),
                role="builder",
                organization=organization,
                actor=None,
            )
        self.client.force_login(self.xian)
        response = self.client.get(
            reverse("parties:organization_detail", args=[organization.public_id])
        )
        self.assertContains(response, "西安区乙项目")
        self.assertNotContains(response, "龙山区甲项目")


@override_settings(LANGUAGE_CODE="en")
class OrganizationListViewTests(BaseTestCase):
    url = reverse("parties:organization_list")

    def _add(self, count: int, start: int) -> None:
        for index in range(start, start + count):
            organization_register(
                name=f"辽源市第{index:02d}建筑有限公司",
                credit_code=fake_credit_code(self.rng),
                legal_representative=make_person(self.rng, name=f"法人{index:02d}"),
                division=self.longshan,
                actor=None,
            )

    def test_finds_by_credit_code_and_by_name(self) -> None:
        code = fake_credit_code(self.rng)
        organization_register(name="甲建筑公司", credit_code=code, actor=None)
        organization_register(name="乙劳务公司", actor=None)
        self.client.force_login(self.employment)
        by_code = self.client.get(self.url, {"q": code.lower()})
        self.assertEqual([o.name for o in by_code.context["page"]], ["甲建筑公司"])
        by_name = self.client.get(self.url, {"q": "劳务"})
        self.assertEqual([o.name for o in by_name.context["page"]], ["乙劳务公司"])

    def test_query_count_does_not_grow_with_the_rows(self) -> None:
        self.client.force_login(self.intake)
        self._add(5, 0)
        with CaptureQueriesContext(connection) as five:
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["page"]), 5)
        self.assertContains(response, "法人04")
        self._add(25, 5)
        with self.assertNumQueries(len(five)):
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["page"]), 30)
        self.assertContains(response, "法人29")


@override_settings(LANGUAGE_CODE="en")
class OrganizationJurisdictionViewTests(BaseTestCase):
    """Issue 17, 8: a county inspector saw and edited every county's organizations."""

    def setUp(self) -> None:
        self.xian_org = make_organization(
            self.rng, name="西安区某建筑公司", division=self.xian_division
        )
        self.longshan_org = make_organization(
            self.rng, name="龙山区某劳务公司", division=self.longshan
        )

    def _pages(self, organization: Organization) -> dict[str, str]:
        return {
            "detail": reverse("parties:organization_detail", args=[organization.public_id]),
            "edit": reverse("parties:organization_edit", args=[organization.public_id]),
        }

    def test_a_county_inspector_cannot_list_open_or_edit_another_countys_organization(
        self,
    ) -> None:
        self.client.force_login(self.inspector)
        listed = self.client.get(reverse("parties:organization_list"))
        self.assertEqual([o.name for o in listed.context["page"]], ["龙山区某劳务公司"])
        self.assertNotContains(listed, "西安区某建筑公司")
        by_code = self.client.get(
            reverse("parties:organization_list"), {"q": self.xian_org.credit_code}
        )
        self.assertEqual(list(by_code.context["page"]), [])
        for name, url in self._pages(self.xian_org).items():
            with self.subTest(name):
                self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(
            self._pages(self.xian_org)["edit"], organization_form(name="改名公司")
        )
        self.assertEqual(response.status_code, 404)
        self.xian_org.refresh_from_db()
        self.assertEqual(self.xian_org.name, "西安区某建筑公司")
        self.assertIs(AuditEvent.objects.filter(action="organization.update").exists(), False)

    def test_a_county_inspector_sees_an_organization_linked_to_a_project_of_the_county(
        self,
    ) -> None:
        project_party_add(
            project=make_project(division=self.longshan),
            role="builder",
            organization=self.xian_org,
            actor=None,
        )
        self.client.force_login(self.inspector)
        detail = self.client.get(self._pages(self.xian_org)["detail"])
        self.assertContains(detail, "西安区某建筑公司")
        # Registered in 西安区: seen from 龙山区, but its record is kept by 西安区.
        self.assertNotContains(detail, self._pages(self.xian_org)["edit"])
        self.assertEqual(self.client.get(self._pages(self.xian_org)["edit"]).status_code, 403)
        listed = self.client.get(reverse("parties:organization_list"))
        self.assertEqual(
            {o.name for o in listed.context["page"]}, {"西安区某建筑公司", "龙山区某劳务公司"}
        )

    def test_a_county_inspector_edits_their_countys_organization_within_the_county(
        self,
    ) -> None:
        self.client.force_login(self.inspector)
        url = self._pages(self.longshan_org)["edit"]
        self.assertContains(self.client.get(self._pages(self.longshan_org)["detail"]), url)
        moved = self.client.post(url, organization_form(name="新名称", division="220403"))
        self.assertIn("division", moved.context["form"].errors)
        saved = self.client.post(url, organization_form(name="新名称", division="220402"))
        self.assertRedirects(saved, self._pages(self.longshan_org)["detail"])
        self.longshan_org.refresh_from_db()
        self.assertEqual(
            (self.longshan_org.name, self.longshan_org.division), ("新名称", self.longshan)
        )

    def test_a_county_inspector_registers_only_in_a_division_of_the_county(self) -> None:
        self.client.force_login(self.inspector)
        url = reverse("parties:organization_create")
        for division in ("", "220403"):
            with self.subTest(division=division):
                response = self.client.post(url, organization_form(division=division))
                self.assertIn("division", response.context["form"].errors)
        response = self.client.post(url, organization_form(division="220402"))
        organization = Organization.objects.get(name="辽源市鑫盛建筑工程有限公司")
        self.assertRedirects(response, self._pages(organization)["detail"])

    def test_the_chief_sees_and_edits_every_organization(self) -> None:
        self.client.force_login(self.chief)
        listed = self.client.get(reverse("parties:organization_list"))
        self.assertEqual(len(listed.context["page"]), 2)
        for organization in (self.xian_org, self.longshan_org):
            for name, url in self._pages(organization).items():
                with self.subTest(organization.name, page=name):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_outsider_sees_none(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(reverse("parties:organization_list")).status_code, 403)
        for name, url in self._pages(self.longshan_org).items():
            with self.subTest(name):
                self.assertIn(self.client.get(url).status_code, (403, 404))

    def test_project_forms_offer_only_the_organizations_the_inspector_may_see(self) -> None:
        self.client.force_login(self.inspector)
        project = make_project(division=self.longshan)
        for url in (
            reverse("parties:project_create"),
            reverse("parties:project_party_create", args=[project.public_id]),
        ):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertContains(response, "龙山区某劳务公司")
                self.assertNotContains(response, "西安区某建筑公司")
        response = self.client.post(
            reverse("parties:project_party_create", args=[project.public_id]),
            {"role": "builder", "organization": self.xian_org.pk},
        )
        self.assertIn("organization", response.context["form"].errors)
        self.assertIs(project.parties.exists(), False)

    def test_the_county_list_query_count_does_not_grow_with_the_rows(self) -> None:
        self.client.force_login(self.inspector)
        url = reverse("parties:organization_list")
        with CaptureQueriesContext(connection) as one:
            self.client.get(url)
        for index in range(10):
            make_organization(self.rng, name=f"龙山区{index}公司", division=self.longshan)
            make_organization(self.rng, name=f"西安区{index}公司", division=self.xian_division)
        with self.assertNumQueries(len(one)):
            response = self.client.get(url)
        self.assertEqual(len(response.context["page"]), 11)
