import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from unittest import mock

import time_machine
from django.test import SimpleTestCase, override_settings
from openpyxl import Workbook

from qingling.core.exceptions import InvalidInput
from qingling.core.workbooks import ImportTooLarge
from qingling.intake.channels.files import (
    ImportRow,
    parse_csv,
    parse_file,
    parse_json,
    parse_xlsx,
    work_order_draft,
)
from qingling.intake.models import Channel, Complaint, SourceSystem
from qingling.intake.services import complaint_import, source_system_create
from qingling.testing import CURRENT_TIME, BaseTestCase, xlsx_crafted

# Excel keeps local times without a zone; the import reads them as the bureau's time.
NAIVE_RECEIVED = dt.datetime(2021, 2, 8, 9, 30)  # noqa: DTZ001
CHINESE_HEADER = (
    "工单编号,姓名,身份证号,联系电话,欠薪单位,项目名称,欠薪金额,人数,欠薪期间,诉求内容,来电时间"
)


def order(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "source_ref": "GD-0001",
        "name": "王建国",
        "phone": "13843712345",
        "employer_name": "辽源市鑫盛建筑工程有限公司",
        "project_name": "福民小区",
        "amount": "120000",
        "headcount": 15,
        "narrative": "市民来电反映：公司拖欠其与工友共15人工资约12万元。",
        "received_at": "2021-02-08T09:30:00+08:00",
    }
    values.update(overrides)
    return values


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("其他")  # only the first sheet is read
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ParseJsonTests(SimpleTestCase):
    def test_reads_a_list_of_objects_numbered_from_one(self) -> None:
        rows = parse_json(json.dumps([order(), order(source_ref="GD-0002"), 7]).encode())
        self.assertEqual([row.line for row in rows], [1, 2, 3])
        self.assertEqual(rows[1].values["source_ref"], "GD-0002")
        self.assertTrue(rows[2].problem)

    def test_refuses_what_is_not_a_list(self) -> None:
        with self.assertRaises(InvalidInput):
            parse_json(b'{"source_ref": "1"}')
        with self.assertRaises(InvalidInput):
            parse_json(b"[{")


class ParseCsvTests(SimpleTestCase):
    def test_reads_chinese_headers_after_a_bom(self) -> None:
        content = (
            f"{CHINESE_HEADER}\r\n"
            'GD-0001,王建国,,13843712345,辽源市鑫盛建筑工程有限公司,福民小区,"120,000",15,'
            "2020年3月至12月,拖欠工资,2021-02-08 09:30\r\n"
        ).encode("utf-8-sig")
        [row] = parse_csv(content)
        self.assertEqual(row.line, 2)
        self.assertEqual(row.values["source_ref"], "GD-0001")
        self.assertEqual(row.values["employer_name"], "辽源市鑫盛建筑工程有限公司")
        self.assertEqual(row.values["amount"], "120,000")
        self.assertEqual(row.values["received_at"], "2021-02-08 09:30")

    def test_reads_english_headers_and_counts_lines_of_a_multiline_cell(self) -> None:
        content = (
            "source_ref,name,phone,employer_name,narrative\n"
            'A,甲,13843712345,甲公司,"第一行\n第二行"\n'
            "\n"
            "B,乙,13843712346,乙公司,一行\n"
        ).encode()
        rows = parse_csv(content)
        self.assertEqual([row.line for row in rows], [2, 5])
        self.assertEqual(rows[0].values["narrative"], "第一行\n第二行")

    def test_reads_gb18030_as_excel_on_a_chinese_pc_saves_it(self) -> None:
        [row] = parse_csv(f"{CHINESE_HEADER}\nGD-1,王建国".encode("gb18030"))
        self.assertEqual(row.values["name"], "王建国")

    def test_a_file_without_the_number_column_is_refused(self) -> None:
        with self.assertRaises(InvalidInput):
            parse_csv("姓名,联系电话\n王建国,13843712345\n".encode())


