"""An archived case is read-only (cases.services.case_writable_check): the sanctions'
steps that act on the case — the listing's proposal, notice, defence and decision, the
evasion evidence, the transfer's proposal, steps and copy — refuse it."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import time_machine
from django.db import transaction
from django.test import override_settings

from qingling.cases.models import CaseArchive
from qingling.cases.services import CaseArchived
from qingling.core import clock
from qingling.sanctions.lifecycle import ListingGround, ListingStatus, ReferralStatus
from qingling.sanctions.models import Listing, Referral
from qingling.sanctions.services import (
    evasion_record,
    listing_defence_waive,
    listing_notice_issue,
    listing_propose,
    listing_transition,
    referral_copy_record,
    referral_propose,
    referral_transition,
)
from qingling.sanctions.tests.world import (
    AFTER_DUE,
    THRESHOLDS,
    TODAY,
    make_listing,
    make_ordered_case,
    make_referral,
)
from qingling.testing import BaseTestCase


@THRESHOLDS
@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(AFTER_DUE, tick=False)
class ArchivedCaseTests(BaseTestCase):
    def test_every_step_on_the_case_refuses_an_archived_case(self) -> None:
        case = make_ordered_case(self)
        proposed = make_listing(self, case, status=ListingStatus.PROPOSED)
        other = make_ordered_case(self, employer_name="辽源市归档建筑有限公司")
        notified = make_listing(self, other, status=ListingStatus.NOTIFIED)
        referral = make_referral(self, case, status=ReferralStatus.APPROVED)
        for archived in (case, other):
            CaseArchive.objects.create(
                case=archived,
                archived_on=TODAY,
                archived_by=self.inspector,
                retention_years=30,
                retain_until=dt.date(2056, 12, 14),
                pages=1,
                index="archives/index.docx",
                index_pdf="archives/index.pdf",
                bundle="archives/bundle.zip",
            )
        steps: dict[str, Callable[[], Any]] = {
            "listing_propose": lambda: listing_propose(
                case=case, ground=ListingGround.INCIDENT, reason="群体事件", actor=self.inspector
            ),
            "listing_notice_issue": lambda: listing_notice_issue(
                listing=proposed, actor=self.inspector
            ),
            "listing_defence_waive": lambda: listing_defence_waive(
                listing=notified, waived_on=TODAY, note="放弃", actor=self.inspector
            ),
            "listing_withdraw": lambda: listing_transition(
                listing=proposed, target=ListingStatus.WITHDRAWN, actor=self.inspector, note="x"
            ),
            "evasion_record": lambda: evasion_record(
                case=case,
                kind="absconded",
                observed_on=TODAY,
                description="人去楼空",
                actor=self.inspector,
            ),
            "referral_propose": lambda: referral_propose(
                case=other, report="逾期不付", three_months_pay=True, actor=self.inspector
            ),
            "referral_transition": lambda: referral_transition(
                referral=referral,
                target=ReferralStatus.SENT,
                actor=self.inspector,
                sent_at=clock.now(),
                police_organ="公安局",
                police_officer="王警官",
                items=list(Referral.REQUIRED_ITEMS),
            ),
            "referral_copy_record": lambda: referral_copy_record(
                referral=referral, prosecutor="检察院", copied_on=TODAY, actor=self.inspector
            ),
        }
        for name, step in steps.items():
            with self.subTest(name), self.assertRaises(CaseArchived), transaction.atomic():
                step()
        self.assertEqual(
            sorted(Listing.objects.values_list("status", flat=True)),
            [ListingStatus.NOTIFIED, ListingStatus.PROPOSED],
        )
        self.assertEqual(Referral.objects.get().status, ReferralStatus.APPROVED)
