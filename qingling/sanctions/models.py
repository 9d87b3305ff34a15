import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qingling.cases.models import Case, Document
from qingling.core.models import TimeStampedModel
from qingling.parties.models import Organization, Person
from qingling.sanctions.lifecycle import (
    ACTIVE_STATUSES,
    REFERRAL_LIVE_STATUSES,
    ListingClock,
    ListingGround,
    ListingStatus,
    ReferralClock,
    ReferralStatus,
)


class Listing(TimeStampedModel):
    """An entry on the wage-arrears blacklist (失信联合惩戒名单, 人社部令第45号): an
    organization listed from a case, with its procedure and its 3-year term."""

    class Removal(models.TextChoices):
        EXPIRED = "expired", _("the 3-year term ended")
        EARLY = "early", _("early removal after credit repair (信用修复)")
        REVOKED = "revoked", _("revoked on administrative review or by a court")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="listings",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="listings"
    )
    persons: "models.ManyToManyField[Person, ListingPerson]" = models.ManyToManyField(
        Person,
        verbose_name=_("persons listed with it"),
        through="ListingPerson",
        related_name="listings",
        blank=True,
    )
    ground = models.CharField(_("ground"), max_length=16, choices=ListingGround.choices)
    # the one-worker form of 数额较大 (法释〔2013〕3号 Art. 3 (1)): as the proposer states it
    three_months_pay = models.BooleanField(
        _("a worker is owed three months' pay or more"), default=False
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=ListingStatus.choices, default=ListingStatus.PROPOSED
    )
    # The decision number (e.g. 辽人社失信〔2026〕3号), given when the chief decides.
    number = models.CharField(_("decision number"), max_length=64, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    proposed_on = models.DateField(_("proposed on"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the notice of intended listing (告知书): a case document, served like one
    notice_document = models.ForeignKey(
        Document,
        verbose_name=_("notice of intended listing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_served_on = models.DateField(_("notice served on (事先告知)"), null=True, blank=True)
    notice_note = models.TextField(_("how the notice was served"), blank=True)
    defence_days = models.PositiveSmallIntegerField(
        _("defence period (working days)"), null=True, blank=True
    )
    defence_ends_on = models.DateField(_("defence period ends on"), null=True, blank=True)
    defence_ends_provisional = models.BooleanField(default=False)
    defence_waived_on = models.DateField(_("defence waived in writing on"), null=True, blank=True)
    defence_waiver_note = models.TextField(_("the written waiver"), blank=True)
    defence_received_on = models.DateField(
        _("statement and defence received on"), null=True, blank=True
    )
    defence_statement = models.TextField(_("the party's statement and defence"), blank=True)
    defence_adopted = models.BooleanField(_("defence adopted"), null=True, blank=True)
    defence_answer = models.TextField(_("the answer to the defence, with reasons"), blank=True)
    defence_note = models.TextField(_("the party's statement and defence (陈述申辩)"), blank=True)
    decision_document = models.ForeignKey(
        Document,
        verbose_name=_("decision (决定书)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removal_document = models.ForeignKey(
        Document,
        verbose_name=_("removal decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    ends_on = models.DateField(_("listed until"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal = models.CharField(_("removal"), max_length=16, choices=Removal.choices, blank=True)
    repaid_on = models.DateField(_("arrears repaid on"), null=True, blank=True)
    commitment_note = models.TextField(_("written commitment (守信承诺书)"), blank=True)
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="listing_unique_sequence",
            ),
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="listing_unique_number"
            ),
            # One live entry per organization and case: a second proposal is refused.
            models.UniqueConstraint(
                fields=["organization", "case"],
                condition=Q(status__in=sorted(ACTIVE_STATUSES)),
                name="listing_one_active_per_case",
            ),
            models.CheckConstraint(
                condition=~Q(status="listed") | Q(listed_on__isnull=False, ends_on__isnull=False),
                name="listing_listed_has_term",
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_on"])]
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")

    def __str__(self) -> str:
        return self.number or f"{self.organization} ({self.get_status_display()})"


class ListingPerson(TimeStampedModel):
    """A person listed with the organization (Art. 5: its legal representative or
    principal, the responsible managers and other directly responsible persons)."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("legal representative (法定代表人)")
        PRINCIPAL = "principal", _("principal (主要负责人)")
        CONTROLLER = "controller", _("actual controller (实际控制人)")
        RESPONSIBLE = "responsible", _("responsible manager or directly responsible person")

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="listed_persons")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        ordering = ["listing_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "person"], name="listing_person_once")
        ]
        verbose_name = _("person listed")
        verbose_name_plural = _("persons listed")

    def __str__(self) -> str:
        return f"{self.listing} {self.person}"


class ListingChallenge(TimeStampedModel):
    """An administrative review (行政复议) or suit (行政诉讼) against a listing, and its
    outcome: upheld, or revoked (the listing is then removed). One of each kind per
    listing: a second record of the same challenge is refused."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("administrative review (行政复议)")
        SUIT = "suit", _("administrative suit (行政诉讼)")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("upheld (维持)")
        REVOKED = "revoked", _("revoked (撤销)")

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="challenges")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    filed_on = models.DateField(_("filed on"))
    body = models.CharField(_("review organ or court"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    document = models.CharField(_("decision or judgment"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["listing_id", "filed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "kind"], name="listing_challenge_once")
        ]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")

    def __str__(self) -> str:
        return f"{self.listing} {self.kind}"


class ListingAlert(models.Model):
    """A warning before, or a notice after, one of a listing's clocks, written once by
    the worker (like ``ReferralAlert``)."""

    class Level(models.TextChoices):
        WARNING = "warning", _("warning")
        DUE = "due", _("period over")

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="alerts")
    clock = models.CharField(_("clock"), max_length=16, choices=ListingClock.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    due = models.DateField(_("due"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["listing_id", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "clock", "level"], name="listing_alert_once")
        ]
        verbose_name = _("listing alert")
        verbose_name_plural = _("listing alerts")

    def __str__(self) -> str:
        return f"{self.listing} {self.clock} {self.level}"


class ListingEvent(models.Model):
    """One line of the sharing feed (联合惩戒, docs/sanctions.md): a listing published or
    removed, as it was said on the day. Append-only; ``id`` is the feed's cursor."""

    class Event(models.TextChoices):
        LISTED = "listed", _("listed")
        REMOVED = "removed", _("removed")

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="events")
    event = models.CharField(max_length=16, choices=Event.choices)
    occurred_on = models.DateField()
    payload = models.JSONField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["occurred_on", "id"])]
        verbose_name = _("feed event")
        verbose_name_plural = _("feed events")

    def __str__(self) -> str:
        return f"{self.listing} {self.event} {self.occurred_on}"


class Evasion(TimeStampedModel):
    """Evidence that the employer evades payment (法释〔2013〕3号 Art. 2; 人社部发〔2014〕100号),
    recorded by an inspector of the case: one of the conditions a transfer shows."""

    class Kind(models.TextChoices):
        ASSETS = "assets", _("transferred or hid assets (转移财产)")
        ABSCONDED = "absconded", _("absconded or hid (逃匿)")
        RECORDS = "records", _("hid, destroyed or altered pay records (隐匿、销毁账簿)")
        NO_SHOW = "no_show", _("notified, did not appear or openly refused (拒不到场)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="evasions"
    )
    kind = models.CharField(_("what the employer did"), max_length=16, choices=Kind.choices)
    observed_on = models.DateField(_("observed on"))
    description = models.TextField(_("facts and how they were established"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case_id", "observed_on", "id"]
        verbose_name = _("evasion evidence")
        verbose_name_plural = _("evasion evidence")

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"


class EvasionFile(TimeStampedModel):
    """A photo or PDF proving an evasion; stored under MEDIA_ROOT, outside the web root."""

    evasion = models.ForeignKey(Evasion, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="sanctions/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["evasion_id", "id"]
        verbose_name = _("evasion evidence file")
        verbose_name_plural = _("evasion evidence files")

    def __str__(self) -> str:
        return self.original_name


class Referral(TimeStampedModel):
    """A transfer of a suspected 拒不支付劳动报酬罪 to the police (移送, 国务院令第310号):
    the proposal, the head's decision, what was sent to whom, the police's answer, the
    reconsideration and the procuratorate's supervision."""

    class Item(models.TextChoices):
        """What goes with the transfer (310号令 Art. 6)."""

        LETTER = "letter", _("transfer letter (涉嫌犯罪案件移送书)")
        REPORT = "report", _("investigation report (调查报告)")
        CASE_FILE = "case_file", _("copy of the case file (案卷材料复印件)")
        EVIDENCE_LIST = "evidence_list", _("evidence list (证据清单)")
        EXPERT = "expert", _("test or expert reports (检验报告或者鉴定结论)")

    REQUIRED_ITEMS = (Item.LETTER, Item.REPORT, Item.CASE_FILE, Item.EVIDENCE_LIST)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReferralStatus.choices,
        default=ReferralStatus.PROPOSED,
    )
    # The transfer letter's number (e.g. 辽人社移〔2026〕1号), given when the head approves.
    number = models.CharField(_("letter number"), max_length=64, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    # the proposal (移送报告)
    report = models.TextField(_("transfer report: the facts"))
    three_months_pay = models.BooleanField(
        _("a worker is owed three months' pay or more"), default=False
    )
    conditions = models.JSONField(_("conditions when proposed"), default=dict)
    proposed_on = models.DateField(_("proposed on"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_due = models.DateField(_("head's decision due"))
    decision_due_provisional = models.BooleanField(default=False)
    # the head's decision
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    send_due_at = models.DateTimeField(_("to be sent by"), null=True, blank=True)
    # what was sent, when, to whom
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    police_organ = models.CharField(_("police organ"), max_length=100, blank=True)
    police_officer = models.CharField(_("receiving officer"), max_length=100, blank=True)
    items = models.JSONField(_("what was sent"), default=list)
    items_note = models.TextField(_("other materials and notes"), blank=True)
    prosecutor_copied = models.CharField(
        _("copy to the procuratorate (抄送检察院)"), max_length=100, blank=True
    )
    prosecutor_copied_on = models.DateField(_("copy sent on"), null=True, blank=True)
    # the police's answers
    accepted_on = models.DateField(_("police opened a criminal case on"), null=True, blank=True)
    accepted_document = models.CharField(_("police's document (立案)"), max_length=200, blank=True)
    declined_on = models.DateField(_("police declined on"), null=True, blank=True)
    declined_document = models.CharField(
        _("police's document (不予立案)"), max_length=200, blank=True
    )
    declined_notice_on = models.DateField(_("refusal notice received on"), null=True, blank=True)
    reconsideration_due = models.DateField(_("reconsideration due"), null=True, blank=True)
    reconsideration_requested_on = models.DateField(
        _("reconsideration requested on"), null=True, blank=True
    )
    reconsideration_note = models.TextField(_("reconsideration request"), blank=True)
    upheld_on = models.DateField(_("refusal upheld on"), null=True, blank=True)
    upheld_document = models.CharField(_("reconsideration decision"), max_length=200, blank=True)
    upheld_notice_on = models.DateField(
        _("reconsideration decision received on"), null=True, blank=True
    )
    supervision_due = models.DateField(_("supervision request due"), null=True, blank=True)
    supervision_requested_on = models.DateField(
        _("supervision requested on"), null=True, blank=True
    )
    supervision_prosecutor = models.CharField(_("procuratorate"), max_length=100, blank=True)
    supervision_note = models.TextField(_("supervision request"), blank=True)
    end_note = models.TextField(_("why it ended"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=sorted(REFERRAL_LIVE_STATUSES)),
                name="referral_one_live_per_case",
            ),
            models.UniqueConstraint(
                fields=["year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="referral_unique_sequence",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="referral_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "sent_at"])]
        verbose_name = _("transfer to the police")
        verbose_name_plural = _("transfers to the police")

    def __str__(self) -> str:
        return self.number or f"{self.case} ({self.get_status_display()})"


class ReferralAlert(models.Model):
    """A warning before, or an escalation (督办) after, one of a transfer's clocks: one of
    each per clock, written by the worker (a unique constraint keeps it once)."""

    class Level(models.TextChoices):
        WARNING = "warning", _("warning")
        ESCALATION = "escalation", _("escalated (督办)")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="alerts")
    clock = models.CharField(_("clock"), max_length=16, choices=ReferralClock.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    due = models.CharField(_("due"), max_length=32)  # the date or moment, as ISO text
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["referral_id", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "clock", "level"], name="referral_alert_once"
            )
        ]
        verbose_name = _("transfer alert")
        verbose_name_plural = _("transfer alerts")

    def __str__(self) -> str:
        return f"{self.referral} {self.clock} {self.level}"
