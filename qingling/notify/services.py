"""Writes of the outbox: enqueue in the business transaction, deliver from the worker, retry.

Delivery is at least once. A worker claims a batch of due messages in one transaction
(``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, then a compare-and-swap pending →
sending that stamps its claim token and a lease, ``claimed_by``/``claimed_until``), so
two workers never claim one message. It sends each outside any transaction and records
the outcome and the attempt in one UPDATE conditional on its token. A worker that dies
mid-send leaves the message ``sending``; when the lease runs out the next worker counts
the attempt and sends it again, so receivers should deduplicate by the
``X-Qingling-Message`` id.
"""

import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
import socket
import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingling.core import clock
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.personal_data import blind_index, mask_phone, seal, unseal
from qingling.core.public import public_limit_hit
from qingling.core.ratelimits import rate_limit_hit
from qingling.core.services import Actor, audit_event_record
from qingling.core.validators import validate_mobile
from qingling.notify.gateways import DeliveryError, gateway_get, gateway_registry
from qingling.notify.models import (
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationSettings,
    OutboxMessage,
    PhoneCode,
)

logger = logging.getLogger(__name__)

BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
BACKOFF_JITTER = 0.1  # up to 10 % later, so messages that failed together spread out
# A claim's lease: how long a worker may take to send a claimed message before another
# worker may send it again. SEND_MARGIN (more than a gateway's time-out) before it runs
# out the worker stops sending and gives back what it has not attempted.
CLAIM_LEASE = dt.timedelta(minutes=10)
SEND_MARGIN = dt.timedelta(minutes=1)
LAST_ERROR_LENGTH = 500

Status = OutboxMessage.Status


@dataclasses.dataclass
class DeliveryReport:
    """What one ``outbox_deliver_due`` run did."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0  # due, but another worker claimed it first
    recovered: int = 0  # leases that ran out: put back to pending (or failed)
    released: int = 0  # claimed but given back unattempted, the lease near its end


def _field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field: [message]}})


def _enqueue_audit_after(message: OutboxMessage) -> dict[str, Any]:
    return {
        "gateway": message.gateway,
        "destination": message.destination,  # a URL or a masked phone number
        "subject_type": message.subject_type,
        "subject_id": message.subject_id,
        "dedupe_key": message.dedupe_key,
    }


def _deduplicated(dedupe_key: str) -> OutboxMessage | None:
    """The message already queued under ``dedupe_key``. The query restates the unique
    constraint's condition so that SQLite uses its partial index (else: a table scan)."""
    return OutboxMessage.objects.filter(Q(dedupe_key=dedupe_key) & ~Q(dedupe_key="")).first()


def outbox_enqueue(
    *,
    gateway: str,
    destination: str,
    payload: dict[str, Any],
    subject: models.Model | None,
    dedupe_key: str = "",
    actor: Actor,
    phone: str = "",
) -> OutboxMessage:
    """Write a message for the worker to deliver; call it inside the business transaction.

    The message is then durable exactly when the write it announces is. For a gateway
    that texts a person pass ``phone`` (the plain number, sealed here) and leave
    ``destination`` empty. Enqueuing a ``dedupe_key`` that exists returns that message.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "outbox_enqueue must run inside the transaction of the write it announces"
        )
    if dedupe_key and (existing := _deduplicated(dedupe_key)):
        return existing
    if gateway not in gateway_registry():
        raise _field_error("gateway", _("There is no gateway called %(name)s.") % {"name": gateway})
    backend = gateway_get(gateway)
    sealed = ""
    if backend.uses_phone:
        try:
            number = validate_mobile(phone)
        except ValidationError as error:
            raise _field_error("phone", str(error.messages[0])) from None
        destination, sealed = mask_phone(number), seal(number, purpose="phone")
    else:
        if phone:
            raise _field_error("phone", _("This gateway does not send to a phone number."))
        try:
            backend.validate_destination(destination)
        except ValidationError as error:
            raise _field_error("destination", str(error.messages[0])) from None
    message = OutboxMessage(
        gateway=gateway,
        destination=destination,
        destination_sealed=sealed,
        payload=payload,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        dedupe_key=dedupe_key,
        next_attempt_at=clock.now(),
    )
    try:
        with transaction.atomic():  # a savepoint: a lost race must not spoil the caller's work
            message.save()
            audit_event_record(
                actor=actor,
                action="outbox.enqueue",
                obj=message,
                after=_enqueue_audit_after(message),
            )
    except IntegrityError:
        if dedupe_key and (existing := _deduplicated(dedupe_key)):
            return existing
        raise
    return message


def outbox_backoff(*, attempts: int, key: str) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 1 min × 2^(attempts−1), capped at
    6 h, plus a jitter of up to 10 % derived from ``key`` (stable, so tests are too)."""
    base = BACKOFF_BASE * (1 << min(max(attempts - 1, 0), 30))
    digest = hashlib.sha256(f"{key}:{attempts}".encode()).digest()
    jitter = int.from_bytes(digest[:4], "big") / 2**32 * BACKOFF_JITTER
    return min(base * (1 + jitter), BACKOFF_CAP)


