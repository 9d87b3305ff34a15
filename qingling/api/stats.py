"""``GET /api/v1/stats?from=YYYY-MM-DD&to=YYYY-MM-DD``: the figures for a period.

The same JSON object as ``qingling stats --json`` (both call
``reports.statistics.statistics_for_period``); docs/statistics.md defines each key.
The response schema is built from the registry of metrics, so a key added there
appears here (regenerate docs/openapi.json with ``make schema``).

``stats_router(errors)`` builds the router with the API's error responses, so that
this module needs nothing from ``qingling.api.v1``, which mounts it.
"""

import typing
from collections.abc import Mapping
from http import HTTPStatus
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.params.functions import Query
from pydantic import create_model

from qingling.accounts.permissions import Perm, can
from qingling.api.params import DAY_RANGE, Day
from qingling.core.exceptions import Forbidden
from qingling.reports.statistics import METRICS, statistics_for_period

# The figures that are money are decimal strings of yuan ("2800000.00").
YUAN = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", description="yuan, two decimal places")]


def _schema() -> type[Schema]:
    fields: dict[str, Any] = {}
    for key, m in METRICS.items():
        kind = typing.get_type_hints(m.compute)["return"]
        fields[key] = (YUAN if kind is str else kind, ...)
    return create_model("StatsOut", __base__=Schema, **fields)


StatsOut = _schema()
FROM = Query(..., alias="from", description=f"First day, {DAY_RANGE}")
TO = Query(..., alias="to", description=f"Last day, {DAY_RANGE}")


def stats_router(errors: Mapping[HTTPStatus, type[Schema]]) -> Router:
    router = Router(tags=["statistics"])

    @router.get(
        "",
        response={
            HTTPStatus.OK: StatsOut,
            **{HTTPStatus(s): errors[HTTPStatus(s)] for s in (400, 401, 403, 422)},
        },
        operation_id="get_statistics",
        summary="Figures for a period",
        description=(
            "Counted from the records for the inclusive period of local dates "
            "(Asia/Shanghai); each key is defined in docs/statistics.md. City-level staff "
            "get the city's figures, district staff their district's."
        ),
    )
    def get_statistics(
        request: HttpRequest,
        start: Day = FROM,
        end: Day = TO,
    ) -> object:
        if not can(request.user, Perm.STATS_VIEW):
            raise Forbidden(_("Your role does not allow this."))
        return statistics_for_period(start=start, end=end, user=request.user)

    return router
