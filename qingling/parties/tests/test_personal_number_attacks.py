"""The attacks of issue 17 on personal numbers, replayed through the real views.

1. A masked ID number plus the exact search gave the full number: enumerate the
   birth dates the old mask hid, keep those the check digit allows, search each.
3. The reveal had no rate limit and no jurisdiction: a county inspector revealed
   93 of 100 ID numbers from all four counties in 1.2 s.

Each test performs the attack and fails if it succeeds (docs/security.md,
"Personal numbers").
"""

import datetime as dt
import json

import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from stdnum.cn import ric

from qingling.core.models import AuditEvent, Division
from qingling.core.personal_data import mask_id_number, mask_phone
from qingling.parties.models import Person
from qingling.parties.services import person_register
from qingling.testing import CURRENT_TIME, BaseTestCase, make_project

TARGET_BODY = "22040319880715123"  # born 1988-07-15 in 西安区; the check digit follows
TARGET_PHONE = "13943712345"
COUNTIES = ("220402", "220403", "220421", "220422")


def with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def old_mask_candidates(known: str, *, around: dt.date, days: int) -> list[str]:
    """The attack on the old mask 220403********1236: the address code and the last four
    are known, the birth date is guessed (here within ``days`` of ``around``), and the
    check digit (the last one) discards ten guesses in eleven."""
    candidates = []
    for offset in range(-days, days + 1):
        body = f"{known[:6]}{around + dt.timedelta(days=offset):%Y%m%d}{known[14:17]}"
        if ric.calc_check_digit(body + "0") == known[17]:
            candidates.append(body + known[17])
    return candidates


