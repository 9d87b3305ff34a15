import datetime as dt

import time_machine
from django.urls import reverse

from qingling.accounts.models import User
from qingling.employment.models import Contact, Pairing
from qingling.employment.services.pairings import pairing_assign
from qingling.employment.tests.world import EmploymentWorld, make_officer, make_seeker
from qingling.testing import CURRENT_TIME

LIST = reverse("employment:pairing_list")
BALANCE = reverse("employment:pairing_balance")


@time_machine.travel(CURRENT_TIME, tick=False)
class PairingListTests(EmploymentWorld):
    other: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.other = make_officer("jobs2", unit=cls.city_unit, full_name="第二专员")

    def pair_many(self, count: int) -> None:
        for n in range(count):
            seeker = make_seeker(self.rng, name=f"工人{n}", township=f"乡镇{n % 3}")
            pairing_assign(seeker=seeker, officer=[self.employment, self.other][n % 2], actor=None)

    def test_shows_officers_their_loads_and_who_awaits_a_call(self) -> None:
        seeker = make_seeker(self.rng, name="赵大", township="向阳街道")
        pairing_assign(seeker=seeker, officer=self.other, actor=None)
        make_seeker(self.rng, name="钱二", township="北寿街道")
        self.login(self.employment)
        response = self.client.get(LIST)
        self.assertContains(response, "第二专员")
        self.assertContains(response, "龙山区 向阳街道 1")
        self.assertContains(response, "赵大")
        self.assertContains(response, seeker.person.phone_masked)
        self.assertContains(
            response, reverse("employment:pairing_contact", args=[seeker.public_id])
        )
        self.assertNotContains(response, "钱二")  # not paired: not on the call list
        self.assertContains(response, BALANCE)

    def test_a_director_sees_the_page_without_the_forms(self) -> None:
        pairing_assign(seeker=make_seeker(self.rng), officer=self.employment, actor=None)
        self.login(self.director)
        response = self.client.get(LIST)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, BALANCE)
        self.assertNotContains(response, 'name="contacted_on"')

    def test_the_outsider_sees_nothing(self) -> None:
        seeker = make_seeker(self.rng)
        pairing_assign(seeker=seeker, officer=self.employment, actor=None)
        self.login(self.outsider)
        for url, method in (
            (LIST, "get"),
            (BALANCE, "post"),
            (reverse("employment:pairing_contact", args=[seeker.public_id]), "post"),
            (reverse("employment:pairing_assign", args=[seeker.public_id]), "post"),
            (reverse("employment:push_send"), "get"),
            (reverse("employment:push_send"), "post"),
        ):
            with self.subTest(url, method=method):
                response = getattr(self.client, method)(url, {"officers": [self.employment.pk]})
                self.assertEqual(response.status_code, 403)
        self.assertEqual(Pairing.objects.count(), 1)
        self.assertFalse(Contact.objects.exists())

    def test_asks_an_anonymous_visitor_to_sign_in(self) -> None:
        response = self.client.get(LIST)
        self.assertEqual(response.status_code, 302)

    def test_the_query_count_does_not_grow_with_the_list(self) -> None:
        self.login(self.employment)
        self.pair_many(4)
        with self.assertNumQueries(10):
            self.client.get(LIST)
        self.pair_many(12)
        with self.assertNumQueries(10):
            response = self.client.get(LIST)
        self.assertContains(response, "工人11")

    def test_filters_by_officer_and_days_waiting(self) -> None:
        with time_machine.travel(CURRENT_TIME - dt.timedelta(days=8), tick=False):
            pairing_assign(
                seeker=make_seeker(self.rng, name="老对子"), officer=self.other, actor=None
            )
        pairing_assign(seeker=make_seeker(self.rng, name="新对子"), officer=self.other, actor=None)
        pairing_assign(
            seeker=make_seeker(self.rng, name="别人的"), officer=self.employment, actor=None
        )
        self.login(self.employment)
        response = self.client.get(LIST, {"officer": self.other.pk, "older_than": 7})
        self.assertContains(response, "老对子")
        self.assertNotContains(response, "新对子")
        self.assertNotContains(response, "别人的")


