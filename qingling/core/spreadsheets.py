"""Writing spreadsheets that show what people typed and never run it (formula injection).

A text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a
formula to Excel and LibreOffice when it arrives as a CSV field or as an XLSX formula
cell: a worker's anonymous registration could put a live ``=HYPERLINK(…)`` into the
bureau's workbook. Every XLSX and CSV the project writes passes its values through here
(``qingling.core.tests.test_spreadsheets`` fails when a writer does not):

* ``xlsx_row`` turns each text into an inline-string cell (never a formula cell, which
  openpyxl would make of a text starting with ``=``) and marks risky ones "quote prefix",
  so that even editing the cell in Excel keeps it text; numbers, dates and cells made by
  the caller (with a number format) pass unchanged.
* ``csv_field`` puts an apostrophe before a risky text (a CSV has no cell types).
"""

import csv
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_is_risky(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return text.startswith(FORMULA_START)


def csv_field(text: str) -> str:
    """A text as a CSV field that a spreadsheet shows as text."""
    return "'" + text if text_is_risky(text) else text


def xlsx_text_cell(sheet: Any, text: str) -> Cell:
    """An XLSX cell that holds ``text`` as a string, whatever it begins with."""
    cell = WriteOnlyCell(sheet)
    cell.value = text  # checks for characters XML cannot hold
    cell.data_type = "s"  # openpyxl made a formula of "=…"; a string is stored inline
    if text_is_risky(text):
        cell.quotePrefix = True  # Excel keeps it text even when someone edits the cell
    return cell


def xlsx_row(sheet: Any, values: Iterable[object]) -> list[object]:
    """The values of one row for ``sheet.append``: every text as a safe string cell."""
    return [xlsx_text_cell(sheet, value) if isinstance(value, str) else value for value in values]


def machine_csv_write(handle: Any, header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    """A CSV for a program (the monitoring rules' input), never opened as a spreadsheet:
    values are written as they are, so a reversal's "-100.00" stays a number. A file for
    people goes through ``csv_field`` instead."""
    writer = csv.writer(handle)
    writer.writerow(list(header))
    writer.writerows(rows)
