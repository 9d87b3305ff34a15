"""qingling worker: run the periodic jobs forever (or once with --once).

Several workers may run at once (one per server): each job runs under a lease
(``core.JobLease``), so a job one worker is running is skipped by the others.
"""

import signal
import threading
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

from qingling.core.scheduling import job_run_leased, worker_identity
from qingling.core.selectors import demo_clock_applied


class Command(BaseCommand):
    help = "Run the background jobs (timers, outbox, monitoring). Safe to run on several servers."

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
        holder = worker_identity()
        self.stdout.write(f"worker: {len(jobs)} job(s), every {options['interval']} s")
        while not stop.is_set():
            for name, job in jobs.items():
                close_old_connections()
                job_run_leased(name=name, job=_on_demo_day(job), holder=holder)
            if options["once"]:
                break
            stop.wait(options["interval"])
        self.stdout.write("worker: stopped")


def _on_demo_day(job: Callable[[], None]) -> Callable[[], None]:
    """The job on a demo database's day; the lease itself stays on the real clock."""

    def run() -> None:
        with demo_clock_applied():
            job()

    return run
