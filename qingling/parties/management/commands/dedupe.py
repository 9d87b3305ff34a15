"""qingling dedupe organizations FILE.csv: one cluster id per row, to measure the matching alone.

Columns ``name[,code[,representative,address,phone]]``: the last three are the
evidence an export of the register carries (legal representative, address,
phone); a shared one lets two companies of one trade name in different
industries be one employer (`matching.cluster`).
"""

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qingling.parties.matching import Evidence, cluster

HEADER = ["name", "code", "representative", "address", "phone"]


def read_rows(path: Path) -> tuple[list[tuple[str, str]], list[Evidence]]:
    """Rows ``name[,code[,representative,address,phone]]`` (UTF-8, optional BOM) and their
    evidence; a first row ``name,code…`` is a header. Blank lines are not rows.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = [record for record in csv.reader(handle) if any(cell.strip() for cell in record)]
    if records and [cell.strip().lower() for cell in records[0]] == HEADER[: len(records[0])]:
        records = records[1:]
    padded = [[*record, "", "", "", ""][:5] for record in records]
    rows = [(record[0], record[1]) for record in padded]
    evidence = [Evidence(*record[2:5]) for record in padded]
    return rows, evidence


class Command(BaseCommand):
    help = (
        "Cluster the organizations of a CSV file (rows name[,code[,representative,address,"
        "phone]]) and print, for each row in order, the 1-based row number of the first row "
        "of its cluster."
    )

    requires_system_checks = ()  # reads a file, not the database

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["organizations"])
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            rows, evidence = read_rows(path)
        except FileNotFoundError:
            raise CommandError(_("No such file: %(path)s") % {"path": path}) from None
        except UnicodeDecodeError:
            raise CommandError(_("%(path)s is not UTF-8 text.") % {"path": path}) from None
        for cluster_id in cluster(rows, evidence):
            self.stdout.write(str(cluster_id))
