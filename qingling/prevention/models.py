"""Monitoring's records: the months of data received and the warnings (预警) they raised.

The rules themselves read files, not these tables (``monitoring/``); a run's warnings
are stored here by ``services.warnings_record``, once each across runs.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qingling.cases.models import Case
from qingling.core.models import Division, TimeStampedModel
from qingling.inspections.models import Inspection
from qingling.intake.models import Complaint
from qingling.parties.models import Person, Project
from qingling.prevention.lifecycle import DispatchTarget, WarningStatus
from qingling.prevention.monitoring.rules import RULES


class Rule(models.TextChoices):
    BELOW_MINIMUM = "BELOW_MINIMUM", _("paid below the minimum wage")
    EXCESSIVE_PAY = "EXCESSIVE_PAY", _("excessive pay to one worker")
    NOT_ON_ROSTER = "NOT_ON_ROSTER", _("paid but not on the roster")
    NO_LABOUR_COST = "NO_LABOUR_COST", _("no labour cost transferred")
    PROJECT_NO_PAYROLL = "PROJECT_NO_PAYROLL", _("no payroll through the wage account")
    PROJECT_UNPAID_SHARE = "PROJECT_UNPAID_SHARE", _("share of workers unpaid")
    WORKER_UNPAID = "WORKER_UNPAID", _("worker unpaid")


assert set(Rule.values) == set(RULES), "the rules' names are monitoring.rules.RULES"


class Level(models.TextChoices):
    RED = "red", _("red")
    YELLOW = "yellow", _("yellow")


class MonitoringMonth(TimeStampedModel):
    """One month of data kept as Parquet under ``var/monitoring/<month>/`` and when the
    rules last judged it (before and on its deadline, the last day of the next month)."""

    month = models.CharField(_("month"), max_length=7, unique=True)  # YYYY-MM
    received_at = models.DateTimeField(_("data received at"))
    judged_at = models.DateTimeField(_("judged at"), null=True, blank=True)
    # The run on or after the month's deadline: the one whose warnings are final.
    judged_after_deadline = models.BooleanField(default=False)
    rows = models.JSONField(_("rows kept by file"), default=dict, blank=True)
    rejects = models.JSONField(_("bad rows"), default=list, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("month of monitoring data")
        verbose_name_plural = _("months of monitoring data")

    def __str__(self) -> str:
        return self.month


class RegistryMonth(TimeStampedModel):
    """A month of the compliance registry's rows (roster, attendance, payroll, labour cost
    sent through the employer portal, the registry API or a project's page) as the
    monitoring rules see it: an import that adds rows for the month marks it ``dirty``;
    the worker assembles the month's files under ``var/monitoring/registry/<month>/``,
    judges them and clears the mark, and judges it once more after its deadline
    (``services.registry_months_judge``). Its own source beside an uploaded month."""

    month = models.CharField(_("month"), max_length=7, unique=True)  # YYYY-MM
    dirty = models.BooleanField(default=True)
    changed_at = models.DateTimeField(_("rows last received at"))
    judged_at = models.DateTimeField(_("judged at"), null=True, blank=True)
    judged_after_deadline = models.BooleanField(default=False)
    rows = models.JSONField(_("rows kept by file"), default=dict, blank=True)
    rejects = models.JSONField(_("bad rows"), default=list, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("month of registry data")
        verbose_name_plural = _("months of registry data")

    def __str__(self) -> str:
        return self.month


class Warning(TimeStampedModel):
    """A warning (预警) one rule raised for a project (and a worker) for a month.

    Deduplicated across runs by (rule, project code, worker, month): the worker is its
    blind index (``worker_key``; blank for a project's warning), so the constraint holds
    without the number. The ID number itself is sealed and masked as on Person.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rule = models.CharField(_("rule"), max_length=32, choices=Rule.choices)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    month = models.CharField(_("month"), max_length=7, db_index=True)  # YYYY-MM
    project_code = models.CharField(_("project code"), max_length=64)
    project_name = models.CharField(_("project name"), max_length=200, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    worker_key = models.CharField(max_length=64, blank=True, editable=False)
    worker_id_sealed = models.TextField(blank=True, editable=False)
    worker_id_masked = models.CharField(_("worker's ID number"), max_length=18, blank=True)
    worker = models.ForeignKey(
        Person,
        verbose_name=_("worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=WarningStatus.choices, default=WarningStatus.NEW
    )
    acknowledge_due = models.DateField(_("acknowledge by"))
    overdue_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    dispatched_to = models.CharField(
        _("dispatched to"), max_length=16, choices=DispatchTarget.choices, blank=True
    )
    closed_at = models.DateTimeField(_("resolved or dismissed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-month", "level", "rule", "project_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "project_code", "worker_key", "month"], name="warning_once"
            ),
            models.CheckConstraint(
                condition=~Q(status="dispatched") | ~Q(dispatched_to=""),
                name="warning_dispatched_has_target",
            ),
        ]
        indexes = [
            models.Index(fields=["division", "month"]),
            models.Index(fields=["status", "acknowledge_due"]),
        ]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")

    def __str__(self) -> str:
        return f"{self.rule} {self.project_code} {self.month}"


# --- the project compliance registry (issue 15, docs/compliance.md) -------------------------


class ProjectType(models.TextChoices):
    """The kinds of works the labour-cost ratio is set by (QINGLING_LABOUR_COST_MIN_SHARE)."""

    HOUSING = "housing", _("housing construction")
    MUNICIPAL = "municipal", _("municipal works and transport")
    WATER = "water", _("water works")
    OTHER = "other", _("other works")


class ProjectRegistry(TimeStampedModel):
    """What the registry holds about a project beyond parties' Project: its type (for the
    labour-cost ratio) and its completion, which starts the 30 days of publicity
    (条例 Art. 27) before the wage account may close."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="registry"
    )
    project_type = models.CharField(
        _("type of works"), max_length=16, choices=ProjectType.choices, default=ProjectType.OTHER
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("publicity ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("project registry")
        verbose_name_plural = _("project registries")

    def __str__(self) -> str:
        return str(self.project)


class WageAccount(TimeStampedModel):
    """The project's dedicated wage account (农民工工资专用账户, 条例 Art. 26). The account
    number is sealed, digested and masked like a personal number."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="wage_account"
    )
    bank = models.CharField(_("bank"), max_length=100)
    number_sealed = models.TextField(editable=False)
    number_digest = models.CharField(max_length=64, editable=False, db_index=True)
    number_masked = models.CharField(_("account number"), max_length=40)
    opened_on = models.DateField(_("opened on"))
    agreement = models.FileField(
        _("tripartite agreement"), upload_to="registry/agreements/%Y/", blank=True
    )
    agreement_sha256 = models.CharField(max_length=64, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("dedicated wage account")
        verbose_name_plural = _("dedicated wage accounts")

    def __str__(self) -> str:
        return f"{self.bank} {self.number_masked}"


class LabourCostTransfer(TimeStampedModel):
    """Labour cost (人工费用) the builder transferred into the wage account for a month."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    account = models.ForeignKey(
        WageAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="transfers"
    )
    month = models.CharField(_("month"), max_length=7)  # YYYY-MM
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    transferred_on = models.DateField(_("transferred on"))
    progress_payment = models.DecimalField(
        _("progress payment"), max_digits=16, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["project_id", "month", "transferred_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month", "transferred_on", "amount"],
                name="labour_cost_transfer_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="labour_cost_positive"),
        ]
        verbose_name = _("labour-cost transfer")
        verbose_name_plural = _("labour-cost transfers")


class DepositForm(models.TextChoices):
    CASH = "cash", _("cash deposit")
    BANK_GUARANTEE = "bank_guarantee", _("bank guarantee (保函)")
    INSURANCE = "insurance", _("guarantee insurance")


class RateBasis(models.TextChoices):
    STANDARD = "standard", _("standard rate")
    CLEAN_RECORD = "clean_record", _("reduced: no arrears on record")
    ARREARS = "arrears", _("raised: arrears on record")


class WageDeposit(TimeStampedModel):
    """The general contractor's wage deposit (工资保证金, 条例 Art. 32) for a project: what is
    required (the contract value × the rate) and what is held (the movements' sum)."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="wage_deposit"
    )
    form = models.CharField(_("form"), max_length=16, choices=DepositForm.choices)
    rate_basis = models.CharField(
        _("rate applied"), max_length=16, choices=RateBasis.choices, default=RateBasis.STANDARD
    )
    rate = models.DecimalField(_("rate"), max_digits=6, decimal_places=4)
    required = models.DecimalField(_("amount required"), max_digits=16, decimal_places=2)
    held = models.DecimalField(_("amount held"), max_digits=16, decimal_places=2, default=0)
    lodged_on = models.DateField(_("lodged on"))
    top_up_due = models.DateField(_("top up by"), null=True, blank=True)
    refunded_on = models.DateField(_("refunded on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(held__gte=0), name="deposit_held_not_negative"),
        ]
        verbose_name = _("wage deposit")
        verbose_name_plural = _("wage deposits")


class DepositMovement(TimeStampedModel):
    class Kind(models.TextChoices):
        LODGE = "lodge", _("lodged")
        DRAW = "draw", _("drawn to pay workers")
        TOP_UP = "top_up", _("topped up")
        REFUND = "refund", _("refunded")

    deposit = models.ForeignKey(WageDeposit, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(_("movement"), max_length=8, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)  # signed
    on = models.DateField(_("date"))
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["deposit_id", "on", "id"]
        verbose_name = _("deposit movement")
        verbose_name_plural = _("deposit movements")


class RightsBoard(TimeStampedModel):
    """The rights-information board on site (维权信息告示牌, 条例 Art. 34): its photo, the day
    it was seen up, and which of the required contents it shows."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    photo = models.FileField(_("photo"), upload_to="registry/boards/%Y/")
    photo_sha256 = models.CharField(max_length=64)
    put_up_on = models.DateField(_("seen up on"))
    contents = models.JSONField(_("contents shown"), default=list, blank=True)

    class Meta:
        ordering = ["project_id", "-put_up_on", "-id"]
        verbose_name = _("rights information board")
        verbose_name_plural = _("rights information boards")


class Attendance(TimeStampedModel):
    """A worker's attendance (考勤) on a project: a day present (``day``; ``days`` is 1) or a
    month's count of days (``day`` empty)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    worker = models.ForeignKey(
        Person, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.CharField(_("month"), max_length=7)  # YYYY-MM
    day = models.DateField(_("day"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("days present"), default=1)

    class Meta:
        ordering = ["project_id", "month", "worker_id", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "worker", "day"],
                condition=Q(day__isnull=False),
                name="attendance_day_once",
            ),
            models.UniqueConstraint(
                fields=["project", "worker", "month"],
                condition=Q(day__isnull=True),
                name="attendance_month_once",
            ),
        ]
        indexes = [models.Index(fields=["project", "month"])]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")


class PayrollEntry(TimeStampedModel):
    """One line of a payroll sheet (工资表): a worker's pay for a month, when it was paid and
    whether through the wage account (代发). A negative amount is a reversal."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    worker = models.ForeignKey(
        Person, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="+"
    )
    wage_month = models.CharField(_("wage month"), max_length=7)  # YYYY-MM
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    via_wage_account = models.BooleanField(_("through the wage account"))

    class Meta:
        ordering = ["project_id", "wage_month", "worker_id", "paid_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "worker", "wage_month", "paid_on", "amount"],
                name="payroll_entry_once",
            ),
        ]
        indexes = [models.Index(fields=["project", "wage_month"])]
        verbose_name = _("payroll entry")
        verbose_name_plural = _("payroll entries")
