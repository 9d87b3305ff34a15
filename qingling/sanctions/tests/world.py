"""The blacklist tests' world: a case whose order to pay was left unpaid, and listings
brought to a status through the services.

Tests run at ``AFTER_DUE`` (2026-12-14, local): the case's order was issued at
``CURRENT_TIME`` (2026-11-27) to be paid by 2026-12-11.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import time_machine
from django.test import override_settings

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, Service
from qingling.cases.services import claim_add
from qingling.cases.serving import ServiceDetails, service_record
from qingling.cases.tests.steps import advance
from qingling.core import clock
from qingling.parties.demo import fake_id_number
from qingling.sanctions.lifecycle import ListingGround, ListingStatus, ReferralStatus
from qingling.sanctions.models import Listing, ListingPerson, Referral
from qingling.sanctions.services import (
    listing_defence_waive,
    listing_notice_issue,
    listing_propose,
    listing_transition,
    referral_propose,
    referral_transition,
)
from qingling.testing import CURRENT_TIME, make_case

ORDER_DUE = dt.date(2026, 12, 11)
AFTER_DUE = dt.datetime(2026, 12, 14, 2, 0, tzinfo=dt.UTC)  # 10:00 in Liaoyuan
TODAY = dt.date(2026, 12, 14)
THRESHOLDS = override_settings(
    QINGLING_CRIME_THRESHOLD_ONE_WORKER=Decimal(10000),
    QINGLING_CRIME_THRESHOLD_TEN_WORKERS=Decimal(50000),
)


def make_ordered_case(
    test: Any,  # a BaseTestCase, or its class inside setUpTestData
    *,
    amount: str = "10000.00",
    more_workers: int = 0,
    each: str = "5000.00",
    employer_name: str = "辽源市鑫盛建筑工程有限公司",
) -> Case:
    """A case in 龙山区 with an order to pay by ``ORDER_DUE``: the complainant owed
    ``amount`` and ``more_workers`` more workers owed ``each``."""
    with time_machine.travel(CURRENT_TIME, tick=False):
        case = make_case(test, amount=amount, employer_name=employer_name)
        for n in range(more_workers):
            claim_add(
                case=case,
                name=f"工人{n}",
                id_number=fake_id_number(test.rng),
                claimed=Decimal(each),
                actor=test.inspector,
            )
        case = advance(test, case, CaseStatus.ORDER_ISSUED)
    assert case.order_due == ORDER_DUE
    return case


def notice_serve(test: Any, listing: Listing, *, served_on: dt.date | None = None) -> Listing:
    """Generate the notice of intended listing and record its direct service."""
    listing = listing_notice_issue(listing=listing, actor=test.inspector)
    notice_serve_only(test, listing, served_on=served_on)
    return listing


def notice_serve_only(test: Any, listing: Listing, *, served_on: dt.date | None = None) -> None:
    """Record the direct service of the listing's notice, as the case page does."""
    assert listing.notice_document is not None
    service_record(
        document=listing.notice_document,
        details=ServiceDetails(
            method=Service.Method.DIRECT,
            served_on=served_on or clock.local_today(),
            recipient_name="王建国",
            recipient_role="法定代表人",
        ),
        actor=test.inspector,
    )


def representative(test: Any) -> list[tuple[str, str, str]]:
    """The legal representative named on the decision form (name, ID number, role)."""
    return [("王建国", fake_id_number(test.rng), ListingPerson.Role.LEGAL_REPRESENTATIVE)]


