import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from openpyxl import Workbook

from qingling.intake.models import Channel, Complaint
from qingling.intake.services import source_system_create
from qingling.testing import BaseTestCase


def order(number: int, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "source_ref": f"GD-{number:04d}",
        "name": "王建国",
        "phone": "13843712345",
        "employer_name": "辽源市鑫盛建筑工程有限公司",
        "narrative": "公司拖欠其工资。",
        "received_at": "2021-02-08T09:30:00+08:00",
    }
    values.update(overrides)
    return values


class ImportComplaintsCommandTests(BaseTestCase):
    def write(self, name: str, content: bytes) -> Path:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / name
        path.write_bytes(content)
        return path

    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("import_complaints", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_imports_a_json_file_with_progress_every_100_rows(self) -> None:
        path = self.write("orders.json", json.dumps([order(n) for n in range(1, 251)]).encode())
        output = self.run_command(str(path), "--channel", "12345")
        self.assertIn("100 rows", output)
        self.assertIn("200 rows", output)
        self.assertNotIn("300 rows", output)
        self.assertIn("created 250, duplicates 0, failed 0", output)
        self.assertEqual(Complaint.objects.filter(channel=Channel.HOTLINE_12345).count(), 250)

    def test_prints_the_failed_rows_and_exits_with_1(self) -> None:
        rows = [order(1), order(2, amount="abc"), order(1)]
        path = self.write("orders.json", json.dumps(rows).encode())
        out = StringIO()
        with self.assertRaises(CommandError) as raised:
            call_command(
                "import_complaints",
                str(path),
                "--channel",
                "national_platform",
                stdout=out,
                stderr=StringIO(),
            )
        self.assertEqual(raised.exception.returncode, 1)
        self.assertIn("created 1, duplicates 1, failed 1", out.getvalue())
        self.assertIn("line 2: amount:", out.getvalue())
        self.assertEqual(Complaint.objects.count(), 1)

    def test_imports_an_xlsx_file_for_a_named_system(self) -> None:
        system, _key = source_system_create(
            name="全国根治欠薪线索反映平台", channel=Channel.NATIONAL_PLATFORM, actor=None
        )
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["转办单号", "姓名", "手机", "用人单位", "反映内容", "受理时间"])
        sheet.append(["ZB-1", "王建国", 13843712345, "鑫盛公司", "拖欠工资", "2021-02-08 09:30"])
        path = self.write("transfer.xlsx", b"")
        workbook.save(path)
        output = self.run_command(
            str(path), "--channel", "national_platform", "--system", system.name
        )
        self.assertIn("created 1", output)
        complaint = Complaint.objects.get()
        self.assertEqual(complaint.source_system, system)
        self.assertEqual(complaint.source_ref, "ZB-1")

    def test_a_csv_with_a_bom_and_chinese_headers(self) -> None:
        content = "工单编号,姓名,联系电话,欠薪单位,诉求内容\nGD-1,王建国,13843712345,甲公司,欠薪\n"
        path = self.write("orders.csv", content.encode("utf-8-sig"))
        self.assertIn("created 1", self.run_command(str(path), "--channel", "12345"))

    def test_a_system_of_another_channel_is_refused(self) -> None:
        system, _key = source_system_create(
            name="12345热线", channel=Channel.HOTLINE_12345, actor=None
        )
        path = self.write("orders.json", b"[]")
        with self.assertRaises(CommandError):
            self.run_command(str(path), "--channel", "national_platform", "--system", system.name)

    def test_an_unknown_file_type_or_a_missing_file_is_refused(self) -> None:
        with self.assertRaises(CommandError):
            self.run_command(str(self.write("orders.txt", b"x")), "--channel", "12345")
        with self.assertRaises(CommandError):
            self.run_command("/nonexistent/orders.json", "--channel", "12345")
