"""Writes of the employer portal: accounts, the agreement to electronic service, sending a
document to the portal and the employer's confirmation of receipt (recorded as service by
``cases.serving.service_record``), proofs of payment, and the employer's uploads.

Staff steps check the staff member's permissions; employer steps check that the actor
is the employer account's user and that what it touches is its organization's. An
employer reaching for another's record gets 404, and the attempt is audited
(``portal_access_refused``).
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can
from qingling.cases.documents import document_text
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, Document
from qingling.cases.services import case_step_actors, case_writable_check
from qingling.cases.serving import ServiceDetails, service_record
from qingling.core import clock
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from qingling.core.services import Actor, audit_event_record
from qingling.core.uploads import EXTENSIONS, evidence_check
from qingling.core.workbooks import SheetImportResult, xlsx_rows_at_most
from qingling.parties.imports import parse_roster_xlsx
from qingling.parties.models import Organization, Project
from qingling.parties.selectors import organization_visible
from qingling.parties.services import roster_import
from qingling.portal import selectors
from qingling.portal.models import (
    ElectronicDelivery,
    ElectronicServiceConsent,
    EmployerAccount,
    PaymentProof,
    PaymentProofFile,
)
from qingling.prevention.models import Warning


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field: [message]}})


def _require_bureau(actor: Actor, organization: Organization) -> None:
    """A member of staff who may edit parties and sees the organization; None is the
    command line run by the bureau's administrator."""
    if actor is None:
        return
    if not (
        can(actor, Perm.PARTY_EDIT) and organization_visible(user=actor, organization=organization)
    ):
        raise Forbidden(_("Only the bureau's staff for this organization may do this."))


def _require_employer(account: EmployerAccount, actor: Actor) -> None:
    if (
        actor is None
        or not actor.is_authenticated
        or actor.pk != account.user_id
        or not account.active
    ):
        raise Forbidden(_("Only the employer's own account may do this."))


# --- accounts ------------------------------------------------------------------------------------


@transaction.atomic
def employer_account_create(
    *, organization: Organization, contact_name: str = "", actor: Actor
) -> EmployerAccount:
    """Open the organization's portal account: its user name is its credit code, it has no
    password until the employer sets one through the one-time link
    (``employer_password_link``), no role and no org unit (so no staff page opens to it)."""
    _require_bureau(actor, organization)
    code = organization.credit_code.strip().upper()
    if not code:
        raise _invalid(
            "organization",
            _("Record the organization's credit code first: the account is bound to it."),
        )
    if EmployerAccount.objects.filter(organization=organization).exists():
        raise Conflict(
            _("%(name)s already has an account.") % {"name": organization.name},
            code="employer_account_exists",
        )
    if User.objects.filter(username__iexact=code).exists():
        raise Conflict(
            _("The user name %(code)s is taken.") % {"code": code}, code="username_taken"
        )
    user = User(username=code, full_name=organization.name[:50], role="", org_unit=None)
    user.set_unusable_password()
    user.save()
    account = EmployerAccount.objects.create(
        user=user,
        organization=organization,
        credit_code=code,
        contact_name=" ".join(contact_name.split())[:50],
        created_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )
    audit_event_record(
        actor=actor,
        action="portal.account_create",
        obj=account,
        after={"organization": organization.pk, "credit_code": code},
    )
    return account


