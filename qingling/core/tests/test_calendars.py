import datetime as dt

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from qingling.core.calendars import (
    DeadlineDate,
    ScheduleEntry,
    ScheduleFileError,
    WorkCalendar,
    add_calendar_days,
    add_working_days,
    fixed_statutory_holidays,
    package_schedule,
    parse_schedule,
    working_days_between,
)


def _package_calendar() -> WorkCalendar:
    schedule = package_schedule()
    entries = [entry for year in schedule.values() for entry in year]
    return WorkCalendar(
        holidays=frozenset(e.date for e in entries if e.kind == "holiday"),
        workdays=frozenset(e.date for e in entries if e.kind == "workday"),
        covered_years=frozenset(schedule),
    )


CALENDAR = _package_calendar()


class WorkCalendarTests(SimpleTestCase):
    def test_swapped_sunday_and_saturday_of_spring_festival_2021_are_working_days(self):
        self.assertIs(CALENDAR.is_working_day(dt.date(2021, 2, 7)), True)
        self.assertIs(CALENDAR.is_working_day(dt.date(2021, 2, 20)), True)

    def test_spring_festival_2021_holidays_are_rest_days(self):
        for day in range(11, 18):
            self.assertIs(CALENDAR.is_working_day(dt.date(2021, 2, day)), False)

    def test_ordinary_weekend_is_a_rest_day_and_weekday_a_working_day(self):
        self.assertIs(CALENDAR.is_working_day(dt.date(2021, 3, 6)), False)
        self.assertIs(CALENDAR.is_working_day(dt.date(2021, 3, 8)), True)

    def test_national_day_2026_is_a_week_of_holidays_with_two_swapped_working_days(self):
        for day in range(1, 8):
            self.assertIs(CALENDAR.is_working_day(dt.date(2026, 10, day)), False)
        self.assertIs(CALENDAR.is_working_day(dt.date(2026, 9, 20)), True)
        self.assertIs(CALENDAR.is_working_day(dt.date(2026, 10, 10)), True)

    def test_covers_only_the_years_with_a_schedule(self):
        self.assertIs(CALENDAR.covers(dt.date(2004, 1, 1)), True)
        self.assertIs(CALENDAR.covers(dt.date(2026, 12, 31)), True)
        self.assertIs(CALENDAR.covers(dt.date(2027, 1, 1)), False)

    def test_empty_calendar_knows_only_weekends(self):
        calendar = WorkCalendar()
        self.assertIs(calendar.is_working_day(dt.date(2021, 2, 12)), True)  # a Friday
        self.assertIs(calendar.is_working_day(dt.date(2021, 2, 20)), False)  # a Saturday


