import datetime as dt
from typing import Any
from unittest import mock

import time_machine
from django.test import override_settings

from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.models import AuditEvent, Division
from qingling.employment.buses import BusPlan, plan_buses
from qingling.employment.models import Seeker, Trip, TripSeat
from qingling.employment.services.trips import (
    trip_manifest_export_record,
    trip_seat_board,
    trip_seat_pickup_set,
    trip_seat_release,
    trip_seat_unboard,
    trip_transition,
    trips_plan,
)
from qingling.employment.tests.world import EmploymentWorld, make_seeker
from qingling.testing import CURRENT_TIME

DALIAN = "210200"
BEIJING = "110000"
FEB = dt.date(2027, 2, 1)


def day(n: int) -> dt.date:
    return FEB + dt.timedelta(days=n - 1)


def traveller(
    test: EmploymentWorld,
    *,
    name: str = "李四",
    destination: str = DALIAN,
    window: tuple[int, int] | None = (20, 28),
    **fields: Any,
) -> Seeker:
    """A worker with a confirmed job at ``destination`` who needs a bus, travelling on
    a day of February 2027 inside ``window``."""
    earliest, latest = (day(window[0]), day(window[1])) if window else (None, None)
    values: dict[str, Any] = {
        "job_confirmed": True,
        "transport_needed": True,
        "confirmed_destination": Division.objects.get(code=destination),
        "confirmed_employer": "大连海湾建设集团有限公司",
        "earliest": earliest,
        "latest": latest,
    }
    values.update(fields)
    return make_seeker(test.rng, name=name, **values)


def plan(test: EmploymentWorld, **kwargs: Any) -> Any:
    arguments: dict[str, Any] = {
        "destination": None,
        "seats": 45,
        "origin": "辽源市人社局",
        "time_limit": 5.0,
        "actor": test.employment,
    }
    arguments.update(kwargs)
    return trips_plan(**arguments)


