# ruff: noqa: S608, S106 - SQL assembled from integers and constants; throwaway accounts
"""The ledger, the 两清零 view, the XLSX export and the overdue scan at city scale.

    DATABASE_URL=sqlite:////tmp/qingling-ledger-bench.sqlite3 .venv/bin/python bench/ledger.py
    .venv/bin/python bench/ledger.py --postgres   # creates and drops qingling_ledger_bench

Builds 200,000 cases with 2,000,000 claims (10 per case) and 400,000 assignments
with one INSERT … SELECT each (a recursive CTE on SQLite, generate_series on
PostgreSQL), over 2,000 organizations, 50,000 people and 20 inspectors, then stores
each case's totals with the UPDATE the services and the migration use
(``qingling.cases.amounts.case_totals``) and analyses the tables (VACUUM ANALYZE on
PostgreSQL, as autovacuum would after a bulk load). Cases are
opened evenly from 2019-01-01 to 2026-11-26; the newest 4 % are open, the rest
closed (1 in 50 referred to court with half the money still owed). Then, signed in
as the city-wide section chief with Django's test Client, it times the ledger's
first page, a filtered page, page 2,000, the 两清零 view, the XLSX export of
100,000 rows (time, and peak traced memory in a second run), and
``case_deadlines_scan`` over all open cases. Baselines in the same run: raw SQL
aggregates over the same claims, and the naive ORM loop an export would be
without annotations (timed on 2,000 rows, extrapolated).
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = "qingling_ledger_bench"
POSTGRES = "--postgres" in sys.argv
if POSTGRES:
    os.environ["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_NAME
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/qingling-ledger-bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("QINGLING_ALLOWED_HOSTS", "testserver")


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN.replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute(sql)  # type: ignore[arg-type]


if POSTGRES:
    pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME}")
    pg_admin(
        f"CREATE DATABASE {PG_NAME} TEMPLATE template0 ENCODING 'UTF8' "
        "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
    )

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402

from qingling.accounts.models import Role, User  # noqa: E402
from qingling.accounts.services import org_unit_create, staff_create  # noqa: E402
from qingling.cases.amounts import case_totals  # noqa: E402
from qingling.cases.models import Case, Claim  # noqa: E402
from qingling.cases.services import case_deadlines_scan  # noqa: E402
from qingling.core.models import Division  # noqa: E402
from qingling.parties.models import Organization, Person  # noqa: E402

TODAY = dt.date(2026, 11, 27)
COUNTIES = ["220402", "220403", "220421", "220422"]
INSPECTORS_PER_COUNTY = 5


def sqlite() -> bool:
    return connection.vendor == "sqlite"


def build(cases: int, claims_per_case: int) -> User:
    database = settings.DATABASES["default"]["NAME"]
    if sqlite():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    city = org_unit_create(
        name="监察支队", division=Division.objects.get(code="220400"), actor=None
    )
    chief = staff_create(
        username="chief",
        full_name="科长",
        role=Role.SECTION_CHIEF,
        org_unit=city,
        password="secret-bench",
        actor=None,
    )
    inspector_ids = []
    for code in COUNTIES:
        unit = org_unit_create(
            name=f"{code}大队", division=Division.objects.get(code=code), actor=None
        )
        for j in range(INSPECTORS_PER_COUNTY):
            user = staff_create(
                username=f"i{code}{j}",
                full_name=f"监察员{code[-2:]}{j}",
                role=Role.INSPECTOR,
                org_unit=unit,
                password="secret-bench",
                actor=None,
            )
            inspector_ids.append(user.pk)
    assert inspector_ids == list(range(inspector_ids[0], inspector_ids[0] + len(inspector_ids)))
    Organization.objects.bulk_create(
        (
            Organization(name=f"辽源市第{n}建筑工程有限公司", name_key=f"d:di{n}")
            for n in range(2000)
        ),
        batch_size=2000,
    )
    Person.objects.bulk_create((Person(name=f"工人{n}") for n in range(50_000)), batch_size=5000)
    org0 = Organization.objects.order_by("pk").values_list("pk", flat=True).first()
    person0 = Person.objects.order_by("pk").values_list("pk", flat=True).first()
    insp0 = inspector_ids[0]
    parties = time.perf_counter() - start
    n, open_from = cases, int(cases * 0.96)
    now = "'2026-11-27 02:00:00+00:00'"  # inlined: no parameters, so % is modulo
    if sqlite():
        series = f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}), "
        series += (
            f"d(i, day) AS (SELECT i, date('2019-01-01', '+' || (i * 2886 / {n}) || ' days') "
            "FROM s) "
        )
        day, uuid = "day", "lower(hex(randomblob(16)))"
        year = "CAST(strftime('%Y', day) AS INTEGER)"
        plus = "date(day, '+{} days')"
        ks = (
            "WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k "
            f"WHERE k < {claims_per_case - 1}) "
        )
        two = "WITH t(r) AS (SELECT 0 UNION ALL SELECT 1) "
    else:
        series = (
            f"WITH d(i, day) AS (SELECT i, DATE '2019-01-01' + (i::bigint * 2886 / {n})::int "
            f"FROM generate_series(1, {n}) i) "
        )
        day, uuid = "day", "gen_random_uuid()"
        year = "EXTRACT(YEAR FROM day)::int"
        plus = "(day + {})"
        ks = f"WITH k(k) AS (SELECT generate_series(0, {claims_per_case - 1})) "
        two = "WITH t(r) AS (SELECT generate_series(0, 1)) "
    status = (
        f"CASE WHEN i <= {open_from} THEN 'closed' ELSE "
        "(CASE i % 4 WHEN 0 THEN 'opened' WHEN 1 THEN 'investigating' "
        "WHEN 2 THEN 'order_issued' ELSE 'closing_requested' END) END"
    )
    outcome = (
        f"CASE WHEN i > {open_from} THEN '' WHEN i % 50 = 0 THEN 'arbitration_or_court' "
        "ELSE 'paid_in_full' END"
    )
    county = (
        "CASE i % 4 " + " ".join(f"WHEN {k} THEN '{c}'" for k, c in enumerate(COUNTIES)) + " END"
    )
    fmt = f"'辽人社监立〔' || {year} || '〕' || i || '号'"
    with connection.cursor() as cursor:
        start_cases = time.perf_counter()
        cursor.execute(
            series
            + f"""INSERT INTO cases_case (created_at, updated_at, public_id, number, year, sequence,
                status, outcome, respondent_id, project_id, division_id, summary,
                facts_for_respondent, opened_on,
                investigation_due, investigation_due_provisional, extended, extension_reason,
                order_issued_on, order_due, extra_compensation_rate, extra_compensation_reason,
                closing_note, closed_on, status_changed_at, worker_count, total_claimed,
                total_paid, total_outstanding)
            SELECT {now}, {now}, {uuid}, {fmt}, {year}, i, {status}, {outcome},
                {org0} + i % 2000, NULL,
                {county}, '', '', {day}, {plus.format(84)}, FALSE, FALSE, '',
                CASE WHEN {status} = 'order_issued' THEN {plus.format(30)} END,
                CASE WHEN {status} = 'order_issued' THEN {plus.format(45)} END,
                NULL, '', '', CASE WHEN i <= {open_from} THEN {plus.format(70)} END, {now},
                0, 0, 0, 0
            FROM d""",
        )
        case0 = Case.objects.order_by("pk").values_list("pk", flat=True).first()
        assert case0 is not None
        cases_time = time.perf_counter() - start_cases
        start_claims = time.perf_counter()
        claimed = "(1000 + ((c.id * 7 + k * 13) % 90) * 100)"
        cursor.execute(
            ks
            + f"""INSERT INTO cases_claim (created_at, updated_at, case_id, worker_id, claimed,
                verified, ordered, paid, explanation)
            SELECT {now}, {now}, c.id,
                {person0} + ((c.id * {claims_per_case} + k) % 50000), {claimed},
                CASE WHEN k % 2 = 0 THEN {claimed} END, NULL,
                CASE WHEN c.outcome = 'paid_in_full' THEN {claimed}
                     WHEN c.outcome <> '' OR k % 2 = 0 THEN {claimed} / 2 ELSE 0 END, ''
            FROM cases_case c CROSS JOIN k"""
        )
        claims_time = time.perf_counter() - start_claims
        # The case totals, stored as the claim and payment services store them (one
        # UPDATE with the services' expressions, as the migration fills them).
        start_totals = time.perf_counter()
        Case.objects.update(**case_totals(Claim.objects.all()))
        totals_time = time.perf_counter() - start_totals
        cursor.execute(
            two
            + f"""INSERT INTO cases_caseinspector (created_at, updated_at, case_id, inspector_id,
                role, removed_at)
            SELECT {now}, {now}, c.id,
                {insp0} + ((c.id - {case0} + 1) % 4) * {INSPECTORS_PER_COUNTY}
                    + ((c.id + r) % {INSPECTORS_PER_COUNTY}),
                CASE WHEN r = 0 THEN 'lead' ELSE 'co' END, NULL
            FROM cases_case c CROSS JOIN t"""
        )
        # PostgreSQL: VACUUM as autovacuum would after a bulk load (the totals' UPDATE
        # leaves a dead version of every case; index-only scans need the visibility map).
        cursor.execute("ANALYZE" if sqlite() else "VACUUM ANALYZE")
    total = time.perf_counter() - start
    print(
        f"built in {total:.1f} s: parties {parties:.1f} s, {n:,} cases {cases_time:.1f} s, "
        f"{n * claims_per_case:,} claims {claims_time:.1f} s, case totals {totals_time:.1f} s"
    )
    return chief


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    p50, p95, top = cuts[49] * 1000, cuts[94] * 1000, max(samples) * 1000
    return f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {top:7.1f} ms"


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    run()  # warm
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return samples


def get(client: Client, url: str) -> Callable[[], object]:
    def run() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return run


def export_rows(client: Client, url: str) -> tuple[int, float]:
    start = time.perf_counter()
    response = client.get(url)
    size = sum(len(chunk) for chunk in response.streaming_content)  # type: ignore[attr-defined]
    return size, time.perf_counter() - start


def naive_export(rows: int) -> float:
    """What the export would cost as a plain ORM loop: per case, its claims and inspectors."""
    start = time.perf_counter()
    for case in Case.objects.order_by("-opened_on", "-sequence")[:rows]:
        claims = list(case.claims.all())
        (
            sum(c.claimed for c in claims),
            sum(c.paid for c in claims),
            sum(c.outstanding for c in claims),
        )
        _names = [str(a.inspector) for a in case.assignments.filter(removed_at=None)]
        _parties = (case.respondent.name, case.division.name)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--claims-per-case", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--export-rows", type=int, default=100_000)
    args = parser.parse_args()
    print(f"{connection.vendor} {connection.settings_dict['NAME']}")
    try:
        chief = build(args.cases, args.claims_per_case)
        client = Client()
        client.force_login(chief)
        lead = User.objects.get(username="i2204021")
        pages = {
            "ledger page 1": "/reports/ledger/",
            "ledger filtered (open, 龙山区, overdue, one lead)": (
                f"/reports/ledger/?status=open&division=220402&overdue=on&lead={lead.pk}"
            ),
            "ledger filtered (outstanding, 2024)": (
                "/reports/ledger/?outstanding=on&opened_from=2024-01-01&opened_to=2024-12-31"
            ),
            "ledger search (respondent)": "/reports/ledger/?q=%E7%AC%AC1234%E5%BB%BA",
            "ledger page 2000": "/reports/ledger/?page=2000",
            "两清零 view (2026)": "/reports/clearance/?year=2026",
        }
        for label, url in pages.items():
            print(f"{label:52} {percentiles(timed(get(client, url), args.repeat))}")
        with connection.cursor() as cursor:
            sql = (
                "SELECT count(*), sum(claimed), sum(paid), "
                "sum(CASE WHEN COALESCE(ordered, verified, claimed) > paid "
                "THEN COALESCE(ordered, verified, claimed) - paid ELSE 0 END) FROM cases_claim"
            )
            samples = timed(lambda: cursor.execute(sql) and cursor.fetchall(), 5)
            cursor.execute(sql)
            print(
                f"{'baseline raw SQL sum over all claims':52} {percentiles(samples)}",
                cursor.fetchone(),
            )
            open_sql = "SELECT count(*) FROM cases_case WHERE status <> 'closed'"
            samples = timed(lambda: cursor.execute(open_sql) and cursor.fetchall(), 5)
            print(f"{'baseline raw SQL count of open cases':52} {percentiles(samples)}")
        # The export: 100,000 rows (the newest), timed, then traced for peak memory.
        first = Case.objects.order_by("-opened_on", "-sequence").values_list(
            "opened_on", flat=True
        )[args.export_rows - 1]
        url = f"/reports/ledger.xlsx?opened_from={first.isoformat()}"
        rows = Case.objects.filter(opened_on__gte=first).count()
        size, seconds = export_rows(client, url)
        print(f"export {rows:,} rows: {seconds:.1f} s, {size / 1e6:.1f} MB xlsx")
        tracemalloc.start()
        _size, traced_seconds = export_rows(client, url)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"export peak traced memory {peak / 1e6:.1f} MB (traced run {traced_seconds:.1f} s)")
        naive = 2000
        seconds = naive_export(naive)
        print(
            f"baseline naive ORM loop: {naive:,} rows {seconds:.1f} s "
            f"→ {seconds / naive * rows:.0f} s for {rows:,} rows (extrapolated)"
        )
        open_cases = Case.objects.exclude(status="closed").count()
        start = time.perf_counter()
        counts = case_deadlines_scan(today=TODAY)
        first_scan = time.perf_counter() - start
        start = time.perf_counter()
        again = case_deadlines_scan(today=TODAY)
        second_scan = time.perf_counter() - start
        print(
            f"case_deadlines_scan over {open_cases:,} open cases: {first_scan:.1f} s {counts}; "
            f"second run {second_scan:.2f} s {again}"
        )
    finally:
        if POSTGRES:
            connections.close_all()
            pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME}")


if __name__ == "__main__":
    main()
