import datetime as dt
from decimal import Decimal
from typing import Any

import time_machine
from django.test import override_settings

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_transition, payment_record
from qingling.cases.tests.steps import ORDER_UNSERVED, advance, explain_claims
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.parties.models import Organization
from qingling.sanctions.lifecycle import ListingGround, ListingStatus
from qingling.sanctions.models import Listing, ListingPerson
from qingling.sanctions.services import listing_propose
from qingling.sanctions.tests.world import AFTER_DUE, THRESHOLDS, TODAY, make_ordered_case
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case, make_organization, make_person

THRESHOLD = ListingGround.THRESHOLD
INCIDENT = ListingGround.INCIDENT


@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
@override_settings(LANGUAGE_CODE="en")
class ListingProposeTests(BaseTestCase):
    case: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = make_ordered_case(cls)  # one worker owed 10,000 after the order's date

    def propose(self, case: Case | None = None, **kwargs: object) -> Listing:
        values: dict[str, object] = {
            "ground": THRESHOLD,
            "reason": "逾期未支付",
            "three_months_pay": True,
            "actor": self.inspector,
        }
        values.update(kwargs)
        return listing_propose(case=case or self.case, **values)  # type: ignore[arg-type]

    def assert_refused(self, field: str, text: str, **kwargs: Any) -> None:
        with self.assertRaises(InvalidInput) as caught:
            self.propose(**kwargs)
        self.assertIn(field, caught.exception.extra["fields"])
        self.assertIn(text, caught.exception.message)
        self.assertFalse(Listing.objects.exists())

    def test_proposes_the_respondent_of_a_case_unpaid_after_its_order(self) -> None:
        listing = self.propose()
        self.assertEqual(listing.status, ListingStatus.PROPOSED)
        self.assertEqual(listing.organization_id, self.case.respondent_id)
        self.assertEqual(listing.proposed_on, TODAY)
        self.assertEqual(listing.number, "")
        event = AuditEvent.objects.get(action="listing.propose")
        self.assertEqual(event.object_id, str(listing.pk))
        self.assertEqual((event.after or {})["unpaid_total"], "10000.00")

    def test_refuses_a_case_without_an_order_to_pay(self) -> None:
        with time_machine.travel(CURRENT_TIME, tick=False):
            case = make_case(self, employer_name="辽源市无指令建筑有限公司")
        with self.assertRaises(InvalidInput) as caught:
            self.propose(case)
        self.assertEqual(list(caught.exception.extra["fields"]), ["case"])
        self.assertIn("no order to pay", caught.exception.message)

    def test_refuses_an_issued_order_not_served_yet_saying_so(self) -> None:
        with time_machine.travel(CURRENT_TIME, tick=False):
            case = advance(
                self, make_case(self, employer_name="辽源市未送达建筑有限公司"), ORDER_UNSERVED
            )
        with self.assertRaises(InvalidInput) as caught:
            self.propose(case)
        self.assertEqual(list(caught.exception.extra["fields"]), ["case"])
        self.assertIn("has not been served yet", caught.exception.message)
        self.assertNotIn("no order", caught.exception.message)
        self.assertFalse(Listing.objects.exists())

    def test_refuses_an_order_not_yet_due(self) -> None:
        last_hour = dt.datetime(2026, 12, 11, 15, 0, tzinfo=dt.UTC)  # 23:00 in Liaoyuan
        with time_machine.travel(last_hour, tick=False), self.assertRaises(InvalidInput) as caught:
            self.propose()
        self.assertEqual(list(caught.exception.extra["fields"]), ["case"])
        self.assertIn("2026-12-11", caught.exception.message)

    def test_refuses_an_order_paid_by_its_date(self) -> None:
        claim = self.case.claims.get()
        payment_record(
            claim=claim,
            amount=Decimal("10000.00"),
            paid_on=dt.date(2026, 12, 11),
            payer_kind="employer",
            actor=self.inspector,
        )
        self.assert_refused("case", "was paid by the order's date")

    def test_a_payment_after_the_order_date_does_not_undo_the_default(self) -> None:
        payment_record(
            claim=self.case.claims.get(),
            amount=Decimal("10000.00"),
            paid_on=TODAY,
            payer_kind="employer",
            actor=self.inspector,
        )
        self.assertEqual(self.propose().status, ListingStatus.PROPOSED)

    def test_refuses_the_threshold_ground_below_the_per_worker_figure(self) -> None:
        case = make_ordered_case(self, amount="9999.99", employer_name="辽源市差一分建筑有限公司")
        with self.assertRaises(InvalidInput) as caught:
            self.propose(case)
        self.assertEqual(list(caught.exception.extra["fields"]), ["ground"])
        self.assertIn("do not reach the crime threshold", caught.exception.message)
        self.assertIn("9999.99", caught.exception.message)
        self.assertEqual(self.propose(case, ground=INCIDENT).ground, INCIDENT)

    def test_one_worker_needs_three_months_pay_stated_naming_the_rule(self) -> None:
        self.assert_refused(
            "three_months_pay", "法释〔2013〕3号 Art. 3 (1)", three_months_pay=False
        )
        self.assertTrue(self.propose().three_months_pay)

    def test_ten_workers_reach_the_cumulative_figure(self) -> None:
        case = make_ordered_case(
            self, amount="5000.00", more_workers=9, employer_name="辽源市十人建筑有限公司"
        )
        self.assertEqual(self.propose(case).status, ListingStatus.PROPOSED)

    def test_nine_workers_do_not_reach_the_cumulative_figure(self) -> None:
        case = make_ordered_case(
            self, amount="9000.00", more_workers=8, each="9000.00", employer_name="辽源市九人公司"
        )
        with self.assertRaises(InvalidInput) as caught:
            self.propose(case)
        self.assertIn("9 workers", caught.exception.message)

    def test_requires_a_written_reason_and_a_ground(self) -> None:
        self.assert_refused("reason", "reason", reason="  ")
        self.assert_refused("ground", "ground", ground="rumour")

    def test_lists_another_party_of_the_project_only(self) -> None:
        stranger = make_organization(self.rng, name="辽源市无关公司")
        self.assert_refused("organization", stranger.name, organization=stranger)

    def test_records_the_persons_listed_with_it(self) -> None:
        boss = make_person(self.rng, name="赵老板")
        listing = self.propose(persons=[(boss, ListingPerson.Role.LEGAL_REPRESENTATIVE)])
        self.assertEqual(list(listing.persons.all()), [boss])

    def test_refuses_a_second_live_entry_for_the_same_case(self) -> None:
        self.propose()
        with self.assertRaises(Conflict) as caught:
            self.propose(actor=self.chief)
        self.assertEqual(caught.exception.code, "listing_duplicate")
        self.assertEqual(Listing.objects.count(), 1)

    def test_a_closed_case_can_still_be_listed(self) -> None:
        case = self.case
        explain_claims(self, case)
        case = case_transition(case=case, target=CaseStatus.CLOSING_REQUESTED, actor=self.inspector)
        case_transition(
            case=case, target=CaseStatus.CLOSED, actor=self.chief, outcome="arbitration_or_court"
        )
        self.assertEqual(self.propose().status, ListingStatus.PROPOSED)

    def test_refuses_those_who_may_not_propose(self) -> None:
        for user in (self.outsider, self.intake, self.employment, self.xian, self.director, None):
            with self.subTest(user=str(user)), self.assertRaises(Forbidden):
                self.propose(actor=user)
        self.assertFalse(Listing.objects.exists())
        self.assertEqual(Organization.objects.filter(listings__isnull=False).count(), 0)
