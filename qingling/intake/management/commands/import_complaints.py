"""qingling import-complaints FILE --channel 12345|national_platform [--system NAME]

Reads 12345 work orders or national-platform transfer orders from a JSON, CSV or
XLSX file (see docs/api.md for the columns) and registers each once: importing the
same file again stores nothing twice. Prints progress every 100 rows and a summary
with each failed row by line and reason; exits with 1 when any row failed.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.core.exceptions import InvalidInput
from qingling.intake import selectors, services
from qingling.intake.channels.files import parse_file
from qingling.intake.models import Channel

PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = "Import 12345 work orders or national-platform transfer orders (JSON, CSV, XLSX)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="a .json, .csv or .xlsx file")
        parser.add_argument(
            "--channel",
            required=True,
            choices=[Channel.HOTLINE_12345.value, Channel.NATIONAL_PLATFORM.value],
        )
        parser.add_argument(
            "--system",
            default="",
            help="the source system's name, so that it can read these complaints by its numbers",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        channel: str = options["channel"]
        system = None
        if options["system"]:
            system = selectors.source_system_by_name(name=options["system"])
            if system is None:
                raise CommandError(f"no source system named {options['system']!r}")
            if system.channel != channel:
                raise CommandError(
                    f"the system {system.name!r} sends on channel {system.channel}, not {channel}"
                )
        try:
            rows = parse_file(path)
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
        except InvalidInput as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{path.name}: {len(rows)} row(s)")

        def progress(done: int, result: services.ImportResult) -> None:
            if done % PROGRESS_EVERY == 0:
                self.stdout.write(
                    f"  {done} rows: {result.created} created, "
                    f"{result.duplicates} duplicate(s), {result.failed} failed"
                )

        result = services.complaint_import(
            rows=rows, channel=channel, source_system=system, actor=None, progress=progress
        )
        self.stdout.write(
            f"created {result.created}, duplicates {result.duplicates}, failed {result.failed}"
        )
        for failure in result.failures:
            field = "" if failure.field == "__all__" else f"{failure.field}: "
            self.stdout.write(f"  line {failure.line}: {field}{failure.message}")
        if result.failed:
            raise CommandError(f"{result.failed} row(s) failed", returncode=1)
