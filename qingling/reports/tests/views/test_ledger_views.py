import datetime as dt
import io
from decimal import Decimal

import time_machine
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from qingling.core.models import AuditEvent
from qingling.reports.tests.helpers import open_case, pay
from qingling.reports.views.ledger import HEADERS
from qingling.testing import CURRENT_TIME, BaseTestCase


@time_machine.travel(CURRENT_TIME, tick=False)
class LedgerViewTests(BaseTestCase):
    def queries_for(self, n: int) -> None:
        for index in range(n):
            case = open_case(self, respondent=f"辽源市{index}号建筑有限公司")
            if index % 3 == 0:
                pay(self, case, "100.00")
        self.login(self.chief)
        # session, user, unit, its division; form: divisions, leads;
        # count, page ids, rows, inspectors
        with self.assertNumQueries(10):
            response = self.client.get(reverse("reports:ledger"), {"status": "open"})
        self.assertEqual(len(response.context["rows"]), min(n, 50))

    def test_the_query_count_is_constant_for_5_cases(self) -> None:
        self.queries_for(5)

    def test_the_query_count_is_constant_for_30_cases(self) -> None:
        self.queries_for(30)

    def test_shows_the_money_and_the_inspectors(self) -> None:
        case = open_case(self, amount="12345.60")
        pay(self, case, "345.60")
        self.login(self.inspector)
        response = self.client.get(reverse("reports:ledger"))
        self.assertContains(response, case.number)
        self.assertContains(response, "12345.60")
        self.assertContains(response, "12000.00")
        self.assertContains(response, "inspector2")

    def test_filters_from_the_query_string(self) -> None:
        old = open_case(self, opened_on=dt.date(2026, 6, 1), respondent="辽源市甲建筑有限公司")
        new = open_case(self, respondent="辽源市乙建筑有限公司")
        self.login(self.chief)
        response = self.client.get(reverse("reports:ledger"), {"overdue": "on"})
        self.assertEqual([r.case.pk for r in response.context["rows"]], [old.pk])
        response = self.client.get(reverse("reports:ledger"), {"q": "乙建筑"})
        self.assertEqual([r.case.pk for r in response.context["rows"]], [new.pk])
        response = self.client.get(reverse("reports:ledger"), {"opened_from": "not a date"})
        self.assertEqual(len(response.context["rows"]), 2)  # the bad filter is ignored

    def test_a_district_inspector_sees_no_case_of_another_district(self) -> None:
        longshan = open_case(self)
        self.login(self.xian)
        response = self.client.get(reverse("reports:ledger"))
        self.assertNotContains(response, longshan.number)
        self.assertEqual(response.context["rows"], [])
        export = self.client.get(reverse("reports:ledger_export"))
        content = b"".join(export.streaming_content)  # type: ignore[attr-defined]
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        self.assertEqual(sheet.max_row, 1)  # the headers only

    def test_the_outsider_and_the_administrator_are_refused(self) -> None:
        for persona in (self.outsider, self.admin, self.employment):
            self.login(persona)
            for name in ("reports:ledger", "reports:ledger_export", "reports:clearance"):
                self.assertEqual(self.client.get(reverse(name)).status_code, 403, name)


@time_machine.travel(CURRENT_TIME, tick=False)
class LedgerExportTests(BaseTestCase):
    @override_settings(LANGUAGE_CODE="en")  # reads the totals row's English label
    def test_exports_the_filtered_ledger_with_amounts_as_numbers_and_audits_it(self) -> None:
        case = open_case(self, amount="12345.67", respondent="辽源市甲建筑有限公司")
        pay(self, case, "345.67")
        open_case(self, respondent="辽源市乙建筑有限公司")
        self.login(self.chief)
        response = self.client.get(reverse("reports:ledger_export"), {"q": "甲建筑"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(rows), 3)
        header, row, totals = rows
        self.assertEqual(totals[0], "Total of 1 case")
        self.assertEqual(
            [Decimal(str(v)) for v in totals[11:15]],
            [Decimal(1), Decimal("12345.67"), Decimal("345.67"), Decimal(12000)],
        )
        # The headers are the translated msgids of the active language (zh-hans).
        self.assertEqual(list(header), [str(h) for h in HEADERS])
        self.assertEqual(len(header), 15)
        self.assertEqual(row[0], case.number)
        self.assertEqual(row[4], "辽源市甲建筑有限公司")
        self.assertEqual(row[7], dt.datetime(2026, 11, 2))  # noqa: DTZ001 - openpyxl reads naive
        self.assertEqual(row[11], 1)
        self.assertEqual(
            [Decimal(str(v)) for v in row[12:15]],
            [Decimal("12345.67"), Decimal("345.67"), Decimal(12000)],
        )
        self.assertEqual(sheet.cell(row=2, column=13).number_format, "#,##0.00")
        event = AuditEvent.objects.get(action="ledger.export")
        self.assertEqual(event.actor_id, self.chief.pk)
        self.assertEqual(event.object_id, str(self.chief.pk))
        self.assertEqual(event.after, {"filters": {"q": "甲建筑"}, "rows": 1})

    def test_a_respondent_named_like_a_formula_is_exported_as_text(self) -> None:
        attack = '=HYPERLINK("http://x","y")'
        open_case(self, respondent=attack)
        self.login(self.chief)
        response = self.client.get(reverse("reports:ledger_export"))
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        cell = sheet.cell(row=2, column=5)
        self.assertEqual((cell.value, cell.data_type), (attack, "s"))
        self.assertNotIn("f", {c.data_type for row in sheet.iter_rows() for c in row})
        self.assertEqual(sheet.cell(row=2, column=13).data_type, "n")
