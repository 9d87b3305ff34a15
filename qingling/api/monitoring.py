"""A month of monitoring data pushed by the provincial platform (issue 16).

``POST /api/v1/monitoring/months/{month}`` takes the month's files as one ZIP
(multipart field ``file``) from a source system of channel ``monitoring``, with its own
API key as complaints take (``Authorization: Bearer <key>`` or ``X-API-Key``), and
answers 202 with the import job the worker runs; ``GET /api/v1/monitoring/jobs/{id}``
answers its progress, the warnings added and every bad row by file, line and reason.

``monitoring_router(errors)`` builds the router with the API's error responses, so
that this module needs nothing from ``qingling.api.v1``, which mounts it.
"""

import uuid
from collections.abc import Mapping
from http import HTTPStatus

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params.functions import File, Path

from qingling.api.complaints import (
    SystemKeyBearer,
    SystemKeyHeader,
    no_valid_key,
    with_accept_language,
)
from qingling.core.exceptions import NotFound
from qingling.core.models import ImportJob
from qingling.core.workbooks import import_size_check
from qingling.intake.models import SourceSystem
from qingling.prevention import selectors, services

MONTH = Path(..., pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
FILE = File(..., description="The month's five files in one ZIP")


class BadRowOut(Schema):
    line: int
    file: str
    reason: str


class MonthJobOut(Schema):
    id: uuid.UUID
    month: str
    status: str
    warnings_added: int
    warnings_already_recorded: int
    bad_rows: int
    report: list[BadRowOut]
    error: str

    @staticmethod
    def resolve_id(obj: ImportJob) -> uuid.UUID:
        return obj.public_id

    @staticmethod
    def resolve_month(obj: ImportJob) -> str:
        return str(obj.params.get("month", ""))

    @staticmethod
    def resolve_warnings_added(obj: ImportJob) -> int:
        return obj.rows_created

    @staticmethod
    def resolve_warnings_already_recorded(obj: ImportJob) -> int:
        return obj.rows_updated

    @staticmethod
    def resolve_bad_rows(obj: ImportJob) -> int:
        return obj.rows_failed

    @staticmethod
    def resolve_report(obj: ImportJob) -> list[dict[str, object]]:
        return [
            {
                "line": row.get("line", 0),
                "file": row.get("field", ""),
                "reason": row.get("message", ""),
            }
            for row in obj.report
        ]


def _system(request: HttpRequest) -> SourceSystem:
    system: SourceSystem = request.auth  # type: ignore[attr-defined]
    return system


def push_month(request: HttpRequest, month: str = MONTH, file: UploadedFile = FILE) -> object:
    import_size_check(file.size)
    job = services.monitoring_month_submit(
        content=file.read(), month=month, system=_system(request)
    )
    return Status(HTTPStatus.ACCEPTED, job)


def get_month_job(request: HttpRequest, job_id: uuid.UUID) -> ImportJob:
    job = selectors.month_job_for_system(system_id=_system(request).pk, public_id=job_id)
    if job is None:
        raise NotFound(_("Your system sent no month with this job number."))
    return job


def monitoring_router(errors: Mapping[HTTPStatus, type[Schema]]) -> Router:
    router = Router(tags=["monitoring"], auth=[SystemKeyBearer(), SystemKeyHeader(), no_valid_key])
    router.add_decorator(with_accept_language, mode="view")
    router.add_api_operation(
        "/months/{month}",
        ["POST"],
        push_month,
        response={
            HTTPStatus.ACCEPTED: MonthJobOut,
            **{HTTPStatus(s): errors[HTTPStatus(s)] for s in (400, 401, 403, 422)},
        },
        operation_id="push_monitoring_month",
        summary="Send a month of monitoring data",
        description="The five files (projects, roster, attendance, payroll, labour_cost; CSV "
        "or Parquet) in one ZIP. 202 with the job the worker runs; a new month replaces the "
        "month sent before, and warnings already recorded are not added twice.",
    )
    router.add_api_operation(
        "/jobs/{job_id}",
        ["GET"],
        get_month_job,
        response={
            HTTPStatus.OK: MonthJobOut,
            **{HTTPStatus(s): errors[HTTPStatus(s)] for s in (401, 404, 422)},
        },
        operation_id="get_monitoring_job",
        summary="Progress of a month this system sent",
    )
    return router
