import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from qingling.cli import NOT_SET_UP


class CliOnAnUnmigratedDatabaseTests(SimpleTestCase):
    """The console script against an empty SQLite file, in a child process of its own."""

    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.environment = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder.name) / 'empty.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONIOENCODING": "utf-8",
        }

    def qingling(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, "-m", "qingling.cli", *args],
            capture_output=True,
            env=self.environment,
            text=True,
            encoding="utf-8",
            check=False,
        )

    def test_a_command_that_reads_a_table_says_to_migrate_first_without_a_traceback(self):
        result = self.qingling("workdays", "add", "2021-02-08", "5")
        self.assertEqual((result.returncode, result.stdout), (1, ""))
        self.assertEqual(result.stderr, NOT_SET_UP + "\n")

    def test_migrate_and_the_commands_that_need_no_table_still_run(self) -> None:
        # (A full migrate takes most of a minute; the test database exercises it anyway.)
        for args in (("check",), ("migrate", "--plan")):
            result = self.qingling(*args)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertNotIn(NOT_SET_UP, result.stderr)
