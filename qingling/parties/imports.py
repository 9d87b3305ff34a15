"""A project's roster (实名制花名册) from a workbook (XLSX): reading it, one worker a row.

``parse_roster_xlsx`` reads the first sheet; its header row may use the Chinese column
names contractors write (姓名, 身份证号, 手机, 班组, 工种, 进场日期) or the English field
names (name, id_number, phone, team, trade, joined_on). ``read_roster_row`` checks one
row's values and says what is wrong with each field. The write is
``services.roster_import``: each row all or nothing, bad rows reported by line and
reason. Pure reading: no query, no write.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from qingling.core.workbooks import (
    RowErrors,
    RowFailure,
    SheetImportResult,
    SheetRow,
    add_error,
    cell_date,
    cell_id_number,
    cell_phone,
    cell_text,
    sheet_rows,
)

FIELDS = ("name", "id_number", "phone", "team", "trade", "joined_on")
REQUIRED = ("name", "id_number")
HEADER_ALIASES = {
    "姓名": "name",
    "工人姓名": "name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "手机": "phone",
    "手机号": "phone",
    "手机号码": "phone",
    "联系电话": "phone",
    "班组": "team",
    "所属班组": "team",
    "班组长": "team",
    "工种": "trade",
    "进场日期": "joined_on",
    "进场时间": "joined_on",
}
NAME_LIMIT = 50
TRADE_LIMIT = 50
TEAM_SUFFIXES = ("班组", "班")


RosterRow = SheetRow


@dataclass(frozen=True)
class RosterValues:
    """One row's checked values; ``team`` is the leader's name as written ("" for none)."""

    name: str
    id_number: str
    phone: str
    team: str
    trade: str
    joined_on: dt.date | None


RosterImportFailure = RowFailure


RosterImportResult = SheetImportResult


def parse_roster_xlsx(content: bytes) -> list[RosterRow]:
    """The rows of the first sheet under its header row; empty rows are skipped."""
    return sheet_rows(
        content,
        aliases=HEADER_ALIASES,
        fields=FIELDS,
        required=REQUIRED,
        missing_message=lambda missing: (
            _("The sheet has no column for: %(fields)s (姓名, 身份证号).")
            % {"fields": ", ".join(missing)}
        ),
    )


# --- reading one row -----------------------------------------------------------------------


def team_leader_names(written: str) -> list[str]:
    """The leader's names a team cell may mean: as written, then without 班组/班."""
    return [written] + [
        written.removesuffix(suffix).strip()
        for suffix in TEAM_SUFFIXES
        if written.endswith(suffix) and len(written) > len(suffix)
    ]


def read_roster_row(row: RosterRow) -> tuple[RosterValues, RowErrors]:
    """The row's values, checked; the errors say which field is wrong and why."""
    errors: RowErrors = {}
    name = cell_text(row.values.get("name"))
    if not name:
        add_error(errors, "name", _("Enter the worker's name."))
    elif len(name) > NAME_LIMIT:
        add_error(errors, "name", _("At most %(limit)d characters.") % {"limit": NAME_LIMIT})
    trade = cell_text(row.values.get("trade"))
    if len(trade) > TRADE_LIMIT:
        add_error(errors, "trade", _("At most %(limit)d characters.") % {"limit": TRADE_LIMIT})
    values = RosterValues(
        name=name,
        id_number=cell_id_number(row.values.get("id_number"), errors),
        phone=cell_phone(row.values.get("phone"), errors),
        team=cell_text(row.values.get("team")),
        trade=trade,
        joined_on=cell_date(row.values.get("joined_on"), errors, field="joined_on"),
    )
    return values, errors