def make_listing(
    test: Any,
    case: Case,
    *,
    status: str = ListingStatus.LISTED,
    ground: str = ListingGround.THRESHOLD,
) -> Listing:
    """A listing of the case's respondent, proposed today and moved on to ``status``: the
    notice generated and served today and, to be listed today, the defence waived in
    writing, the legal representative listed with it."""
    listing = listing_propose(
        case=case,
        ground=ground,
        reason="逾期未支付一名劳动者三个月工资 10000 元",
        three_months_pay=True,
        actor=test.inspector,
    )
    if status == ListingStatus.PROPOSED:
        return listing
    if status == ListingStatus.WITHDRAWN:
        return listing_transition(
            listing=listing, target=status, actor=test.inspector, note="补充材料后再议"
        )
    listing = notice_serve(test, listing)
    listing = listing_transition(
        listing=listing, target=ListingStatus.NOTIFIED, actor=test.inspector, note="直接送达"
    )
    if status == ListingStatus.NOTIFIED:
        return listing
    listing = listing_defence_waive(
        listing=listing,
        waived_on=clock.local_today(),
        note="法定代表人签署放弃陈述申辩声明，存于案卷",
        actor=test.inspector,
    )
    return listing_transition(
        listing=listing,
        target=ListingStatus.LISTED,
        actor=test.chief,
        note="未提出陈述申辩",
        named_persons=representative(test),
    )


POLICE = "辽源市公安局龙山分局"
REFERRAL_PATHS: dict[str, tuple[str, ...]] = {
    ReferralStatus.PROPOSED: (),
    ReferralStatus.APPROVED: (ReferralStatus.APPROVED,),
    ReferralStatus.SENT: (ReferralStatus.APPROVED, ReferralStatus.SENT),
    ReferralStatus.ACCEPTED: (
        ReferralStatus.APPROVED,
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
    ),
    ReferralStatus.DECLINED: (
        ReferralStatus.APPROVED,
        ReferralStatus.SENT,
        ReferralStatus.DECLINED,
    ),
    ReferralStatus.RECONSIDERATION: (
        ReferralStatus.APPROVED,
        ReferralStatus.SENT,
        ReferralStatus.DECLINED,
        ReferralStatus.RECONSIDERATION,
    ),
    ReferralStatus.UPHELD: (
        ReferralStatus.APPROVED,
        ReferralStatus.SENT,
        ReferralStatus.DECLINED,
        ReferralStatus.RECONSIDERATION,
        ReferralStatus.UPHELD,
    ),
    ReferralStatus.SUPERVISION: (
        ReferralStatus.APPROVED,
        ReferralStatus.SENT,
        ReferralStatus.DECLINED,
        ReferralStatus.RECONSIDERATION,
        ReferralStatus.UPHELD,
        ReferralStatus.SUPERVISION,
    ),
}


def referral_step(test: Any, referral: Referral, target: str) -> Referral:
    """Take one step the lawful way, with today's dates, as the person who takes it."""
    today = clock.local_today()
    details: dict[str, Any] = {}
    actor = test.inspector
    if target in (ReferralStatus.APPROVED, ReferralStatus.REFUSED):
        actor = test.director
    elif target == ReferralStatus.SENT:
        details = {
            "sent_at": clock.now(),
            "police_organ": POLICE,
            "police_officer": "王警官",
            "items": list(Referral.REQUIRED_ITEMS),
            "prosecutor_copied": "辽源市龙山区人民检察院",
        }
    elif target == ReferralStatus.ACCEPTED:
        details = {"decided_on": today, "document": "立案决定书 龙公立〔2026〕9号"}
    elif target in (ReferralStatus.DECLINED, ReferralStatus.UPHELD):
        details = {
            "decided_on": today,
            "document": "不予立案通知书 龙公不立〔2026〕2号",
            "notice_received_on": today,
        }
    elif target == ReferralStatus.RECONSIDERATION:
        details = {"requested_on": today}
    elif target == ReferralStatus.SUPERVISION:
        details = {"requested_on": today, "prosecutor": "辽源市龙山区人民检察院"}
    return referral_transition(
        referral=referral, target=target, actor=actor, note="依法处理", **details
    )


def make_referral(test: Any, case: Case, *, status: str = ReferralStatus.PROPOSED) -> Referral:
    """A transfer of the case, proposed today by its lead inspector and moved on to
    ``status`` (one of ``REFERRAL_PATHS``)."""
    referral = referral_propose(
        case=case,
        report="经责令支付后逾期仍不支付，拖欠三个月工资 10000 元",
        three_months_pay=True,
        actor=test.inspector,
    )
    for target in REFERRAL_PATHS[status]:
        referral = referral_step(test, referral, target)
    return referral
