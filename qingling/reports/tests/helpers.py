"""Cases for the ledger tests, opened through the services."""

import datetime as dt
import itertools
from decimal import Decimal

from qingling.accounts.models import User
from qingling.cases.models import Case, Claim
from qingling.cases.services import case_open, claim_update, payment_record
from qingling.core.models import Division
from qingling.testing import BaseTestCase, make_accepted_complaint, make_organization

_phones = itertools.count(10000)


def open_case(
    test: BaseTestCase,
    *,
    division: Division | None = None,
    lead: User | None = None,
    co: list[User] | None = None,
    opened_on: dt.date = dt.date(2026, 11, 2),
    amount: str = "10000.00",
    respondent: str = "辽源市鑫盛建筑工程有限公司",
) -> Case:
    division = division or test.longshan
    complaint = make_accepted_complaint(
        division_code=division.code,
        phone=f"138437{next(_phones):05d}",
        employer_name=respondent,
        amount=amount,
    )
    return case_open(
        complaints=[complaint],
        respondent=make_organization(test.rng, name=respondent),
        division=division,
        lead=lead or test.inspector,
        co_inspectors=[test.inspector2] if co is None else co,
        opened_on=opened_on,
        actor=test.chief,
    )


def pay(test: BaseTestCase, case: Case, amount: str, *, verified: str | None = None) -> Claim:
    claim = case.claims.get()
    if verified is not None:
        claim = claim_update(
            claim=claim,
            verified=Decimal(verified),
            verified_reason="按考勤表和工资表核定",
            actor=test.inspector,
        )
    payment_record(
        claim=claim,
        amount=Decimal(amount),
        paid_on=dt.date(2026, 11, 20),
        payer_kind="employer",
        actor=test.chief,
    )
    claim.refresh_from_db()
    return claim
