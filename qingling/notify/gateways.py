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


def _require_destination(gateway: Gateway, destination: str, *, reason: str) -> None:
    """`Gateway.validate_destination` at sending time: a refused destination is a
    DeliveryError with ``reason`` that no retry can fix."""
    try:
        gateway.validate_destination(destination)
    except ValidationError:
        raise DeliveryError(retryable=False, reason=reason) from None


def _log_line(message: "OutboxMessage", **fields: Any) -> str:
    """One JSON line for a console gateway's file: the time, the message id and ``fields``,
    with anything that looks personal redacted."""
    line = json.dumps(
        {"at": clock.now().astimezone(dt.UTC).isoformat(), "message": str(message.public_id)}
        | fields,
        ensure_ascii=False,
        sort_keys=True,
    )
    return redact(line)


def _append_line(path: Path, line: str, what: str) -> None:
    """Append ``line`` to the file at ``path`` (made with its folders if need be); a
    failure is a retryable DeliveryError naming ``what`` the file is."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
    except OSError as error:
        raise DeliveryError(
            retryable=True, reason=f"cannot write the {what} file: {error.strerror}"
        ) from None


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
        _require_destination(self, message.destination, reason="not an http(s) URL")
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
        line = _log_line(message, to=mask_phone(phone), payload=message.payload)
        _append_line(Path(settings.QINGLING_SMS_FILE), line, "SMS")


WECHAT_TIMEOUT_SECONDS = 10
# WeChat's own answer codes worth another attempt: busy, a stale or missing access token
# (refreshed meanwhile), the daily or per-minute quota. Any other code (an unknown or
# unsubscribed OpenID, a wrong template, a refused message) will not change by retrying.
WECHAT_RETRYABLE_CODES = frozenset({-1, 40001, 40014, 41001, 42001, 45009, 45011})
_OPENID_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def mask_openid(openid: str) -> str:
    """oAbc…WXyz: enough to tell two apart in a log, not enough to message one."""
    return openid[:4] + "…" + openid[-4:] if len(openid) > 8 else "…"


def wechat_template_body(message: "OutboxMessage", *, template_id: str) -> dict[str, Any]:
    """The template-message request for ``message``: its payload gives ``url`` and ``fields``
    (name → text), which become WeChat's ``data`` ({name: {"value": text}}).

    Since May 2023 WeChat shows neither ``first`` nor ``remark`` and cuts each keyword
    value to 20 characters, so a payload should put what matters in short ``keyword1`` …
    ``keywordN`` values and the rest behind ``url`` (the job messages do: header, first
    job, stop line; see `qingling.employment.services.pushes`). Fields are passed as given.
    """
    payload = message.payload
    fields = payload.get("fields", {})
    return {
        "touser": message.destination,
        "template_id": payload.get("template_id") or template_id,
        "url": payload.get("url", ""),
        "data": {name: {"value": str(value)} for name, value in fields.items()},
    }


class _WechatDestination:
    """An OpenID: 1 to 64 letters, digits, ``_`` or ``-``."""

    def validate_destination(self, destination: str) -> None:
        if not 0 < len(destination) <= 64 or not set(destination) <= _OPENID_CHARACTERS:
            raise ValidationError(_("Enter a WeChat OpenID."), code="openid")


class WechatTemplateGateway(_WechatDestination, Gateway):
    """Send a 公众号 template message (模板消息) to the OpenID in the destination.

    POSTs ``{touser, template_id, url, data}`` to ``QINGLING_WECHAT_ENDPOINT`` with
    ``?access_token=`` from ``QINGLING_WECHAT_ACCESS_TOKEN`` when one is set (an endpoint
    on a relay that holds the token needs none). WeChat answers HTTP 200 with ``errcode``:
    0 is delivered, `WECHAT_RETRYABLE_CODES` are tried again, any other code is not. HTTP
    errors are classified as `WebhookGateway` does.
    """

    def send(self, message: "OutboxMessage") -> None:
        _require_destination(self, message.destination, reason="not a WeChat OpenID")
        template_id = str(settings.QINGLING_WECHAT_TEMPLATE_ID)
        if not (template_id or message.payload.get("template_id")):
            # Like a missing gateway: fixing the settings lets the next attempt succeed.
            raise DeliveryError(retryable=True, reason="no WeChat template is configured")
        endpoint = str(settings.QINGLING_WECHAT_ENDPOINT)
        if token := str(settings.QINGLING_WECHAT_ACCESS_TOKEN):
            mark = "&" if urllib.parse.urlsplit(endpoint).query else "?"
            endpoint += mark + urllib.parse.urlencode({"access_token": token})
        if urllib.parse.urlsplit(endpoint).scheme not in {"http", "https"}:
            raise DeliveryError(retryable=True, reason="the WeChat endpoint is not an http(s) URL")
        body = json.dumps(
            wechat_template_body(message, template_id=template_id),
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            endpoint,
            data=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Qingling-Outbox",
                MESSAGE_ID_HEADER: str(message.public_id),
            },
            method="POST",
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=WECHAT_TIMEOUT_SECONDS) as response:
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, answer = error.code, b""
            error.close()
        except TimeoutError:
            raise DeliveryError(retryable=True, reason="timed out") from None
        except urllib.error.URLError as error:
            reason = error.reason if isinstance(error.reason, str) else type(error.reason).__name__
            raise DeliveryError(
                retryable=True, reason=f"connection failed: {reason}"[:300]
            ) from None
        except OSError as error:
            raise DeliveryError(
                retryable=True, reason=f"connection failed: {type(error).__name__}"
            ) from None
        if not 200 <= status < 300:
            retryable = status in {408, 429} or status >= 500
            raise DeliveryError(retryable=retryable, reason=f"HTTP {status}")
        try:
            code = int(json.loads(answer).get("errcode", 0))
        except (ValueError, TypeError, AttributeError):
            raise DeliveryError(retryable=True, reason="WeChat's answer is not JSON") from None
        if code != 0:
            # Only the code: WeChat's errmsg may repeat the OpenID.
            raise DeliveryError(
                retryable=code in WECHAT_RETRYABLE_CODES, reason=f"WeChat errcode {code}"
            )


class WechatConsoleGateway(_WechatDestination, Gateway):
    """The development WeChat backend: one JSON line per message in ``QINGLING_WECHAT_FILE``
    with the OpenID masked."""

    def send(self, message: "OutboxMessage") -> None:
        _require_destination(self, message.destination, reason="not a WeChat OpenID")
        template_id = str(settings.QINGLING_WECHAT_TEMPLATE_ID)
        body = wechat_template_body(message, template_id=template_id)
        body["touser"] = mask_openid(message.destination)
        _append_line(
            Path(settings.QINGLING_WECHAT_FILE), _log_line(message, request=body), "WeChat"
        )
