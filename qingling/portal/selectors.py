"""Reads for the employer portal. Every read of an employer's records goes through the
account's organization: ``*_for_employer`` helpers filter by it, and ``*_get_for_employer``
answer 404 for anything else (the attempt is audited by the view's caller,
``services.portal_access_refused``).

Informant protection (劳动保障监察条例 Art. 9): nothing read here carries a complaint or
a complainant; ``complainant_disclosure_found`` is the last check before a document's
file or an inspector's text leaves for the portal: it refuses text that holds a
complainant's name, mobile or ID number (also masked) or a run of the complaint's words.
"""

import re
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qingling.accounts.permissions import Perm, can
from qingling.cases.documents import ID_IN_TEXT, PHONE_IN_TEXT, SEPARATORS_BETWEEN_DIGITS
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, Document, Service
from qingling.cases.selectors import CaseFact
from qingling.core.personal_data import blind_index
from qingling.intake.models import Complaint
from qingling.parties.models import Organization, Project
from qingling.parties.selectors import OrganizationSection
from qingling.portal.models import (
    ElectronicDelivery,
    ElectronicServiceConsent,
    EmployerAccount,
    PaymentProof,
)
from qingling.prevention.models import Warning

# How many characters of a complaint's text in a row count as quoting it.
QUOTE_WINDOW = 12


def employer_account_for_user(user: object) -> EmployerAccount | None:
    """The active employer account a signed-in user is, or None (staff, anyone else).
    Staff (a role or an org unit) are never looked up."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    pk = getattr(user, "pk", None)
    staff = bool(getattr(user, "role", "")) or getattr(user, "org_unit_id", None) is not None
    if pk is None or staff:
        return None
    return (
        EmployerAccount.objects.select_related("organization")
        .filter(user_id=pk, deactivated_at__isnull=True)
        .first()
    )


def is_employer_user(user: object) -> bool:
    """Whether the user is an employer account (active or not): never staff."""
    pk = getattr(user, "pk", None)
    staff = bool(getattr(user, "role", "")) or getattr(user, "org_unit_id", None) is not None
    if pk is None or staff:
        return False
    return EmployerAccount.objects.filter(user_id=pk).exists()


# --- what an employer sees ----------------------------------------------------------------------


def projects_for_employer(*, organization: Organization) -> QuerySet[Project]:
    """The projects the organization is a party to (builder, general contractor,
    subcontractor)."""
    return (
        Project.objects.filter(parties__organization=organization)
        .distinct()
        .select_related("division")
        .order_by("-start_date", "name", "id")
    )


def project_get_for_employer(*, organization: Organization, public_id: uuid.UUID) -> Project:
    project = projects_for_employer(organization=organization).filter(public_id=public_id).first()
    if project is None:
        raise Http404
    return project


def cases_for_employer(*, organization: Organization) -> QuerySet[Case]:
    """The cases against the organization (it is the respondent)."""
    return Case.objects.filter(respondent=organization).select_related("project", "division")


def case_get_for_employer(*, organization: Organization, public_id: uuid.UUID) -> Case:
    case = cases_for_employer(organization=organization).filter(public_id=public_id).first()
    if case is None:
        raise Http404
    return case


def documents_for_employer(*, organization: Organization) -> QuerySet[Document]:
    """The documents served on the organization (a service naming it), or sent to its
    portal for electronic service; never an internal form, never a voided one."""
    return (
        Document.objects.filter(
            Q(services__recipient_organization=organization)
            | Q(electronic_deliveries__organization=organization),
            kind__in=Document.SERVED_ON_EMPLOYER,
            voided_at__isnull=True,
        )
        .distinct()
        .select_related("case")
        .order_by("-issued_on", "-id")
    )


def document_get_for_employer(*, organization: Organization, public_id: uuid.UUID) -> Document:
    document = documents_for_employer(organization=organization).filter(public_id=public_id).first()
    if document is None:
        raise Http404
    return document


def orders_for_employer(*, organization: Organization) -> QuerySet[Document]:
    """The orders to pay (限期改正指令书) served or sent to the organization."""
    return documents_for_employer(organization=organization).filter(kind=Document.Kind.ORDER)


def open_order_cases(*, organization: Organization) -> QuerySet[Case]:
    """The organization's cases with an order served on it (or sent to its portal) and
    not yet closed: what it may answer with a proof of payment."""
    served = orders_for_employer(organization=organization).values("case_id")
    return cases_for_employer(organization=organization).filter(
        status__in=[CaseStatus.ORDER_ISSUED, CaseStatus.CLOSING_REQUESTED], pk__in=served
    )


def warnings_for_employer(*, organization: Organization) -> QuerySet[Warning]:
    """The warnings raised for the organization's projects."""
    return Warning.objects.filter(
        project__in=Project.objects.filter(parties__organization=organization)
    ).select_related("project")


