"""Duplicate-suggestion latency: `organization_match_candidates` with 200,000 organizations.

    .venv/bin/python bench/match_latency.py [--organizations 200000] [--queries 1000]

Builds a throwaway SQLite database (DATABASE_URL, default
sqlite:///$TMPDIR/qingling-bench.sqlite3, deleted first), migrates it, bulk-creates
the organizations with their `name_key` as the services set it, and times 1,000
queries (variants of names on file, new names, credit codes) against

* a full scan: rapidfuzz ``process.extract`` over all names held in memory
  (the names are loaded once, outside the timing), and
* a ``name__contains`` prefilter on the trade name's first character, scored
  with `similarity` (what one would do without a stored key).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_DB = Path(tempfile.gettempdir()) / "qingling-bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DEFAULT_DB}")

import django  # noqa: E402

django.setup()

from dedupe import HOMOPHONES, INDUSTRIES, LEGAL_FORMS, PREFIXES, credit_code, variant  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from qingling.parties.matching import CANDIDATE_THRESHOLD, block_key, name_key, similarity  # noqa: E402
from qingling.parties.models import Organization  # noqa: E402
from qingling.parties.selectors import organization_match_candidates  # noqa: E402

# A wider alphabet than the labelled benchmark: 200,000 employers need more trade names.
EXTRA_CHARS = "恩宝诚大德发富刚国海豪好和红辉吉嘉建杰今晋景九康坤蓝乐联林龙路茂民南宁平奇启千强"
EXTRA_CHARS += "庆秋全仁日三森山尚胜时实四泰唐特天万威文西祥小新信星雄旭亚阳一益银英友玉元粤志众"
TRADE_CHARS = tuple(dict.fromkeys(tuple(HOMOPHONES) + tuple(EXTRA_CHARS)))


def trade_name(rng: random.Random) -> str:
    return "".join(rng.choice(TRADE_CHARS) for _ in range(rng.choice((2, 2, 2, 3, 3, 4))))


def populate(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """Bulk-create `count` organizations; return (name, code, trade) for each."""
    rows: list[tuple[str, str, str]] = []
    names: set[str] = set()
    codes: set[str] = set()
    while len(rows) < count:
        trade = trade_name(rng)
        prefix, industry, legal = (rng.choice(x) for x in (PREFIXES, INDUSTRIES, LEGAL_FORMS))
        name = f"{prefix}{trade}{industry}{legal}"
        if name in names:
            continue
        code = credit_code(rng) if rng.random() < 0.6 else ""
        if code in codes:
            continue
        names.add(name)
        if code:
            codes.add(code)
        rows.append((name, code, trade))
    batch = [
        Organization(name=name, credit_code=code, name_key=block_key(name))
        for name, code, _trade in rows
    ]
    Organization.objects.bulk_create(batch, batch_size=5000)
    return rows


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return (
        f"p50 {cuts[49] * 1000:7.2f} ms  p95 {cuts[94] * 1000:7.2f} ms  "
        f"p99 {cuts[98] * 1000:7.2f} ms  max {max(samples) * 1000:7.2f} ms"
    )


def timed(run: Callable[[str, str], object], queries: list[tuple[str, str]]) -> list[float]:
    samples = []
    for name, code in queries:
        start = time.perf_counter()
        run(name, code)
        samples.append(time.perf_counter() - start)
    return samples


def contains_prefilter(name: str, code: str) -> list[tuple[int, float]]:
    trade = name_key(name).trade
    rows = Organization.objects.filter(name__contains=trade[:1]).values_list(
        "id", "name", "credit_code"
    )
    scored = [(pk, similarity(name, other, code_a=code, code_b=c)) for pk, other, c in rows]
    return sorted((p for p in scored if p[1] >= CANDIDATE_THRESHOLD), key=lambda p: -p[1])[:5]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--baseline-queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    database = Path(settings.DATABASES["default"]["NAME"])
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        database.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    start = time.perf_counter()
    rows = populate(rng, args.organizations)
    print(
        f"{len(rows)} organizations in {database} ({connection.vendor}), "
        f"built in {time.perf_counter() - start:.0f} s"
    )
    queries: list[tuple[str, str]] = []
    for _ in range(args.queries):
        roll = rng.random()
        name, code, trade = rng.choice(rows)
        industry = next((i for i in INDUSTRIES if i in name), INDUSTRIES[0])
        if roll < 0.7:  # how a complainant writes an employer on file
            queries.append((variant(rng, trade, industry), ""))
        elif roll < 0.85:  # an employer not on file
            queries.append((f"辽源市{trade_name(rng)}{industry}有限公司", ""))
        else:  # a name with the credit code
            queries.append((name, code or credit_code(rng)))
    blocks = [
        Organization.objects.filter(name_key__startswith=name_key(q).initials[:2]).count()
        for q, _code in queries[:200]
    ]
    print(
        f"block (rows sharing the first two initials), 200 queries: "
        f"median {statistics.median(blocks):.0f}, max {max(blocks)}"
    )

    def ours(name: str, code: str) -> object:
        return organization_match_candidates(name=name, credit_code=code)

    for name, code in queries[:20]:  # warm up pypinyin and the connection
        ours(name, code)
    results = [(f"organization_match_candidates ({args.queries} queries)", timed(ours, queries))]
    all_names = list(Organization.objects.values_list("name", flat=True))

    def full_scan(name: str, _code: str) -> object:
        return process.extract(name, all_names, scorer=fuzz.WRatio, limit=5)

    base = queries[: args.baseline_queries]
    results.append((f"full-scan process.extract WRatio ({len(base)})", timed(full_scan, base)))
    results.append(
        (
            f"name__contains prefilter + similarity ({len(base[:100])})",
            timed(contains_prefilter, base[:100]),
        )
    )
    for label, samples in results:
        print(f"{label:<52} {percentiles(samples)}")


if __name__ == "__main__":
    main()
