import datetime as dt
import io
import random
from decimal import Decimal

import time_machine
from django.test import override_settings
from openpyxl import Workbook

from qingling.core.exceptions import InvalidInput
from qingling.core.models import AuditEvent
from qingling.core.personal_data import unseal
from qingling.employment.models import Seeker, Trip, TripSeat
from qingling.employment.services.seekers import (
    SeekerInput,
    seeker_import,
    seeker_opt_out_by_phone,
    seeker_register,
)
from qingling.employment.tests.world import EmploymentWorld
from qingling.parties.demo import fake_id_number, fake_mobile
from qingling.testing import CURRENT_TIME, make_person


def registration(rng: random.Random, **fields: object) -> SeekerInput:
    values: dict[str, object] = {
        "name": "王五",
        "id_number": fake_id_number(rng),
        "phone": fake_mobile(rng),
        "division_code": "220422",
        "township": "安石镇",
        "occupation_codes": ["6-29"],
        "destination_codes": ["210200", "370000"],
        "wage_expected": Decimal(6000),
        "earliest": dt.date(2027, 2, 18),
        "latest": dt.date(2027, 2, 25),
        "contact_consent": True,
    }
    values.update(fields)
    return SeekerInput(**values)  # type: ignore[arg-type]


def workbook(*rows: tuple[object, ...]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "姓名",
            "身份证号",
            "手机",
            "区县",
            "乡镇",
            "意向职业",
            "目的地",
            "最早出行",
            "最晚出行",
            "同意联系",
        ]
    )
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@time_machine.travel(CURRENT_TIME, tick=False)
class SeekerRegisterTests(EmploymentWorld):
    def test_registers_a_worker_with_intentions_and_audits_it(self) -> None:
        seeker = seeker_register(
            data=registration(self.rng), source=Seeker.Source.STAFF, actor=self.employment
        )
        self.assertEqual(seeker.township, "安石镇")
        self.assertEqual(seeker.registered_on, dt.date(2026, 11, 27))
        self.assertEqual(sorted(d.code for d in seeker.destinations.all()), ["210200", "370000"])
        self.assertEqual([o.code for o in seeker.occupations.all()], ["6-29"])
        event = AuditEvent.objects.get(action="seeker.register", object_id=str(seeker.pk))
        assert event.after is not None
        self.assertEqual(event.after["destinations"], ["210200", "370000"])

    def test_the_same_id_number_twice_is_one_worker_updated(self) -> None:
        data = registration(self.rng)
        first = seeker_register(data=data, source=Seeker.Source.STAFF, actor=self.employment)
        data.township = "白泉镇"
        data.job_confirmed, data.transport_needed = True, True
        data.confirmed_destination_code = "210200"
        second = seeker_register(data=data, source=Seeker.Source.STAFF, actor=self.employment)
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Seeker.objects.count(), 1)
        self.assertEqual(second.township, "白泉镇")
        self.assertTrue(AuditEvent.objects.filter(action="seeker.update").exists())

    @override_settings(LANGUAGE_CODE="en")
    def test_names_every_bad_field_at_once_and_stores_nothing(self) -> None:
        data = registration(
            self.rng,
            id_number="220402199001011234",
            division_code="110101",
            township="",
            occupation_codes=["9-99"],
            destination_codes=["999999"],
            earliest=dt.date(2027, 3, 1),
            latest=dt.date(2027, 2, 1),
            phone="",
        )
        with self.assertRaises(InvalidInput) as caught:
            seeker_register(data=data, source=Seeker.Source.STAFF, actor=self.employment)
        fields = caught.exception.extra["fields"]
        self.assertEqual(
            set(fields),
            {"id_number", "division", "township", "occupations", "destinations", "latest", "phone"},
        )
        self.assertIn("9-99", fields["occupations"][0])
        self.assertEqual(Seeker.objects.count(), 0)

    def test_a_confirmed_job_needing_a_bus_must_say_where(self) -> None:
        data = registration(self.rng, job_confirmed=True, transport_needed=True)
        with self.assertRaises(InvalidInput) as caught:
            seeker_register(data=data, source=Seeker.Source.STAFF, actor=self.employment)
        self.assertIn("confirmed_destination", caught.exception.extra["fields"])

    def test_the_public_form_cannot_rewrite_someone_elses_registration(self) -> None:
        data = registration(self.rng)
        seeker_register(data=data, source=Seeker.Source.STAFF, actor=self.employment)
        other = registration(self.rng, id_number=data.id_number, township="别人写的")
        with self.assertRaises(InvalidInput) as caught:
            seeker_register(data=other, source=Seeker.Source.SELF, actor=None)
        self.assertIn("phone", caught.exception.extra["fields"])
        data.township = "本人改的"
        seeker = seeker_register(data=data, source=Seeker.Source.SELF, actor=None)
        self.assertEqual(seeker.township, "本人改的")

    def test_opting_out_by_phone_stops_messages_and_consenting_again_resumes(self) -> None:
        data = registration(self.rng)
        seeker = seeker_register(data=data, source=Seeker.Source.STAFF, actor=self.employment)
        self.assertTrue(seeker.reachable)
        self.assertEqual(seeker_opt_out_by_phone(phone=data.phone), 1)
        seeker.refresh_from_db()
        self.assertFalse(seeker.reachable)
        self.assertEqual(seeker_opt_out_by_phone(phone=data.phone), 0)
        seeker = seeker_register(data=data, source=Seeker.Source.SELF, actor=None)
        self.assertTrue(seeker.reachable)


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class SeekerImportTests(EmploymentWorld):
    def test_keeps_good_rows_and_reports_each_bad_row_by_line(self) -> None:
        good = fake_id_number(self.rng)
        content = workbook(
            (
                "赵一",
                good,
                fake_mobile(self.rng),
                "东辽县",
                "安石镇",
                "建筑施工人员",
                "大连市、山东省",
                "2027-02-18",
                "2027-02-25",
                "是",
            ),
            ("钱二", "123", "", "东辽县", "安石镇", "", "", None, None, "否"),
            (
                "孙三",
                fake_id_number(self.rng),
                "",
                "北京市",
                "",
                "6-29",
                "火星",
                "2027-02-30",
                None,
                "也许",
            ),
            ("李四", good, "", "东辽县", "安石镇", "", "", None, None, "否"),
        )
        result = seeker_import(content=content, actor=self.employment)
        self.assertEqual((result.created, result.failed), (1, 3))
        by_line: dict[int, set[str]] = {}
        for failure in result.failures:
            by_line.setdefault(failure.line, set()).add(failure.field)
        self.assertEqual(by_line[3], {"id_number"})
        self.assertEqual(
            by_line[4], {"division", "township", "destinations", "earliest", "contact_consent"}
        )
        self.assertEqual(by_line[5], {"id_number"})  # the same ID number as line 2
        seeker = Seeker.objects.get()
        self.assertEqual(seeker.source, Seeker.Source.IMPORT)
        self.assertEqual(sorted(d.name for d in seeker.destinations.all()), ["大连市", "山东省"])

    def test_importing_the_same_sheet_again_updates_and_does_not_double(self) -> None:
        content = workbook(
            ("赵一", fake_id_number(self.rng), "", "东辽县", "安石镇", "", "", None, None, "否")
        )
        seeker_import(content=content, actor=self.employment)
        result = seeker_import(content=content, actor=self.employment)
        self.assertEqual((result.created, result.updated), (0, 1))
        self.assertEqual(Seeker.objects.count(), 1)

    def test_a_sheet_without_the_needed_columns_is_refused_whole(self) -> None:
        book = Workbook()
        book.active.append(["姓名", "手机"])
        out = io.BytesIO()
        book.save(out)
        with self.assertRaises(InvalidInput) as caught:
            seeker_import(content=out.getvalue(), actor=self.employment)
        self.assertIn("id_number", caught.exception.extra["fields"])