def warning_get_for_employer(*, organization: Organization, public_id: uuid.UUID) -> Warning:
    warning = warnings_for_employer(organization=organization).filter(public_id=public_id).first()
    if warning is None:
        raise Http404
    return warning


def services_for_document(*, document: Document, organization: Organization) -> QuerySet[Service]:
    return Service.objects.filter(document=document, recipient_organization=organization)


def deliveries_for_employer(*, organization: Organization) -> QuerySet[ElectronicDelivery]:
    return ElectronicDelivery.objects.filter(organization=organization).select_related(
        "document", "document__case"
    )


def delivery_get_for_employer(
    *, organization: Organization, public_id: uuid.UUID
) -> ElectronicDelivery:
    delivery = (
        deliveries_for_employer(organization=organization).filter(public_id=public_id).first()
    )
    if delivery is None:
        raise Http404
    return delivery


def proofs_for_employer(*, organization: Organization) -> QuerySet[PaymentProof]:
    return (
        PaymentProof.objects.filter(organization=organization)
        .select_related("case", "warning")
        .prefetch_related("files")
    )


def consent_in_force(*, organization: Organization) -> ElectronicServiceConsent | None:
    """The organization's agreement to electronic service in force (the latest not
    withdrawn), or None."""
    return (
        ElectronicServiceConsent.objects.filter(
            organization=organization, withdrawn_on__isnull=True
        )
        .order_by("-agreed_on", "-id")
        .first()
    )


# --- what staff see of the portal ----------------------------------------------------------------


def proofs_for_case(*, case: Case) -> QuerySet[PaymentProof]:
    return PaymentProof.objects.filter(case=case).prefetch_related("files")


def proofs_for_warning(*, warning: Warning) -> QuerySet[PaymentProof]:
    return PaymentProof.objects.filter(warning=warning).prefetch_related("files")


def deliveries_for_case(*, case: Case) -> QuerySet[ElectronicDelivery]:
    return ElectronicDelivery.objects.filter(document__case=case).select_related(
        "document", "organization"
    )


def employer_account_list() -> QuerySet[EmployerAccount]:
    return EmployerAccount.objects.select_related("organization", "user").order_by("credit_code")


def employer_accounts_active_count() -> int:
    return EmployerAccount.objects.filter(deactivated_at__isnull=True, user__is_active=True).count()


# --- informant protection ------------------------------------------------------------------------


@dataclass(frozen=True)
class Complainants:
    """What would identify the people who complained about a case, and their words."""

    names: frozenset[str]
    masks: frozenset[str]
    phone_digests: frozenset[str]
    id_digests: frozenset[str]
    texts: tuple[str, ...]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def case_complainants(*, case: Case) -> Complainants:
    """Every complainant and informant of the case (and of complaints joined to them):
    stricter than the documents' own check, which lets a named worker who complained be
    listed among the workers owed. The portal lets no complainant through."""
    complaints = (
        Complaint.objects.filter(Q(cases=case) | Q(joined_to__cases=case))
        .distinct()
        .select_related("complainant")
    )
    names: set[str] = set()
    masks: set[str] = set()
    phones: set[str] = set()
    ids: set[str] = set()
    texts: list[str] = []
    for complaint in complaints:
        names.add(complaint.contact_name.strip())
        phones.add(complaint.contact_phone_digest)
        person = complaint.complainant
        if person is not None:
            names.add(person.name.strip())
            phones.add(person.phone_digest)
            ids.add(person.id_number_digest)
            masks |= {person.phone_masked, person.id_number_masked}
        if complaint.narrative.strip():
            texts.append(_squeeze(complaint.narrative))
    return Complainants(
        names=frozenset(n for n in names if n),
        masks=frozenset(m for m in masks if m),
        phone_digests=frozenset(p for p in phones if p),
        id_digests=frozenset(i for i in ids if i),
        texts=tuple(texts),
    )


