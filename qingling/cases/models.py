import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qingling.cases.amounts import claim_due, claim_outstanding
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.procedure import ProceedingClock, ProceedingStatus
from qingling.core.models import Division, TimeStampedModel
from qingling.intake.models import Complaint
from qingling.parties.models import Organization, Person, Project

ZERO = Decimal("0.00")
# The conditions of Case's partial indexes. SQLite uses a partial index only for a query
# that repeats the index's term with the same value (not an IN list, which is why "open"
# has a term of its own), so the queries that want the index filter with these.
CASE_NOT_CLOSED = ~Q(status=CaseStatus.CLOSED)
CASE_OWING = Q(total_outstanding__gt=0)


class Case(TimeStampedModel):
    """A wage case (案件), opened from accepted complaints and run by a lead inspector."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("case number"), max_length=64, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    status = models.CharField(
        _("status"), max_length=32, choices=CaseStatus.choices, default=CaseStatus.OPENED
    )
    outcome = models.CharField(_("outcome"), max_length=32, choices=CaseOutcome.choices, blank=True)
    respondent = models.ForeignKey(
        Organization, verbose_name=_("respondent"), on_delete=models.PROTECT, related_name="cases"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    complaints = models.ManyToManyField(
        Complaint, verbose_name=_("complaints"), related_name="cases", blank=True
    )
    summary = models.TextField(_("summary"), blank=True)
    # What the documents served on the employer state as the facts: written by the
    # inspector for the employer, never the complaint's text (监察条例 Art. 9).
    facts_for_respondent = models.TextField(_("facts for the respondent"), blank=True)
    opened_on = models.DateField(_("opened on"))
    investigation_due = models.DateField(_("investigation due"))
    investigation_due_provisional = models.BooleanField(default=False)
    extended = models.BooleanField(_("extended by 30 working days"), default=False)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    order_issued_on = models.DateField(_("order issued on"), null=True, blank=True)
    # The order runs "from service": the inspector gives the working days when issuing
    # it, and the due date is set when the order is served (services.service_record).
    order_days = models.PositiveSmallIntegerField(
        _("working days to pay from service"), null=True, blank=True
    )
    order_served_on = models.DateField(_("order served on"), null=True, blank=True)
    order_due = models.DateField(_("order due"), null=True, blank=True)
    extra_compensation_rate = models.DecimalField(
        _("extra compensation rate"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("50% to 100% of the wages unpaid after the order's date (条例 Art. 26)."),
    )
    extra_compensation_reason = models.TextField(_("reason for the rate"), blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("deadline warning sent"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated (督办)"), null=True, blank=True)
    order_overdue_at = models.DateTimeField(
        _("order found unpaid after its date"), null=True, blank=True
    )
    # The sums of the case's claims (amounts.case_totals), stored by the services in the
    # transaction that changes a claim, for the ledger and the 两清零 view.
    worker_count = models.PositiveIntegerField(_("workers"), default=0, editable=False)
    total_claimed = models.DecimalField(
        _("claimed"), max_digits=20, decimal_places=2, default=ZERO, editable=False
    )
    total_paid = models.DecimalField(
        _("paid"), max_digits=20, decimal_places=2, default=ZERO, editable=False
    )
    total_outstanding = models.DecimalField(
        _("outstanding"), max_digits=20, decimal_places=2, default=ZERO, editable=False
    )

    class Meta:
        ordering = ["-opened_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="case_unique_sequence"),
            models.CheckConstraint(
                condition=Q(extra_compensation_rate__isnull=True)
                | Q(
                    extra_compensation_rate__gte=Decimal("0.50"),
                    extra_compensation_rate__lte=Decimal("1.00"),
                ),
                name="case_extra_compensation_rate_50_to_100",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""), name="case_closed_has_outcome"
            ),
        ]
        indexes = [
            # The ledger's order, with what visibility reads (the division; the id for
            # one's own cases): a page at any offset, and the count, read the index only.
            models.Index(
                fields=["-opened_on", "-sequence", "division", "id"], name="case_ledger_order"
            ),
            models.Index(fields=["status", "investigation_due"]),
            models.Index(fields=["division", "opened_on"]),
            # The 两清零 view's two reads: the open cases and the cases that still owe
            # money (a few percent of all), by division and month.
            models.Index(
                fields=["division", "opened_on"],
                condition=CASE_NOT_CLOSED,
                name="case_open_by_division",
            ),
            models.Index(
                fields=["division", "opened_on", "total_outstanding"],
                condition=CASE_OWING,
                name="case_owing_by_division",
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.number


class CaseInspector(TimeStampedModel):
    """An inspector on a case; one lead (主办). Removal keeps the row: reassignments stay
    on record."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead inspector (主办)")
        CO = "co", _("co-inspector (协办)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["case_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(role="lead", removed_at=None),
                name="case_one_lead_inspector",
            ),
            models.UniqueConstraint(
                fields=["case", "inspector"],
                condition=Q(removed_at=None),
                name="case_inspector_once",
            ),
        ]
        verbose_name = _("case inspector")
        verbose_name_plural = _("case inspectors")

    def __str__(self) -> str:
        return f"{self.case} {self.inspector} {self.role}"