def new_mask_candidates(masked: str, *, county: str, year: int) -> int:
    """How many ID numbers fit the new mask 22**************36 for an attacker who also
    knows the county and the year of birth: dates × the two hidden sequence digits,
    of which the check digit lets one in eleven through."""
    count = 0
    day = dt.date(year, 1, 1)
    while day.year == year:
        for sequence in range(100):
            body = f"{county}{day:%Y%m%d}{sequence:02d}{masked[16]}"
            count += ric.calc_check_digit(body + "0") == masked[17]
        day += dt.timedelta(days=1)
    return count


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class MaskedNumberEnumerationTests(BaseTestCase):
    def setUp(self) -> None:
        self.target_id = with_check_digit(TARGET_BODY)
        self.target = person_register(
            name="王建国", id_number=self.target_id, phone=TARGET_PHONE, actor=None
        )
        self.old_masked = self.target_id[:6] + "********" + self.target_id[-4:]

    def _search(self, query: str) -> tuple[int, bool]:
        response = self.client.get(reverse("parties:person_list"), {"q": query})
        return response.status_code, self.target.name in response.content.decode()

    def test_the_new_mask_leaves_days_of_searches_at_the_limit(self) -> None:
        masked = mask_id_number(self.target_id)
        self.assertEqual(masked, "22**************" + self.target_id[-2:])
        # Even knowing the county and the year of birth (the old mask gave the county).
        candidates = new_mask_candidates(masked, county="220403", year=1988)
        self.assertGreater(candidates, 3000)
        hours_for_an_even_chance = candidates / 2 / settings.QINGLING_PERSONAL_DATA_LIMIT
        self.assertGreater(hours_for_an_even_chance, 72)
        self.assertEqual(mask_phone(TARGET_PHONE), "139******45")  # 10⁶ candidates

    def test_enumerating_outside_the_jurisdiction_never_confirms_the_number(self) -> None:
        # 西安区's person; 龙山区's inspector enumerates the birth dates the old mask hid.
        make_project(division=self.xian_division, wage_officer=self.target)
        candidates = old_mask_candidates(self.old_masked, around=dt.date(1988, 7, 15), days=400)
        self.assertIn(self.target_id, candidates)
        self.client.force_login(self.inspector)
        # The right number first: even the luckiest guess is answered like a wrong one.
        ordered = [self.target_id] + [c for c in candidates if c != self.target_id]
        answers = [self._search(candidate) for candidate in ordered[:25]]
        self.assertEqual([found for _status, found in answers], [False] * 25)
        self.assertEqual(
            [status for status, _found in answers], [200] * 20 + [429] * 5
        )  # stopped at the limit, too
        events = AuditEvent.objects.filter(action="person.search_id_number")
        self.assertEqual(events.count(), 20)
        self.assertEqual({event.actor for event in events}, {self.inspector})
        self.assertEqual({(event.after or {})["found"] for event in events}, {0})
        self.assertNotIn(self.target_id, json.dumps([event.after for event in events]))

    def test_enumerating_inside_the_jurisdiction_is_stopped_by_the_limit_and_audited(
        self,
    ) -> None:
        make_project(division=self.longshan, wage_officer=self.target)
        candidates = old_mask_candidates(self.old_masked, around=dt.date(1988, 7, 15), days=400)
        self.assertGreater(len(candidates), 60)
        wrong = [c for c in candidates if c != self.target_id]
        self.client.force_login(self.inspector)
        answers = [self._search(candidate) for candidate in wrong[:40]]
        self.assertEqual(answers, [(200, False)] * 20 + [(429, False)] * 20)
        # The right number, once the hour's searches are spent, confirms nothing.
        self.assertEqual(self._search(self.target_id), (429, False))
        self.assertEqual(AuditEvent.objects.filter(action="person.search_id_number").count(), 20)
        # The next hour allows 20 more, each on record: a search inside the jurisdiction
        # confirms no more than a reveal would, at the same pace.
        with time_machine.travel(CURRENT_TIME + dt.timedelta(hours=1), tick=False):
            self.assertEqual(self._search(self.target_id), (200, True))
        self.assertEqual(
            AuditEvent.objects.filter(
                action="person.search_id_number", object_id=str(self.target.pk)
            )
            .get()
            .actor,
            self.inspector,
        )

    def test_enumerating_a_masked_phone_is_stopped_by_the_limit(self) -> None:
        make_project(division=self.longshan, wage_officer=self.target)
        old_masked = TARGET_PHONE[:3] + "****" + TARGET_PHONE[-4:]
        guesses = [f"{old_masked[:3]}{n:04d}{old_masked[-4:]}" for n in range(10_000)]
        self.assertIn(TARGET_PHONE, guesses)
        self.client.force_login(self.inspector)
        wrong = [g for g in guesses if g != TARGET_PHONE]
        answers = [self._search(guess) for guess in wrong[:21]]
        self.assertEqual(answers, [(200, False)] * 20 + [(429, False)])
        self.assertEqual(self._search(TARGET_PHONE), (429, False))
        self.assertEqual(AuditEvent.objects.filter(action="person.search_phone").count(), 20)

    def test_searches_and_reveals_share_one_limit(self) -> None:
        make_project(division=self.longshan, wage_officer=self.target)
        self.client.force_login(self.inspector)
        reveal = reverse("parties:person_reveal", args=[self.target.public_id, "phone"])
        for _ in range(settings.QINGLING_PERSONAL_DATA_LIMIT - 1):
            self.assertEqual(self.client.post(reveal).status_code, 200)
        self.assertEqual(self._search(with_check_digit("22040219900101123")), (200, False))
        self.assertEqual(self.client.post(reveal).status_code, 429)

    def test_a_search_by_name_is_neither_counted_nor_recorded(self) -> None:
        self.client.force_login(self.xian)
        for _ in range(settings.QINGLING_PERSONAL_DATA_LIMIT + 1):
            self.assertEqual(self._search("王建"), (200, True))
        self.assertIs(AuditEvent.objects.filter(action__startswith="person.search").exists(), False)


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class RevealSpreeTests(BaseTestCase):
    def test_a_county_inspector_reveals_only_their_countys_and_twenty_an_hour(self) -> None:
        # 100 people, 25 on a project in each of the city's four counties.
        people: list[tuple[Person, str, str]] = []
        for county in COUNTIES:
            division = Division.objects.get(code=county)
            for n in range(25):
                id_number = with_check_digit(f"{county}1980{1 + n % 12:02d}{1 + n:02d}{n:03d}")
                person = person_register(name=f"工人{county}{n}", id_number=id_number, actor=None)
                make_project(division=division, name=f"{county}项目{n}", wage_officer=person)
                people.append((person, county, id_number))
        self.client.force_login(self.inspector)
        revealed = []
        statuses: dict[str, list[int]] = {county: [] for county in COUNTIES}
        for person, county, id_number in people:
            url = reverse("parties:person_reveal", args=[person.public_id, "id_number"])
            response = self.client.post(url, headers={"HX-Request": "true"})
            statuses[county].append(response.status_code)
            if id_number in response.content.decode():
                revealed.append((county, id_number))
        self.assertEqual(len(revealed), settings.QINGLING_PERSONAL_DATA_LIMIT)
        self.assertEqual({county for county, _ in revealed}, {"220402"})
        self.assertEqual(statuses["220402"], [200] * 20 + [429] * 5)
        for county in COUNTIES[1:]:
            self.assertEqual(statuses[county], [403] * 25)
        events = AuditEvent.objects.filter(action="person.reveal_id_number")
        self.assertEqual(events.count(), 20)
        self.assertEqual({event.actor for event in events}, {self.inspector})