def complainant_disclosure_found(text: str, *, complainants: Complainants) -> bool:
    """Whether ``text`` would tell the employer who complained or what they wrote: a
    complainant's name, a mobile or ID number of theirs (full, with separators, or
    masked), or ``QUOTE_WINDOW`` characters in a row of a complaint's text."""
    if any(name in text for name in complainants.names | complainants.masks):
        return True
    joined = SEPARATORS_BETWEEN_DIGITS.sub("", text)
    for pattern, purpose, digests in (
        (PHONE_IN_TEXT, "phone", complainants.phone_digests),
        (ID_IN_TEXT, "id_number", complainants.id_digests),
    ):
        found = {m.group(0).upper() for t in (text, joined) for m in pattern.finditer(t)}
        if any(blind_index(number, purpose=purpose) in digests for number in found):
            return True
    squeezed = _squeeze(text)
    for quoted in complainants.texts:
        if len(quoted) < QUOTE_WINDOW:
            if quoted in squeezed and len(quoted) >= 6:
                return True
            continue
        for start in range(len(quoted) - QUOTE_WINDOW + 1):
            if quoted[start : start + QUOTE_WINDOW] in squeezed:
                return True
    return False


# --- the lines staff see on other apps' pages ----------------------------------------------------


def case_portal_facts(*, case: Case, user: object) -> list[CaseFact]:
    """The case page's line about the portal (``QINGLING_CASE_FACTS``): the employer's
    proofs of payment and the documents sent for electronic service, with a link to them."""
    if not can(user, Perm.CASE_VIEW):
        return []
    proofs = list(proofs_for_case(case=case))
    deliveries = list(deliveries_for_case(case=case))
    parts = [
        ngettext("%(n)d proof of payment", "%(n)d proofs of payment", len(proofs))
        % {"n": len(proofs)}
    ]
    if proofs:
        parts.append(
            _("latest ¥%(amount)s paid on %(date)s")
            % {"amount": proofs[0].amount, "date": proofs[0].paid_on.isoformat()}
        )
    if deliveries:
        waiting = sum(1 for d in deliveries if d.confirmed_at is None)
        parts.append(
            ngettext(
                "%(n)d document sent, %(w)d awaiting receipt",
                "%(n)d documents sent, %(w)d awaiting receipt",
                len(deliveries),
            )
            % {"n": len(deliveries), "w": waiting}
        )
    return [
        CaseFact(
            key="portal",
            label=_("Employer portal"),
            value=" · ".join(parts),
            url=reverse("portal:staff_case", args=[case.public_id]),
            link_text=_("Proofs and electronic service"),
        )
    ]


def warning_portal_facts(*, warning: Warning, user: object) -> list[CaseFact]:
    """The warning page's line about the employer's proofs of payment
    (``QINGLING_WARNING_FACTS``)."""
    if not can(user, Perm.INSPECTION_VIEW):
        return []
    proofs = list(proofs_for_warning(warning=warning))
    value = ngettext("%(n)d proof of payment", "%(n)d proofs of payment", len(proofs)) % {
        "n": len(proofs)
    }
    if proofs:
        value += " · " + _("latest ¥%(amount)s paid on %(date)s") % {
            "amount": proofs[0].amount,
            "date": proofs[0].paid_on.isoformat(),
        }
    return [
        CaseFact(
            key="portal",
            label=_("Employer portal"),
            value=value,
            url=reverse("portal:staff_warning", args=[warning.public_id]) if proofs else "",
            link_text=_("See the proofs"),
        )
    ]


def organization_portal_section(
    *, organization: Organization, user: object
) -> OrganizationSection | None:
    """The organization page's portal section (``QINGLING_ORGANIZATION_SECTIONS``): its
    account and its agreement to electronic service."""
    if not can(user, Perm.PARTY_VIEW):
        return None
    account = EmployerAccount.objects.filter(organization=organization).first()
    consent = consent_in_force(organization=organization)
    manage = reverse("portal:staff_organization", args=[organization.public_id])
    rows: list[tuple[list[str], str]] = [
        (
            [
                _("Account"),
                (account.credit_code + ("" if account.active else " · " + _("deactivated")))
                if account
                else _("none"),
            ],
            manage,
        ),
        (
            [
                _("Agreement to electronic service"),
                _("signed %(date)s by %(who)s")
                % {"date": consent.agreed_on, "who": consent.signed_by}
                if consent
                else _("none"),
            ],
            manage,
        ),
    ]
    return OrganizationSection(
        key="portal", title=_("Employer portal"), headers=["", ""], rows=rows
    )
