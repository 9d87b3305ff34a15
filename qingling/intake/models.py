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
    """An outside system that pushes complaints (12345, the national platform, a 311 system),
    or one that only reads the blacklist's sharing feed (the 信用信息共享平台).

    It authenticates with its own API key (only a digest is stored). A key does one thing,
    its ``scope``: a complaint-filing system pushes in its channel and gets replies and
    feedback delivered to ``reply_url`` through the outbox, and cannot read the feed; a
    feed reader has no channel, reads the feed and files nothing.
    """

    class Scope(models.TextChoices):
        COMPLAINTS = "complaints", _("pushes complaints in its channel")
        BLACKLIST_FEED = "blacklist_feed", _("reads the blacklist feed only")

    name = models.CharField(_("name"), max_length=100, unique=True)
    scope = models.CharField(
        _("what its key may do"), max_length=16, choices=Scope.choices, default=Scope.COMPLAINTS
    )
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices, blank=True)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    reply_url = models.URLField(_("reply URL"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # a complaint-filing key has its channel; a feed reader has none
            models.CheckConstraint(
                condition=(Q(scope="complaints") & ~Q(channel=""))
                | (Q(scope="blacklist_feed") & Q(channel="")),
                name="source_system_channel_by_scope",
            )
        ]
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
    # The worker followed the stop link of a text about a complaint (退订): no more texts
    # about this complaint, nor about any other filed with the same mobile before then.
    texts_stopped_at = models.DateTimeField(
        _("text messages stopped at"), null=True, blank=True, editable=False
    )
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
    # The case opened from it (立案), pushed here by the case workflow
    # (``complaint_case_opened``): intake never reads the cases app.
    case_due = models.DateField(_("case to be opened by"), null=True, blank=True)
    case_escalated_at = models.DateTimeField(_("no case: escalated at"), null=True, blank=True)
    case_number = models.CharField(_("case number"), max_length=64, blank=True)
    case_opened_on = models.DateField(_("case opened on"), null=True, blank=True)
    # The wait for material (补正): its end, the day of the reminder, when it was sent.
    material_due = models.DateField(_("material due"), null=True, blank=True)
    material_remind_on = models.DateField(null=True, blank=True, editable=False)
    material_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    case_closed_on = models.DateField(_("case closed on"), null=True, blank=True)
    # A callback (回访) answered "money not received": back on the chief's queue until
    # the chief records what was done.
    reopened_at = models.DateTimeField(_("reopened after the callback"), null=True, blank=True)
    reopen_handled_at = models.DateTimeField(null=True, blank=True, editable=False)
    reopen_note = models.TextField(_("what was done after the callback"), blank=True)

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
            models.Index(fields=["status", "case_opened_on", "case_due"]),
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


class ComplaintWorker(TimeStampedModel):
    """A worker a complaint names (a group complaint: "我们7个人被欠18,600元"), as far as
    known: a name and a mobile or ID number (sealed, with their blind indexes), and the
    amount owed to this worker. Opening a case makes one claim of each."""

    class Source(models.TextChoices):
        FORM = "form", _("the worker's form")
        OFFICER = "officer", _("entered by staff")
        SHEET = "sheet", _("imported sheet")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="workers")
    name = models.CharField(_("name"), max_length=50)
    phone_sealed = models.TextField(blank=True, editable=False)
    phone_digest = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("mobile"), max_length=20, blank=True, editable=False)
    id_number_sealed = models.TextField(blank=True, editable=False)
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=24, blank=True, editable=False)
    amount = models.DecimalField(
        _("amount owed (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)

    class Meta:
        ordering = ["complaint_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone_digest="") | ~Q(id_number_digest=""),
                name="complaint_worker_identified",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="complaint_worker_amount_not_negative",
            ),
            models.UniqueConstraint(
                fields=["complaint", "id_number_digest"],
                condition=~Q(id_number_digest=""),
                name="complaint_worker_once_by_id",
            ),
        ]
        verbose_name = _("worker named")
        verbose_name_plural = _("workers named")

    def __str__(self) -> str:
        return self.name


class Settlement(TimeStampedModel):
    """A complaint settled without a case (协调解决): the employer paid after a call.

    Who was contacted, what was agreed, the worker's confirmation and the proof of payment
    (stored with its SHA-256); the payments, to whom and when, are its lines."""

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="settlement")
    contacted = models.CharField(_("who was contacted"), max_length=200)
    contacted_on = models.DateField(_("contacted on"))
    agreed = models.TextField(_("what was agreed"))
    worker_confirmed = models.BooleanField(_("the worker confirmed receipt"), default=False)
    confirmation_note = models.CharField(_("how the worker confirmed"), max_length=200)
    proof = models.FileField(upload_to="settlements/%Y/")
    proof_name = models.CharField(max_length=200)
    proof_content_type = models.CharField(max_length=100)
    proof_sha256 = models.CharField(max_length=64)
    total = models.DecimalField(_("total paid"), max_digits=14, decimal_places=2)
    settled_on = models.DateField(_("settled on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-settled_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="settlement_total_positive"),
        ]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.complaint} {self.total}"


class SettlementPayment(TimeStampedModel):
    """Money paid to one worker in a settlement."""

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="payments")
    payee = models.CharField(_("paid to"), max_length=50)
    worker = models.ForeignKey(
        ComplaintWorker, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))

    class Meta:
        ordering = ["settlement_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="settlement_payment_amount_positive"
            ),
        ]
        verbose_name = _("settlement payment")
        verbose_name_plural = _("settlement payments")

    def __str__(self) -> str:
        return f"{self.payee} {self.amount}"


class Notice(TimeStampedModel):
    """A written notice to the complainant (受理通知书, 不予受理告知书).

    Issued with the decision: its number, date and wording (``body``) are fixed then. The
    DOCX and its PDF print copy are made from that wording the first time someone opens
    them (a decision stays quick) and kept with their SHA-256, so every later download is
    the same file; the worker downloads it from the progress query."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("notice of acceptance (受理通知书)")
        REFUSAL = "refusal", _("notice of non-acceptance (不予受理告知书)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("notice number"), max_length=64, unique=True)
    issued_on = models.DateField(_("issued on"))
    body = models.JSONField(default=dict, editable=False)
    docx = models.FileField(upload_to="notices/%Y/", blank=True)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to="notices/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["complaint_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "kind"], name="notice_once_per_kind"),
        ]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.number


class Callback(TimeStampedModel):
    """The satisfaction callback (回访) after a complaint's case closed or it was settled:
    did the money arrive, how satisfied is the worker. Asked once by an SMS link to a
    one-question page, or answered in a call that staff log; answered once."""

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        BASIC = "basic", _("basically satisfied")
        UNSATISFIED = "unsatisfied", _("not satisfied")

    class How(models.TextChoices):
        LINK = "link", _("the worker, by the link texted")
        CALL = "call", _("a call logged by staff")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="callback")
    sent_at = models.DateTimeField(_("asked at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    how = models.CharField(_("answered by"), max_length=8, choices=How.choices, blank=True)
    money_received = models.BooleanField(_("the money arrived"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | (Q(money_received__isnull=False) & ~Q(satisfaction="")),
                name="callback_answer_complete",
            ),
        ]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")

    def __str__(self) -> str:
        return f"{self.complaint} {self.satisfaction or '—'}"
