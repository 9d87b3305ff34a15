"""Registry files pushed by a system (issue 15): roster, attendance, payroll and labour cost.

``POST /api/v1/registry/projects/{code}/{kind}`` takes one file (multipart field ``file``,
CSV or XLSX, the columns of docs/compliance.md) for the project with that code, from a
source system of channel ``monitoring`` with its own API key as complaints take
(``Authorization: Bearer <key>`` or ``X-API-Key``). The file is imported at once: 200
with the rows kept, those already on file and every bad row by line, column and reason;
a bad row never stops the others. A file over the import limits or without a required
column is refused whole (400).

``registry_router(errors)`` builds the router with the API's error responses, so this
module needs nothing from ``qingling.api.v1``, which mounts it.
"""

from collections.abc import Callable, Mapping
from http import HTTPStatus

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.files import UploadedFile
from ninja.params.functions import File, Path

from qingling.api.complaints import (
    SystemKeyBearer,
    SystemKeyHeader,
    no_valid_key,
    with_accept_language,
)
from qingling.core.workbooks import SheetImportResult, import_size_check
from qingling.intake.models import SourceSystem
from qingling.prevention import registry_services

CODE = Path(..., max_length=64, description="The project's code (项目编码)")
FILE = File(..., description="One CSV or XLSX file of this kind")


class BadRowOut(Schema):
    line: int
    field: str
    reason: str


class ImportOut(Schema):
    kind: str
    created: int
    already_on_file: int
    bad_rows: int
    report: list[BadRowOut]


def _out(kind: str, result: SheetImportResult) -> dict[str, object]:
    return {
        "kind": kind,
        "created": result.created,
        "already_on_file": result.updated,
        "bad_rows": result.failed,
        "report": [
            {"line": f.line, "field": f.field, "reason": f.message} for f in result.failures
        ],
    }


def _push(kind: str) -> Callable[..., object]:
    def push(request: HttpRequest, code: str = CODE, file: UploadedFile = FILE) -> object:
        import_size_check(file.size)
        system: SourceSystem = request.auth  # type: ignore[attr-defined]
        result = registry_services.registry_file_submit(
            project_code=code,
            kind=kind,
            content=file.read(),
            filename=file.name or "",
            system=system,
        )
        return _out(kind, result)

    return push


def registry_router(errors: Mapping[HTTPStatus, type[Schema]]) -> Router:
    router = Router(tags=["registry"], auth=[SystemKeyBearer(), SystemKeyHeader(), no_valid_key])
    router.add_decorator(with_accept_language, mode="view")
    for kind, summary in (
        ("roster", "Send a project's real-name roster"),
        ("attendance", "Send a project's attendance"),
        ("payroll", "Send a project's payroll sheet"),
        ("labour_cost", "Send a project's labour-cost transfers"),
    ):
        router.add_api_operation(
            f"/projects/{{code}}/{kind}",
            ["POST"],
            _push(kind),
            response={
                HTTPStatus.OK: ImportOut,
                **{HTTPStatus(s): errors[HTTPStatus(s)] for s in (400, 401, 403, 404, 422)},
            },
            operation_id=f"push_registry_{kind}",
            summary=summary,
            description="One CSV or XLSX file in the columns of docs/compliance.md. Every "
            "bad row is reported by line and reason and the good rows are kept; a row "
            "already on file is not added twice.",
        )
    return router
