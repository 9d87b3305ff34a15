import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingling.core.models import TimeStampedModel


class OutboxMessage(TimeStampedModel):
    """A message to another system or a person, written in the transaction of the business
    write that causes it and delivered later by the worker, with retries.

    A message that cannot be delivered ends ``failed`` and stays here for staff to see
    and retry; nothing is ever dropped. Phone numbers exist only sealed (and masked in
    ``destination`` for display).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gateway = models.CharField(_("gateway"), max_length=32)
    destination = models.CharField(
        _("destination"),
        max_length=500,
        help_text=_("A URL, or the masked phone number for a text message."),
    )
    destination_sealed = models.TextField(blank=True, editable=False)
    payload = models.JSONField(_("payload"), default=dict)
    subject_type = models.CharField(_("about (type)"), max_length=64, blank=True)
    subject_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # The lease of the worker sending it now: its claim token, and when the lease runs
    # out and another worker may send it again (the attempt then counts as failed).
    claimed_by = models.CharField(_("claimed by"), max_length=200, blank=True, editable=False)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="outbox_unique_dedupe_key",
            )
        ]
        indexes = [
            # The worker's claim query (pending and due).
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            # Its sweep of leases that ran out (sending, claimed_until passed).
            models.Index(fields=["status", "claimed_until"], name="outbox_lease_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="outbox_subject_idx"),
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.gateway} → {self.destination}"


class PhoneCode(TimeStampedModel):
    """A one-time code texted to a mobile number to confirm a public form (a complaint from
    the web, a job registration) before it counts.

    Bound to the browser session it was sent for and to what it confirms (``subject``: the
    blind index of the phone number or ID number the form names). The code is stored only
    as a keyed digest; it expires, allows a few wrong tries and is used once.
    """

    purpose = models.CharField(_("purpose"), max_length=32)
    session_digest = models.CharField(max_length=64, editable=False)
    subject_digest = models.CharField(max_length=64, editable=False)
    code_digest = models.CharField(max_length=64, editable=False)
    destination = models.CharField(_("sent to"), max_length=32, help_text=_("Masked."))
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["purpose", "session_digest", "subject_digest"], name="phonecode_lookup_idx"
            ),
            models.Index(fields=["expires_at"], name="phonecode_expires_idx"),
        ]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"{self.purpose} → {self.destination}"


class NotificationKind(models.TextChoices):
    """What a member of staff is told about (issue 18)."""

    ASSIGNED = "assigned", _("a case or complaint assigned to me")
    DEADLINE = "deadline", _("a deadline warning")
    ESCALATION = "escalation", _("escalation (督办)")
    APPROVAL = "approval", _("an approval waiting for me")
    PAYMENT = "payment", _("a payment recorded on my case")


class NotificationChannel(models.TextChoices):
    """How: in Qingling (the bell), by text message, or by a webhook (政务微信-style robot)."""

    IN_APP = "in_app", _("in Qingling")
    SMS = "sms", _("text message")
    WEBHOOK = "webhook", _("webhook (政务微信)")


class Notification(TimeStampedModel):
    """One thing one member of staff is told, written by ``notification_send`` after the
    write it announces committed. The bell counts the unread ones shown in Qingling;
    text messages and webhooks go through the outbox, at once or in the daily digest."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    due = models.DateField(_("deadline"), null=True, blank=True)
    subject_type = models.CharField(_("about (type)"), max_length=64, blank=True)
    subject_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True, editable=False)
    # Shown under the bell (the person chose "in Qingling" for this kind).
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Channels still to carry it in the person's daily digest (empty: nothing waits).
    digest_channels = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_unique_dedupe_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "in_app", "read_at"], name="notification_unread_idx"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.text


class NotificationSettings(TimeStampedModel):
    """What one member of staff receives and how: per kind, a set of channels; the phone
    for text messages (sealed) and the webhook URL; one digest a day instead of a message
    per event. Without a row a person gets everything in Qingling and nothing else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    # kind → the channels chosen for it, e.g. {"assigned": ["in_app", "sms"]}
    choices = models.JSONField(_("what I receive"), default=dict, blank=True)
    phone_sealed = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("mobile"), max_length=20, blank=True)
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    digest = models.BooleanField(_("one digest a day"), default=False)
    digest_sent_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user_id)

    def channels_for(self, kind: str) -> set[str]:
        chosen = self.choices.get(kind)
        if chosen is None:
            return {NotificationChannel.IN_APP.value}
        return {str(c) for c in chosen if c in NotificationChannel.values}