def _max_attempts() -> int:
    return int(getattr(settings, "QINGLING_OUTBOX_MAX_ATTEMPTS", 8))


def _recover_expired(now: dt.datetime) -> int:
    """Messages whose lease ran out (the worker died or hung mid-send): that attempt
    counts; they are due again now, or failed when it was the last attempt."""
    expired = OutboxMessage.objects.filter(status=Status.SENDING, claimed_until__lt=now)
    reason = "the worker stopped while sending"
    given_up = 0
    for message in list(expired.filter(attempts__gte=_max_attempts() - 1)):
        with transaction.atomic():
            if _record_failure(
                message=message,
                token=message.claimed_by,
                attempts=message.attempts + 1,
                reason=reason,
                now=now,
            ):
                logger.warning("outbox: message %s failed: %s", message.public_id, reason)
                given_up += 1
    # One UPDATE: on PostgreSQL a concurrent sweep re-reads each row it waited for and
    # finds it pending, so no attempt is counted twice.
    requeued = expired.update(
        status=Status.PENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now,
        claimed_at=None,
        claimed_by="",
        claimed_until=None,
        last_error=reason,
        updated_at=now,
    )
    return requeued + given_up


def _claim_batch(*, now: dt.datetime, batch: int, token: str) -> tuple[list[OutboxMessage], int]:
    """Claim up to ``batch`` due messages for ``token``: the claimed messages, and how many
    were due but went to another worker between the two statements.

    On PostgreSQL ``FOR UPDATE SKIP LOCKED`` passes over rows another worker is claiming
    at this moment, so two workers claim disjoint batches without waiting for each other.
    The UPDATE is also a compare-and-swap on the status (pending → sending), which is
    what keeps SQLite safe (it ignores FOR UPDATE; its one writer runs the transaction
    alone) and any database that gets here without the row lock.
    """
    due = OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    with transaction.atomic():
        pks = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:batch]
        )
        claimed = due.filter(pk__in=pks).update(
            status=Status.SENDING,
            claimed_at=now,
            claimed_by=token,
            claimed_until=now + CLAIM_LEASE,
            updated_at=now,
        )
    messages = list(
        OutboxMessage.objects.filter(claimed_by=token, status=Status.SENDING).order_by(
            "next_attempt_at", "id"
        )
    )
    return messages, len(pks) - claimed


def _held(message: OutboxMessage, token: str) -> QuerySet[OutboxMessage]:
    """The message, if our lease on it still stands: the condition of every outcome."""
    return OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, claimed_by=token)


RELEASED = {"claimed_at": None, "claimed_by": "", "claimed_until": None}


def _release(*, messages: list[OutboxMessage], token: str, now: dt.datetime) -> int:
    """Give back claimed messages not yet attempted (no attempt counts)."""
    return OutboxMessage.objects.filter(
        pk__in=[m.pk for m in messages], status=Status.SENDING, claimed_by=token
    ).update(status=Status.PENDING, updated_at=now, **RELEASED)


