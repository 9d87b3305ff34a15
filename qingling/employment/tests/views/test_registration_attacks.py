"""Issue 17, 2: the public job registration told anyone whether an ID number was on file
and let a stranger take an unknown one. Each test replays the attack and shows it fails."""

import re
from typing import Any

import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from qingling.core.models import AuditEvent
from qingling.core.personal_data import blind_index, mask_phone, unseal
from qingling.employment.models import Seeker
from qingling.employment.tests.views.test_survey_and_postings_views import sent_code
from qingling.employment.tests.world import EmploymentWorld, make_seeker
from qingling.notify.models import OutboxMessage
from qingling.parties.demo import fake_id_number
from qingling.parties.models import Person
from qingling.testing import CURRENT_TIME

REGISTER = reverse("jobs:register")
STRANGER_PHONE = "13912345678"


def registration(id_number: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "周六",
        "id_number": id_number,
        "phone": STRANGER_PHONE,
        "division": "220421",
        "township": "东丰镇",
        "going_out": "on",
        "occupations": ["6-29"],
        "destinations": "山东省",
        "earliest": "2027-02-20",
        "latest": "2027-02-28",
        "contact_consent": "on",
        "contact_channel": "sms",
        "personalised": "on",
        **overrides,
    }


def last_code_sent_to() -> str:
    return OutboxMessage.objects.filter(payload__template="phone_code").latest("id").destination


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class RegistrationAttackTests(EmploymentWorld):
    def setUp(self) -> None:
        super().setUp()
        self.seeker = make_seeker(self.rng, township="向阳街道")
        person = self.seeker.person
        self.id_number = unseal(person.id_number_sealed, purpose="id_number")
        self.owner_phone = unseal(person.phone_sealed, purpose="phone")

    @staticmethod
    def page_text(response: Any, id_number: str) -> str:
        """The page's main part, without the ID number typed and the CSRF token."""
        main = response.content.decode().split("<main>")[1].replace(id_number, "")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)

    def test_an_id_number_on_file_gets_the_same_answer_as_an_unknown_one(self) -> None:
        on_file = self.client.post(REGISTER, registration(self.id_number))
        unknown_id = fake_id_number(self.rng, division="220421")
        unknown = Client().post(REGISTER, registration(unknown_id))
        self.assertEqual(on_file.status_code, unknown.status_code)
        self.assertEqual(
            self.page_text(on_file, self.id_number), self.page_text(unknown, unknown_id)
        )
        self.assertContains(on_file, "the mobile number on file for this ID number")
        self.assertNotContains(on_file, "registered already")
        self.assertNotContains(on_file, mask_phone(self.owner_phone))

    def test_the_code_for_an_id_number_on_file_goes_to_the_phone_on_file(self) -> None:
        self.client.post(REGISTER, registration(self.id_number))
        self.assertEqual(last_code_sent_to(), mask_phone(self.owner_phone))

    def test_a_stranger_cannot_change_the_registration_without_the_owners_code(self) -> None:
        data = registration(self.id_number, township="外地镇")
        self.client.post(REGISTER, data)
        for guess in ("000000", "123456", "999999", "111111", "222222", "333333"):
            self.client.post(REGISTER, {**data, "code": guess})
        self.seeker.refresh_from_db()
        self.assertEqual(self.seeker.township, "向阳街道")
        self.assertEqual(
            self.seeker.person.phone_digest, blind_index(self.owner_phone, purpose="phone")
        )
        self.assertFalse(AuditEvent.objects.filter(action="seeker.update").exists())

    def test_the_owner_with_the_code_from_the_phone_on_file_updates_it(self) -> None:
        data = registration(self.id_number, township="东丰镇", phone=self.owner_phone)
        self.client.post(REGISTER, data)
        response = self.client.post(REGISTER, {**data, "code": sent_code()})
        self.assertRedirects(response, reverse("jobs:registered"))
        self.seeker.refresh_from_db()
        self.assertEqual(self.seeker.township, "东丰镇")

    def test_an_id_number_on_file_without_a_phone_is_not_taken_and_nothing_is_said(self) -> None:
        Person.objects.filter(pk=self.seeker.person_id).update(phone_sealed="", phone_digest="")
        data = registration(self.id_number, township="外地镇")
        self.client.post(REGISTER, data)
        self.assertEqual(last_code_sent_to(), mask_phone(STRANGER_PHONE))
        response = self.client.post(REGISTER, {**data, "code": sent_code()})
        self.assertRedirects(response, reverse("jobs:registered"))  # as for anyone
        self.seeker.refresh_from_db()
        self.assertEqual(self.seeker.township, "向阳街道")
        self.assertEqual(self.seeker.person.phone_digest, "")
        self.assertTrue(AuditEvent.objects.filter(action="seeker.self_update_refused").exists())

    def test_a_new_worker_registers_with_the_code_sent_to_the_phone_given(self) -> None:
        data = registration(fake_id_number(self.rng, division="220421"))
        asked = self.client.post(REGISTER, data)
        self.assertFalse(Seeker.objects.filter(township="东丰镇").exists())  # not yet
        self.assertContains(asked, 'value="东丰镇"')  # everything typed is kept
        self.assertEqual(last_code_sent_to(), mask_phone(STRANGER_PHONE))
        response = self.client.post(REGISTER, {**data, "code": sent_code()})
        self.assertRedirects(response, reverse("jobs:registered"))
        self.assertEqual(Seeker.objects.filter(township="东丰镇").count(), 1)

    def test_probing_an_id_number_is_stopped_alike_whether_it_is_on_file_or_not(self) -> None:
        unknown_id = fake_id_number(self.rng, division="220421")
        for id_number in (self.id_number, unknown_id):
            statuses = [
                Client(REMOTE_ADDR=f"198.51.100.{n}")
                .post(REGISTER, registration(id_number, phone=f"1391234{n:04d}"))
                .status_code
                for n in range(7)
            ]
            self.assertEqual(statuses, [200] * 5 + [429] * 2, id_number == self.id_number)

    def test_posts_from_one_address_are_limited(self) -> None:
        client = Client(REMOTE_ADDR="203.0.113.7")
        statuses = [
            client.post(REGISTER, {"name": "", "phone": f"1391234{n:04d}"}).status_code
            for n in range(61)
        ]
        self.assertEqual(statuses[:60], [200] * 60)
        self.assertEqual(statuses[60], 429)


@time_machine.travel(CURRENT_TIME, tick=False)
class StopFormLimitTests(EmploymentWorld):
    def test_stopping_by_phone_is_limited_per_number_and_per_address(self) -> None:
        per_number = [
            Client(REMOTE_ADDR=f"198.51.100.{n}")
            .post(reverse("jobs:stop"), {"phone": STRANGER_PHONE})
            .status_code
            for n in range(11)
        ]
        self.assertEqual(per_number, [200] * 10 + [429])
        client = Client(REMOTE_ADDR="203.0.113.7")
        per_address = [
            client.post(reverse("jobs:stop"), {"phone": f"1381234{n:04d}"}).status_code
            for n in range(61)
        ]
        self.assertEqual(per_address[-1], 429)

    def test_the_stop_link_is_limited_per_address(self) -> None:
        client = Client(REMOTE_ADDR="203.0.113.7")
        url = reverse("jobs:stop_token", args=["not-a-token"])
        statuses = [client.post(url).status_code for _ in range(61)]
        self.assertNotIn(429, statuses[:60])
        self.assertEqual(statuses[60], 429)
