from collections import Counter
from unittest import TestCase

import time_machine
from hypothesis import example, given
from hypothesis import strategies as st

from qingling.accounts.models import User
from qingling.core.exceptions import InvalidInput
from qingling.core.models import AuditEvent
from qingling.employment.models import Pairing, Seeker
from qingling.employment.services.pairings import (
    balance_quotas,
    balance_split,
    pairing_assign,
    pairings_balance,
)
from qingling.employment.tests.world import EmploymentWorld, make_officer, make_seeker
from qingling.testing import CURRENT_TIME

loads_strategy = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=8)


class BalanceQuotasTests(TestCase):
    def test_fills_the_lightest_officers_first(self) -> None:
        self.assertEqual(balance_quotas([5, 0, 2], 6), [0, 4, 2])

    def test_gives_the_remainder_in_the_officers_order(self) -> None:
        self.assertEqual(balance_quotas([0, 0, 0], 4), [2, 1, 1])

    def test_leaves_an_officer_above_the_level_alone(self) -> None:
        self.assertEqual(balance_quotas([20, 0, 0], 4), [0, 2, 2])

    def test_nothing_to_share_gives_nothing(self) -> None:
        self.assertEqual(balance_quotas([3, 1], 0), [0, 0])

    def test_refuses_workers_without_officers(self) -> None:
        with self.assertRaises(ValueError):
            balance_quotas([], 3)

    @given(loads=loads_strategy, count=st.integers(min_value=0, max_value=300))
    @example(loads=[0, 2, 12, 12], count=19)  # 11, 10, 12, 12: no better without taking
    def test_shares_everyone_and_ends_as_level_as_possible(
        self, loads: list[int], count: int
    ) -> None:
        quotas = balance_quotas(loads, count)
        final = [load + quota for load, quota in zip(loads, quotas, strict=True)]
        self.assertEqual(sum(quotas), count)
        self.assertTrue(all(quota >= 0 for quota in quotas))
        receivers = [f for f, q in zip(final, quotas, strict=True) if q > 0]
        if receivers:
            # Those who got workers end within one of each other, and nobody who got
            # none sits below them: no other sharing has a lower top load.
            self.assertLessEqual(max(receivers) - min(receivers), 1)
            self.assertGreaterEqual(min(final), max(receivers) - 1)
        # Nobody starts above the average (rounded down): everyone can end on it or one
        # above. (Rounded up is not enough: 0, 2, 12, 12 with 19 more can only end 11,
        # 10, 12, 12.)
        level = (sum(loads) + count) // len(loads)
        if max(loads) <= level:
            self.assertLessEqual(max(final) - min(final), 1)

    @given(
        loads=loads_strategy,
        townships=st.lists(st.integers(min_value=1, max_value=40), min_size=0, max_size=12),
    )
    def test_splits_townships_only_at_officer_boundaries(
        self, loads: list[int], townships: list[int]
    ) -> None:
        workers = [t for t, size in enumerate(townships) for _ in range(size)]
        owners = balance_split(balance_quotas(loads, len(workers)))
        self.assertEqual(len(owners), len(workers))
        self.assertEqual(owners, sorted(owners))  # one consecutive run each
        pairs = set(zip(workers, owners, strict=True))
        officers_used = len(set(owners))
        # A township gets a second officer only where one officer's run ends inside it.
        self.assertLessEqual(len(pairs), len(townships) + max(officers_used - 1, 0))


