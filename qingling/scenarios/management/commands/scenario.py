"""qingling scenario liaoyuan-2021: build the city and replay the spring 2021 season."""

import time
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qingling.accounts.models import User
from qingling.core.services import demo_clock_set
from qingling.parties.demo import DEMO_PASSWORD
from qingling.scenarios import liaoyuan_2021

SCENARIOS: dict[str, Callable[..., liaoyuan_2021.SeasonResult]] = {
    liaoyuan_2021.NAME: liaoyuan_2021.season_replay,
}


class Command(BaseCommand):
    help = (
        "Build the city and replay a season through the services into an empty database "
        "(docs/scenario.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", choices=sorted(SCENARIOS))
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the sign-ins) when staff already exist.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.exists():
            if not options["if_empty"]:
                raise CommandError(
                    "the database already has staff; the scenario needs an empty one"
                )
            self.stdout.write("scenario: the database has data already; keeping it")
        else:
            started = time.monotonic()
            self.stdout.write(f"scenario {options['name']}: building the city …")

            def progress(line: str) -> None:
                self.stdout.write(f"  [{time.monotonic() - started:5.1f} s] {line}")

            # All or nothing: a failure halfway leaves the database empty, not half a season.
            with transaction.atomic():
                result = SCENARIOS[options["name"]](seed=options["seed"], progress=progress)
                demo_clock_set(today=result.last_day, scenario=options["name"], actor=None)
            summary = ", ".join(f"{key} {value}" for key, value in sorted(result.counts.items()))
            self.stdout.write(
                f"scenario {options['name']}: done in {time.monotonic() - started:.1f} s: {summary}"
            )
        self.stdout.write(f"\nSign-ins (password for all: {DEMO_PASSWORD}):")
        for user in User.objects.filter(is_active=True).order_by("username"):
            self.stdout.write(f"  {user.username:<12} {user.full_name} · {user.role}")
