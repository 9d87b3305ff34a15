import itertools
import math
import random
from collections import Counter
from datetime import date, timedelta

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from qingling.core.exceptions import InvalidInput
from qingling.employment.buses import BusPlan, TravelRequest, plan_buses

FIRST_DAY = date(2021, 2, 20)
DESTINATIONS = ("大连市", "山东省", "370000")


def request(worker: str, earliest: int, latest: int, destination: str = "大连市") -> TravelRequest:
    return TravelRequest(
        worker=worker,
        destination=destination,
        earliest=FIRST_DAY + timedelta(days=earliest),
        latest=FIRST_DAY + timedelta(days=latest),
    )


def crowd(count: int, earliest: int, latest: int, prefix: str, destination: str = "大连市"):
    return [request(f"{prefix}{n:03d}", earliest, latest, destination) for n in range(count)]


@st.composite
def requests_and_seats(draw: st.DrawFn, max_workers: int) -> tuple[list[TravelRequest], int]:
    count = draw(st.integers(min_value=0, max_value=max_workers))
    requests = []
    for n in range(count):
        earliest = draw(st.integers(min_value=0, max_value=4))
        flex = draw(st.integers(min_value=0, max_value=2))
        destination = draw(st.sampled_from(DESTINATIONS[:2]))
        requests.append(request(f"w{n}", earliest, earliest + flex, destination))
    return requests, draw(st.integers(min_value=1, max_value=5))


def fewest_buses_by_exhaustive_search(requests: list[TravelRequest], seats: int) -> int:
    """Try every date for every worker: the minimum, independent of the planner."""
    choices = [
        [
            (r.destination, r.earliest + timedelta(days=k))
            for k in range((r.latest - r.earliest).days + 1)
        ]
        for r in requests
    ]
    return min(
        sum(math.ceil(n / seats) for n in Counter(pick).values())
        for pick in itertools.product(*choices)
    )


