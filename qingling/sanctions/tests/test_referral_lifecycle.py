from django.test import SimpleTestCase

from qingling.sanctions.lifecycle import (
    REFERRAL_CLOCK_OF_STATUS,
    REFERRAL_FINAL_STATUSES,
    REFERRAL_TRANSITIONS,
    ReferralActor,
    ReferralClock,
    ReferralStatus,
    referral_allowed_targets,
    referral_transition_for,
)

S = ReferralStatus
A = ReferralActor


class ReferralTableTests(SimpleTestCase):
    def test_every_step_is_expected(self) -> None:
        expected = {
            (S.PROPOSED, S.APPROVED, A.HEAD),
            (S.PROPOSED, S.REFUSED, A.HEAD),
            (S.PROPOSED, S.WITHDRAWN, A.CASE_INSPECTOR),
            (S.APPROVED, S.SENT, A.CASE_INSPECTOR),
            (S.SENT, S.ACCEPTED, A.CASE_INSPECTOR),
            (S.SENT, S.DECLINED, A.CASE_INSPECTOR),
            (S.DECLINED, S.RECONSIDERATION, A.CASE_INSPECTOR),
            (S.DECLINED, S.SUPERVISION, A.CASE_INSPECTOR),
            (S.DECLINED, S.ENDED, A.HEAD),
            (S.RECONSIDERATION, S.ACCEPTED, A.CASE_INSPECTOR),
            (S.RECONSIDERATION, S.UPHELD, A.CASE_INSPECTOR),
            (S.UPHELD, S.SUPERVISION, A.CASE_INSPECTOR),
            (S.UPHELD, S.ENDED, A.HEAD),
            (S.SUPERVISION, S.ACCEPTED, A.CASE_INSPECTOR),
            (S.SUPERVISION, S.ENDED, A.CASE_INSPECTOR),
        }
        self.assertEqual({(t.source, t.target, t.actor) for t in REFERRAL_TRANSITIONS}, expected)

    def test_allows_each_triple_only_when_in_the_table(self) -> None:
        table = {(t.source, t.target, t.actor) for t in REFERRAL_TRANSITIONS}
        for source in S.values:
            for target in S.values:
                for actor in A.values:
                    with self.subTest(source=source, target=target, actor=actor):
                        step = referral_transition_for(source, target, frozenset({actor}))
                        self.assertIs(step is not None, (source, target, actor) in table)

    def test_final_statuses_have_no_step(self) -> None:
        everyone = frozenset(A.values)
        for status in REFERRAL_FINAL_STATUSES:
            with self.subTest(status=status):
                self.assertEqual(referral_allowed_targets(status, everyone), [])

    def test_every_other_status_leads_somewhere(self) -> None:
        everyone = frozenset(A.values)
        for status in set(S.values) - REFERRAL_FINAL_STATUSES:
            with self.subTest(status=status):
                self.assertTrue(referral_allowed_targets(status, everyone))

    def test_only_the_head_decides_and_only_an_inspector_records_the_police(self) -> None:
        self.assertEqual(
            referral_allowed_targets(S.PROPOSED, frozenset({A.HEAD})), [S.APPROVED, S.REFUSED]
        )
        self.assertEqual(
            referral_allowed_targets(S.PROPOSED, frozenset({A.CASE_INSPECTOR})), [S.WITHDRAWN]
        )
        self.assertEqual(referral_allowed_targets(S.SENT, frozenset({A.HEAD})), [])

    def test_each_clock_runs_in_the_status_that_waits_for_the_bureau(self) -> None:
        self.assertEqual(
            REFERRAL_CLOCK_OF_STATUS,
            {
                S.PROPOSED: ReferralClock.DECISION,
                S.APPROVED: ReferralClock.SENDING,
                S.SENT: ReferralClock.POLICE_ANSWER,
                S.DECLINED: ReferralClock.RECONSIDERATION,
                S.RECONSIDERATION: ReferralClock.REVIEW_ANSWER,
                S.UPHELD: ReferralClock.SUPERVISION,
            },
        )
