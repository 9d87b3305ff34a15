import csv
import datetime as dt
import io

import time_machine
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from qingling.core.models import AuditEvent
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.models import Channel, Complaint
from qingling.intake.services import complaint_register
from qingling.testing import BaseTestCase

NOW = dt.datetime(2021, 1, 13, 2, tzinfo=dt.UTC)


def register(employer: str, phone: str) -> Complaint:
    return complaint_register(
        draft=ComplaintDraft(
            name="李四", phone=phone, employer_name=employer, division_code="220402"
        ),
        channel=Channel.WALK_IN,
        actor=None,
        received_at=NOW,
    ).complaint


@time_machine.travel(NOW, tick=False)
@override_settings(LANGUAGE_CODE="en")
class ComplaintExportTests(BaseTestCase):
    def test_exports_the_filtered_list_with_phones_masked_and_audits_it(self) -> None:
        kept = register("辽源市甲建筑有限公司", "13912345678")
        register("辽源市乙建筑有限公司", "13712345678")
        self.login(self.intake)
        response = self.client.get(reverse("intake:complaint_export"), {"q": "甲建筑"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(rows), 2)  # the header and the one complaint the filter keeps
        self.assertEqual(rows[1][0], kept.number)
        self.assertEqual(rows[1][10], "139******78")
        self.assertNotIn("13912345678", str(rows))
        event = AuditEvent.objects.get(action="complaint.export")
        self.assertEqual(event.actor_id, self.intake.pk)
        self.assertEqual(event.after, {"filters": {"q": "甲建筑"}, "rows": 1, "format": "xlsx"})

    def test_exports_csv_that_a_spreadsheet_reads_as_utf8(self) -> None:
        register("=HYPERLINK(1)", "13912345678")
        self.login(self.intake)
        response = self.client.get(reverse("intake:complaint_export"), {"format": "csv"})
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        self.assertEqual(rows[1][5], "'=HYPERLINK(1)")  # shown as text, not run as a formula
        self.assertEqual(rows[1][10], "139******78")

    def test_someone_without_the_complaint_list_is_refused(self) -> None:
        for persona in (self.outsider, self.employment):
            self.login(persona)
            self.assertEqual(self.client.get(reverse("intake:complaint_export")).status_code, 403)
        self.assertFalse(AuditEvent.objects.filter(action="complaint.export").exists())
