"""Evidence of a case: the records the inspectors write (笔录) and the evidence they gather.

An **investigation record** (``InvestigationRecord``) is an inquiry record (询问笔录: who
was asked, when, where, the questions and answers) or an on-site inspection record
(现场检查笔录: where, who was present, what was found). At least two inspectors of the
case take it, each named with the 执法证号 of their staff record (监察条例 Art. 16).
``investigation_record_create`` generates the record as a DOCX for signing (A4, from the
``inquiry_record`` / ``inspection_record`` template, the bureau's own if it has one); its
PDF print copy is made like a document's (``investigation_record_pdf``); the signed scan
is uploaded afterwards (``investigation_record_scan_upload``).

A record read and signed by the employer's side (an inquiry of the employer's people,
every on-site inspection) never names an informant (监察条例 Art. 9): its finished text
goes through ``documents.informant_disclosure_check`` before anything is stored.

**Evidence** (``Evidence``) is a file the inspectors obtained (调取): a payroll, attendance
records, a contract, a photo …, with its kind, where it came from, when, its page count
and its SHA-256; the file is checked by its content like every upload (``core.uploads``).

Only the case's inspectors write these; every write refuses an archived case
(``services.case_writable_check``) and is audited on the case.
"""

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can
from qingling.cases.documents import (
    SHIPPED_TEMPLATE_DIR,
    case_informants,
    document_text,
    informant_disclosure_check,
    render_docx,
)
from qingling.cases.lifecycle import CaseStatus, StepActor
from qingling.cases.models import Case, Evidence, InvestigationRecord
from qingling.cases.pdf import docx_to_pdf
from qingling.cases.selectors import case_list_for_user
from qingling.cases.services import case_inspectors, case_step_actors, case_writable_check
from qingling.core import clock
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.services import Actor, audit_event_record
from qingling.core.uploads import EXTENSIONS, evidence_check

Kind = InvestigationRecord.Kind
Side = InvestigationRecord.Side
MIN_RECORD_INSPECTORS = 2  # 监察条例 Art. 16: two or more inspectors investigate
TEXT_LIMIT = 4000  # characters of one question, answer or the findings
TEMPLATES: dict[str, str] = {
    Kind.INQUIRY: "inquiry_record.docx",
    Kind.INSPECTION: "inspection_record.docx",
}


@dataclass(frozen=True)
class RecordDetails:
    """What the inspectors write down for one record; ``record_check`` says what is wrong."""

    kind: str
    started_at: dt.datetime
    place: str
    subject_name: str
    subject_side: str
    inspectors: Sequence[User]
    subject_role: str = ""
    ended_at: dt.datetime | None = None
    questions: Sequence[tuple[str, str]] = field(default_factory=tuple)
    findings: str = ""


def _invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field_name: [message]}})


def _require_case_inspector(case: Case, actor: Actor, message: str) -> None:
    if not (
        can(actor, Perm.CASE_WORK) and StepActor.CASE_INSPECTOR in case_step_actors(case, actor)
    ):
        raise Forbidden(message)


