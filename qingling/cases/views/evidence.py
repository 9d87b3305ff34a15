"""Staff pages of a case's evidence and archive: records (笔录), evidence, archiving (归档)."""

import io
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import Perm
from qingling.cases import selectors, services
from qingling.cases.archive import archive_file, case_archive_create
from qingling.cases.documents import DOCX_CONTENT_TYPE
from qingling.cases.evidence import (
    RecordDetails,
    evidence_attach,
    investigation_record_create,
    investigation_record_pdf,
    investigation_record_scan_upload,
)
from qingling.cases.forms import EvidenceForm, RecordForm, RecordScanForm
from qingling.cases.models import Case, InvestigationRecord
from qingling.cases.pdf import PDF_CONTENT_TYPE
from qingling.cases.views.cases import case_page
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_submit

NO_STORE = "private, no-store"


def _case_for_change(request: HttpRequest, public_id: uuid.UUID) -> Case:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    if not services.case_step_actors(case, request.user):
        raise PermissionDenied
    return case


def _back(case: Case, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('cases:case_detail', args=[case.public_id])}#{anchor}")


def record_inspector_choices(case: Case) -> list[tuple[str, str]]:
    """The case's current inspectors, by name and 执法证号, for a record's form."""
    choices = []
    for assignment in services.case_inspectors(case):
        user = assignment.inspector
        card = user.enforcement_card_number or _("no enforcement card number")
        choices.append((str(user.pk), f"{user} ({card})"))
    return choices


def _download(data: bytes, content_type: str, filename: str) -> FileResponse:
    response = FileResponse(
        io.BytesIO(data), content_type=content_type, as_attachment=True, filename=filename
    )
    response["Cache-Control"] = NO_STORE
    return response


@require_perm(Perm.CASE_WORK)
@require_POST
def record_create_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _case_for_change(request, public_id)
    form = RecordForm(request.POST, prefix="record", inspectors=record_inspector_choices(case))

    def create(data: dict[str, Any]) -> InvestigationRecord:
        chosen = {int(pk) for pk in data["inspectors"]}
        inspectors: list[User] = [
            a.inspector for a in services.case_inspectors(case) if a.inspector_id in chosen
        ]
        details = RecordDetails(
            kind=data["kind"],
            started_at=data["started_at"],
            ended_at=data["ended_at"],
            place=data["place"],
            subject_name=data["subject_name"],
            subject_role=data["subject_role"],
            subject_side=data["subject_side"],
            inspectors=inspectors,
            questions=data["questions"],
            findings=data["findings"],
        )
        return investigation_record_create(case=case, details=details, actor=request.user)

    submitted = form_submit(form, create)
    if submitted.result is None:
        return case_page(request, case, refused=form)
    messages.success(
        request,
        _("%(kind)s recorded: print it for signing, then upload the signed scan.")
        % {"kind": submitted.result.get_kind_display()},
    )
    return _back(case, "records")


def _record(case: Case, record_id: uuid.UUID) -> InvestigationRecord:
    record = selectors.case_records(case=case).filter(public_id=record_id).first()
    if record is None:
        raise Http404
    return record


@require_perm(Perm.CASE_WORK)
@require_POST
def record_scan_upload_view(
    request: HttpRequest, public_id: uuid.UUID, record_id: uuid.UUID
) -> HttpResponse:
    case = _case_for_change(request, public_id)
    record = _record(case, record_id)
    form = RecordScanForm(request.POST, request.FILES, prefix=f"scan-{record.pk}")
    submitted = form_submit(
        form,
        lambda data: investigation_record_scan_upload(
            record=record, upload=data["signed_scan"], actor=request.user
        ),
    )
    if not submitted.ok:
        return case_page(request, case, refused=form)
    messages.success(request, _("The signed record is kept."))
    return _back(case, "records")


@require_perm(Perm.CASE_VIEW)
@require_GET
def record_file_download(
    request: HttpRequest, public_id: uuid.UUID, record_id: uuid.UUID, which: str
) -> FileResponse:
    """The record as generated (DOCX), its A4 PDF, or the signed scan."""
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    record = _record(case, record_id)
    stem = f"{case.number}_{record.get_kind_display()}_{record.started_at:%Y%m%d}"
    if which == "docx":
        with record.file.open("rb") as stored:
            return _download(stored.read(), DOCX_CONTENT_TYPE, f"{stem}.docx")
    if which == "pdf":
        data = investigation_record_pdf(record=record, actor=request.user)
        return _download(data, PDF_CONTENT_TYPE, f"{stem}.pdf")
    if which == "signed" and record.signed_scan:
        with record.signed_scan.open("rb") as stored:
            name = record.signed_scan.name.rsplit("/", 1)[-1]
            return _download(stored.read(), "application/octet-stream", name)
    raise Http404


@require_perm(Perm.CASE_WORK)
@require_POST
def evidence_attach_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _case_for_change(request, public_id)
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    submitted = form_submit(
        form,
        lambda data: evidence_attach(
            case=case,
            kind=data["kind"],
            title=data["title"],
            source=data["source"],
            obtained_on=data["obtained_on"],
            pages=data["pages"],
            upload=data["file"],
            actor=request.user,
        ),
        field_map={"upload": "file", "evidence": "file"},
    )
    if not submitted.ok:
        return case_page(request, case, refused=form)
    messages.success(request, _("The evidence is attached."))
    return _back(case, "evidence")


@require_perm(Perm.CASE_VIEW)
@require_GET
def evidence_download(
    request: HttpRequest, public_id: uuid.UUID, evidence_id: uuid.UUID
) -> FileResponse:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    evidence = selectors.case_evidence(case=case).filter(public_id=evidence_id).first()
    if evidence is None:
        raise Http404
    with evidence.file.open("rb") as stored:
        name = evidence.file.name.rsplit("/", 1)[-1]
        return _download(stored.read(), evidence.content_type, name)


@require_perm(Perm.CASE_VIEW)
@require_POST
def case_archive_create_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _case_for_change(request, public_id)
    try:
        archive = case_archive_create(case=case, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Case file archived on %(date)s: %(pages)d pages, kept until %(until)s.")
            % {
                "date": archive.archived_on.isoformat(),
                "pages": archive.pages,
                "until": archive.retain_until.isoformat(),
            },
        )
    return _back(case, "archive")


@require_perm(Perm.CASE_VIEW)
@require_GET
def case_archive_file_download(
    request: HttpRequest, public_id: uuid.UUID, which: str
) -> FileResponse:
    """The archived file's index (DOCX or PDF) or its ZIP; the download is audited."""
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    try:
        data, content_type, name = archive_file(case=case, which=which, actor=request.user)
    except ApplicationError:
        raise Http404 from None
    return _download(data, content_type, name)
