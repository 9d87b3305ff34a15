"""qingling load-occupations FILE: add or rename occupation groups from a
``code<TAB>name`` file such as ``qingling/employment/occupations.txt``."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.core.exceptions import ApplicationError
from qingling.employment.services.occupations import occupations_load


class Command(BaseCommand):
    help = "Add or rename occupational classification groups from a code<TAB>name file."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = options["file"].read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
        try:
            changed = occupations_load(text=text, actor=None)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{changed} occupation groups added or renamed")
