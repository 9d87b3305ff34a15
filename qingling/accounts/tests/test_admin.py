from django.test import override_settings
from django.urls import reverse

from qingling.accounts.models import OrgUnit, Role, User
from qingling.core.models import AuditEvent
from qingling.testing import BaseTestCase


@override_settings(LANGUAGE_CODE="en")
class StaffAdminTests(BaseTestCase):
    def test_administrator_opens_the_admin(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.get(reverse("admin:index"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, reverse("admin:accounts_user_changelist"))

    def test_administrator_adds_a_staff_member_and_it_is_audited(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "newcomer",
                "full_name": "新同事",
                "role": Role.INSPECTOR,
                "org_unit": self.city_unit.pk,
                "usable_password": "true",
                "password1": "a-long-enough-pass",
                "password2": "a-long-enough-pass",
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        user = User.objects.get(username="newcomer")
        self.assertEqual(user.role, Role.INSPECTOR)
        self.assertIs(user.is_staff, False)
        self.assertIs(user.check_password("a-long-enough-pass"), True)
        event = AuditEvent.objects.get(action="staff.create", object_id=str(user.pk))
        self.assertEqual(event.actor, self.admin)
        after = event.after or {}
        self.assertEqual(after["username"], "newcomer")
        self.assertEqual(after["role"], Role.INSPECTOR)
        self.assertNotIn("password", after)

    def test_administrator_changes_a_role_and_the_update_is_audited(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("admin:accounts_user_change", args=[self.inspector.pk]),
            {
                "username": "inspector",
                "full_name": "inspector",
                "role": Role.SECTION_CHIEF,
                "org_unit": self.inspector.org_unit_id,
                "is_active": "on",
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        event = AuditEvent.objects.get(action="staff.update", object_id=str(self.inspector.pk))
        self.assertEqual((event.before or {})["role"], Role.INSPECTOR)
        self.assertEqual((event.after or {})["role"], Role.SECTION_CHIEF)

    def test_granting_the_administrator_role_opens_the_admin(self) -> None:
        self.client.force_login(self.admin)
        self.client.post(
            reverse("admin:accounts_user_change", args=[self.chief.pk]),
            {
                "username": "chief",
                "full_name": "chief",
                "role": Role.ADMINISTRATOR,
                "org_unit": self.city_unit.pk,
                "is_active": "on",
            },
        )
        self.chief.refresh_from_db()
        self.assertIs(self.chief.is_staff, True)

    def test_administrator_adds_an_org_unit_and_it_is_audited(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("admin:accounts_orgunit_add"), {"name": "东丰县大队", "division": "220421"}
        )
        self.assertEqual(response.status_code, 302)
        unit = OrgUnit.objects.get(name="东丰县大队")
        event = AuditEvent.objects.get(action="org_unit.create", object_id=str(unit.pk))
        self.assertEqual(event.after, {"name": "东丰县大队", "division": "220421"})

    def test_staff_cannot_be_deleted(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.get(reverse("admin:accounts_user_delete", args=[self.intake.pk]))
        self.assertEqual(response.status_code, 403)

    def test_other_roles_are_refused_the_admin(self) -> None:
        for persona in (self.inspector, self.chief, self.director, self.outsider):
            with self.subTest(persona.username):
                self.client.force_login(persona)
                for url in (reverse("admin:index"), reverse("admin:accounts_user_add")):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 302)
                    self.assertIn(reverse("admin:login"), response["Location"])

    def test_inspector_cannot_add_staff_through_the_admin(self) -> None:
        self.client.force_login(self.inspector)
        self.client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "sneaky",
                "role": Role.ADMINISTRATOR,
                "org_unit": self.city_unit.pk,
                "password1": "a-long-enough-pass",
                "password2": "a-long-enough-pass",
            },
        )
        self.assertIs(User.objects.filter(username="sneaky").exists(), False)