class Claim(TimeStampedModel):
    """One worker's unpaid wages in a case (欠薪诉求). Paid is the sum of its payments."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="claims")
    worker = models.ForeignKey(
        Person, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="claims"
    )
    claimed = models.DecimalField(_("claimed"), max_digits=14, decimal_places=2, default=ZERO)
    verified = models.DecimalField(
        _("verified"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    ordered = models.DecimalField(
        _("ordered"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    paid = models.DecimalField(
        _("paid"), max_digits=14, decimal_places=2, default=ZERO, editable=False
    )
    verified_reason = models.TextField(
        _("why the verified amount differs from the claim"),
        blank=True,
        help_text=_("Needed when the verified amount is not what the worker claimed."),
    )
    explanation = models.TextField(
        _("why the rest is not paid"),
        blank=True,
        help_text=_("Needed to close while money is outstanding, e.g. referred to court."),
    )

    class Meta:
        ordering = ["case_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "worker"], name="claim_one_per_worker"),
            models.CheckConstraint(
                condition=Q(claimed__gte=0) & Q(paid__gte=0), name="claim_amounts_not_negative"
            ),
        ]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self) -> str:
        return f"{self.case} {self.worker}"

    @property
    def due(self) -> Decimal:
        """What the worker is owed: the ordered amount, else the verified, else the claimed."""
        return claim_due(claimed=self.claimed, verified=self.verified, ordered=self.ordered)

    @property
    def outstanding(self) -> Decimal:
        return claim_outstanding(due=self.due, paid=self.paid)


class Payment(TimeStampedModel):
    """Money that reached a worker (清偿)."""

    class Payer(models.TextChoices):
        EMPLOYER = "employer", _("employer")
        GENERAL_CONTRACTOR = "general_contractor", _("general contractor paying first (先行清偿)")
        BUILDER = "builder", _("builder advancing (垫付)")
        DEPOSIT = "deposit", _("wage deposit drawn (工资保证金)")
        EMERGENCY_FUND = "emergency_fund", _("emergency fund (应急周转金)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    payer_kind = models.CharField(_("paid by"), max_length=32, choices=Payer.choices)
    payer = models.ForeignKey(
        Organization,
        verbose_name=_("paying organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    method = models.CharField(
        _("how"), max_length=50, blank=True, help_text=_("Bank transfer, cash on site …")
    )
    voucher = models.CharField(_("voucher number"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A wrong payment is never edited or deleted: a reversal (冲正) is a new entry of the
    # negative amount that names the payment it reverses and why (``payment_reverse``).
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
    )
    reason = models.TextField(_("reason for the reversal"), blank=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, reverses__isnull=True)
                | Q(amount__lt=0, reverses__isnull=False),
                name="payment_positive_or_reversal",
            )
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.claim} {self.amount}"


class Document(TimeStampedModel):
    """A numbered case document (文书) generated from a template, stored with its hash."""

    class Kind(models.TextChoices):
        OPENING_APPROVAL = "opening_approval", _("立案审批表")
        INQUIRY_NOTICE = "inquiry_notice", _("询问通知书")
        ORDER = "order", _("限期改正指令书")
        DECISION = "decision", _("行政处理决定书")
        CLOSING_APPROVAL = "closing_approval", _("结案审批表")
        HEARING_NOTICE = "hearing_notice", _("行政处理（处罚）事先告知书")
        PENALTY_DECISION = "penalty_decision", _("行政处罚决定书")
        ENFORCEMENT_REMINDER = "enforcement_reminder", _("催告书")
        # the blacklist's documents, built by qingling.sanctions.documents (not from
        # this app's templates) and served like the others
        LISTING_NOTICE = "listing_notice", _("拟列入失信联合惩戒对象名单告知书")
        LISTING_DECISION = "listing_decision", _("列入失信联合惩戒对象名单决定书")
        LISTING_REMOVAL = "listing_removal", _("提前移出失信联合惩戒对象名单决定书")

    SERVED_ON_EMPLOYER = frozenset(
        {
            Kind.INQUIRY_NOTICE,
            Kind.ORDER,
            Kind.DECISION,
            Kind.HEARING_NOTICE,
            Kind.PENALTY_DECISION,
            Kind.ENFORCEMENT_REMINDER,
            Kind.LISTING_NOTICE,
            Kind.LISTING_DECISION,
            Kind.LISTING_REMOVAL,
        }
    )
    # Generated only by the decision procedure (decisions.py, enforcement.py), which
    # checks its clocks first; never from the free "generate" form.
    PROCEDURE_KINDS = frozenset(
        {Kind.HEARING_NOTICE, Kind.DECISION, Kind.PENALTY_DECISION, Kind.ENFORCEMENT_REMINDER}
    )
    # Built by qingling.sanctions.documents, not from this app's templates.
    BUILT_ELSEWHERE = frozenset({Kind.LISTING_NOTICE, Kind.LISTING_DECISION, Kind.LISTING_REMOVAL})
    # Not offered by the case page's free generate form: the procedure's and the
    # blacklist's.
    NOT_ON_FORM = PROCEDURE_KINDS | BUILT_ELSEWHERE

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    number = models.CharField(_("document number"), max_length=64, unique=True)
    file = models.FileField(upload_to="documents/%Y/")
    sha256 = models.CharField(max_length=64)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    pdf = models.FileField(upload_to="documents/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voided_at=None) | ~Q(void_reason=""), name="document_void_has_reason"
            ),
        ]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.number

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


class Service(TimeStampedModel):
    """A document served on a party (送达): how, when, on whom, by whom, and its 送达回证
    (generated, then the signed scan uploaded). ``effective_on`` is the day it counts as
    served: the day of service, or for a public notice (公告送达) the day its waiting
    period ends; clocks that run "from service" start there."""

    class Method(models.TextChoices):
        DIRECT = "direct", _("direct service (直接送达)")
        LEFT = "left", _("left at the premises (留置送达)")
        POST = "post", _("by post (邮寄送达)")
        ENTRUSTED = "entrusted", _("entrusted service (委托送达)")
        PUBLIC_NOTICE = "public_notice", _("public notice (公告送达)")
        ELECTRONIC = "electronic", _("electronic service (电子送达)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="services")
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    served_on = models.DateField(_("served on"))
    effective_on = models.DateField(_("counts as served on"))
    recipient_organization = models.ForeignKey(
        Organization,
        verbose_name=_("party served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_name = models.CharField(_("received by"), max_length=100, blank=True)
    recipient_role = models.CharField(_("recipient's role"), max_length=100, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("served by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    witnesses = models.TextField(_("witnesses"), blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    entrusted_to = models.CharField(_("entrusted to"), max_length=200, blank=True)
    notice_place = models.CharField(_("where the notice is posted"), max_length=200, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), null=True, blank=True)
    electronic_address = models.CharField(_("electronic address"), max_length=200, blank=True)
    electronic_consent = models.BooleanField(_("the party agreed in writing"), default=False)
    evidence = models.FileField(_("photo or video proof"), upload_to="services/%Y/", blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    receipt = models.FileField(_("proof of service (送达回证)"), upload_to="services/%Y/")
    receipt_sha256 = models.CharField(max_length=64)
    signed_receipt = models.FileField(
        _("signed proof of service"), upload_to="services/%Y/", blank=True
    )
    signed_receipt_sha256 = models.CharField(max_length=64, blank=True)
    signed_receipt_uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "served_on", "id"]
        indexes = [models.Index(fields=["effective_on"])]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return f"{self.document} {self.method} {self.served_on}"


class InvestigationRecord(TimeStampedModel):
    """A 笔录 the inspectors write during the investigation: an inquiry record (询问笔录) of
    a person asked, or an on-site inspection record (现场检查笔录). At least two inspectors
    with their 执法证号 (监察条例 Art. 16); the generated DOCX is printed for signing and
    the signed scan uploaded afterwards (``cases.evidence``)."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("inquiry record (询问笔录)")
        INSPECTION = "inspection", _("on-site inspection record (现场检查笔录)")

    class Side(models.TextChoices):
        """Whose side the person asked (or present on site) is on: a record read and signed
        by the employer's side never names an informant (监察条例 Art. 9)."""

        RESPONDENT = "respondent", _("the employer's side (employer, contractor, manager)")
        WORKER = "worker", _("a worker")
        OTHER = "other", _("someone else (a witness)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    subject_name = models.CharField(_("person asked or present"), max_length=100)
    subject_role = models.CharField(_("their role"), max_length=100, blank=True)
    subject_side = models.CharField(_("their side"), max_length=16, choices=Side.choices)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="+"
    )
    # [{"q": "…", "a": "…"}, …] in the order asked
    questions = models.JSONField(_("questions and answers"), default=list, blank=True)
    findings = models.TextField(_("what was found on site"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to="records/%Y/")
    sha256 = models.CharField(max_length=64)
    pdf = models.FileField(upload_to="records/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    signed_scan = models.FileField(_("signed scan"), upload_to="records/%Y/", blank=True)
    signed_scan_sha256 = models.CharField(max_length=64, blank=True)
    signed_scan_uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "started_at", "id"]
        verbose_name = _("investigation record")
        verbose_name_plural = _("investigation records")

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.started_at:%Y-%m-%d}"


