"""Bring a case to a status through the services, as people would (shared by the tests)."""

import datetime as dt
from typing import Protocol

from qingling.accounts.models import User
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import (
    case_facts_for_respondent_set,
    case_transition,
    claim_update,
)
from qingling.core import clock
from qingling.core.selectors import workdays_add

ORDER_DAYS = 10  # working days to pay, from the order's service
ORDER_UNSERVED = "order_issued_unserved"  # advance(): issue the order, do not serve it
FACTS = "经查，你单位拖欠下列劳动者工资，至今未支付。"
WITHDRAWAL_REASON = "违法行为轻微，已于立案后三日内改正"  # the chief's approval states it


class Personas(Protocol):
    """A BaseTestCase, or its class inside setUpTestData."""

    inspector: User
    chief: User


def order_due() -> dt.date:
    """The due date of an order issued and served today."""
    return workdays_add(start=clock.local_today(), days=ORDER_DAYS).date


def serve_order(test: Personas, case: Case, *, served_on: dt.date | None = None) -> Case:
    """Generate the order document and serve it directly on the respondent (today)."""
    from qingling.cases.documents import document_generate
    from qingling.cases.models import Document
    from qingling.cases.serving import ServiceDetails, service_record

    if not case.facts_for_respondent:
        case = case_facts_for_respondent_set(case=case, text=FACTS, actor=test.inspector)
    document = document_generate(case=case, kind=Document.Kind.ORDER, actor=test.inspector)
    service_record(
        document=document,
        details=ServiceDetails(
            method="direct",
            served_on=served_on or clock.local_today(),
            recipient_name="李经理",
            recipient_role="项目经理",
        ),
        actor=test.inspector,
    )
    case.refresh_from_db()
    return case


def explain_claims(test: Personas, case: Case, text: str = "已告知申请仲裁") -> None:
    for claim in case.claims.all():
        claim_update(claim=claim, explanation=text, actor=test.inspector)


def advance(test: Personas, case: Case, status: str) -> Case:
    """Move ``case`` (fresh from ``make_case``) to ``status`` the lawful way.

    opened → investigating → order issued (and served today, directly, so its due date
    runs) → closing requested → closed, with the claims explained before closing is
    asked for. ``ORDER_UNSERVED`` stops once the order is issued, before its service.
    """
    path = [
        CaseStatus.INVESTIGATING,
        CaseStatus.ORDER_ISSUED,
        CaseStatus.CLOSING_REQUESTED,
        CaseStatus.CLOSED,
    ]
    if status == CaseStatus.OPENED:
        return case
    target_status = CaseStatus.ORDER_ISSUED if status == ORDER_UNSERVED else status
    for target in path:
        if target == CaseStatus.INVESTIGATING:
            case = case_transition(case=case, target=target, actor=test.inspector)
        elif target == CaseStatus.ORDER_ISSUED:
            case = case_transition(
                case=case, target=target, actor=test.inspector, order_days=ORDER_DAYS
            )
            if status == ORDER_UNSERVED:
                return case
            case = serve_order(test, case)
        elif target == CaseStatus.CLOSING_REQUESTED:
            explain_claims(test, case)
            case = case_transition(case=case, target=target, actor=test.inspector)
        else:
            case = case_transition(
                case=case,
                target=target,
                actor=test.chief,
                outcome=CaseOutcome.ARBITRATION_OR_COURT,  # money is still owed, explained
            )
        if target == target_status:
            return case
    raise ValueError(status)
