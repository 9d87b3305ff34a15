import datetime as dt

from django.test import SimpleTestCase

from qingling.core.calendars import add_months
from qingling.sanctions.lifecycle import (
    TRANSITIONS,
    ListingStatus,
    StepActor,
    allowed_targets,
    repair_possible_from,
    term_end,
    transition_for,
)

S = ListingStatus
A = StepActor


class TermTests(SimpleTestCase):
    def test_ends_on_the_same_day_three_years_later(self) -> None:
        self.assertEqual(term_end(dt.date(2026, 12, 14)), dt.date(2029, 12, 14))

    def test_a_listing_of_29_february_ends_on_28_february(self) -> None:
        self.assertEqual(term_end(dt.date(2024, 2, 29)), dt.date(2027, 2, 28))
        self.assertEqual(term_end(dt.date(2028, 2, 29)), dt.date(2031, 2, 28))

    def test_a_listing_of_28_february_before_a_leap_year_ends_on_28_february(self) -> None:
        self.assertEqual(term_end(dt.date(2025, 2, 28)), dt.date(2028, 2, 28))

    def test_months_past_the_end_of_a_short_month_stop_at_its_last_day(self) -> None:
        self.assertEqual(add_months(dt.date(2026, 8, 31), 6), dt.date(2027, 2, 28))
        self.assertEqual(add_months(dt.date(2027, 8, 31), 6), dt.date(2028, 2, 29))
        self.assertEqual(add_months(dt.date(2026, 12, 15), 1), dt.date(2027, 1, 15))

    def test_early_removal_opens_six_months_after_repayment(self) -> None:
        self.assertEqual(repair_possible_from(dt.date(2026, 12, 15)), dt.date(2027, 6, 15))


class TableTests(SimpleTestCase):
    def test_every_step_is_expected(self) -> None:
        expected = {
            (S.PROPOSED, S.NOTIFIED, A.PROPOSER),
            (S.NOTIFIED, S.LISTED, A.CHIEF),
            (S.LISTED, S.REMOVED, A.CHIEF),
            (S.LISTED, S.REMOVED, A.SYSTEM),
            (S.PROPOSED, S.WITHDRAWN, A.PROPOSER),
            (S.PROPOSED, S.WITHDRAWN, A.CHIEF),
            (S.NOTIFIED, S.WITHDRAWN, A.PROPOSER),
            (S.NOTIFIED, S.WITHDRAWN, A.CHIEF),
        }
        self.assertEqual({(t.source, t.target, t.actor) for t in TRANSITIONS}, expected)

    def test_allows_each_triple_only_when_in_the_table(self) -> None:
        table = {(t.source, t.target, t.actor) for t in TRANSITIONS}
        for source in S.values:
            for target in S.values:
                for actor in A.values:
                    with self.subTest(source=source, target=target, actor=actor):
                        step = transition_for(source, target, frozenset({actor}))
                        self.assertIs(step is not None, (source, target, actor) in table)

    def test_removed_and_withdrawn_are_final(self) -> None:
        everyone = frozenset(A.values)
        self.assertEqual(allowed_targets(S.REMOVED, everyone), [])
        self.assertEqual(allowed_targets(S.WITHDRAWN, everyone), [])

    def test_only_a_chief_lists_and_the_system_only_removes(self) -> None:
        self.assertEqual(allowed_targets(S.NOTIFIED, frozenset({A.PROPOSER})), [S.WITHDRAWN])
        self.assertEqual(allowed_targets(S.LISTED, frozenset({A.SYSTEM})), [S.REMOVED])
        self.assertEqual(allowed_targets(S.PROPOSED, frozenset({A.SYSTEM})), [])