class ParseXlsxTests(SimpleTestCase):
    def test_reads_the_first_sheet_with_chinese_headers(self) -> None:
        content = xlsx(
            [
                list[object](CHINESE_HEADER.split(",")),
                [
                    "GD-0001",
                    "王建国",
                    None,
                    13843712345,
                    "辽源市鑫盛建筑工程有限公司",
                    "福民小区",
                    120000.0,
                    15,
                    "2020年",
                    "拖欠工资",
                    NAIVE_RECEIVED,
                ],
                [None] * 11,
                ["GD-0002", "李四"],
            ]
        )
        rows = parse_xlsx(content)
        self.assertEqual([row.line for row in rows], [2, 4])
        self.assertEqual(rows[0].values["phone"], 13843712345)
        self.assertEqual(rows[0].values["amount"], 120000)
        self.assertEqual(rows[0].values["received_at"], NAIVE_RECEIVED)

    def test_a_damaged_workbook_is_refused(self) -> None:
        with self.assertRaises(InvalidInput):
            parse_xlsx(b"PK\x03\x04 not really")


@override_settings(LANGUAGE_CODE="en", QINGLING_IMPORT_MAX_ROWS=10)
class FileImportLimitsTests(SimpleTestCase):
    def test_a_csv_with_one_row_too_many_is_refused_naming_the_limit(self) -> None:
        content = ("工单编号\n" + "GD\n" * 11).encode()
        with self.assertRaisesMessage(ImportTooLarge, "more than 10 rows"):
            parse_csv(content)
        self.assertEqual(len(parse_csv(("工单编号\n" + "GD\n" * 10).encode())), 10)

    def test_a_json_list_with_one_order_too_many_is_refused(self) -> None:
        with self.assertRaisesMessage(ImportTooLarge, "more than 10 rows"):
            parse_json(json.dumps([order()] * 11).encode())

    def test_a_workbook_declaring_100000_rows_is_refused_before_its_rows_are_read(self) -> None:
        with (
            mock.patch("openpyxl.worksheet._read_only.ReadOnlyWorksheet._cells_by_row") as rows,
            self.assertRaises(ImportTooLarge),
        ):
            parse_xlsx(xlsx_crafted(100_000, header="工单编号"))
        rows.assert_not_called()

    @override_settings(QINGLING_IMPORT_MAX_BYTES=1024 * 1024)
    def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(self) -> None:
        path = mock.Mock(spec=Path, suffix=".csv")
        path.stat.return_value.st_size = 5 * 1024 * 1024
        with self.assertRaisesMessage(ImportTooLarge, "at most 1.0\xa0MB"):
            parse_file(path)
        path.read_bytes.assert_not_called()


@time_machine.travel(CURRENT_TIME, tick=False)
class WorkOrderDraftTests(SimpleTestCase):
    def test_reads_every_field(self) -> None:
        work = work_order_draft(order(kind="举报", amount="12,000.50元", anonymous="是"))
        self.assertEqual(work.errors.fields, {})
        self.assertEqual(work.draft.kind, "report")
        self.assertIs(work.draft.anonymous, True)
        self.assertEqual(work.draft.amount, Decimal("12000.50"))
        self.assertEqual(work.received_at, dt.datetime(2021, 2, 8, 1, 30, tzinfo=dt.UTC))

    def test_a_naive_time_is_the_bureaus_local_time(self) -> None:
        work = work_order_draft(order(received_at="2021/02/08 09:30"))
        self.assertEqual(work.received_at, dt.datetime(2021, 2, 8, 1, 30, tzinfo=dt.UTC))

    def test_collects_every_bad_field(self) -> None:
        work = work_order_draft(
            order(source_ref="", amount="很多", headcount="3.5", received_at="明天")
        )
        self.assertEqual(
            set(work.errors.fields), {"source_ref", "amount", "headcount", "received_at"}
        )


