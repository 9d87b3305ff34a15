import datetime as dt
import io

import time_machine
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from qingling.accounts.services import org_unit_create
from qingling.core.models import AuditEvent
from qingling.core.personal_data import unseal
from qingling.employment.models import Trip, TripSeat
from qingling.employment.selectors.trips import MANIFEST_HEADERS
from qingling.employment.services.trips import trip_seat_board, trip_transition
from qingling.employment.tests.test_trips_services import BEIJING, plan, traveller
from qingling.employment.tests.world import EmploymentWorld, make_officer
from qingling.testing import CURRENT_TIME


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class TripPagesTests(EmploymentWorld):
    def setUp(self) -> None:
        super().setUp()
        self.workers = [traveller(self, name=f"工人{index}") for index in range(3)]
        (self.trip,) = plan(self).trips

    def detail(self) -> str:
        return reverse("employment:trip_detail", args=[self.trip.public_id])

    def seat_url(self, number: int, action: str) -> str:
        return reverse("employment:trip_seat_act", args=[self.trip.public_id, number, action])

    def test_each_persona_gets_the_expected_status(self) -> None:
        ok, no = 200, 403
        pages = (
            reverse("employment:trip_list"),
            reverse("employment:trip_plan"),
            self.detail(),
            reverse("employment:trip_manifest_xlsx", args=[self.trip.public_id]),
        )
        matrix = {
            "employment": (ok, ok, ok, ok),
            "director": (ok, no, ok, ok),
            "intake": (no, no, no, no),
            "inspector": (no, no, no, no),
            "outsider": (no, no, no, no),
        }
        for persona, statuses in matrix.items():
            self.login(getattr(self, persona))
            for url, status in zip(pages, statuses, strict=True):
                with self.subTest(persona=persona, url=url):
                    self.assertEqual(self.client.get(url).status_code, status)

    def test_a_county_officer_sees_no_trip_page_and_does_nothing(self) -> None:
        unit = org_unit_create(name="西安区就业局", division=self.xian_division, actor=None)
        county = make_officer("employment-xian", unit=unit, full_name="西安区就业")
        self.login(county)
        trip = self.trip.public_id
        gets = (
            reverse("employment:trip_list"),
            reverse("employment:trip_plan"),
            self.detail(),
            reverse("employment:trip_manifest_xlsx", args=[trip]),
        )
        posts: tuple[tuple[str, dict[str, str]], ...] = (
            (reverse("employment:trip_plan"), {"seats": "45", "origin": "辽源"}),
            (self.seat_url(1, "board"), {}),
            (self.seat_url(1, "unboard"), {}),
            (self.seat_url(1, "pickup"), {"pickup_point": "别处"}),
            (reverse("employment:trip_transition", args=[trip]), {"to": "cancelled"}),
        )
        for url in gets:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
        for url, data in posts:
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, data).status_code, 403)
        self.assertEqual(Trip.objects.get().status, Trip.Status.PLANNED)
        self.assertEqual(
            set(TripSeat.objects.values_list("pickup_point", "boarded_at")),
            {("龙山区向阳街道", None)},
        )
        self.assertFalse(AuditEvent.objects.filter(action="trip.manifest_export").exists())

    @override_settings(QINGLING_CITY_DIVISION="220500")
    def test_staff_of_another_city_see_no_trip_page(self) -> None:
        self.login(self.employment)
        self.assertEqual(self.client.get(reverse("employment:trip_list")).status_code, 403)

    def test_the_outsider_can_do_nothing(self) -> None:
        self.login(self.outsider)
        posts: tuple[tuple[str, dict[str, str]], ...] = (
            (reverse("employment:trip_plan"), {"seats": "45", "origin": "辽源"}),
            (self.seat_url(1, "board"), {}),
            (
                reverse("employment:trip_transition", args=[self.trip.public_id]),
                {"to": "cancelled"},
            ),
        )
        for url, data in posts:
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, data).status_code, 403)
        self.assertFalse(TripSeat.objects.filter(boarded_at__isnull=False).exists())
        self.assertEqual(Trip.objects.get().status, Trip.Status.PLANNED)

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.detail())
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])

    def test_the_director_sees_the_manifest_without_buttons(self) -> None:
        self.login(self.director)
        response = self.client.get(self.detail())
        self.assertNotContains(response, "Check in")
        self.assertNotContains(response, 'name="to"')
        self.assertEqual(self.client.post(self.seat_url(1, "board")).status_code, 403)

    def test_the_list_runs_the_same_queries_whatever_the_number_of_trips(self) -> None:
        self.login(self.employment)
        url = reverse("employment:trip_list")
        # session, user; the user's org unit and its division (jurisdiction); destinations of
        # the filter; count; page; the boarded total
        with self.assertNumQueries(8) as few:
            self.client.get(url)
        for index in range(6):
            traveller(
                self, name=f"北京{index}", destination=BEIJING, window=(20 + index, 20 + index)
            )
        plan(self)
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(url)
        self.assertEqual(len(response.context["page"].object_list), 7)
        self.assertContains(response, "ZC-20270220-01")

    def test_filters_the_list(self) -> None:
        traveller(self, name="北京", destination=BEIJING, window=(25, 25))
        plan(self)
        self.login(self.employment)
        response = self.client.get(reverse("employment:trip_list"), {"destination": BEIJING})
        self.assertEqual([t.number for t in response.context["page"]], ["ZC-20270225-01"])
        response = self.client.get(
            reverse("employment:trip_list"), {"date": "2027-02-20", "status": "planned"}
        )
        self.assertEqual([t.number for t in response.context["page"]], ["ZC-20270220-01"])

    def test_the_manifest_shows_masked_numbers_only(self) -> None:
        self.login(self.employment)
        response = self.client.get(self.detail())
        self.assertEqual(response.status_code, 200)
        for worker in self.workers:
            person = worker.person
            self.assertContains(response, person.name)
            self.assertContains(response, person.id_number_masked)
            self.assertContains(response, person.phone_masked)
            self.assertNotContains(response, unseal(person.id_number_sealed, purpose="id_number"))
            self.assertNotContains(response, unseal(person.phone_sealed, purpose="phone"))
        self.assertContains(response, "@media print")
        self.assertContains(response, "龙山区向阳街道")

    def test_the_xlsx_manifest_has_masked_numbers_only_and_is_audited(self) -> None:
        self.login(self.director)
        response = self.client.get(
            reverse("employment:trip_manifest_xlsx", args=[self.trip.public_id])
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("manifest-ZC-20270220-01.xlsx", response["Content-Disposition"])
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        rows = [
            [str(v) if v is not None else "" for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        self.assertIn("ZC-20270220-01", rows[0][0])
        self.assertEqual(len(rows[1]), len(MANIFEST_HEADERS))
        text = "\n".join("\t".join(row) for row in rows)
        self.assertEqual(len(rows), 2 + 3)
        for worker in self.workers:
            person = worker.person
            self.assertIn(person.id_number_masked, text)
            self.assertIn(person.phone_masked, text)
            self.assertNotIn(unseal(person.id_number_sealed, purpose="id_number"), text)
            self.assertNotIn(unseal(person.phone_sealed, purpose="phone"), text)
        event = AuditEvent.objects.get(action="trip.manifest_export")
        self.assertEqual((event.actor_id, event.after), (self.director.pk, {"rows": 3}))

    def test_a_name_shaped_like_a_formula_comes_out_of_the_xlsx_manifest_as_text(self) -> None:
        attack = '=HYPERLINK("http://x","y")'
        trip_transition(trip=self.trip, to=Trip.Status.CANCELLED, actor=self.employment)
        traveller(self, name=attack, confirmed_employer="@SUM(1)")
        (trip,) = plan(self).trips
        self.login(self.employment)
        response = self.client.get(reverse("employment:trip_manifest_xlsx", args=[trip.public_id]))
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
        self.assertEqual(cells[attack].data_type, "s")
        self.assertEqual(cells["@SUM(1)"].data_type, "s")
        self.assertNotIn("f", {cell.data_type for cell in cells.values()})
        self.assertEqual(cells[1].data_type, "n")  # the seat number stays a number

    def test_plans_from_the_form_and_shows_the_result(self) -> None:
        traveller(self, name="新来的")
        traveller(self, name="没日期", window=None)
        self.login(self.employment)
        form = self.client.get(reverse("employment:trip_plan"))
        self.assertContains(form, "大连市 (2 waiting)")
        self.assertEqual(form.context["form"]["seats"].value(), 45)
        self.assertEqual(form.context["form"]["origin"].value(), "辽源市人社局")
        response = self.client.post(
            reverse("employment:trip_plan"),
            {"destination": "210200", "seats": "45", "origin": "辽源市人社局"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Proven optimal")
        self.assertContains(response, "ZC-20270220-02")
        self.assertContains(response, "没日期")
        self.assertContains(response, "no travel window")
        self.assertEqual(TripSeat.objects.count(), 4)

    @override_settings(QINGLING_TRIP_ORIGIN="东丰县人社局")
    def test_the_plan_form_starts_from_the_configured_origin(self) -> None:
        self.login(self.employment)
        form = self.client.get(reverse("employment:trip_plan")).context["form"]
        self.assertEqual(form["origin"].value(), "东丰县人社局")

    def test_the_plan_form_shows_a_refusal_on_its_field(self) -> None:
        self.login(self.employment)
        response = self.client.post(
            reverse("employment:trip_plan"), {"destination": "", "seats": "0", "origin": "x"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["seats"])

    def test_checks_in_on_the_manifest_and_refuses_a_second_check_in(self) -> None:
        self.login(self.employment)
        response = self.client.post(self.seat_url(2, "board"))
        self.assertRedirects(response, self.detail() + "#seat-2", fetch_redirect_response=False)
        self.assertIsNotNone(TripSeat.objects.get(trip=self.trip, number=2).boarded_at)
        response = self.client.post(self.seat_url(2, "board"), follow=True)
        self.assertContains(response, "Seat 2 has already checked in")
        self.assertContains(response, 'data-boarded="1"', count=1)

    def test_moves_a_pick_up_point(self) -> None:
        self.login(self.employment)
        self.client.post(self.seat_url(1, "pickup"), {"pickup_point": "向阳街道政府门口"})
        self.assertEqual(
            TripSeat.objects.get(trip=self.trip, number=1).pickup_point, "向阳街道政府门口"
        )
        self.assertEqual(self.client.post(self.seat_url(1, "fly")).status_code, 404)

    def test_departs_and_hands_over_through_the_page(self) -> None:
        # The bus leaves on the day it was planned for (another day needs a reason).
        Trip.objects.filter(pk=self.trip.pk).update(date=CURRENT_TIME.date())
        self.login(self.employment)
        url = reverse("employment:trip_transition", args=[self.trip.public_id])
        response = self.client.post(url, {"to": "departed"}, follow=True)
        self.assertContains(response, "Nobody has boarded yet")
        trip_seat_board(seat=TripSeat.objects.get(trip=self.trip, number=1), actor=self.employment)
        self.client.post(url, {"to": "departed"})
        self.assertEqual(list(TripSeat.objects.values_list("number", flat=True)), [1])
        response = self.client.post(url, {"to": "arrived", "received_by": ""}, follow=True)
        self.assertContains(response, "Say who received the workers")
        self.client.post(url, {"to": "arrived", "received_by": "大连市人社局"})
        self.trip.refresh_from_db()
        self.assertEqual(
            (self.trip.status, self.trip.received_by), (Trip.Status.ARRIVED, "大连市人社局")
        )
        response = self.client.get(self.detail())
        self.assertContains(response, "handed over")
        self.assertNotContains(response, "Check in")

    def test_a_cancelled_trip_is_listed_without_seats(self) -> None:
        trip_transition(trip=self.trip, to=Trip.Status.CANCELLED, actor=self.employment)
        self.login(self.employment)
        response = self.client.get(reverse("employment:trip_list"), {"status": "cancelled"})
        (trip,) = response.context["page"]
        self.assertEqual((trip.passengers, trip.boarded), (0, 0))
        self.assertEqual(self.client.get(self.detail()).context["rows"], [])

    def test_an_unknown_trip_is_not_found(self) -> None:
        self.login(self.employment)
        response = self.client.get(
            reverse("employment:trip_detail", args=["00000000-0000-0000-0000-000000000000"])
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.trip.date, dt.date(2027, 2, 20))