def _record_failure(
    *, message: OutboxMessage, token: str, attempts: int, reason: str, now: dt.datetime
) -> bool:
    """Give up on a message held under ``token``: failed after ``attempts``, audited."""
    updated = _held(message, token).update(
        status=Status.FAILED,
        attempts=attempts,
        last_error=reason[:LAST_ERROR_LENGTH],
        updated_at=now,
        **RELEASED,
    )
    if updated:
        audit_event_record(
            actor=None,
            action="outbox.fail",
            obj=message,
            before={"status": Status.SENDING, "attempts": attempts - 1},
            after={"status": Status.FAILED, "attempts": attempts},
            reason=reason,
        )
    return updated == 1


def _sms_daily_limit_check(message: OutboxMessage) -> None:
    """Refuse a text message over ``QINGLING_SMS_DAILY_LIMIT_PER_NUMBER`` to its number
    today (a day from 00:00 UTC, 08:00 in China): a DeliveryError no retry can fix, so the
    message ends failed with the reason, for staff to see."""
    if not message.destination_sealed or not gateway_get(message.gateway).uses_phone:
        return
    try:
        number = unseal(message.destination_sealed, purpose="phone")
    except Exception:  # the gateway says why it cannot send
        return
    limit = int(getattr(settings, "QINGLING_SMS_DAILY_LIMIT_PER_NUMBER", 10))
    key = f"sms_daily:{blind_index(number, purpose='phone')}"
    if rate_limit_hit(key=key, limit=limit, window=24 * 3600):
        raise DeliveryError(
            retryable=False,
            reason=f"refused: the daily limit of {limit} text messages to this number is reached",
        )


def _deliver_one(
    *, message: OutboxMessage, token: str, now: dt.datetime, report: DeliveryReport
) -> None:
    attempts = message.attempts + 1  # this attempt, recorded with its outcome
    try:
        _sms_daily_limit_check(message)
        gateway_get(message.gateway).send(message)  # outside any transaction: may be slow
    except DeliveryError as error:
        retryable, reason = error.retryable, error.reason
    except KeyError:
        retryable, reason = True, f"no gateway called {message.gateway} is configured"
    except Exception as error:  # a bug in a gateway must not stop the other messages
        logger.exception("outbox: gateway %s raised", message.gateway)
        retryable, reason = True, f"gateway error: {type(error).__name__}"
    else:
        # Sent and the attempt recorded in one UPDATE, conditional on our lease.
        sent = {"status": Status.SENT, "sent_at": now, "last_error": "", "updated_at": now}
        if not _held(message, token).update(attempts=attempts, **sent, **RELEASED):
            # Our lease ran out during the send; the message went out all the same.
            OutboxMessage.objects.filter(pk=message.pk).exclude(status=Status.SENT).update(
                attempts=F("attempts") + 1, **sent, **RELEASED
            )
            logger.warning("outbox: message %s sent after its lease ran out", message.public_id)
        report.sent += 1
        return
    reason = reason[:LAST_ERROR_LENGTH]
    if retryable and attempts < _max_attempts():
        next_attempt_at = now + outbox_backoff(attempts=attempts, key=str(message.public_id))
        _held(message, token).update(
            status=Status.PENDING,
            attempts=attempts,
            next_attempt_at=next_attempt_at,
            last_error=reason,
            updated_at=now,
            **RELEASED,
        )
        logger.info(
            "outbox: message %s attempt %d failed (%s); next at %s",
            message.public_id,
            attempts,
            reason,
            next_attempt_at.isoformat(),
        )
        report.retried += 1
        return
    with transaction.atomic():
        _record_failure(message=message, token=token, attempts=attempts, reason=reason, now=now)
    logger.warning(
        "outbox: message %s failed after %d attempt(s): %s", message.public_id, attempts, reason
    )
    report.failed += 1


