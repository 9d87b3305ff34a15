import io

import time_machine
from django.core.management import CommandError, call_command

from qingling.employment.models import Push
from qingling.employment.tests.world import EmploymentWorld, make_posting, make_seeker
from qingling.testing import CURRENT_TIME


@time_machine.travel(CURRENT_TIME, tick=False)
class PushJobsCommandTests(EmploymentWorld):
    def test_sends_once_per_day_and_prints_the_counts(self) -> None:
        make_posting(self.employer, published_at=CURRENT_TIME)
        make_seeker(self.rng, name="甲")
        make_seeker(self.rng, name="乙", contact_consent=False)
        out = io.StringIO()
        call_command("push_jobs", stdout=out, stderr=io.StringIO())
        self.assertIn("sent                       1", out.getvalue())
        self.assertIn("skipped_no_consent         1", out.getvalue())
        call_command("push_jobs", stdout=io.StringIO(), stderr=io.StringIO())
        self.assertEqual(Push.objects.count(), 1)

    def test_sends_to_the_chosen_area_with_progress_on_stderr(self) -> None:
        make_posting(self.employer, published_at=CURRENT_TIME)
        make_seeker(self.rng, township="向阳街道")
        make_seeker(self.rng, township="北寿街道")
        make_seeker(self.rng, division_code="220403", township="工农乡")
        err = io.StringIO()
        call_command(
            "push_jobs",
            "--county",
            "220402",
            "--township",
            "向阳街道",
            stdout=io.StringIO(),
            stderr=err,
        )
        self.assertEqual(
            list(Push.objects.values_list("seeker__township", flat=True)), ["向阳街道"]
        )
        self.assertEqual(err.getvalue(), "\r1/1\n")
        call_command("push_jobs", "--county", "220402", stdout=io.StringIO(), stderr=err)
        self.assertEqual(Push.objects.count(), 2)
        self.assertTrue(err.getvalue().endswith("\r2/2\n"))

    def test_a_bad_limit_is_an_error(self) -> None:
        with self.assertRaises(CommandError):
            call_command("push_jobs", "--limit", "9", stdout=io.StringIO())
