"""qingling source-system add NAME --channel 12345 [--reply-url URL] | add NAME --feed | list"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.core.exceptions import ApplicationError
from qingling.intake.models import Channel, SourceSystem
from qingling.intake.services import source_system_create


class Command(BaseCommand):
    help = (
        "Register an outside system that pushes complaints (--channel), or one that only "
        "reads the blacklist feed (--feed), and print its API key once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add")
        add.add_argument("name")
        what = add.add_mutually_exclusive_group(required=True)
        what.add_argument("--channel", choices=Channel.values)
        what.add_argument(
            "--feed",
            action="store_true",
            help="a read-only key for the blacklist feed (信用信息共享平台); files nothing",
        )
        add.add_argument("--reply-url", default="")
        sub.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for system in SourceSystem.objects.all():
                self.stdout.write(
                    f"{system.name}\t{system.scope}\t{system.channel or '—'}\t"
                    f"{system.key_prefix}…\t"
                    f"{'active' if system.is_active else 'inactive'}\t"
                    f"{system.reply_url}"
                )
            return
        try:
            system, key = source_system_create(
                name=options["name"],
                channel=options["channel"] or "",
                reply_url=options["reply_url"],
                scope=(
                    SourceSystem.Scope.BLACKLIST_FEED
                    if options["feed"]
                    else SourceSystem.Scope.COMPLAINTS
                ),
                actor=None,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"registered {system.name} ({system.channel or system.scope})")
        self.stdout.write(f"API key (shown once, store it in that system): {key}")
