"""qingling worker: run the periodic jobs forever (or once with --once)."""

import logging
import signal
import threading
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the background jobs (timers, outbox, monitoring). Safe to run twice."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")
        parser.add_argument(
            "--interval", type=int, default=settings.QINGLING_WORKER_INTERVAL_SECONDS
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The jobs come from settings so that core need not import the apps that add jobs;
        # a wrong path fails here, at start, rather than in the loop.
        jobs: dict[str, Callable[[], None]] = {
            path: import_string(path) for path in settings.QINGLING_WORKER_JOBS
        }
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"worker: {len(jobs)} job(s), every {options['interval']} s")
        while not stop.is_set():
            for name, job in jobs.items():
                close_old_connections()
                try:
                    job()
                except Exception:  # one failing job must not stop the others
                    logger.exception("worker: job %s failed", name)
            if options["once"]:
                break
            stop.wait(options["interval"])
        self.stdout.write("worker: stopped")
