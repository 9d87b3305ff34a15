"""qingling workdays add DATE N | status | import FILE --year Y | sync"""

import datetime as dt
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.core.exceptions import ApplicationError
from qingling.core.selectors import calendar_next_year_missing, calendar_year_list, workdays_add
from qingling.core.services import calendar_sync_from_package, calendar_year_import


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Working-day arithmetic and the holiday schedule table."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Print START plus N working days (start not counted).")
        add.add_argument("start")
        add.add_argument("days", type=int)
        sub.add_parser("status", help="List the years with an official schedule.")
        imp = sub.add_parser("import", help="Load one year's schedule from a plain file.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--year", type=int, required=True)
        imp.add_argument("--source", default="")
        sub.add_parser("sync", help="Load the years the chinesecalendar package covers.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "add":
            if options["days"] < 0:
                raise CommandError("the number of working days must not be negative")
            self.stdout.write(
                str(workdays_add(start=_date(options["start"]), days=options["days"]))
            )
        elif action == "status":
            for year in calendar_year_list():
                self.stdout.write(f"{year.year}\t{year.day_count}\t{year.source}")  # type: ignore[attr-defined]
            missing = calendar_next_year_missing()
            if missing:
                self.stderr.write(
                    f"warning: no schedule for {missing}; dates in it are provisional"
                )
        elif action == "import":
            try:
                text = options["file"].read_text(encoding="utf-8-sig")
                year = calendar_year_import(
                    year=options["year"], text=text, source=options["source"], actor=None
                )
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"cannot read {options['file']}: {error}") from None
            except ApplicationError as error:
                raise CommandError(error.message) from None
            self.stdout.write(f"loaded {year.year}: {year.days.count()} dates")
        else:
            loaded = calendar_sync_from_package(actor=None)
            self.stdout.write(f"loaded {len(loaded)} year(s): {' '.join(map(str, loaded))}")
