"""The totals a case stores are the sums of its claims after every write that changes one."""

import importlib
from decimal import Decimal

import time_machine
from django.apps import apps
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from qingling.cases.imports import ClaimRow, claims_import
from qingling.cases.models import ZERO, Case, Claim, Payment
from qingling.cases.services import (
    case_open,
    claim_add,
    claim_update,
    claims_from_roster,
    payment_record,
)
from qingling.core.exceptions import ApplicationError, InvalidInput
from qingling.parties.demo import fake_id_number
from qingling.parties.services import roster_add
from qingling.testing import (
    CURRENT_TIME,
    BaseTestCase,
    make_accepted_complaint,
    make_case,
    make_organization,
    make_project,
)

TODAY = CURRENT_TIME.date()
AMOUNT = st.decimals(min_value=0, max_value=10**7, places=2)
# (what, which claim, an amount): pay takes at most what is outstanding.
STEP = st.tuples(
    st.sampled_from(["add", "verify", "order", "pay", "explain"]),
    st.integers(min_value=0, max_value=5),
    AMOUNT,
)


class TotalsAssertions(BaseTestCase):
    def assertTotalsAreTheSumsOfTheClaims(self, case: Case) -> None:
        claims = list(Claim.objects.filter(case=case))
        stored = Case.objects.values_list(
            "worker_count", "total_claimed", "total_paid", "total_outstanding"
        ).get(pk=case.pk)
        self.assertEqual(
            stored,
            (
                len(claims),
                sum((c.claimed for c in claims), ZERO),
                sum((c.paid for c in claims), ZERO),
                sum((c.outstanding for c in claims), ZERO),
            ),
        )


@time_machine.travel(CURRENT_TIME, tick=False)
class CaseTotalsTests(TotalsAssertions):
    def test_opening_stores_the_complainants_claims(self) -> None:
        case = make_case(self, amount="3500.50")
        self.assertTotalsAreTheSumsOfTheClaims(case)
        self.assertEqual(
            Case.objects.values_list("worker_count", "total_outstanding").get(pk=case.pk),
            (1, Decimal("3500.50")),
        )

    def test_claims_updates_and_payments_move_the_totals(self) -> None:
        case = make_case(self, amount="10000.00")
        claim = claim_add(
            case=case,
            name="刘德福",
            id_number=fake_id_number(self.rng),
            claimed=Decimal("6200.00"),
            actor=self.inspector,
        )
        self.assertTotalsAreTheSumsOfTheClaims(case)
        claim_update(
            claim=claim,
            verified=Decimal("6000.00"),
            verified_reason="按考勤表和工资表核定",
            actor=self.inspector,
        )
        self.assertTotalsAreTheSumsOfTheClaims(case)
        payment_record(
            claim=claim,
            amount=Decimal("6000.00"),
            paid_on=TODAY,
            payer_kind=Payment.Payer.EMPLOYER,
            actor=self.inspector,
        )
        self.assertTotalsAreTheSumsOfTheClaims(case)
        self.assertEqual(
            Case.objects.values_list(
                "worker_count", "total_claimed", "total_paid", "total_outstanding"
            ).get(pk=case.pk),
            (2, Decimal("16200.00"), Decimal("6000.00"), Decimal("10000.00")),
        )

    def test_a_refused_payment_leaves_the_totals(self) -> None:
        case = make_case(self, amount="100.00")
        with self.assertRaises(InvalidInput):
            payment_record(
                claim=case.claims.get(),
                amount=Decimal("100.01"),
                paid_on=TODAY,
                payer_kind=Payment.Payer.EMPLOYER,
                actor=self.inspector,
            )
        self.assertTotalsAreTheSumsOfTheClaims(case)
        self.assertEqual(Case.objects.get(pk=case.pk).total_outstanding, Decimal("100.00"))

    def test_claims_from_the_roster_and_from_a_sheet_count_as_workers(self) -> None:
        project = make_project(division=self.longshan)
        case = case_open(
            complaints=[make_accepted_complaint()],
            respondent=make_organization(self.rng),
            division=self.longshan,
            lead=self.inspector,
            co_inspectors=[self.inspector2],
            project=project,
            actor=self.chief,
        )
        for name in ("甲", "乙"):
            roster_add(project=project, name=name, id_number=fake_id_number(self.rng), actor=None)
        self.assertEqual(claims_from_roster(case=case, actor=self.inspector), 2)
        self.assertTotalsAreTheSumsOfTheClaims(case)
        rows = [
            ClaimRow(2, {"name": "丙", "id_number": fake_id_number(self.rng), "claimed": 700}),
            ClaimRow(3, {"name": "丁", "id_number": "not a number", "claimed": 800}),
        ]
        result = claims_import(case=case, rows=rows, actor=self.inspector)
        self.assertEqual((result.created, result.failed), (1, 1))
        self.assertTotalsAreTheSumsOfTheClaims(case)
        self.assertEqual(
            Case.objects.values_list("worker_count", "total_claimed").get(pk=case.pk),
            (4, Decimal("10700.00")),
        )

    def test_the_migration_fills_the_totals_of_the_cases_there_are(self) -> None:
        case = make_case(self, amount="10000.00")
        claim_update(
            claim=case.claims.get(),
            verified=Decimal("8000.00"),
            verified_reason="按考勤表和工资表核定",
            actor=self.inspector,
        )
        Case.objects.update(
            worker_count=0, total_claimed=ZERO, total_paid=ZERO, total_outstanding=ZERO
        )
        fill = importlib.import_module("qingling.cases.migrations.0004_case_totals_fill")
        fill.fill_case_totals(apps, None)
        self.assertTotalsAreTheSumsOfTheClaims(case)
        self.assertEqual(Case.objects.get(pk=case.pk).total_outstanding, Decimal("8000.00"))


@time_machine.travel(CURRENT_TIME, tick=False)
class CaseTotalsPropertyTests(HypothesisTestCase, TotalsAssertions):
    @settings(max_examples=20, deadline=None)
    @given(st.lists(STEP, max_size=8))
    def test_hold_after_any_sequence_of_claim_writes(
        self, steps: list[tuple[str, int, Decimal]]
    ) -> None:
        case = make_case(self, amount="1000.00")
        for what, index, amount in steps:
            claims = list(case.claims.order_by("pk"))
            claim = claims[index % len(claims)]
            try:
                if what == "add":
                    claim_add(
                        case=case,
                        name=f"工人{len(claims)}",
                        id_number=fake_id_number(self.rng),
                        claimed=amount,
                        actor=self.inspector,
                    )
                elif what == "verify":
                    claim_update(
                        claim=claim,
                        verified=amount,
                        verified_reason="按考勤表和工资表核定",
                        actor=self.inspector,
                    )
                elif what == "order":
                    claim_update(claim=claim, ordered=amount, actor=self.inspector)
                elif what == "explain":
                    claim_update(claim=claim, explanation="已告知申请仲裁", actor=self.inspector)
                elif claim.outstanding > 0:
                    payment_record(
                        claim=claim,
                        amount=max(min(amount, claim.outstanding), Decimal("0.01")),
                        paid_on=TODAY,
                        payer_kind=Payment.Payer.EMPLOYER,
                        actor=self.chief,
                    )
            except ApplicationError:
                pass  # refused (an amount below what was paid): nothing may have moved
            self.assertTotalsAreTheSumsOfTheClaims(case)
