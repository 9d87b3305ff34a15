"""Chartered buses (点对点包车) for workers going back to work: as few buses as possible.

Pure planning, no ORM: the trip service and ``qingling plan-buses`` pass travel
requests in and get buses out. A bus carries workers of one destination on one
date inside every passenger's window, never more than ``seats`` of them.

Workers of one destination whose windows give the same choice of days are
interchangeable, so the model counts them instead of placing each one (a
boolean per worker and bus stops scaling at a few thousand workers; counts
solve 14,000 in well under a second): integer ``x[class, day]`` workers of a
class travel on a day, integer ``y[day]`` buses leave that day, ``Σ_day x =``
the class size, ``Σ_class x ≤ seats · y``, minimise ``Σ y``. Destinations never
share a bus, so each is solved alone and the proofs add up. Named people are put
on seats afterwards.

Two facts keep the model small and its proof immediate:

* A bus only needs to leave on some passenger's earliest date: brought forward to
  the latest of its passengers' earliest dates, it is still inside every window. The
  candidate days are therefore the distinct earliest dates, and a class can
  travel on those inside its window, which are consecutive.
* With windows that are runs of consecutive days, Hall's theorem says buses
  ``y`` can carry everyone exactly when every run of days ``[i, j]`` has at least
  ``⌈N(i, j) / seats⌉`` buses, ``N(i, j)`` being the workers who must travel
  inside it. The best sum of those minima over disjoint runs is therefore a lower
  bound, and an exact one (the constraints form an interval matrix, whose LP
  relaxation is integral). It goes into the model as a constraint, with the runs'
  cuts, so that CP-SAT stops as soon as it reaches it.

CP-SAT starts from the earliest-deadline-first plan (buses leave when a window
closes, filled with the windows that close soonest), which is complete and
usually already minimal, so the solver mostly confirms it; the plan falls back
to it when the time limit leaves CP-SAT nothing.
"""

import bisect
import heapq
import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from ortools.sat.python import cp_model

from qingling.core.exceptions import InvalidInput

MAX_CUT_SPAN = 62
"""Runs of at most this many candidate days get a cut (about two months of dates).

Longer runs would add cuts quadratically for windows no trip has; without them
the model stays correct, only its proof may need search.
"""


@dataclass(frozen=True, slots=True)
class TravelRequest:
    worker: str
    """An id or name, unique within one call."""
    destination: str
    """Any label (a division code or a name); buses never mix two."""
    earliest: date
    latest: date


@dataclass(frozen=True, slots=True)
class Bus:
    date: date
    destination: str
    workers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BusPlan:
    buses: tuple[Bus, ...]
    optimal: bool
    """The bus count is proven minimal: CP-SAT proved it, or it meets `lower_bound`."""
    lower_bound: int
    """The best proven lower bound on the number of buses."""
    status: str
    """``"optimal"`` or ``"feasible"`` (the time limit stopped the proof)."""
    seconds: float


@dataclass(frozen=True, slots=True)
class _DestinationPlan:
    buses: list[Bus]
    optimal: bool
    lower_bound: int


def plan_buses(
    requests: Sequence[TravelRequest],
    *,
    seats: int,
    time_limit: float = 10.0,
    threads: int = 2,
) -> BusPlan:
    """Put every worker on exactly one bus, using as few buses as CP-SAT can prove.

    The same input gives the same plan: CP-SAT runs with a fixed seed, and with
    several ``threads`` (CP-SAT's ``num_workers``) it interleaves their searches in one
    thread (``interleave_search``) because free-running parallel searches race, and the
    winner changes the solution returned. Only a plan cut short by ``time_limit``
    (shared by the destinations) depends on the machine's speed. Buses come ordered by
    date, then destination; each bus lists its workers sorted.
    """
    started = time.perf_counter()
    _validate(requests, seats=seats, time_limit=time_limit)
    if threads < 1:
        raise ValueError("CP-SAT needs at least one thread")
    by_destination: dict[str, list[TravelRequest]] = defaultdict(list)
    for request in requests:
        by_destination[request.destination].append(request)
    deadline = started + time_limit
    plans: list[_DestinationPlan] = []
    destinations = sorted(by_destination)
    for position, destination in enumerate(destinations):
        share = (deadline - time.perf_counter()) / (len(destinations) - position)
        plans.append(
            _plan_destination(
                destination,
                by_destination[destination],
                seats=seats,
                time_limit=share,
                threads=threads,
            )
        )
    buses = sorted(
        (bus for plan in plans for bus in plan.buses), key=lambda bus: (bus.date, bus.destination)
    )
    optimal = all(plan.optimal for plan in plans)
    return BusPlan(
        buses=tuple(buses),
        optimal=optimal,
        lower_bound=sum(plan.lower_bound for plan in plans),
        status="optimal" if optimal else "feasible",
        seconds=time.perf_counter() - started,
    )


