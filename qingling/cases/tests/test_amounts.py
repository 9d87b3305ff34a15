from decimal import Decimal

import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from qingling.cases.amounts import (
    ZERO,
    case_totals,
    claim_due,
    claim_outstanding,
    claim_outstanding_sql,
)
from qingling.cases.models import Case, Claim
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case, make_person

# Up to 10⁹ yuan a worker: SQLite keeps decimals as floating point, exact to the fen
# for sums this size.
MONEY = st.decimals(min_value=0, max_value=10**9, places=2)
# claimed, verified, ordered, paid: any mix, also records paid above what is due.
CLAIM = st.tuples(MONEY, st.none() | MONEY, st.none() | MONEY, MONEY)


class ClaimDueTests(BaseTestCase):
    def test_the_ordered_amount_then_the_verified_then_the_claimed(self) -> None:
        one, two, three = Decimal("1.00"), Decimal("2.00"), Decimal("3.00")
        self.assertEqual(claim_due(claimed=one, verified=two, ordered=three), three)
        self.assertEqual(claim_due(claimed=one, verified=two, ordered=None), two)
        self.assertEqual(claim_due(claimed=one, verified=None, ordered=None), one)
        self.assertEqual(claim_due(claimed=one, verified=ZERO, ordered=None), ZERO)

    def test_nothing_is_outstanding_when_more_was_paid(self) -> None:
        self.assertEqual(claim_outstanding(due=Decimal("5.00"), paid=Decimal("7.00")), ZERO)
        self.assertEqual(claim_outstanding(due=Decimal("7.00"), paid=Decimal("5.00")), 2)


@time_machine.travel(CURRENT_TIME, tick=False)
class CaseTotalsTests(HypothesisTestCase, BaseTestCase):
    @settings(max_examples=25, deadline=None)
    @given(st.lists(CLAIM, max_size=4))
    def test_the_sql_rule_and_totals_are_the_python_rule_and_sums(
        self, amounts: list[tuple[Decimal, Decimal | None, Decimal | None, Decimal]]
    ) -> None:
        case = make_case(self, amount="100.00")
        Claim.objects.bulk_create(
            Claim(
                case=case,
                worker=make_person(self.rng, name=f"工人{index}", phone=False),
                claimed=claimed,
                verified=verified,
                ordered=ordered,
                paid=paid,
            )
            for index, (claimed, verified, ordered, paid) in enumerate(amounts)
        )
        Case.objects.filter(pk=case.pk).update(**case_totals(Claim.objects.all()))
        claims = list(case.claims.annotate(owes=claim_outstanding_sql()))
        for claim in claims:
            self.assertEqual(Decimal(claim.owes).quantize(ZERO), claim.outstanding)
        case.refresh_from_db()
        self.assertEqual(
            (case.worker_count, case.total_claimed, case.total_paid, case.total_outstanding),
            (
                len(claims),
                sum((c.claimed for c in claims), ZERO),
                sum((c.paid for c in claims), ZERO),
                sum((c.outstanding for c in claims), ZERO),
            ),
        )
