"""Service of documents (送达): the writes and the one rule of when a service counts.

A document served on a party gets a ``Service`` row: how (the six methods of the
民事诉讼法 that 行政处罚法 Art. 61 applies), when, on whom and by whom, with its 送达回证
generated from the ``service_receipt`` template and, later, the signed scan uploaded.
The day it counts as served (``effective_on``) is the day of service, or for a public
notice (公告送达) the day its period ends (``QINGLING_PUBLIC_NOTICE_DAYS``, 30 days,
民事诉讼法 Art. 95). Clocks that run "from service" start there: serving the order to
pay sets its due date, ``order_days`` working days after it; serving a document of the
decision procedure starts its clock (``decisions.proceeding_document_served``: the
defence period, the dates to pay, the periods for review and suit, the reminder's).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can
from qingling.cases.decisions import proceeding_document_served
from qingling.cases.documents import SHIPPED_TEMPLATE_DIR, render_docx
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, Document, Service
from qingling.cases.services import case_step_actors, case_writable_check
from qingling.core import clock
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.selectors import calendar_days_add, workdays_add
from qingling.core.services import Actor, audit_event_record, audit_snapshot
from qingling.core.uploads import EXTENSIONS, evidence_check
from qingling.parties.models import Organization

Method = Service.Method
RECEIPT_TEMPLATE = "service_receipt.docx"


@dataclass(frozen=True)
class ServiceDetails:
    """What the inspector records for one service; which fields count depends on the
    method (``service_record`` checks them)."""

    method: str
    served_on: dt.date
    recipient_name: str = ""
    recipient_role: str = ""
    witnesses: str = ""
    tracking_number: str = ""
    entrusted_to: str = ""
    notice_place: str = ""
    notice_days: int | None = None
    electronic_address: str = ""
    electronic_consent: bool = False


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field: [message]}})


def service_effective_on(*, method: str, served_on: dt.date) -> dt.date:
    """The day a service counts as served: ``served_on``, or for a public notice the end of
    its period, ``QINGLING_PUBLIC_NOTICE_DAYS`` calendar days after publication (a last
    day on a rest day moves to the next working day, 民法典 Art. 203)."""
    if method != Method.PUBLIC_NOTICE:
        return served_on
    return calendar_days_add(start=served_on, days=settings.QINGLING_PUBLIC_NOTICE_DAYS).date


def _check_details(details: ServiceDetails, document: Document) -> None:
    if details.method not in Method.values:
        raise _invalid("method", _("Choose how the document was served."))
    today = clock.local_today()
    issued = document.issued_on or timezone.localdate(document.created_at)
    if details.served_on < issued:
        raise _invalid(
            "served_on",
            _("The service date cannot be before the document's issue date (%(date)s).")
            % {"date": issued.isoformat()},
        )
    if details.served_on > today:
        raise _invalid("served_on", _("The service date is in the future."))
    method = details.method
    if method in {Method.DIRECT, Method.LEFT, Method.ENTRUSTED} and not details.recipient_name:
        raise _invalid("recipient_name", _("Name the person who received or refused it."))
    if method == Method.LEFT and not details.witnesses.strip():
        raise _invalid(
            "witnesses", _("Service left at the premises (留置送达) needs at least one witness.")
        )
    if method == Method.POST and not details.tracking_number.strip():
        raise _invalid("tracking_number", _("Service by post needs the tracking number."))
    if method == Method.ENTRUSTED and not details.entrusted_to.strip():
        raise _invalid("entrusted_to", _("Name the body entrusted with the service."))
    if method == Method.PUBLIC_NOTICE:
        if not details.notice_place.strip():
            raise _invalid("notice_place", _("Say where the public notice is posted."))
        least = settings.QINGLING_PUBLIC_NOTICE_DAYS
        if details.notice_days is None or details.notice_days < least:
            raise _invalid(
                "notice_days",
                _("A public notice stays up for at least %(days)d days.") % {"days": least},
            )
    if method == Method.ELECTRONIC:
        if not details.electronic_address.strip():
            raise _invalid("electronic_address", _("Give the address the document was sent to."))
        if not details.electronic_consent:
            raise _invalid(
                "electronic_consent",
                _("Electronic service needs the party's written agreement (行政处罚法 Art. 61)."),
            )


def _receipt(
    *, case: Case, document: Document, details: ServiceDetails, effective_on: dt.date, actor: User
) -> bytes:
    configured = settings.QINGLING_DOCUMENT_TEMPLATE_DIR / RECEIPT_TEMPLATE
    template = configured if configured.is_file() else SHIPPED_TEMPLATE_DIR / RECEIPT_TEMPLATE
    recipient = case.respondent.name
    if details.recipient_name:
        recipient += f"（{details.recipient_name}"
        recipient += f"，{details.recipient_role}）" if details.recipient_role else "）"

    def date(value: dt.date) -> str:
        return f"{value.year}年{value.month}月{value.day}日"

    place = {
        str(Method.PUBLIC_NOTICE): details.notice_place,
        str(Method.ELECTRONIC): details.electronic_address,
        str(Method.ENTRUSTED): details.entrusted_to,
    }.get(details.method, case.respondent.address or "—")
    notes = ""
    if details.method == Method.PUBLIC_NOTICE:
        waiting = settings.QINGLING_PUBLIC_NOTICE_DAYS
        notes = f"公告期{details.notice_days}日，自发出公告之日起经过{waiting}日视为送达"
    served_by = actor.full_name or actor.get_username()
    if actor.enforcement_card_number:
        served_by += f"（执法证号：{actor.enforcement_card_number}）"
    values = {
        "bureau_name": settings.QINGLING_BUREAU_NAME,
        "bureau_address": settings.QINGLING_BUREAU_ADDRESS,
        "bureau_phone": settings.QINGLING_BUREAU_PHONE,
        "document_number": document.number,
        "case_number": case.number,
        "served_document": str(document.get_kind_display()),
        "served_number": document.number,
        "recipient": recipient,
        "method": str(Method(details.method).label),
        "place": place or "—",
        "served_on": date(details.served_on),
        "effective_on": date(effective_on),
        "served_by": served_by,
        "witnesses": details.witnesses.strip() or "—",
        "tracking_number": details.tracking_number.strip() or "—",
        "notes": notes or "—",
        "date": date(clock.local_today()),
    }
    return render_docx(template, values, [["—"]])


def _order_starts(case: Case, document: Document, effective_on: dt.date) -> dict[str, object]:
    """Serving the order to pay starts its clock: the due date is ``order_days`` working
    days after the day the service counts (the first service of the order)."""
    if document.kind != Document.Kind.ORDER or case.order_served_on is not None:
        return {}
    if case.status != CaseStatus.ORDER_ISSUED or case.order_days is None:
        return {}
    due = workdays_add(start=effective_on, days=case.order_days).date
    return {"order_served_on": effective_on, "order_due": due, "order_overdue_at": None}


@transaction.atomic
def service_record(
    *,
    document: Document,
    details: ServiceDetails,
    recipient: Organization | None = None,
    evidence: UploadedFile | None = None,
    actor: Actor,
) -> Service:
    """Record that ``document`` was served on a party, and generate its 送达回证.

    Refused for a voided document, an internal form (only documents served on the
    employer are served), a date before the document's issue or in the future, and a
    method without what it needs (留置: a witness; 邮寄: the tracking number; 公告: where
    and for how long; 电子: the address and the party's agreement). Serving the order to
    pay sets its due date from the service (``_order_starts``).
    """
    case = document.case
    if not (can(actor, Perm.CASE_WORK) and case_step_actors(case, actor)):
        raise Forbidden(_("Only the case's inspectors or a chief may record a service."))
    assert isinstance(actor, User)
    case_writable_check(case)
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.voided_at is not None:
        raise Conflict(
            _("%(number)s is voided and cannot be served.") % {"number": document.number},
            code="document_voided",
        )
    if document.kind not in Document.SERVED_ON_EMPLOYER:
        raise _invalid("document", _("This is an internal form; it is not served on a party."))
    _check_details(details, document)
    checked = None
    if evidence is not None:
        errors: list[str] = []
        found = evidence_check([evidence], add_error=lambda _f, message: errors.append(message))
        if errors:
            raise _invalid("evidence", " ".join(errors))
        checked = found[0]
    effective_on = service_effective_on(method=details.method, served_on=details.served_on)
    data = _receipt(
        case=case, document=document, details=details, effective_on=effective_on, actor=actor
    )
    service = Service(
        case=case,
        document=document,
        method=details.method,
        served_on=details.served_on,
        effective_on=effective_on,
        recipient_organization=recipient or case.respondent,
        recipient_name=details.recipient_name.strip(),
        recipient_role=details.recipient_role.strip(),
        served_by=actor,
        witnesses=details.witnesses.strip(),
        tracking_number=details.tracking_number.strip(),
        entrusted_to=details.entrusted_to.strip(),
        notice_place=details.notice_place.strip(),
        notice_days=details.notice_days if details.method == Method.PUBLIC_NOTICE else None,
        electronic_address=details.electronic_address.strip(),
        electronic_consent=details.electronic_consent,
        receipt_sha256=hashlib.sha256(data).hexdigest(),
    )
    service.receipt.save(f"{service.public_id}-receipt.docx", ContentFile(data), save=False)
    if checked is not None:
        upload, kind = checked
        content = upload.read()
        service.evidence_sha256 = hashlib.sha256(content).hexdigest()
        service.evidence.save(
            f"{service.public_id}-evidence{EXTENSIONS[kind]}", ContentFile(content), save=False
        )
    service.save()
    starts = _order_starts(case, document, effective_on)
    # the decision procedure's clocks (defence, dates to pay, review and suit, reminder)
    clocks = proceeding_document_served(document=document, effective_on=effective_on)
    before = audit_snapshot(case, ("order_served_on", "order_due"))
    if starts:
        Case.objects.filter(pk=case.pk).update(**starts, updated_at=clock.now())
        case.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="case.document_served",
        obj=case,
        before=before if starts else None,
        after={
            "document": document.number,
            "kind": document.kind,
            "method": details.method,
            "served_on": details.served_on.isoformat(),
            "effective_on": effective_on.isoformat(),
            "receipt_sha256": service.receipt_sha256,
            **(
                {"order_served_on": effective_on.isoformat(), "order_due": str(starts["order_due"])}
                if starts
                else {}
            ),
            **clocks,
        },
    )
    return service


@transaction.atomic
def service_signed_receipt_upload(
    *, service: Service, upload: UploadedFile, actor: Actor
) -> Service:
    """Keep the signed 送达回证's scan (a photo or a PDF, checked by its content like every
    upload) with its SHA-256. A new scan replaces the old one; both are audited."""
    case = service.case
    if not (can(actor, Perm.CASE_WORK) and case_step_actors(case, actor)):
        raise Forbidden(_("Only the case's inspectors or a chief may upload the proof."))
    case_writable_check(case)
    errors: list[str] = []
    found = evidence_check([upload], add_error=lambda _f, message: errors.append(message))
    if errors:
        raise _invalid("signed_receipt", " ".join(errors))
    upload, kind = found[0]
    content = upload.read()
    digest = hashlib.sha256(content).hexdigest()
    service.signed_receipt.save(
        f"{service.public_id}-signed{EXTENSIONS[kind]}", ContentFile(content), save=False
    )
    service.signed_receipt_sha256 = digest
    service.signed_receipt_uploaded_at = clock.now()
    service.save(
        update_fields=[
            "signed_receipt",
            "signed_receipt_sha256",
            "signed_receipt_uploaded_at",
            "updated_at",
        ]
    )
    audit_event_record(
        actor=actor,
        action="case.service_receipt",
        obj=case,
        after={"document": service.document.number, "sha256": digest},
    )
    return service
