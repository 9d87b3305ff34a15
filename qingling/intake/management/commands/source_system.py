"""qingling source-system add NAME --channel 12345 [--reply-url URL] | list"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.core.exceptions import ApplicationError
from qingling.intake.models import Channel, SourceSystem
from qingling.intake.services import source_system_create


class Command(BaseCommand):
    help = "Register an outside system that pushes complaints, and print its API key once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add")
        add.add_argument("name")
        add.add_argument("--channel", required=True, choices=Channel.values)
        add.add_argument("--reply-url", default="")
        sub.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for system in SourceSystem.objects.all():
                self.stdout.write(
                    f"{system.name}\t{system.channel}\t{system.key_prefix}…\t"
                    f"{'active' if system.is_active else 'inactive'}\t"
                    f"{system.reply_url}"
                )
            return
        try:
            system, key = source_system_create(
                name=options["name"],
                channel=options["channel"],
                reply_url=options["reply_url"],
                actor=None,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"registered {system.name} ({system.channel})")
        self.stdout.write(f"API key (shown once, store it in that system): {key}")