@override_settings(LANGUAGE_CODE="en")
class TripsPlanTests(EmploymentWorld):
    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_never_overfills_mixes_destinations_or_leaves_a_window(self) -> None:
        windows = [(20, 20), (20, 22), (21, 21), (22, 25), (24, 28), (27, 28)]
        for index in range(40):
            traveller(self, name=f"工人{index}", window=windows[index % len(windows)])
        for index in range(9):
            traveller(self, name=f"北京{index}", destination=BEIJING, window=(20, 21))
        result = plan(self, seats=7)

        self.assertIs(result.optimal, True)
        self.assertEqual(len(result.trips), result.lower_bound)
        self.assertEqual(result.seated, 49)
        self.assertEqual(TripSeat.objects.count(), 49)
        for trip in Trip.objects.all():
            seats = TripSeat.objects.filter(trip=trip).select_related("seeker")
            self.assertLessEqual(seats.count(), trip.seats)
            self.assertEqual(trip.seats, 7)
            self.assertEqual(trip.origin, "辽源市人社局")
            self.assertEqual(trip.status, Trip.Status.PLANNED)
            for seat in seats:
                self.assertEqual(seat.seeker.confirmed_destination_id, trip.destination_id)
                assert seat.seeker.earliest and seat.seeker.latest
                self.assertTrue(seat.seeker.earliest <= trip.date <= seat.seeker.latest)
            self.assertEqual(
                sorted(seats.values_list("number", flat=True)), list(range(1, seats.count() + 1))
            )

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_numbers_trips_by_date(self) -> None:
        for index in range(3):
            traveller(self, name=f"工人{index}", window=(20, 20))
        traveller(self, name="晚走", window=(25, 25))
        plan(self, seats=2)
        self.assertEqual(
            list(Trip.objects.values_list("number", flat=True)),
            ["ZC-20270220-01", "ZC-20270220-02", "ZC-20270225-01"],
        )

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_seats_people_of_one_pick_up_point_together(self) -> None:
        for index, township in enumerate(["向阳街道", "工农乡", "向阳街道", "工农乡", "寿山镇"]):
            traveller(self, name=f"工人{index}", township=township)
        plan(self)
        points = list(TripSeat.objects.order_by("number").values_list("pickup_point", flat=True))
        self.assertEqual(
            points,
            ["龙山区向阳街道", "龙山区向阳街道", "龙山区寿山镇", "龙山区工农乡", "龙山区工农乡"],
        )

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_lists_workers_without_a_window_and_plans_nobody_else(self) -> None:
        undated = traveller(self, name="没日期", window=None)
        half = traveller(self, name="半个", window=None, earliest=day(20))
        late = traveller(self, name="过期", window=None, earliest=dt.date(2026, 11, 1),
                         latest=dt.date(2026, 11, 20))  # fmt: skip
        result = plan(self)
        self.assertEqual(result.trips, [])
        self.assertEqual(
            {(u.seeker.pk, u.reason) for u in result.unplannable},
            {
                (undated.pk, "no travel window"),
                (half.pk, "no travel window"),
                (late.pk, "the travel window is over"),
            },
        )
        self.assertFalse(TripSeat.objects.exists())

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_never_plans_a_bus_in_the_past(self) -> None:
        traveller(self, window=None, earliest=dt.date(2026, 11, 1), latest=dt.date(2026, 12, 5))
        (trip,) = plan(self).trips
        self.assertEqual(trip.date, dt.date(2026, 11, 27))

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_leaves_out_workers_who_need_no_bus_or_have_no_confirmed_job(self) -> None:
        traveller(self, name="自驾", transport_needed=False)
        traveller(self, name="未定", job_confirmed=False)
        traveller(self, name="无目的地", confirmed_destination=None)
        traveller(self, name="不出去了", going_out=False)
        result = plan(self)
        self.assertEqual((result.trips, result.unplannable), ([], []))

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_plans_only_the_destination_asked_for(self) -> None:
        traveller(self, name="大连")
        beijing = traveller(self, name="北京", destination=BEIJING)
        (trip,) = plan(self, destination=Division.objects.get(code=DALIAN)).trips
        self.assertEqual(trip.destination_id, DALIAN)
        self.assertFalse(TripSeat.objects.filter(seeker=beijing).exists())

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_planning_again_plans_only_the_workers_without_a_seat(self) -> None:
        first = [traveller(self, name=f"先{index}") for index in range(3)]
        (trip,) = plan(self).trips
        later = [traveller(self, name=f"后{index}") for index in range(2)]
        result = plan(self)
        (again,) = result.trips
        self.assertEqual(result.seated, 2)
        self.assertEqual(
            set(TripSeat.objects.filter(trip=trip).values_list("seeker", flat=True)),
            {s.pk for s in first},
        )
        self.assertEqual(
            set(TripSeat.objects.filter(trip=again).values_list("seeker", flat=True)),
            {s.pk for s in later},
        )
        self.assertEqual(again.number, "ZC-20270220-02")
        self.assertEqual(plan(self).trips, [])

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_records_one_audit_event_per_trip_without_names(self) -> None:
        for index in range(3):
            traveller(self, name=f"王{index}")
        (trip,) = plan(self, seats=3).trips
        event = AuditEvent.objects.get(action="trip.plan")
        self.assertEqual(event.object_id, str(trip.pk))
        self.assertEqual(event.actor_id, self.employment.pk)
        assert event.after is not None
        self.assertEqual(event.after["passengers"], 3)
        self.assertNotIn("王", str(event.after))

    def test_refuses_bad_input_by_field(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            plan(self, seats=0, origin="  ")
        self.assertEqual(set(raised.exception.extra["fields"]), {"seats", "origin"})

    @time_machine.travel(CURRENT_TIME, tick=False)
    def test_refuses_to_write_when_a_worker_changed_while_planning(self) -> None:
        seeker = traveller(self)

        def plan_then_change(*args: Any, **kwargs: Any) -> BusPlan:
            result = plan_buses(*args, **kwargs)
            Seeker.objects.filter(pk=seeker.pk).update(latest=day(21))
            return result

        with (
            mock.patch("qingling.employment.services.trips.plan_buses", plan_then_change),
            self.assertRaises(Conflict),
        ):
            plan(self)
        self.assertFalse(Trip.objects.exists())


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class TripLifecycleTests(EmploymentWorld):
    def setUp(self) -> None:
        super().setUp()
        self.workers = [traveller(self, name=f"工人{index}") for index in range(3)]
        (self.trip,) = plan(self).trips
        # The bus leaves on the day it was planned for (another day needs a reason).
        Trip.objects.filter(pk=self.trip.pk).update(date=CURRENT_TIME.date())
        self.trip.refresh_from_db()

    def seat(self, number: int) -> TripSeat:
        return TripSeat.objects.get(trip=self.trip, number=number)

    def test_departs_only_with_someone_on_board(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "Nobody has boarded yet") as raised:
            trip_transition(trip=self.trip, to=Trip.Status.DEPARTED, actor=self.employment)
        self.assertIn("boarded_at", raised.exception.extra["fields"])
        trip_seat_board(seat=self.seat(1), actor=self.employment)
        trip_transition(trip=self.trip, to=Trip.Status.DEPARTED, actor=self.employment)
        self.trip.refresh_from_db()
        self.assertEqual(self.trip.status, Trip.Status.DEPARTED)
        self.assertEqual(self.trip.departed_at, CURRENT_TIME)
        self.assertTrue(AuditEvent.objects.filter(action="trip.departed").exists())

    def test_two_people_cannot_depart_the_same_trip(self) -> None:
        trip_seat_board(seat=self.seat(1), actor=self.employment)
        mine, theirs = Trip.objects.get(pk=self.trip.pk), Trip.objects.get(pk=self.trip.pk)
        trip_transition(trip=mine, to=Trip.Status.DEPARTED, actor=self.employment)
        with self.assertRaises(Conflict) as raised:
            trip_transition(trip=theirs, to=Trip.Status.DEPARTED, actor=self.director)
        self.assertEqual(raised.exception.code, "trip_conflict")
        self.assertIn("status", raised.exception.extra["fields"])
        self.assertEqual(AuditEvent.objects.filter(action="trip.departed").count(), 1)

    def test_departure_releases_the_seats_of_who_did_not_board(self) -> None:
        trip_seat_board(seat=self.seat(2), actor=self.employment)
        trip_transition(trip=self.trip, to=Trip.Status.DEPARTED, actor=self.employment)
        self.assertEqual(list(TripSeat.objects.values_list("number", flat=True)), [2])
        events = AuditEvent.objects.filter(action="trip.seat_release")
        self.assertEqual(sorted(e.before["number"] for e in events if e.before), [1, 3])
        for event in events:
            self.assertEqual(
                (event.object_id, event.object_label), (str(self.trip.pk), self.trip.number)
            )
            for worker in self.workers:
                self.assertNotIn(worker.person.name, f"{event.before} {event.after} {event.reason}")
        (again,) = plan(self).trips  # those left behind can go on another bus
        self.assertEqual(TripSeat.objects.filter(trip=again).count(), 2)
        self.assertNotEqual(again.pk, self.trip.pk)

    def test_a_departure_that_lost_the_race_releases_nothing_more(self) -> None:
        trip_seat_board(seat=self.seat(2), actor=self.employment)
        mine, theirs = Trip.objects.get(pk=self.trip.pk), Trip.objects.get(pk=self.trip.pk)
        trip_transition(trip=mine, to=Trip.Status.DEPARTED, actor=self.employment)
        with self.assertRaises(Conflict):
            trip_transition(trip=theirs, to=Trip.Status.DEPARTED, actor=self.director)
        self.assertEqual(AuditEvent.objects.filter(action="trip.seat_release").count(), 2)
        self.assertEqual(list(TripSeat.objects.values_list("number", flat=True)), [2])

    def test_refuses_a_step_not_in_the_table(self) -> None:
        with self.assertRaises(Conflict) as raised:
            trip_transition(trip=self.trip, to=Trip.Status.ARRIVED, actor=self.employment)
        self.assertEqual(raised.exception.code, "trip_transition_not_allowed")
        self.assertIn("to", raised.exception.extra["fields"])

    def test_arrival_needs_who_received_them_and_hands_over_who_boarded(self) -> None:
        trip_seat_board(seat=self.seat(1), actor=self.employment)
        trip_seat_board(seat=self.seat(3), actor=self.employment)
        trip_transition(trip=self.trip, to=Trip.Status.DEPARTED, actor=self.employment)
        with self.assertRaises(InvalidInput) as raised:
            trip_transition(
                trip=self.trip, to=Trip.Status.ARRIVED, received_by="  ", actor=self.employment
            )
        self.assertIn("received_by", raised.exception.extra["fields"])
        later = CURRENT_TIME + dt.timedelta(hours=9)
        with time_machine.travel(later, tick=False):
            trip_transition(
                trip=self.trip,
                to=Trip.Status.ARRIVED,
                received_by="大连市甘井子区人社局 张科长",
                actor=self.employment,
            )
        self.trip.refresh_from_db()
        self.assertEqual(
            (self.trip.status, self.trip.arrived_at, self.trip.received_by),
            (Trip.Status.ARRIVED, later, "大连市甘井子区人社局 张科长"),
        )
        handed = dict(TripSeat.objects.values_list("number", "handed_over_at"))
        self.assertEqual(handed, {1: later, 3: later})  # seat 2 was released on departure

    def test_cancelling_frees_the_seats_for_another_plan(self) -> None:
        trip_transition(trip=self.trip, to=Trip.Status.CANCELLED, actor=self.employment)
        self.trip.refresh_from_db()
        self.assertEqual(self.trip.status, Trip.Status.CANCELLED)
        self.assertFalse(TripSeat.objects.exists())
        (again,) = plan(self).trips
        self.assertEqual(again.number, "ZC-20270220-02")
        self.assertEqual(TripSeat.objects.filter(trip=again).count(), 3)
        with self.assertRaises(Conflict):
            trip_transition(trip=self.trip, to=Trip.Status.PLANNED, actor=self.employment)

    def test_cannot_cancel_a_bus_that_left(self) -> None:
        trip_seat_board(seat=self.seat(2), actor=self.employment)
        trip_transition(trip=self.trip, to=Trip.Status.DEPARTED, actor=self.employment)
        with self.assertRaises(Conflict):
            trip_transition(trip=self.trip, to=Trip.Status.CANCELLED, actor=self.employment)
        self.assertEqual(list(TripSeat.objects.values_list("number", flat=True)), [2])

    def test_boarding_twice_is_refused(self) -> None:
        stale = self.seat(2)
        trip_seat_board(seat=self.seat(2), actor=self.employment)
        with self.assertRaisesMessage(Conflict, "Seat 2 has already checked in, at 18:00."):
            trip_seat_board(seat=self.seat(2), actor=self.employment)
        with self.assertRaises(Conflict) as raised:
            trip_seat_board(seat=stale, actor=self.employment)
        self.assertEqual(raised.exception.code, "trip_seat_boarded")
        self.assertIn("boarded_at", raised.exception.extra["fields"])
        self.assertEqual(AuditEvent.objects.filter(action="trip_seat.board").count(), 1)

    def test_a_check_in_can_be_undone_before_departure_only(self) -> None:
        seat = trip_seat_board(seat=self.seat(1), actor=self.employment)
        trip_seat_unboard(seat=seat, actor=self.employment)
        self.assertIsNone(self.seat(1).boarded_at)
        with self.assertRaises(Conflict):
            trip_seat_unboard(seat=self.seat(1), actor=self.employment)
        trip_seat_board(seat=self.seat(1), actor=self.employment)
        left_behind = self.seat(2)
        trip_transition(trip=self.trip, to=Trip.Status.DEPARTED, actor=self.employment)
        with self.assertRaises(Conflict) as raised:
            trip_seat_unboard(seat=self.seat(1), actor=self.employment)
        self.assertEqual(raised.exception.code, "trip_not_planned")
        self.assertIn("status", raised.exception.extra["fields"])
        with self.assertRaises(Conflict) as raised:
            trip_seat_board(seat=left_behind, actor=self.employment)
        self.assertEqual(raised.exception.code, "trip_not_planned")

    def test_staff_move_a_pick_up_point(self) -> None:
        seat = trip_seat_pickup_set(
            seat=self.seat(2), pickup_point=" 向阳街道  政府门口 ", actor=self.employment
        )
        self.assertEqual(seat.pickup_point, "向阳街道 政府门口")
        self.assertEqual(self.seat(2).pickup_point, "向阳街道 政府门口")
        event = AuditEvent.objects.get(action="trip_seat.pickup_set")
        assert event.before is not None
        self.assertEqual(event.before["pickup_point"], "龙山区向阳街道")
        with self.assertRaises(InvalidInput):
            trip_seat_pickup_set(seat=self.seat(2), pickup_point=" ", actor=self.employment)
        stale = self.seat(1)
        trip_seat_pickup_set(seat=self.seat(1), pickup_point="灯塔镇", actor=self.employment)
        with self.assertRaises(Conflict) as raised:
            trip_seat_pickup_set(seat=stale, pickup_point="别处", actor=self.employment)
        self.assertEqual(raised.exception.code, "trip_seat_conflict")
        self.assertIn("pickup_point", raised.exception.extra["fields"])

    def test_releases_a_seat_of_a_planned_trip_for_another_plan(self) -> None:
        seat = self.seat(2)
        trip_seat_release(seat=seat, actor=self.employment, reason="  window changed ")
        self.assertEqual(
            list(TripSeat.objects.values_list("number", flat=True).order_by("number")), [1, 3]
        )
        event = AuditEvent.objects.get(action="trip.seat_release")
        assert event.before is not None
        self.assertEqual(
            (event.object_label, event.before["number"], event.reason, event.actor_id),
            (self.trip.number, 2, "window changed", self.employment.pk),
        )
        self.assertNotIn(self.workers[0].person.name, str(event.before))
        trip_seat_release(seat=seat, actor=self.employment, reason="again")  # already free
        self.assertEqual(AuditEvent.objects.filter(action="trip.seat_release").count(), 1)
        with self.assertRaises(Conflict) as raised:
            trip_seat_board(seat=seat, actor=self.employment)
        self.assertEqual(raised.exception.code, "trip_seat_released")
        (again,) = plan(self).trips
        self.assertEqual(TripSeat.objects.filter(trip=again).count(), 1)

    def test_a_seat_is_released_with_a_reason_and_only_while_the_trip_is_planned(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            trip_seat_release(seat=self.seat(1), actor=self.employment, reason=" ")
        self.assertIn("reason", raised.exception.extra["fields"])
        trip_seat_board(seat=self.seat(1), actor=self.employment)
        trip_transition(trip=self.trip, to=Trip.Status.DEPARTED, actor=self.employment)
        with self.assertRaisesMessage(Conflict, "The trip is departed") as raised:
            trip_seat_release(seat=self.seat(1), actor=self.employment, reason="job changed")
        self.assertEqual(raised.exception.code, "trip_not_planned")
        self.assertEqual(TripSeat.objects.count(), 1)

    def test_records_a_manifest_export(self) -> None:
        trip_manifest_export_record(trip=self.trip, actor=self.director)
        event = AuditEvent.objects.get(action="trip.manifest_export")
        self.assertEqual((event.actor_id, event.after), (self.director.pk, {"rows": 3}))
