import datetime as dt
from decimal import Decimal
from typing import Any

import time_machine
from django.test import override_settings

from qingling.cases.models import Case
from qingling.cases.services import payment_record
from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.models import AuditEvent
from qingling.sanctions.lifecycle import ListingStatus
from qingling.sanctions.models import Listing
from qingling.sanctions.services import (
    TransitionNotAllowed,
    listing_notice_issue,
    listing_transition,
)
from qingling.sanctions.tests.world import (
    AFTER_DUE,
    THRESHOLDS,
    TODAY,
    make_listing,
    make_ordered_case,
    notice_serve,
    representative,
)
from qingling.testing import BaseTestCase

S = ListingStatus


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC), tick=False
    )


@THRESHOLDS
@override_settings(QINGLING_LISTING_NUMBER_FORMAT="辽人社失信〔{year}〕{seq}号")
@time_machine.travel(AFTER_DUE, tick=False)
class ListingTransitionTests(BaseTestCase):
    case: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = make_ordered_case(cls)

    def test_goes_from_proposal_through_notice_to_a_numbered_three_year_listing(self) -> None:
        listing = make_listing(self, self.case, status=S.PROPOSED)
        listing = notice_serve(self, listing)
        listing = listing_transition(
            listing=listing, target=S.NOTIFIED, actor=self.inspector, note="法定代表人签收"
        )
        self.assertEqual((listing.status, listing.notice_served_on), (S.NOTIFIED, TODAY))
        self.assertEqual(listing.defence_ends_on, dt.date(2026, 12, 21))  # 5 working days
        with at(dt.date(2026, 12, 22)):
            listing = listing_transition(
                listing=listing,
                target=S.LISTED,
                actor=self.chief,
                note="未提出陈述申辩",
                named_persons=representative(self),
            )
        self.assertEqual(listing.status, S.LISTED)
        self.assertEqual(listing.number, "辽人社失信〔2026〕1号")
        self.assertEqual(
            (listing.listed_on, listing.ends_on), (dt.date(2026, 12, 22), dt.date(2029, 12, 22))
        )
        self.assertEqual(listing.decided_by_id, self.chief.pk)
        self.assertEqual(listing.defence_note, "未提出陈述申辩")
        self.assertCountEqual(
            AuditEvent.objects.filter(object_type="sanctions.listing").values_list(
                "action", flat=True
            ),
            [
                "listing.propose",
                "listing.document",
                "listing.notified",
                "listing.listed",
                "listing.document",
            ],
        )

    def test_numbers_decisions_in_sequence(self) -> None:
        other = make_ordered_case(self, employer_name="辽源市另一家建筑有限公司")
        first = make_listing(self, self.case)
        second = make_listing(self, other)
        self.assertEqual(first.number, "辽人社失信〔2026〕1号")
        self.assertEqual(second.number, "辽人社失信〔2026〕2号")

    def test_a_listing_decided_on_29_february_ends_on_28_february(self) -> None:
        listing = make_listing(self, self.case, status=S.NOTIFIED)
        with at(dt.date(2028, 2, 29)):
            listing = listing_transition(
                listing=listing,
                target=S.LISTED,
                actor=self.chief,
                named_persons=representative(self),
            )
        self.assertEqual(
            (listing.listed_on, listing.ends_on), (dt.date(2028, 2, 29), dt.date(2031, 2, 28))
        )
        self.assertEqual(listing.number, "辽人社失信〔2028〕1号")

    def test_two_chiefs_deciding_at_once_list_it_once(self) -> None:
        listing = make_listing(self, self.case, status=S.NOTIFIED)
        stale = Listing.objects.select_related("case").get(pk=listing.pk)
        persons = representative(self)
        with at(dt.date(2026, 12, 22)):
            listing_transition(
                listing=listing, target=S.LISTED, actor=self.chief, named_persons=persons
            )
            with self.assertRaises(Conflict) as caught:
                listing_transition(
                    listing=stale, target=S.LISTED, actor=self.director, named_persons=persons
                )
        self.assertEqual(caught.exception.code, "listing_conflict")
        self.assertEqual(AuditEvent.objects.filter(action="listing.listed").count(), 1)
        self.assertEqual(Listing.objects.get().number, "辽人社失信〔2026〕1号")

    def test_only_a_chief_of_the_area_decides(self) -> None:
        listing = make_listing(self, self.case, status=S.NOTIFIED)
        for user in (self.inspector, self.xian, self.intake, self.outsider):
            with self.subTest(user=str(user)), self.assertRaises(TransitionNotAllowed):
                listing_transition(listing=listing, target=S.LISTED, actor=user)
        self.assertEqual(Listing.objects.get().status, S.NOTIFIED)

    def test_cannot_list_without_the_notice(self) -> None:
        listing = make_listing(self, self.case, status=S.PROPOSED)
        with self.assertRaises(TransitionNotAllowed):
            listing_transition(listing=listing, target=S.LISTED, actor=self.chief)

    def test_the_defence_period_starts_only_from_a_served_notice(self) -> None:
        listing = make_listing(self, self.case, status=S.PROPOSED)
        with self.assertRaises(InvalidInput) as caught:
            listing_transition(listing=listing, target=S.NOTIFIED, actor=self.inspector)
        self.assertIn("notice_document", caught.exception.extra["fields"])
        listing = listing_notice_issue(listing=listing, actor=self.inspector)
        with self.assertRaises(InvalidInput) as caught:
            listing_transition(listing=listing, target=S.NOTIFIED, actor=self.inspector)
        self.assertIn("notice_document", caught.exception.extra["fields"])
        self.assertIn("人社部令第45号", caught.exception.message)
        self.assertEqual(Listing.objects.get().status, S.PROPOSED)

    def test_a_proposal_is_withdrawn_with_a_reason_and_may_be_proposed_again(self) -> None:
        listing = make_listing(self, self.case, status=S.NOTIFIED)
        with self.assertRaises(InvalidInput):
            listing_transition(listing=listing, target=S.WITHDRAWN, actor=self.chief, note=" ")
        listing = listing_transition(
            listing=listing, target=S.WITHDRAWN, actor=self.chief, note="已足额支付"
        )
        self.assertEqual((listing.status, listing.withdrawal_reason), (S.WITHDRAWN, "已足额支付"))
        self.assertEqual(make_listing(self, self.case, status=S.PROPOSED).status, S.PROPOSED)

    def test_a_decided_listing_cannot_be_withdrawn(self) -> None:
        listing = make_listing(self, self.case)
        with self.assertRaises(TransitionNotAllowed):
            listing_transition(listing=listing, target=S.WITHDRAWN, actor=self.chief, note="撤回")

    def test_the_system_removes_only_after_the_term(self) -> None:
        listing = make_listing(self, self.case)
        with at(dt.date(2029, 12, 14)), self.assertRaises(TransitionNotAllowed):
            listing_transition(listing=listing, target=S.REMOVED, actor=None)
        with at(dt.date(2029, 12, 15)):
            listing = listing_transition(listing=listing, target=S.REMOVED, actor=None)
        self.assertEqual((listing.removal, listing.removed_on), ("expired", dt.date(2029, 12, 15)))


