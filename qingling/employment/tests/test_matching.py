from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from unittest import TestCase

from hypothesis import given, settings
from hypothesis import strategies as st

from qingling.employment.matching import (
    Match,
    PostingIndex,
    PostingProfile,
    Reason,
    SeekerProfile,
    brute_force_recommend,
    place_prefix,
    rank_seekers,
    recommend_postings,
)

SEASON = date(2027, 2, 1)
WORKER = SeekerProfile(
    id=1,
    occupations=("6-29",),
    destinations=("210200",),
    earliest=date(2027, 2, 15),
    latest=date(2027, 3, 1),
    wage_expected=Decimal(6000),
)
POSTING = PostingProfile(
    id=10,
    occupation="6-29",
    place="210211",
    starts_on=date(2027, 2, 10),
    expires_on=date(2027, 3, 31),
    pay_min=Decimal(6000),
    pay_max=Decimal(6900),
    openings=4,
)

OCCUPATIONS = ("6-29", "6-22", "4-02", "4-03", "6", "4")
DESTINATIONS = ("370000", "370200", "210200", "220402", "220400", "110000", "")
PLACES = ("370202", "370102", "210211", "220402", "220403", "110105", "440305")

days = st.integers(min_value=-5, max_value=60).map(lambda n: SEASON + timedelta(days=n))
money = st.decimals(min_value=0, max_value=12000, places=2).map(
    lambda d: d.quantize(Decimal("0.01"))
)
seekers = st.builds(
    SeekerProfile,
    id=st.integers(min_value=1, max_value=40),
    occupations=st.lists(st.sampled_from(OCCUPATIONS), max_size=3).map(tuple),
    destinations=st.lists(st.sampled_from(DESTINATIONS), max_size=3).map(tuple),
    earliest=st.none() | days,
    latest=st.none() | days,
    wage_expected=st.none() | money | st.sampled_from([Decimal(6000), Decimal(0)]),
)


@st.composite
def postings(draw: st.DrawFn) -> PostingProfile:
    pay_min = draw(money | st.just(Decimal(6000)))
    return PostingProfile(
        id=draw(st.integers(min_value=100, max_value=160)),
        occupation=draw(st.sampled_from(OCCUPATIONS[:4])),
        place=draw(st.sampled_from(PLACES)),
        starts_on=draw(st.none() | days),
        expires_on=draw(days),
        pay_min=pay_min,
        pay_max=pay_min + draw(st.sampled_from([Decimal(0), Decimal(900)]) | money),
        openings=draw(st.integers(min_value=0, max_value=15)),
    )


seeker_lists = st.lists(seekers, max_size=12, unique_by=lambda s: s.id)
posting_lists = st.lists(postings(), max_size=30, unique_by=lambda p: p.id)


def passes_filters(seeker: SeekerProfile, posting: PostingProfile) -> bool:
    """The hard filters as the spec words them, independent of the module's code."""
    major = posting.occupation.split("-")[0]
    occupation = not seeker.occupations or bool(
        {posting.occupation, major} & set(seeker.occupations)
    )
    place = not seeker.destinations or any(
        posting.place.startswith(place_prefix(d)) for d in seeker.destinations
    )
    dates = (seeker.earliest is None or posting.expires_on >= seeker.earliest) and (
        seeker.latest is None or posting.starts_on is None or posting.starts_on <= seeker.latest
    )
    pay = seeker.wage_expected is None or posting.pay_max >= seeker.wage_expected
    return occupation and place and dates and pay and posting.openings > 0


def points(match: Match) -> Decimal:
    return sum((Decimal(dict(r.params)["points"]) for r in match.reasons), Decimal(0))


def codes(match: Match) -> list[str]:
    return [reason.code for reason in match.reasons]