def outbox_deliver_due(*, now: dt.datetime, batch: int = 50) -> DeliveryReport:
    """Deliver up to ``batch`` messages that are due at ``now``; run by the worker.

    Must not run inside a transaction: the batch's claim is committed before the first
    gateway call, so a slow or hanging destination holds no lock and other workers
    claim other messages meanwhile. Sending stops ``SEND_MARGIN`` before the claim's
    lease runs out; the messages not yet attempted are given back.
    """
    report = DeliveryReport(recovered=_recover_expired(now))
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    messages, report.skipped = _claim_batch(now=now, batch=batch, token=token)
    report.claimed = len(messages)
    started = time.monotonic()
    for index, message in enumerate(messages):
        if time.monotonic() - started > (CLAIM_LEASE - SEND_MARGIN).total_seconds():
            report.released = _release(messages=messages[index:], token=token, now=now)
            logger.warning("outbox: gave back %d message(s) near the lease's end", report.released)
            break
        _deliver_one(message=message, token=token, now=now, report=report)
    return report


@transaction.atomic
def outbox_retry(*, message: OutboxMessage, actor: Actor) -> OutboxMessage:
    """Requeue a failed message for delivery now, with a fresh set of attempts."""
    now = clock.now()
    message.refresh_from_db()
    before = {
        "status": message.status,
        "attempts": message.attempts,
        "last_error": message.last_error,
    }
    requeued = OutboxMessage.objects.filter(pk=message.pk, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=now, updated_at=now, **RELEASED
    )
    if not requeued:
        raise Conflict(_("Only a failed message can be retried."), code="outbox_not_failed")
    message.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="outbox.retry",
        obj=message,
        before=before,
        after={"status": message.status, "attempts": message.attempts},
    )
    return message


# --- one-time codes: a public form's mobile number confirmed by text message -------------

PHONE_CODE_LENGTH = 6
PHONE_CODE_LIFETIME = dt.timedelta(minutes=10)
PHONE_CODE_TRIES = 5


def _subject_digest(purpose: str, subject: str) -> str:
    return blind_index(subject, purpose=f"phone_code:{purpose}")


def _code_digest(code_record_salt: str, code: str) -> str:
    return blind_index(code, purpose=f"phone_code_value:{code_record_salt}")


