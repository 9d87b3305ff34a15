"""A case closes only with the records its outcome names."""

from decimal import Decimal

import time_machine
from django.test import override_settings

from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import (
    TransitionNotAllowed,
    case_transition,
    closing_unpaid,
    payment_record,
)
from qingling.cases.tests.steps import WITHDRAWAL_REASON, advance
from qingling.core import clock
from qingling.core.exceptions import InvalidInput
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class CaseClosingRulesTests(BaseTestCase):
    def closing_requested(self) -> Case:
        return advance(self, make_case(self, amount="10000.00"), CaseStatus.CLOSING_REQUESTED)

    def pay(self, case: Case, amount: str) -> None:
        payment_record(
            claim=case.claims.get(),
            amount=Decimal(amount),
            paid_on=clock.local_today(),
            payer_kind="employer",
            actor=self.inspector,
        )

    def test_paid_in_full_needs_every_claim_paid(self) -> None:
        case = self.closing_requested()
        self.pay(case, "9999.99")
        self.assertEqual(closing_unpaid(case), ["王建国: 0.01 yuan"])
        for outcome in (CaseOutcome.PAID_IN_FULL, CaseOutcome.ORDER_CARRIED_OUT):
            with self.subTest(outcome=outcome), self.assertRaises(TransitionNotAllowed) as caught:
                case_transition(
                    case=case, target=CaseStatus.CLOSED, actor=self.chief, outcome=outcome
                )
            self.assertIn(
                "every claim and every ordered compensation is paid", caught.exception.message
            )
            self.assertIn("王建国: 0.01 yuan", caught.exception.message)
            self.assertEqual(list(caught.exception.extra["fields"]), ["outcome"])
        self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.CLOSING_REQUESTED)
        self.pay(case, "0.01")
        self.assertEqual(closing_unpaid(case), [])
        case = case_transition(
            case=case, target=CaseStatus.CLOSED, actor=self.chief, outcome=CaseOutcome.PAID_IN_FULL
        )
        self.assertEqual(case.outcome, CaseOutcome.PAID_IN_FULL)

    def test_withdrawn_needs_the_approvals_reason(self) -> None:
        case = make_case(self)
        with self.assertRaises(InvalidInput) as caught:
            case_transition(
                case=case, target=CaseStatus.CLOSED, actor=self.chief, outcome=CaseOutcome.WITHDRAWN
            )
        self.assertEqual(list(caught.exception.extra["fields"]), ["note"])
        self.assertIn("撤销立案", caught.exception.message)
        self.assertFalse(AuditEvent.objects.filter(action="case.closed").exists())
        case = case_transition(
            case=Case.objects.get(pk=case.pk),
            target=CaseStatus.CLOSED,
            actor=self.chief,
            outcome=CaseOutcome.WITHDRAWN,
            note=WITHDRAWAL_REASON,
        )
        self.assertEqual((case.status, case.closing_note), (CaseStatus.CLOSED, WITHDRAWAL_REASON))
        self.assertEqual(AuditEvent.objects.get(action="case.closed").reason, WITHDRAWAL_REASON)

    def test_police_still_needs_a_sent_transfer(self) -> None:
        case = self.closing_requested()
        with self.assertRaisesMessage(TransitionNotAllowed, "no transfer to the police"):
            case_transition(
                case=case, target=CaseStatus.CLOSED, actor=self.chief, outcome=CaseOutcome.POLICE
            )
