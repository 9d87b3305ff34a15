"""qingling backup DIR: the database and the uploaded files, with a manifest."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.core.backups import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files (MEDIA_ROOT) into DIR, a new or empty "
        "directory, with a manifest of SHA-256 hashes. Owner-only. Safe while running."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_write(directory=options["directory"], alias=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"backup: {manifest['vendor']} database ({manifest['database']['size']} bytes) "
            f"and {len(manifest['files'])} file(s) in {options['directory']}"
        )