def _require_open(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."), code="case_closed")


def record_check(case: Case, details: RecordDetails) -> list[tuple[str, str]]:
    """The questions and answers, cleaned, once ``details`` is lawful; else InvalidInput
    naming the rule and the field. Nothing is written here."""
    if details.kind not in Kind.values:
        raise _invalid("kind", _("Choose the kind of record (询问笔录 or 现场检查笔录)."))
    chosen = {user.pk: user for user in details.inspectors}
    if len(chosen) < MIN_RECORD_INSPECTORS:
        raise _invalid(
            "inspectors",
            _("A record is taken by at least %(n)d inspectors (监察条例 Art. 16); %(given)d given.")
            % {"n": MIN_RECORD_INSPECTORS, "given": len(chosen)},
        )
    team = {a.inspector_id for a in case_inspectors(case)}
    outsiders = [str(user) for pk, user in chosen.items() if pk not in team]
    if outsiders:
        raise _invalid(
            "inspectors",
            _("Not inspectors of this case: %(names)s.") % {"names": "、".join(outsiders)},
        )
    lacking = [
        user.get_username()
        for user in chosen.values()
        if not (user.enforcement_card_number.strip() and user.full_name.strip())
    ]
    if lacking:
        raise _invalid(
            "inspectors",
            _(
                "A record names its inspectors by full name and enforcement card number "
                "(执法证号); missing for %(names)s. An administrator enters them on the staff "
                "record."
            )
            % {"names": ", ".join(lacking)},
        )
    now = clock.now()
    if timezone.is_naive(details.started_at):
        raise _invalid("started_at", _("Give the time with its time zone."))
    if details.started_at > now:
        raise _invalid(
            "started_at",
            _(
                "The record's time (%(time)s) is in the future: a record is written when "
                "it is taken."
            )
            % {"time": timezone.localtime(details.started_at).strftime("%Y-%m-%d %H:%M")},
        )
    if details.ended_at is not None and not details.started_at <= details.ended_at <= now:
        raise _invalid("ended_at", _("The end is after the start and not in the future."))
    if not details.place.strip():
        raise _invalid("place", _("Say where the record was taken."))
    if len(details.place) > 200:
        raise _invalid("place", _("At most %(limit)d characters.") % {"limit": 200})
    if not details.subject_name.strip():
        message = (
            _("Name the person asked.")
            if details.kind == Kind.INQUIRY
            else _("Name the person of the employer present during the inspection.")
        )
        raise _invalid("subject_name", message)
    if details.subject_side not in Side.values:
        raise _invalid("subject_side", _("Say whose side the person is on."))
    questions = [(q.strip(), a.strip()) for q, a in details.questions]
    for number, (question, answer) in enumerate(questions, start=1):
        if not question or not answer:
            raise _invalid(
                "questions",
                _("Question %(n)d has no question or no answer: each question has its answer.")
                % {"n": number},
            )
        if len(question) > TEXT_LIMIT or len(answer) > TEXT_LIMIT:
            raise _invalid("questions", _("At most %(limit)d characters.") % {"limit": TEXT_LIMIT})
    if details.kind == Kind.INQUIRY and not questions:
        raise _invalid("questions", _("An inquiry record has at least one question and answer."))
    if details.kind == Kind.INSPECTION and not details.findings.strip():
        raise _invalid("findings", _("Write what the inspection found on site."))
    if len(details.findings) > TEXT_LIMIT:
        raise _invalid("findings", _("At most %(limit)d characters.") % {"limit": TEXT_LIMIT})
    return questions


# --- the record as a document ------------------------------------------------------------------


def _template(kind: str) -> Path:
    configured = Path(settings.QINGLING_DOCUMENT_TEMPLATE_DIR) / TEMPLATES[kind]
    return configured if configured.is_file() else SHIPPED_TEMPLATE_DIR / TEMPLATES[kind]


def _when(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def _who(user: User) -> str:
    return f"{user.full_name.strip()}（执法证号：{user.enforcement_card_number.strip()}）"


def _record_values(
    case: Case, details: RecordDetails, questions: list[tuple[str, str]], recorder: User
) -> dict[str, str]:
    span = _when(details.started_at)
    if details.ended_at is not None:
        span += f"至{_when(details.ended_at)}"
    subject = details.subject_name.strip()
    if details.subject_role.strip():
        subject += f"（{details.subject_role.strip()}）"
    inspectors = sorted({u.pk: u for u in details.inspectors}.values(), key=lambda u: u.pk)
    qa = "\n".join(f"问：{q}\n答：{a}" for q, a in questions)
    return {
        "bureau_name": settings.QINGLING_BUREAU_NAME,
        "bureau_address": settings.QINGLING_BUREAU_ADDRESS,
        "bureau_phone": settings.QINGLING_BUREAU_PHONE,
        "document_number": "",
        "case_number": case.number,
        "time_span": span,
        "place": details.place.strip(),
        "subject": subject,
        "subject_unit": case.respondent.name if details.subject_side == Side.RESPONDENT else "—",
        "respondent": case.respondent.name,
        "inspectors": "、".join(_who(u) for u in inspectors),
        "recorded_by": recorder.full_name.strip() or recorder.get_username(),
        "qa": qa or "—",
        "findings": details.findings.strip() or "—",
    }


def _read_by_employer(details: RecordDetails) -> bool:
    """The employer's side reads and signs it: an inquiry of its people, every inspection."""
    return details.kind == Kind.INSPECTION or details.subject_side == Side.RESPONDENT


@transaction.atomic
def investigation_record_create(
    *, case: Case, details: RecordDetails, actor: Actor
) -> InvestigationRecord:
    """Record an inquiry or an on-site inspection and generate it as a DOCX for signing.

    Refused (nothing stored): fewer than two inspectors, an inspector who is not on the
    case or lacks a 执法证号, a time in the future, no place, no person, an inquiry
    without questions, an inspection without findings, a closed or archived case; and a
    record the employer's side signs that would identify an informant.
    """
    _require_case_inspector(case, actor, _("Only the case's inspectors take its records."))
    assert isinstance(actor, User)
    case_writable_check(case)
    _require_open(case)
    questions = record_check(case, details)
    data = render_docx(
        _template(details.kind), _record_values(case, details, questions, actor), [["—"]]
    )
    if _read_by_employer(details):
        informants = case_informants(case)
        people = {c.worker.name for c in case.claims.select_related("worker")}
        people |= {n for i in informants for n in i.names}
        informant_disclosure_check(document_text(data), informants=informants, people=people)
    record = InvestigationRecord(
        case=case,
        kind=details.kind,
        started_at=details.started_at,
        ended_at=details.ended_at,
        place=details.place.strip(),
        subject_name=details.subject_name.strip(),
        subject_role=details.subject_role.strip(),
        subject_side=details.subject_side,
        questions=[{"q": q, "a": a} for q, a in questions],
        findings=details.findings.strip(),
        recorded_by=actor,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    record.file.save(f"{record.public_id}.docx", ContentFile(data), save=False)
    record.save()
    record.inspectors.set(list({u.pk: u for u in details.inspectors}.values()))
    audit_event_record(
        actor=actor,
        action="case.record",
        obj=case,
        after={
            "record": str(record.public_id),
            "kind": record.kind,
            "started_at": timezone.localtime(record.started_at).isoformat(timespec="minutes"),
            "place": record.place,
            "questions": len(questions),
            "inspectors": [str(u) for u in record.inspectors.all()],
            "sha256": record.sha256,
        },
    )
    return record


@transaction.atomic
def investigation_record_scan_upload(
    *, record: InvestigationRecord, upload: UploadedFile, actor: Actor
) -> InvestigationRecord:
    """Keep the signed record's scan (a photo or a PDF, checked by its content) with its
    SHA-256. A new scan replaces the old one; both are audited."""
    case = record.case
    _require_case_inspector(case, actor, _("Only the case's inspectors upload its records."))
    case_writable_check(case)
    errors: list[str] = []
    found = evidence_check([upload], add_error=lambda _f, message: errors.append(message))
    if errors:
        raise _invalid("signed_scan", " ".join(errors))
    upload, kind = found[0]
    content = upload.read()
    record.signed_scan.save(
        f"{record.public_id}-signed{EXTENSIONS[kind]}", ContentFile(content), save=False
    )
    record.signed_scan_sha256 = hashlib.sha256(content).hexdigest()
    record.signed_scan_uploaded_at = clock.now()
    record.save(
        update_fields=["signed_scan", "signed_scan_sha256", "signed_scan_uploaded_at", "updated_at"]
    )
    audit_event_record(
        actor=actor,
        action="case.record_scan",
        obj=case,
        after={
            "record": str(record.public_id),
            "kind": record.kind,
            "sha256": record.signed_scan_sha256,
        },
    )
    return record


def investigation_record_pdf(*, record: InvestigationRecord, actor: Actor) -> bytes:
    """The record's A4 PDF print copy, made from its DOCX the first time it is asked for
    and kept beside it with its SHA-256 (as a document's, ``cases.pdf``)."""
    case = record.case
    if not (can(actor, Perm.CASE_VIEW) and case_list_for_user(user=actor).filter(pk=case.pk)):
        raise Forbidden(_("You cannot see this case."))
    if record.pdf:
        with record.pdf.open("rb") as stored:
            return bytes(stored.read())
    with record.file.open("rb") as stored:
        data = docx_to_pdf(stored.read())
    with transaction.atomic():
        record.pdf.save(f"{record.public_id}.pdf", ContentFile(data), save=False)
        record.pdf_sha256 = hashlib.sha256(data).hexdigest()
        record.save(update_fields=["pdf", "pdf_sha256", "updated_at"])
        audit_event_record(
            actor=actor,
            action="case.record_pdf",
            obj=case,
            after={"record": str(record.public_id), "sha256": record.pdf_sha256},
        )
    return data


# --- evidence gathered -------------------------------------------------------------------------


@transaction.atomic
def evidence_attach(
    *,
    case: Case,
    kind: str,
    title: str,
    source: str,
    obtained_on: dt.date,
    upload: UploadedFile,
    pages: int = 1,
    actor: Actor,
) -> Evidence:
    """Attach a piece of evidence the inspectors obtained, with its kind, where it came
    from, the day and its page count; the file is kept with its SHA-256.

    Refused (nothing stored): no kind, no title or source, a date in the future, a page
    count below 1, a file that is not a photo or a PDF (or too large), a closed or
    archived case.
    """
    _require_case_inspector(case, actor, _("Only the case's inspectors attach its evidence."))
    assert isinstance(actor, User)
    case_writable_check(case)
    _require_open(case)
    if kind not in Evidence.Kind.values:
        raise _invalid(
            "kind",
            _("Choose the kind of evidence (payroll, attendance, contract, photo …): %(kinds)s.")
            % {"kinds": "、".join(str(label) for label in Evidence.Kind.labels)},
        )
    if not title.strip() or len(title) > 200:
        raise _invalid("title", _("Give the evidence a title of at most 200 characters."))
    if not source.strip() or len(source) > 200:
        raise _invalid(
            "source", _("Say where the evidence was obtained (调取自), in at most 200 characters.")
        )
    if obtained_on > clock.local_today():
        raise _invalid("obtained_on", _("The day the evidence was obtained is in the future."))
    if not 1 <= pages <= 9999:
        raise _invalid("pages", _("The page count is between 1 and 9999."))
    errors: list[str] = []
    found = evidence_check([upload], add_error=lambda _f, message: errors.append(message))
    if errors:
        raise _invalid("file", " ".join(errors))
    upload, content_type = found[0]
    content = upload.read()
    evidence = Evidence(
        case=case,
        kind=kind,
        title=title.strip(),
        source=source.strip(),
        obtained_on=obtained_on,
        pages=pages,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        recorded_by=actor,
    )
    evidence.file.save(
        f"{evidence.public_id}{EXTENSIONS[content_type]}", ContentFile(content), save=False
    )
    evidence.save()
    audit_event_record(
        actor=actor,
        action="case.evidence",
        obj=case,
        after={
            "evidence": str(evidence.public_id),
            "kind": kind,
            "title": evidence.title,
            "source": evidence.source,
            "obtained_on": obtained_on.isoformat(),
            "pages": pages,
            "sha256": evidence.sha256,
        },
    )
    return evidence