def _validate(requests: Sequence[TravelRequest], *, seats: int, time_limit: float) -> None:
    if seats < 1:
        raise InvalidInput(_("A bus needs at least one seat."))
    if not time_limit > 0:
        raise InvalidInput(_("The time limit must be a positive number of seconds."))
    problems: list[str] = []
    seen: set[str] = set()
    for request in requests:
        if not request.worker:
            problems.append(_("A request has no worker."))
        elif request.worker in seen:
            problems.append(_("%(worker)s is listed more than once.") % {"worker": request.worker})
        seen.add(request.worker)
        if request.latest < request.earliest:
            problems.append(
                _("%(worker)s: the latest date is before the earliest date.")
                % {"worker": request.worker}
            )
    if problems:
        raise InvalidInput(problems[0], extra={"fields": {"requests": problems}})


def _plan_destination(
    destination: str,
    requests: list[TravelRequest],
    *,
    seats: int,
    time_limit: float,
    threads: int,
) -> _DestinationPlan:
    days = sorted({request.earliest for request in requests})
    # A class: the workers whose windows cover the same run days[low..high].
    classes: dict[tuple[int, int], list[str]] = defaultdict(list)
    for request in requests:
        low = bisect.bisect_left(days, request.earliest)
        high = bisect.bisect_right(days, request.latest) - 1
        classes[low, high].append(request.worker)
    need = _run_minima(len(days), {run: len(names) for run, names in classes.items()}, seats)
    bound = _disjoint_runs_bound(len(days), need)

    loads, proven, solver_bound = _solve(
        len(days), classes, need, bound, seats=seats, time_limit=time_limit, threads=threads
    )
    count = sum(math.ceil(load / seats) for load in _day_loads(len(days), loads))
    lower_bound = count if proven else max(bound, solver_bound)
    return _DestinationPlan(
        buses=_seat(destination, days, classes, loads, seats),
        optimal=count == lower_bound,
        lower_bound=lower_bound,
    )


def _run_minima(
    day_count: int, sizes: dict[tuple[int, int], int], seats: int
) -> dict[tuple[int, int], int]:
    """Buses that runs of days ``(i, j)`` need at least: ⌈workers confined to them / seats⌉."""
    confined = [[0] * day_count for _ in range(day_count)]  # confined[low][high]: class sizes
    for (low, high), size in sizes.items():
        confined[low][high] += size
    ending_by = [0] * day_count  # ending_by[low]: sizes of classes (low, high ≤ j)
    minima: dict[tuple[int, int], int] = {}
    for j in range(day_count):
        inside = 0
        for i in range(j, -1, -1):
            ending_by[i] += confined[i][j]
            inside += ending_by[i]
            if inside:
                minima[i, j] = math.ceil(inside / seats)
    return minima


def _disjoint_runs_bound(day_count: int, minima: dict[tuple[int, int], int]) -> int:
    """The largest sum of run minima over disjoint runs: a lower bound, exact here."""
    best = [0] * (day_count + 1)  # best[j]: over runs inside days[0..j-1]
    for j in range(1, day_count + 1):
        best[j] = max(
            best[j - 1],
            *(best[i] + minima.get((i, j - 1), 0) for i in range(j)),
        )
    return best[day_count]


