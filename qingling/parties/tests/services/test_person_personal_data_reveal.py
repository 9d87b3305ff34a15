import json

from django.test import override_settings
from django.urls import reverse

from qingling.core.exceptions import Forbidden, InvalidInput, TooManyRequests
from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_id_number, fake_mobile
from qingling.parties.services import person_personal_data_reveal, person_register
from qingling.testing import BaseTestCase, make_project


@override_settings(LANGUAGE_CODE="en")
class PersonPersonalDataRevealTests(BaseTestCase):
    def setUp(self) -> None:
        self.id_number = fake_id_number(self.rng)
        self.phone = fake_mobile(self.rng)
        self.person = person_register(
            name="张三", id_number=self.id_number, phone=self.phone, actor=None
        )
        make_project(division=self.longshan, wage_officer=self.person)  # 龙山区's

    def test_returns_the_id_number_and_records_who_saw_it(self) -> None:
        value = person_personal_data_reveal(
            person=self.person, field="id_number", reason="核实身份", actor=self.inspector
        )
        self.assertEqual(value, self.id_number)
        event = AuditEvent.objects.get(action="person.reveal_id_number")
        self.assertEqual(event.actor, self.inspector)
        self.assertEqual(event.object_type, "parties.person")
        self.assertEqual(event.object_id, str(self.person.pk))
        self.assertEqual(event.reason, "核实身份")
        self.assertNotIn(self.id_number, json.dumps([event.before, event.after]))

    def test_returns_the_phone_and_records_it(self) -> None:
        value = person_personal_data_reveal(person=self.person, field="phone", actor=self.chief)
        self.assertEqual(value, self.phone)
        event = AuditEvent.objects.get(action="person.reveal_phone")
        self.assertEqual(event.actor, self.chief)

    def test_refuses_a_field_with_nothing_recorded(self) -> None:
        bare = person_register(name="李四", actor=None)
        with self.assertRaisesMessage(InvalidInput, "Nothing is recorded for this field."):
            person_personal_data_reveal(person=bare, field="phone", actor=self.chief)
        self.assertIs(AuditEvent.objects.filter(action__startswith="person.reveal").exists(), False)

    def test_refuses_a_county_user_a_person_outside_the_county(self) -> None:
        with self.assertRaises(Forbidden) as refused:
            person_personal_data_reveal(person=self.person, field="id_number", actor=self.xian)
        self.assertEqual(refused.exception.code, "person_outside_jurisdiction")
        self.assertIs(AuditEvent.objects.filter(action__startswith="person.reveal").exists(), False)

    @override_settings(QINGLING_PERSONAL_DATA_LIMIT=2)
    def test_refuses_a_reveal_over_the_hourly_limit(self) -> None:
        for field in ("id_number", "phone"):
            person_personal_data_reveal(person=self.person, field=field, actor=self.inspector)
        with self.assertRaises(TooManyRequests) as refused:
            person_personal_data_reveal(person=self.person, field="id_number", actor=self.inspector)
        self.assertEqual(refused.exception.code, "personal_data_rate_limited")
        self.assertEqual(refused.exception.status, 429)
        self.assertEqual(AuditEvent.objects.filter(action__startswith="person.reveal").count(), 2)
        # Another member of staff has a limit of their own.
        value = person_personal_data_reveal(person=self.person, field="phone", actor=self.chief)
        self.assertEqual(value, self.phone)

    @override_settings(QINGLING_PERSONAL_DATA_LIMIT=1)
    def test_does_not_count_a_reveal_refused_for_another_reason(self) -> None:
        with self.assertRaises(InvalidInput):
            person_personal_data_reveal(
                person=person_register(name="李四", actor=None), field="phone", actor=self.chief
            )
        self.assertEqual(
            person_personal_data_reveal(person=self.person, field="phone", actor=self.chief),
            self.phone,
        )


