from decimal import Decimal

import time_machine
from django.test import override_settings

from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case, Claim
from qingling.cases.services import case_transition, payment_record
from qingling.cases.tests.steps import explain_claims
from qingling.core.exceptions import ApplicationError, Conflict, Forbidden
from qingling.core.models import AuditEvent
from qingling.sanctions.lifecycle import ReferralStatus
from qingling.sanctions.models import Evasion
from qingling.sanctions.selectors import referral_conditions
from qingling.sanctions.services import evasion_record, referral_propose
from qingling.sanctions.tests.world import (
    AFTER_DUE,
    ORDER_DUE,
    THRESHOLDS,
    TODAY,
    make_ordered_case,
)
from qingling.testing import BaseTestCase

EN = override_settings(LANGUAGE_CODE="en")


@EN
@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
class ReferralConditionsTests(BaseTestCase):
    def test_shows_one_worker_over_the_figure_only_with_three_months_stated(self) -> None:
        case = make_ordered_case(self, amount="12000.00")
        without = referral_conditions(case=case, today=TODAY)
        with_months = referral_conditions(case=case, today=TODAY, three_months_pay=True)
        self.assertTrue(without.one_worker_amount)
        self.assertFalse(without.amount_reached)
        self.assertTrue(with_months.one_worker)
        self.assertTrue(with_months.order_unpaid)
        self.assertFalse(with_months.evasion)

    def test_counts_ten_workers_together(self) -> None:
        case = make_ordered_case(self, amount="5000.00", more_workers=9, each="5000.00")
        conditions = referral_conditions(case=case, today=TODAY)
        self.assertEqual((conditions.workers_unpaid, conditions.total_unpaid), (10, Decimal(50000)))
        self.assertTrue(conditions.ten_workers)
        self.assertFalse(conditions.one_worker_amount)

    def test_reads_what_is_still_owed_today(self) -> None:
        case = make_ordered_case(self, amount="12000.00")
        claim = Claim.objects.get(case=case)
        payment_record(
            claim=claim,
            amount=Decimal(3000),
            paid_on=TODAY,
            payer_kind="employer",
            actor=self.inspector,
        )
        conditions = referral_conditions(case=case, today=TODAY, three_months_pay=True)
        self.assertEqual(conditions.largest_unpaid, Decimal("9000.00"))
        self.assertFalse(conditions.one_worker)

    def test_shows_the_evasion_the_inspector_recorded(self) -> None:
        case = make_ordered_case(self)
        evasion_record(
            case=case,
            kind=Evasion.Kind.ABSCONDED,
            observed_on=TODAY,
            description="项目部人去楼空，电话关机",
            actor=self.inspector,
        )
        self.assertEqual(referral_conditions(case=case, today=TODAY).evasions, ("absconded",))

    def test_no_order_is_not_an_unpaid_order(self) -> None:
        case = make_ordered_case(self)
        Case.objects.filter(pk=case.pk).update(order_due=None, order_issued_on=None)
        case.refresh_from_db()
        self.assertFalse(referral_conditions(case=case, today=TODAY).order_unpaid)


@EN
@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
class ReferralProposeTests(BaseTestCase):
    def test_proposes_with_the_conditions_kept_and_the_decision_due_in_3_days(self) -> None:
        case = make_ordered_case(self)
        referral = referral_propose(
            case=case, report="拖欠三个月工资", three_months_pay=True, actor=self.inspector
        )
        self.assertEqual(referral.status, ReferralStatus.PROPOSED)
        self.assertEqual(referral.decision_due.isoformat(), "2026-12-17")  # Mon + 3 = Thu
        self.assertTrue(referral.conditions["one_worker"])
        self.assertEqual(referral.conditions["order_due"], ORDER_DUE.isoformat())
        self.assertTrue(AuditEvent.objects.filter(action="referral.propose").exists())

    def test_refuses_below_the_threshold_naming_the_rule(self) -> None:
        case = make_ordered_case(self, amount="9000.00")
        with self.assertRaises(ApplicationError) as caught:
            referral_propose(case=case, report="拖欠", three_months_pay=True, actor=self.inspector)
        self.assertEqual(caught.exception.code, "referral_conditions_not_met")
        self.assertIn("法释〔2013〕3号 Art. 3", caught.exception.message)
        self.assertIn("case", caught.exception.extra["fields"])

    def test_refuses_below_the_threshold_even_with_evasion(self) -> None:
        case = make_ordered_case(self, amount="9000.00")
        evasion_record(
            case=case,
            kind=Evasion.Kind.ASSETS,
            observed_on=TODAY,
            description="转移设备",
            actor=self.inspector,
        )
        with self.assertRaises(ApplicationError):
            referral_propose(case=case, report="拖欠", three_months_pay=True, actor=self.inspector)

    def test_refuses_one_worker_without_three_months_stated(self) -> None:
        case = make_ordered_case(self)
        with self.assertRaises(ApplicationError) as caught:
            referral_propose(case=case, report="拖欠", actor=self.inspector)
        self.assertIn("three_months_pay", caught.exception.extra["fields"])

    def test_refuses_before_the_order_date_has_passed_naming_article_4(self) -> None:
        case = make_ordered_case(self)
        with (
            time_machine.travel("2026-12-11 10:00 +0800", tick=False),  # ORDER_DUE: not past
            self.assertRaises(ApplicationError) as caught,
        ):
            referral_propose(case=case, report="拖欠", three_months_pay=True, actor=self.inspector)
        self.assertIn("Art. 4", caught.exception.message)

    def test_only_an_inspector_of_the_case_proposes(self) -> None:
        case = make_ordered_case(self)
        for person in (self.xian, self.chief, self.director, self.outsider):
            with self.subTest(person=person.username), self.assertRaises(Forbidden):
                referral_propose(case=case, report="拖欠", three_months_pay=True, actor=person)

    def test_refuses_a_second_transfer_under_way(self) -> None:
        case = make_ordered_case(self)
        referral_propose(case=case, report="拖欠", three_months_pay=True, actor=self.inspector)
        with self.assertRaises(Conflict):
            referral_propose(case=case, report="再次", three_months_pay=True, actor=self.inspector2)

    def test_refuses_a_closed_case(self) -> None:
        case = make_ordered_case(self)
        explain_claims(self, case)
        case = case_transition(case=case, target=CaseStatus.CLOSING_REQUESTED, actor=self.inspector)
        case = case_transition(
            case=case,
            target=CaseStatus.CLOSED,
            actor=self.chief,
            outcome=CaseOutcome.ARBITRATION_OR_COURT,
        )
        with self.assertRaises(ApplicationError):
            referral_propose(case=case, report="拖欠", three_months_pay=True, actor=self.inspector)
