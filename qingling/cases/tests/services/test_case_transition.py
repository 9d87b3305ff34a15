import itertools
from typing import Any

import time_machine
from django.db import transaction
from django.test import override_settings

from qingling.accounts.models import Role, User
from qingling.accounts.services import staff_create
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import (
    TransitionNotAllowed,
    case_inspector_remove,
    case_transition,
    claim_update,
    payment_record,
)
from qingling.cases.tests.steps import ORDER_DAYS, WITHDRAWAL_REASON, advance, explain_claims
from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, PASSWORD, BaseTestCase, make_case

S = CaseStatus
INSPECTORS = "inspectors"  # the lead and the co-inspector of the case
CHIEFS = "chiefs"  # the section chief and the director
# The lifecycle written out by hand from docs/legal-rules.md and the issue, not read from
# lifecycle.py:
# every pair missing here is refused to everybody.
EXPECTED: dict[tuple[str, str], str] = {
    (S.OPENED, S.INVESTIGATING): INSPECTORS,
    (S.INVESTIGATING, S.ORDER_ISSUED): INSPECTORS,
    (S.INVESTIGATING, S.CLOSING_REQUESTED): INSPECTORS,
    (S.ORDER_ISSUED, S.CLOSING_REQUESTED): INSPECTORS,
    (S.CLOSING_REQUESTED, S.CLOSED): CHIEFS,
    (S.CLOSING_REQUESTED, S.INVESTIGATING): CHIEFS,
    (S.OPENED, S.CLOSED): CHIEFS,
    (S.INVESTIGATING, S.CLOSED): CHIEFS,
}
PERSONAS = {
    "inspector": INSPECTORS,  # lead
    "inspector2": INSPECTORS,  # co-inspector
    "inspector3": "",  # an inspector of 龙山区 who is not on the case
    "xian": "",  # an inspector of another district
    "chief": CHIEFS,
    "director": CHIEFS,
    "intake": "",
    "outsider": "",
}


class _Undo(Exception):
    """Raised to roll back an allowed transition so the next persona starts from the same
    state."""


