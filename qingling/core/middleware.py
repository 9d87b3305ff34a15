"""Language (Simplified Chinese unless the person chose otherwise) and the demo clock.

Language:

Django's LocaleMiddleware follows the browser's Accept-Language, so a bureau PC
with an English browser would show English. Here only an explicit choice (the
language cookie set by the switch in the header) changes the default.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from qingling.core.selectors import demo_clock_applied


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class DemoClockMiddleware:
    """Serve a demo database on its season's day (``core.models.DemoClock``).

    ``request.demo_clock`` is the row, or None; the base template's banner reads it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with demo_clock_applied() as demo:
            request.demo_clock = demo  # type: ignore[attr-defined]
            return self.get_response(request)
