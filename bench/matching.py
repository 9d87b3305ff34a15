"""Job matching: `recommend_postings` for 100,000 workers and 15,000 postings, top 10 each.

Run: .venv/bin/python bench/matching.py [--seekers 100000] [--postings 15000]
     [--sample 300] [--seed 1]

Generates (seeded) workers and postings spread as the Spring-Festival return looks in
辽源: most workers want one to three of twenty common medium groups, building (6-29)
first, and go to a few provinces and cities (大连, 山东, 北京, 江苏, 深圳, home);
travel windows fall in February and March; wages are 3,000–9,000 yuan. It times
`recommend_postings` for every worker and, in the same run, the all-pairs
`brute_force_recommend` on a sample of workers (extrapolated to all), and checks that
both give the same lists for the sample. No Django set-up is needed: matching is pure.
"""

import argparse
import os
import platform
import random
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qingling.employment.matching import (
    PostingIndex,
    PostingProfile,
    SeekerProfile,
    brute_force_recommend,
    recommend_postings,
)

# Medium groups of 职业分类大典 (6-29 建筑施工人员 first), weighted by how often
# migrant workers from the North-East name them.
OCCUPATIONS = {
    "6-29": 30,
    "6-22": 6,
    "6-25": 6,
    "6-28": 5,
    "6-18": 4,
    "6-20": 4,
    "6-21": 3,
    "6-24": 3,
    "6-26": 3,
    "6-01": 3,
    "6-05": 3,
    "6-31": 3,
    "4-02": 8,
    "4-03": 8,
    "4-10": 5,
    "4-07": 4,
    "4-01": 3,
    "4-04": 2,
    "4-09": 2,
    "5-01": 2,
}
MAJORS = ("6", "4")
# Destinations a worker names: province, city or county codes (GB/T 2260).
DESTINATIONS = {
    "210200": 20,  # 大连市
    "370000": 15,  # 山东省
    "110000": 12,  # 北京市
    "320000": 10,  # 江苏省
    "440300": 8,  # 深圳市
    "220400": 12,  # 辽源市, home
    "220402": 3,  # 龙山区
    "370200": 5,  # 青岛市
    "330000": 5,  # 浙江省
    "120000": 4,  # 天津市
    "220100": 6,  # 长春市
}
# Workplaces (county-level codes) of the postings.
PLACES = {
    "210202": 6,
    "210203": 4,
    "210211": 5,
    "210213": 5,
    "370102": 3,
    "370112": 3,
    "370202": 4,
    "370203": 3,
    "370211": 4,
    "370602": 2,
    "371302": 2,
    "110105": 5,
    "110108": 4,
    "110112": 4,
    "320102": 2,
    "320211": 2,
    "320506": 3,
    "320583": 3,
    "440304": 3,
    "440305": 3,
    "440306": 4,
    "220402": 6,
    "220403": 4,
    "220421": 2,
    "220422": 2,
    "220102": 4,
    "220104": 3,
    "330106": 2,
    "330205": 2,
    "120116": 3,
    "310115": 2,
    "440106": 2,
}
SEASON = date(2027, 2, 1)  # the Spring Festival of 2027 falls on 6 February


def weighted(rng: random.Random, table: dict[str, int], count: int) -> tuple[str, ...]:
    """Draw `count` distinct keys of `table`, each as often as its weight says."""
    chosen: list[str] = []
    while len(chosen) < count:
        (pick,) = rng.choices(tuple(table), weights=tuple(table.values()))
        if pick not in chosen:
            chosen.append(pick)
    return tuple(chosen)


