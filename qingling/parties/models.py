import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qingling.core.models import Division, TimeStampedModel


class Person(TimeStampedModel):
    """A natural person. ID and phone numbers exist here only sealed, digested and masked."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=50, db_index=True)
    id_number_sealed = models.TextField(blank=True, editable=False)
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    phone_sealed = models.TextField(blank=True, editable=False)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("mobile"), max_length=11, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=~Q(id_number_digest=""),
                name="person_unique_id_number",
            )
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class Organization(TimeStampedModel):
    """An employer, builder, contractor or subcontractor (单位)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        help_text=_("统一社会信用代码, 18 characters, when known."),
    )
    legal_representative = models.ForeignKey(
        Person,
        verbose_name=_("legal representative"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_organizations",
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    name_key = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        editable=False,
        help_text="The trade name's pinyin block key (matching.NameParts.block_key), "
        "set by the services; finds possible duplicates.",
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="organization_unique_credit_code",
            )
        ]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Project(TimeStampedModel):
    """A construction project (工程项目); its parties are ProjectParty rows by role."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    # The code the province's monitoring platform gives the project (项目编码); the
    # monthly files name projects by it (docs/monitoring.md). Blank until known.
    code = models.CharField(_("project code"), max_length=64, blank=True)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contract_value = models.DecimalField(
        _("contract value (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("planned completion"), null=True, blank=True)
    wage_officer = models.ForeignKey(
        Person,
        verbose_name=_("wage officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("劳资专管员 of the general contractor."),
    )

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(contract_value__isnull=True) | Q(contract_value__gte=0),
                name="project_contract_value_not_negative",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="project_unique_code"
            ),
        ]
        verbose_name = _("construction project")
        verbose_name_plural = _("construction projects")

    def __str__(self) -> str:
        return self.name


class ProjectParty(TimeStampedModel):
    """A party to a project by role: builder, general contractor, subcontractor or team."""

    class Role(models.TextChoices):
        BUILDER = "builder", _("builder (建设单位)")
        GENERAL_CONTRACTOR = "general_contractor", _("general contractor (总包)")
        SUBCONTRACTOR = "subcontractor", _("subcontractor (分包)")
        TEAM = "team", _("work team (班组)")

    SINGLE_ROLES = (Role.BUILDER, Role.GENERAL_CONTRACTOR)

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="parties"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_parties",
    )
    leader = models.ForeignKey(
        Person,
        verbose_name=_("team leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_teams",
    )
    engaged_by = models.ForeignKey(
        "self",
        verbose_name=_("engaged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engaged",
        help_text=_("The party that contracted this one."),
    )

    class Meta:
        ordering = ["project_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "role"],
                condition=Q(role__in=["builder", "general_contractor"]),
                name="project_one_builder_one_general_contractor",
            ),
            models.CheckConstraint(
                condition=(Q(role="team") & Q(leader__isnull=False))
                | (~Q(role="team") & Q(organization__isnull=False)),
                name="project_party_has_organization_or_leader",
            ),
        ]
        verbose_name = _("project party")
        verbose_name_plural = _("project parties")

    def __str__(self) -> str:
        who = self.organization or self.leader
        return f"{self.get_role_display()}: {who}"


class RosterEntry(TimeStampedModel):
    """A worker on a project's real-name register (实名制花名册): once per project."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="roster"
    )
    worker = models.ForeignKey(
        Person, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="roster_entries"
    )
    team = models.ForeignKey(
        ProjectParty,
        verbose_name=_("work team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="roster_entries",
        limit_choices_to={"role": ProjectParty.Role.TEAM},
    )
    trade = models.CharField(
        _("trade"),
        max_length=50,
        blank=True,
        help_text=_("The worker's trade (工种), e.g. 钢筋工."),
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "worker"], name="roster_one_entry_per_worker"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="roster_dates_in_order",
            ),
        ]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")

    def __str__(self) -> str:
        return f"{self.project} {self.worker}"
