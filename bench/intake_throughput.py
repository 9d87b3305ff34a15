"""Intake throughput over HTTP, against the raw insert of the same rows, in one run.

Usage:  .venv/bin/python bench/intake_throughput.py [--db sqlite|postgres] [--n 2000]
        [--concurrency 8] [--organizations 20000] [--workers N] [--threads N]

What is measured: 12345 work orders POSTed to /api/v1/complaints by ``concurrency``
client threads (keep-alive connections where the server keeps them) to gunicorn in
separate processes, configured as in production by ``config/gunicorn.py`` (DEBUG off;
``--workers`` and ``--threads`` override it), each going through validation, the
duplicate-delivery check, the on-arrival employer matching against ``organizations``
on file, the complainant, the audit rows and the SMS acknowledgement in the outbox.
The baseline, measured in the same run on the same database, inserts the same rows
with one ``INSERT`` per complaint in its own transaction and nothing else.
"""

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}"


def database_url(kind: str, workdir: Path, name: str = "qingling_bench") -> str:
    """A new, empty database for one run: a file in ``workdir``, or the PostgreSQL
    database ``name`` (dropped and created again; never ``postgres`` nor a test one)."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    import psycopg

    assert name.startswith("qingling_") and "bench" in name, name  # never CI's or a person's
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def bench_environment(database: str, workdir: Path) -> dict[str, str]:
    """The server's environment as in production (DEBUG off), for a throwaway database."""
    return {
        **os.environ,
        "DATABASE_URL": database,
        "QINGLING_VAR_DIR": str(workdir),
        "QINGLING_DEBUG": "0",
        "QINGLING_SECRET_KEY": "bench-" + "x" * 40,
        "QINGLING_DATA_KEY": "bench-" + "y" * 40,
        "QINGLING_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


TRADES = [
    "鑫盛",
    "宏达",
    "恒通",
    "金泰",
    "华信",
    "远大",
    "中兴",
    "安泰",
    "永盛",
    "昌隆",
    "广源",
    "瑞丰",
    "天成",
    "兴业",
    "福源",
    "东方",
    "长城",
    "众诚",
    "盛世",
    "鸿运",
]
TRADES += [f"{a}{b}" for a in "德隆富贵祥和泰丰" for b in "源达鑫利盛泰顺发"]


def database_fill(*, organizations: int, rng: random.Random) -> tuple[str, list[str]]:
    """Migrate the bench database (Django set up), file ``organizations`` employers and a
    12345 hotline source system; its API key and the employer names orders cite."""
    from django.core.management import call_command

    from qingling.intake.models import Channel
    from qingling.intake.services import source_system_create
    from qingling.parties.demo import fake_credit_code
    from qingling.parties.matching import block_key
    from qingling.parties.models import Organization

    call_command("migrate", verbosity=0)
    kinds = ["建筑工程有限公司", "建设有限公司", "劳务有限公司", "装饰工程有限公司"]
    names = [
        f"辽源市{rng.choice(TRADES)}{rng.choice(kinds)}{index}" for index in range(organizations)
    ]
    Organization.objects.bulk_create(
        (
            Organization(name=name, credit_code=fake_credit_code(rng), name_key=block_key(name))
            for name in names
        ),
        batch_size=2000,
    )
    _system, key = source_system_create(name="12345热线", channel=Channel.HOTLINE_12345, actor=None)
    return key, [f"辽源市{t}建筑工程有限公司" for t in TRADES]


def server_start(
    *, env: dict[str, str], port: int, workers: int | None = None, threads: int | None = None
) -> subprocess.Popen[bytes]:
    """The production server: gunicorn as config/gunicorn.py sets it up (``workers`` and
    ``threads`` override it), in a process group of its own so that a crash can be
    simulated by killing the group (``os.killpg``)."""
    from config import gunicorn as server_config

    return subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            str(ROOT / "config" / "gunicorn.py"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers or server_config.workers),
            "--threads",
            str(threads or server_config.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def server_wait(port: int, *, seconds: float = 30) -> None:
    """Return once the server at 127.0.0.1:``port`` answers."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def payloads(n: int, employers: list[str], rng: random.Random) -> list[dict[str, object]]:
    from faker import Faker

    from qingling.parties.demo import fake_mobile

    fake = Faker("zh_CN")
    fake.seed_instance(7)
    rows = []
    for index in range(n):
        employer = rng.choice(employers)
        headcount = rng.randint(1, 40)
        amount = Decimal(rng.randint(3, 600)) * 1000
        rows.append(
            {
                "source_ref": f"GD{index:07d}",
                "name": fake.name(),
                "phone": fake_mobile(rng),
                "employer_name": employer,
                "project_name": f"{fake.street_name()}小区",
                "amount": str(amount),
                "headcount": headcount,
                "period": "2020年10月至今",
                "narrative": (
                    f"市民来电反映：其在{employer}承建的{fake.street_name()}项目务工，"
                    f"公司拖欠其与工友共{headcount}人工资约{amount / 10000}万元。"
                ),
            }
        )
    return rows


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--organizations", type=int, default=20000)
    parser.add_argument("--workers", type=int, help="gunicorn workers (config/gunicorn.py's)")
    parser.add_argument("--threads", type=int, help="threads a worker (config/gunicorn.py's)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="qingling-bench-"))
    env = bench_environment(database_url(args.db, workdir), workdir)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection, transaction

    from qingling.intake.models import Channel, Complaint, SourceSystem

    rng = random.Random(2021)
    key, employers = database_fill(organizations=args.organizations, rng=rng)
    system = SourceSystem.objects.get()
    rows = payloads(args.n, employers, rng)
    connection.close()

    port = 8765
    from config import gunicorn as server_config

    server_workers = args.workers or server_config.workers
    server_threads = args.threads or server_config.threads
    server = server_start(env=env, port=port, workers=server_workers, threads=server_threads)
    try:
        server_wait(port)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        queue = iter(rows)

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            while True:
                with lock:
                    row = next(queue, None)
                if row is None:
                    return
                body = json.dumps(row, ensure_ascii=False).encode()
                started = time.perf_counter()
                conn.request("POST", "/api/v1/complaints", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        http_seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)

    stored = Complaint.objects.count()
    # Baseline: the same rows, one INSERT each in its own transaction, nothing else.
    template = Complaint.objects.first()
    assert template is not None
    started = time.perf_counter()
    for index, row in enumerate(rows):
        with transaction.atomic():
            Complaint.objects.create(
                channel=Channel.NATIONAL_PLATFORM,
                source_ref=f"RAW{index}",
                received_at=template.received_at,
                acceptance_due=template.acceptance_due,
                employer_name=str(row["employer_name"]),
                project_name=str(row["project_name"]),
                amount_claimed=Decimal(str(row["amount"])),
                headcount=int(str(row["headcount"])),
                narrative=str(row["narrative"]),
                source_system=system,
            )
    raw_seconds = time.perf_counter() - started

    print(f"machine: {machine()}")
    print(
        f"database: {args.db}; {args.organizations} organizations on file; {args.n} work "
        f"orders; {args.concurrency} client threads; gunicorn: {server_workers} workers, "
        + (f"{server_threads} threads each" if server_threads > 1 else "synchronous")
    )
    print(f"HTTP statuses: {statuses}; complaints stored: {stored}")
    print(
        f"HTTP intake: {args.n / http_seconds:.1f} complaints/s; latency p50 "
        f"{percentile(latencies, 0.5) * 1000:.0f} ms, p95 {percentile(latencies, 0.95) * 1000:.0f}"
        f" ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms, mean "
        f"{statistics.mean(latencies) * 1000:.0f} ms"
    )
    print(
        f"baseline raw insert: {args.n / raw_seconds:.1f} rows/s "
        f"({raw_seconds / args.n * 1000:.2f} ms a row)"
    )


if __name__ == "__main__":
    main()