@time_machine.travel(CURRENT_TIME, tick=False)
class PairingsBalanceTests(EmploymentWorld):
    second: User
    third: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.second = make_officer("employment2", unit=cls.city_unit)
        cls.third = make_officer("employment3", unit=cls.city_unit)

    def seekers(self, township: str, count: int, division_code: str = "220402") -> list[Seeker]:
        return [
            make_seeker(self.rng, township=township, division_code=division_code)
            for _ in range(count)
        ]

    def current(self) -> dict[int, int]:
        return dict(
            Counter(
                Pairing.objects.filter(ended_on__isnull=True).values_list("officer_id", flat=True)
            )
        )

    def test_ends_with_loads_within_one_counting_current_workers(self) -> None:
        for seeker in self.seekers("向阳街道", 3):
            pairing_assign(seeker=seeker, officer=self.employment, actor=self.employment)
        self.seekers("北寿街道", 5)
        self.seekers("工农乡", 4, division_code="220403")
        officers = [self.employment, self.second, self.third]
        result = pairings_balance(
            seekers=Seeker.objects.all(), officers=officers, actor=self.employment
        )
        self.assertEqual(result.assigned, 9)
        loads = self.current()
        self.assertEqual(sorted(loads.values()), [4, 4, 4])
        self.assertEqual([share.after for share in result.shares], [4, 4, 4])
        self.assertEqual(Pairing.objects.count(), 12)
        self.assertEqual(AuditEvent.objects.filter(action="pairing.assign").count(), 12)

    def test_keeps_each_township_with_as_few_officers_as_the_loads_allow(self) -> None:
        self.seekers("向阳街道", 4)
        self.seekers("北寿街道", 4)
        result = pairings_balance(
            seekers=Seeker.objects.all(), officers=[self.employment, self.second], actor=None
        )
        self.assertEqual(
            [s.townships for s in result.shares], [["龙山区 北寿街道"], ["龙山区 向阳街道"]]
        )
        by_township: dict[str, set[int]] = {}
        for township, officer in Pairing.objects.values_list("seeker__township", "officer_id"):
            by_township.setdefault(township, set()).add(officer)
        self.assertEqual([len(officers) for officers in by_township.values()], [1, 1])

    def test_leaves_paired_workers_with_their_officer(self) -> None:
        [kept] = self.seekers("向阳街道", 1)
        pairing = pairing_assign(seeker=kept, officer=self.third, actor=None)
        self.seekers("向阳街道", 2)
        pairings_balance(
            seekers=Seeker.objects.all(), officers=[self.employment, self.second], actor=None
        )
        pairing.refresh_from_db()
        self.assertIsNone(pairing.ended_on)
        self.assertEqual(
            self.current(), {self.third.pk: 1, self.employment.pk: 1, self.second.pk: 1}
        )

    def test_only_shares_the_workers_asked_for(self) -> None:
        self.seekers("向阳街道", 2)
        self.seekers("北寿街道", 3)
        pairings_balance(
            seekers=Seeker.objects.filter(township="北寿街道"),
            officers=[self.employment],
            actor=None,
        )
        self.assertEqual(
            set(Pairing.objects.values_list("seeker__township", flat=True)), {"北寿街道"}
        )

    def test_running_again_changes_nothing(self) -> None:
        self.seekers("向阳街道", 3)
        officers = [self.employment, self.second]
        pairings_balance(seekers=Seeker.objects.all(), officers=officers, actor=None)
        again = pairings_balance(seekers=Seeker.objects.all(), officers=officers, actor=None)
        self.assertEqual(again.assigned, 0)
        self.assertEqual(Pairing.objects.count(), 3)

    def test_refuses_someone_who_is_not_an_employment_officer(self) -> None:
        self.seekers("向阳街道", 1)
        for user in (self.inspector, self.outsider):
            with self.subTest(user.username), self.assertRaises(InvalidInput):
                pairings_balance(seekers=Seeker.objects.all(), officers=[user], actor=None)
        self.assertFalse(Pairing.objects.exists())

    def test_refuses_no_officers(self) -> None:
        with self.assertRaises(InvalidInput):
            pairings_balance(seekers=Seeker.objects.all(), officers=[], actor=None)

    def test_refuses_an_officer_outside_the_workers_county(self) -> None:
        from qingling.accounts.services import org_unit_create

        unit = org_unit_create(name="西安区就业局", division=self.xian_division, actor=None)
        county_officer = make_officer("xian_jobs", unit=unit)
        self.seekers("向阳街道", 1)  # 龙山区
        with self.assertRaises(InvalidInput):
            pairings_balance(seekers=Seeker.objects.all(), officers=[county_officer], actor=None)

    def test_splits_a_big_township_evenly(self) -> None:
        self.seekers("向阳街道", 7)
        officers = [self.employment, self.second, self.third]
        pairings_balance(seekers=Seeker.objects.all(), officers=officers, actor=None)
        self.assertEqual(sorted(self.current().values()), [2, 2, 3])
