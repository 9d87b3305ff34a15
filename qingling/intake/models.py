import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingling.core.models import Division, TimeStampedModel
from qingling.intake.lifecycle import ComplaintStatus, NotAcceptedReason
from qingling.parties.models import Organization, Person, Project

# Query codes avoid characters a worker could misread on a cheap phone (0/O, 1/I/L).
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


class Channel(models.TextChoices):
    WEB = "web", _("web (phone form)")
    WALK_IN = "walk_in", _("walk-in")
    HOTLINE_12333 = "12333", _("12333 labour hotline")
    HOTLINE_12345 = "12345", _("12345 government hotline")
    NATIONAL_PLATFORM = "national_platform", _("national wage-arrears platform (转办)")
    LETTER = "letter", _("letter")
    INSPECTION = "inspection", _("inspection")
    MONITORING = "monitoring", _("monitoring")


class SourceSystem(TimeStampedModel):
    """An outside system that pushes complaints (12345, the national platform, a 311 system).

    It authenticates with its own API key (only a digest is stored) and gets replies
    and feedback delivered to ``reply_url`` through the outbox.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    reply_url = models.URLField(_("reply URL"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source system")
        verbose_name_plural = _("source systems")

    def __str__(self) -> str:
        return self.name


class Complaint(TimeStampedModel):
    """One item of intake from one channel (线索: 投诉, 举报, 工单, 转办单)."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("complaint (by the worker)")
        REPORT = "report", _("report (by anyone)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    query_code = models.CharField(
        _("query code"),
        max_length=QUERY_CODE_LENGTH,
        unique=True,
        default=new_query_code,
        editable=False,
    )
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices)
    source_system = models.ForeignKey(
        SourceSystem,
        verbose_name=_("source system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    source_ref = models.CharField(_("source number"), max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    received_at = models.DateTimeField(_("received at"))
    acceptance_due = models.DateField(_("decision due"))
    acceptance_due_provisional = models.BooleanField(default=False)
    # The day the acceptance limit counts from (receipt, or the day material arrived), kept
    # so that a provisional deadline can be recomputed when its year's schedule is loaded.
    acceptance_due_from = models.DateField(null=True, blank=True, editable=False)

    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant = models.ForeignKey(
        Person,
        verbose_name=_("complainant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    # The name and mobile given with this complaint: notices go to this number, and the
    # public progress query checks it (digest), whoever the linked person is.
    contact_name = models.CharField(_("name given"), max_length=50, blank=True)
    contact_phone_sealed = models.TextField(blank=True, editable=False)
    contact_phone_digest = models.CharField(max_length=64, blank=True, editable=False)
    employer_name = models.CharField(_("employer (as stated)"), max_length=200, blank=True)
    # parties.matching's block key of the stated employer, so that complaints about the
    # same employer are found by an indexed prefix range (see complaint_same_matter).
    employer_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    employer = models.ForeignKey(
        Organization,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    project_name = models.CharField(_("project (as stated)"), max_length=200, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount_claimed = models.DecimalField(
        _("amount owed (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    headcount = models.PositiveIntegerField(_("workers owed"), null=True, blank=True)
    period = models.CharField(_("period owed"), max_length=100, blank=True)
    narrative = models.TextField(_("what happened"), blank=True)
    suggestions = models.JSONField(_("suggestions from the text"), default=dict, blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_complaints",
    )
    joined_to = models.ForeignKey(
        "self",
        verbose_name=_("joined to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joined",
    )
    decision_reason = models.CharField(
        _("reason"), max_length=16, blank=True, choices=NotAcceptedReason.choices
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "source_ref"],
                condition=~Q(source_ref=""),
                name="complaint_unique_source_ref",
            ),
            models.UniqueConstraint(
                fields=["channel", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="complaint_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(amount_claimed__isnull=True) | Q(amount_claimed__gte=0),
                name="complaint_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(complainant__isnull=True),
                name="complaint_anonymous_has_no_complainant",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "acceptance_due"]),
            models.Index(fields=["employer_name"]),
        ]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The number staff quote: the year of receipt and the row number."""
        return f"{timezone.localtime(self.received_at):%Y}-{self.pk:06d}" if self.pk else "—"


class Attachment(TimeStampedModel):
    """Evidence a complainant uploaded; stored under MEDIA_ROOT, outside the web root."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="complaints/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
