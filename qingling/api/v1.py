"""The typed REST API, version 1. Every error answers ``{message, code, extra}``."""

import datetime as dt
import uuid
from http import HTTPStatus
from typing import Annotated

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.params.functions import Query
from ninja.security import SessionAuth

from qingling.accounts.permissions import Perm, can
from qingling.api.blacklist import blacklist_router
from qingling.api.complaints import complaints_router
from qingling.api.monitoring import monitoring_router
from qingling.api.params import DAY_RANGE, Day, InputSchema, NulRefusingParser, Page
from qingling.api.registry import registry_router
from qingling.api.stats import stats_router
from qingling.core.exceptions import ApplicationError, Forbidden
from qingling.core.selectors import division_get, workdays_add
from qingling.parties import selectors as party_selectors
from qingling.parties import services as party_services
from qingling.parties.models import Organization


class StaffSession(SessionAuth):
    """A signed-in member of staff (session cookie plus CSRF token on writes)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> object | None:
        user = super().authenticate(request, key)
        return user if user is not None and user.role else None


api = NinjaAPI(
    title="Qingling API",
    version="1",
    urls_namespace="api-v1",
    auth=StaffSession(csrf=True),
    parser=NulRefusingParser(),
)


class ErrorOut(Schema):
    message: str
    code: str
    extra: dict[str, object]


def _error(
    request: HttpRequest,
    status: int,
    message: str,
    code: str,
    extra: dict[str, object] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"message": message, "code": code, "extra": extra or {}}, status=status
    )


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return _error(request, exc.status, exc.message, exc.code, exc.extra)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [
            str(part)
            for part in error.get("loc", ())
            if part not in {"body", "query", "path", "payload"}
        ]
        fields.setdefault(".".join(location) or "__all__", []).append(str(error.get("msg")))
    return _error(request, 422, _("Some fields are not valid."), "invalid", {"fields": fields})


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("Sign in first."), "unauthenticated")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."), "not_found")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc), "http_error")


# Every status an operation can answer with an error; each operation declares its own.
ERRORS = {
    HTTPStatus.BAD_REQUEST: ErrorOut,
    HTTPStatus.UNAUTHORIZED: ErrorOut,
    HTTPStatus.FORBIDDEN: ErrorOut,
    HTTPStatus.NOT_FOUND: ErrorOut,
    HTTPStatus.CONFLICT: ErrorOut,
    HTTPStatus.UNPROCESSABLE_ENTITY: ErrorOut,
}


def errors(*statuses: int) -> dict[HTTPStatus, type[Schema]]:
    return {HTTPStatus(status): ERRORS[HTTPStatus(status)] for status in statuses}


workdays = Router(tags=["workdays"])
START = Query(..., description=DAY_RANGE)


class WorkdaysOut(Schema):
    start: dt.date
    days: int
    date: dt.date
    provisional: bool = Field(description="True when the date rests on a year with no schedule")


@workdays.get(
    "/add",
    response={HTTPStatus.OK: WorkdaysOut, **errors(401, 422)},
    operation_id="add_workdays",
    summary="Add working days to a date",
)
def add_workdays(
    request: HttpRequest,
    start: Day = START,
    days: int = Query(..., ge=0, le=3650),
) -> object:
    result = workdays_add(start=start, days=days)
    return {"start": start, "days": days, "date": result.date, "provisional": result.provisional}


organizations = Router(tags=["organizations"])


class OrganizationOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    name: str
    credit_code: str
    division: str | None = Field(None, alias="division_id")
    address: str


class OrganizationRegisterIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    credit_code: str = ""
    division: str | None = None
    address: str = Field("", max_length=200)


# A staff session's write needs Django's CSRF token: the csrftoken cookie's value in
# this header (else 403). Declared here, since the session scheme cannot say it.
CSRF_HEADER = {
    "in": "header",
    "name": "X-CSRFToken",
    "required": True,
    "description": "The value of the csrftoken cookie (a staff session's writes need it)",
    "schema": {"type": "string"},
}


def _require(request: HttpRequest, perm: Perm) -> None:
    if not can(request.user, perm):
        raise Forbidden(_("Your role does not allow this."))


@organizations.get(
    "",
    response={HTTPStatus.OK: list[OrganizationOut], **errors(401, 403, 422)},
    operation_id="list_organizations",
    summary="Search organizations",
)
def list_organizations(
    request: HttpRequest,
    page: Annotated[Page, Query()],
    q: str = "",
) -> object:
    _require(request, Perm.PARTY_VIEW)
    found = party_selectors.organization_list_for_user(user=request.user, query=q)
    return found[page.offset : page.offset + page.limit]


@organizations.get(
    "/{public_id}",
    response={HTTPStatus.OK: OrganizationOut, **errors(401, 403, 404, 422)},
    operation_id="get_organization",
    summary="One organization",
)
def get_organization(request: HttpRequest, public_id: uuid.UUID) -> Organization:
    _require(request, Perm.PARTY_VIEW)
    return party_selectors.organization_get_for_user(user=request.user, public_id=public_id)


@organizations.post(
    "",
    response={HTTPStatus.CREATED: OrganizationOut, **errors(400, 401, 403, 409, 422)},
    operation_id="register_organization",
    summary="Register an organization",
    openapi_extra={"parameters": [CSRF_HEADER]},
)
def register_organization(request: HttpRequest, payload: OrganizationRegisterIn) -> object:
    _require(request, Perm.PARTY_EDIT)
    division = division_get(code=payload.division) if payload.division else None
    if payload.division and division is None:
        raise ApplicationError(
            _("Unknown division code."),
            code="invalid",
            extra={"fields": {"division": [_("Unknown division code.")]}},
        )
    organization = party_services.organization_register(
        name=payload.name,
        credit_code=payload.credit_code,
        division=division,
        address=payload.address,
        actor=request.user,
    )
    return Status(HTTPStatus.CREATED, organization)


api.add_router("/workdays", workdays)
api.add_router("/organizations", organizations)
api.add_router("/complaints", complaints_router(ERRORS))
api.add_router("/stats", stats_router(ERRORS))
api.add_router("/blacklist", blacklist_router(ERRORS, StaffSession(csrf=True)))
api.add_router("/monitoring", monitoring_router(ERRORS))
api.add_router("/registry", registry_router(ERRORS))
