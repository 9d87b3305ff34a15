from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingling.core.models import Division, TimeStampedModel


class OrgUnit(TimeStampedModel):
    """A unit of the bureau; its division is the jurisdiction of everyone in it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    division = models.ForeignKey(
        Division, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["division_id", "name"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    INTAKE_OFFICER = "intake_officer", _("intake officer")
    INSPECTOR = "inspector", _("labour inspector")
    SECTION_CHIEF = "section_chief", _("section chief")
    DIRECTOR = "director", _("director")
    EMPLOYMENT_OFFICER = "employment_officer", _("employment officer")
    ADMINISTRATOR = "administrator", _("administrator")


class User(AbstractUser):
    """A member of staff. Without a role and an org unit an account can do nothing."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    # 行政执法证号: an inspector named on a document served on a party must have one.
    enforcement_card_number = models.CharField(
        _("enforcement card number (执法证号)"), max_length=32, blank=True
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.full_name or self.username