@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
@override_settings(LANGUAGE_CODE="en")
class EarlyRemovalTests(BaseTestCase):
    listing: Listing

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        case = make_ordered_case(cls)
        cls.listing = make_listing(cls, case)  # listed 2026-12-14

    def repay(self, day: dt.date = dt.date(2026, 12, 15)) -> None:
        with at(day):
            payment_record(
                claim=self.listing.case.claims.get(),
                amount=Decimal("10000.00"),
                paid_on=day,
                payer_kind="employer",
                actor=self.inspector,
            )

    def remove(self, **details: Any) -> Listing:
        values: dict[str, Any] = {
            "repaid_on": dt.date(2026, 12, 15),
            "commitment_note": "守信承诺书 2027-06-01，存于案卷",
        }
        values.update(details)
        return listing_transition(
            listing=self.listing, target=S.REMOVED, actor=self.chief, **values
        )

    def assert_refused(self, field: str, text: str, **details: Any) -> None:
        with self.assertRaises(InvalidInput) as caught:
            self.remove(**details)
        self.assertIn(field, caught.exception.extra["fields"])
        self.assertIn(text, caught.exception.message)
        self.assertEqual(Listing.objects.get().status, S.LISTED)

    def test_removes_six_months_after_repayment_with_a_commitment(self) -> None:
        self.repay()
        with at(dt.date(2027, 6, 15)):
            listing = self.remove()
        self.assertEqual((listing.status, listing.removal), (S.REMOVED, "early"))
        self.assertEqual(listing.repaid_on, dt.date(2026, 12, 15))
        self.assertIn("守信承诺书", listing.commitment_note)

    def test_refuses_before_six_months(self) -> None:
        self.repay()
        with at(dt.date(2027, 6, 14)):
            self.assert_refused("repaid_on", "2027-06-15")

    def test_refuses_while_wages_are_outstanding(self) -> None:
        with at(dt.date(2027, 7, 1)):
            self.assert_refused("repaid_on", "still outstanding")

    def test_refuses_a_repayment_date_before_the_last_payment(self) -> None:
        self.repay(dt.date(2027, 1, 10))
        with at(dt.date(2027, 8, 1)):
            self.assert_refused("repaid_on", "2027-01-10")

    def test_refuses_without_the_written_commitment(self) -> None:
        self.repay()
        with at(dt.date(2027, 6, 15)):
            self.assert_refused("commitment_note", "守信承诺书", commitment_note="  ")

    def test_only_a_chief_approves(self) -> None:
        self.repay()
        with at(dt.date(2027, 6, 15)), self.assertRaises(TransitionNotAllowed):
            listing_transition(
                listing=self.listing,
                target=S.REMOVED,
                actor=self.inspector,
                repaid_on=dt.date(2026, 12, 15),
                commitment_note="承诺书",
            )
