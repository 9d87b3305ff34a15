"""Every clock of the procedure on the 2026 schedule's holidays and 调休 working days
(国庆 1–7 October, 中秋 25–27 September; Sunday 20 September, Saturday 10 October and
Saturday 28 February are working days)."""

import datetime as dt
from decimal import Decimal
from unittest import TestCase

from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from qingling.cases import decisions
from qingling.cases.procedure import (
    APPLICATION_MONTHS,
    DECISION_PAYMENT_DAYS,
    FINE_PAYMENT_DAYS,
    HEARING_NOTICE_WORKING_DAYS,
    HEARING_REQUEST_WORKING_DAYS,
    REMINDER_WORKING_DAYS,
    REVIEW_DAYS,
    SUIT_MONTHS,
    compensation_amount,
    surcharge,
)
from qingling.core.calendars import add_months
from qingling.core.selectors import work_calendar
from qingling.testing import BaseTestCase, make_case


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

    def test_the_hearing_request_counts_five_working_days_across_the_national_day(self) -> None:
        # told Wed 30 Sep: 1–7 Oct off, Thu 8 (1), Fri 9 (2), Sat 10 调休 (3), 12 (4), 13 (5)
        self.assertEqual(decisions.hearing_request_due(dt.date(2026, 9, 30)), dt.date(2026, 10, 13))

    def test_the_hearing_is_seven_working_days_after_its_notice_over_中秋_and_a_调休_sunday(
        self,
    ) -> None:
        # told Fri 18 Sep: Sun 20 调休 (1), 21–24 (2–5), 25–27 中秋 off, 28 (6), 29 (7)
        self.assertEqual(decisions.hearing_earliest(dt.date(2026, 9, 18)), dt.date(2026, 9, 29))
        # told Wed 30 Sep: 8, 9, 10 (调休), 12, 13, 14, 15 October
        self.assertEqual(decisions.hearing_earliest(dt.date(2026, 9, 30)), dt.date(2026, 10, 15))

    def test_the_decisions_fifteen_days_to_pay_ending_on_a_sunday_end_on_monday(self) -> None:
        # 15 calendar days from Thu 3 December is Fri 18: stays; from Sat 5 it is Sun 20 → 21
        self.assertEqual(decisions.payment_due(dt.date(2026, 12, 3)), dt.date(2026, 12, 18))
        self.assertEqual(decisions.payment_due(dt.date(2026, 12, 5)), dt.date(2026, 12, 21))

    def test_the_fines_fifteen_days_ending_on_a_调休_working_saturday_stay(self) -> None:
        # 25 September + 15 = Saturday 10 October, a 调休 working day: not moved
        self.assertEqual(decisions.fine_due(dt.date(2026, 9, 25)), dt.date(2026, 10, 10))

    def test_the_penalty_decisions_ninety_days_from_opening_roll_off_a_holiday(self) -> None:
        case = make_case(self)
        case.opened_on = dt.date(2026, 7, 3)  # + 90 = Thursday 1 October → Thursday 8 October
        case.extended = False
        self.assertEqual(decisions.penalty_decision_due(case), dt.date(2026, 10, 8))
        case.opened_on = dt.date(2026, 7, 12)  # + 90 = Saturday 10 October, 调休: stays
        self.assertEqual(decisions.penalty_decision_due(case), dt.date(2026, 10, 10))

    def test_an_extended_case_decides_by_its_extended_date_when_later(self) -> None:
        case = make_case(self)
        case.opened_on = dt.date(2026, 7, 3)
        case.extended = True
        case.investigation_due = dt.date(2026, 11, 20)
        self.assertEqual(decisions.penalty_decision_due(case), dt.date(2026, 11, 20))

    def test_add_months_keeps_the_last_day_of_a_shorter_month(self) -> None:
        self.assertEqual(add_months(dt.date(2026, 1, 31), 1), dt.date(2026, 2, 28))
        self.assertEqual(add_months(dt.date(2027, 8, 31), 6), dt.date(2028, 2, 29))


class ClockPropertyTests(HypothesisTestCase):
    """Any day of the 2026 schedule (loaded by the migrations, as in ``ClockTests``)."""

    @given(start=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 11, 30)))
    def test_every_working_day_clock_ends_on_a_working_day_after_its_count(
        self, start: dt.date
    ) -> None:
        calendar = work_calendar()
        for due, days in (
            (decisions.defence_due(start), 5),
            (decisions.hearing_request_due(start), HEARING_REQUEST_WORKING_DAYS),
            (decisions.hearing_earliest(start), HEARING_NOTICE_WORKING_DAYS),
            (decisions.reminder_due(start), REMINDER_WORKING_DAYS),
        ):
            self.assertTrue(calendar.is_working_day(due))
            counted = sum(
                calendar.is_working_day(start + dt.timedelta(days=n))
                for n in range(1, (due - start).days + 1)
            )
            self.assertEqual(counted, days)  # the day of service is not counted

    @given(start=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 9, 30)))
    def test_every_calendar_day_clock_ends_on_the_first_working_day_from_its_count(
        self, start: dt.date
    ) -> None:
        calendar = work_calendar()
        for due, plain in (
            (decisions.fine_due(start), start + dt.timedelta(days=FINE_PAYMENT_DAYS)),
            (decisions.payment_due(start), start + dt.timedelta(days=DECISION_PAYMENT_DAYS)),
            (decisions.review_until(start), start + dt.timedelta(days=REVIEW_DAYS)),
            (decisions.suit_until(start), add_months(start, SUIT_MONTHS)),
            (decisions.application_due(start), add_months(start, APPLICATION_MONTHS)),
        ):
            self.assertGreaterEqual(due, plain)
            self.assertTrue(calendar.is_working_day(due))
            # nothing but rest days between the plain count and the day it moves to
            self.assertTrue(
                all(
                    not calendar.is_working_day(plain + dt.timedelta(days=n))
                    for n in range((due - plain).days)
                )
            )


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
