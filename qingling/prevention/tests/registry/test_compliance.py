"""The compliance checklist as a pure function of a project's facts and today's date."""

import datetime as dt
from decimal import Decimal

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from qingling.prevention.compliance import (
    BoardContent,
    Check,
    Item,
    MonthFacts,
    ProjectFacts,
    State,
    checklist,
    failing_items,
    judged_months,
    month_deadline,
    months_between,
)

START = dt.date(2026, 3, 10)
ALL_CONTENTS = frozenset(BoardContent.values)


def by_item(facts: ProjectFacts, today: dt.date) -> dict[str, Check]:
    return {check.item: check for check in checklist(facts, today)}


def complete_month(transferred_on: dt.date, paid_on: dt.date) -> MonthFacts:
    return MonthFacts(
        transferred_on=transferred_on,
        transferred=Decimal(30000),
        attendance=True,
        paid_via_account_on=paid_on,
    )


def in_order(today: dt.date) -> ProjectFacts:
    months = {
        month: complete_month(month_deadline(month), month_deadline(month))
        for month in months_between(START, today)
    }
    return ProjectFacts(
        start_date=START,
        has_wage_officer=True,
        roster_size=12,
        account_opened_on=START,
        has_agreement=True,
        deposit_lodged_on=START,
        deposit_required=Decimal(90000),
        deposit_held=Decimal(90000),
        board_put_up_on=START,
        board_contents=ALL_CONTENTS,
        min_share=Decimal("0.23"),
        months=months,
    )


class MonthDeadlineTests(SimpleTestCase):
    def test_a_months_duties_are_due_on_the_last_day_of_the_next_month(self) -> None:
        self.assertEqual(month_deadline("2026-01"), dt.date(2026, 2, 28))
        self.assertEqual(month_deadline("2028-01"), dt.date(2028, 2, 29))
        self.assertEqual(month_deadline("2026-11"), dt.date(2026, 12, 31))
        self.assertEqual(month_deadline("2026-12"), dt.date(2027, 1, 31))

    @given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2098, 12, 31)))
    def test_the_deadline_is_always_the_last_day_of_the_following_month(self, day: dt.date) -> None:
        deadline = month_deadline(f"{day:%Y-%m}")
        self.assertEqual((deadline + dt.timedelta(days=1)).day, 1)
        months_apart = (deadline.year - day.year) * 12 + deadline.month - day.month
        self.assertEqual(months_apart, 1)

    @given(
        st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)),
        st.integers(min_value=0, max_value=800),
    )
    def test_months_between_counts_each_month_once_in_order(
        self, first: dt.date, span: int
    ) -> None:
        last = first + dt.timedelta(days=span)
        months = months_between(first, last)
        self.assertEqual(months[0], f"{first:%Y-%m}")
        self.assertEqual(months[-1], f"{last:%Y-%m}")
        self.assertEqual(months, sorted(set(months)))
        self.assertEqual(len(months), (last.year - first.year) * 12 + last.month - first.month + 1)