class ComplaintImportTests(BaseTestCase):
    system: SourceSystem

    def setUp(self) -> None:
        self.system, _key = source_system_create(
            name="12345热线", channel=Channel.HOTLINE_12345, actor=None
        )

    def test_registers_json_rows_and_reports_the_bad_ones_without_stopping(self) -> None:
        rows = parse_json(
            json.dumps(
                [
                    order(),
                    order(source_ref="GD-0002", amount="abc", phone="123"),
                    order(source_ref="GD-0003"),
                    order(),  # the same work order again
                    "not an object",
                ]
            ).encode()
        )
        result = complaint_import(
            rows=rows, channel=Channel.HOTLINE_12345, source_system=self.system, actor=None
        )
        self.assertEqual((result.created, result.duplicates, result.failed), (2, 1, 2))
        self.assertEqual(
            {(f.line, f.field) for f in result.failures},
            {(2, "amount"), (2, "phone"), (5, "__all__")},
        )
        self.assertEqual(Complaint.objects.count(), 2)
        first = Complaint.objects.get(source_ref="GD-0001")
        self.assertEqual(first.source_system, self.system)
        self.assertEqual(first.acceptance_due, dt.date(2021, 2, 20))

    def test_importing_the_same_file_again_stores_nothing_twice(self) -> None:
        rows = [ImportRow(1, order()), ImportRow(2, order(source_ref="GD-0002"))]
        complaint_import(rows=rows, channel=Channel.HOTLINE_12345, source_system=None, actor=None)
        again = complaint_import(
            rows=rows, channel=Channel.HOTLINE_12345, source_system=None, actor=None
        )
        self.assertEqual((again.created, again.duplicates, again.failed), (0, 2, 0))
        self.assertEqual(Complaint.objects.count(), 2)

    def test_imports_a_csv_with_chinese_headers_and_a_bom(self) -> None:
        content = (
            f"{CHINESE_HEADER}\r\n"
            "ZB-1,王建国,,13843712345,辽源市鑫盛建筑工程有限公司,福民小区,120000,15,"
            "2020年,拖欠工资,2021-02-08 09:30\r\n"
        ).encode("utf-8-sig")
        result = complaint_import(
            rows=parse_csv(content),
            channel=Channel.NATIONAL_PLATFORM,
            source_system=None,
            actor=None,
        )
        self.assertEqual(result.created, 1, result.failures)
        complaint = Complaint.objects.get()
        self.assertEqual(complaint.channel, Channel.NATIONAL_PLATFORM)
        self.assertEqual(complaint.amount_claimed, Decimal(120000))
        self.assertEqual(complaint.acceptance_due, dt.date(2021, 2, 20))

    def test_imports_an_xlsx_workbook(self) -> None:
        content = xlsx(
            [
                list[object](CHINESE_HEADER.split(",")),
                [
                    "GD-X1",
                    "王建国",
                    None,
                    13843712345,
                    "辽源市鑫盛建筑工程有限公司",
                    "福民小区",
                    120000,
                    15,
                    "2020年",
                    "拖欠工资",
                    NAIVE_RECEIVED,
                ],
                ["GD-X2", "李四", None, 13843712346, "", "", "x", None, "", "", None],
            ]
        )
        result = complaint_import(
            rows=parse_xlsx(content), channel=Channel.HOTLINE_12345, source_system=None, actor=None
        )
        self.assertEqual((result.created, result.failed), (1, 1))
        self.assertEqual(
            {(f.line, f.field) for f in result.failures}, {(3, "amount"), (3, "employer_name")}
        )
        self.assertEqual(Complaint.objects.get().headcount, 15)

    def test_reports_progress(self) -> None:
        seen: list[int] = []
        complaint_import(
            rows=[ImportRow(n, order(source_ref=f"P-{n}")) for n in range(1, 4)],
            channel=Channel.HOTLINE_12345,
            source_system=None,
            actor=None,
            progress=lambda done, result: seen.append(done),
        )
        self.assertEqual(seen, [1, 2, 3])
