"""What the public pages (no sign-in) share: the client's address, their rate limits and
the page that says a limit was reached.

The limits are ``settings.QINGLING_PUBLIC_LIMITS``: a name → (attempts, window seconds),
counted per client address (``form_ip``) and per mobile number (``form_phone``) with
``core.ratelimits``; the services that send one-time codes count ``code_ip`` and
``code_phone`` the same way. Over a limit a view answers 429 with a page that says what
happened, when to try again and that 12333 takes complaints by phone.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qingling.core import clock
from qingling.core.exceptions import TooManyRequests
from qingling.core.personal_data import blind_index
from qingling.core.ratelimits import rate_limit_hit, rate_limit_retry_after
from qingling.core.validators import validate_mobile

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "form_ip": (60, 3600),
    "form_phone": (10, 3600),
    "code_ip": (20, 3600),
    "code_phone": (5, 3600),
    "query_code": (10, 900),
    "query_ip": (30, 900),
}


def public_limit(name: str) -> tuple[int, int]:
    """(attempts, window seconds) of the public limit called ``name``."""
    limits: dict[str, tuple[int, int]] = getattr(settings, "QINGLING_PUBLIC_LIMITS", {})
    return limits.get(name, DEFAULT_LIMITS[name])


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``settings.QINGLING_CLIENT_IP_HEADER`` of the request (by
    default REMOTE_ADDR). Behind a reverse proxy name the header it sets; of a list
    (X-Forwarded-For) the last entry is the one the trusted proxy appended."""
    header = getattr(settings, "QINGLING_CLIENT_IP_HEADER", "REMOTE_ADDR")
    value = str(request.META.get(header) or request.META.get("REMOTE_ADDR") or "")
    return value.split(",")[-1].strip()[:64] or "unknown"


def _refusal(name: str) -> TooManyRequests:
    _limit, window = public_limit(name)
    retry_after = rate_limit_retry_after(window=window)
    return TooManyRequests(
        _("Too many attempts. Please try again in %(minutes)d minutes.")
        % {"minutes": (retry_after + 59) // 60},
        code="public_rate_limited",
        extra={"retry_after": retry_after, "limit": name},
    )


def public_limit_hit(*, name: str, scope: str, value: str) -> None:
    """Count one attempt of the limit ``name`` for ``value`` (an address, a digest) under
    ``scope`` (the form); raise TooManyRequests when it is over."""
    limit, window = public_limit(name)
    if rate_limit_hit(key=f"public:{scope}:{name}:{value}", limit=limit, window=window):
        raise _refusal(name)


def phone_key(phone: str) -> str:
    """What a per-number limit counts under: the blind index of the normalised number
    (never the number itself), or "" when it is not a valid mobile number."""
    try:
        return blind_index(validate_mobile(phone), purpose="phone")
    except ValidationError:
        return ""


def public_form_check(*, request: HttpRequest, form: str, phone: str = "") -> None:
    """Count one post of the public ``form`` per address, and per mobile number when the
    post names a valid one; raise TooManyRequests over either limit."""
    public_limit_hit(name="form_ip", scope=form, value=client_ip(request))
    if phone and (key := phone_key(phone)):
        public_limit_hit(name="form_phone", scope=form, value=key)


def session_digest(request: HttpRequest) -> str:
    """A digest of the browser session (saved if new), to bind something to it without
    storing the session key."""
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key or ""
    return hashlib.sha256(f"qingling-session\x00{key}".encode()).hexdigest()


def public_rate_limited(request: HttpRequest, error: TooManyRequests) -> HttpResponse:
    """The 429 page of a public form: what happened, when to try again, and 12333."""
    retry_after = int(error.extra.get("retry_after", 3600))
    response = render(
        request,
        "public_rate_limited.html",
        {
            "message": error.message,
            "minutes": (retry_after + 59) // 60,
            "until": clock.now() + dt.timedelta(seconds=retry_after),
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