class RecommendPostingsTests(TestCase):
    @given(seeker_lists, posting_lists, st.integers(min_value=0, max_value=12))
    @settings(max_examples=300, deadline=None)
    def test_equals_the_all_pairs_loop(self, seekers, postings, k):
        expected = brute_force_recommend(seekers, postings, k=k)
        self.assertEqual(recommend_postings(seekers, postings, k=k), expected)
        index = PostingIndex(postings)
        for seeker in seekers:
            self.assertEqual(index.for_seeker(seeker, k=k), expected[seeker.id])

    @given(seeker_lists, posting_lists)
    @settings(deadline=None)
    def test_recommends_every_passing_pair_and_nothing_else(self, seekers, postings):
        by_id = {p.id: p for p in postings}
        result = recommend_postings(seekers, postings, k=len(postings))
        for seeker in seekers:
            shown = {m.id for m in result[seeker.id]}
            wanted = {p.id for p in postings if passes_filters(seeker, p)}
            self.assertEqual(shown, wanted)
            for match in result[seeker.id]:
                self.assertTrue(passes_filters(seeker, by_id[match.id]))

    @given(seeker_lists, posting_lists)
    @settings(deadline=None)
    def test_orders_by_score_then_id_and_explains_every_point(self, seekers, postings):
        for matches in recommend_postings(seekers, postings).values():
            self.assertEqual(matches, sorted(matches, key=lambda m: (-m.score, m.id)))
            for match in matches:
                self.assertTrue(0 <= match.score <= 100)
                self.assertEqual(points(match), Decimal(str(match.score)))
                self.assertEqual(len(match.reasons), 5)

    def test_explains_a_close_match(self):
        (match,) = recommend_postings([WORKER], [POSTING])[WORKER.id]
        self.assertEqual(
            match.reasons,
            (
                Reason("occupation_exact", (("code", "6-29"), ("points", "40"))),
                Reason("place_exact", (("code", "210200"), ("place", "210211"), ("points", "25"))),
                Reason(
                    "pay_above",
                    (
                        ("pay_max", "6900"),
                        ("expected", "6000"),
                        ("percent", "15"),
                        ("points", "15"),
                    ),
                ),
                Reason("date_fits", (("points", "10"),)),
                Reason("openings", (("count", "4"), ("points", "2"))),
            ),
        )
        self.assertEqual(match.score, 92.0)

    def test_scores_a_wider_match_lower(self):
        seeker = replace(WORKER, occupations=("6",), destinations=("210000",))
        (match,) = recommend_postings([seeker], [POSTING])[seeker.id]
        self.assertEqual(codes(match)[:2], ["occupation_group", "place_within"])
        self.assertEqual(dict(match.reasons[0].params)["code"], "6")
        self.assertEqual(match.score, 92 - 15 - 7)

    def test_scores_an_open_profile_on_the_middle_marks(self):
        seeker = SeekerProfile(2, (), (), None, None, None)
        (match,) = recommend_postings([seeker], [POSTING])[seeker.id]
        self.assertEqual(
            codes(match),
            ["occupation_any", "place_any", "pay_unstated", "date_unstated", "openings"],
        )
        self.assertEqual(match.score, 15 + 8 + 10 + 5 + 2)

    def test_names_the_most_specific_destination(self):
        seeker = replace(WORKER, destinations=("210000", "210200", "370000"))
        (match,) = recommend_postings([seeker], [POSTING])[seeker.id]
        self.assertEqual(match.reasons[1].params[0], ("code", "210200"))

    def test_counts_the_days_until_work_starts(self):
        posting = replace(POSTING, starts_on=date(2027, 2, 27))
        (match,) = recommend_postings([WORKER], [posting])[WORKER.id]
        self.assertEqual(match.reasons[3], Reason("date_wait", (("days", "12"), ("points", "6"))))

    def test_gives_full_pay_points_from_thirty_percent_above(self):
        posting = replace(POSTING, pay_max=Decimal(9000))
        (match,) = recommend_postings([WORKER], [posting])[WORKER.id]
        self.assertEqual(dict(match.reasons[2].params)["points"], "20")

    def test_leaves_out_a_posting_that_fails_one_filter(self):
        failing = {
            "occupation": replace(POSTING, occupation="4-03"),
            "place": replace(POSTING, place="370202"),
            "closed before travel": replace(POSTING, expires_on=date(2027, 2, 14)),
            "starts after the window": replace(POSTING, starts_on=date(2027, 3, 2)),
            "pay": replace(POSTING, pay_max=Decimal("5999.99")),
            "filled": replace(POSTING, openings=0),
        }
        for rule, posting in failing.items():
            with self.subTest(rule):
                self.assertEqual(recommend_postings([WORKER], [posting]), {WORKER.id: []})
                self.assertEqual(rank_seekers(posting, [WORKER]), [])

    def test_breaks_ties_by_id(self):
        postings = [replace(POSTING, id=i) for i in (30, 10, 20)]
        ranked = recommend_postings([WORKER], postings, k=2)[WORKER.id]
        self.assertEqual([m.id for m in ranked], [10, 20])

    def test_gives_nothing_for_k_zero(self):
        self.assertEqual(recommend_postings([WORKER], [POSTING], k=0), {WORKER.id: []})


class RankSeekersTests(TestCase):
    @given(seeker_lists, postings(), st.integers(min_value=0, max_value=12))
    @settings(deadline=None)
    def test_scores_each_worker_as_their_own_list_does(self, seekers, posting, k):
        own = recommend_postings(seekers, [posting])
        ranked = rank_seekers(posting, seekers, k=k)
        by_id = {s.id: s for s in seekers}
        expected = sorted(
            {(-own[s.id][0].score, s.id) for s in seekers if own[s.id]},
        )[:k]
        self.assertEqual([(-m.score, m.id) for m in ranked], expected)
        for match in ranked:
            self.assertTrue(passes_filters(by_id[match.id], posting))

    def test_puts_the_worker_who_asked_for_the_trade_first(self):
        anyone = replace(WORKER, id=2, occupations=())
        ranked = rank_seekers(POSTING, [anyone, WORKER])
        self.assertEqual([m.id for m in ranked], [1, 2])
        self.assertEqual(ranked[0].reasons[0].code, "occupation_exact")