def _solve(
    day_count: int,
    classes: dict[tuple[int, int], list[str]],
    minima: dict[tuple[int, int], int],
    bound: int,
    *,
    seats: int,
    time_limit: float,
    threads: int,
) -> tuple[dict[tuple[int, int], list[int]], bool, int]:
    """Workers of each class per day (index low..high), whether proven, the solver's bound.

    CP-SAT starts from the earliest-deadline-first plan (as a hint) and falls back
    to it when it has no time left or finds nothing in that time.
    """
    greedy = _earliest_deadline_first(day_count, classes, seats)
    if time_limit <= 0:
        return greedy, False, 0
    model = cp_model.CpModel()
    travel: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    on_day: list[list[cp_model.IntVar]] = [[] for _ in range(day_count)]
    may_travel = [0] * day_count
    for (low, high), names in classes.items():
        travel[low, high] = []
        for day, count in zip(range(low, high + 1), greedy[low, high], strict=True):
            variable = model.new_int_var(0, len(names), "")
            model.add_hint(variable, count)
            travel[low, high].append(variable)
            on_day[day].append(variable)
            may_travel[day] += len(names)
        model.add(cp_model.LinearExpr.sum(travel[low, high]) == len(names))
    # so_far[j] = buses on days before j: a run's cut then reads so_far[j + 1] - so_far[i].
    so_far = [model.new_constant(0)]
    most = math.ceil(sum(may_travel) / seats)
    hinted = 0
    for day, load in enumerate(_day_loads(day_count, greedy)):
        buses = model.new_int_var(0, math.ceil(may_travel[day] / seats), "")
        model.add_hint(buses, math.ceil(load / seats))
        model.add(cp_model.LinearExpr.sum(on_day[day]) <= seats * buses)
        so_far.append(model.new_int_var(0, most, ""))
        model.add(so_far[-1] == so_far[-2] + buses)
        hinted += math.ceil(load / seats)
        model.add_hint(so_far[-1], hinted)
    for (i, j), minimum in minima.items():
        if j - i < MAX_CUT_SPAN:
            model.add(so_far[j + 1] - so_far[i] >= minimum)
    model.add(so_far[-1] >= bound)  # so that reaching it ends the search
    model.minimize(so_far[-1])

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = threads
    solver.parameters.interleave_search = threads > 1
    solver.parameters.random_seed = 0
    # Presolve probes every variable: seconds on sparse inputs (a year of dates, a few
    # workers a day) before the hint is even read, and nothing to gain on this model.
    solver.parameters.cp_model_presolve = False
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return greedy, False, 0
    loads = {
        run: [int(solver.value(var)) for var in variables] for run, variables in travel.items()
    }
    return loads, status == cp_model.OPTIMAL, math.ceil(solver.best_objective_bound - 1e-6)


def _earliest_deadline_first(
    day_count: int, classes: dict[tuple[int, int], list[str]], seats: int
) -> dict[tuple[int, int], list[int]]:
    """Send buses only when someone's window closes, filled by earliest window end.

    Linear time, and on every case checked (exhaustive search up to 8 workers, the
    benchmark) it meets the lower bound; it gives CP-SAT a complete first solution
    and the plan a fallback when CP-SAT has no time left.
    """
    loads = {run: [0] * (run[1] - run[0] + 1) for run in classes}
    opening: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for run in classes:
        opening[run[0]].append(run)
    waiting: list[tuple[int, int, int]] = []  # (high, low, workers left), a heap
    due = [0] * day_count  # workers left whose window ends on each day
    for day in range(day_count):
        for low, high in opening[day]:
            heapq.heappush(waiting, (high, low, len(classes[low, high])))
            due[high] += len(classes[low, high])
        free = math.ceil(due[day] / seats) * seats
        while free and waiting:
            high, low, left = heapq.heappop(waiting)
            take = min(free, left)
            loads[low, high][day - low] += take
            due[high] -= take
            free -= take
            if left > take:
                heapq.heappush(waiting, (high, low, left - take))
    return loads


def _day_loads(day_count: int, loads: dict[tuple[int, int], list[int]]) -> list[int]:
    totals = [0] * day_count
    for (low, _high), counts in loads.items():
        for offset, count in enumerate(counts):
            totals[low + offset] += count
    return totals


def _seat(
    destination: str,
    days: list[date],
    classes: dict[tuple[int, int], list[str]],
    loads: dict[tuple[int, int], list[int]],
    seats: int,
) -> list[Bus]:
    """Named workers onto buses: each class's sorted workers fill its days in date order."""
    travellers: list[list[str]] = [[] for _ in days]
    for run in sorted(classes):
        names = sorted(classes[run])
        start = 0
        for offset, count in enumerate(loads[run]):
            travellers[run[0] + offset].extend(names[start : start + count])
            start += count
    buses: list[Bus] = []
    for day, names in zip(days, travellers, strict=True):
        names.sort()
        buses.extend(
            Bus(date=day, destination=destination, workers=tuple(names[start : start + seats]))
            for start in range(0, len(names), seats)
        )
    return buses