class AddWorkingDaysTests(SimpleTestCase):
    def test_five_working_days_across_spring_festival_2021_end_on_the_swapped_saturday(self):
        result = add_working_days(dt.date(2021, 2, 8), 5, calendar=CALENDAR)
        self.assertEqual(result, DeadlineDate(dt.date(2021, 2, 20), provisional=False))

    def test_start_day_is_not_counted(self):
        # 2021-02-08 is a Monday; one working day later is the Tuesday.
        result = add_working_days(dt.date(2021, 2, 8), 1, calendar=CALENDAR)
        self.assertEqual(result.date, dt.date(2021, 2, 9))

    def test_zero_days_is_the_start_date(self):
        result = add_working_days(dt.date(2021, 2, 13), 0, calendar=CALENDAR)
        self.assertEqual(result, DeadlineDate(dt.date(2021, 2, 13), provisional=False))

    def test_swapped_sunday_before_spring_festival_2021_counts(self):
        # Friday 2021-02-05: next working day is Sunday 2021-02-07 (调休).
        result = add_working_days(dt.date(2021, 2, 5), 1, calendar=CALENDAR)
        self.assertEqual(result.date, dt.date(2021, 2, 7))

    def test_national_day_2026_is_skipped(self):
        result = add_working_days(dt.date(2026, 9, 30), 1, calendar=CALENDAR)
        self.assertEqual(result.date, dt.date(2026, 10, 8))

    def test_swapped_saturday_after_national_day_2026_counts(self):
        result = add_working_days(dt.date(2026, 10, 8), 2, calendar=CALENDAR)
        self.assertEqual(result.date, dt.date(2026, 10, 10))

    def test_swapped_sunday_before_national_day_2026_counts(self):
        result = add_working_days(dt.date(2026, 9, 19), 1, calendar=CALENDAR)
        self.assertEqual(result.date, dt.date(2026, 9, 20))

    def test_limit_reaching_into_a_year_without_schedule_is_provisional(self):
        result = add_working_days(dt.date(2026, 12, 25), 10, calendar=CALENDAR)
        # 2026-12-28..31 are 4 days; 2027-01-01 (元旦, a Friday) is skipped, then 4..8 and 11.
        self.assertEqual(result, DeadlineDate(dt.date(2027, 1, 11), provisional=True))

    def test_limit_wholly_inside_covered_years_is_not_provisional(self):
        result = add_working_days(dt.date(2026, 12, 1), 10, calendar=CALENDAR)
        self.assertIs(result.provisional, False)

    def test_limit_crossing_between_two_covered_years_is_not_provisional(self):
        result = add_working_days(dt.date(2025, 12, 25), 10, calendar=CALENDAR)
        self.assertIs(result.provisional, False)
        self.assertEqual(result.date.year, 2026)

    def test_negative_days_are_refused(self):
        with self.assertRaisesMessage(ValueError, "days must not be negative"):
            add_working_days(dt.date(2026, 1, 5), -1, calendar=CALENDAR)

    @settings(deadline=None)
    @given(
        start=st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2028, 12, 31)),
        days=st.integers(min_value=0, max_value=120),
    )
    def test_working_days_between_agrees_with_add_working_days(self, start, days):
        result = add_working_days(start, days, calendar=CALENDAR)
        self.assertEqual(working_days_between(start, result.date, calendar=CALENDAR), days)
        self.assertEqual(working_days_between(result.date, start, calendar=CALENDAR), -days)
        if days:
            self.assertIs(CALENDAR.is_working_day(result.date), True)
            self.assertEqual(
                working_days_between(start, result.date - dt.timedelta(days=1), calendar=CALENDAR),
                days - 1,
            )


WEEKENDS_ONLY = WorkCalendar(covered_years=frozenset(range(2000, 2101)))  # no holidays at all


class ProvisionalYearTests(SimpleTestCase):
    def test_the_fixed_date_statutory_holidays_are_rest_days_in_a_year_without_schedule(self):
        for day in ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)):
            self.assertIs(CALENDAR.is_working_day(dt.date(2027, *day)), False, day)
        self.assertIs(CALENDAR.is_working_day(dt.date(2027, 5, 3)), True)  # a Monday
        self.assertIs(CALENDAR.is_working_day(dt.date(2027, 10, 4)), True)  # a Monday

    def test_a_published_schedule_is_the_only_authority_in_its_year(self):
        covered = WorkCalendar(covered_years=frozenset({2027}))  # loaded, without 1 January
        self.assertIs(covered.is_working_day(dt.date(2027, 1, 1)), True)  # a Friday

    def test_labour_day_is_two_days_from_2025_and_one_day_from_2008(self):
        self.assertIn(dt.date(2027, 5, 2), fixed_statutory_holidays(2027))
        self.assertNotIn(dt.date(2020, 5, 2), fixed_statutory_holidays(2020))
        self.assertIn(dt.date(2007, 5, 3), fixed_statutory_holidays(2007))
        self.assertEqual(len(fixed_statutory_holidays(2030)), 6)

    def test_new_year_2027_is_skipped_and_the_date_stays_provisional(self):
        result = add_working_days(dt.date(2026, 12, 31), 1, calendar=CALENDAR)
        self.assertEqual(result, DeadlineDate(dt.date(2027, 1, 4), provisional=True))

    def test_national_day_2027_is_skipped(self):
        # Thursday 2027-09-30 + 1: Fri 1 Oct (国庆), weekend, Mon 4 Oct.
        result = add_working_days(dt.date(2027, 9, 30), 1, calendar=CALENDAR)
        self.assertEqual(result, DeadlineDate(dt.date(2027, 10, 4), provisional=True))

    @settings(deadline=None)
    @given(
        start=st.dates(min_value=dt.date(2026, 6, 1), max_value=dt.date(2040, 12, 31)),
        days=st.integers(min_value=0, max_value=120),
    )
    def test_a_provisional_deadline_is_never_earlier_than_the_weekends_only_one(self, start, days):
        result = add_working_days(start, days, calendar=CALENDAR)
        weekends_only = add_working_days(start, days, calendar=WEEKENDS_ONLY)
        if result.provisional:
            self.assertGreaterEqual(result.date, weekends_only.date)

    @settings(deadline=None)
    @given(
        start=st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2060, 12, 31)),
        days=st.integers(min_value=1, max_value=120),
    )
    def test_a_provisional_deadline_skips_the_fixed_holidays(self, start, days):
        result = add_working_days(start, days, calendar=CALENDAR)
        self.assertIs(result.provisional, True)
        self.assertNotIn(result.date, fixed_statutory_holidays(result.date.year))
        skipped = [
            day
            for year in range(start.year, result.date.year + 1)
            for day in fixed_statutory_holidays(year)
            if start < day <= result.date and day.weekday() < 5
        ]
        # each fixed holiday on a weekday inside the span costs one more calendar day
        weekends_only = add_working_days(start, days, calendar=WEEKENDS_ONLY)
        self.assertEqual(
            working_days_between(start, result.date, calendar=WEEKENDS_ONLY),
            days + len(skipped),
        )
        self.assertGreaterEqual(result.date, weekends_only.date)


