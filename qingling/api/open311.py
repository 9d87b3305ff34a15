"""Open311 GeoReport v2 at ``/open311/v2/``, so that any 311-style hotline can submit.

One service per kind of complaint; ``POST requests.json`` with a source system's
``api_key`` registers a complaint in that system's channel; the reads are public and
never show personal data: no names, phone or ID numbers, the complainant's name and
any ID or mobile number masked in the text, and no text at all for a report (举报),
whose informant must stay unknown. JSON only: a ``.xml`` URL answers 400 saying so.
Errors are the spec's ``[{"code": 400, "description": "…"}]``.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import re_path
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from qingling.api.complaints import with_accept_language
from qingling.core import clock
from qingling.core.exceptions import ApplicationError, InvalidInput
from qingling.intake import selectors, services
from qingling.intake.channels.files import work_order_draft, work_order_fields
from qingling.intake.lifecycle import ComplaintStatus
from qingling.intake.models import Complaint, SourceSystem

LIST_DAYS = 90  # GeoReport v2: without dates, the last 90 days
LIST_LIMIT = 1000  # … and at most 1000 requests
CLOSED_STATUSES = frozenset(
    {ComplaintStatus.REFERRED, ComplaintStatus.NOT_ACCEPTED, ComplaintStatus.SETTLED}
)
ATTRIBUTES = ("employer_name", "project_name", "amount", "headcount", "period", "source_ref")


@dataclass(frozen=True)
class Service:
    code: str
    kind: str
    name: Any  # lazy translation
    description: Any


SERVICES = {
    service.code: service
    for service in (
        Service(
            "wage_arrears_complaint",
            Complaint.Kind.COMPLAINT,
            gettext_lazy("Wage arrears complaint"),
            gettext_lazy("A worker who is owed wages complains (投诉); name and mobile needed."),
        ),
        Service(
            "wage_arrears_report",
            Complaint.Kind.REPORT,
            gettext_lazy("Wage arrears report"),
            gettext_lazy("Anyone reports unpaid wages (举报); may be anonymous."),
        ),
    )
}
SERVICE_BY_KIND = {service.kind: service for service in SERVICES.values()}


def _attributes() -> list[dict[str, object]]:
    described = (
        ("employer_name", "string", _("Employer"), _("The employer that owes the wages")),
        ("project_name", "string", _("Project"), _("The construction project, if any")),
        ("amount", "number", _("Amount owed"), _("Yuan, such as 12000 or 12000.50")),
        ("headcount", "number", _("Workers owed"), _("How many workers are owed")),
        ("period", "string", _("Period owed"), _("Since when, such as 2021年3月至8月")),
        (
            "source_ref",
            "string",
            _("Your number"),
            _("Your system's own number of the request; sending it again returns the same request"),
        ),
    )
    return [
        {
            "variable": True,
            "code": code,
            "datatype": datatype,
            "required": False,
            "datatype_description": hint,
            "order": order,
            "description": label,
        }
        for order, (code, datatype, label, hint) in enumerate(described, start=1)
    ]


# --- answers ------------------------------------------------------------------------------


def _json(data: object, status: int = HTTPStatus.OK) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(status: int, *descriptions: str) -> JsonResponse:
    return _json([{"code": status, "description": text} for text in descriptions], status)


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions


View = Callable[..., HttpResponseBase]


def open311_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    """JSON only, the allowed methods, errors in the spec's format, Accept-Language."""

    def decorate(view: View) -> View:
        @with_accept_language
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponseBase:
            if fmt.lower() != "json":
                return _error(
                    HTTPStatus.BAD_REQUEST,
                    _("Only the JSON format is supported: use .json instead of .%(format)s.")
                    % {"format": fmt},
                )
            if request.method not in methods:
                return _error(HTTPStatus.METHOD_NOT_ALLOWED, _("Method not allowed."))
            try:
                return view(request, **kwargs)
            except Open311Error as error:
                return _error(error.status, *error.descriptions)
            except ApplicationError as error:
                return _error(error.status, error.message)

        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return csrf_exempt(wrapper)  # systems authenticate with api_key, not a session

    return decorate


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


def public_description(complaint: Complaint) -> str | None:
    """Nothing: a worker's free text names co-workers, addresses, bank cards and
    numbers in any spelling, and masking cannot be trusted to find them all. The
    public sees the kind, the status and the dates; staff read the text."""
    return None


