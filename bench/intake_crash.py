"""Intake under load when the server is killed: no acknowledged complaint lost, none doubled.

Usage:  .venv/bin/python bench/intake_crash.py [--db sqlite|postgres] [--n 1000]
        [--kill-after 400] [--concurrency 8] [--organizations 2000]

What is tried: ``concurrency`` client threads push ``n`` work orders to
``POST /api/v1/complaints`` of gunicorn as in production (``config/gunicorn.py``, started
by ``bench/intake_throughput.py``'s functions), each order with its ``source_ref`` and an
``Idempotency-Key``, as a source system does. Once ``kill-after`` orders are acknowledged
the whole server (master and workers) gets SIGKILL at once, mid-load: the requests in
flight get no answer, some of them after their transaction committed. The clients stop
sending; the server is started again; each client retries every request of its that got
no answer or an error, with the same key, then sends the orders not sent yet.

Last, the whole batch is sent again (every order acknowledged before the kill, twice, from
all the threads at once, as a source system that lost track of its acknowledgements
would): each must be answered 200 with the stored complaint.

Then the database is read: every order that was acknowledged (201 or 200) must be stored,
every ``source_ref`` exactly once, and so its SMS acknowledgement in the outbox. The run
fails (exit status 1) otherwise. Baseline, same run: the deliveries the server answered 200
(already stored: a retry whose first delivery committed before its answer was lost in the
kill, and the batch sent again) are the complaints a plain insert per request, without the
duplicate-delivery check, would have stored twice.

PostgreSQL: the database ``qingling_crash_bench`` (dropped and created again), never
``postgres`` nor a test database.
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake_throughput import (
    bench_environment,
    database_fill,
    database_url,
    machine,
    payloads,
    server_start,
    server_wait,
)

ACKNOWLEDGED = (200, 201)


def free_port() -> int:
    """A port nobody listens on now (another bench may hold intake_throughput's 8765)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0  # requests sent before the kill
    acknowledged_before: set[str] = field(default_factory=set)
    acknowledged_after: set[str] = field(default_factory=set)
    no_answer: int = 0  # the connection broke: refused, reset, closed without an answer
    errors: dict[int, int] = field(default_factory=dict)  # answered, but not 200/201
    retried: set[str] = field(default_factory=set)
    retry_requests: int = 0
    retry_statuses: dict[int, int] = field(default_factory=dict)
    after_statuses: dict[int, int] = field(default_factory=dict)


def post(connection: http.client.HTTPConnection, key: str, row: dict[str, object]) -> int:
    body = json.dumps(row, ensure_ascii=False).encode()
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": "application/json",
        "Idempotency-Key": f"crash-bench-{row['source_ref']}",
    }
    connection.request("POST", "/api/v1/complaints", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--kill-after", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--organizations", type=int, default=2000)
    args = parser.parse_args()
    assert 0 < args.kill_after < args.n

    workdir = Path(tempfile.mkdtemp(prefix="qingling-crash-bench-"))
    env = bench_environment(database_url(args.db, workdir, "qingling_crash_bench"), workdir)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from qingling.intake.models import Complaint
    from qingling.notify.models import OutboxMessage

    rng = random.Random(2021)
    key, employers = database_fill(organizations=args.organizations, rng=rng)
    rows = payloads(args.n, employers, rng)
    connection.close()

    port = free_port()
    tally = Tally()
    queue = iter(rows)
    killed = threading.Event()
    restarted = threading.Event()
    server = server_start(env=env, port=port)
    server_wait(port)

    def kill() -> None:
        """SIGKILL to gunicorn's process group: the master and every worker at once."""
        nonlocal killed_at
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
        killed_at = time.perf_counter()
        killed.set()

    killed_at = 0.0

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        pending: list[dict[str, object]] = []  # no answer, or an error: retry with the key
        while not killed.is_set():
            with tally.lock:
                row = next(queue, None)
                if row is not None:
                    tally.sent += 1
            if row is None:
                break
            try:
                status = post(connection, key, row)
            except (OSError, http.client.HTTPException):
                connection.close()
                with tally.lock:
                    tally.no_answer += 1
                pending.append(row)
                continue
            reference = str(row["source_ref"])
            if status not in ACKNOWLEDGED:
                with tally.lock:
                    tally.errors[status] = tally.errors.get(status, 0) + 1
                pending.append(row)
                continue
            with tally.lock:
                if killed.is_set():  # answered by a dying worker: still an acknowledgement
                    tally.acknowledged_after.add(reference)
                else:
                    tally.acknowledged_before.add(reference)
                reached = len(tally.acknowledged_before) == args.kill_after
            if reached:
                kill()
        # The server is down: wait until it is back, then retry what got no answer.
        restarted.wait()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        work = [(row, True) for row in pending]
        while True:
            if work:
                row, retry = work.pop(0)
            else:
                with tally.lock:
                    fresh = next(queue, None)
                if fresh is None:
                    return
                row, retry = fresh, False
            reference = str(row["source_ref"])
            for attempt in range(10):
                try:
                    status = post(connection, key, row)
                except (OSError, http.client.HTTPException):
                    connection.close()
                    time.sleep(0.2 * (attempt + 1))
                    continue
                with tally.lock:
                    if retry:
                        tally.retried.add(reference)
                        tally.retry_requests += 1
                        tally.retry_statuses[status] = tally.retry_statuses.get(status, 0) + 1
                    else:
                        tally.after_statuses[status] = tally.after_statuses.get(status, 0) + 1
                    if status in ACKNOWLEDGED:
                        tally.acknowledged_after.add(reference)
                if status in ACKNOWLEDGED:
                    break
                retry = True  # an error answer: the same request again, with its key
                time.sleep(0.2 * (attempt + 1))

    threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    killed.wait()
    server = server_start(env=env, port=port)
    server_wait(port)
    back_after = time.perf_counter() - killed_at
    restarted.set()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    # A source system that lost track of what was acknowledged sends the whole batch
    # again: every order acknowledged before the kill, each from two threads at once.
    resend_statuses: dict[int, int] = {}
    # (each order twice in a row: two threads take it up at the same moment)
    resend = iter([ref for ref in sorted(tally.acknowledged_before) for _ in range(2)])

    def resender() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        by_reference = {str(row["source_ref"]): row for row in rows}
        while True:
            with tally.lock:
                reference = next(resend, None)
            if reference is None:
                return
            status = post(connection, key, by_reference[reference])
            with tally.lock:
                resend_statuses[status] = resend_statuses.get(status, 0) + 1

    resenders = [threading.Thread(target=resender) for _ in range(args.concurrency)]
    for thread in resenders:
        thread.start()
    for thread in resenders:
        thread.join()
    server.terminate()
    server.wait(10)

    references = [str(row["source_ref"]) for row in rows]
    stored = Complaint.objects.filter(source_ref__in=references)
    stored_refs = set(stored.values_list("source_ref", flat=True))
    duplicates = (
        stored.values("channel", "source_ref").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    acknowledged = tally.acknowledged_before | tally.acknowledged_after
    lost = acknowledged - stored_refs
    never_acknowledged = set(references) - acknowledged
    outbox = OutboxMessage.objects.filter(dedupe_key__endswith=":received").count()
    stored_count = stored.count()
    saved = tally.retry_statuses.get(200, 0)

    print(f"machine: {machine()}")
    print(
        f"database: {args.db}; {args.organizations} organizations on file; {args.n} work "
        f"orders; {args.concurrency} client threads; gunicorn as config/gunicorn.py; SIGKILL "
        f"to master and workers after {args.kill_after} acknowledged"
    )
    print(
        f"before the kill: sent {tally.sent}, acknowledged {len(tally.acknowledged_before)}, "
        f"lost connections (no answer) {tally.no_answer}, error answers {tally.errors or 0}"
    )
    print(f"server back {back_after:.1f} s after the kill (a new gunicorn, same database)")
    print(
        f"after the restart: retried {len(tally.retried)} orders ({tally.retry_requests} "
        f"requests; answers {tally.retry_statuses}), then sent the {args.n - tally.sent} not "
        f"sent yet (answers {tally.after_statuses}); wall {wall:.1f} s"
    )
    print(
        f"stored: {stored_count} complaints for {args.n} orders; duplicates {duplicates}; "
        f"acknowledged but not stored (lost) {len(lost)}; never acknowledged "
        f"{len(never_acknowledged)}; SMS acknowledgements in the outbox {outbox}"
    )
    print(
        f"the whole batch sent again (each order acknowledged before the kill, twice, from "
        f"{args.concurrency} threads): answers {resend_statuses}"
    )
    resent = 2 * len(tally.acknowledged_before)
    print(
        f"baseline: without the duplicate-delivery check (a plain insert per request) the "
        f"retries of orders already stored ({saved} answered 200) and the batch sent again "
        f"({resent}) would have stored {saved + resent} complaints twice or more"
    )
    ok = (
        duplicates == 0
        and not lost
        and not never_acknowledged
        and stored_count == args.n
        and outbox == args.n
        and resend_statuses == {200: 2 * len(tally.acknowledged_before)}
    )
    print("result: " + ("OK" if ok else "FAILED"))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
