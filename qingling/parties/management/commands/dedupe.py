"""qingling dedupe organizations FILE.csv: one cluster id per row, to measure the matching alone."""

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qingling.parties.matching import cluster


def read_rows(path: Path) -> list[tuple[str, str]]:
    """Rows ``name[,code]`` (UTF-8, optional BOM); a first row ``name,code`` is a header.

    Blank lines are not rows.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = [record for record in csv.reader(handle) if any(cell.strip() for cell in record)]
    if records and [cell.strip().lower() for cell in records[0]] == ["name", "code"]:
        records = records[1:]
    return [(record[0], record[1] if len(record) > 1 else "") for record in records]


class Command(BaseCommand):
    help = (
        "Cluster the organizations of a CSV file (rows name[,code]) and print, for each row "
        "in order, the 1-based row number of the first row of its cluster."
    )

    requires_system_checks = ()  # reads a file, not the database

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["organizations"])
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            rows = read_rows(path)
        except FileNotFoundError:
            raise CommandError(_("No such file: %(path)s") % {"path": path}) from None
        except UnicodeDecodeError:
            raise CommandError(_("%(path)s is not UTF-8 text.") % {"path": path}) from None
        for cluster_id in cluster(rows):
            self.stdout.write(str(cluster_id))
