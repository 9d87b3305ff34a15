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
