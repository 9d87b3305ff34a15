from django.test import override_settings

from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_credit_code
from qingling.parties.models import Organization
from qingling.parties.services import organization_register, organization_update
from qingling.testing import BaseTestCase, make_person


def wrong_check_character(code: str) -> str:
    return code[:17] + ("1" if code[17] != "1" else "2")


@override_settings(LANGUAGE_CODE="en")
class OrganizationRegisterTests(BaseTestCase):
    def test_registers_with_a_normalised_name_and_code(self) -> None:
        code = fake_credit_code(self.rng)
        organization = organization_register(
            name="  辽源市  鑫盛建筑 有限公司 ",
            credit_code=f" {code[:9]} {code[9:]} ",
            division=self.longshan,
            actor=self.intake,
        )
        self.assertEqual(organization.name, "辽源市 鑫盛建筑 有限公司")
        self.assertEqual(organization.credit_code, code)
        self.assertEqual(Organization.objects.get(), organization)

    def test_records_an_audit_event(self) -> None:
        representative = make_person(self.rng)
        code = fake_credit_code(self.rng)
        organization = organization_register(
            name="辽源市鑫盛建筑工程有限公司",
            credit_code=code,
            legal_representative=representative,
            division=self.longshan,
            address="龙山区人民大街1号",
            actor=self.intake,
        )
        event = AuditEvent.objects.get(action="organization.register")
        self.assertEqual(event.actor, self.intake)
        self.assertEqual(event.object_id, str(organization.pk))
        self.assertEqual(
            event.after,
            {
                "name": "辽源市鑫盛建筑工程有限公司",
                "credit_code": code,
                "legal_representative": str(representative.pk),
                "division": "220402",
                "address": "龙山区人民大街1号",
            },
        )

    def test_accepts_an_organization_without_a_credit_code(self) -> None:
        organization_register(name="某劳务队", actor=None)
        organization_register(name="另一劳务队", actor=None)
        self.assertEqual(Organization.objects.filter(credit_code="").count(), 2)

    def test_refuses_a_duplicate_credit_code(self) -> None:
        code = fake_credit_code(self.rng)
        first = organization_register(name="甲公司", credit_code=code, actor=None)
        with self.assertRaisesMessage(
            Conflict, "An organization with this credit code is already registered: 甲公司."
        ) as caught:
            organization_register(name="乙公司", credit_code=code.lower(), actor=None)
        self.assertEqual(caught.exception.code, "organization_duplicate_credit_code")
        self.assertEqual(caught.exception.extra["organization"], str(first.public_id))
        self.assertEqual(Organization.objects.count(), 1)

    def test_refuses_a_wrong_check_character(self) -> None:
        code = wrong_check_character(fake_credit_code(self.rng))
        with self.assertRaisesMessage(
            InvalidInput, "The check character (last character)"
        ) as caught:
            organization_register(name="甲公司", credit_code=code, actor=None)
        self.assertEqual(caught.exception.code, "invalid")
        self.assertIn("check character", caught.exception.extra["fields"]["credit_code"][0])
        self.assertIs(Organization.objects.exists(), False)

    def test_refuses_a_short_credit_code(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "this one has 17"):
            organization_register(
                name="甲公司", credit_code=fake_credit_code(self.rng)[:17], actor=None
            )


@override_settings(LANGUAGE_CODE="en")
class OrganizationUpdateTests(BaseTestCase):
    def test_records_the_names_before_and_after(self) -> None:
        organization = organization_register(name="旧名称有限公司", actor=None)
        organization_update(
            organization=organization,
            name="新名称有限公司",
            credit_code="",
            legal_representative=None,
            division=self.xian_division,
            address="",
            actor=self.chief,
        )
        event = AuditEvent.objects.get(action="organization.update")
        self.assertEqual(event.actor, self.chief)
        self.assertEqual((event.before or {})["name"], "旧名称有限公司")
        self.assertEqual((event.after or {})["name"], "新名称有限公司")
        self.assertIsNone((event.before or {})["division"])
        self.assertEqual((event.after or {})["division"], "220403")
        self.assertEqual(Organization.objects.get().name, "新名称有限公司")

    def test_may_keep_its_own_credit_code(self) -> None:
        code = fake_credit_code(self.rng)
        organization = organization_register(name="甲公司", credit_code=code, actor=None)
        organization_update(
            organization=organization,
            name="甲公司",
            credit_code=code,
            legal_representative=None,
            division=None,
            address="",
            actor=None,
        )
        self.assertEqual(Organization.objects.get().credit_code, code)

    def test_refuses_another_organizations_credit_code(self) -> None:
        code = fake_credit_code(self.rng)
        organization_register(name="甲公司", credit_code=code, actor=None)
        other = organization_register(name="乙公司", actor=None)
        with self.assertRaises(Conflict) as caught:
            organization_update(
                organization=other,
                name="乙公司",
                credit_code=code,
                legal_representative=None,
                division=None,
                address="",
                actor=None,
            )
        self.assertEqual(caught.exception.code, "organization_duplicate_credit_code")
        self.assertIs(AuditEvent.objects.filter(action="organization.update").exists(), False)
