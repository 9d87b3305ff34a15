"""A month of records built through the services, around the period 2026-03-02 … 2026-03-31
(local dates, Asia/Shanghai), with records just outside it on both sides.

Every instant below is local time; ``at`` travels there so that the services stamp
their own times (received, decided, replied, opened, closed, paid).
"""

import datetime as dt
import itertools
import zoneinfo
from decimal import Decimal
from typing import Any, ClassVar

import time_machine

from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import (
    case_open,
    case_transition,
    claim_add,
    claim_update,
    payment_record,
)
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.models import Complaint
from qingling.intake.services import (
    complaint_accept,
    complaint_decline,
    complaint_join,
    complaint_refer,
    complaint_register,
    complaint_reply_record,
)
from qingling.testing import BaseTestCase, make_organization

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
START = dt.date(2026, 3, 2)
END = dt.date(2026, 3, 31)
NOW = "2026-04-15 10:00"  # when the tests read the figures, after the period
_phones = itertools.count(20000)


def local(when: str) -> dt.datetime:
    return dt.datetime.fromisoformat(when).replace(tzinfo=SHANGHAI)


def at(when: str) -> Any:
    return time_machine.travel(local(when), tick=False)


def register(
    channel: str, when: str, *, division: str = "220402", name: str = "", phone: str = ""
) -> Complaint:
    with at(when):
        return complaint_register(
            draft=ComplaintDraft(
                name=name or "李四",
                phone=phone or f"139437{next(_phones):05d}",
                employer_name="辽源市鑫盛建筑工程有限公司",
                division_code=division,
                amount=Decimal("10000.00"),
            ),
            channel=channel,
            actor=None,
        ).complaint


def open_case(
    test: type[BaseTestCase],
    when: str,
    *,
    amount: str = "10000.00",
    name: str = "王建国",
    phone: str = "",
) -> Case:
    with at(when):
        complaint = complaint_register(
            draft=ComplaintDraft(
                name=name,
                phone=phone or f"138437{next(_phones):05d}",
                employer_name="辽源市鑫盛建筑工程有限公司",
                division_code="220402",
                amount=Decimal(amount),
            ),
            channel="walk_in",
            actor=None,
        ).complaint
        complaint = complaint_accept(complaint=complaint, actor=test.chief)
        return case_open(
            complaints=[complaint],
            respondent=make_organization(test.rng, name=f"辽源市{next(_phones)}号建筑有限公司"),
            division=test.longshan,
            lead=test.inspector,
            co_inspectors=[test.inspector2],
            actor=test.chief,
        )


def withdraw(test: type[BaseTestCase], case: Case, when: str) -> Case:
    with at(when):
        return case_transition(
            case=case,
            target=CaseStatus.CLOSED,
            outcome=CaseOutcome.WITHDRAWN,
            note="违法行为轻微，已改正",  # the approval's reason
            actor=test.chief,
        )


def pay(test: type[BaseTestCase], claim: Any, amount: str, paid_on: str) -> None:
    with at(f"{paid_on} 16:00"):
        payment_record(
            claim=claim,
            amount=Decimal(amount),
            paid_on=dt.date.fromisoformat(paid_on),
            payer_kind="employer",
            actor=test.inspector,
        )


