"""The employer portal's records: an organization's account, its written agreement to
electronic service, the documents sent to it through the portal, and the proofs of
payment it sends back.

An employer account is a ``User`` with no role and no org unit (so every staff page and
the staff API refuse it: ``accounts.permissions``) tied here to one organization, whose
credit code is its user name. Nothing here refers to a complaint or a complainant.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qingling.cases.models import Case, Document, Service
from qingling.core.models import TimeStampedModel
from qingling.parties.models import Organization
from qingling.prevention.models import Warning


class EmployerAccount(TimeStampedModel):
    """An organization's sign-in (one per organization), created by the bureau. The user
    name is the organization's credit code, fixed when the account is made."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employer_account"
    )
    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="employer_account",
    )
    credit_code = models.CharField(_("credit code"), max_length=18, unique=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        ordering = ["credit_code"]
        verbose_name = _("employer account")
        verbose_name_plural = _("employer accounts")

    def __str__(self) -> str:
        return f"{self.organization} ({self.credit_code})"

    @property
    def active(self) -> bool:
        return self.deactivated_at is None


class ElectronicServiceConsent(TimeStampedModel):
    """The employer's written agreement to be served electronically through the portal
    (行政处罚法 Art. 61; 民事诉讼法 Art. 90): without one in force, nothing is served
    through the portal."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="electronic_consents"
    )
    agreed_on = models.DateField(_("agreed on"))
    signed_by = models.CharField(_("signed for the employer by"), max_length=100)
    scan = models.FileField(_("signed agreement"), upload_to="portal/consents/%Y/")
    scan_sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["organization_id", "-agreed_on", "-id"]
        verbose_name = _("agreement to electronic service")
        verbose_name_plural = _("agreements to electronic service")

    def __str__(self) -> str:
        return f"{self.organization} {self.agreed_on}"


class ElectronicDelivery(TimeStampedModel):
    """A document served on the employer sent to its portal; when the employer confirms
    receipt the service is recorded (``cases.serving.service_record``, electronic)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="electronic_deliveries"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="electronic_deliveries"
    )
    consent = models.ForeignKey(
        ElectronicServiceConsent, on_delete=models.PROTECT, related_name="deliveries"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"))
    confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.OneToOneField(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="delivery"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "organization"], name="delivery_once_per_document"
            ),
        ]
        verbose_name = _("electronic delivery")
        verbose_name_plural = _("electronic deliveries")

    def __str__(self) -> str:
        return f"{self.document} → {self.organization}"


class PaymentProof(TimeStampedModel):
    """The employer's answer to an order (its case) or a warning: proof that it paid,
    with its files and their SHA-256."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="payment_proofs"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="payment_proofs"
    )
    warning = models.ForeignKey(
        Warning, null=True, blank=True, on_delete=models.PROTECT, related_name="payment_proofs"
    )
    amount = models.DecimalField(_("amount paid"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, warning__isnull=True)
                | Q(case__isnull=True, warning__isnull=False),
                name="payment_proof_answers_one_thing",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_proof_amount_positive"),
        ]
        verbose_name = _("proof of payment")
        verbose_name_plural = _("proofs of payment")

    def __str__(self) -> str:
        return f"{self.organization} {self.amount} {self.paid_on}"


class PaymentProofFile(models.Model):
    """One file of a proof (a bank slip, a signed pay sheet), checked by its content."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proof = models.ForeignKey(PaymentProof, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="portal/proofs/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["proof_id", "id"]
        verbose_name = _("proof file")
        verbose_name_plural = _("proof files")

    def __str__(self) -> str:
        return self.name