class Evidence(TimeStampedModel):
    """A piece of evidence gathered for the case (调取的证据): a payroll, attendance
    records, a contract, a photo …, kept with its SHA-256, where it came from and when."""

    class Kind(models.TextChoices):
        PAYROLL = "payroll", _("payroll (工资表)")
        ATTENDANCE = "attendance", _("attendance records (考勤记录)")
        CONTRACT = "contract", _("labour or subcontract (合同)")
        ROSTER = "roster", _("real-name roster (花名册)")
        BANK = "bank", _("bank or payment record (银行流水、转账凭证)")
        PHOTO = "photo", _("photo (照片)")
        STATEMENT = "statement", _("written statement (书面证言)")
        OTHER = "other", _("other (其他)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("obtained from"), max_length=200)
    obtained_on = models.DateField(_("obtained on"))
    pages = models.PositiveSmallIntegerField(_("pages"), default=1)
    file = models.FileField(upload_to="evidence/%Y/")
    content_type = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case_id", "obtained_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(pages__gte=1), name="evidence_pages")]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.case} {self.title}"


class CaseArchive(TimeStampedModel):
    """The archived file of a closed case (归档): its index (卷内目录) in the prescribed
    order with page counts, the retention period, and the ZIP of the whole file. Once it
    exists the case and everything under it is read-only (``services.case_writable_check``)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="archive")
    archived_on = models.DateField(_("archived on"))
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    retention_years = models.PositiveSmallIntegerField(_("retention period (years)"))
    retain_until = models.DateField(_("kept until"))
    pages = models.PositiveIntegerField(_("pages"))
    # [{"seq", "section", "number", "author", "title", "date", "pages", "first_page",
    #   "member"}, …]: the index as archived
    items = models.JSONField(default=list)
    index = models.FileField(upload_to="archives/%Y/")
    index_sha256 = models.CharField(max_length=64)
    index_pdf = models.FileField(upload_to="archives/%Y/")
    index_pdf_sha256 = models.CharField(max_length=64)
    bundle = models.FileField(upload_to="archives/%Y/")
    bundle_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("archived case file")
        verbose_name_plural = _("archived case files")

    def __str__(self) -> str:
        return f"{self.case} {self.archived_on}"


class CourtRuling(models.TextChoices):
    ENFORCE = "enforce", _("enforcement ordered (准予执行)")
    REFUSED = "refused", _("enforcement refused (不予执行)")


class Proceeding(TimeStampedModel):
    """The road from an order unpaid after its date to a decision, and on to the court
    (处理处罚程序, ``procedure.py``): the notice of the intended decision (事先告知) and
    its service, the party's defence or written waiver and the bureau's answer, the
    handling and/or penalty decision with their service, any review or suit, and when
    the decisions are final and not carried out, the reminder (催告) and the application
    for the court's enforcement. A case has at most one live proceeding."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proceedings")
    status = models.CharField(
        _("status"), max_length=16, choices=ProceedingStatus.choices, default="notified"
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    # the notice (事先告知书) and what it announces
    notice = models.ForeignKey(
        Document, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="+"
    )
    intended_rate = models.DecimalField(
        _("intended compensation rate"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    intended_rate_reason = models.TextField(_("reason for the rate"), blank=True)
    intended_fine_key = models.CharField(_("intended fine"), max_length=32, blank=True)
    intended_fine = models.DecimalField(
        _("intended fine amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    hearing_offered = models.BooleanField(_("hearing (听证) offered"), default=False)
    notice_served_on = models.DateField(_("notice counts as served on"), null=True, blank=True)
    defence_due = models.DateField(_("defence period ends"), null=True, blank=True)
    # the defence (陈述申辩) and the bureau's answer, or the written waiver
    statement = models.TextField(_("the party's statement and defence"), blank=True)
    statement_received_on = models.DateField(_("statement received on"), null=True, blank=True)
    hearing_requested = models.BooleanField(_("hearing requested"), default=False)
    # the hearing notice (听证通知): told at least 7 working days before (行政处罚法 Art. 64)
    hearing_notified_on = models.DateField(_("hearing notice given on"), null=True, blank=True)
    hearing_on = models.DateField(_("hearing date"), null=True, blank=True)
    hearing_place = models.CharField(_("hearing place"), max_length=200, blank=True)
    hearing_held_on = models.DateField(_("hearing held on"), null=True, blank=True)
    answer_adopted = models.BooleanField(_("defence adopted"), null=True, blank=True)
    answer_reasons = models.TextField(_("reasons for adopting or not"), blank=True)
    waived_on = models.DateField(_("defence waived in writing on"), null=True, blank=True)
    waiver_note = models.TextField(_("the written waiver"), blank=True)
    # the decisions
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision = models.ForeignKey(
        Document,
        verbose_name=_("handling decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    penalty_decision = models.ForeignKey(
        Document,
        verbose_name=_("penalty decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decisions_served_on = models.DateField(_("decisions count as served on"), null=True, blank=True)
    payment_due = models.DateField(_("compensation due"), null=True, blank=True)
    review_until = models.DateField(_("review (复议) possible until"), null=True, blank=True)
    suit_until = models.DateField(_("suit (诉讼) possible until"), null=True, blank=True)
    # enforcement
    final_on = models.DateField(_("final on"), null=True, blank=True)
    reminder = models.ForeignKey(
        Document,
        verbose_name=_("reminder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reminder_served_on = models.DateField(_("reminder counts as served on"), null=True, blank=True)
    reminder_due = models.DateField(_("reminder period ends"), null=True, blank=True)
    application_due = models.DateField(_("apply to the court by"), null=True, blank=True)
    applied_on = models.DateField(_("applied to the court on"), null=True, blank=True)
    court_case_number = models.CharField(_("court's case number"), max_length=64, blank=True)
    ruling_on = models.DateField(_("ruling on"), null=True, blank=True)
    ruling = models.CharField(_("ruling"), max_length=16, choices=CourtRuling.choices, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True)

    class Meta:
        ordering = ["case_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["notified", "decided", "final", "reminded", "applied"]),
                name="proceeding_one_live_per_case",
            ),
            models.CheckConstraint(
                condition=Q(intended_rate__isnull=True)
                | Q(intended_rate__gte=Decimal("0.50"), intended_rate__lte=Decimal("1.00")),
                name="proceeding_rate_50_to_100",
            ),
        ]
        verbose_name = _("decision procedure")
        verbose_name_plural = _("decision procedures")

    def __str__(self) -> str:
        return f"{self.case} {self.status}"


class ProceedingAlert(models.Model):
    """A warning before, or an escalation (督办) after, one of a proceeding's clocks: one
    of each per clock, written by the worker (a unique constraint keeps it once)."""

    class Level(models.TextChoices):
        WARNING = "warning", _("warning")
        ESCALATION = "escalation", _("escalated (督办)")

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="alerts")
    clock = models.CharField(_("clock"), max_length=16, choices=ProceedingClock.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    due = models.DateField(_("due"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["proceeding_id", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding", "clock", "level", "due"], name="proceeding_alert_once"
            )
        ]
        verbose_name = _("procedure alert")
        verbose_name_plural = _("procedure alerts")

    def __str__(self) -> str:
        return f"{self.proceeding} {self.clock} {self.level}"


class Compensation(TimeStampedModel):
    """Extra compensation (加付赔偿金) ordered for one worker in a handling decision
    (劳动合同法 Art. 85, 监察条例 Art. 26): the wages the claim still owed at the end of
    the order's date (``base``, ``amounts.claim_outstanding_on``) times the rate. Paid
    is the sum of its payments, kept apart from the wages: a claim's outstanding never
    includes compensation."""

    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.PROTECT, related_name="compensations"
    )
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="compensations")
    base = models.DecimalField(
        _("wages unpaid at the order's date"), max_digits=14, decimal_places=2
    )
    rate = models.DecimalField(_("rate"), max_digits=3, decimal_places=2)
    amount = models.DecimalField(_("compensation ordered"), max_digits=14, decimal_places=2)
    paid = models.DecimalField(
        _("compensation paid"), max_digits=14, decimal_places=2, default=ZERO, editable=False
    )

    class Meta:
        ordering = ["proceeding_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding", "claim"], name="compensation_once_per_claim"
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=Decimal("0.50"), rate__lte=Decimal("1.00")),
                name="compensation_rate_50_to_100",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(paid__gte=0) & Q(paid__lte=F("amount")),
                name="compensation_paid_within_ordered",
            ),
        ]
        verbose_name = _("extra compensation")
        verbose_name_plural = _("extra compensation")

    def __str__(self) -> str:
        return f"{self.claim} {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.paid, ZERO)


class CompensationPayment(TimeStampedModel):
    """Extra compensation that reached a worker, recorded like a wage payment."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    compensation = models.ForeignKey(
        Compensation, on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("how"), max_length=50, blank=True)
    voucher = models.CharField(_("voucher number"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="compensation_payment_amount_positive"
            )
        ]
        verbose_name = _("compensation payment")
        verbose_name_plural = _("compensation payments")

    def __str__(self) -> str:
        return f"{self.compensation} {self.amount}"


class Penalty(TimeStampedModel):
    """A fine imposed by a penalty decision (行政处罚决定), within its legal range
    (``fines.FINES``); due 15 days from the decision's service (行政处罚法 Art. 67), with
    the late surcharge (Art. 72) computed, and its payment with the receipt number."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="penalties")
    fine_key = models.CharField(_("fine"), max_length=32)
    amount = models.DecimalField(_("fine amount"), max_digits=14, decimal_places=2)
    decided_on = models.DateField(_("decided on"))
    due = models.DateField(_("pay by"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("paid (fine and surcharge)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    receipt_number = models.CharField(_("receipt number"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["proceeding_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="penalty_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_on=None) | ~Q(receipt_number=""), name="penalty_paid_has_receipt"
            ),
        ]
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")

    def __str__(self) -> str:
        return f"{self.proceeding} {self.fine_key} {self.amount}"


class Challenge(TimeStampedModel):
    """An application for administrative review (行政复议) or an administrative suit
    (行政诉讼) against the proceeding's decisions, and its outcome."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("administrative review (行政复议)")
        SUIT = "suit", _("administrative suit (行政诉讼)")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        UPHELD = "upheld", _("decision upheld (维持)")
        REVOKED = "revoked", _("decision revoked or changed (撤销、变更)")
        WITHDRAWN = "withdrawn", _("withdrawn by the party")

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="challenges")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    lodged_on = models.DateField(_("lodged on"))
    body = models.CharField(_("review organ or court"), max_length=200)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["proceeding_id", "lodged_on", "id"]
        verbose_name = _("review or suit")
        verbose_name_plural = _("reviews and suits")

    def __str__(self) -> str:
        return f"{self.proceeding} {self.kind} {self.outcome}"