class AddCalendarDaysTests(SimpleTestCase):
    def test_limit_ending_on_a_holiday_moves_to_the_next_working_day(self):
        # 2026-09-16 + 15 days = 2026-10-01 (National Day); next working day is 2026-10-08.
        result = add_calendar_days(dt.date(2026, 9, 16), 15, calendar=CALENDAR)
        self.assertEqual(result, DeadlineDate(dt.date(2026, 10, 8), provisional=False))

    def test_limit_ending_on_a_working_day_stays(self):
        result = add_calendar_days(dt.date(2026, 3, 2), 15, calendar=CALENDAR)
        self.assertEqual(result.date, dt.date(2026, 3, 17))

    def test_limit_ending_on_a_swapped_working_saturday_stays(self):
        result = add_calendar_days(dt.date(2026, 10, 5), 5, calendar=CALENDAR)
        self.assertEqual(result.date, dt.date(2026, 10, 10))

    def test_limit_ending_in_a_year_without_schedule_is_provisional(self):
        result = add_calendar_days(dt.date(2026, 12, 1), 90, calendar=CALENDAR)
        self.assertIs(result.provisional, True)

    def test_negative_days_are_refused(self):
        with self.assertRaisesMessage(ValueError, "days must not be negative"):
            add_calendar_days(dt.date(2026, 1, 5), -1, calendar=CALENDAR)


class WorkingDaysBetweenTests(SimpleTestCase):
    def test_counts_after_start_up_to_and_including_end(self):
        self.assertEqual(
            working_days_between(dt.date(2021, 2, 8), dt.date(2021, 2, 20), calendar=CALENDAR), 5
        )

    def test_same_day_is_zero(self):
        self.assertEqual(
            working_days_between(dt.date(2021, 2, 8), dt.date(2021, 2, 8), calendar=CALENDAR), 0
        )

    def test_end_before_start_is_negative(self):
        self.assertEqual(
            working_days_between(dt.date(2021, 2, 20), dt.date(2021, 2, 8), calendar=CALENDAR), -5
        )


class DeadlineDateTests(SimpleTestCase):
    def test_str_is_the_iso_date(self):
        self.assertEqual(str(DeadlineDate(dt.date(2021, 2, 20), provisional=False)), "2021-02-20")

    def test_str_of_a_provisional_date_says_so(self):
        self.assertEqual(
            str(DeadlineDate(dt.date(2027, 1, 8), provisional=True)), "2027-01-08 provisional"
        )