def phone_code_send(
    *,
    purpose: str,
    subject: str,
    phone: str,
    session_digest: str,
    client_ip: str,
    actor: Actor = None,
) -> PhoneCode:
    """Text a fresh 6-digit code to ``phone`` that confirms ``subject`` (the phone number
    or ID number a public form names) for one browser session.

    Counted per client address (``code_ip``) and per number (``code_phone``) within the
    public limits; over either, TooManyRequests and nothing is sent. Earlier unused codes
    of the same session and subject stop working.
    """
    try:
        number = validate_mobile(phone)
    except ValidationError as error:
        raise _field_error("phone", str(error.messages[0])) from None
    public_limit_hit(name="code_ip", scope=purpose, value=client_ip)
    public_limit_hit(name="code_phone", scope=purpose, value=blind_index(number, purpose="phone"))
    code = "".join(secrets.choice("0123456789") for _ in range(PHONE_CODE_LENGTH))
    now = clock.now()
    subject_digest = _subject_digest(purpose, subject)
    with transaction.atomic():
        PhoneCode.objects.filter(
            purpose=purpose,
            session_digest=session_digest,
            subject_digest=subject_digest,
            used_at__isnull=True,
        ).update(expires_at=now, updated_at=now)
        record = PhoneCode.objects.create(
            purpose=purpose,
            session_digest=session_digest,
            subject_digest=subject_digest,
            code_digest="",
            destination=mask_phone(number),
            expires_at=now + PHONE_CODE_LIFETIME,
            created_at=now,
        )
        record.code_digest = _code_digest(str(record.pk), code)
        record.save(update_fields=["code_digest"])
        audit_event_record(
            actor=actor,
            action="phone_code.send",
            obj=record,
            after={"purpose": purpose, "destination": record.destination},
        )
        outbox_enqueue(
            gateway="sms",
            destination="",
            phone=number,
            subject=record,
            actor=actor,
            payload={
                "template": "phone_code",
                "purpose": purpose,
                "code": code,
                "minutes": int(PHONE_CODE_LIFETIME.total_seconds() // 60),
            },
        )
    return record


def _wrong_code(message: str) -> InvalidInput:
    return _field_error("code", message)


def phone_code_check(*, purpose: str, subject: str, session_digest: str, code: str) -> PhoneCode:
    """The live code this session was sent for ``subject``, when ``code`` is it.

    A wrong code counts a try (committed, whatever the caller does next); after
    ``PHONE_CODE_TRIES`` wrong tries, on expiry or once used the code is dead and a new
    one must be sent. Does not use the code up: ``phone_code_use`` does, in the
    transaction of the write it confirms.
    """
    now = clock.now()
    record = (
        PhoneCode.objects.filter(
            purpose=purpose,
            session_digest=session_digest,
            subject_digest=_subject_digest(purpose, subject),
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if record is None or record.used_at is not None or record.expires_at <= now:
        raise _wrong_code(
            _("The code has expired or was not sent to this number. Send a new code.")
        )
    if record.tries >= PHONE_CODE_TRIES:
        raise _wrong_code(_("Too many wrong codes. Send a new code."))
    typed = "".join(str(code).split())
    if not typed or not hmac.compare_digest(
        _code_digest(str(record.pk), typed), record.code_digest
    ):
        PhoneCode.objects.filter(pk=record.pk).update(tries=F("tries") + 1, updated_at=now)
        left = PHONE_CODE_TRIES - record.tries - 1
        if left <= 0:
            raise _wrong_code(_("Too many wrong codes. Send a new code."))
        raise _wrong_code(_("The code is not right. %(left)d tries left.") % {"left": left})
    return record


def phone_code_use(*, phone_code: PhoneCode) -> bool:
    """Use the code up; call it in the transaction of the write it confirms. False when
    another request used it first (the caller must not write)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("phone_code_use must run inside the transaction it confirms")
    now = clock.now()
    used = PhoneCode.objects.filter(pk=phone_code.pk, used_at__isnull=True).update(
        used_at=now, updated_at=now
    )
    return used == 1


# --- notifications to staff (issue 18) -------------------------------------------------------

NOTIFICATION_TEXT_LENGTH = 300
DIGEST_LINES = 20  # a digest lists this many items, then says how many more


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return str(settings.QINGLING_PUBLIC_URL).rstrip("/") + url


def _notification_payload(
    notification: Notification, *, recipient: Any, channel: str
) -> dict[str, Any]:
    """What goes out: a text message's ``text``, or a 政务微信-style robot's JSON body
    (``msgtype``/``text.content``) with Qingling's own fields beside it."""
    content = notification.text
    if notification.url:
        content += " " + _absolute(notification.url)
    if channel == NotificationChannel.SMS:
        return {"text": _("[Qingling] %(text)s") % {"text": content}}
    return {
        "msgtype": "text",
        "text": {"content": content},
        "qingling": {
            "notification": str(notification.public_id),
            "kind": notification.kind,
            "recipient": recipient.get_username(),
            "url": _absolute(notification.url),
            "due": notification.due.isoformat() if notification.due else None,
        },
    }


def _enqueue_for(
    preferences: NotificationSettings,
    *,
    channel: str,
    payload: dict[str, Any],
    subject: models.Model | None,
    dedupe_key: str,
) -> OutboxMessage | None:
    """The outbox message carrying ``payload`` on ``channel``, or None when the person has
    no phone or URL for it (the settings page says so)."""
    if channel == NotificationChannel.SMS:
        if not preferences.phone_sealed:
            return None
        return outbox_enqueue(
            gateway="sms",
            destination="",
            phone=unseal(preferences.phone_sealed, purpose="phone"),
            payload=payload,
            subject=subject,
            dedupe_key=dedupe_key,
            actor=None,
        )
    if channel == NotificationChannel.WEBHOOK and preferences.webhook_url:
        return outbox_enqueue(
            gateway="webhook",
            destination=preferences.webhook_url,
            payload=payload,
            subject=subject,
            dedupe_key=dedupe_key,
            actor=None,
        )
    return None


def notification_send(
    *,
    recipients: Iterable[Any],
    kind: str,
    text: str,
    url: str = "",
    due: dt.date | None = None,
    subject: models.Model | None = None,
    dedupe_key: str = "",
    actor: Actor,
) -> list[Notification]:
    """Tell each recipient (but not ``actor``, who did it) ``text`` about ``subject``.

    Call it after the write it announces has committed (``transaction.on_commit``): a
    notification never holds back or undoes the write. Each person's settings decide
    where it goes: under the bell, by text message, to their webhook, each at once or in
    the daily digest. ``dedupe_key`` (with the recipient added) makes a second call for
    the same event a no-op. One transaction; an audit row per notification.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    people = {
        person.pk: person
        for person in recipients
        if person is not None and (actor is None or person.pk != actor.pk) and person.is_active
    }
    if not people:
        return []
    preferences = {
        p.user_id: p for p in NotificationSettings.objects.filter(user_id__in=list(people))
    }
    sent = []
    with transaction.atomic():
        for pk, person in people.items():
            key = f"{dedupe_key}:{pk}" if dedupe_key else ""
            if key and Notification.objects.filter(dedupe_key=key).exists():
                continue
            mine = preferences.get(pk) or NotificationSettings(user_id=pk)
            channels = mine.channels_for(kind)
            outside = sorted(channels - {NotificationChannel.IN_APP})
            notification = Notification.objects.create(
                created_at=clock.now(),  # the platform's "now" (a demo's or a replay's day)
                recipient_id=pk,
                kind=kind,
                text=text[:NOTIFICATION_TEXT_LENGTH],
                url=url,
                due=due,
                subject_type=subject._meta.label_lower if subject is not None else "",
                subject_id=str(subject.pk) if subject is not None else "",
                dedupe_key=key,
                in_app=NotificationChannel.IN_APP in channels,
                digest_channels=outside if mine.digest else [],
            )
            if not mine.digest:
                for channel in outside:
                    _enqueue_for(
                        mine,
                        channel=channel,
                        payload=_notification_payload(
                            notification, recipient=person, channel=channel
                        ),
                        subject=notification,
                        dedupe_key=f"notification:{notification.public_id}:{channel}",
                    )
            audit_event_record(
                actor=actor,
                action="notification.send",
                obj=notification,
                after={"recipient": str(pk), "kind": kind, "channels": sorted(channels)},
            )
            sent.append(notification)
    return sent


def notification_send_on_commit(**kwargs: Any) -> None:
    """``notification_send`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: notification_send(**kwargs))


def notifications_mark_read(*, user: Any, public_ids: Iterable[uuid.UUID] | None = None) -> int:
    """Mark the user's notifications read: those named, or (``None``) every unread one."""
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if public_ids is not None:
        unread = unread.filter(public_id__in=list(public_ids))
    return unread.update(read_at=clock.now(), updated_at=clock.now())


@transaction.atomic
def notification_settings_update(
    *,
    user: Any,
    choices: dict[str, list[str]],
    phone: str,
    webhook_url: str,
    digest: bool,
    actor: Actor,
) -> NotificationSettings:
    """Store what ``user`` receives (kind → channels) and where; a text message or a
    webhook chosen for any kind needs its phone number or URL."""
    if actor is None or actor.pk != user.pk:
        raise Forbidden(_("Only you may change what you are told."))
    errors: dict[str, list[str]] = {}
    clean: dict[str, list[str]] = {}
    for kind in NotificationKind.values:
        wanted = choices.get(kind, [])
        clean[kind] = [c for c in NotificationChannel.values if c in wanted]
    chosen = {c for channels in clean.values() for c in channels}
    preferences, _created = NotificationSettings.objects.select_for_update().get_or_create(
        user=user
    )
    before = {
        "choices": preferences.choices,
        "phone": preferences.phone_masked,
        "webhook_url": preferences.webhook_url,
        "digest": preferences.digest,
    }
    phone = phone.strip()
    if phone:
        try:
            number = validate_mobile(phone)
        except ValidationError as error:
            errors["phone"] = [str(error.messages[0])]
        else:
            preferences.phone_sealed = seal(number, purpose="phone")
            preferences.phone_masked = mask_phone(number)
    elif NotificationChannel.SMS in chosen and not preferences.phone_sealed:
        errors["phone"] = [_("Enter the mobile number the text messages go to.")]
    webhook_url = webhook_url.strip()
    if webhook_url:
        try:
            gateway_get("webhook").validate_destination(webhook_url)
        except ValidationError as error:
            errors["webhook_url"] = [str(error.messages[0])]
    elif NotificationChannel.WEBHOOK in chosen:
        errors["webhook_url"] = [_("Enter the webhook URL the messages are posted to.")]
    if errors:
        raise InvalidInput(_("Some fields are not valid."), extra={"fields": errors})
    preferences.choices = clean
    preferences.webhook_url = webhook_url
    preferences.digest = digest
    preferences.save()
    audit_event_record(
        actor=actor,
        action="notification_settings.update",
        obj=preferences,
        before=before,
        after={
            "choices": clean,
            "phone": preferences.phone_masked,
            "webhook_url": webhook_url,
            "digest": digest,
        },
    )
    return preferences


def _digest_text(notifications: list[Notification]) -> str:
    lines = [_("[Qingling] Today's digest: %(count)d item(s).") % {"count": len(notifications)}]
    lines.extend(f"- {notification.text}" for notification in notifications[:DIGEST_LINES])
    if len(notifications) > DIGEST_LINES:
        lines.append(
            _("… and %(count)d more in Qingling.") % {"count": len(notifications) - DIGEST_LINES}
        )
    lines.append(_absolute(reverse("notify:notification_list")))
    return "\n".join(lines)


def notifications_digest_send(*, now: dt.datetime) -> int:
    """Send each person who chose the digest one message per channel with what waited
    for it, once a day from ``QINGLING_NOTIFY_DIGEST_HOUR`` (local time); returns how many
    people got one. Safe to run twice: the day is claimed by compare-and-swap."""
    local = timezone.localtime(now)
    if local.hour < int(getattr(settings, "QINGLING_NOTIFY_DIGEST_HOUR", 8)):
        return 0
    today = local.date()
    due = NotificationSettings.objects.filter(digest=True).filter(
        Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today)
    )
    people = 0
    for preferences in due.select_related("user"):
        with transaction.atomic():
            claimed = (
                NotificationSettings.objects.filter(pk=preferences.pk)
                .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
                .update(digest_sent_on=today, updated_at=now)
            )
            if claimed != 1:
                continue
            waiting = list(
                Notification.objects.filter(recipient_id=preferences.user_id)
                .exclude(digest_channels=[])
                .order_by("created_at", "id")
            )
            if not waiting:
                continue
            for channel in sorted({c for n in waiting for c in n.digest_channels}):
                items = [n for n in waiting if channel in n.digest_channels]
                text = _digest_text(items)
                payload: dict[str, Any] = (
                    {"text": text}
                    if channel == NotificationChannel.SMS
                    else {
                        "msgtype": "text",
                        "text": {"content": text},
                        "qingling": {
                            "digest": today.isoformat(),
                            "recipient": preferences.user.get_username(),
                            "count": len(items),
                        },
                    }
                )
                _enqueue_for(
                    preferences,
                    channel=channel,
                    payload=payload,
                    subject=preferences,
                    dedupe_key=f"digest:{preferences.user_id}:{today.isoformat()}:{channel}",
                )
            Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(
                digest_channels=[], updated_at=now
            )
            audit_event_record(
                actor=None,
                action="notification.digest",
                obj=preferences,
                after={"day": today.isoformat(), "items": len(waiting)},
            )
            people += 1
    return people