class StatisticsWorld(BaseTestCase):
    """The records; the expected figures for START … END are in ``EXPECTED``."""

    complaints: dict[str, Complaint]
    cases: dict[str, Case]

    EXPECTED: ClassVar[dict[str, Any]] = {
        "complaints_received": {
            "web": 0,
            "walk_in": 3,  # the one at 00:10 on the first day, and those of cases y and z
            "12333": 1,
            "12345": 1,
            "national_platform": 1,
            "letter": 1,  # at 23:59 on the last day
            "inspection": 0,
            "monitoring": 0,
        },
        "hotline_replies": 2,  # the 12345 received in February and answered in March counts
        "transfer_orders_handled": 1,
        # day_before (received before, decided in the period), first_day, the joined one,
        # and the complaints of cases y and z
        "complaints_accepted": 5,
        "complaints_not_accepted": 2,  # declined and referred
        "complaints_overdue": 1,  # the transfer order: due on the 11th, referred on the 20th
        "cases_opened": 2,  # y and z
        "cases_closed": 1,  # x, opened in February
        "workers_paid": 2,  # 王建国 (in y and z: one person) and 赵六
        "amount_recovered": "6500.00",
        "cases_outstanding": 2,  # y, and z (closed only after the period)
        # x 9000 (closed, still owed) + y (王建国 7000: the April payment is after the end;
        # 赵六 2500) + z (verified 6000 − 1000) 5000; w opened after the end
        "amount_outstanding": "23500.00",
        "documents_served": 0,  # no service recorded (tests/services/test_service_record.py)
    }

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        c: dict[str, Complaint] = {}
        c["day_before"] = register("walk_in", "2026-03-01 23:30")
        c["first_day"] = register("walk_in", "2026-03-02 00:10")
        c["hotline"] = register("12345", "2026-03-05 09:00")
        c["hotline_late_reply"] = register("12333", "2026-03-10 09:00")
        c["hotline_february"] = register("12345", "2026-02-20 09:00")
        c["transfer"] = register("national_platform", "2026-03-04 09:00")
        c["letter"] = register("letter", "2026-03-31 23:59")
        c["day_after"] = register("web", "2026-04-01 00:00")
        with at("2026-02-21 10:00"):
            complaint_decline(complaint=c["hotline_february"], reason="too_old", actor=cls.chief)
        with at("2026-03-02 10:00"):
            complaint_accept(complaint=c["day_before"], actor=cls.chief)
        with at("2026-03-03 10:00"):
            complaint_accept(complaint=c["first_day"], actor=cls.chief)
            complaint_reply_record(complaint=c["hotline_february"], text="已答复", actor=cls.chief)
        with at("2026-03-06 10:00"):
            complaint_reply_record(complaint=c["hotline"], text="已答复", actor=cls.chief)
            complaint_decline(complaint=c["hotline"], reason="not_remit", actor=cls.chief)
        with at("2026-03-11 10:00"):
            complaint_join(
                complaint=c["hotline_late_reply"], matter=c["first_day"], actor=cls.chief
            )
        with at("2026-03-20 10:00"):
            complaint_reply_record(complaint=c["transfer"], text="已反馈", actor=cls.chief)
            complaint_refer(complaint=c["transfer"], referred_to="龙山区住建局", actor=cls.chief)
        with at("2026-04-01 00:30"):
            complaint_reply_record(
                complaint=c["hotline_late_reply"], text="已答复", actor=cls.chief
            )
        cls.complaints = c

        # Case x: opened in February (its complaint too), paid then, closed in the period.
        x = open_case(cls, "2026-02-25 10:00", phone="13843700001", name="孙七")
        pay(cls, x.claims.get(), "1000.00", "2026-02-26")
        withdraw(cls, x, "2026-03-15 10:00")
        # Case y: opened in the period; one payment in, one after; a second worker paid twice.
        y = open_case(cls, "2026-03-05 10:00", phone="13843712345")
        with at("2026-03-05 11:00"):
            zhao = claim_add(case=y, name="赵六", claimed=Decimal("5000.00"), actor=cls.inspector)
        pay(cls, y.claims.get(worker__name="王建国"), "3000.00", "2026-03-10")
        pay(cls, zhao, "1000.00", "2026-03-12")
        pay(cls, zhao, "1500.00", "2026-03-31")
        pay(cls, y.claims.get(worker__name="王建国"), "2000.00", "2026-04-01")
        # Case z: the same worker as y's; verified lower than claimed; closed after the period.
        z = open_case(cls, "2026-03-20 10:00", amount="8000.00", phone="13843712345")
        with at("2026-03-21 10:00"):
            claim_update(
                claim=z.claims.get(),
                verified=Decimal("6000.00"),
                verified_reason="按考勤表和工资表核定",
                actor=cls.inspector,
            )
        pay(cls, z.claims.get(), "1000.00", "2026-03-25")
        pay(cls, z.claims.get(), "500.00", "2026-04-02")
        withdraw(cls, z, "2026-04-05 10:00")
        # Case w: opened after the period.
        w = open_case(cls, "2026-04-02 10:00")
        cls.cases = {"x": x, "y": y, "z": z, "w": w}
