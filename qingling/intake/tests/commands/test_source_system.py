from io import StringIO

from django.core.management import CommandError, call_command

from qingling.intake.models import SourceSystem
from qingling.intake.selectors import source_system_by_key
from qingling.testing import BaseTestCase


class SourceSystemCommandTests(BaseTestCase):
    def test_adds_a_system_and_prints_a_key_that_authenticates_it(self) -> None:
        out = StringIO()
        call_command("source_system", "add", "12345热线", "--channel", "12345", stdout=out)
        key = out.getvalue().strip().rsplit(" ", 1)[-1]
        system = SourceSystem.objects.get()
        self.assertEqual(source_system_by_key(key=key), system)
        self.assertNotIn(key, system.key_digest)

    def test_refuses_a_second_system_of_the_same_name(self) -> None:
        call_command(
            "source_system", "add", "全国平台", "--channel", "national_platform", stdout=StringIO()
        )
        with self.assertRaises(CommandError):
            call_command(
                "source_system",
                "add",
                "全国平台",
                "--channel",
                "national_platform",
                stdout=StringIO(),
            )

    def test_lists_systems_without_their_keys(self) -> None:
        call_command("source_system", "add", "12345热线", "--channel", "12345", stdout=StringIO())
        out = StringIO()
        call_command("source_system", "list", stdout=out)
        self.assertIn("12345热线", out.getvalue())

    def test_adds_a_read_only_feed_reader_without_a_channel(self) -> None:
        out = StringIO()
        call_command("source_system", "add", "信用信息共享平台", "--feed", stdout=out)
        system = SourceSystem.objects.get()
        self.assertEqual((system.scope, system.channel), (SourceSystem.Scope.BLACKLIST_FEED, ""))
        listed = StringIO()
        call_command("source_system", "list", stdout=listed)
        self.assertIn("blacklist_feed", listed.getvalue())

    def test_a_feed_reader_takes_no_reply_url(self) -> None:
        with self.assertRaises(CommandError):
            call_command(
                "source_system",
                "add",
                "信用平台",
                "--feed",
                "--reply-url",
                "https://credit.example/reply",
                stdout=StringIO(),
            )
        self.assertFalse(SourceSystem.objects.exists())
