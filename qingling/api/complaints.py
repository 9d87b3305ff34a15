"""Work orders pushed by the source systems (12345 工单, national-platform 转办单).

Each system authenticates with its own API key (``Authorization: Bearer <key>`` or
``X-API-Key``); the complaint's channel is the system's. A delivery is stored once:
the same ``source_ref`` from the same channel, or the same ``Idempotency-Key``, answers
200 with the complaint already stored. Messages follow ``Accept-Language`` (zh or en;
Chinese by default), since a system has no language cookie.

``complaints_router(errors)`` builds the router with the API's error responses, so
that this module needs nothing from ``qingling.api.v1``, which mounts it.
"""

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.params.functions import Header, Path
from ninja.security import APIKeyHeader, HttpBearer
from pydantic import ConfigDict

from qingling.api.params import NO_NUL, InputSchema
from qingling.core.exceptions import ApplicationError, Conflict, InvalidInput, NotFound
from qingling.intake import selectors, services
from qingling.intake.channels.files import (
    SOURCE_REF_LIMIT,
    work_order_draft,
    work_order_fields,
)
from qingling.intake.models import Complaint, SourceSystem

IDEMPOTENCY_KEY_LIMIT = 100


class Unauthenticated(ApplicationError):
    status = 401

    def __init__(self) -> None:
        super().__init__(
            _("Give your system's API key as Authorization: Bearer <key> or X-API-Key."),
            code="unauthenticated",
        )


class KeyScopeRefused(ApplicationError):
    """A registered key used for what its scope does not allow (``SourceSystem.scope``)."""

    status = 403

    def __init__(self, scope: str) -> None:
        if scope == SourceSystem.Scope.BLACKLIST_FEED:
            message = _("This key only reads the blacklist feed: it cannot file complaints.")
        else:
            message = _("This key files complaints: it cannot read the blacklist feed.")
        super().__init__(message, code="key_scope_refused")


def system_for_key(key: str, scope: str) -> SourceSystem | None:
    """The active system of ``key`` if its scope is ``scope``; a key of another scope is
    refused (403) rather than taken for no key."""
    system = selectors.source_system_by_key(key=key.strip()) if key.strip() else None
    if system is not None and system.scope != scope:
        raise KeyScopeRefused(system.scope)
    return system


class SystemKeyBearer(HttpBearer):
    """``Authorization: Bearer <key>``: the key of a registered source system whose scope
    is ``scope`` (by default a complaint-filing system)."""

    def __init__(self, scope: str = SourceSystem.Scope.COMPLAINTS) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> SourceSystem | None:
        return system_for_key(token, self.scope)


class SystemKeyHeader(APIKeyHeader):
    """``X-API-Key: <key>``: the key of a registered source system whose scope is
    ``scope`` (by default a complaint-filing system)."""

    param_name = "X-API-Key"

    def __init__(self, scope: str = SourceSystem.Scope.COMPLAINTS) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, key: str | None) -> SourceSystem | None:
        return system_for_key(key or "", self.scope)


def no_valid_key(request: HttpRequest) -> None:
    """Tried last: neither header held an active key, so say how to give one."""
    raise Unauthenticated


