"""Who is signing in from where, for the sign-in throttle (django-axes, config/settings.py)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind ``QINGLING_PROXY_COUNT`` trusted proxies
    the address the outermost of them saw (X-Forwarded-For is read from the right, so a
    client cannot choose its own address by sending the header)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.QINGLING_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