def _status_notes(complaint: Complaint) -> str:
    notes = str(complaint.get_status_display())
    if complaint.status == ComplaintStatus.REFERRED and complaint.referred_to:
        notes += _(": referred to %(body)s") % {"body": complaint.referred_to}
    elif complaint.status == ComplaintStatus.NOT_ACCEPTED and complaint.decision_reason:
        notes += f": {complaint.get_decision_reason_display()}"
    return notes


def public_request(complaint: Complaint) -> dict[str, object]:
    service = SERVICE_BY_KIND[complaint.kind]
    return {
        "service_request_id": complaint.number,
        "status": "closed" if complaint.status in CLOSED_STATUSES else "open",
        "status_notes": _status_notes(complaint),
        "service_name": str(service.name),
        "service_code": service.code,
        "description": public_description(complaint),
        "agency_responsible": _(
            "Labour inspection of the human resources and social security bureau"
        ),
        "service_notice": _("A decision on acceptance is due by %(date)s.")
        % {"date": complaint.acceptance_due.isoformat()},
        "requested_datetime": _iso(complaint.received_at),
        "updated_datetime": _iso(complaint.updated_at),
        "expected_datetime": None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


# --- views --------------------------------------------------------------------------------


@open311_view(("GET",))
def services_list(request: HttpRequest) -> HttpResponse:
    """GET services.json: one service per kind of complaint."""
    return _json(
        [
            {
                "service_code": service.code,
                "service_name": str(service.name),
                "description": str(service.description),
                "metadata": True,
                "type": "realtime",
                "keywords": _("wage arrears, unpaid wages, migrant workers"),
                "group": _("Wage arrears"),
            }
            for service in SERVICES.values()
        ]
    )


@open311_view(("GET",))
def service_definition(request: HttpRequest, code: str) -> HttpResponse:
    """GET services/{code}.json: the attributes a request may carry."""
    if code not in SERVICES:
        raise Open311Error(HTTPStatus.NOT_FOUND, _("No service with this code."))
    return _json({"service_code": code, "attributes": _attributes()})


# Our field names as the spec's request names them, for error descriptions.
OPEN311_NAMES = {
    "name": "first_name",
    "narrative": "description",
    "phone": "phone",
    "kind": "service_code",
    "anonymous": "first_name",
    "id_number": "attribute[id_number]",
    "division_code": "attribute[division_code]",
    "received_at": "requested_datetime",
    **{name: f"attribute[{name}]" for name in ATTRIBUTES},
}


def _field_errors(fields: Mapping[str, list[str]]) -> list[str]:
    return [
        f"{OPEN311_NAMES.get(name, name)}: {message}"
        for name, messages in work_order_fields(fields).items()
        for message in messages
    ]


def _create(request: HttpRequest) -> HttpResponse:
    """POST requests.json: a source system submits one request with its api_key."""
    data = request.POST
    system = (
        selectors.source_system_by_key(key=data.get("api_key", "").strip())
        if data.get("api_key", "").strip()
        else None
    )
    if system is not None and system.scope != SourceSystem.Scope.COMPLAINTS:
        raise Open311Error(
            HTTPStatus.FORBIDDEN,
            _("This key only reads the blacklist feed: it cannot file complaints."),
        )
    if system is None:
        raise Open311Error(HTTPStatus.FORBIDDEN, _("Invalid api_key."))
    service = SERVICES.get(data.get("service_code", ""))
    if service is None:
        raise Open311Error(HTTPStatus.BAD_REQUEST, _("service_code: no service with this code."))

    def attribute(name: str) -> str:
        return data.get(f"attribute[{name}]", "")

    name = (data.get("last_name", "").strip() + data.get("first_name", "").strip()).strip()
    narrative = data.get("description", "").strip()
    if address := data.get("address_string", "").strip():
        with translation.override(settings.LANGUAGE_CODE):  # stored in the bureau's language
            narrative = "\n".join(
                filter(None, [narrative, _("Place: %(address)s") % {"address": address}])
            )
    raw: dict[str, object] = {
        "source_ref": attribute("source_ref"),
        "kind": service.kind,
        "anonymous": service.kind == Complaint.Kind.REPORT and not name,
        "name": name,
        "phone": data.get("phone", ""),
        "id_number": attribute("id_number"),
        "division_code": attribute("division_code"),
        "narrative": narrative,
        **{key: attribute(key) for key in ATTRIBUTES if key != "source_ref"},
    }
    order = work_order_draft(raw, require_source_ref=False)
    idempotency_key = request.headers.get("Idempotency-Key", "").strip()[:100]
    if not order.draft.source_ref and not idempotency_key:
        # A 311 client that retries after a time-out would otherwise file twice.
        raise Open311Error(
            HTTPStatus.BAD_REQUEST,
            _(
                "attribute[source_ref]: give your own number of the request (or an "
                "Idempotency-Key header), so that a retry is not stored twice."
            ),
        )
    try:
        if order.errors.fields:
            services.complaint_draft_validate(draft=order.draft, errors=order.errors)
        result = services.complaint_register(
            draft=order.draft,
            channel=system.channel,
            actor=None,
            source_system=system,
            idempotency_key=idempotency_key,
        )
    except InvalidInput as error:
        raise Open311Error(
            HTTPStatus.BAD_REQUEST,
            *_field_errors(error.extra.get("fields") or {}) or [error.message],
        ) from None
    complaint = result.complaint
    if complaint.source_system_id != system.pk:
        raise Open311Error(
            HTTPStatus.CONFLICT, _("Another system already sent a request with this number.")
        )
    answer = [
        {
            "service_request_id": complaint.number,
            "service_notice": _("Received. A decision on acceptance is due by %(date)s.")
            % {"date": complaint.acceptance_due.isoformat()},
            "account_id": None,
        }
    ]
    return _json(answer, HTTPStatus.CREATED if result.created else HTTPStatus.OK)


def _moment(value: str, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = dt.datetime.combine(day, dt.time())
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            HTTPStatus.BAD_REQUEST,
            _("%(name)s: give a W3C date and time such as 2021-02-08T09:30:00+08:00.")
            % {"name": name},
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _list(request: HttpRequest) -> HttpResponse:
    """GET requests.json: by service_request_id, or by service_code, status and dates."""
    query = request.GET
    if ids := query.get("service_request_id", "").strip():
        found = selectors.complaint_public_list(numbers=ids.split(","))
        return _json([public_request(complaint) for complaint in found])
    kinds = None
    if codes := query.get("service_code", "").strip():
        unknown = [code for code in codes.split(",") if code.strip() not in SERVICES]
        if unknown:
            raise Open311Error(
                HTTPStatus.BAD_REQUEST, _("service_code: no service with this code.")
            )
        kinds = [SERVICES[code.strip()].kind for code in codes.split(",")]
    statuses = None
    if wanted := query.get("status", "").strip():
        states = {state.strip().lower() for state in wanted.split(",")}
        if not states <= {"open", "closed"}:
            raise Open311Error(HTTPStatus.BAD_REQUEST, _("status: give open, closed or both."))
        statuses = [
            status
            for status in ComplaintStatus.values
            if ("closed" if status in CLOSED_STATUSES else "open") in states
        ]
    start = _moment(query.get("start_date", "").strip(), "start_date")
    end = _moment(query.get("end_date", "").strip(), "end_date")
    if start is None and end is None:
        start = clock.now() - dt.timedelta(days=LIST_DAYS)
    found = selectors.complaint_public_list(
        kinds=kinds, statuses=statuses, received_from=start, received_to=end, limit=LIST_LIMIT
    )
    return _json([public_request(complaint) for complaint in found])


@open311_view(("GET", "POST"))
def requests_view(request: HttpRequest) -> HttpResponse:
    return _create(request) if request.method == "POST" else _list(request)


@open311_view(("GET",))
def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    """GET requests/{id}.json: one request, as a list of one (the spec's shape)."""
    found = selectors.complaint_public_list(numbers=[request_id])
    if not found:
        raise Open311Error(HTTPStatus.NOT_FOUND, _("No request with this id."))
    return _json([public_request(found[0])])


app_name = "open311"
urlpatterns = [
    re_path(r"^services\.(?P<fmt>\w+)$", services_list, name="services"),
    re_path(r"^services/(?P<code>[\w-]+)\.(?P<fmt>\w+)$", service_definition, name="service"),
    re_path(r"^requests\.(?P<fmt>\w+)$", requests_view, name="requests"),
    re_path(r"^requests/(?P<request_id>[\w-]+)\.(?P<fmt>\w+)$", request_detail, name="request"),
]
