import io

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qingling.core.models import AuditEvent
from qingling.core.personal_data import mask_id_number
from qingling.prevention.models import Warning
from qingling.prevention.tests.monitoring.month import worker_id
from qingling.prevention.tests.world import APRIL_10, MonitoringWorld

EXPORT = reverse("prevention:warning_export")
LIST = reverse("prevention:warning_list")


def sheet_rows(response: object) -> list[tuple[object, ...]]:
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(APRIL_10, tick=False)
class WarningExportTests(MonitoringWorld):
    def setUp(self) -> None:
        super().setUp()
        self.load()

    def test_exports_the_filtered_list_with_the_worker_id_masked_and_audits_it(self) -> None:
        self.login(self.chief)
        response = self.client.get(EXPORT, {"rule": "WORKER_UNPAID", "month": "2024-03"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        rows = sheet_rows(response)
        self.assertEqual(len(rows), 2)  # the header and the one warning the filter keeps
        self.assertEqual(rows[1][3], "P1")
        self.assertEqual(rows[1][6], mask_id_number(worker_id(1)))
        self.assertNotIn(worker_id(1), str(rows))
        event = AuditEvent.objects.get(action="warning.export")
        self.assertEqual(event.actor_id, self.chief.pk)
        self.assertEqual(
            event.after,
            {"filters": {"rule": "WORKER_UNPAID", "month": "2024-03"}, "rows": 1, "format": "xlsx"},
        )

    def test_a_county_exports_only_its_own_warnings(self) -> None:
        for user, count in ((self.inspector, 3), (self.xian, 1), (self.chief, 4)):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(len(sheet_rows(self.client.get(EXPORT))) - 1, count)

    def test_the_queries_do_not_grow_with_the_rows(self) -> None:
        self.login(self.chief)
        counts = []
        for query in ({"rule": "WORKER_UNPAID"}, {}):  # one row, then four
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(EXPORT, query).status_code, 200)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])

    def test_the_outsider_and_the_employment_officer_are_refused(self) -> None:
        for user in (self.outsider, self.employment):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(EXPORT).status_code, 403)
        self.assertFalse(AuditEvent.objects.filter(action="warning.export").exists())

    def test_a_project_name_that_looks_like_a_formula_stays_text(self) -> None:
        Warning.objects.filter(project_code="Q9").update(project_name='=HYPERLINK("x","y")')
        self.login(self.chief)
        content = b"".join(self.client.get(EXPORT, {"rule": "NO_LABOUR_COST"}).streaming_content)  # type: ignore[attr-defined]
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        cell = sheet.cell(row=2, column=5)
        self.assertEqual((cell.value, cell.data_type), ('=HYPERLINK("x","y")', "s"))
        self.assertTrue(cell.quotePrefix)

    def test_the_list_links_to_the_export_with_its_filters(self) -> None:
        self.login(self.chief)
        response = self.client.get(LIST, {"level": "red", "month": "2024-03"})
        self.assertContains(response, f"{EXPORT}?level=red&amp;month=2024-03")
