"""Every error under ``/api/`` is the API's envelope ``{message, code, extra}``.

The API's own errors already are (``qingling.api.v1``'s exception handlers); this
covers what Django and django-ninja answer before or around an operation, in HTML or
plain text: a URL that matches no operation (404), a method the path does not
serve (405, ``extra.allowed`` lists those it does), a body Django cannot parse
(400, e.g. a malformed multipart body) and a server error (500).
"""

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

PREFIX = "/api/"


def _message(status: int) -> tuple[str, str]:
    if status == HTTPStatus.NOT_FOUND:
        return _("Not found."), "not_found"
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        return _("This method is not allowed here."), "method_not_allowed"
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return _("Something went wrong on our side; try again later."), "server_error"
    return _("The request could not be read."), "bad_request"


class ApiErrorEnvelopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            not request.path.startswith(PREFIX)
            or response.status_code < HTTPStatus.BAD_REQUEST
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        message, code = _message(response.status_code)
        extra: dict[str, object] = {}
        if allowed := response.get("Allow"):
            extra["allowed"] = [method.strip() for method in allowed.split(",")]
        envelope: HttpResponse = JsonResponse(
            {"message": message, "code": code, "extra": extra},
            status=response.status_code,
        )
        for header in ("Allow", "Content-Language", "Vary", "Retry-After"):
            if header in response:
                envelope[header] = response[header]
        return envelope