class PlanBusesTests(SimpleTestCase):
    def assert_valid(self, plan: BusPlan, requests: list[TravelRequest], seats: int) -> None:
        by_worker = {r.worker: r for r in requests}
        carried = [worker for bus in plan.buses for worker in bus.workers]
        self.assertEqual(sorted(carried), sorted(by_worker), "every worker on exactly one bus")
        for bus in plan.buses:
            self.assertGreaterEqual(len(bus.workers), 1)
            self.assertLessEqual(len(bus.workers), seats)
            self.assertEqual(list(bus.workers), sorted(bus.workers))
            for worker in bus.workers:
                self.assertEqual(by_worker[worker].destination, bus.destination)
                self.assertLessEqual(by_worker[worker].earliest, bus.date)
                self.assertLessEqual(bus.date, by_worker[worker].latest)
        self.assertLessEqual(plan.lower_bound, len(plan.buses))
        self.assertEqual(plan.optimal, plan.status == "optimal")

    def test_fills_buses_up_to_the_seats_and_no_further(self) -> None:
        requests = crowd(100, 0, 0, "w")
        plan = plan_buses(requests, seats=45)
        self.assertEqual([len(bus.workers) for bus in plan.buses], [45, 45, 10])
        self.assertEqual(plan.buses[0].workers, tuple(f"w{n:03d}" for n in range(45)))
        self.assertTrue(plan.optimal)
        self.assertEqual(plan.lower_bound, 3)

    def test_moves_flexible_workers_to_share_a_bus(self) -> None:
        requests = crowd(30, 0, 0, "a") + crowd(15, 0, 1, "b") + crowd(30, 1, 1, "c")
        plan = plan_buses(requests, seats=45)
        self.assertEqual(len(plan.buses), 2)
        self.assertEqual(plan.buses[0].date, FIRST_DAY)
        self.assertEqual(len(plan.buses[0].workers), 45)
        self.assert_valid(plan, requests, 45)

    def test_never_puts_two_destinations_on_one_bus(self) -> None:
        requests = crowd(3, 0, 0, "d", "大连市") + crowd(3, 0, 0, "s", "山东省")
        plan = plan_buses(requests, seats=45)
        self.assertEqual(
            [(bus.destination, len(bus.workers)) for bus in plan.buses],
            [("大连市", 3), ("山东省", 3)],
        )

    def test_orders_buses_by_date_then_destination(self) -> None:
        requests = [
            request("1", 2, 2, "山东省"),
            request("2", 0, 0, "山东省"),
            request("3", 0, 0, "大连市"),
            request("4", 1, 1, "大连市"),
        ]
        plan = plan_buses(requests, seats=45)
        self.assertEqual(
            [(bus.date, bus.destination) for bus in plan.buses],
            sorted((bus.date, bus.destination) for bus in plan.buses),
        )

    def test_gives_the_same_plan_for_the_same_requests_in_any_order(self) -> None:
        rng = random.Random(6)
        requests = [
            request(f"w{n:04d}", day, day + rng.randint(0, 2), rng.choice(DESTINATIONS))
            for n in range(600)
            for day in [rng.randint(0, 6)]
        ]
        first = plan_buses(requests, seats=45)
        rng.shuffle(requests)
        self.assertEqual(plan_buses(requests, seats=45).buses, first.buses)
        self.assert_valid(first, requests, 45)

    def test_plans_nothing_for_no_requests(self) -> None:
        plan = plan_buses([], seats=45)
        self.assertEqual((plan.buses, plan.optimal, plan.lower_bound), ((), True, 0))
        self.assertEqual(plan.status, "optimal")

    def test_still_carries_everyone_when_the_time_limit_leaves_the_solver_nothing(self) -> None:
        requests = crowd(50, 0, 2, "a") + crowd(50, 1, 1, "b", "山东省")
        plan = plan_buses(requests, seats=45, time_limit=1e-9)
        self.assert_valid(plan, requests, 45)

    def test_reaches_the_bound_per_destination_and_day_when_dates_are_fixed(self) -> None:
        rng = random.Random(3)
        requests = [
            request(f"w{n:04d}", day, day, rng.choice(DESTINATIONS))
            for n in range(2_000)
            for day in [rng.randint(0, 6)]
        ]
        plan = plan_buses(requests, seats=45)
        groups = Counter((r.destination, r.earliest) for r in requests)
        self.assertEqual(len(plan.buses), sum(math.ceil(n / 45) for n in groups.values()))
        self.assertTrue(plan.optimal)

    def test_one_thread_plans_the_same_buses_and_none_is_refused(self) -> None:
        requests = [request(f"w{n}", n % 3, 2) for n in range(60)]
        self.assertEqual(
            plan_buses(requests, seats=45, threads=1).buses, plan_buses(requests, seats=45).buses
        )
        with self.assertRaisesMessage(ValueError, "at least one thread"):
            plan_buses(requests, seats=45, threads=0)

    def test_refuses_a_bus_without_seats(self) -> None:
        with self.assertRaises(InvalidInput):
            plan_buses([request("w", 0, 0)], seats=0)

    def test_refuses_a_time_limit_that_is_not_positive(self) -> None:
        with self.assertRaises(InvalidInput):
            plan_buses([request("w", 0, 0)], seats=45, time_limit=0)

    def test_refuses_every_bad_request_at_once(self) -> None:
        requests = [
            request("w1", 0, 0),
            request("w1", 1, 1),
            request("w2", 2, 1),
            request("", 0, 0),
        ]
        with self.assertRaises(InvalidInput) as raised:
            plan_buses(requests, seats=45)
        self.assertEqual(raised.exception.code, "invalid")
        self.assertEqual(len(raised.exception.extra["fields"]["requests"]), 3)
        self.assertIn("w1", raised.exception.message)

    @settings(deadline=None, max_examples=150)
    @given(requests_and_seats(max_workers=40))
    def test_never_overfills_mixes_destinations_or_leaves_a_window(
        self, case: tuple[list[TravelRequest], int]
    ) -> None:
        requests, seats = case
        plan = plan_buses(requests, seats=seats)
        self.assert_valid(plan, requests, seats)
        per_destination = Counter(r.destination for r in requests)
        self.assertGreaterEqual(
            plan.lower_bound, sum(math.ceil(n / seats) for n in per_destination.values())
        )

    @settings(deadline=None, max_examples=120)
    @given(requests_and_seats(max_workers=8))
    def test_uses_as_few_buses_as_exhaustive_search(
        self, case: tuple[list[TravelRequest], int]
    ) -> None:
        requests, seats = case
        plan = plan_buses(requests, seats=seats)
        fewest = fewest_buses_by_exhaustive_search(requests, seats)
        self.assertEqual(len(plan.buses), fewest)
        self.assertEqual(plan.lower_bound, fewest)
        self.assertTrue(plan.optimal)
