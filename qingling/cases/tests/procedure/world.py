"""A case whose served order went unpaid past its date, and the steps of the decision
procedure taken the lawful way (shared by the procedure tests).

Friday 27 November 2026: the order is issued and served (10 working days: due Friday
11 December). Monday 14 December: wages are still owed, so the notice goes out.
"""

import datetime as dt
from decimal import Decimal

import time_machine

from qingling.cases.decisions import proceeding_start
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, Document, Proceeding, Service
from qingling.cases.serving import ServiceDetails, service_record
from qingling.cases.tests.documents_world import build_world, use_temporary_media
from qingling.cases.tests.steps import advance
from qingling.testing import BaseTestCase

ORDER_DUE = dt.date(2026, 12, 11)
NOTICE_DAY = dt.date(2026, 12, 14)  # Monday
DEFENCE_DUE = dt.date(2026, 12, 21)  # 5 working days after the notice's service
RATE = Decimal("0.50")
FINE_KEY = "wage_54_unit"
FINE = Decimal("30000.00")


def on(day: dt.date) -> time_machine.travel:
    """10:00 local on ``day``."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.UTC), tick=False
    )


def direct(day: dt.date) -> ServiceDetails:
    return ServiceDetails(
        method="direct", served_on=day, recipient_name="李经理", recipient_role="项目经理"
    )


def serve(test: BaseTestCase, document: Document, day: dt.date) -> Service:
    return service_record(document=document, details=direct(day), actor=test.inspector)


def overdue_case(test: BaseTestCase) -> Case:
    """The documents world's case, its order served on 27 November and unpaid."""
    use_temporary_media(test)
    with on(dt.date(2026, 11, 27)):
        case = advance(test, build_world(test).case, CaseStatus.ORDER_ISSUED)
    assert case.order_due == ORDER_DUE, case.order_due
    return case


def notified(
    test: BaseTestCase,
    case: Case,
    *,
    rate: Decimal | None = RATE,
    fine_key: str = FINE_KEY,
    fine: Decimal | None = FINE,
    served: bool = True,
) -> Proceeding:
    """The notice generated (and served) on NOTICE_DAY."""
    with on(NOTICE_DAY):
        proceeding = proceeding_start(
            case=case,
            rate=rate,
            rate_reason="逾期不支付，情节一般" if rate is not None else "",
            fine_key=fine_key,
            fine_amount=fine,
            actor=test.inspector,
        )
        if served:
            serve(test, proceeding.notice, NOTICE_DAY)
    proceeding.refresh_from_db()
    return proceeding
