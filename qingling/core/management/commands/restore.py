"""qingling restore DIR: put a backup back, check its hashes, migrate forward."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `qingling backup` into an empty database and MEDIA_ROOT "
        "(--force replaces what is there), then apply the migrations it is missing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="Replace a database or uploads that exist."
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(
                directory=options["directory"], force=options["force"], alias=options["database"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        migrated = ", ".join(report.migrated) if report.migrated else "none"
        self.stdout.write(
            f"restore: database and {report.files} file(s) from {options['directory']}; "
            f"migrations applied since the backup: {migrated}"
        )
