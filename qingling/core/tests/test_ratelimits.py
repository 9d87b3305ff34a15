import datetime as dt
import uuid

import time_machine
from django.core.cache import caches
from django.test import TestCase
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from qingling.core.ratelimits import CACHE_ALIAS, rate_limit_hit

NOON = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)


def _hits(key: str, times: int, *, limit: int = 3, window: int = 3600) -> list[bool]:
    return [rate_limit_hit(key=key, limit=limit, window=window) for _ in range(times)]


@time_machine.travel(NOON, tick=False)
class RateLimitHitTests(TestCase):
    def test_allows_the_limit_and_refuses_the_next(self) -> None:
        self.assertEqual(_hits("reveal:user:1", 5), [False, False, False, True, True])

    def test_counts_each_key_apart(self) -> None:
        _hits("reveal:user:1", 3)
        self.assertEqual(_hits("reveal:user:2", 1), [False])
        self.assertEqual(_hits("reveal:user:1", 1), [True])

    def test_starts_afresh_in_the_next_window(self) -> None:
        _hits("reveal:user:1", 4)
        with time_machine.travel(NOON + dt.timedelta(minutes=59, seconds=59), tick=False):
            self.assertEqual(_hits("reveal:user:1", 1), [True])
        with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
            self.assertEqual(_hits("reveal:user:1", 4), [False, False, False, True])

    def test_does_not_count_a_refused_attempt_against_the_next_window(self) -> None:
        _hits("reveal:user:1", 50)
        with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
            self.assertEqual(_hits("reveal:user:1", 3), [False, False, False])

    def test_refuses_everything_with_a_limit_of_zero(self) -> None:
        self.assertEqual(_hits("reveal:user:1", 2, limit=0), [True, True])

    def test_counts_right_when_another_process_left_the_hint_behind(self) -> None:
        # Two processes counting at once: one reads the hint before the other writes it.
        # The hint only says where to start looking; the slots decide.
        cache = caches[CACHE_ALIAS]
        _hits("reveal:user:1", 2)
        hint = f"reveal:user:1:{int(NOON.timestamp())}:n"
        cache.set(hint, 0)
        self.assertEqual(_hits("reveal:user:1", 2), [False, True])
        cache.delete(hint)
        self.assertEqual(_hits("reveal:user:1", 1), [True])


@time_machine.travel(NOON, tick=False)
class RateLimitPropertyTests(HypothesisTestCase):
    @settings(max_examples=40, deadline=None)
    @given(
        limit=st.integers(min_value=1, max_value=6),
        keys=st.lists(st.sampled_from("abc"), max_size=20),
        stale=st.lists(st.booleans(), max_size=20),
    )
    def test_never_allows_more_than_the_limit_per_key(
        self, limit: int, keys: list[str], stale: list[bool]
    ) -> None:
        run = uuid.uuid4().hex
        cache = caches[CACHE_ALIAS]
        allowed: dict[str, int] = {}
        for position, key in enumerate(keys):
            if position < len(stale) and stale[position]:
                cache.delete(f"{run}:{key}:{int(NOON.timestamp())}:n")  # a lost hint
            if not rate_limit_hit(key=f"{run}:{key}", limit=limit, window=3600):
                allowed[key] = allowed.get(key, 0) + 1
        for key in set(keys):
            self.assertEqual(allowed.get(key, 0), min(keys.count(key), limit))