@override_settings(LANGUAGE_CODE="en")
class PersonRevealViewTests(BaseTestCase):
    def setUp(self) -> None:
        self.id_number = fake_id_number(self.rng)
        self.phone = fake_mobile(self.rng)
        self.person = person_register(
            name="张三", id_number=self.id_number, phone=self.phone, actor=None
        )
        make_project(division=self.longshan, wage_officer=self.person)  # 龙山区's

    def _url(self, field: str) -> str:
        return reverse("parties:person_reveal", args=[self.person.public_id, field])

    def test_shows_the_full_id_number_once_and_audits_it(self) -> None:
        self.client.force_login(self.intake)
        response = self.client.post(self._url("id_number"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.id_number)
        self.assertEqual(response["Cache-Control"], "no-store")
        event = AuditEvent.objects.get(action__startswith="person.reveal")
        self.assertEqual(event.action, "person.reveal_id_number")
        self.assertEqual(event.actor, self.intake)
        self.assertEqual(event.object_id, str(self.person.pk))

    def test_shows_the_full_phone_and_audits_it(self) -> None:
        self.client.force_login(self.director)
        response = self.client.post(self._url("phone"))
        self.assertContains(response, self.phone)
        event = AuditEvent.objects.get(action__startswith="person.reveal")
        self.assertEqual((event.action, event.actor), ("person.reveal_phone", self.director))

    def test_refuses_a_get(self) -> None:
        self.client.force_login(self.intake)
        self.assertEqual(self.client.get(self._url("id_number")).status_code, 405)
        self.assertIs(AuditEvent.objects.filter(action__startswith="person.reveal").exists(), False)

    def test_refuses_the_administrator_without_an_audit_row(self) -> None:
        for persona in (self.admin, self.outsider):
            with self.subTest(persona.username):
                self.client.force_login(persona)
                response = self.client.post(self._url("id_number"))
                self.assertEqual(response.status_code, 403)
                self.assertNotContains(response, self.id_number, status_code=403)
        self.assertIs(AuditEvent.objects.filter(action__startswith="person.reveal").exists(), False)

    def test_answers_404_for_an_unknown_field(self) -> None:
        self.client.force_login(self.intake)
        self.assertEqual(self.client.post(self._url("id_number_sealed")).status_code, 404)

    def test_detail_page_offers_reveal_only_to_roles_that_may(self) -> None:
        detail = reverse("parties:person_detail", args=[self.person.public_id])
        self.client.force_login(self.intake)
        self.assertContains(self.client.get(detail), self._url("id_number"))
        self.client.force_login(self.admin)
        response = self.client.get(detail)
        self.assertNotContains(response, self._url("id_number"))
        self.assertNotContains(response, self.id_number)
        self.assertContains(response, self.person.id_number_masked)

    def test_answers_403_with_the_reason_outside_the_jurisdiction(self) -> None:
        self.client.force_login(self.xian)
        response = self.client.post(self._url("id_number"), headers={"HX-Request": "true"})
        self.assertContains(response, "is not linked to your jurisdiction", status_code=403)
        self.assertNotContains(response, self.id_number, status_code=403)
        detail = reverse("parties:person_detail", args=[self.person.public_id])
        self.assertNotContains(self.client.get(detail), self._url("id_number"))

    @override_settings(QINGLING_PERSONAL_DATA_LIMIT=1)
    def test_answers_429_with_a_clear_page_over_the_limit(self) -> None:
        self.client.force_login(self.inspector)
        self.assertContains(self.client.post(self._url("phone")), self.phone)
        response = self.client.post(self._url("id_number"))
        self.assertContains(response, "the most allowed. Try again later", status_code=429)
        self.assertContains(response, self.person.name, status_code=429)
        self.assertNotContains(response, self.id_number, status_code=429)
        self.assertEqual(response["Cache-Control"], "no-store")
        htmx = self.client.post(self._url("id_number"), headers={"HX-Request": "true"})
        self.assertContains(htmx, 'role="alert"', status_code=429)
