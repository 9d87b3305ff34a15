"""qingling push-jobs [--county CODE] [--township NAME] [--limit 3]

Sends today's job message to every worker of the area who may receive one (consent,
not opted out, going out without a job), through the outbox, with progress on
standard error. A city-wide run is tens of thousands of workers: too long for a web
request, safe to stop and run again (whoever has today's message is skipped).
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.employment.models import Seeker
from qingling.employment.selectors.pairings import seekers_in_area
from qingling.employment.services.pushes import push_send


class Command(BaseCommand):
    help = "Send today's job messages to the workers who agreed to receive them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--county", default="", help="a county's division code")
        parser.add_argument("--township", default="")
        parser.add_argument("--limit", type=int, default=3, help="jobs in each message (1–5)")

    def handle(self, *args: Any, **options: Any) -> None:
        seekers = seekers_in_area(
            Seeker.objects.all(), county=options["county"], township=options["township"]
        )

        def progress(done: int, total: int) -> None:
            end = "\n" if done == total else ""
            self.stderr.write(f"\r{done}/{total}", style_func=str, ending=end)
            self.stderr.flush()

        try:
            report = push_send(
                seekers=seekers,
                today=clock.local_today(),
                actor=None,
                limit=options["limit"],
                progress=progress,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        for name, value in vars(report).items():
            shown = len(value) if isinstance(value, list) else value
            self.stdout.write(f"{name:<26} {shown}")
