import datetime as dt

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from qingling.intake.deadlines import limitation, period_end


class PeriodEndTests(SimpleTestCase):
    def test_reads_the_last_month_of_the_period_owed(self) -> None:
        cases = {
            "2020年9月至12月": dt.date(2020, 12, 31),
            "2019年3月到2019年11月": dt.date(2019, 11, 30),
            "2019年全年": dt.date(2019, 12, 31),
            "2020-02": dt.date(2020, 2, 29),
            "2018年5月": dt.date(2018, 5, 31),
        }
        for text, expected in cases.items():
            with self.subTest(text):
                self.assertEqual(period_end(text), (expected, False))

    def test_a_continuing_violation_has_no_end_yet(self) -> None:
        self.assertEqual(period_end("2020年10月至今"), (None, True))
        self.assertIsNone(limitation("2018年1月以来").expires_on)

    def test_unreadable_text_gives_no_end_and_no_warning(self) -> None:
        self.assertEqual(period_end("去年冬天"), (None, False))
        self.assertFalse(limitation("去年冬天").expired(dt.date(2030, 1, 1)))

    def test_the_limitation_runs_two_years_from_the_end_of_the_violation(self) -> None:
        found = limitation("2019年3月至11月")
        self.assertEqual(found.expires_on, dt.date(2021, 11, 30))
        self.assertFalse(found.expired(dt.date(2021, 11, 30)))
        self.assertTrue(found.expired(dt.date(2021, 12, 1)))

    @given(st.integers(1990, 2090), st.integers(1, 12))
    def test_the_end_is_the_last_day_of_the_month_named(self, year: int, month: int) -> None:
        end, continuing = period_end(f"{year}年{month}月")
        assert end is not None and not continuing
        self.assertEqual((end.year, end.month), (year, month))
        self.assertEqual((end + dt.timedelta(days=1)).day, 1)
        expires = limitation(f"{year}年{month}月").expires_on
        assert expires is not None
        self.assertEqual(expires.year, year + 2)
