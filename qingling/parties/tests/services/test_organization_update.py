from django.test import override_settings

from qingling.core.exceptions import Forbidden, NotFound
from qingling.core.models import AuditEvent, Division
from qingling.parties.models import Organization, ProjectParty
from qingling.parties.services import organization_register, organization_update, project_party_add
from qingling.testing import BaseTestCase, make_organization, make_project


def _rename(organization: Organization, name: str, **fields: object) -> dict[str, object]:
    values: dict[str, object] = {
        "organization": organization,
        "name": name,
        "credit_code": organization.credit_code,
        "legal_representative": organization.legal_representative,
        "division": organization.division,
        "address": organization.address,
    }
    return values | fields


@override_settings(LANGUAGE_CODE="en")
class OrganizationUpdateJurisdictionTests(BaseTestCase):
    def test_refuses_a_county_inspector_an_organization_of_another_county_as_not_found(
        self,
    ) -> None:
        xian = make_organization(self.rng, name="西安区公司", division=self.xian_division)
        with self.assertRaises(NotFound):
            organization_update(**_rename(xian, "改名"), actor=self.inspector)  # type: ignore[arg-type]
        xian.refresh_from_db()
        self.assertEqual(xian.name, "西安区公司")
        self.assertIs(AuditEvent.objects.filter(action="organization.update").exists(), False)

    def test_forbids_editing_what_is_only_linked_to_the_county_but_registered_elsewhere(
        self,
    ) -> None:
        xian = make_organization(self.rng, name="西安区公司", division=self.xian_division)
        project_party_add(
            project=make_project(division=self.longshan),
            role=ProjectParty.Role.BUILDER,
            organization=xian,
            actor=None,
        )
        with self.assertRaises(Forbidden) as caught:
            organization_update(**_rename(xian, "改名"), actor=self.inspector)  # type: ignore[arg-type]
        self.assertEqual(caught.exception.code, "organization_outside_jurisdiction")

    def test_a_county_inspector_keeps_the_division_inside_the_county(self) -> None:
        mine = make_organization(self.rng, name="龙山区公司", division=self.longshan)
        for division in (self.xian_division, None):
            with self.subTest(division=division), self.assertRaises(Forbidden):
                organization_update(
                    **_rename(mine, "改名", division=division),  # type: ignore[arg-type]
                    actor=self.inspector,
                )
        organization_update(**_rename(mine, "改名"), actor=self.inspector)  # type: ignore[arg-type]
        mine.refresh_from_db()
        self.assertEqual(mine.name, "改名")

    def test_city_wide_staff_edit_any_organization_and_register_anywhere(self) -> None:
        xian = make_organization(self.rng, name="西安区公司", division=self.xian_division)
        changchun = Division.objects.exclude(code__startswith="2204").first()
        assert changchun is not None
        organization_update(
            **_rename(xian, "改名", division=changchun),  # type: ignore[arg-type]
            actor=self.chief,
        )
        organization_register(name="外地公司", division=changchun, actor=self.intake)

    def test_a_county_inspector_cannot_register_in_another_county(self) -> None:
        with self.assertRaises(Forbidden):
            organization_register(
                name="西安区公司", division=self.xian_division, actor=self.inspector
            )
        self.assertIs(Organization.objects.exists(), False)

    def test_a_county_inspector_cannot_make_a_hidden_organization_a_party(self) -> None:
        xian = make_organization(self.rng, name="西安区公司", division=self.xian_division)
        project = make_project(division=self.longshan)
        with self.assertRaises(NotFound):
            project_party_add(
                project=project,
                role=ProjectParty.Role.BUILDER,
                organization=xian,
                actor=self.inspector,
            )
        self.assertIs(project.parties.exists(), False)
