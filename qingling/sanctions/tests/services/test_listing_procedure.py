"""The blacklist procedure of 人社部令第45号 from notice to removal: the documents, the
defence period, the persons listed, early removal, challenges, the clocks and the feed."""

import datetime as dt
import json
import tempfile
from decimal import Decimal
from pathlib import Path

import time_machine
from django.test import override_settings

from qingling.cases.documents import document_text
from qingling.cases.models import Document
from qingling.cases.services import payment_record
from qingling.core.exceptions import Conflict, InvalidInput
from qingling.sanctions.jobs import listing_clocks
from qingling.sanctions.lifecycle import ListingStatus
from qingling.sanctions.models import (
    Listing,
    ListingAlert,
    ListingChallenge,
    ListingEvent,
    ListingPerson,
)
from qingling.sanctions.selectors import blacklist_public, feed_events
from qingling.sanctions.services import (
    blacklist_feed_file_write,
    listing_challenge_decide,
    listing_challenge_record,
    listing_defence_record,
    listing_notice_issue,
    listing_transition,
)
from qingling.sanctions.tests.world import (
    AFTER_DUE,
    THRESHOLDS,
    TODAY,
    make_listing,
    make_ordered_case,
    representative,
)
from qingling.testing import BaseTestCase

S = ListingStatus
AFTER_DEFENCE = dt.date(2026, 12, 22)  # served Monday 14th: 5 working days end on the 21st


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC), tick=False
    )


def text_of(document: Document) -> str:
    with document.file.open("rb") as stored:
        return document_text(stored.read())


@THRESHOLDS
@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(AFTER_DUE, tick=False)
class ListingNoticeAndDefenceTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_ordered_case(self)

    def test_the_notice_is_a_numbered_case_document_stating_the_defence_period(self) -> None:
        listing = make_listing(self, self.case, status=S.PROPOSED)
        listing = listing_notice_issue(listing=listing, actor=self.inspector, defence_days=7)
        notice = listing.notice_document
        assert notice is not None
        self.assertEqual(
            (notice.kind, notice.number), ("listing_notice", "辽人社失信告〔2026〕1号")
        )
        self.assertEqual(notice.case_id, self.case.pk)
        text = text_of(notice)
        self.assertIn(self.case.respondent.name, text)
        self.assertIn("7个工作日", text)
        with self.assertRaises(Conflict):
            listing_notice_issue(listing=listing, actor=self.inspector)

    def test_a_defence_period_shorter_than_the_rule_is_refused(self) -> None:
        listing = make_listing(self, self.case, status=S.PROPOSED)
        with self.assertRaises(InvalidInput) as caught:
            listing_notice_issue(listing=listing, actor=self.inspector, defence_days=3)
        self.assertIn("defence_days", caught.exception.extra["fields"])
        self.assertIn("人社部令第45号", caught.exception.message)
        self.assertFalse(Document.objects.filter(kind="listing_notice").exists())

    def test_a_decision_before_the_defence_period_ends_is_refused_and_writes_nothing(self) -> None:
        listing = make_listing(self, self.case, status=S.NOTIFIED)
        self.assertEqual(listing.defence_ends_on, dt.date(2026, 12, 21))
        for day in (TODAY, dt.date(2026, 12, 21)):
            with self.subTest(day=day), at(day), self.assertRaises(InvalidInput) as caught:
                listing_transition(
                    listing=listing,
                    target=S.LISTED,
                    actor=self.chief,
                    named_persons=representative(self),
                )
            self.assertIn("defence_ends_on", caught.exception.extra["fields"])
            self.assertIn("人社部令第45号", caught.exception.message)
        self.assertEqual(Listing.objects.get().status, S.NOTIFIED)
        self.assertFalse(ListingPerson.objects.exists())
        self.assertFalse(Document.objects.filter(kind="listing_decision").exists())
        self.assertFalse(ListingEvent.objects.exists())

    def test_a_listing_with_no_legal_representative_or_principal_is_refused(self) -> None:
        listing = make_listing(self, self.case, status=S.NOTIFIED)
        controller = [("赵实控", representative(self)[0][1], ListingPerson.Role.CONTROLLER)]
        for named in ([], controller):
            with self.subTest(named=named), at(AFTER_DEFENCE):
                with self.assertRaises(InvalidInput) as caught:
                    listing_transition(
                        listing=listing, target=S.LISTED, actor=self.chief, named_persons=named
                    )
                self.assertIn("persons", caught.exception.extra["fields"])
                self.assertIn("人社部令第45号 Art. 5", caught.exception.message)
        self.assertEqual(Listing.objects.get().status, S.NOTIFIED)
        self.assertFalse(ListingPerson.objects.exists())

    def test_a_person_without_an_id_number_is_refused_and_no_one_is_registered(self) -> None:
        listing = make_listing(self, self.case, status=S.NOTIFIED)
        with at(AFTER_DEFENCE), self.assertRaises(InvalidInput) as caught:
            listing_transition(
                listing=listing,
                target=S.LISTED,
                actor=self.chief,
                named_persons=[("王建国", "", ListingPerson.Role.LEGAL_REPRESENTATIVE)],
            )
        self.assertIn("persons", caught.exception.extra["fields"])

    def test_the_defence_is_answered_once_and_the_decision_says_so(self) -> None:
        listing = make_listing(self, self.case, status=S.NOTIFIED)
        with self.assertRaises(InvalidInput) as caught:
            listing_defence_record(
                listing=listing,
                received_on=TODAY,
                statement="资金周转困难",
                adopted=False,
                answer=" ",
                actor=self.inspector,
            )
        self.assertIn("answer", caught.exception.extra["fields"])
        listing = listing_defence_record(
            listing=listing,
            received_on=TODAY,
            statement="资金周转困难",
            adopted=False,
            answer="资金困难不是不支付工资的正当理由",
            actor=self.inspector,
        )
        with self.assertRaises(Conflict):
            listing_defence_record(
                listing=listing,
                received_on=TODAY,
                statement="再次申辩",
                adopted=True,
                answer="x",
                actor=self.inspector,
            )
        with at(AFTER_DEFENCE):
            listing = listing_transition(
                listing=listing,
                target=S.LISTED,
                actor=self.chief,
                named_persons=representative(self),
            )
        decision = listing.decision_document
        assert decision is not None
        self.assertEqual((decision.kind, decision.number), ("listing_decision", listing.number))
        text = text_of(decision)
        self.assertIn("不予采纳", text)
        self.assertIn("资金困难不是不支付工资的正当理由", text)
        self.assertIn("王建国", text)
        self.assertIn("法定代表人", text)
        person = listing.listed_persons.get().person
        self.assertIn(person.id_number_masked, text)

    def test_a_defence_adopted_leads_to_a_withdrawal_not_a_listing(self) -> None:
        listing = make_listing(self, self.case, status=S.NOTIFIED)
        listing = listing_defence_record(
            listing=listing,
            received_on=TODAY,
            statement="已于期限内支付，有银行回单",
            adopted=True,
            answer="经核实属实",
            actor=self.inspector,
        )
        with at(AFTER_DEFENCE), self.assertRaises(InvalidInput) as caught:
            listing_transition(
                listing=listing,
                target=S.LISTED,
                actor=self.chief,
                named_persons=representative(self),
            )
        self.assertIn("defence_adopted", caught.exception.extra["fields"])


