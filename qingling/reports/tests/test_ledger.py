import datetime as dt
from decimal import Decimal
from unittest import skipUnless
from unittest.mock import patch

import time_machine
from django.db import connection
from django.db.models import Count

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import CASE_NOT_CLOSED, CASE_OWING, Case
from qingling.cases.selectors import STATUS_OPEN as OPEN
from qingling.cases.selectors import CaseFilters as LedgerFilters
from qingling.cases.selectors import case_search as ledger_cases
from qingling.reports.ledger import clearance, ledger_page
from qingling.reports.tests.helpers import open_case, pay
from qingling.testing import CURRENT_TIME, BaseTestCase

TODAY = dt.date(2026, 11, 27)


def numbers(test: BaseTestCase, filters: LedgerFilters) -> set[str]:
    cases = ledger_cases(user=test.chief, filters=filters, today=TODAY)
    return set(cases.values_list("number", flat=True))


@time_machine.travel(CURRENT_TIME, tick=False)
class LedgerSelectorTests(BaseTestCase):
    def test_sums_claims_per_case_without_multiplying_by_inspectors(self) -> None:
        case = open_case(self, amount="10000.00")
        pay(self, case, "2500.00", verified="8000.00")
        _page, rows = ledger_page(user=self.chief, filters=LedgerFilters(), today=TODAY, number=1)
        (row,) = rows
        self.assertEqual(row.lead, "inspector")
        self.assertEqual(row.co_inspectors, ["inspector2"])
        self.assertEqual(row.workers, 1)
        self.assertEqual(row.claimed, Decimal("10000.00"))
        self.assertEqual(row.paid, Decimal("2500.00"))
        self.assertEqual(row.outstanding, Decimal("5500.00"))  # verified − paid

    def test_filters_by_status_division_lead_dates_overdue_and_outstanding(self) -> None:
        old = open_case(self, opened_on=dt.date(2026, 6, 1), respondent="辽源市甲建筑有限公司")
        new = open_case(self, opened_on=dt.date(2026, 11, 2), respondent="辽源市乙建筑有限公司")
        xian = open_case(
            self,
            division=self.xian_division,
            lead=self.xian,
            co=[],
            respondent="辽源市丙建筑有限公司",
        )
        pay(self, new, "10000.00")
        Case.objects.filter(pk=new.pk).update(status=CaseStatus.INVESTIGATING)
        self.assertEqual(numbers(self, LedgerFilters()), {old.number, new.number, xian.number})
        self.assertEqual(
            numbers(self, LedgerFilters(status=CaseStatus.INVESTIGATING)), {new.number}
        )
        self.assertEqual(len(numbers(self, LedgerFilters(status=OPEN))), 3)
        self.assertEqual(numbers(self, LedgerFilters(division="220403")), {xian.number})
        self.assertEqual(numbers(self, LedgerFilters(lead=self.xian.pk)), {xian.number})
        self.assertEqual(
            numbers(self, LedgerFilters(opened_from=dt.date(2026, 10, 1))),
            {new.number, xian.number},
        )
        self.assertEqual(numbers(self, LedgerFilters(opened_to=dt.date(2026, 7, 1))), {old.number})
        self.assertEqual(numbers(self, LedgerFilters(overdue=True)), {old.number})
        self.assertEqual(numbers(self, LedgerFilters(outstanding=True)), {old.number, xian.number})
        self.assertEqual(numbers(self, LedgerFilters(q="乙建筑")), {new.number})
        self.assertEqual(numbers(self, LedgerFilters(q=xian.number)), {xian.number})

    def test_marks_only_open_cases_past_their_deadline_overdue(self) -> None:
        old = open_case(self, opened_on=dt.date(2026, 6, 1))
        _page, rows = ledger_page(user=self.chief, filters=LedgerFilters(), today=TODAY, number=1)
        self.assertTrue(rows[0].investigation_overdue)
        Case.objects.filter(pk=old.pk).update(status=CaseStatus.CLOSED, outcome="withdrawn")
        _page, rows = ledger_page(user=self.chief, filters=LedgerFilters(), today=TODAY, number=1)
        self.assertFalse(rows[0].investigation_overdue)

    def test_a_district_inspector_sees_only_the_district(self) -> None:
        open_case(self)
        xian = open_case(self, division=self.xian_division, lead=self.xian, co=[])
        cases = ledger_cases(user=self.xian, filters=LedgerFilters(), today=TODAY)
        self.assertEqual(list(cases.values_list("number", flat=True)), [xian.number])

    def test_searches_numbers_and_respondents_whichever_way_the_respondents_are_given(
        self,
    ) -> None:
        jia = open_case(self, respondent="辽源市甲建筑有限公司")
        yi = open_case(self, respondent="辽源市乙劳务有限公司")
        self.assertEqual(numbers(self, LedgerFilters(q="建筑")), {jia.number})
        self.assertEqual(numbers(self, LedgerFilters(q=yi.number[-4:])), {yi.number})
        with patch("qingling.cases.selectors.RESPONDENTS_LISTED", 1):
            # More names than are listed: the respondents become a subquery.
            self.assertEqual(numbers(self, LedgerFilters(q="有限公司")), {jia.number, yi.number})
        self.assertEqual(numbers(self, LedgerFilters(q="丙")), set())

    @skipUnless(connection.vendor == "postgresql", "a PostgreSQL index (migration 0005)")
    def test_postgresql_finds_numbers_through_the_trigram_index(self) -> None:
        open_case(self)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        plan = Case.objects.filter(number__icontains="2026〕").explain()
        self.assertIn("case_number_trigram", plan)


