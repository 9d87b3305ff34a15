import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qingling.cases.models import Case
from qingling.core.models import Division, TimeStampedModel
from qingling.inspections.checklist import CheckItem, CheckResult
from qingling.inspections.lifecycle import CORRECTED_STATUSES, FindingStatus
from qingling.intake.models import Complaint
from qingling.parties.models import Organization, Project

if TYPE_CHECKING:
    from qingling.accounts.models import User


class Campaign(TimeStampedModel):
    """A special campaign (专项行动): a period and a target list of construction projects."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    criteria = models.JSONField(_("how the targets were chosen"), default=dict, blank=True)
    targets: "models.ManyToManyField[Project, CampaignTarget]" = models.ManyToManyField(
        Project, verbose_name=_("target projects"), through="CampaignTarget", related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_in_order"
            )
        ]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="target_rows")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["campaign_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "project"], name="campaign_target_once")
        ]
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.project_id}"


class Inspection(TimeStampedModel):
    """A site visit (执法检查) by at least two inspectors (监察条例 Art. 16)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("done")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="inspections"
    )
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    done_on = models.DateField(_("inspected on"), null=True, blank=True)
    place = models.CharField(_("place on site"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    inspectors: "models.ManyToManyField[User, InspectionInspector]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspectors"),
        through="InspectionInspector",
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-done_on", "-planned_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="inspection_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="inspection_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["division", "done_on"])]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        day = self.done_on or self.planned_on
        return f"{self.project} {day or ''}".strip()


class InspectionInspector(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspection_visits"
    )

    class Meta:
        ordering = ["inspection_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "inspector"], name="inspection_inspector_once"
            )
        ]
        verbose_name = _("inspection inspector")
        verbose_name_plural = _("inspection inspectors")

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.inspector_id}"


class CheckEntry(models.Model):
    """One checklist item of an inspection: in order, a violation, or not applicable."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checks")
    item = models.CharField(_("item"), max_length=32, choices=CheckItem.choices)
    result = models.CharField(_("result"), max_length=16, choices=CheckResult.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["inspection_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="check_entry_once")
        ]
        verbose_name = _("checklist entry")
        verbose_name_plural = _("checklist entries")

    def __str__(self) -> str:
        return f"{self.item}: {self.result}"


class Finding(TimeStampedModel):
    """A violation found on inspection (检查发现) and what became of it."""

    Status = FindingStatus  # the statuses and their steps: inspections/lifecycle.py
    CORRECTED_STATUSES = CORRECTED_STATUSES

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.CharField(_("checklist item"), max_length=32, choices=CheckItem.choices)
    article = models.CharField(_("article breached"), max_length=100)
    description = models.TextField(_("what was found"))
    respondent = models.ForeignKey(
        Organization,
        verbose_name=_("responsible organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default="open")
    correction_due = models.DateField(_("correct by"), null=True, blank=True)
    correction_due_provisional = models.BooleanField(default=False)
    # What the deadline was counted from and how many working days it gave, kept so that a
    # provisional deadline can be recomputed when its year's schedule is loaded.
    correction_due_from = models.DateField(null=True, blank=True, editable=False)
    correction_working_days = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False
    )
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True)
    correction_note = models.TextField(_("how it was corrected"), blank=True)
    overdue_at = models.DateTimeField(
        _("found uncorrected after the deadline"), null=True, blank=True
    )
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["inspection_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="deadline") | Q(correction_due__isnull=False),
                name="finding_deadline_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["corrected_on_spot", "corrected"])
                | Q(corrected_on__isnull=False),
                name="finding_corrected_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "correction_due"]),
            models.Index(fields=["corrected_on"]),
        ]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.article} {self.get_item_display()}"


class SpotPayment(models.Model):
    """Money paid on the spot to correct a finding (当场纠正): to whom and how much."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="spot_payments")
    payee_name = models.CharField(_("paid to"), max_length=50)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    payer = models.ForeignKey(
        Organization,
        verbose_name=_("paid by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["finding_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spot_payment_amount_positive")
        ]
        verbose_name = _("payment on the spot")
        verbose_name_plural = _("payments on the spot")

    def __str__(self) -> str:
        return f"{self.payee_name} {self.amount}"


class Evidence(TimeStampedModel):
    """A photo or file taken on inspection; stored under MEDIA_ROOT, outside the web root."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="evidence")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    file = models.FileField(upload_to="inspections/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["inspection_id", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name
