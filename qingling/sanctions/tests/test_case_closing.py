"""Closing a case as "transferred to the police" needs a transfer that was sent
(``QINGLING_CLOSING_RECORDS`` → ``case_has_sent_referral``)."""

import time_machine
from django.test import override_settings

from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_transition
from qingling.cases.tests.steps import explain_claims
from qingling.core.exceptions import ApplicationError
from qingling.sanctions.lifecycle import ReferralStatus
from qingling.sanctions.tests.world import AFTER_DUE, THRESHOLDS, make_ordered_case, make_referral
from qingling.testing import BaseTestCase


@override_settings(LANGUAGE_CODE="en")
@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
class ClosingAsPoliceTests(BaseTestCase):
    def _ask_to_close(self, case: Case) -> Case:
        explain_claims(self, case, "已移送公安机关")
        return case_transition(case=case, target=CaseStatus.CLOSING_REQUESTED, actor=self.inspector)

    def _close(self, case: Case) -> Case:
        return case_transition(
            case=case, target=CaseStatus.CLOSED, actor=self.chief, outcome=CaseOutcome.POLICE
        )

    def test_refuses_without_a_transfer(self) -> None:
        case = self._ask_to_close(make_ordered_case(self))
        with self.assertRaises(ApplicationError) as caught:
            self._close(case)
        self.assertIn("outcome", caught.exception.extra["fields"])
        self.assertIn("310", caught.exception.message)

    def test_refuses_with_a_transfer_only_approved(self) -> None:
        case = make_ordered_case(self)
        make_referral(self, case, status=ReferralStatus.APPROVED)
        with self.assertRaises(ApplicationError):
            self._close(self._ask_to_close(case))

    def test_closes_once_the_transfer_was_sent(self) -> None:
        case = make_ordered_case(self)
        make_referral(self, case, status=ReferralStatus.SENT)
        case = self._close(self._ask_to_close(case))
        self.assertEqual((case.status, case.outcome), (CaseStatus.CLOSED, CaseOutcome.POLICE))

    def test_other_outcomes_need_no_transfer(self) -> None:
        case = self._close_as_court(self._ask_to_close(make_ordered_case(self)))
        self.assertEqual(case.outcome, CaseOutcome.ARBITRATION_OR_COURT)

    def _close_as_court(self, case: Case) -> Case:
        return case_transition(
            case=case,
            target=CaseStatus.CLOSED,
            actor=self.chief,
            outcome=CaseOutcome.ARBITRATION_OR_COURT,
        )
