import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.core.exceptions import ApplicationError, Forbidden, TooManyRequests
from qingling.core.models import AuditEvent
from qingling.core.personal_data import unseal
from qingling.employment.models import Trip, TripSeat
from qingling.employment.services.trips import (
    trip_escort_set,
    trip_seat_board,
    trip_seat_phone_reveal,
    trip_transition,
)
from qingling.employment.tests.test_trips_services import plan, traveller
from qingling.employment.tests.world import EmploymentWorld, make_officer
from qingling.testing import CURRENT_TIME


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class TripDepartureDateTests(EmploymentWorld):
    """A bus planned for 2027-02-20 that someone departs on 2026-11-27."""

    def setUp(self) -> None:
        super().setUp()
        traveller(self)
        (self.trip,) = plan(self).trips
        trip_seat_board(seat=TripSeat.objects.get(trip=self.trip), actor=self.employment)

    def test_a_departure_on_another_day_than_planned_needs_a_reason(self) -> None:
        with self.assertRaises(ApplicationError) as raised:
            trip_transition(trip=self.trip, to=Trip.Status.DEPARTED, actor=self.employment)
        self.assertEqual(raised.exception.code, "trip_departs_off_date")
        self.assertIn("planned for 2027-02-20", raised.exception.message)
        self.assertIn("departure_note", raised.exception.extra["fields"])
        self.assertEqual(Trip.objects.get().status, Trip.Status.PLANNED)

        trip_transition(
            trip=self.trip,
            to=Trip.Status.DEPARTED,
            departure_note="  雪天提前发车，  用工单位同意 ",
            actor=self.employment,
        )
        trip = Trip.objects.get()
        self.assertEqual(
            (trip.status, trip.departure_note),
            (Trip.Status.DEPARTED, "雪天提前发车， 用工单位同意"),
        )
        event = AuditEvent.objects.get(action="trip.departed")
        assert event.after is not None
        self.assertEqual(event.after["departure_note"], "雪天提前发车， 用工单位同意")

    def test_the_page_warns_and_keeps_the_reason_box_open(self) -> None:
        self.login(self.employment)
        detail = reverse("employment:trip_detail", args=[self.trip.public_id])
        page = self.client.get(detail)
        self.assertContains(page, 'id="off-date-warning"')
        self.assertContains(page, "Depart today all the same")
        url = reverse("employment:trip_transition", args=[self.trip.public_id])
        refused = self.client.post(url, {"to": "departed", "departure_note": ""})
        self.assertEqual(refused.status_code, 400)
        self.assertTrue(refused.context["departure_form"].errors["departure_note"])
        self.assertEqual(Trip.objects.get().status, Trip.Status.PLANNED)
        self.client.post(url, {"to": "departed", "departure_note": "提前发车"})
        self.assertEqual(Trip.objects.get().departure_note, "提前发车")
        self.assertContains(self.client.get(detail), "提前发车")

    def test_no_warning_on_the_planned_day(self) -> None:
        Trip.objects.filter(pk=self.trip.pk).update(date=CURRENT_TIME.date())
        self.login(self.employment)
        page = self.client.get(reverse("employment:trip_detail", args=[self.trip.public_id]))
        self.assertNotContains(page, 'id="off-date-warning"')


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class TripEscortTests(EmploymentWorld):
    def setUp(self) -> None:
        super().setUp()
        self.worker = traveller(self)
        (self.trip,) = plan(self).trips
        self.seat = TripSeat.objects.get(trip=self.trip)
        self.escort = make_officer("escort", unit=self.city_unit, full_name="随车员")
        trip_escort_set(trip=self.trip, escort=self.escort, actor=self.employment)
        self.full = unseal(self.worker.person.phone_sealed, purpose="phone")

    def test_the_escort_sees_a_passengers_number_and_each_reveal_is_recorded(self) -> None:
        self.assertEqual(trip_seat_phone_reveal(seat=self.seat, actor=self.escort), self.full)
        trip_seat_phone_reveal(seat=self.seat, actor=self.escort)
        events = AuditEvent.objects.filter(action="person.reveal_phone")
        self.assertEqual(events.count(), 2)
        event = events.first()
        assert event is not None
        self.assertEqual(event.object_id, str(self.worker.person.pk))
        self.assertIn(self.trip.number, event.reason)
        self.assertNotIn(self.full, f"{event.before} {event.after} {event.reason}")

    @override_settings(QINGLING_PERSONAL_DATA_LIMIT=2)
    def test_the_escorts_reveals_count_against_the_personal_data_limit(self) -> None:
        trip_seat_phone_reveal(seat=self.seat, actor=self.escort)
        trip_seat_phone_reveal(seat=self.seat, actor=self.escort)
        with self.assertRaises(TooManyRequests):
            trip_seat_phone_reveal(seat=self.seat, actor=self.escort)
        self.assertEqual(AuditEvent.objects.filter(action="person.reveal_phone").count(), 2)

    def test_nobody_else_sees_it_nor_the_escort_once_the_bus_arrived(self) -> None:
        for other in (self.employment, self.director, None):
            with self.assertRaises(Forbidden):
                trip_seat_phone_reveal(seat=self.seat, actor=other)
        trip_seat_board(seat=self.seat, actor=self.employment)
        Trip.objects.filter(pk=self.trip.pk).update(date=CURRENT_TIME.date())
        self.trip.refresh_from_db()
        trip_transition(trip=self.trip, to=Trip.Status.DEPARTED, actor=self.employment)
        self.assertEqual(trip_seat_phone_reveal(seat=self.seat, actor=self.escort), self.full)
        trip_transition(
            trip=self.trip,
            to=Trip.Status.ARRIVED,
            received_by="大连市人社局",
            actor=self.employment,
        )
        self.seat.refresh_from_db()
        with self.assertRaises(Forbidden):
            trip_seat_phone_reveal(seat=self.seat, actor=self.escort)
        self.assertEqual(AuditEvent.objects.filter(action="person.reveal_phone").count(), 1)

    def test_the_manifest_shows_the_full_number_to_the_escort_only(self) -> None:
        detail = reverse("employment:trip_detail", args=[self.trip.public_id])
        phone = reverse("employment:trip_seat_phone", args=[self.trip.public_id, 1])
        self.login(self.employment)
        page = self.client.get(detail)
        self.assertContains(page, self.worker.person.phone_masked)
        self.assertNotContains(page, self.full)
        self.assertNotContains(page, "data-reveal-phone")
        self.client.post(phone)
        self.assertFalse(AuditEvent.objects.filter(action="person.reveal_phone").exists())

        self.login(self.escort)
        page = self.client.get(detail)
        self.assertContains(page, 'data-reveal-phone="1"')
        self.assertNotContains(page, self.full)
        fragment = self.client.post(phone, headers={"HX-Request": "true"})
        self.assertContains(fragment, f'href="tel:{self.full}"')
        shown = self.client.post(phone)
        self.assertContains(shown, f'href="tel:{self.full}"')
        self.assertEqual(AuditEvent.objects.filter(action="person.reveal_phone").count(), 2)
        # The download stays masked, the escort's too.
        self.assertNotContains(self.client.get(detail), self.full)

    def test_staff_name_the_escort_on_the_page(self) -> None:
        self.login(self.employment)
        url = reverse("employment:trip_escort", args=[self.trip.public_id])
        self.client.post(url, {"escort": str(self.employment.pk)})
        self.assertEqual(Trip.objects.get().escort, self.employment)
        self.client.post(url, {"escort": ""})
        self.assertIsNone(Trip.objects.get().escort)
        self.assertEqual(AuditEvent.objects.filter(action="trip.escort_set").count(), 3)
        self.login(self.director)  # may read, not work
        self.assertEqual(self.client.post(url, {"escort": ""}).status_code, 403)
