"""Bring a case to a status through the services, as people would (shared by the tests)."""

import datetime as dt
from typing import Protocol

from qingling.accounts.models import User
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_transition, claim_update
from qingling.core import clock

ORDER_DAYS = 15


class Personas(Protocol):
    """A BaseTestCase, or its class inside setUpTestData."""

    inspector: User
    chief: User


def order_due() -> dt.date:
    return clock.local_today() + dt.timedelta(days=ORDER_DAYS)


def explain_claims(test: Personas, case: Case, text: str = "已告知申请仲裁") -> None:
    for claim in case.claims.all():
        claim_update(claim=claim, explanation=text, actor=test.inspector)


def advance(test: Personas, case: Case, status: str) -> Case:
    """Move ``case`` (fresh from ``make_case``) to ``status`` the lawful way.

    opened → investigating → order issued → closing requested → closed (order carried out),
    with the claims explained before closing is asked for.
    """
    path = [
        CaseStatus.INVESTIGATING,
        CaseStatus.ORDER_ISSUED,
        CaseStatus.CLOSING_REQUESTED,
        CaseStatus.CLOSED,
    ]
    if status == CaseStatus.OPENED:
        return case
    for target in path:
        if target == CaseStatus.INVESTIGATING:
            case = case_transition(case=case, target=target, actor=test.inspector)
        elif target == CaseStatus.ORDER_ISSUED:
            case = case_transition(
                case=case, target=target, actor=test.inspector, order_due=order_due()
            )
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
        if target == status:
            return case
    raise ValueError(status)
