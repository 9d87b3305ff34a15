import io
from collections.abc import Iterator
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import override_settings
from openpyxl import Workbook
from openpyxl.worksheet._reader import WorkSheetParser

from qingling.core.exceptions import InvalidInput
from qingling.core.forms import ImportFileField
from qingling.core.workbooks import (
    ImportTooLarge,
    import_size_check,
    sheet_rows,
    xlsx_open,
)
from qingling.testing import BaseTestCase, xlsx_crafted


def _rows(content: bytes) -> list[object]:
    return list(
        sheet_rows(
            content,
            aliases={},
            fields={"name"},
            required={"name"},
            missing_message=lambda missing: "missing",
        )
    )


class _ParsedRows:
    """Counts the rows openpyxl's sheet parser is asked for (patch ``parse`` with ``spy``)."""

    def __init__(self) -> None:
        self.count = 0
        original = WorkSheetParser.parse

        def spy(parser: WorkSheetParser) -> Iterator[object]:
            for row in original(parser):
                self.count += 1
                yield row

        self.spy = spy


@override_settings(LANGUAGE_CODE="en")
class ImportLimitsTests(BaseTestCase):
    def test_a_small_workbook_declaring_100000_rows_is_refused_before_any_row_is_parsed(
        self,
    ) -> None:
        content = xlsx_crafted(100_000)
        self.assertLess(len(content), 65 * 1024)
        parsed = _ParsedRows()
        with (
            mock.patch.object(WorkSheetParser, "parse", parsed.spy),
            self.assertRaisesMessage(ImportTooLarge, "more than 50,000 rows"),
        ):
            _rows(content)
        self.assertEqual(parsed.count, 0)

    def test_a_workbook_holding_100000_undeclared_rows_stops_at_the_first_row_over_the_limit(
        self,
    ) -> None:
        parsed = _ParsedRows()
        with (
            mock.patch.object(WorkSheetParser, "parse", parsed.spy),
            self.assertRaisesMessage(ImportTooLarge, "more than 50,000 rows"),
        ):
            _rows(xlsx_crafted(100_000, dimension=False))
        # The header, 50,000 rows and the one that is too many: never row 50,002.
        self.assertEqual(parsed.count, 1 + 50_000 + 1)

    @override_settings(QINGLING_IMPORT_MAX_ROWS=100)
    def test_empty_rows_count_so_one_far_cell_cannot_stream_a_million_rows(self) -> None:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet["A1"] = "name"
        sheet["A1048576"] = "x"
        out = io.BytesIO()
        book.save(out)
        content = out.getvalue()
        with self.assertRaisesMessage(ImportTooLarge, "more than 100 rows"):
            _rows(content)

    @override_settings(QINGLING_IMPORT_MAX_UNPACKED_BYTES=1024 * 1024)
    def test_a_zip_that_unpacks_past_the_limit_is_refused_without_opening_the_workbook(
        self,
    ) -> None:
        content = xlsx_crafted(60_000, dimension=False)  # about 1.5 MB of sheet XML
        with (
            mock.patch("openpyxl.load_workbook") as load,
            self.assertRaisesMessage(ImportTooLarge, "at most 1.0\xa0MB"),
        ):
            xlsx_open(content)
        load.assert_not_called()

    @override_settings(QINGLING_IMPORT_MAX_BYTES=1024 * 1024)
    def test_a_file_over_the_byte_limit_is_refused_on_its_field_naming_the_limit(self) -> None:
        with self.assertRaises(ImportTooLarge) as caught:
            import_size_check(3 * 1024 * 1024)
        message = "The file is 3.0\xa0MB; a file to import may be at most 1.0\xa0MB."
        self.assertEqual(caught.exception.message, message)
        self.assertEqual(caught.exception.extra, {"fields": {"file": [message]}})

    @override_settings(QINGLING_IMPORT_MAX_BYTES=1024)
    def test_the_import_file_field_refuses_a_file_over_the_limit_before_reading_it(self) -> None:
        upload = mock.Mock(size=2048, name="big.xlsx")
        with self.assertRaises(ValidationError) as caught:
            ImportFileField().validate(upload)
        upload.read.assert_not_called()
        self.assertEqual(
            caught.exception.messages,
            ["The file is 2.0\xa0KB; a file to import may be at most 1.0\xa0KB."],
        )

    def test_a_file_that_is_no_zip_is_unreadable(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "The XLSX file cannot be read."):
            xlsx_open(b"name\nx\n")

    def test_a_workbook_within_the_limits_is_read(self) -> None:
        rows = _rows(xlsx_crafted(3, dimension=False))
        self.assertEqual(len(rows), 3)