def make_seekers(rng: random.Random, count: int) -> list[SeekerProfile]:
    seekers = []
    for i in range(count):
        occupations: tuple[str, ...] = ()
        if rng.random() < 0.9:
            occupations = weighted(rng, OCCUPATIONS, rng.choice((1, 1, 2, 2, 3)))
            if rng.random() < 0.1:
                occupations = (occupations[0].split("-")[0], *occupations[1:])
        destinations: tuple[str, ...] = ()
        if rng.random() < 0.85:
            destinations = weighted(rng, DESTINATIONS, rng.choice((1, 1, 1, 2, 2, 3)))
        earliest = latest = None
        if rng.random() < 0.85:
            earliest = SEASON + timedelta(days=rng.randrange(0, 45))
            if rng.random() < 0.7:
                latest = earliest + timedelta(days=rng.randrange(7, 31))
        wage = Decimal(rng.randrange(3000, 9001, 100)) if rng.random() < 0.85 else None
        seekers.append(SeekerProfile(i + 1, occupations, destinations, earliest, latest, wage))
    return seekers


def make_postings(rng: random.Random, count: int) -> list[PostingProfile]:
    postings = []
    for i in range(count):
        (occupation,) = weighted(rng, OCCUPATIONS, 1)
        (place,) = weighted(rng, PLACES, 1)
        starts = SEASON + timedelta(days=rng.randrange(-10, 60)) if rng.random() < 0.8 else None
        expires = (starts or SEASON) + timedelta(days=rng.randrange(15, 91))
        pay_min = Decimal(rng.randrange(3000, 8001, 100))
        pay_max = pay_min + Decimal(rng.randrange(0, 3001, 100))
        openings = 0 if rng.random() < 0.02 else min(int(rng.expovariate(1 / 8)) + 1, 200)
        postings.append(
            PostingProfile(
                100_000 + i, occupation, place, starts, expires, pay_min, pay_max, openings
            )
        )
    return postings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=15_000)
    parser.add_argument("--sample", type=int, default=300, help="workers for the baseline")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    seekers = make_seekers(rng, args.seekers)
    postings = make_postings(rng, args.postings)
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(f"Machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}")
    print(f"{len(seekers):,} workers, {len(postings):,} postings, top {args.k}, seed {args.seed}")

    started = time.perf_counter()
    index = PostingIndex(postings)
    built = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    fast = recommend_postings(seekers, postings, k=args.k)
    elapsed, cpu_time = time.perf_counter() - started, time.process_time() - cpu_started
    lengths = [len(matches) for matches in fast.values()]
    print(f"PostingIndex build: {built:.2f} s ({len(index):,} live postings)")
    print(
        f"recommend_postings (index built inside): {elapsed:.2f} s, "
        f"{elapsed / len(seekers) * 1e6:.0f} µs a worker (CPU time {cpu_time:.2f} s)"
    )
    print(
        f"  lists: mean length {statistics.fmean(lengths):.2f}, "
        f"empty {lengths.count(0):,} ({lengths.count(0) / len(lengths):.1%}), "
        f"best score median {statistics.median(m[0].score for m in fast.values() if m):.2f}"
    )

    sample = random.Random(args.seed + 1).sample(seekers, min(args.sample, len(seekers)))
    started, cpu_started = time.perf_counter(), time.process_time()
    brute = brute_force_recommend(sample, postings, k=args.k)
    brute_elapsed = time.perf_counter() - started
    brute_cpu = time.process_time() - cpu_started
    projected = brute_elapsed / len(sample) * len(seekers)
    print(
        f"brute_force_recommend on {len(sample)} workers: {brute_elapsed:.2f} s, "
        f"{brute_elapsed / len(sample) * 1e3:.1f} ms a worker (CPU time {brute_cpu:.2f} s), "
        f"projected to {len(seekers):,}: {projected:,.0f} s ({projected / 3600:.1f} h)"
    )
    cpu_projected = brute_cpu / len(sample) * len(seekers)
    speed_up = f"{projected / elapsed:,.0f}× wall, {cpu_projected / cpu_time:,.0f}× CPU time"
    print(f"  speed-up: {speed_up}")
    same = all(fast[s.id] == brute[s.id] for s in sample)
    print(f"  same lists, scores and reasons as the baseline for the sample: {same}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory (max RSS, whole run): {peak:,.0f} MB")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
