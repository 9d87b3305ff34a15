from io import StringIO

from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase

from qingling.accounts.models import User
from qingling.parties.demo import DEMO_PASSWORD, STAFF
from qingling.parties.models import Organization, Person, Project, ProjectParty


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


class DemoCommandTests(TestCase):
    """The database starts empty here (no BaseTestCase personas): the demo needs that."""

    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = run_demo()

    def test_builds_the_city(self) -> None:
        self.assertEqual(User.objects.count(), 9)
        self.assertEqual(Organization.objects.count(), 40)
        self.assertEqual(Project.objects.count(), 20)
        self.assertIn("9 staff, 40 organizations, 20 projects, 200 workers", self.output)

    def test_gives_every_project_one_builder_and_one_general_contractor(self) -> None:
        for role in (ProjectParty.Role.BUILDER, ProjectParty.Role.GENERAL_CONTRACTOR):
            self.assertEqual(ProjectParty.objects.filter(role=role).count(), 20)

    def test_stores_no_plaintext_numbers(self) -> None:
        self.assertIs(Person.objects.filter(id_number_masked__contains="*").exists(), True)
        self.assertIs(Person.objects.exclude(id_number_masked__contains="*").exists(), False)

    def test_prints_the_sign_ins(self) -> None:
        self.assertIn(f"password for all: {DEMO_PASSWORD}", self.output)
        for spec in STAFF:
            self.assertIn(spec.username, self.output)
        self.assertIs(User.objects.get(username="xian").check_password(DEMO_PASSWORD), True)

    def test_refuses_a_database_with_staff(self) -> None:
        with self.assertRaisesMessage(CommandError, "the database already has staff"):
            run_demo()
        self.assertEqual(Organization.objects.count(), 40)

    def test_keeps_existing_data_with_if_empty_and_prints_the_sign_ins(self) -> None:
        output = run_demo("--if-empty")
        self.assertIn("keeping it", output)
        self.assertIn("Demo sign-ins", output)
        self.assertEqual(Organization.objects.count(), 40)


class DemoReproducibilityTests(TestCase):
    def _organization_names(self, seed: int) -> list[str]:
        with transaction.atomic():
            run_demo("--seed", str(seed))
            names = list(Organization.objects.order_by("name").values_list("name", flat=True))
            transaction.set_rollback(True)
        return names

    def test_the_same_seed_builds_the_same_organizations(self) -> None:
        first = self._organization_names(7)
        self.assertIs(User.objects.exists(), False)
        second = self._organization_names(7)
        self.assertEqual(len(first), 40)
        self.assertEqual(first, second)

    def test_another_seed_builds_other_organizations(self) -> None:
        self.assertNotEqual(self._organization_names(7), self._organization_names(8))