@THRESHOLDS
@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(AFTER_DUE, tick=False)
class ListingRemovalAndFeedTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_ordered_case(self)
        self.listing = make_listing(self, self.case)  # listed 2026-12-14

    def repay(self) -> None:
        payment_record(
            claim=self.case.claims.get(),
            amount=Decimal("10000.00"),
            paid_on=TODAY,
            payer_kind="employer",
            actor=self.inspector,
        )

    def test_the_decision_publishes_and_shares_the_listing(self) -> None:
        self.assertIn(self.listing, blacklist_public(today=TODAY))
        [line] = feed_events()
        self.assertEqual(line.event, "listed")
        self.assertEqual(line.payload["decision_number"], self.listing.number)
        self.assertEqual(line.payload["credit_code"], self.case.respondent.credit_code)
        [person] = line.payload["persons"]
        self.assertEqual(person["role"], "legal_representative")
        self.assertIn("*", person["id_number_masked"])

    def test_early_removal_before_six_months_on_the_list_is_refused(self) -> None:
        self.repay()
        with at(dt.date(2027, 6, 13)), self.assertRaises(InvalidInput) as caught:
            listing_transition(
                listing=self.listing,
                target=S.REMOVED,
                actor=self.chief,
                repaid_on=TODAY,
                commitment_note="守信承诺书",
            )
        self.assertIn("repaid_on", caught.exception.extra["fields"])
        self.assertIn("人社部令第45号", caught.exception.message)
        self.assertEqual(Listing.objects.get().status, S.LISTED)
        self.assertFalse(Document.objects.filter(kind="listing_removal").exists())

    def test_early_removal_has_its_decision_and_leaves_the_list_and_the_feed_that_day(
        self,
    ) -> None:
        self.repay()
        cursor = feed_events()[-1].pk
        day = dt.date(2027, 6, 14)
        with at(day):
            listing = listing_transition(
                listing=self.listing,
                target=S.REMOVED,
                actor=self.chief,
                repaid_on=TODAY,
                commitment_note="守信承诺书 2027-06-01，存于案卷",
            )
        self.assertEqual((listing.removal, listing.removed_on), ("early", day))
        removal = listing.removal_document
        assert removal is not None
        self.assertEqual(removal.number, "辽人社失信移〔2027〕1号")
        self.assertIn(listing.number, text_of(removal))
        self.assertNotIn(listing, blacklist_public(today=day))
        [line] = feed_events(after=cursor)
        self.assertEqual((line.event, line.occurred_on), ("removed", day))
        self.assertEqual(line.payload["reason"], "early")
        self.assertEqual(line.payload["removal_document"], removal.number)

    def test_the_daily_file_holds_the_days_lines_as_json(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = blacklist_feed_file_write(day=TODAY, directory=Path(folder))
            lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            self.assertEqual(path.name, "blacklist-2026-12-14.jsonl")
            self.assertEqual([line["event"] for line in lines], ["listed"])
            self.assertEqual(lines[0]["name"], self.case.respondent.name)
            empty = blacklist_feed_file_write(
                day=TODAY + dt.timedelta(days=1), directory=Path(folder)
            )
            self.assertEqual(empty.read_text(encoding="utf-8"), "")

    def test_a_challenge_is_recorded_once_and_a_revocation_removes_the_listing(self) -> None:
        challenge = listing_challenge_record(
            listing=self.listing,
            kind="review",
            filed_on=TODAY,
            body="辽源市人民政府",
            actor=self.inspector,
        )
        with self.assertRaises(Conflict) as caught:
            listing_challenge_record(
                listing=self.listing,
                kind="review",
                filed_on=TODAY,
                body="辽源市人民政府",
                actor=self.inspector,
            )
        self.assertEqual(caught.exception.code, "listing_challenge_exists")
        self.assertEqual(ListingChallenge.objects.count(), 1)
        with at(dt.date(2027, 2, 1)):
            listing_challenge_decide(
                challenge=challenge,
                outcome="revoked",
                decided_on=dt.date(2027, 2, 1),
                document="辽源市人民政府行政复议决定书 辽府复〔2027〕3号",
                actor=self.chief,
            )
            with self.assertRaises(Conflict):
                listing_challenge_decide(
                    challenge=challenge,
                    outcome="upheld",
                    decided_on=dt.date(2027, 2, 1),
                    document="x",
                    actor=self.chief,
                )
        listing = Listing.objects.get()
        self.assertEqual((listing.status, listing.removal), (S.REMOVED, "revoked"))
        self.assertEqual(feed_events()[-1].payload["reason"], "revoked")

    def test_an_upheld_listing_stays(self) -> None:
        challenge = listing_challenge_record(
            listing=self.listing,
            kind="suit",
            filed_on=TODAY,
            body="龙山区人民法院",
            actor=self.inspector,
        )
        listing_challenge_decide(
            challenge=challenge,
            outcome="upheld",
            decided_on=TODAY,
            document="判决书",
            actor=self.chief,
        )
        self.assertEqual(Listing.objects.get().status, S.LISTED)


@THRESHOLDS
class ListingClocksTests(BaseTestCase):
    def alerts(self) -> list[tuple[str, str]]:
        return sorted(ListingAlert.objects.values_list("clock", "level"))

    def test_the_defence_period_skips_new_years_day_and_the_weekend(self) -> None:
        case = make_ordered_case(self)
        with at(dt.date(2026, 12, 29)):  # Tuesday: 30, 31 Dec; 1 Jan holiday; 4, 5, 6 Jan
            listing = make_listing(self, case, status=S.NOTIFIED)
        self.assertEqual(listing.defence_ends_on, dt.date(2027, 1, 6))
        self.assertTrue(listing.defence_ends_provisional)  # 2027's schedule is not loaded
        with at(dt.date(2027, 1, 6)), self.assertRaises(InvalidInput):
            listing_transition(
                listing=listing,
                target=S.LISTED,
                actor=self.chief,
                named_persons=representative(self),
            )

    def test_the_defence_clock_warns_the_day_before_and_notes_its_end_once(self) -> None:
        case = make_ordered_case(self)
        with at(TODAY):
            listing = make_listing(self, case, status=S.NOTIFIED)
        self.assertEqual(listing.defence_ends_on, dt.date(2026, 12, 21))
        with at(dt.date(2026, 12, 18)):
            listing_clocks()
        self.assertEqual(self.alerts(), [])
        with at(dt.date(2026, 12, 20)):
            listing_clocks()
            listing_clocks()
        self.assertEqual(self.alerts(), [("defence", "warning")])
        with at(dt.date(2026, 12, 22)):
            listing_clocks()
        self.assertEqual(self.alerts(), [("defence", "due"), ("defence", "warning")])

    def test_the_term_warns_before_its_end_and_the_listing_expires_after_it(self) -> None:
        from qingling.sanctions.jobs import listings_expire

        case = make_ordered_case(self)
        with at(TODAY):
            listing = make_listing(self, case)
        with at(dt.date(2029, 11, 15)):
            listing_clocks()
        self.assertIn(("term", "warning"), self.alerts())
        with at(dt.date(2029, 12, 15)):
            listings_expire()
        listing.refresh_from_db()
        self.assertEqual((listing.status, listing.removal), (S.REMOVED, "expired"))
        self.assertEqual(ListingEvent.objects.last().event, "removed")  # type: ignore[union-attr]
