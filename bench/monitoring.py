# ruff: noqa: S608 - SQL assembled from integers, constants and our own paths
"""The monitoring rules (issue 16) on a province-sized month, on DuckDB and on Spark.

Generates, inside DuckDB (range() → COPY … TO parquet, no Python loop), one month of
Parquet files: 20,000 projects, 4,000,000 roster places (worker × project; 200,000
workers on two projects), 25 attendance days each = 100,000,000 attendance rows, one
payroll row a place (some late, some reversed, some above 50,000, some below the
minimum wage, some through another account), a labour cost a project (some late), and
1 bad ID number in 100,000 rows. Then, each in its own process so that its peak RSS is
its own:

- baseline: a plain DuckDB scan of the same files that reads every value the rules
  read and counts the rows (no validation, no rule);
- the rules on DuckDB (threads = 2), the whole `qingling.prevention.monitoring.run`;
- on a 10,000,000-row sample: the rules on Spark local[2], and on DuckDB for comparison.

    .venv/bin/python bench/monitoring.py [--rows 100000000] [--spark-rows 10000000]
        [--dir $TMPDIR/qingling-monitoring-bench] [--skip-spark] [--keep]
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAYS = 25  # attendance days per roster place
PROJECTS_PER_PLACE = 200  # places per project
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_sql(body: str) -> str:
    """A valid ID number from a 17-digit body expression (the GB 11643 check digit)."""
    total = " + ".join(
        f"(ascii(substr({body}, {i + 1}, 1)) - 48) * {w}" for i, w in enumerate(WEIGHTS)
    )
    return f"{body} || substr('10X98765432', (({total}) % 11) + 1, 1)"


def generate(folder: Path, rows: int, threads: int) -> dict[str, float]:
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    places = rows // DAYS
    projects = max(places // PROJECTS_PER_PLACE, 1)
    # 1 place in 20: a worker's second project. Places are numbered project by project
    # (200 each), so place i and place i + workers (the same worker) are on two projects.
    workers = max(places - places // 20, 1)
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    started = time.perf_counter()
    # 17-digit bodies: 龙山区, a birth date 1960-01-01 + (i % 15000) days, a sequence.
    body = (
        "'220402' || strftime(DATE '1960-01-01' + CAST(i % 15000 AS INTEGER), '%Y%m%d') "
        "|| lpad(CAST((i // 15000) % 1000 AS VARCHAR), 3, '0')"
    )
    con.execute(
        f"CREATE TABLE workers AS SELECT i AS w, {id_sql(f'({body})')} AS id "
        f"FROM range({workers}) t(i)"
    )
    con.execute(
        f"""CREATE TABLE places AS SELECT i AS place,
            'P' || lpad(CAST(LEAST(i // {PROJECTS_PER_PLACE}, {projects - 1}) AS VARCHAR), 6, '0')
              AS project_code,
            w.id AS worker_id FROM range({places}) t(i) JOIN workers w ON w.w = i % {workers}"""
    )
    con.execute(
        f"""COPY (SELECT 'P' || lpad(CAST(i AS VARCHAR), 6, '0') AS project_code,
              '项目' || i AS name,
              ['220402', '220403', '220421', '220422', '220102', '220202'][1 + i % 6]
                AS division_code,
              '91220400MA' || lpad(CAST(i AS VARCHAR), 8, '0') AS general_contractor_code,
              '6222' || lpad(CAST(i AS VARCHAR), 12, '0') AS wage_account,
              DATE '2023-03-01' + CAST(i % 300 AS INTEGER) AS start_date,
              CAST(NULL AS DATE) AS end_date
            FROM range({projects}) t(i)) TO '{folder}/projects.parquet' (FORMAT parquet)"""
    )
    con.execute(
        f"""COPY (SELECT project_code, worker_id, 'E' || (place % 997) AS employer_code,
              DATE '2023-06-01' + CAST(place % 200 AS INTEGER) AS joined_on,
              CASE WHEN place % 50 = 0 THEN DATE '2024-02-15' END AS left_on
            FROM places) TO '{folder}/roster.parquet' (FORMAT parquet)"""
    )
    # 1 row in 100,000 has its ID number's last digit changed (a bad row).
    con.execute(
        f"""COPY (SELECT p.project_code,
              CASE WHEN i % 100000 = 7 THEN substr(p.worker_id, 1, 17) ||
                CASE WHEN substr(p.worker_id, 18, 1) = '1' THEN '2' ELSE '1' END
                ELSE p.worker_id END AS worker_id,
              DATE '2024-03-01' + CAST(i % {DAYS} AS INTEGER) AS day
            FROM range({places * DAYS}) t(i) JOIN places p ON p.place = i // {DAYS})
          TO '{folder}/attendance.parquet' (FORMAT parquet)"""
    )
    con.execute(
        f"""COPY (SELECT project_code, worker_id, '2024-03' AS wage_month,
              CAST(CASE WHEN place % 1000 = 1 THEN 60000
                        WHEN place % 100 = 2 THEN 1200
                        ELSE 2500 + (place % 6000) END AS DECIMAL(18, 2)) AS amount,
              CASE WHEN place % 200 = 3 THEN DATE '2024-05-06' ELSE DATE '2024-04-10' END
                AS paid_on,
              CASE WHEN place % {PROJECTS_PER_PLACE * 50} < {PROJECTS_PER_PLACE}
                THEN 0 ELSE 1 END AS via_wage_account
            FROM places
            UNION ALL
            SELECT project_code, worker_id, '2024-03', CAST(-2500 AS DECIMAL(18, 2)),
              DATE '2024-04-20',
              CASE WHEN place % {PROJECTS_PER_PLACE * 50} < {PROJECTS_PER_PLACE}
                THEN 0 ELSE 1 END FROM places WHERE place % 500 = 4)
          TO '{folder}/payroll.parquet' (FORMAT parquet)"""
    )
    con.execute(
        f"""COPY (SELECT 'P' || lpad(CAST(i AS VARCHAR), 6, '0') AS project_code,
              '2024-03' AS month, CAST(100000 + i AS DECIMAL(18, 2)) AS amount,
              CASE WHEN i % 40 = 5 THEN DATE '2024-05-02' ELSE DATE '2024-04-05' END
                AS transferred_on
            FROM range({projects}) t(i)) TO '{folder}/labour_cost.parquet' (FORMAT parquet)"""
    )
    con.close()
    sizes = {p.name: p.stat().st_size / 1e6 for p in sorted(folder.glob("*.parquet"))}
    return {"seconds": time.perf_counter() - started, **sizes}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, folder: Path, threads: int) -> dict[str, object]:
    """Run in a child process: one measurement, printed as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from qingling.prevention.monitoring import run
    from qingling.prevention.monitoring.engines import DuckDBEngine, SparkEngine
    from qingling.prevention.monitoring.rules import MonthWindow
    from qingling.prevention.services import thresholds_from_settings

    month = MonthWindow.parse("2024-03")
    started = time.perf_counter()
    if kind == "baseline":
        engine = DuckDBEngine(threads=threads)
        counts = {}
        for table, columns in {
            "attendance": "project_code, worker_id, day",
            "payroll": "project_code, worker_id, wage_month, amount, paid_on, via_wage_account",
            "roster": "project_code, worker_id, joined_on, left_on",
            "labour_cost": "project_code, month, amount, transferred_on",
            "projects": "project_code, division_code",
        }.items():
            # A hash of every value, so each is read and decompressed (count(column) or
            # max(column) of a Parquet file can be answered from its statistics).
            names = ", ".join(f"sum(hash({c}))" for c in columns.split(", "))
            names = f"count(*), {names}"
            counts[table] = engine.fetch(
                f"SELECT {names} FROM read_parquet('{folder}/{table}.parquet')"
            )[0][0]
        engine.close()
        out: dict[str, object] = {"rows": counts}
    else:
        if kind == "spark":
            # 2 GB (the default) fails broadcasting a join of the 10 M-row sample's rejects.
            os.environ.setdefault("QINGLING_SPARK_DRIVER_MEMORY", "6g")
            engine = SparkEngine(master=f"local[{threads}]", shuffle_partitions=threads * 4)
            started = time.perf_counter()  # the rules, not the JVM's start
        else:
            engine = DuckDBEngine(threads=threads, temp_directory=str(folder / ".spill"))
        result = run(folder, month, thresholds_from_settings(), engine)
        engine.close()
        by_rule: dict[str, int] = {}
        for warning in result.warnings:
            key = f"{warning.rule} {warning.level}"
            by_rule[key] = by_rule.get(key, 0) + 1
        out = {"warnings": by_rule, "rejects": len(result.rejects)}
    out["seconds"] = time.perf_counter() - started
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def child(kind: str, folder: Path, threads: int) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 (this script, with our own arguments)
        [
            sys.executable,
            __file__,
            "--measure",
            kind,
            "--dir",
            str(folder),
            "--threads",
            str(threads),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--spark-rows", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "qingling-monitoring-bench"
    )
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--measure", choices=["baseline", "duckdb", "spark"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.dir, args.threads)))
        return

    free = shutil.disk_usage(tempfile.gettempdir()).free / 1e9
    print(f"machine: {os.cpu_count()} CPUs, {free:.0f} GB free in tmp")
    big, sample = args.dir / "full", args.dir / "sample"
    print(f"generating {args.rows:,} attendance rows in {big} …", flush=True)
    print("generated:", json.dumps(generate(big, args.rows, args.threads)), flush=True)
    baseline = child("baseline", big, args.threads)
    print("baseline (DuckDB scan and count):", json.dumps(baseline), flush=True)
    rules = child("duckdb", big, args.threads)
    print("rules on DuckDB:", json.dumps(rules), flush=True)
    seconds, base = float(rules["seconds"]), float(baseline["seconds"])  # type: ignore[arg-type]
    print(
        f"HEADLINE {args.rows:,} rows: rules {seconds:.1f} s = {seconds / base:.1f}x the scan "
        f"baseline ({base:.1f} s); peak RSS {rules['peak_rss_mb']:.0f} MB "
        f"(baseline {baseline['peak_rss_mb']:.0f} MB); threads {args.threads}"
    )
    if not args.keep:
        shutil.rmtree(big)
    if not args.skip_spark:
        print(f"generating the {args.spark_rows:,}-row sample in {sample} …", flush=True)
        print("generated:", json.dumps(generate(sample, args.spark_rows, args.threads)), flush=True)
        on_duckdb = child("duckdb", sample, args.threads)
        print("sample, rules on DuckDB:", json.dumps(on_duckdb), flush=True)
        on_spark = child("spark", sample, args.threads)
        print(f"sample, rules on Spark local[{args.threads}]:", json.dumps(on_spark), flush=True)
        same = (on_spark["warnings"], on_spark["rejects"]) == (
            on_duckdb["warnings"],
            on_duckdb["rejects"],
        )
        print(
            f"HEADLINE sample {args.spark_rows:,} rows: Spark {on_spark['seconds']:.1f} s, "
            f"DuckDB {on_duckdb['seconds']:.1f} s; same warnings and rejects: {same}"
        )
        if not args.keep:
            shutil.rmtree(sample)


if __name__ == "__main__":
    main()
