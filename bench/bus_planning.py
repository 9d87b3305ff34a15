"""Chartered-bus planning for 14,000 workers: `qingling.employment.buses.plan_buses`.

    .venv/bin/python bench/bus_planning.py [--workers 14000] [--seed 1] [--runs 3]

Generates workers (seeded) for 8 destinations over 7 days, each with a window of
0–2 extra days, and plans 45-seat buses with a 10 s limit. Prints the bus count,
the lower bound Σ⌈n/seats⌉ per destination, the bound the planner proved, whether
the plan is proven optimal, and the time (median of the runs). In the same run:

* the fixed-date variant (earliest = latest), whose optimum is Σ⌈n/seats⌉ per
  destination and day, checked;
* a sparse variant (dates over a whole year, windows of 0–20 days), the hardest
  shape for the model: many small classes;
* the plain aggregated CP-SAT model (no cuts, no bound, no hint; one model for all
  destinations, as first tried), once, with the same 10 s limit;
* baselines: first-fit by earliest date (a worker boards the first bus of their
  destination with a free seat on a day in their window, or opens one on their
  earliest date), and an earliest-deadline greedy written here from scratch
  (a bus leaves when someone's window closes, filled with the windows closing
  soonest).
"""

import argparse
import heapq
import math
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from qingling.employment.buses import BusPlan, TravelRequest, plan_buses  # noqa: E402

DESTINATIONS = ("大连市", "山东省", "江苏省", "天津市", "沈阳市", "浙江省", "北京市", "长春市")
WEIGHTS = (30, 20, 14, 10, 9, 7, 6, 4)  # uneven, as real flows are
FIRST_DAY = date(2026, 2, 24)  # the days after 元宵节
SEATS = 45
THREADS = 2  # CP-SAT search threads (its num_workers), as plan_buses uses by default


def generate(
    rng: random.Random, count: int, *, days: int = 7, flex: int = 2
) -> list[TravelRequest]:
    requests = []
    for n in range(count):
        earliest = FIRST_DAY + timedelta(days=rng.randrange(days))
        requests.append(
            TravelRequest(
                worker=f"W{n:05d}",
                destination=rng.choices(DESTINATIONS, WEIGHTS)[0],
                earliest=earliest,
                latest=earliest + timedelta(days=rng.randint(0, flex)),
            )
        )
    return requests


def fixed(requests: list[TravelRequest]) -> list[TravelRequest]:
    return [TravelRequest(r.worker, r.destination, r.earliest, r.earliest) for r in requests]


def per_destination_bound(requests: list[TravelRequest]) -> int:
    return sum(math.ceil(n / SEATS) for n in Counter(r.destination for r in requests).values())


def per_destination_and_day_bound(requests: list[TravelRequest]) -> int:
    groups = Counter((r.destination, r.earliest) for r in requests)
    return sum(math.ceil(n / SEATS) for n in groups.values())


def first_fit(requests: list[TravelRequest]) -> int:
    """Workers by earliest date board the first bus with a free seat, or open one."""
    days: dict[str, list[date]] = defaultdict(list)  # per destination, each bus's date
    taken: dict[str, list[int]] = defaultdict(list)  # and its seats taken
    for r in sorted(requests, key=lambda r: (r.earliest, r.latest, r.worker)):
        bus_days, bus_taken = days[r.destination], taken[r.destination]
        for bus, day in enumerate(bus_days):
            if bus_taken[bus] < SEATS and r.earliest <= day <= r.latest:
                bus_taken[bus] += 1
                break
        else:
            bus_days.append(r.earliest)
            bus_taken.append(1)
    return sum(len(bus_days) for bus_days in days.values())


def earliest_deadline(requests: list[TravelRequest]) -> int:
    """Buses leave only for workers who cannot wait for the next departure day."""
    count = 0
    by_destination: dict[str, list[TravelRequest]] = defaultdict(list)
    for r in requests:
        by_destination[r.destination].append(r)
    for group in by_destination.values():
        group.sort(key=lambda r: r.earliest)
        days = sorted({r.earliest for r in group})  # a bus never needs to wait longer
        waiting: list[date] = []  # latest dates, a heap
        position = 0
        for index, day in enumerate(days):
            while position < len(group) and group[position].earliest <= day:
                heapq.heappush(waiting, group[position].latest)
                position += 1
            next_day = days[index + 1] if index + 1 < len(days) else date.max
            due = sum(1 for latest in waiting if latest < next_day)
            buses = math.ceil(due / SEATS)
            for _ in range(min(buses * SEATS, len(waiting))):
                heapq.heappop(waiting)
            count += buses
    return count