def language_from_header(request: HttpRequest) -> str | None:
    """``zh…`` or ``en…`` from Accept-Language, in the client's order of preference."""
    ranked = []
    for position, part in enumerate(request.headers.get("Accept-Language", "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()))
    for _quality, _position, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh-hans"
        if tag.startswith("en"):
            return "en"
    return None


def with_accept_language(
    run: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Answer in the language the system asked for, errors included (wraps auth and parsing)."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        language = language_from_header(request) or translation.get_language()
        with translation.override(language):
            response = run(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language",))
        return response

    return wrapper


def _source_ref_required(schema: dict[str, Any]) -> None:
    """The document says what the service requires: ``source_ref`` (which the service,
    not the parser, checks, so that one 400 names it with every other bad field)."""
    schema["required"] = ["source_ref"]


class ComplaintPushIn(InputSchema):
    """A work order or transfer order. Only ``source_ref`` is always required; the rest
    are checked together and every bad field is named in one answer."""

    model_config = ConfigDict(json_schema_extra=_source_ref_required)

    source_ref: str = Field(
        "",
        description="Required: the source system's own number",
        json_schema_extra={"maxLength": SOURCE_REF_LIMIT},
    )
    kind: str = Field("complaint", description="complaint (投诉, by the worker) or report (举报)")
    anonymous: bool = Field(False, description="Only a report can be anonymous")
    name: str = Field("", description="The worker owed (required unless anonymous)")
    id_number: str = Field("", description="公民身份号码, 18 characters")
    phone: str = Field("", description="Mobile number (required for a complaint)")
    employer_name: str = ""
    project_name: str = ""
    division_code: str = Field("", description="Division code, e.g. 220402")
    amount: str | float | None = Field(None, description="Yuan, decimal string or number")
    headcount: int | float | str | None = Field(None, description="Number of workers owed")
    period: str = Field("", description="Period owed, as stated")
    narrative: str = Field("", description="The order's text (诉求内容)")
    received_at: str | None = Field(
        None,
        description="ISO 8601 time the source system received it; naive times are "
        "Asia/Shanghai; default: now",
        json_schema_extra={"format": "date-time"},
    )


class ComplaintOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    number: str
    source_ref: str
    channel: str
    kind: str
    status: str
    received_at: dt.datetime
    acceptance_due: dt.date = Field(description="The decision on acceptance is due by this day")
    acceptance_due_provisional: bool = Field(
        description="True when the deadline rests on a year whose holidays are not published"
    )


class DecisionOut(Schema):
    status_label: str
    reason: str
    reason_label: str
    referred_to: str
    decided_at: dt.datetime | None


class ComplaintStatusOut(ComplaintOut):
    decision: DecisionOut | None = Field(description="Null while undecided")
    replied_at: dt.datetime | None

    @staticmethod
    def resolve_decision(obj: Complaint) -> dict[str, object] | None:
        if obj.decided_at is None:
            return None
        return {
            "status_label": str(obj.get_status_display()),
            "reason": obj.decision_reason,
            "reason_label": str(obj.get_decision_reason_display()) if obj.decision_reason else "",
            "referred_to": obj.referred_to,
            "decided_at": obj.decided_at,
        }


def _system(request: HttpRequest) -> SourceSystem:
    system: SourceSystem = request.auth  # type: ignore[attr-defined]
    return system


IDEMPOTENCY_KEY = Header(
    "",
    alias="Idempotency-Key",
    description="Optional: a repeated key from the same channel answers the stored complaint",
)
# Documented, not parsed: push_complaint names a longer key among the body's bad fields.
IDEMPOTENCY_KEY.json_schema_extra["maxLength"] = IDEMPOTENCY_KEY_LIMIT


def push_complaint(
    request: HttpRequest,
    payload: ComplaintPushIn,
    idempotency_key: str = IDEMPOTENCY_KEY,
) -> object:
    system = _system(request)
    order = work_order_draft(payload.model_dump())
    idempotency_key = idempotency_key.strip()
    if len(idempotency_key) > IDEMPOTENCY_KEY_LIMIT:
        order.errors.add(
            "Idempotency-Key", _("At most %(limit)d characters.") % {"limit": IDEMPOTENCY_KEY_LIMIT}
        )
    try:
        if order.errors.fields:
            services.complaint_draft_validate(draft=order.draft, errors=order.errors)
        result = services.complaint_register(
            draft=order.draft,
            channel=system.channel,
            actor=None,
            received_at=order.received_at,
            source_system=system,
            idempotency_key=idempotency_key,
        )
    except InvalidInput as error:
        fields = work_order_fields(error.extra.get("fields", {}))
        raise InvalidInput(error.message, extra={**error.extra, "fields": fields}) from None
    if result.complaint.source_system_id != system.pk:
        raise Conflict(
            _("Another system already delivered an order with this number or key."),
            code="duplicate_elsewhere",
            extra={"fields": {"source_ref": [_("Already used by another system.")]}},
        )
    status = HTTPStatus.CREATED if result.created else HTTPStatus.OK
    return Status(status, result.complaint)


SOURCE_REF = Path(
    ..., max_length=SOURCE_REF_LIMIT, pattern=NO_NUL, description="The number the system pushed"
)


def get_pushed_complaint(request: HttpRequest, source_ref: str = SOURCE_REF) -> Complaint:
    complaint = selectors.complaint_get_for_system(system=_system(request), source_ref=source_ref)
    if complaint is None:
        raise NotFound(_("Your system delivered no order with this number."))
    return complaint


def complaints_router(errors: Mapping[HTTPStatus, type[Schema]]) -> Router:
    """The router, with ``errors`` (the API's ``{message, code, extra}`` schema by status;
    each operation declares the statuses it answers)."""
    router = Router(tags=["complaints"], auth=[SystemKeyBearer(), SystemKeyHeader(), no_valid_key])
    router.add_decorator(with_accept_language, mode="view")
    router.add_api_operation(
        "",
        ["POST"],
        push_complaint,
        response={
            HTTPStatus.CREATED: ComplaintOut,
            HTTPStatus.OK: ComplaintOut,
            **{HTTPStatus(s): errors[HTTPStatus(s)] for s in (400, 401, 409, 422)},
        },
        operation_id="push_complaint",
        summary="Push a work order or transfer order",
        description="201 with the new complaint; 200 with the stored one when the same "
        "`source_ref` or the same `Idempotency-Key` was delivered before.",
    )
    router.add_api_operation(
        "/{path:source_ref}",
        ["GET"],
        get_pushed_complaint,
        response={
            HTTPStatus.OK: ComplaintStatusOut,
            **{HTTPStatus(s): errors[HTTPStatus(s)] for s in (401, 404, 422)},
        },
        operation_id="get_pushed_complaint",
        summary="Status and decision of an order this system pushed",
    )
    return router