SCHEDULE_2027 = """\
# 2027 schedule
holiday 2027-01-01 元旦
holiday 2027-02-05..2027-02-11 春节
workday 2027-02-14 春节调休   # a Sunday
"""


class ParseScheduleTests(SimpleTestCase):
    def test_parses_holiday_ranges_workdays_notes_and_comments(self):
        entries = parse_schedule(SCHEDULE_2027, year=2027)
        self.assertEqual(len(entries), 9)
        self.assertEqual(entries[0], ScheduleEntry(dt.date(2027, 1, 1), "holiday", "元旦"))
        self.assertEqual(entries[1], ScheduleEntry(dt.date(2027, 2, 5), "holiday", "春节"))
        self.assertEqual(entries[-1], ScheduleEntry(dt.date(2027, 2, 14), "workday", "春节调休"))

    def test_entries_are_sorted_by_date(self):
        entries = parse_schedule("workday 2027-02-14\nholiday 2027-01-01\n", year=2027)
        self.assertEqual([e.date for e in entries], [dt.date(2027, 1, 1), dt.date(2027, 2, 14)])

    def test_unknown_keyword_names_the_line(self):
        with self.assertRaisesMessage(ScheduleFileError, "line 3: expected") as ctx:
            parse_schedule("# header\nholiday 2027-01-01\nvacation 2027-01-02\n", year=2027)
        self.assertEqual(ctx.exception.line, 3)

    def test_bad_date_names_the_line(self):
        with self.assertRaisesMessage(
            ScheduleFileError, "line 2: '2027-02-30' is not a date YYYY-MM-DD"
        ) as ctx:
            parse_schedule("holiday 2027-01-01\nholiday 2027-02-30\n", year=2027)
        self.assertEqual(ctx.exception.line, 2)

    def test_range_ending_before_it_starts_is_refused(self):
        with self.assertRaisesMessage(ScheduleFileError, "line 1: the range ends before it starts"):
            parse_schedule("holiday 2027-02-11..2027-02-05", year=2027)

    def test_date_outside_the_year_is_refused(self):
        with self.assertRaisesMessage(ScheduleFileError, "line 1: 2026-12-31 is not in 2027"):
            parse_schedule("holiday 2026-12-31..2027-01-01", year=2027)

    def test_weekday_listed_as_swapped_workday_is_refused(self):
        with self.assertRaisesMessage(
            ScheduleFileError,
            "line 2: 2027-02-15 is a weekday; only a Saturday or Sunday can be a swapped "
            "working day",
        ) as ctx:
            parse_schedule("holiday 2027-01-01\nworkday 2027-02-15\n", year=2027)
        self.assertEqual(ctx.exception.line, 2)

    def test_duplicate_date_is_refused(self):
        with self.assertRaisesMessage(
            ScheduleFileError, "line 2: 2027-02-07 is listed twice"
        ) as ctx:
            parse_schedule("holiday 2027-02-05..2027-02-11\nworkday 2027-02-07\n", year=2027)
        self.assertEqual(ctx.exception.line, 2)

    def test_file_without_dates_is_refused(self):
        with self.assertRaisesMessage(ScheduleFileError, "the file lists no dates"):
            parse_schedule("# nothing yet\n\n", year=2027)


class PackageScheduleTests(SimpleTestCase):
    def test_covers_2004_to_2026(self):
        years = package_schedule()
        self.assertEqual(min(years), 2004)
        self.assertIn(2026, years)
        self.assertNotIn(2027, years)

    def test_swapped_working_days_are_all_weekends(self):
        for entries in package_schedule().values():
            for entry in entries:
                if entry.kind == "workday":
                    self.assertIn(entry.date.weekday(), {5, 6})

    def test_2021_lists_the_spring_festival_swapped_days(self):
        workdays = {e.date for e in package_schedule()[2021] if e.kind == "workday"}
        self.assertIn(dt.date(2021, 2, 7), workdays)
        self.assertIn(dt.date(2021, 2, 20), workdays)
