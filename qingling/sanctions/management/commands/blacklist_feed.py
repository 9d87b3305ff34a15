"""qingling blacklist-feed [--date YYYY-MM-DD] [--dir PATH]

Writes one day's sharing file for the credit-information platform (信用信息共享平台):
the listings and removals of that day as JSON Lines, ``blacklist-YYYY-MM-DD.jsonl``
(docs/sanctions.md, "The feed"). The worker writes yesterday's each day; this writes a
missed or an earlier day again (the same day gives the same lines).
"""

import datetime as dt
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.core import clock
from qingling.sanctions.services import blacklist_feed_file_write


class Command(BaseCommand):
    help = "Write one day's blacklist sharing file (JSON Lines)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--date", default="", help="the day (default: yesterday)")
        parser.add_argument(
            "--dir", default="", help="where to write (QINGLING_BLACKLIST_FEED_DIR)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date: give a date as YYYY-MM-DD.") from None
        else:
            day = clock.local_today() - dt.timedelta(days=1)
        directory = Path(options["dir"]) if options["dir"] else None
        path = blacklist_feed_file_write(day=day, directory=directory)
        self.stdout.write(str(path))
