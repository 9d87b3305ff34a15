import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

from django.test import SimpleTestCase
from openpyxl import Workbook, load_workbook

from qingling.core.spreadsheets import csv_field, xlsx_row

ATTACK = '=HYPERLINK("http://x","y")'
SOURCE = Path(__file__).resolve().parents[2]  # the qingling package
WRITERS = re.compile(r"\bWorkbook\(|csv\.writer\(|csv\.DictWriter\(")


def round_trip(values: list[object]) -> list[tuple[object, str, bool]]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    sheet.append(xlsx_row(sheet, values))
    target = io.BytesIO()
    workbook.save(target)
    read = load_workbook(io.BytesIO(target.getvalue())).active
    assert read is not None
    return [(c.value, c.data_type, bool(c.quotePrefix)) for c in next(iter(read.rows))]


class XlsxRowTests(SimpleTestCase):
    def test_a_text_that_looks_like_a_formula_comes_back_as_that_text(self) -> None:
        cells = round_trip([ATTACK, "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
        self.assertEqual(
            [value for value, _, _ in cells], [ATTACK, "+1", "-2", "@SUM(A1)", "\tx", "\rx"]
        )
        self.assertEqual({data_type for _, data_type, _ in cells}, {"s"})
        self.assertTrue(all(quoted for _, _, quoted in cells))

    def test_numbers_and_dates_stay_numbers_and_dates_and_plain_text_is_not_marked(self) -> None:
        cells = round_trip([-5, Decimal("12.50"), dt.date(2026, 11, 2), None, "李四"])
        self.assertEqual(cells[0], (-5, "n", False))
        self.assertEqual((Decimal(str(cells[1][0])), cells[1][1]), (Decimal("12.50"), "n"))
        self.assertEqual(cells[2][:2], (dt.datetime(2026, 11, 2), "d"))  # noqa: DTZ001
        self.assertEqual(cells[3][0], None)
        self.assertEqual(cells[4], ("李四", "s", False))


class CsvFieldTests(SimpleTestCase):
    def test_a_risky_text_gets_an_apostrophe_and_others_stay(self) -> None:
        self.assertEqual(csv_field(ATTACK), "'" + ATTACK)
        for text in ("+1", "-1", "@x", "\tx", "\rx"):
            self.assertEqual(csv_field(text), "'" + text)
        self.assertEqual(csv_field("李四 =1"), "李四 =1")


class SpreadsheetWritersTests(SimpleTestCase):
    def test_every_module_that_writes_a_workbook_or_a_csv_uses_the_helper(self) -> None:
        writers = []
        for path in SOURCE.rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            if path == SOURCE / "core" / "spreadsheets.py":
                continue  # the helper itself
            text = path.read_text(encoding="utf-8")
            if WRITERS.search(text):
                writers.append(path.relative_to(SOURCE).as_posix())
                with self.subTest(module=path.relative_to(SOURCE).as_posix()):
                    self.assertIn("qingling.core.spreadsheets import", text)
        self.assertGreaterEqual(len(writers), 3)  # the manifest, the ledger, the case file
