"""Reads of the outbox (the staff page guards who may call them)."""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from qingling.notify.models import Notification, NotificationSettings, OutboxMessage

Status = OutboxMessage.Status
UNSENT = (Status.PENDING, Status.SENDING, Status.FAILED)


def outbox_list(*, status: str | None = None) -> QuerySet[OutboxMessage]:
    """Messages in one status, or (``None``) every message not yet sent; newest first."""
    messages = OutboxMessage.objects.all()
    if status is None:
        return messages.filter(status__in=UNSENT)
    return messages.filter(status=status)


def outbox_failed_count() -> int:
    return OutboxMessage.objects.filter(status=Status.FAILED).count()


def outbox_get(*, public_id: uuid.UUID) -> OutboxMessage:
    try:
        return OutboxMessage.objects.get(public_id=public_id)
    except OutboxMessage.DoesNotExist:
        raise Http404 from None


# --- notifications to staff ------------------------------------------------------------------


def notifications_for_user(*, user: object) -> QuerySet[Notification]:
    """The user's notifications shown in Qingling, newest first."""
    return Notification.objects.filter(recipient_id=getattr(user, "pk", None), in_app=True)


def notifications_unread_count(*, user: object) -> int:
    """The bell's number: one indexed count."""
    return notifications_for_user(user=user).filter(read_at__isnull=True).count()


def notification_get_for_user(*, user: object, public_id: uuid.UUID) -> Notification:
    try:
        return notifications_for_user(user=user).get(public_id=public_id)
    except Notification.DoesNotExist:
        raise Http404 from None


def notification_settings_for(*, user: object) -> NotificationSettings:
    """The user's settings, or (not saved) the defaults: everything in Qingling only."""
    pk: int = getattr(user, "pk", 0) or 0
    found = NotificationSettings.objects.filter(user_id=pk).first()
    return found or NotificationSettings(user_id=pk)