@time_machine.travel(CURRENT_TIME, tick=False)
class SeekerChoicesAreTheWorkersTests(EmploymentWorld):
    """What only the worker may decide survives staff saves and grid imports."""

    def test_the_public_form_cannot_take_over_a_person_on_file(self) -> None:
        complainant = make_person(self.rng, name="投诉人")
        phone_on_file = complainant.phone_digest
        data = registration(self.rng, name="冒名者")
        data.id_number = unseal(complainant.id_number_sealed, purpose="id_number")
        with self.assertRaises(InvalidInput) as caught:
            seeker_register(data=data, source=Seeker.Source.SELF, actor=None)
        self.assertIn("phone", caught.exception.extra["fields"])
        complainant.refresh_from_db()
        self.assertEqual(complainant.phone_digest, phone_on_file)
        self.assertFalse(Seeker.objects.exists())

    def test_staff_and_imports_do_not_undo_an_opt_out_or_a_refusal(self) -> None:
        data = registration(self.rng, personalised=False)
        seeker = seeker_register(data=data, source=Seeker.Source.SELF, actor=None)
        seeker_opt_out_by_phone(phone=data.phone)
        data.personalised = None  # a staff form does not ask
        seeker = seeker_register(data=data, source=Seeker.Source.STAFF, actor=self.employment)
        self.assertIsNotNone(seeker.opted_out_at)
        self.assertFalse(seeker.personalised)
        self.assertFalse(seeker.reachable)

    def test_wechat_needs_a_bound_account(self) -> None:
        data = registration(self.rng, contact_channel="wechat", phone="")
        with self.assertRaises(InvalidInput) as caught:
            seeker_register(data=data, source=Seeker.Source.STAFF, actor=self.employment)
        self.assertIn("contact_channel", caught.exception.extra["fields"])

    def test_changing_the_window_of_a_seated_worker_frees_the_seat(self) -> None:
        data = registration(
            self.rng,
            job_confirmed=True,
            transport_needed=True,
            confirmed_destination_code="210200",
        )
        seeker = seeker_register(data=data, source=Seeker.Source.STAFF, actor=self.employment)
        trip = Trip.objects.create(
            number="ZC-T", date=dt.date(2027, 2, 20), origin="辽源", destination_id="210200",
            seats=45,
        )  # fmt: skip
        TripSeat.objects.create(trip=trip, seeker=seeker, number=1, pickup_point="安石镇")
        seeker_register(data=data, source=Seeker.Source.STAFF, actor=self.employment)
        self.assertTrue(TripSeat.objects.filter(seeker=seeker).exists())  # nothing changed
        data.latest = dt.date(2027, 3, 10)
        seeker_register(data=data, source=Seeker.Source.STAFF, actor=self.employment)
        self.assertFalse(TripSeat.objects.filter(seeker=seeker).exists())