def employer_password_link(*, account: EmployerAccount) -> str:
    """The path of the one-time link that sets the account's password: it stops working
    once a password is set (Django's token is bound to the password) or after
    ``PASSWORD_RESET_TIMEOUT``."""
    uid = urlsafe_base64_encode(force_bytes(account.user_id))
    token = default_token_generator.make_token(account.user)
    return reverse("portal:set_password", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def employer_password_link_issue(*, account: EmployerAccount, actor: Actor) -> str:
    """A new one-time link (the employer forgot its password): the current password stops
    working now, so only the new link opens the account. Audited."""
    _require_bureau(actor, account.organization)
    if not account.active:
        raise Conflict(_("The account is deactivated."), code="employer_account_inactive")
    user = account.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    audit_event_record(actor=actor, action="portal.password_link", obj=account)
    return employer_password_link(account=account)


@transaction.atomic
def employer_password_set(*, account: EmployerAccount, password: str) -> EmployerAccount:
    """Set the password from the one-time link (the view has checked the token)."""
    if not account.active:
        raise Conflict(_("The account is deactivated."), code="employer_account_inactive")
    try:
        password_validation.validate_password(password, account.user)
    except ValidationError as error:
        raise InvalidInput(
            " ".join(error.messages), extra={"fields": {"new_password1": error.messages}}
        ) from None
    account.user.set_password(password)
    account.user.save(update_fields=["password"])
    audit_event_record(actor=account.user, action="portal.password_set", obj=account)
    return account


@transaction.atomic
def employer_account_deactivate(*, account: EmployerAccount, actor: Actor) -> EmployerAccount:
    _require_bureau(actor, account.organization)
    if not account.active:
        return account
    account.deactivated_at = clock.now()
    account.save(update_fields=["deactivated_at", "updated_at"])
    account.user.is_active = False
    account.user.save(update_fields=["is_active"])
    audit_event_record(actor=actor, action="portal.account_deactivate", obj=account)
    return account


def portal_access_refused(*, account: EmployerAccount, what: str, public_id: str) -> None:
    """Audit an employer reaching for a record that is not its own (answered 404)."""
    audit_event_record(
        actor=account.user,
        action="portal.access_refused",
        obj=account,
        after={"what": what, "public_id": public_id},
    )


# --- electronic service --------------------------------------------------------------------------


def _checked_file(upload: UploadedFile, field: str) -> tuple[bytes, str]:
    errors: list[str] = []
    found = evidence_check(
        [upload], add_error=lambda _f, message: errors.append(message), field=field
    )
    if errors:
        raise _invalid(field, " ".join(errors))
    checked, kind = found[0]
    return checked.read(), kind


@transaction.atomic
def consent_record(
    *,
    organization: Organization,
    agreed_on: dt.date,
    signed_by: str,
    scan: UploadedFile,
    actor: Actor,
) -> ElectronicServiceConsent:
    """Keep the employer's signed agreement to electronic service (a scan, with its
    SHA-256): without it nothing is served through the portal (行政处罚法 Art. 61)."""
    _require_bureau(actor, organization)
    assert actor is not None
    if agreed_on > clock.local_today():
        raise _invalid("agreed_on", _("The date is in the future."))
    if not signed_by.strip():
        raise _invalid("signed_by", _("Name who signed for the employer."))
    content, kind = _checked_file(scan, "scan")
    consent = ElectronicServiceConsent(
        organization=organization,
        agreed_on=agreed_on,
        signed_by=" ".join(signed_by.split())[:100],
        scan_sha256=hashlib.sha256(content).hexdigest(),
        recorded_by=actor,  # type: ignore[misc]
    )
    consent.scan.save(f"{consent.public_id}{EXTENSIONS[kind]}", ContentFile(content), save=False)
    consent.save()
    audit_event_record(
        actor=actor,
        action="portal.consent_record",
        obj=organization,
        after={
            "agreed_on": agreed_on.isoformat(),
            "signed_by": consent.signed_by,
            "sha256": consent.scan_sha256,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, consent: ElectronicServiceConsent, withdrawn_on: dt.date, actor: Actor
) -> ElectronicServiceConsent:
    _require_bureau(actor, consent.organization)
    if consent.withdrawn_on is None:
        consent.withdrawn_on = withdrawn_on
        consent.save(update_fields=["withdrawn_on", "updated_at"])
        audit_event_record(
            actor=actor,
            action="portal.consent_withdraw",
            obj=consent.organization,
            after={"withdrawn_on": withdrawn_on.isoformat()},
        )
    return consent


def document_portal_safe(*, document: Document) -> bool:
    """Whether the document's text names none of the case's complainants (nor quotes
    them): only then may it reach the portal."""
    with document.file.open("rb") as stored:
        text = document_text(stored.read())
    complainants = selectors.case_complainants(case=document.case)
    return not selectors.complainant_disclosure_found(text, complainants=complainants)


@transaction.atomic
def delivery_send(*, document: Document, actor: Actor) -> ElectronicDelivery:
    """Send a document served on the employer to its portal. It counts as served when the
    employer confirms receipt (``delivery_confirm``). Refused without the employer's
    agreement in force or an active account, and for a document whose text would tell
    the employer who complained (see ``document_portal_safe``: serve it another way)."""
    case = document.case
    if not (can(actor, Perm.CASE_WORK) and case_step_actors(case, actor)):
        raise Forbidden(_("Only the case's inspectors or a chief may serve its documents."))
    assert isinstance(actor, User)
    case_writable_check(case)
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")
    if document.voided_at is not None or document.kind not in Document.SERVED_ON_EMPLOYER:
        raise _invalid("document", _("Only a document served on the employer can be sent."))
    organization = case.respondent
    consent = selectors.consent_in_force(organization=organization)
    if consent is None:
        raise Conflict(
            _(
                "%(name)s has not agreed in writing to electronic service; record its "
                "agreement first or serve the document another way."
            )
            % {"name": organization.name},
            code="no_electronic_consent",
        )
    account = EmployerAccount.objects.filter(
        organization=organization, deactivated_at__isnull=True
    ).first()
    if account is None:
        raise Conflict(
            _("%(name)s has no portal account.") % {"name": organization.name},
            code="no_employer_account",
        )
    if not document_portal_safe(document=document):
        raise Conflict(
            _(
                "The document names or quotes a complainant, who must stay unknown to the "
                "employer (监察条例 Art. 9): serve it another way."
            ),
            code="complainant_in_document",
        )
    try:
        with transaction.atomic():
            delivery = ElectronicDelivery.objects.create(
                document=document,
                organization=organization,
                consent=consent,
                sent_by=actor,
                sent_at=clock.now(),
            )
    except IntegrityError:
        raise Conflict(
            _("%(number)s was already sent to the portal.") % {"number": document.number},
            code="already_sent",
        ) from None
    audit_event_record(
        actor=actor,
        action="portal.document_sent",
        obj=case,
        after={"document": document.number, "organization": organization.pk},
    )
    return delivery


@transaction.atomic
def delivery_confirm(
    *, delivery: ElectronicDelivery, account: EmployerAccount, actor: Actor
) -> ElectronicDelivery:
    """The employer confirms it received the document: the service is recorded on the
    case (``service_record``, method electronic, served today, by the inspector who sent
    it), with the account as the address and the agreement as the consent."""
    _require_employer(account, actor)
    if delivery.organization_id != account.organization_id:
        raise NotFound(_("Not found."))
    locked = ElectronicDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.confirmed_at is not None:
        return locked
    consent = ElectronicServiceConsent.objects.get(pk=locked.consent_id)
    if consent.withdrawn_on is not None:
        raise Conflict(
            _(
                "Your agreement to electronic service was withdrawn; the bureau will serve "
                "it another way."
            ),
            code="consent_withdrawn",
        )
    document = locked.document
    today = clock.local_today()
    try:
        service = service_record(
            document=document,
            details=ServiceDetails(
                method="electronic",
                served_on=today,
                recipient_name=account.contact_name or account.organization.name,
                recipient_role=str(gettext_lazy("employer portal account")),
                electronic_address=_("Employer portal, account %(code)s")
                % {"code": account.credit_code},
                electronic_consent=True,
            ),
            recipient=account.organization,
            actor=locked.sent_by,
        )
    except Forbidden:
        raise Conflict(
            _("The bureau cannot record this service now; it will contact you."),
            code="sender_gone",
        ) from None
    locked.confirmed_at = clock.now()
    locked.confirmed_by = account.user
    locked.service = service
    locked.save(update_fields=["confirmed_at", "confirmed_by", "service", "updated_at"])
    audit_event_record(
        actor=actor,
        action="portal.receipt_confirmed",
        obj=document.case,
        after={"document": document.number, "served_on": today.isoformat()},
    )
    return locked


# --- proofs of payment ---------------------------------------------------------------------------


@transaction.atomic
def payment_proof_submit(
    *,
    account: EmployerAccount,
    amount: Decimal,
    paid_on: dt.date,
    files: Sequence[UploadedFile],
    note: str = "",
    case: Case | None = None,
    warning: Warning | None = None,
    actor: Actor,
) -> PaymentProof:
    """Answer an order (its case) or a warning with proof of payment: the files are checked
    by their content (photos, PDF), kept with their SHA-256, and staff see them on the
    case's or the warning's page. The bureau records the payment itself after checking."""
    _require_employer(account, actor)
    organization = account.organization
    if (case is None) == (warning is None):
        raise _invalid("case", _("Answer one order or one warning."))
    if case is not None:
        if not selectors.open_order_cases(organization=organization).filter(pk=case.pk).exists():
            raise NotFound(_("Not found."))
        case_writable_check(case)
    if (
        warning is not None
        and not selectors.warnings_for_employer(organization=organization)
        .filter(pk=warning.pk)
        .exists()
    ):
        raise NotFound(_("Not found."))
    if amount is None or amount <= 0:
        raise _invalid("amount", _("Enter the amount paid."))
    if paid_on > clock.local_today():
        raise _invalid("paid_on", _("The date is in the future."))
    if not files:
        raise _invalid("attachments", _("Attach the bank slip or the signed pay sheet."))
    errors: list[str] = []
    checked = evidence_check(
        files, add_error=lambda _f, message: errors.append(message), field="attachments"
    )
    if errors:
        raise _invalid("attachments", " ".join(errors))
    proof = PaymentProof.objects.create(
        organization=organization,
        case=case,
        warning=warning,
        amount=amount,
        paid_on=paid_on,
        note=note.strip()[:2000],
        submitted_by=account.user,
    )
    hashes = []
    for upload, kind in checked:
        content = upload.read()
        digest = hashlib.sha256(content).hexdigest()
        item = PaymentProofFile(
            proof=proof,
            name=(upload.name or "file")[:200],
            content_type=kind,
            size=len(content),
            sha256=digest,
        )
        item.file.save(f"{item.public_id}{EXTENSIONS[kind]}", ContentFile(content), save=False)
        item.save()
        hashes.append(digest)
    audit_event_record(
        actor=actor,
        action="portal.payment_proof",
        obj=case if case is not None else warning,  # type: ignore[arg-type]
        after={
            "proof": str(proof.public_id),
            "amount": str(amount),
            "paid_on": paid_on.isoformat(),
            "sha256": hashes,
        },
    )
    return proof


# --- uploads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadKind:
    """A kind of file an employer may upload for a project. Its service is the dotted
    path in ``QINGLING_PORTAL_UPLOAD_SERVICES`` of a callable(*, project, kind, content,
    filename, actor, organization) → SheetImportResult; a kind without one is listed as
    coming."""

    key: str
    label: Any
    help: Any


UPLOAD_KINDS = (
    UploadKind(
        "roster",
        gettext_lazy("Roster (实名制花名册)"),
        gettext_lazy("XLSX: 姓名, 身份证号, 手机, 班组, 工种, 进场日期 (docs/portal.md)."),
    ),
    UploadKind(
        "attendance",
        gettext_lazy("Attendance (考勤)"),
        gettext_lazy("Daily or monthly attendance, as the bureau's registry reads it."),
    ),
    UploadKind(
        "payroll",
        gettext_lazy("Payroll sheet (工资表)"),
        gettext_lazy("One row per worker and month: amount, paid on, through the wage account."),
    ),
    UploadKind(
        "labour_cost",
        gettext_lazy("Labour-cost transfers (人工费用拨付)"),
        gettext_lazy("One row per month: amount and the day it reached the wage account."),
    ),
)


def upload_service(kind: str) -> Callable[..., SheetImportResult] | None:
    path = settings.QINGLING_PORTAL_UPLOAD_SERVICES.get(kind, "")
    return import_string(path) if path else None


def roster_from_workbook(*, project: Project, content: bytes, **_context: Any) -> SheetImportResult:
    """The roster upload: the parties app's own reader and import (one worker a row, bad
    rows reported by line and reason). Run as a system step (``actor=None``): the portal
    has checked that the project is the employer's, and audits the upload itself."""
    if not xlsx_rows_at_most(content, settings.QINGLING_IMPORT_INLINE_ROWS):
        raise _invalid(
            "file",
            _("At most %(rows)d rows at a time: split the workbook.")
            % {"rows": settings.QINGLING_IMPORT_INLINE_ROWS},
        )
    return roster_import(project=project, rows=parse_roster_xlsx(content), actor=None)


def employer_upload(
    *,
    account: EmployerAccount,
    project: Project,
    kind: str,
    content: bytes,
    filename: str = "",
    actor: Actor,
) -> SheetImportResult:
    """One of the employer's files for one of its projects, through the kind's service;
    the good rows are kept and every bad row comes back by line and reason."""
    _require_employer(account, actor)
    if (
        not selectors.projects_for_employer(organization=account.organization)
        .filter(pk=project.pk)
        .exists()
    ):
        raise NotFound(_("Not found."))
    service = upload_service(kind)
    if service is None:
        raise _invalid("kind", _("This kind of file cannot be uploaded yet."))
    result = service(
        project=project,
        kind=kind,
        content=content,
        filename=filename,
        actor=actor,
        organization=account.organization,
    )
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            action="portal.upload",
            obj=project,
            after={
                "kind": kind,
                "sha256": hashlib.sha256(content).hexdigest(),
                "created": result.created,
                "failed": result.failed,
            },
        )
    return result
