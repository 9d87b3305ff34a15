"""Keeps an employer's account inside the portal: whatever it asks outside /portal/ (a
staff page, the admin, the staff API) is refused before any view runs. The staff views
refuse it on their own as well (it has no role and no org unit); this is the second lock."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from qingling.portal.selectors import is_employer_user

ALLOWED_PREFIXES = ("/portal/", "/i18n/", "/static/", "/accounts/logout/")


class EmployerConfinementMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and is_employer_user(user)
        ):
            if request.path.startswith(("/api/", "/open311/")):
                return JsonResponse(
                    {
                        "message": _("An employer account cannot use the staff API."),
                        "code": "forbidden",
                        "extra": {},
                    },
                    status=403,
                )
            return redirect("portal:home")
        return self.get_response(request)
