import datetime as dt

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from qingling.notify.services import BACKOFF_CAP, outbox_backoff

MINUTE = dt.timedelta(minutes=1)


class OutboxBackoffTests(SimpleTestCase):
    def test_doubles_from_one_minute(self) -> None:
        waits = [outbox_backoff(attempts=n, key="k") for n in range(1, 8)]
        for n, wait in enumerate(waits, start=1):
            with self.subTest(n):
                base = MINUTE * 2 ** (n - 1)
                self.assertTrue(base <= wait < base * 1.1)

    def test_is_the_same_for_the_same_message_and_attempt(self) -> None:
        self.assertEqual(outbox_backoff(attempts=3, key="a"), outbox_backoff(attempts=3, key="a"))
        self.assertNotEqual(
            outbox_backoff(attempts=3, key="a"), outbox_backoff(attempts=3, key="b")
        )

    @given(attempts=st.integers(min_value=0, max_value=10_000), key=st.text(max_size=40))
    def test_stays_between_one_minute_and_the_cap(self, attempts: int, key: str) -> None:
        wait = outbox_backoff(attempts=attempts, key=key)
        self.assertTrue(MINUTE <= wait <= BACKOFF_CAP)

    @given(attempts=st.integers(min_value=1, max_value=100), key=st.text(max_size=40))
    def test_never_waits_less_after_more_attempts(self, attempts: int, key: str) -> None:
        self.assertLessEqual(
            outbox_backoff(attempts=attempts, key=key),
            outbox_backoff(attempts=attempts + 1, key=key),
        )
