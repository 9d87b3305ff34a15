import datetime as dt

import time_machine

from qingling.accounts.models import User
from qingling.accounts.services import org_unit_create
from qingling.employment.models import Contact
from qingling.employment.selectors.pairings import (
    officer_workloads,
    officers_for_user,
    pairings_not_contacted,
    townships_for_user,
)
from qingling.employment.selectors.seekers import seekers_for_user
from qingling.employment.services.pairings import contact_record, pairing_assign
from qingling.employment.tests.world import EmploymentWorld, make_officer, make_seeker
from qingling.testing import CURRENT_TIME

TODAY = dt.date(2026, 11, 27)


def days_ago(days: int) -> dt.datetime:
    return CURRENT_TIME - dt.timedelta(days=days)


@time_machine.travel(CURRENT_TIME, tick=False)
class PairingsNotContactedTests(EmploymentWorld):
    other: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.other = make_officer("jobs2", unit=cls.city_unit)

    def pair(self, officer, *, days: int, name: str = "李四", township: str = "向阳街道"):
        seeker = make_seeker(self.rng, name=name, township=township)
        with time_machine.travel(days_ago(days), tick=False):
            pairing_assign(seeker=seeker, officer=officer, actor=None)
        return seeker

    def names(self, **kwargs) -> list[str]:
        pairings = pairings_not_contacted(user=self.employment, today=TODAY, **kwargs)
        return [p.seeker.person.name for p in pairings]

    def test_lists_paired_workers_without_a_contact_since_the_pairing_started(self) -> None:
        waiting = self.pair(self.employment, days=3, name="王一")
        called = self.pair(self.employment, days=3, name="王二")
        called_before = self.pair(self.employment, days=3, name="王三")
        make_seeker(self.rng, name="未配对")
        contact_record(
            seeker=called,
            officer=self.employment,
            kind=Contact.Kind.PHONE,
            note="",
            contacted_on=TODAY,
            actor=None,
        )
        Contact.objects.create(
            seeker=called_before,
            officer=self.employment,
            kind=Contact.Kind.PHONE,
            contacted_on=TODAY - dt.timedelta(days=5),
        )
        self.assertEqual(self.names(), ["王一", "王三"])
        self.assertTrue(waiting.pk)

    def test_the_longest_waiting_come_first_and_older_than_filters(self) -> None:
        self.pair(self.employment, days=1, name="新")
        self.pair(self.employment, days=9, name="旧")
        self.assertEqual(self.names(), ["旧", "新"])
        self.assertEqual(self.names(older_than_days=7), ["旧"])

    def test_filters_by_officer(self) -> None:
        self.pair(self.employment, days=1, name="甲")
        self.pair(self.other, days=1, name="乙")
        self.assertEqual(self.names(officer=self.other), ["乙"])

    def test_a_reassigned_worker_waits_again_for_the_new_officer(self) -> None:
        seeker = self.pair(self.employment, days=5, name="甲")
        Contact.objects.create(
            seeker=seeker,
            officer=self.employment,
            kind="phone",
            contacted_on=TODAY - dt.timedelta(days=4),
        )
        self.assertEqual(self.names(), [])
        pairing_assign(seeker=seeker, officer=self.other, actor=None)
        self.assertEqual(self.names(officer=self.other), ["甲"])

    def test_the_outsider_sees_nothing(self) -> None:
        self.pair(self.employment, days=1)
        self.assertEqual(list(pairings_not_contacted(user=self.outsider, today=TODAY)), [])
        self.assertEqual(officers_for_user(user=self.outsider), [])
        self.assertEqual(list(seekers_for_user(user=self.outsider)), [])
        self.assertEqual(townships_for_user(user=self.outsider), [])


@time_machine.travel(CURRENT_TIME, tick=False)
class OfficerWorkloadsTests(EmploymentWorld):
    def test_counts_current_workers_by_township_and_those_awaiting_a_call(self) -> None:
        for township in ("向阳街道", "向阳街道", "北寿街道"):
            pairing_assign(
                seeker=make_seeker(self.rng, township=township), officer=self.employment, actor=None
            )
        make_seeker(self.rng, township="北寿街道")
        [load] = officer_workloads(officers=officers_for_user(user=self.employment))
        self.assertEqual(load.officer, self.employment)
        self.assertEqual((load.total, load.not_contacted), (3, 3))
        self.assertEqual(
            [(t.county, t.township, t.count) for t in load.townships],
            [("龙山区", "北寿街道", 1), ("龙山区", "向阳街道", 2)],
        )
        self.assertEqual(
            [(r.township, r.seekers, r.unpaired) for r in townships_for_user(user=self.employment)],
            [("北寿街道", 2, 1), ("向阳街道", 2, 0)],
        )

    def test_a_county_officer_sees_only_the_county_and_officers_who_can_serve_it(self) -> None:
        unit = org_unit_create(name="西安区就业局", division=self.xian_division, actor=None)
        county = make_officer("xian_jobs", unit=unit)
        make_seeker(self.rng, division_code="220402")
        make_seeker(self.rng, division_code="220403", township="工农乡")
        self.assertEqual(
            list(seekers_for_user(user=county).values_list("township", flat=True)), ["工农乡"]
        )
        self.assertEqual(officers_for_user(user=county), [self.employment, county])
        self.assertEqual(officers_for_user(user=self.employment), [self.employment, county])
