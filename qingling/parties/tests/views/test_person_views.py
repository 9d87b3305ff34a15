from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingling.core.models import AuditEvent
from qingling.core.personal_data import mask_id_number
from qingling.parties.demo import fake_id_number, fake_mobile
from qingling.parties.models import Person
from qingling.parties.services import person_register
from qingling.testing import BaseTestCase, make_person


@override_settings(LANGUAGE_CODE="en")
class PersonListViewTests(BaseTestCase):
    url = reverse("parties:person_list")

    def test_lists_people_with_masked_numbers_only(self) -> None:
        number, phone = fake_id_number(self.rng), fake_mobile(self.rng)
        person = person_register(name="张三", id_number=number, phone=phone, actor=None)
        self.client.force_login(self.inspector)
        response = self.client.get(self.url)
        self.assertContains(response, "张三")
        self.assertContains(response, person.id_number_masked)
        self.assertContains(response, person.phone_masked)
        self.assertNotContains(response, number)
        self.assertNotContains(response, phone)

    def test_finds_a_person_by_full_id_number(self) -> None:
        number = fake_id_number(self.rng)
        person_register(name="张三", id_number=number, actor=None)
        person_register(name="李四", id_number=fake_id_number(self.rng), actor=None)
        self.client.force_login(self.intake)
        response = self.client.get(self.url, {"q": number})
        self.assertEqual([p.name for p in response.context["page"]], ["张三"])

    def test_answers_an_htmx_search_with_the_rows_only(self) -> None:
        make_person(self.rng, name="张三")
        self.client.force_login(self.intake)
        response = self.client.get(self.url, {"q": "张"}, headers={"HX-Request": "true"})
        content = response.content.decode()
        self.assertIs(content.lstrip().startswith('<div id="rows">'), True)
        self.assertNotIn("<html", content)
        self.assertIn("张三", content)
        self.assertIn("HX-Request", response["Vary"])

    def test_query_count_does_not_grow_with_the_rows(self) -> None:
        self.client.force_login(self.intake)
        for index in range(5):
            make_person(self.rng, name=f"工人{index:02d}")
        with CaptureQueriesContext(connection) as five:
            self.assertEqual(len(self.client.get(self.url).context["page"]), 5)
        for index in range(5, 30):
            make_person(self.rng, name=f"工人{index:02d}")
        with self.assertNumQueries(len(five)):
            self.assertEqual(len(self.client.get(self.url).context["page"]), 30)


@override_settings(LANGUAGE_CODE="en")
class PersonCreateViewTests(BaseTestCase):
    url = reverse("parties:person_create")

    def test_registers_and_redirects_to_the_detail(self) -> None:
        number, phone = fake_id_number(self.rng), fake_mobile(self.rng)
        self.client.force_login(self.intake)
        response = self.client.post(self.url, {"name": "张三", "id_number": number, "phone": phone})
        person = Person.objects.get()
        self.assertRedirects(response, reverse("parties:person_detail", args=[person.public_id]))
        self.assertEqual(person.id_number_masked, mask_id_number(number))
        event = AuditEvent.objects.get(action="person.register")
        self.assertEqual(event.actor, self.intake)

    def test_says_which_part_of_a_bad_id_number_is_wrong(self) -> None:
        number = fake_id_number(self.rng)
        cases = (
            (number[:17] + ("0" if number[17] != "0" else "1"), "The check digit (last character)"),
            (number[:6] + "19901301" + number[14:], "The birth date 19901301 (digits 7 to 14)"),
            ("990000" + number[6:], "The address code 990000 (first six digits)"),
            (number[:17], "An ID number has 18 characters; this one has 17."),
            (number[:15], "15-digit ID numbers were replaced in 2004"),
        )
        self.client.force_login(self.intake)
        for wrong, message in cases:
            with self.subTest(message):
                response = self.client.post(self.url, {"name": "张三", "id_number": wrong})
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.context["form"].errors["id_number"][0])
        self.assertIs(Person.objects.exists(), False)

    def test_refuses_a_duplicate_id_number_naming_the_registered_person(self) -> None:
        number = fake_id_number(self.rng)
        person_register(name="张三", id_number=number, actor=None)
        self.client.force_login(self.intake)
        response = self.client.post(self.url, {"name": "张叁", "id_number": number})
        form = response.context["form"]
        self.assertEqual(form.errors["id_number"], ["Already registered."])
        self.assertEqual(
            form.non_field_errors(),
            ["A person with this ID number is already registered: 张三."],
        )
        self.assertEqual(Person.objects.count(), 1)

    def test_refuses_a_bad_mobile(self) -> None:
        self.client.force_login(self.intake)
        response = self.client.post(self.url, {"name": "张三", "phone": "12345"})
        self.assertIn("mobile", response.context["form"].errors["phone"][0])
        self.assertIs(Person.objects.exists(), False)

    def test_refuses_roles_without_party_edit(self) -> None:
        for persona in (self.director, self.admin, self.outsider):
            with self.subTest(persona.username):
                self.client.force_login(persona)
                response = self.client.post(self.url, {"name": "张三"})
                self.assertEqual(response.status_code, 403)
        self.assertIs(Person.objects.exists(), False)


@override_settings(LANGUAGE_CODE="en")
class PersonEditViewTests(BaseTestCase):
    def test_changes_the_name_and_keeps_blank_numbers(self) -> None:
        number = fake_id_number(self.rng)
        person = person_register(name="张三", id_number=number, actor=None)
        self.client.force_login(self.inspector)
        url = reverse("parties:person_edit", args=[person.public_id])
        page = self.client.get(url)
        self.assertNotContains(page, number)
        response = self.client.post(url, {"name": "张三丰", "id_number": "", "phone": ""})
        self.assertRedirects(response, reverse("parties:person_detail", args=[person.public_id]))
        person.refresh_from_db()
        self.assertEqual((person.name, person.id_number_masked), ("张三丰", mask_id_number(number)))
        event = AuditEvent.objects.get(action="person.update")
        self.assertEqual(
            ((event.before or {})["name"], (event.after or {})["name"]), ("张三", "张三丰")
        )

    def test_answers_404_for_an_unknown_person(self) -> None:
        self.client.force_login(self.inspector)
        url = reverse("parties:person_detail", args=["00000000-0000-0000-0000-000000000000"])
        self.assertEqual(self.client.get(url).status_code, 404)
