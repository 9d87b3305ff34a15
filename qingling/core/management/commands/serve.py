"""qingling serve: the web server and the background worker together; Ctrl-C stops both."""

import socket
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the development web server with the worker beside it (what `make run` does)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        host, _, port = options["addrport"].rpartition(":")
        with socket.socket() as probe:  # fail before starting the worker, not after
            try:
                probe.bind((host or "127.0.0.1", int(port)))
            except OSError as error:
                raise CommandError(f"cannot listen on {options['addrport']}: {error}") from None
        worker = subprocess.Popen([sys.executable, "-m", "qingling.cli", "worker"])
        try:
            call_command(
                "runserver",
                options["addrport"],
                use_reloader=False,
                skip_checks=options["skip_checks"],
            )
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
