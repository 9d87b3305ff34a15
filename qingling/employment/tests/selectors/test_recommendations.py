import datetime as dt
import itertools

import time_machine

from qingling.employment.matching import PostingIndex
from qingling.employment.models import Seeker
from qingling.employment.selectors.postings import (
    posting_profiles,
    postings_offerable,
    seeker_profiles,
)
from qingling.employment.selectors.seekers import recommendations_for_seeker
from qingling.employment.tests.world import EmploymentWorld, make_posting, make_seeker
from qingling.testing import CURRENT_TIME

TODAY = dt.date(2026, 11, 27)


@time_machine.travel(CURRENT_TIME, tick=False)
class RecommendationsTests(EmploymentWorld):
    def test_narrowing_in_sql_gives_what_ranking_every_posting_gives(self) -> None:
        places = ("210200", "370000", "220402", "110000")
        occupations = ("6-29", "6-22", "4-10")
        for n, (place, occupation) in enumerate(itertools.product(places, occupations)):
            make_posting(
                self.employer, title=f"岗位{n}", place=place, occupation=occupation,
                pay_max=6000 + 300 * n,
            )  # fmt: skip
        for wanted, where in (
            (("6-29",), ("210200",)),
            (("6",), ("370000", "220400")),
            ((), ()),
            (("4-10",), ()),
        ):
            with self.subTest(occupations=wanted, destinations=where):
                seeker = make_seeker(self.rng, occupations=wanted, destinations=where)
                (profile,) = seeker_profiles(Seeker.objects.filter(pk=seeker.pk))
                everything = PostingIndex(posting_profiles(postings_offerable(today=TODAY)))
                expected = [m.id for m in everything.for_seeker(profile, k=10)]
                found = recommendations_for_seeker(seeker=seeker, today=TODAY)
                self.assertEqual([posting.pk for posting, _match in found], expected)
                self.assertTrue(expected or not (wanted or where))

    def test_a_worker_who_refused_personalised_recommendations_gets_none(self) -> None:
        make_posting(self.employer)
        seeker = make_seeker(self.rng, personalised=False)
        self.assertEqual(recommendations_for_seeker(seeker=seeker, today=TODAY), [])
