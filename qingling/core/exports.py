"""A list page's rows as a download (XLSX, or CSV where a page offers it), shared by the
complaint, inspection and warning exports.

The rows are built by the app (its selector already scoped to what the user may see and
filtered as on the page; personal numbers masked before they get here); this module
only writes them, every text through ``qingling.core.spreadsheets`` (formula injection),
and says which filters were applied in the form the audit row keeps
(``export_filters``; the app's ``<entity>_export_record`` service writes the row).
"""

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.http import FileResponse, HttpResponse

from qingling.core import clock
from qingling.core.spreadsheets import csv_field, xlsx_row

# A list export stops here: enough for a season, not a way to copy the database.
EXPORT_MAX_ROWS = 50_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_filters(filters: object) -> dict[str, object]:
    """The filters that were set (a dataclass of filters or a dict), dates as ISO text:
    what an export's audit row records."""
    values = dataclasses.asdict(filters) if dataclasses.is_dataclass(filters) else filters  # type: ignore[arg-type]
    assert isinstance(values, dict)
    return {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in values.items()
        if value not in ("", None, False, [], ())
    }


def export_response(
    *,
    stem: str,
    sheet_title: str,
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    file_format: str = "xlsx",
) -> HttpResponse | FileResponse:
    """An attachment ``<stem>-<today>.xlsx`` (or ``.csv`` for ``file_format="csv"``): a
    header row frozen at the top, then ``rows``; every text written as text."""
    stamp = clock.local_today().isoformat()
    titles = [str(header) for header in headers]
    if file_format == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(titles)
        for row in rows:
            writer.writerow([csv_field(v) if isinstance(v, str) else v for v in row])
        response = HttpResponse(
            "\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8"
        )  # the byte-order mark lets Excel read the Chinese as UTF-8
        response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, titles))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    target = io.BytesIO()
    workbook.save(target)
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=f"{stem}-{stamp}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