class ChecklistTests(SimpleTestCase):
    def test_a_project_in_order_has_nothing_missing_or_late(self) -> None:
        today = dt.date(2026, 11, 27)
        self.assertEqual(failing_items(checklist(in_order(today), today)), [])

    def test_a_project_with_nothing_on_file_misses_every_duty_once_started(self) -> None:
        today = dt.date(2026, 6, 1)
        checks = by_item(ProjectFacts(start_date=START), today)
        for item in (
            Item.WAGE_OFFICER,
            Item.ROSTER,
            Item.WAGE_ACCOUNT,
            Item.AGREEMENT,
            Item.DEPOSIT,
            Item.RIGHTS_BOARD,
            Item.LABOUR_COST,
            Item.ATTENDANCE,
        ):
            self.assertEqual(checks[item].state, State.MISSING, item)
        # March and April are judged (deadlines 30 April and 31 May); May is not yet.
        self.assertEqual(checks[Item.LABOUR_COST].months, ("2026-03", "2026-04"))
        self.assertEqual(checks[Item.LABOUR_COST].due, dt.date(2026, 4, 30))
        # Payroll is owed for months with attendance: without any, it cannot be judged.
        self.assertEqual(checks[Item.PAYROLL].state, State.DUE)
        self.assertEqual(checks[Item.COMPLETION].state, State.NOT_APPLICABLE)

    def test_before_the_start_the_duties_are_due_not_missing(self) -> None:
        checks = by_item(ProjectFacts(start_date=START), dt.date(2026, 3, 1))
        self.assertEqual(checks[Item.WAGE_ACCOUNT].state, State.DUE)
        self.assertEqual(checks[Item.WAGE_ACCOUNT].due, START)
        self.assertEqual(checks[Item.ROSTER].state, State.DUE)
        self.assertEqual(judged_months(ProjectFacts(start_date=START), dt.date(2026, 3, 1)), [])

    def test_a_month_is_judged_the_day_after_its_deadline_not_on_it(self) -> None:
        facts = ProjectFacts(start_date=START)
        self.assertEqual(judged_months(facts, dt.date(2026, 4, 30)), [])
        self.assertEqual(judged_months(facts, dt.date(2026, 5, 1)), ["2026-03"])

    def test_a_transfer_on_the_deadline_is_in_time_and_the_day_after_is_late(self) -> None:
        today = dt.date(2026, 5, 15)
        base = in_order(today)
        on_time = {"2026-03": complete_month(dt.date(2026, 4, 30), dt.date(2026, 4, 30))}
        late = {"2026-03": complete_month(dt.date(2026, 5, 1), dt.date(2026, 4, 30))}
        self.assertEqual(
            by_item(_with(base, months=on_time), today)[Item.LABOUR_COST].state, State.OK
        )
        check = by_item(_with(base, months=late), today)[Item.LABOUR_COST]
        self.assertEqual((check.state, check.months), (State.LATE, ("2026-03",)))

    def test_a_transfer_below_the_share_of_the_progress_payment_counts_as_missing(self) -> None:
        today = dt.date(2026, 5, 15)
        short = MonthFacts(
            transferred_on=dt.date(2026, 4, 1),
            transferred=Decimal(22000),
            progress_payment=Decimal(100000),
            attendance=True,
            paid_via_account_on=dt.date(2026, 4, 10),
        )
        checks = by_item(_with(in_order(today), months={"2026-03": short}), today)
        self.assertEqual(checks[Item.LABOUR_COST].state, State.MISSING)
        enough = MonthFacts(**{**short.__dict__, "transferred": Decimal(23000)})
        checks = by_item(_with(in_order(today), months={"2026-03": enough}), today)
        self.assertEqual(checks[Item.LABOUR_COST].state, State.OK)

    def test_a_drawn_deposit_is_due_for_top_up_then_missing_after_its_date(self) -> None:
        today = dt.date(2026, 6, 1)
        drawn = _with(
            in_order(today), deposit_held=Decimal(60000), deposit_top_up_due=dt.date(2026, 6, 5)
        )
        self.assertEqual(by_item(drawn, today)[Item.DEPOSIT].state, State.DUE)
        self.assertEqual(by_item(drawn, dt.date(2026, 6, 6))[Item.DEPOSIT].state, State.MISSING)

    def test_a_board_lacking_required_contents_is_missing_them(self) -> None:
        today = dt.date(2026, 6, 1)
        facts = _with(in_order(today), board_contents=ALL_CONTENTS - {"legal_aid"})
        check = by_item(facts, today)[Item.RIGHTS_BOARD]
        self.assertEqual((check.state, check.missing_contents), (State.MISSING, ("legal_aid",)))

    def test_an_account_closed_inside_the_publicity_period_is_late(self) -> None:
        today = dt.date(2026, 11, 27)
        done = _with(
            in_order(today),
            completed_on=dt.date(2026, 9, 30),
            publicity_ends_on=dt.date(2026, 10, 30),
            account_closed_on=dt.date(2026, 10, 20),
        )
        self.assertEqual(by_item(done, today)[Item.COMPLETION].state, State.LATE)
        closed = _with(done, account_closed_on=dt.date(2026, 11, 2))
        self.assertEqual(by_item(closed, today)[Item.COMPLETION].state, State.OK)
        # Nothing is owed for months after completion.
        self.assertEqual(judged_months(done, today)[-1], "2026-09")

    @given(st.dates(min_value=dt.date(2026, 3, 11), max_value=dt.date(2030, 12, 31)))
    def test_a_project_kept_in_order_is_never_flagged_whatever_the_day(
        self, today: dt.date
    ) -> None:
        self.assertEqual(failing_items(checklist(in_order(today), today)), [])

    @given(st.dates(min_value=dt.date(2026, 5, 1), max_value=dt.date(2030, 12, 31)))
    def test_a_project_without_labour_cost_misses_every_judged_month(self, today: dt.date) -> None:
        facts = _with(in_order(today), months={})
        check = by_item(facts, today)[Item.LABOUR_COST]
        self.assertEqual(list(check.months), judged_months(facts, today))
        self.assertTrue(all(month_deadline(m) < today for m in check.months))


def _with(facts: ProjectFacts, **changes: object) -> ProjectFacts:
    return ProjectFacts(**{**facts.__dict__, **changes})
