"""Parameters shared by the API's operations, validated in one place.

A NUL character is refused in every string a body (``InputSchema``), a query string
(``NulRefusingParser``) or a free-text path parameter (``NO_NUL``) brings: no database
column can hold one (PostgreSQL raised an error, a 500), and Django's forms refuse it
too.

``Day`` bounds every date the API accepts, so that arithmetic on it (working days
after it, the instant after the last day of a period) stays within Python's dates;
``Page`` bounds every list's ``limit`` and ``offset``, so that ``offset + limit`` fits
the databases' 64-bit integers (a larger number was a 500 on SQLite and PostgreSQL).
"""

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.parser import Parser
from pydantic import field_validator

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
PAGE_LIMIT = 200
OFFSET_MAX = 2**31 - 1

DAY_RANGE = f"YYYY-MM-DD, from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]


class Page(Schema):
    """``limit`` items from ``offset`` (query parameters of every list)."""

    limit: int = Field(50, ge=1, le=PAGE_LIMIT, description=f"At most {PAGE_LIMIT}")
    offset: int = Field(0, ge=0, le=OFFSET_MAX, description="Items to skip")


NO_NUL = r"^[^\x00]*$"  # the pattern of a path parameter that is free text


def _nul_locations(value: Any, location: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, str):
        if "\x00" in value:
            yield location
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                yield (*location, str(key))
            yield from _nul_locations(item, (*location, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_locations(item, (*location, index))


def _refuse_nul(data: Any, source: str) -> None:
    errors = [
        {"loc": location, "msg": _("Null characters are not allowed."), "type": "nul"}
        for location in _nul_locations(data, (source,))
    ]
    if errors:
        raise ValidationError(errors)


class InputSchema(Schema):
    """The base of every request body: no NUL character in any of its strings."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if next(_nul_locations(value, ()), None) is not None:
            raise ValueError(_("Null characters are not allowed."))
        return value


class NulRefusingParser(Parser):
    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result, "query")
        return result
