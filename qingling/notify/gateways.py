"""Gateways deliver one outbox message each; settings choose the class behind each name.

``settings.QINGLING_NOTIFY_GATEWAYS`` maps a gateway name (what ``OutboxMessage.gateway``
holds) to a dotted class path. A gateway's ``send`` returns when the message is delivered
and raises ``DeliveryError`` otherwise, saying whether a later attempt may succeed. Its
reason is stored and shown to staff, so it must never quote a personal value.
"""

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from qingling.core import clock
from qingling.core.logs import redact
from qingling.core.personal_data import mask_phone, unseal

if TYPE_CHECKING:
    from qingling.notify.models import OutboxMessage

DEFAULT_GATEWAYS = {
    "webhook": "qingling.notify.gateways.WebhookGateway",
    "sms": "qingling.notify.gateways.SmsConsoleGateway",
}
WEBHOOK_TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Qingling-Signature"
MESSAGE_ID_HEADER = "X-Qingling-Message"


class DeliveryError(Exception):
    """The message was not delivered; ``retryable`` says whether to try again later."""

    def __init__(self, *, retryable: bool, reason: str) -> None:
        super().__init__(reason)
        self.retryable = retryable
        self.reason = reason


class Gateway(ABC):
    """One way out of Qingling. Subclasses implement ``send``."""

    # A gateway that texts a person gets the phone number sealed, never a plain destination.
    uses_phone: ClassVar[bool] = False

    def validate_destination(self, destination: str) -> None:  # noqa: B027 (optional hook)
        """Raise ValidationError when ``destination`` cannot be sent to (checked at enqueue).
        Any destination is fine unless a gateway says otherwise."""

    @abstractmethod
    def send(self, message: "OutboxMessage") -> None:
        """Deliver, or raise DeliveryError saying whether a retry may help."""


def gateway_registry() -> dict[str, str]:
    return dict(getattr(settings, "QINGLING_NOTIFY_GATEWAYS", DEFAULT_GATEWAYS))


def gateway_get(name: str) -> Gateway:
    """Return an instance of the gateway configured under ``name`` (KeyError if none)."""
    gateway = import_string(gateway_registry()[name])()
    if not isinstance(gateway, Gateway):
        raise TypeError(f"{name} is not a Gateway")
    return gateway


def webhook_signature(body: bytes, secret: str) -> str:
    """The value of the signature header: ``sha256=`` and the hex HMAC of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_secret_for(url: str) -> str | None:
    """The secret of the longest ``QINGLING_WEBHOOK_SECRETS`` prefix that ``url`` starts with."""
    secrets: dict[str, str] = getattr(settings, "QINGLING_WEBHOOK_SECRETS", {})
    matching = [prefix for prefix in secrets if url.startswith(prefix)]
    return secrets[max(matching, key=len)] if matching else None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a GET without its body: report it instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookGateway(Gateway):
    """POST the payload as JSON to the destination URL, signed when a secret is configured.

    2xx is delivered; 408, 429, 5xx, time-outs and connection errors are worth retrying;
    any other answer (other 4xx, a redirect) will not change by trying again.
    """

    def validate_destination(self, destination: str) -> None:
        parts = urllib.parse.urlsplit(destination)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValidationError(_("Enter an http or https URL."), code="url")

    def send(self, message: "OutboxMessage") -> None:
        try:
            self.validate_destination(message.destination)
        except ValidationError:
            raise DeliveryError(retryable=False, reason="not an http(s) URL") from None
        body = json.dumps(
            message.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Qingling-Outbox",
            MESSAGE_ID_HEADER: str(message.public_id),
        }
        if (secret := webhook_secret_for(message.destination)) is not None:
            headers[SIGNATURE_HEADER] = webhook_signature(body, secret)
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            message.destination, data=body, headers=headers, method="POST"
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
            error.close()
        except TimeoutError:
            raise DeliveryError(retryable=True, reason="timed out") from None
        except urllib.error.URLError as error:
            raise DeliveryError(
                retryable=True, reason=f"connection failed: {error.reason}"[:300]
            ) from None
        except OSError as error:
            raise DeliveryError(
                retryable=True, reason=f"connection failed: {type(error).__name__}"
            ) from None
        if 200 <= status < 300:
            return
        retryable = status in {408, 429} or status >= 500
        raise DeliveryError(retryable=retryable, reason=f"HTTP {status}")


class SmsConsoleGateway(Gateway):
    """The development SMS backend: one JSON line per message in ``QINGLING_SMS_FILE``.

    Like a real SMS gateway it unseals the number only at the moment of sending, but it
    writes it masked (and masks any number that slipped into the text): the file is a log.
    """

    uses_phone = True

    def send(self, message: "OutboxMessage") -> None:
        if not message.destination_sealed:
            raise DeliveryError(retryable=False, reason="no phone number")
        try:
            phone = unseal(message.destination_sealed, purpose="phone")
        except Exception:  # a changed data key or a damaged value; no retry can fix it
            raise DeliveryError(
                retryable=False, reason="the phone number cannot be unsealed"
            ) from None
        line = json.dumps(
            {
                "at": clock.now().astimezone(dt.UTC).isoformat(),
                "message": str(message.public_id),
                "to": mask_phone(phone),
                "payload": message.payload,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        path = Path(settings.QINGLING_SMS_FILE)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as file:
                file.write(redact(line) + "\n")
        except OSError as error:
            raise DeliveryError(
                retryable=True, reason=f"cannot write the SMS file: {error.strerror}"
            ) from None