@time_machine.travel(CURRENT_TIME, tick=False)
class PairingFormsTests(EmploymentWorld):
    other: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.other = make_officer("jobs2", unit=cls.city_unit, full_name="第二专员")

    def test_balance_shares_the_chosen_township_among_the_chosen_officers(self) -> None:
        for _ in range(4):
            make_seeker(self.rng, township="向阳街道")
        make_seeker(self.rng, township="北寿街道")
        self.login(self.employment)
        response = self.client.post(
            BALANCE,
            {
                "officers": [self.employment.pk, self.other.pk],
                "county": "220402",
                "township": "向阳街道",
            },
            follow=True,
        )
        self.assertContains(response, "4")
        self.assertEqual(
            sorted(Pairing.objects.values_list("officer_id", flat=True)),
            sorted([self.employment.pk, self.employment.pk, self.other.pk, self.other.pk]),
        )
        self.assertFalse(Pairing.objects.filter(seeker__township="北寿街道").exists())

    def test_balance_without_an_officer_changes_nothing(self) -> None:
        make_seeker(self.rng)
        self.login(self.employment)
        response = self.client.post(BALANCE, {"officers": []})
        self.assertRedirects(response, LIST)
        self.assertFalse(Pairing.objects.exists())

    def test_logs_a_contact_and_the_worker_leaves_the_list(self) -> None:
        seeker = make_seeker(self.rng, name="孙三")
        pairing_assign(seeker=seeker, officer=self.employment, actor=None)
        self.login(self.employment)
        response = self.client.post(
            reverse("employment:pairing_contact", args=[seeker.public_id]),
            {"kind": "phone", "contacted_on": "2026-11-27", "note": "下周回电"},
            follow=True,
        )
        contact = Contact.objects.get()
        self.assertEqual(
            (contact.seeker, contact.officer, contact.note), (seeker, self.employment, "下周回电")
        )
        self.assertNotContains(
            response, 'action="' + reverse("employment:pairing_contact", args=[seeker.public_id])
        )

    def test_goes_back_to_the_same_filters_and_nowhere_else(self) -> None:
        seeker = make_seeker(self.rng)
        self.login(self.employment)
        url = reverse("employment:pairing_contact", args=[seeker.public_id])
        cases = (
            ("officer=7&older_than=3&page=2", LIST + "?officer=7&older_than=3&page=2"),
            ("page=2&next=https://evil.example/", LIST + "?page=2"),
            ("//evil.example/", LIST),
            ("@evil.example", LIST),
            ("page=2\r\nSet-Cookie: a=b", LIST + "?page=2%0D%0ASet-Cookie%3A+a%3Db"),
            ("", LIST),
        )
        for back, location in cases:
            with self.subTest(back):
                response = self.client.post(
                    url, {"kind": "phone", "contacted_on": "2026-11-27", "back": back}
                )
                self.assertEqual(response.status_code, 302)
                self.assertEqual(response["Location"], location)

    def test_a_contact_in_the_future_is_refused(self) -> None:
        seeker = make_seeker(self.rng)
        self.login(self.employment)
        self.client.post(
            reverse("employment:pairing_contact", args=[seeker.public_id]),
            {"kind": "phone", "contacted_on": "2026-12-27"},
        )
        self.assertFalse(Contact.objects.exists())

    def test_reassigns_a_worker(self) -> None:
        seeker = make_seeker(self.rng)
        old = pairing_assign(seeker=seeker, officer=self.employment, actor=None)
        self.login(self.employment)
        self.client.post(
            reverse("employment:pairing_assign", args=[seeker.public_id]),
            {"officer": self.other.pk},
        )
        old.refresh_from_db()
        self.assertIsNotNone(old.ended_on)
        self.assertEqual(Pairing.objects.get(ended_on__isnull=True).officer, self.other)