@time_machine.travel(CURRENT_TIME, tick=False)
class ClearanceTests(BaseTestCase):
    def test_counts_open_cases_and_outstanding_money_by_division_and_month(self) -> None:
        a = open_case(self, opened_on=dt.date(2026, 3, 2), amount="3000.00")
        b = open_case(self, opened_on=dt.date(2026, 3, 9), amount="5000.00")
        open_case(self, opened_on=dt.date(2025, 12, 1), amount="700.00")
        open_case(self, division=self.xian_division, lead=self.xian, co=[], amount="100.00")
        pay(self, a, "1000.00")
        pay(self, b, "5000.00")
        Case.objects.filter(pk=b.pk).update(status=CaseStatus.CLOSED, outcome="paid_in_full")
        table = clearance(user=self.chief, year=2026)
        longshan, xian = table.rows
        self.assertEqual(longshan.division, self.longshan)
        earlier, *months = longshan.cells
        self.assertEqual((earlier.open_cases, earlier.outstanding), (1, Decimal("700.00")))
        self.assertEqual((months[2].open_cases, months[2].outstanding), (1, Decimal("2000.00")))
        self.assertEqual(longshan.total.open_cases, 2)
        self.assertEqual(xian.cells[11].outstanding, Decimal("100.00"))
        self.assertEqual(table.totals.total.open_cases, 3)
        self.assertEqual(table.city.open_cases, 3)
        self.assertEqual(table.city.outstanding, Decimal("2800.00"))
        self.assertFalse(table.city.cleared)

    def test_is_cleared_when_nothing_is_open_or_owed(self) -> None:
        case = open_case(self, amount="300.00")
        pay(self, case, "300.00")
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, outcome="paid_in_full")
        table = clearance(user=self.chief, year=2026)
        self.assertTrue(table.city.cleared)
        self.assertEqual(clearance(user=self.xian, year=2026).rows, [])

    def test_sums_the_stored_totals_of_cases_open_or_closed_that_still_owe(self) -> None:
        case = open_case(self, opened_on=dt.date(2026, 2, 2), amount="900.00")
        pay(self, case, "400.00")
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.CLOSED, outcome="arbitration_or_court"
        )
        table = clearance(user=self.chief, year=2026)
        (longshan,) = table.rows
        self.assertEqual((longshan.cells[2].open_cases, longshan.cells[2].outstanding), (0, 500))
        self.assertEqual((table.city.open_cases, table.city.outstanding), (0, Decimal("500.00")))

    @skipUnless(connection.vendor == "sqlite", "PostgreSQL proves the index's condition itself")
    def test_sqlite_reads_the_open_and_the_owing_cases_from_their_partial_indexes(self) -> None:
        """SQLite can use a partial index only for a query that repeats the index's term
        with the same value (as Django sends it); the view's two reads filter with the
        terms the indexes are defined with."""
        open_case(self)
        for term, index in (
            (CASE_NOT_CLOSED, "case_open_by_division"),
            (CASE_OWING, "case_owing_by_division"),
        ):
            with self.subTest(index):
                cases = Case.objects.filter(term).order_by().values("division_id", "opened_on")
                self.assertIn(index, cases.annotate(n=Count("pk")).explain())
