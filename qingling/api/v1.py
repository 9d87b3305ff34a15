"""The typed REST API, version 1. Every error answers ``{message, code, extra}``."""

import datetime as dt
import uuid
from http import HTTPStatus

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.params.functions import Query
from ninja.security import SessionAuth

from qingling.accounts.permissions import Perm, can
from qingling.api.complaints import complaints_router
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
    title="Qingling API", version="1", urls_namespace="api-v1", auth=StaffSession(csrf=True)
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
            str(part) for part in error.get("loc", ()) if part not in {"body", "query", "payload"}
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


ERRORS = {
    HTTPStatus.BAD_REQUEST: ErrorOut,
    HTTPStatus.UNAUTHORIZED: ErrorOut,
    HTTPStatus.FORBIDDEN: ErrorOut,
    HTTPStatus.NOT_FOUND: ErrorOut,
    HTTPStatus.CONFLICT: ErrorOut,
    HTTPStatus.UNPROCESSABLE_ENTITY: ErrorOut,
}

workdays = Router(tags=["workdays"])


class WorkdaysOut(Schema):
    start: dt.date
    days: int
    date: dt.date
    provisional: bool = Field(description="True when the date rests on a year with no schedule")


@workdays.get(
    "/add",
    response={HTTPStatus.OK: WorkdaysOut, **ERRORS},
    operation_id="add_workdays",
    summary="Add working days to a date",
)
def add_workdays(
    request: HttpRequest, start: dt.date, days: int = Query(..., ge=0, le=3650)
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


class OrganizationRegisterIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    credit_code: str = ""
    division: str | None = None
    address: str = ""


def _require(request: HttpRequest, perm: Perm) -> None:
    if not can(request.user, perm):
        raise Forbidden(_("Your role does not allow this."))


@organizations.get(
    "",
    response={HTTPStatus.OK: list[OrganizationOut], **ERRORS},
    operation_id="list_organizations",
    summary="Search organizations",
)
def list_organizations(
    request: HttpRequest,
    q: str = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> object:
    _require(request, Perm.PARTY_VIEW)
    return party_selectors.organization_list_for_user(user=request.user, query=q)[
        offset : offset + limit
    ]


@organizations.get(
    "/{public_id}",
    response={HTTPStatus.OK: OrganizationOut, **ERRORS},
    operation_id="get_organization",
    summary="One organization",
)
def get_organization(request: HttpRequest, public_id: uuid.UUID) -> Organization:
    _require(request, Perm.PARTY_VIEW)
    return party_selectors.organization_get_for_user(user=request.user, public_id=public_id)


@organizations.post(
    "",
    response={HTTPStatus.CREATED: OrganizationOut, **ERRORS},
    operation_id="register_organization",
    summary="Register an organization",
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
