import datetime as dt
from decimal import Decimal

import time_machine
from django.db.models import Q
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from qingling.cases.deadlines import (
    investigation_overdue,
    investigation_overdue_q,
    may_extend,
    may_extend_q,
    order_overdue,
    order_overdue_q,
    overdue_q,
)
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_deadlines_scan
from qingling.cases.tests.steps import advance
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case

TODAY = dt.date(2026, 11, 27)
DAYS = st.integers(min_value=-3, max_value=3)  # around today: before, on and after
ROW = st.fixed_dictionaries(
    {
        "status": st.sampled_from(CaseStatus.values),
        "investigation_due": DAYS,
        "extended": st.booleans(),
        "order_served_on": st.none() | DAYS,
        "order_due": st.none() | DAYS,
        "total_outstanding": st.sampled_from([Decimal("0.00"), Decimal("0.01"), Decimal("9.99")]),
    }
)


@time_machine.travel(CURRENT_TIME, tick=False)
class CaseDeadlineFactsTests(HypothesisTestCase, BaseTestCase):
    @settings(max_examples=60, deadline=None)
    @given(ROW)
    def test_the_query_expressions_are_the_python_rules(self, row: dict[str, object]) -> None:
        case = make_case(self)
        values = dict(row)
        for name in ("investigation_due", "order_served_on", "order_due"):
            if values[name] is not None:
                values[name] = TODAY + dt.timedelta(days=int(values[name]))  # type: ignore[call-overload]
        if values["status"] == CaseStatus.CLOSED:
            values["outcome"] = CaseOutcome.WITHDRAWN
        Case.objects.filter(pk=case.pk).update(**values)
        case.refresh_from_db()
        facts: list[tuple[str, bool, Q]] = [
            (
                "investigation overdue",
                investigation_overdue(case, today=TODAY),
                investigation_overdue_q(today=TODAY),
            ),
            ("order overdue", order_overdue(case, today=TODAY), order_overdue_q(today=TODAY)),
            (
                "overdue",
                investigation_overdue(case, today=TODAY) or order_overdue(case, today=TODAY),
                overdue_q(today=TODAY),
            ),
            ("may extend", may_extend(case, today=TODAY), may_extend_q(today=TODAY)),
        ]
        for name, in_python, expression in facts:
            in_sql = Case.objects.filter(expression, pk=case.pk).exists()
            self.assertEqual(in_python, in_sql, f"{name}: {row}")


class CaseDeadlineRulesTests(BaseTestCase):
    def test_the_investigation_limit_is_watched_in_every_open_status(self) -> None:
        case = Case(investigation_due=TODAY, extended=False, total_outstanding=Decimal("0.00"))
        for status in CaseStatus.values:
            case.status = status
            with self.subTest(status=status):
                self.assertFalse(investigation_overdue(case, today=TODAY))  # the last day
                self.assertEqual(
                    investigation_overdue(case, today=TODAY + dt.timedelta(days=1)),
                    status != CaseStatus.CLOSED,
                )

    def test_an_order_is_overdue_only_while_money_is_outstanding(self) -> None:
        case = Case(
            status=CaseStatus.ORDER_ISSUED,
            investigation_due=TODAY,
            order_served_on=TODAY - dt.timedelta(days=10),
            order_due=TODAY - dt.timedelta(days=1),
            total_outstanding=Decimal("0.00"),
        )
        self.assertFalse(order_overdue(case, today=TODAY))
        case.total_outstanding = Decimal("0.01")
        self.assertTrue(order_overdue(case, today=TODAY))
        case.order_due = TODAY
        self.assertFalse(order_overdue(case, today=TODAY))

    def test_an_unserved_order_is_never_overdue(self) -> None:
        case = Case(
            status=CaseStatus.ORDER_ISSUED,
            investigation_due=TODAY,
            order_served_on=None,
            order_due=TODAY - dt.timedelta(days=5),
            total_outstanding=Decimal("100.00"),
        )
        self.assertFalse(order_overdue(case, today=TODAY))

    def test_may_extend_once_before_the_limit_and_not_while_closing(self) -> None:
        case = Case(status=CaseStatus.ORDER_ISSUED, investigation_due=TODAY, extended=False)
        self.assertTrue(may_extend(case, today=TODAY))
        self.assertFalse(may_extend(case, today=TODAY + dt.timedelta(days=1)))
        case.extended = True
        self.assertFalse(may_extend(case, today=TODAY))
        case.extended = False
        for status in (CaseStatus.CLOSING_REQUESTED, CaseStatus.CLOSED):
            case.status = status
            self.assertFalse(may_extend(case, today=TODAY))


class OrderIssuedPastItsLimitTests(BaseTestCase):
    """An order-issued case past its investigation limit: every reader says overdue, and
    the worker's scan escalates it."""

    def test_the_list_the_ledger_the_case_page_and_the_scan_agree(self) -> None:
        with time_machine.travel(CURRENT_TIME, tick=False):
            case = advance(self, make_case(self), CaseStatus.ORDER_ISSUED)
        late = case.investigation_due + dt.timedelta(days=1)
        with time_machine.travel(dt.datetime.combine(late, dt.time(2), tzinfo=dt.UTC), tick=False):
            self.login(self.chief)
            listed = self.client.get(reverse("cases:case_list")).context["page"].object_list
            self.assertEqual([row.is_overdue for row in listed], [True])
            overdue_only = self.client.get(reverse("cases:case_list"), {"overdue": "on"})
            self.assertEqual(list(overdue_only.context["page"].object_list), [case])
            ledger = self.client.get(reverse("reports:ledger"))
            self.assertEqual([row.investigation_overdue for row in ledger.context["rows"]], [True])
            ledger_overdue = self.client.get(reverse("reports:ledger"), {"overdue": "on"})
            self.assertEqual([row.case for row in ledger_overdue.context["rows"]], [case])
            page = self.client.get(reverse("cases:case_detail", args=[case.public_id]))
            self.assertTrue(page.context["overdue"])
            self.assertFalse(page.context["can_extend"])  # too late to extend
            counts = case_deadlines_scan(today=late)
        self.assertEqual(counts["escalated"], 1)
        self.assertIsNotNone(Case.objects.get(pk=case.pk).escalated_at)
