import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qingling.cases.models import Case
from qingling.core.models import TimeStampedModel
from qingling.parties.models import Organization, Person
from qingling.sanctions.lifecycle import ACTIVE_STATUSES, ListingGround, ListingStatus


class Listing(TimeStampedModel):
    """An entry on the wage-arrears blacklist (失信联合惩戒名单, 人社部令第45号): an
    organization listed from a case, with its procedure and its 3-year term."""

    class Removal(models.TextChoices):
        EXPIRED = "expired", _("the 3-year term ended")
        EARLY = "early", _("early removal after credit repair (信用修复)")

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
    notice_served_on = models.DateField(_("notice served on (事先告知)"), null=True, blank=True)
    notice_note = models.TextField(_("how the notice was served"), blank=True)
    defence_note = models.TextField(_("the party's statement and defence (陈述申辩)"), blank=True)
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
        LEGAL_REPRESENTATIVE = "legal_representative", _("legal representative or principal")
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