def plain_model(requests: list[TravelRequest], time_limit: float) -> tuple[int, int, str]:
    """The aggregated model without the planner's cuts, bound and hint: one model for all.

    Returns (buses, solver's bound, status).
    """
    from ortools.sat.python import cp_model

    classes = Counter((r.destination, r.earliest, r.latest) for r in requests)
    model = cp_model.CpModel()
    loads: dict[tuple[str, date], list[cp_model.IntVar]] = defaultdict(list)
    for (destination, earliest, latest), size in classes.items():
        variables = []
        for offset in range((latest - earliest).days + 1):
            variable = model.new_int_var(0, size, "")
            loads[destination, earliest + timedelta(days=offset)].append(variable)
            variables.append(variable)
        model.add(sum(variables) == size)
    buses = []
    for variables in loads.values():
        bus = model.new_int_var(0, len(requests), "")
        model.add(sum(variables) <= SEATS * bus)
        buses.append(bus)
    model.minimize(sum(buses))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = THREADS
    status = solver.solve(model)
    return (
        int(solver.objective_value),
        math.ceil(solver.best_objective_bound),
        solver.status_name(status),
    )


def check(plan: BusPlan, requests: list[TravelRequest]) -> None:
    """The plan carries everyone once, inside their window, within the seats."""
    by_worker = {r.worker: r for r in requests}
    carried = [w for bus in plan.buses for w in bus.workers]
    assert sorted(carried) == sorted(by_worker), "someone is missing or on two buses"
    for bus in plan.buses:
        assert 1 <= len(bus.workers) <= SEATS
        for w in bus.workers:
            r = by_worker[w]
            assert r.destination == bus.destination and r.earliest <= bus.date <= r.latest


def timed(function: Callable[[], object], runs: int) -> tuple[object, float]:
    seconds = []
    result: object = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return result, statistics.median(seconds)


def scenario(
    name: str, requests: list[TravelRequest], runs: int, bound_name: str, *, plain: bool = False
) -> None:
    plan, seconds = timed(
        lambda: plan_buses(requests, seats=SEATS, time_limit=10.0, threads=THREADS), runs
    )
    assert isinstance(plan, BusPlan)
    check(plan, requests)
    first_fit_count, first_fit_seconds = timed(lambda: first_fit(requests), runs)
    edf_count, edf_seconds = timed(lambda: earliest_deadline(requests), runs)
    simple_bound = (
        per_destination_and_day_bound(requests)
        if bound_name == "per destination and day"
        else per_destination_bound(requests)
    )
    classes = len({(r.destination, r.earliest, r.latest) for r in requests})
    print(f"\n{name}: {len(requests)} workers, {classes} (destination, window) classes")
    print(f"  plan_buses          {len(plan.buses):5d} buses  {seconds:7.3f} s  {plan.status}")
    print(f"  Σ⌈n/seats⌉ {bound_name}: {simple_bound}; proven lower bound {plan.lower_bound}")
    print(f"  first-fit baseline  {first_fit_count:5d} buses  {first_fit_seconds:7.3f} s")
    print(f"  deadline greedy     {edf_count:5d} buses  {edf_seconds:7.3f} s")
    if plain:
        started = time.perf_counter()
        plain_count, plain_bound, plain_status = plain_model(requests, time_limit=10.0)
        plain_seconds = time.perf_counter() - started
        print(
            f"  plain CP-SAT model  {plain_count:5d} buses  {plain_seconds:7.3f} s  "
            f"{plain_status}, bound {plain_bound}"
        )
    if bound_name == "per destination and day":
        assert len(plan.buses) == simple_bound, "fixed dates must meet Σ⌈n/seats⌉ per day"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=14_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    requests = generate(random.Random(options.seed), options.workers)
    print(f"{SEATS} seats, time limit 10 s, CP-SAT with 2 workers; medians of {options.runs} runs")
    scenario(
        "Windows of 0–2 extra days over 7 days",
        requests,
        options.runs,
        "per destination",
        plain=True,
    )
    scenario("Fixed dates", fixed(requests), options.runs, "per destination and day")
    sparse = generate(random.Random(options.seed), options.workers, days=365, flex=20)
    scenario("Sparse: a year of dates, windows of 0–20 days", sparse, 1, "per destination")


if __name__ == "__main__":
    main()
