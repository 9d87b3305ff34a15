"""qingling demo: build the demo city (staff, organizations, projects, people) from a seed."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from qingling.accounts.models import User
from qingling.parties.demo import DEMO_PASSWORD, STAFF, demo_city_build


class Command(BaseCommand):
    help = "Load the demo city into an empty database and print the demo sign-ins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the sign-ins) when staff already exist.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.exists():
            if not options["if_empty"]:
                raise CommandError("the database already has staff; the demo needs an empty one")
            self.stdout.write("demo: the database has data already; keeping it")
        else:
            self.stdout.write("demo: building the city …")
            with transaction.atomic():
                city = demo_city_build(seed=options["seed"])
                for filler in settings.QINGLING_DEMO_FILLERS:
                    import_string(filler)(city=city, seed=options["seed"])
            self.stdout.write(
                f"demo: {len(city.staff)} staff, {len(city.organizations)} "
                f"organizations, {len(city.projects)} projects, "
                f"{len(city.people)} workers"
            )
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})")
        for spec in STAFF:
            self.stdout.write(f"  {spec.username:<11} {spec.full_name} · {spec.role} · {spec.unit}")
