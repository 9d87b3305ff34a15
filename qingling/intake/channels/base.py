"""What every channel produces: a ComplaintDraft, registered by one service.

A channel adapter turns whatever arrived (a phone form, a staff form, a 12345 work
order, a national-platform transfer order, an Open311 request, a row of an
imported file) into a draft; ``complaint_register`` then validates it, finds a
duplicate delivery, and stores it exactly once.
"""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from qingling.core.exceptions import InvalidInput


@dataclass(frozen=True)
class WorkerEntry:
    """One worker a group complaint names, as typed: a name, a mobile or an ID number, and
    the amount owed to this worker if known. ``line`` is where it was read (a line of the
    form's list, a row of a sheet), for the message that names a bad one."""

    name: str = ""
    phone: str = ""
    id_number: str = ""
    amount: Decimal | None = None
    line: int = 0


@dataclass(frozen=True)
class SettlementLine:
    """Money paid to one worker in a settlement; ``worker`` is a ComplaintWorker's pk."""

    payee: str
    amount: Decimal | None
    paid_on: dt.date | None
    worker: int | None = None


@dataclass
class ComplaintDraft:
    kind: str = "complaint"
    anonymous: bool = False
    name: str = ""
    id_number: str = ""
    phone: str = ""
    employer_name: str = ""
    project_name: str = ""
    division_code: str = ""
    amount: Decimal | None = None
    headcount: int | None = None
    period: str = ""
    narrative: str = ""
    source_ref: str = ""
    uploads: list[UploadedFile] = field(default_factory=list)
    workers: list[WorkerEntry] = field(default_factory=list)


class FieldErrors:
    """Collects every bad field of one input, so the answer names all of them at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.fields:
            raise InvalidInput(_("Some fields are not valid."), extra={"fields": self.fields})


def text(
    raw: Mapping[str, object], key: str, *, limit: int = 200, errors: FieldErrors | None = None
) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    result = " ".join(str(value).split()) if limit <= 200 else str(value).strip()
    if len(result) > limit and errors is not None:
        errors.add(key, _("At most %(limit)d characters.") % {"limit": limit})
    return result[:limit]


def decimal_or_none(raw: Mapping[str, object], key: str, errors: FieldErrors) -> Decimal | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        errors.add(key, _("Enter an amount in yuan, such as 12000 or 12000.50."))
        return None
    if not number.is_finite():
        errors.add(key, _("Enter an amount in yuan, such as 12000 or 12000.50."))
        return None
    return number


def int_or_none(raw: Mapping[str, object], key: str, errors: FieldErrors) -> int | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        errors.add(key, _("Enter a whole number."))
        return None


def bool_value(raw: Mapping[str, object], key: str) -> bool:
    value = raw.get(key)
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "on", "是"}


# A comma between digits that groups thousands ("6,600", "18,600.50").
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def worker_lines(raw: str, errors: FieldErrors, *, key: str = "workers") -> list[WorkerEntry]:
    """The workers typed one a line: "name, mobile or ID number, amount" (commas, Chinese
    commas, spaces or tabs between). The second part is a mobile when it has 11 digits,
    else an ID number; an amount that is no number goes to ``errors``."""
    entries = []
    for number, line in enumerate(raw.splitlines(), start=1):
        line = THOUSANDS.sub("", line)  # "6,600": one amount, not two parts
        parts = [p for p in re.split(r"[,，、;；\s]+", line.strip()) if p]
        if not parts:
            continue
        name, phone, id_number, amount = parts[0], "", "", None
        for part in parts[1:]:
            digits = part.replace("-", "")
            if digits.isdigit() and len(digits) == 11 and not phone:
                phone = digits
            elif len(part) >= 15 and part[:-1].isdigit() and not id_number:
                id_number = part
            else:
                cleaned = part.removesuffix("元").replace(",", "")
                try:
                    amount = Decimal(cleaned)
                except InvalidOperation:
                    errors.add(
                        key,
                        _("Line %(line)d: “%(value)s” is not a mobile, an ID number or an amount.")
                        % {"line": number, "value": part[:20]},
                    )
        entries.append(
            WorkerEntry(name=name, phone=phone, id_number=id_number, amount=amount, line=number)
        )
    return entries
