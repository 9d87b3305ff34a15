import datetime as dt
from typing import Any

import time_machine
from django.test import override_settings

from qingling.core import clock
from qingling.core.exceptions import ApplicationError, Conflict
from qingling.core.models import AuditEvent
from qingling.sanctions.lifecycle import ReferralStatus
from qingling.sanctions.models import Referral
from qingling.sanctions.services import referral_transition
from qingling.sanctions.tests.world import (
    AFTER_DUE,
    THRESHOLDS,
    make_ordered_case,
    make_referral,
    referral_step,
)
from qingling.testing import BaseTestCase

S = ReferralStatus


@override_settings(LANGUAGE_CODE="en")
@THRESHOLDS
@time_machine.travel(AFTER_DUE, tick=False)
class ReferralTransitionTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_ordered_case(self)

    def test_walks_from_proposal_to_the_police_opening_a_case(self) -> None:
        referral = make_referral(self, self.case, status=S.ACCEPTED)
        self.assertEqual(referral.status, S.ACCEPTED)
        self.assertEqual(referral.number, "辽人社移〔2026〕1号")
        self.assertEqual(referral.send_due_at, clock.now() + dt.timedelta(hours=24))
        self.assertEqual(referral.police_officer, "王警官")
        self.assertEqual(referral.prosecutor_copied, "辽源市龙山区人民检察院")
        self.assertEqual(referral.accepted_on, clock.local_today())
        actions = list(
            AuditEvent.objects.filter(object_type="sanctions.referral").values_list(
                "action", flat=True
            )
        )
        self.assertEqual(
            actions,
            ["referral.propose", "referral.approved", "referral.sent", "referral.accepted"],
        )

    def test_walks_a_refusal_to_reconsideration_and_supervision(self) -> None:
        referral = make_referral(self, self.case, status=S.SUPERVISION)
        self.assertEqual(referral.reconsideration_due, dt.date(2026, 12, 17))
        self.assertEqual(referral.supervision_due, dt.date(2026, 12, 17))
        referral = referral_step(self, referral, S.ACCEPTED)
        self.assertEqual(referral.status, S.ACCEPTED)

    def test_only_the_director_decides(self) -> None:
        referral = make_referral(self, self.case)
        for person in (self.inspector, self.chief, self.xian):
            with self.subTest(person=person.username), self.assertRaises(ApplicationError):
                referral_transition(referral=referral, target=S.APPROVED, actor=person)

    def test_a_refusal_needs_its_reason(self) -> None:
        referral = make_referral(self, self.case)
        with self.assertRaises(ApplicationError) as caught:
            referral_transition(referral=referral, target=S.REFUSED, actor=self.director)
        self.assertIn("note", caught.exception.extra["fields"])
        referral_transition(
            referral=referral, target=S.REFUSED, actor=self.director, note="证据不足"
        )
        self.assertEqual(Referral.objects.get().decision_note, "证据不足")

    def test_sending_needs_every_attachment_of_article_6(self) -> None:
        referral = make_referral(self, self.case, status=S.APPROVED)
        with self.assertRaises(ApplicationError) as caught:
            referral_transition(
                referral=referral,
                target=S.SENT,
                actor=self.inspector,
                sent_at=clock.now(),
                police_organ="公安局",
                police_officer="王警官",
                items=["letter"],
            )
        self.assertIn("items", caught.exception.extra["fields"])

    def test_sending_after_24_hours_needs_a_reason(self) -> None:
        referral = make_referral(self, self.case, status=S.APPROVED)
        later = clock.now() + dt.timedelta(hours=30)
        details: dict[str, Any] = {
            "sent_at": later,
            "police_organ": "公安局",
            "police_officer": "王警官",
            "items": list(Referral.REQUIRED_ITEMS),
        }
        with time_machine.travel(later, tick=False):
            with self.assertRaises(ApplicationError) as caught:
                referral_transition(
                    referral=referral, target=S.SENT, actor=self.inspector, **details
                )
            self.assertIn("note", caught.exception.extra["fields"])
            referral_transition(
                referral=referral, target=S.SENT, actor=self.inspector, note="局长出差", **details
            )
        self.assertEqual(Referral.objects.get().status, S.SENT)

    def test_refuses_reconsideration_after_its_3_days(self) -> None:
        referral = make_referral(self, self.case, status=S.DECLINED)  # due 2026-12-17
        with time_machine.travel("2026-12-18 10:00 +0800", tick=False):
            with self.assertRaises(ApplicationError) as caught:
                referral_transition(
                    referral=referral,
                    target=S.RECONSIDERATION,
                    actor=self.inspector,
                    requested_on=dt.date(2026, 12, 18),
                    note="应当立案",
                )
            self.assertIn("2026-12-17", caught.exception.message)
            referral_transition(
                referral=referral,
                target=S.SUPERVISION,
                actor=self.inspector,
                requested_on=dt.date(2026, 12, 18),
                prosecutor="辽源市龙山区人民检察院",
            )
        self.assertEqual(Referral.objects.get().status, S.SUPERVISION)

    def test_refuses_a_step_the_table_lacks(self) -> None:
        referral = make_referral(self, self.case)
        with self.assertRaises(ApplicationError):
            referral_transition(referral=referral, target=S.SENT, actor=self.inspector)

    def test_two_people_moving_one_transfer_get_one_move(self) -> None:
        referral = make_referral(self, self.case)
        stale = Referral.objects.get(pk=referral.pk)
        referral_transition(referral=referral, target=S.APPROVED, actor=self.director)
        with self.assertRaises(Conflict):
            referral_transition(referral=stale, target=S.REFUSED, actor=self.director, note="否")

    def test_numbers_letters_per_year(self) -> None:
        referral_step(self, make_referral(self, self.case), S.APPROVED)
        other = make_ordered_case(self, employer_name="辽源市宏达劳务有限公司")
        second = referral_step(self, make_referral(self, other), S.APPROVED)
        self.assertEqual(second.number, "辽人社移〔2026〕2号")
