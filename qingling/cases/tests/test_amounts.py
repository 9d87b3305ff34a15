import datetime as dt
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
    claim_outstanding_on,
    claim_outstanding_on_sql,
    claim_outstanding_sql,
)
from qingling.cases.models import Case, Claim, Payment
from qingling.cases.selectors import case_outstanding, claims_outstanding
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


ON = dt.date(2026, 11, 20)
# A payment: days from ON (before, on, after) and a positive amount.
PAYMENT = st.tuples(
    st.integers(min_value=-2, max_value=2), st.decimals(min_value="0.01", max_value=10**6, places=2)
)
# claimed, verified, ordered and the claim's payments.
CLAIM_PAID = st.tuples(MONEY, st.none() | MONEY, st.none() | MONEY, st.lists(PAYMENT, max_size=3))


class ClaimOutstandingOnTests(BaseTestCase):
    def test_counts_the_payments_made_by_the_end_of_the_day(self) -> None:
        payments = [(ON, Decimal("3.00")), (ON + dt.timedelta(days=1), Decimal("4.00"))]
        self.assertEqual(claim_outstanding_on(due=Decimal("10.00"), payments=payments, on=ON), 7)
        later = ON + dt.timedelta(days=1)
        self.assertEqual(claim_outstanding_on(due=Decimal("5.00"), payments=payments, on=later), 0)


@time_machine.travel(CURRENT_TIME, tick=False)
class ClaimOutstandingOnAgreementTests(HypothesisTestCase, BaseTestCase):
    @settings(max_examples=25, deadline=None)
    @given(st.lists(CLAIM_PAID, max_size=3))
    def test_the_sql_rule_and_the_case_reader_are_the_python_rule(
        self,
        amounts: list[tuple[Decimal, Decimal | None, Decimal | None, list[tuple[int, Decimal]]]],
    ) -> None:
        case = make_case(self, amount="100.00")
        case.claims.all().delete()
        expected = []
        for index, (claimed, verified, ordered, paid) in enumerate(amounts):
            claim = Claim.objects.create(
                case=case,
                worker=make_person(self.rng, name=f"工人{index}", phone=False),
                claimed=claimed,
                verified=verified,
                ordered=ordered,
            )
            payments = [(ON + dt.timedelta(days=days), amount) for days, amount in paid]
            Payment.objects.bulk_create(
                Payment(claim=claim, paid_on=day, amount=amount, payer_kind="employer")
                for day, amount in payments
            )
            expected.append(claim_outstanding_on(due=claim.due, payments=payments, on=ON))
        owes = case.claims.annotate(owes=claim_outstanding_on_sql(Payment.objects.all(), on=ON))
        self.assertEqual([Decimal(c.owes).quantize(ZERO) for c in owes], expected)
        self.assertEqual(claims_outstanding(case=case, on=ON), expected)
        self.assertEqual(case_outstanding(case=case, on=ON), sum(expected, ZERO))
