"""Every clock of the procedure on the 2026 schedule's holidays and 调休 working days
(国庆 1–7 October, 中秋 25–27 September; Sunday 20 September, Saturday 10 October and
Saturday 28 February are working days)."""

import datetime as dt
from decimal import Decimal
from unittest import TestCase

from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from qingling.cases import decisions
from qingling.cases.procedure import compensation_amount, surcharge
from qingling.core.calendars import add_months
from qingling.testing import BaseTestCase


class ClockTests(BaseTestCase):
    def test_the_defence_counts_working_days_over_the_national_day_and_a_调休_saturday(
        self,
    ) -> None:
        # served Tue 29 Sep: Wed 30 (1), 1–7 Oct off, Thu 8 (2), Fri 9 (3), Sat 10 调休 (4),
        # Mon 12 (5)
        self.assertEqual(decisions.defence_due(dt.date(2026, 9, 29)), dt.date(2026, 10, 12))

    @override_settings(QINGLING_DEFENCE_WORKING_DAYS=3)
    def test_the_defence_period_is_a_setting(self) -> None:
        self.assertEqual(decisions.defence_due(dt.date(2026, 9, 29)), dt.date(2026, 10, 9))

    def test_the_reminder_counts_ten_working_days_with_a_调休_sunday(self) -> None:
        # served Fri 18 Sep: Sun 20 调休 (1), 21–24 (2–5), 25–27 中秋 off, 28–30 (6–8),
        # 1–7 Oct off, 8 (9), 9 (10)
        self.assertEqual(decisions.reminder_due(dt.date(2026, 9, 18)), dt.date(2026, 10, 9))

    def test_the_fines_fifteen_days_ending_in_a_holiday_end_after_it(self) -> None:
        # 15 calendar days from 16 September is 1 October, a holiday: Thursday 8 October
        self.assertEqual(decisions.fine_due(dt.date(2026, 9, 16)), dt.date(2026, 10, 8))
        self.assertEqual(decisions.fine_due(dt.date(2026, 11, 2)), dt.date(2026, 11, 17))

    def test_the_review_period_is_sixty_calendar_days_rolled_off_a_holiday(self) -> None:
        self.assertEqual(decisions.review_until(dt.date(2026, 8, 2)), dt.date(2026, 10, 8))

    def test_the_suit_period_is_six_months_and_a_调休_saturday_is_a_working_day(self) -> None:
        self.assertEqual(decisions.suit_until(dt.date(2026, 4, 5)), dt.date(2026, 10, 8))
        # 31 August + 6 months is 28 February (no 31st), a 调休 Saturday: it stays
        self.assertEqual(decisions.suit_until(dt.date(2025, 8, 31)), dt.date(2026, 2, 28))

    def test_the_court_application_window_is_three_months_after_the_periods(self) -> None:
        self.assertEqual(decisions.application_due(dt.date(2026, 7, 1)), dt.date(2026, 10, 8))
        self.assertEqual(decisions.application_due(dt.date(2026, 8, 20)), dt.date(2026, 11, 20))

    def test_add_months_keeps_the_last_day_of_a_shorter_month(self) -> None:
        self.assertEqual(add_months(dt.date(2026, 1, 31), 1), dt.date(2026, 2, 28))
        self.assertEqual(add_months(dt.date(2027, 8, 31), 6), dt.date(2028, 2, 29))


class MoneyTests(TestCase):
    """Pure arithmetic: no database."""

    def test_no_surcharge_by_the_due_date_then_three_percent_a_day(self) -> None:
        due = dt.date(2027, 1, 7)
        fine = Decimal("30000.00")
        self.assertEqual(surcharge(fine=fine, due=due, on=due), Decimal("0.00"))
        self.assertEqual(surcharge(fine=fine, due=due, on=dt.date(2027, 1, 8)), Decimal("900.00"))
        self.assertEqual(surcharge(fine=fine, due=due, on=dt.date(2027, 1, 17)), Decimal("9000.00"))
        self.assertEqual(surcharge(fine=fine, due=due, on=dt.date(2027, 6, 1)), fine)

    @given(
        fine=st.decimals(min_value=1, max_value=100000, places=2),
        days=st.integers(min_value=-30, max_value=400),
    )
    def test_the_surcharge_never_exceeds_the_fine_and_grows_with_time(
        self, fine: Decimal, days: int
    ) -> None:
        due = dt.date(2027, 1, 7)
        today = surcharge(fine=fine, due=due, on=due + dt.timedelta(days=days))
        tomorrow = surcharge(fine=fine, due=due, on=due + dt.timedelta(days=days + 1))
        self.assertGreaterEqual(today, 0)
        self.assertLessEqual(tomorrow, fine)
        self.assertLessEqual(today, tomorrow)

    @given(
        base=st.decimals(min_value=0, max_value=10_000_000, places=2),
        percent=st.integers(min_value=50, max_value=100),
    )
    def test_compensation_is_base_times_rate_to_the_fen(self, base: Decimal, percent: int) -> None:
        rate = Decimal(percent) / 100
        amount = compensation_amount(base=base, rate=rate)
        self.assertEqual(amount.as_tuple().exponent, -2)
        self.assertLessEqual(abs(amount - base * rate), Decimal("0.005"))
        self.assertLessEqual(amount, base)
