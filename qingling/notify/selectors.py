"""Reads of the outbox (the staff page guards who may call them)."""

import uuid

from django.db.models import QuerySet
from django.http import Http404

from qingling.notify.models import OutboxMessage

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
