import json

from django.test import override_settings
from django.urls import reverse

from qingling.parties.models import Person
from qingling.parties.services import person_update
from qingling.testing import BaseTestCase, make_person


@override_settings(LANGUAGE_CODE="en")
class AuditHistoryViewTests(BaseTestCase):
    person: Person
    url: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_person(cls.rng, name="张三", actor=cls.intake)
        person_update(person=cls.person, name="张三丰", actor=cls.inspector)
        cls.url = reverse("accounts:audit_history", args=["parties.person", cls.person.pk])

    def test_lists_every_write_to_the_object_with_its_actor(self) -> None:
        self.client.force_login(self.chief)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        events = list(response.context["events"])
        self.assertEqual([e.action for e in events], ["person.update", "person.register"])
        self.assertEqual([e.actor for e in events], [self.inspector, self.intake])
        self.assertContains(response, "张三丰")

    def test_shows_only_masked_personal_data(self) -> None:
        self.client.force_login(self.director)
        response = self.client.get(self.url)
        self.assertContains(response, self.person.id_number_masked)
        for event in response.context["events"]:
            self.assertNotIn("sealed", json.dumps(event.after))
            self.assertNotIn("digest", json.dumps(event.after))

    def test_says_so_when_nothing_is_recorded(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.get(reverse("accounts:audit_history", args=["parties.person", "0"]))
        self.assertContains(response, "No recorded events.")

    def test_refuses_roles_without_audit_view(self) -> None:
        for persona in (self.intake, self.inspector, self.employment, self.outsider):
            with self.subTest(persona.username):
                self.client.force_login(persona)
                self.assertEqual(self.client.get(self.url).status_code, 403)
