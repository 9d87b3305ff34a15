import json

from django.db import connection
from django.test import override_settings

from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.models import AuditEvent
from qingling.core.personal_data import mask_id_number, mask_phone
from qingling.parties.demo import fake_id_number, fake_mobile
from qingling.parties.models import Person
from qingling.parties.services import person_find_or_register, person_register, person_update
from qingling.testing import BaseTestCase


def audit_text() -> str:
    return json.dumps(
        [[e.action, e.object_label, e.before, e.after, e.reason] for e in AuditEvent.objects.all()],
        ensure_ascii=False,
    )


@override_settings(LANGUAGE_CODE="en")
class PersonRegisterTests(BaseTestCase):
    def setUp(self) -> None:
        self.id_number = fake_id_number(self.rng)
        self.phone = fake_mobile(self.rng)

    def test_stores_no_plaintext_in_the_table(self) -> None:
        person_register(name="张三", id_number=self.id_number, phone=self.phone, actor=self.intake)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM parties_person")
            rows = cursor.fetchall()
        self.assertEqual(len(rows), 1)
        raw = " ".join(str(value) for value in rows[0])
        self.assertNotIn(self.id_number, raw)
        self.assertNotIn(self.phone, raw)
        self.assertNotIn(self.id_number[6:14], raw)  # not even the birth date
        self.assertIn(mask_id_number(self.id_number), raw)
        self.assertIn(mask_phone(self.phone), raw)

    def test_masks_the_numbers(self) -> None:
        person = person_register(
            name="张三", id_number=self.id_number, phone=self.phone, actor=self.intake
        )
        self.assertEqual(
            person.id_number_masked, self.id_number[:2] + "*" * 14 + self.id_number[-2:]
        )
        self.assertEqual(person.phone_masked, self.phone[:3] + "******" + self.phone[-2:])

    def test_normalises_a_lowercase_x_and_spaces(self) -> None:
        number = next(n for n in (fake_id_number(self.rng) for _ in range(200)) if n.endswith("X"))
        person = person_register(name=" 李四 ", id_number=number.lower(), actor=None)
        self.assertEqual(person.name, "李四")
        self.assertIs(person.id_number_masked.endswith("X"), True)

    def test_records_an_audit_event_without_plaintext(self) -> None:
        person = person_register(
            name="张三", id_number=self.id_number, phone=self.phone, actor=self.intake
        )
        event = AuditEvent.objects.get(action="person.register")
        self.assertEqual(event.actor, self.intake)
        self.assertEqual(event.object_type, "parties.person")
        self.assertEqual(event.object_id, str(person.pk))
        self.assertIsNone(event.before)
        self.assertEqual(
            event.after,
            {
                "name": "张三",
                "id_number_masked": person.id_number_masked,
                "phone_masked": person.phone_masked,
            },
        )
        self.assertNotIn(self.id_number, audit_text())
        self.assertNotIn(self.phone, audit_text())

    def test_refuses_a_duplicate_id_number(self) -> None:
        first = person_register(name="张三", id_number=self.id_number, actor=None)
        with self.assertRaisesMessage(
            Conflict, "A person with this ID number is already registered: 张三."
        ) as caught:
            person_register(name="张叁", id_number=self.id_number, actor=None)
        self.assertEqual(caught.exception.code, "person_duplicate_id_number")
        self.assertEqual(caught.exception.extra["person"], str(first.public_id))
        self.assertEqual(Person.objects.count(), 1)

    def test_registers_people_without_an_id_number_side_by_side(self) -> None:
        person_register(name="无证一", actor=None)
        person_register(name="无证二", actor=None)
        self.assertEqual(Person.objects.filter(id_number_digest="").count(), 2)

    def test_refuses_a_bad_check_digit_naming_the_field(self) -> None:
        wrong = self.id_number[:17] + ("0" if self.id_number[17] != "0" else "1")
        with self.assertRaisesMessage(InvalidInput, "The check digit (last character)") as caught:
            person_register(name="张三", id_number=wrong, actor=None)
        self.assertEqual(list(caught.exception.extra["fields"]), ["id_number"])
        self.assertIs(Person.objects.exists(), False)
        self.assertIs(AuditEvent.objects.filter(action="person.register").exists(), False)

    def test_refuses_a_landline_as_mobile(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "not a mainland mobile number") as caught:
            person_register(name="张三", phone="0437-3221234", actor=None)
        self.assertEqual(list(caught.exception.extra["fields"]), ["phone"])

    def test_refuses_an_empty_name(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            person_register(name="  ", actor=None)
        self.assertIn("name", caught.exception.extra["fields"])


@override_settings(LANGUAGE_CODE="en")
class PersonUpdateTests(BaseTestCase):
    def test_records_before_and_after(self) -> None:
        person = person_register(name="张三", id_number=fake_id_number(self.rng), actor=None)
        new_phone = fake_mobile(self.rng)
        person_update(person=person, name="张三丰", phone=new_phone, actor=self.inspector)
        event = AuditEvent.objects.get(action="person.update")
        self.assertEqual(event.actor, self.inspector)
        self.assertEqual((event.before or {})["name"], "张三")
        self.assertEqual((event.before or {})["phone_masked"], "")
        self.assertEqual((event.after or {})["name"], "张三丰")
        self.assertEqual((event.after or {})["phone_masked"], mask_phone(new_phone))
        self.assertNotIn(new_phone, audit_text())

    def test_keeps_numbers_that_are_not_given(self) -> None:
        number = fake_id_number(self.rng)
        person = person_register(name="张三", id_number=number, actor=None)
        person_update(person=person, name="张三", actor=None)
        person.refresh_from_db()
        self.assertEqual(person.id_number_masked, mask_id_number(number))

    def test_clears_a_number_given_as_empty(self) -> None:
        person = person_register(name="张三", phone=fake_mobile(self.rng), actor=None)
        person_update(person=person, name="张三", phone="", actor=None)
        person.refresh_from_db()
        self.assertEqual(
            (person.phone_masked, person.phone_sealed, person.phone_digest), ("", "", "")
        )

    def test_may_keep_its_own_id_number(self) -> None:
        number = fake_id_number(self.rng)
        person = person_register(name="张三", id_number=number, actor=None)
        person_update(person=person, name="张三", id_number=number, actor=None)
        self.assertEqual(Person.objects.get().id_number_masked, mask_id_number(number))

    def test_refuses_another_persons_id_number(self) -> None:
        number = fake_id_number(self.rng)
        person_register(name="张三", id_number=number, actor=None)
        other = person_register(name="李四", actor=None)
        with self.assertRaises(Conflict) as caught:
            person_update(person=other, name="李四", id_number=number, actor=None)
        self.assertEqual(caught.exception.code, "person_duplicate_id_number")


class PersonFindOrRegisterTests(BaseTestCase):
    def test_returns_the_person_already_registered_with_the_id_number(self) -> None:
        number = fake_id_number(self.rng)
        existing = person_register(name="张三", id_number=number, actor=None)
        found = person_find_or_register(name="别名", id_number=number, actor=None)
        self.assertEqual(found, existing)
        self.assertEqual(Person.objects.count(), 1)

    def test_registers_a_new_person(self) -> None:
        found = person_find_or_register(name="王五", phone=fake_mobile(self.rng), actor=None)
        self.assertEqual(Person.objects.get(), found)

    def test_returns_none_when_nothing_is_given(self) -> None:
        self.assertIsNone(person_find_or_register(name=" ", actor=None))

    def test_needs_a_name_for_a_new_id_number(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            person_find_or_register(name="", id_number=fake_id_number(self.rng), actor=None)
        self.assertEqual(list(caught.exception.extra["fields"]), ["name"])