@time_machine.travel(CURRENT_TIME, tick=False)
class CaseTransitionTableTests(BaseTestCase):
    inspector3: User
    cases: dict[str, Case]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        assert cls.inspector.org_unit is not None
        cls.inspector3 = staff_create(
            username="inspector3",
            full_name="inspector3",
            role=Role.INSPECTOR,
            org_unit=cls.inspector.org_unit,
            password=PASSWORD,
            actor=None,
        )
        cls.cases = {}
        for status in S.values:
            case = make_case(cls, name=f"工人{status}")  # type: ignore[arg-type]
            explain_claims(cls, case)  # type: ignore[arg-type]
            cls.cases[status] = advance(cls, case, status)  # type: ignore[arg-type]

    def details(self, source: str, target: str) -> dict[str, Any]:
        """What a person fills in for the step, so that the guards pass where it is allowed."""
        if target == S.ORDER_ISSUED:
            return {"order_days": ORDER_DAYS}
        if target == S.CLOSED:
            before_order = source in {S.OPENED, S.INVESTIGATING}
            if before_order:
                return {"outcome": CaseOutcome.WITHDRAWN, "note": WITHDRAWAL_REASON}
            # After an order the money is still owed (explained): referred to court.
            return {"outcome": CaseOutcome.ARBITRATION_OR_COURT}
        return {}

    def attempt(self, source: str, target: str, persona: str) -> str:
        case = Case.objects.get(pk=self.cases[source].pk)
        self.assertEqual(case.status, source)
        try:
            with transaction.atomic():
                moved = case_transition(
                    case=case,
                    target=target,
                    actor=getattr(self, persona),
                    **self.details(source, target),
                )
                self.assertEqual(Case.objects.get(pk=case.pk).status, target)
                self.assertEqual(moved.status, target)
                raise _Undo
        except _Undo:
            return "allowed"
        except TransitionNotAllowed:
            return "denied"

    def test_every_pair_of_statuses_for_every_persona(self) -> None:
        self.assertEqual({source for source, _ in EXPECTED} | {S.CLOSED}, set(S.values))
        for source, target, persona in itertools.product(S.values, S.values, PERSONAS):
            allowed_to = EXPECTED.get((source, target))
            expected = "allowed" if allowed_to and PERSONAS[persona] == allowed_to else "denied"
            with self.subTest(source=source, target=target, persona=persona):
                self.assertEqual(self.attempt(source, target, persona), expected)
        self.assertEqual(
            [Case.objects.get(pk=c.pk).status for c in self.cases.values()], list(S.values)
        )


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class CaseTransitionTests(BaseTestCase):
    def test_records_every_step_with_the_status_before_and_after(self) -> None:
        case = make_case(self)
        case_transition(case=case, target=S.INVESTIGATING, actor=self.inspector, note="开始调查")
        event = AuditEvent.objects.get(action="case.investigating")
        self.assertEqual(event.actor, self.inspector)
        self.assertEqual((event.before or {})["status"], "opened")
        self.assertEqual((event.after or {})["status"], "investigating")
        self.assertEqual(event.object_id, str(case.pk))

    def test_two_stale_copies_moved_to_different_targets_one_wins_one_conflicts(self) -> None:
        case = advance(self, make_case(self), S.INVESTIGATING)
        first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
        case_transition(
            case=first, target=S.ORDER_ISSUED, actor=self.inspector, order_days=ORDER_DAYS
        )
        with self.assertRaises(Conflict) as raised:
            case_transition(
                case=second,
                target=S.CLOSED,
                actor=self.chief,
                outcome=CaseOutcome.WITHDRAWN,
                note=WITHDRAWAL_REASON,
            )
        self.assertEqual(raised.exception.code, "case_conflict")
        case.refresh_from_db()
        self.assertEqual(case.status, S.ORDER_ISSUED)
        self.assertEqual(case.outcome, "")
        self.assertFalse(AuditEvent.objects.filter(action="case.closed").exists())

    def test_the_same_step_twice_from_stale_copies_conflicts_the_second_time(self) -> None:
        case = make_case(self)
        first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
        case_transition(case=first, target=S.INVESTIGATING, actor=self.inspector)
        with self.assertRaises(Conflict) as raised:
            case_transition(case=second, target=S.INVESTIGATING, actor=self.inspector2)
        self.assertEqual(raised.exception.code, "case_conflict")
        self.assertEqual(AuditEvent.objects.filter(action="case.investigating").count(), 1)

    def test_an_investigation_needs_two_inspectors(self) -> None:
        case = make_case(self, co_inspector=False)
        with self.assertRaisesMessage(TransitionNotAllowed, "at least two inspectors"):
            case_transition(case=case, target=S.INVESTIGATING, actor=self.inspector)
        self.assertEqual(Case.objects.get(pk=case.pk).status, S.OPENED)

    def test_a_removed_co_inspector_no_longer_counts(self) -> None:
        case = make_case(self)
        case_inspector_remove(case=case, inspector=self.inspector2, actor=self.chief)
        with self.assertRaises(TransitionNotAllowed):
            case_transition(case=case, target=S.INVESTIGATING, actor=self.inspector)
        with self.assertRaises(TransitionNotAllowed):  # and may no longer act on the case
            case_transition(case=case, target=S.INVESTIGATING, actor=self.inspector2)

    def test_an_order_needs_its_working_days_in_range_and_runs_only_once_served(self) -> None:
        case = advance(self, make_case(self), S.INVESTIGATING)
        today = CURRENT_TIME.date()
        for days in (None, 0, 31, "10", True, 10.0):
            with self.subTest(days=days), self.assertRaises(InvalidInput) as raised:
                case_transition(
                    case=case, target=S.ORDER_ISSUED, actor=self.inspector, order_days=days
                )
            self.assertIn("order_days", raised.exception.extra["fields"])
        case = case_transition(case=case, target=S.ORDER_ISSUED, actor=self.inspector, order_days=1)
        self.assertEqual((case.order_days, case.order_issued_on), (1, today))
        self.assertIsNone(case.order_due)  # set when the order is served
        self.assertIsNone(case.order_served_on)

    def test_closing_is_blocked_while_a_claim_has_unexplained_money_outstanding(self) -> None:
        case = advance(self, make_case(self, amount="8000.00"), S.ORDER_ISSUED)
        claim = case.claims.get()
        payment_record(
            claim=claim,
            amount=claim.claimed - 1,
            paid_on=CURRENT_TIME.date(),
            payer_kind="employer",
            actor=self.inspector,
        )
        with self.assertRaises(TransitionNotAllowed) as raised:
            case_transition(case=case, target=S.CLOSING_REQUESTED, actor=self.inspector)
        self.assertEqual(raised.exception.extra["claims"], [claim.pk])
        self.assertIn("王建国", raised.exception.message)

        claim_update(claim=claim, explanation="余款已申请仲裁", actor=self.inspector)
        case = case_transition(case=case, target=S.CLOSING_REQUESTED, actor=self.inspector)
        case = case_transition(
            case=case, target=S.CLOSED, actor=self.chief, outcome=CaseOutcome.ARBITRATION_OR_COURT
        )
        self.assertEqual(case.status, S.CLOSED)
        self.assertEqual(case.closed_on, CURRENT_TIME.date())

    def test_closing_is_allowed_once_every_claim_is_paid(self) -> None:
        case = advance(self, make_case(self, amount="8000.00"), S.ORDER_ISSUED)
        claim = case.claims.get()
        payment_record(
            claim=claim,
            amount=claim.claimed,
            paid_on=CURRENT_TIME.date(),
            payer_kind="general_contractor",
            actor=self.inspector,
        )
        case = case_transition(case=case, target=S.CLOSING_REQUESTED, actor=self.inspector)
        case = case_transition(
            case=case, target=S.CLOSED, actor=self.director, outcome=CaseOutcome.PAID_IN_FULL
        )
        self.assertEqual(case.outcome, CaseOutcome.PAID_IN_FULL)

    def test_the_chief_checks_the_claims_again_when_closing(self) -> None:
        case = advance(self, make_case(self), S.CLOSING_REQUESTED)
        claim_update(claim=case.claims.get(), explanation="", actor=self.inspector)
        with self.assertRaises(TransitionNotAllowed):
            case_transition(
                case=case, target=S.CLOSED, actor=self.chief, outcome=CaseOutcome.PAID_IN_FULL
            )

    def test_closing_needs_a_lawful_outcome(self) -> None:
        case = advance(self, make_case(self), S.CLOSING_REQUESTED)
        for outcome in (None, "", "settled_privately"):
            with self.subTest(outcome=outcome), self.assertRaises(InvalidInput):
                case_transition(case=case, target=S.CLOSED, actor=self.chief, outcome=outcome)

    def test_withdrawal_closes_a_case_before_an_order(self) -> None:
        for status in (S.OPENED, S.INVESTIGATING):
            case = advance(self, make_case(self, name=f"工人{status}"), status)
            with self.subTest(status=status):
                for outcome in (CaseOutcome.PAID_IN_FULL, CaseOutcome.PENALTY):
                    with self.assertRaisesMessage(TransitionNotAllowed, "撤销立案"):
                        case_transition(
                            case=case, target=S.CLOSED, actor=self.chief, outcome=outcome
                        )
                case = case_transition(
                    case=case,
                    target=S.CLOSED,
                    actor=self.chief,
                    outcome=CaseOutcome.WITHDRAWN,
                    note=WITHDRAWAL_REASON,
                )
                self.assertEqual(case.outcome, CaseOutcome.WITHDRAWN)

    def test_no_withdrawal_once_an_order_was_issued(self) -> None:
        case = advance(self, make_case(self), S.CLOSING_REQUESTED)
        with self.assertRaisesMessage(TransitionNotAllowed, "order"):
            case_transition(
                case=case, target=S.CLOSED, actor=self.chief, outcome=CaseOutcome.WITHDRAWN
            )
        # nor after the chief sent the case back to investigation
        case = case_transition(case=case, target=S.INVESTIGATING, actor=self.chief)
        with self.assertRaisesMessage(TransitionNotAllowed, "order"):
            case_transition(
                case=case, target=S.CLOSED, actor=self.chief, outcome=CaseOutcome.WITHDRAWN
            )
        self.assertEqual(Case.objects.get(pk=case.pk).status, S.INVESTIGATING)

    def test_a_closed_case_moves_nowhere(self) -> None:
        case = advance(self, make_case(self), S.CLOSED)
        for target in S.values:
            with self.subTest(target=target), self.assertRaises(TransitionNotAllowed):
                case_transition(case=case, target=target, actor=self.chief)


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class ClosingOutcomeMoneyTests(BaseTestCase):
    def test_paid_in_full_needs_nothing_outstanding(self) -> None:
        case = advance(self, make_case(self), S.CLOSING_REQUESTED)  # owed, but explained
        for outcome in (CaseOutcome.PAID_IN_FULL, CaseOutcome.ORDER_CARRIED_OUT):
            with (
                self.subTest(outcome),
                self.assertRaisesMessage(TransitionNotAllowed, "outstanding"),
            ):
                case_transition(case=case, target=S.CLOSED, actor=self.chief, outcome=outcome)
        closed = case_transition(
            case=case, target=S.CLOSED, actor=self.chief, outcome=CaseOutcome.ARBITRATION_OR_COURT
        )
        self.assertEqual(closed.status, S.CLOSED)


@time_machine.travel(CURRENT_TIME, tick=False)
class InspectorRemovalTests(BaseTestCase):
    def test_an_investigation_keeps_two_inspectors(self) -> None:
        from qingling.cases.services import case_inspector_remove

        case = advance(self, make_case(self), S.INVESTIGATING)
        with self.assertRaises(InvalidInput):
            case_inspector_remove(case=case, inspector=self.inspector2, actor=self.chief)
        self.assertEqual(case.assignments.filter(removed_at=None).count(), 2)
