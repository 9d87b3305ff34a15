from io import StringIO

from django.core.management import CommandError, call_command

from qingling.intake.models import Complaint
from qingling.testing import BaseTestCase


class ScenarioCommandTests(BaseTestCase):
    def test_keeps_a_database_that_has_staff_with_if_empty(self) -> None:
        out = StringIO()

        call_command("scenario", "liaoyuan-2021", "--if-empty", stdout=out)

        self.assertIn("keeping it", out.getvalue())
        self.assertIn("intake", out.getvalue())  # the sign-ins are still printed
        self.assertFalse(Complaint.objects.exists())

    def test_refuses_a_database_that_has_staff(self) -> None:
        with self.assertRaisesMessage(CommandError, "needs an empty one"):
            call_command("scenario", "liaoyuan-2021", stdout=StringIO())
