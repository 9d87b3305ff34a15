"""The inspection list as XLSX: the page's filters, the user's jurisdiction, audited."""

import datetime as dt
import io

import time_machine
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from qingling.core.models import AuditEvent
from qingling.inspections.tests.world import InspectionWorld, all_ok
from qingling.testing import make_project

EXPORT = reverse("inspections:inspection_export")
HOME = reverse("inspections:home")
HEADER = ("Date", "Status", "Project", "Division", "Campaign", "Findings", "Findings still open")
DONE_IN_NOVEMBER = {"status": "done", "done_from": "2026-11-01", "done_to": "2026-11-30"}


def sheet_rows(response: object) -> list[tuple[object, ...]]:
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(dt.datetime(2026, 12, 2, 2, tzinfo=dt.UTC), tick=False)
class InspectionExportTests(InspectionWorld):
    def setUp(self) -> None:
        super().setUp()
        self.record(done_on=dt.date(2026, 11, 20), checks=all_ok(wage_account="无专户"))
        self.record(done_on=dt.date(2026, 10, 30), checks=all_ok())  # before the period

    def test_exports_the_filtered_list_and_audits_it(self) -> None:
        self.login(self.director)
        response = self.client.get(EXPORT, DONE_IN_NOVEMBER)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        rows = sheet_rows(response)
        self.assertEqual(len(rows), 2)  # the header and November's one inspection
        self.assertEqual(rows[1][0], dt.datetime(2026, 11, 20))  # noqa: DTZ001
        self.assertEqual(rows[1][2], self.project.name)
        self.assertEqual(rows[1][5:], (1, 1))  # one finding, still open
        event = AuditEvent.objects.get(action="inspection.export")
        self.assertEqual(event.actor_id, self.director.pk)
        self.assertEqual(event.after, {"filters": DONE_IN_NOVEMBER, "rows": 1, "format": "xlsx"})

    def test_another_county_exports_none_of_them_and_outsiders_are_refused(self) -> None:
        self.login(self.xian)
        self.assertEqual(sheet_rows(self.client.get(EXPORT)), [HEADER])
        for user in (self.outsider, self.employment):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(EXPORT).status_code, 403)
        self.assertEqual(AuditEvent.objects.filter(action="inspection.export").count(), 1)

    def test_a_project_name_that_looks_like_a_formula_stays_text(self) -> None:
        attack = make_project(division=self.longshan, name="=1+2", actor=self.chief)
        self.record(project=attack, done_on=dt.date(2026, 11, 25), checks=all_ok())
        self.login(self.inspector)
        response = self.client.get(EXPORT, DONE_IN_NOVEMBER)
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        cell = sheet.cell(row=2, column=3)
        self.assertEqual((cell.value, cell.data_type), ("=1+2", "s"))
        self.assertTrue(cell.quotePrefix)

    def test_the_list_links_to_the_export_with_its_filters(self) -> None:
        self.login(self.inspector)
        response = self.client.get(HOME, {"status": "done", "done_from": "2026-11-01"})
        self.assertContains(response, f"{EXPORT}?status=done&amp;done_from=2026-11-01")
