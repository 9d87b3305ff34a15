"""Staff pages of case documents (文书) and the case file: generate, download, archive."""

import io
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm
from qingling.cases import selectors, services
from qingling.cases.archive import archive_file
from qingling.cases.documents import (
    DOCX_CONTENT_TYPE,
    case_archive,
    document_generate,
    document_void,
)
from qingling.cases.forms import SERVICE_FIELDS, ServiceForm, SignedReceiptForm, VoidForm
from qingling.cases.models import Case, Document, Service
from qingling.cases.pdf import PDF_CONTENT_TYPE, document_pdf
from qingling.cases.serving import ServiceDetails, service_record, service_signed_receipt_upload
from qingling.cases.views.cases import case_page
from qingling.core import clock
from qingling.core.forms import form_submit

NO_STORE = "private, no-store"


# The fields an inspector fills in for each kind; everything else comes from the case.
FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    Document.Kind.OPENING_APPROVAL: ("facts", "opinion"),
    Document.Kind.INQUIRY_NOTICE: ("inquiry_time", "inquiry_place"),
    Document.Kind.ORDER: ("facts",),
    Document.Kind.CLOSING_APPROVAL: ("opinion",),
}


class DocumentGenerateForm(forms.Form):
    """What an inspector adds to a generated document of one kind (the form's prefix)."""

    facts = forms.CharField(
        label=gettext_lazy("Facts"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Leave empty to use the case's facts (for a document served on the employer, the "
            "facts written for the respondent). Never name an informant in it."
        ),
    )
    inquiry_time = forms.CharField(
        label=gettext_lazy("Inquiry time"), required=False, max_length=100
    )
    inquiry_place = forms.CharField(
        label=gettext_lazy("Inquiry place"), required=False, max_length=200
    )
    opinion = forms.CharField(
        label=gettext_lazy("Inspector's opinion"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data: Any = None, *, kind: str) -> None:
        super().__init__(data, prefix=kind)
        self.kind = kind
        for name in list(self.fields):
            if name not in FIELDS_BY_KIND.get(kind, ()):
                del self.fields[name]

    def extra(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if value}


def document_forms() -> list[tuple[str, str, DocumentGenerateForm]]:
    """One generate form per kind, with only the fields that kind uses; not the kinds
    the decision procedure or sanctions generate (``Document.NOT_ON_FORM``)."""
    return [
        (kind, str(label), DocumentGenerateForm(kind=kind))
        for kind, label in Document.Kind.choices
        if kind not in Document.NOT_ON_FORM
    ]


@require_perm(Perm.CASE_WORK)
@require_POST
def document_generate_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    if not services.case_step_actors(case, request.user):
        raise PermissionDenied
    kind = request.POST.get("kind", "")
    form = DocumentGenerateForm(request.POST, kind=kind)
    submitted = form_submit(
        form,
        lambda _data: document_generate(
            case=case, kind=kind, actor=request.user, extra=form.extra()
        ),
    )
    if submitted.result is None:
        return case_page(request, case, refused=form)
    document = submitted.result
    messages.success(
        request,
        _("%(kind)s %(number)s generated.")
        % {"kind": document.get_kind_display(), "number": document.number},
    )
    return redirect("cases:case_detail", public_id=case.public_id)


@require_perm(Perm.CASE_VIEW)
@require_GET
def document_download(
    request: HttpRequest, public_id: uuid.UUID, document_id: uuid.UUID
) -> FileResponse:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    document = case.documents.filter(public_id=document_id).first()
    if document is None:
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        content_type=DOCX_CONTENT_TYPE,
        as_attachment=True,
        filename=f"{document.number}_{document.get_kind_display()}.docx",
    )
    response["Cache-Control"] = NO_STORE
    return response


@require_perm(Perm.CASE_VIEW)
@require_GET
def document_pdf_download(
    request: HttpRequest, public_id: uuid.UUID, document_id: uuid.UUID
) -> FileResponse:
    """The printable PDF (A4), made from the stored DOCX on first request."""
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    document = case.documents.filter(public_id=document_id).first()
    if document is None:
        raise Http404
    response = FileResponse(
        io.BytesIO(document_pdf(document=document, actor=request.user)),
        content_type=PDF_CONTENT_TYPE,
        as_attachment=True,
        filename=f"{document.number}_{document.get_kind_display()}.pdf",
    )
    response["Cache-Control"] = NO_STORE
    return response


@require_perm(Perm.CASE_VIEW)
@require_GET
def case_archive_download(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The whole case file as one ZIP; the download is audited."""
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    if selectors.case_archive_of(case=case) is not None:  # the file as it was archived
        data, _type, _name = archive_file(case=case, which="bundle", actor=request.user)
    else:
        data = case_archive(case=case, actor=request.user)
    response = FileResponse(
        io.BytesIO(data),
        content_type="application/zip",
        as_attachment=True,
        filename=f"{case.number}_{clock.local_today():%Y%m%d}.zip",
    )
    response["Cache-Control"] = NO_STORE
    return response


# --- service (送达) and voiding ----------------------------------------------------------------


def _document_for_change(
    request: HttpRequest, public_id: uuid.UUID, document_id: uuid.UUID
) -> tuple[Case, Document]:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    if not services.case_step_actors(case, request.user):
        raise PermissionDenied
    document = case.documents.filter(public_id=document_id).first()
    if document is None:
        raise Http404
    return case, document


def _back(case: Case) -> HttpResponse:
    return redirect(f"{reverse('cases:case_detail', args=[case.public_id])}#documents")


@require_perm(Perm.CASE_WORK)
@require_POST
def document_serve_view(
    request: HttpRequest, public_id: uuid.UUID, document_id: uuid.UUID
) -> HttpResponse:
    """Record the service of a document with the fields of the method chosen."""
    case, document = _document_for_change(request, public_id, document_id)
    method = request.POST.get("method", "")
    if method not in SERVICE_FIELDS:
        messages.error(request, _("Choose how the document was served."))
        return _back(case)
    form = ServiceForm(request.POST, request.FILES, method=method, prefix=f"serve-{document.pk}")

    def serve(data: dict[str, Any]) -> Service:
        details = ServiceDetails(
            method=method,
            served_on=data["served_on"],
            **{
                name: data[name]
                for name in SERVICE_FIELDS[method]
                if name != "evidence" and data.get(name) is not None
            },
        )
        return service_record(
            document=document, details=details, evidence=data.get("evidence"), actor=request.user
        )

    submitted = form_submit(form, serve)
    if submitted.result is None:
        return case_page(request, case, refused=form)
    messages.success(
        request,
        _("%(number)s served; it counts as served on %(date)s.")
        % {"number": document.number, "date": submitted.result.effective_on.isoformat()},
    )
    return _back(case)


@require_perm(Perm.CASE_WORK)
@require_POST
def document_void_view(
    request: HttpRequest, public_id: uuid.UUID, document_id: uuid.UUID
) -> HttpResponse:
    case, document = _document_for_change(request, public_id, document_id)
    form = VoidForm(request.POST, prefix=f"void-{document.pk}")
    submitted = form_submit(
        form,
        lambda data: document_void(document=document, reason=data["reason"], actor=request.user),
    )
    if not submitted.ok:
        return case_page(request, case, refused=form)
    messages.success(request, _("%(number)s is voided.") % {"number": document.number})
    return _back(case)


@require_perm(Perm.CASE_WORK)
@require_POST
def service_receipt_upload_view(
    request: HttpRequest, public_id: uuid.UUID, service_id: uuid.UUID
) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    if not services.case_step_actors(case, request.user):
        raise PermissionDenied
    service = case.services.select_related("document").filter(public_id=service_id).first()
    if service is None:
        raise Http404
    form = SignedReceiptForm(request.POST, request.FILES, prefix=f"receipt-{service.pk}")
    submitted = form_submit(
        form,
        lambda data: service_signed_receipt_upload(
            service=service, upload=data["signed_receipt"], actor=request.user
        ),
    )
    if not submitted.ok:
        return case_page(request, case, refused=form)
    messages.success(request, _("The signed proof of service is kept."))
    return _back(case)


@require_perm(Perm.CASE_VIEW)
@require_GET
def service_file_download(
    request: HttpRequest, public_id: uuid.UUID, service_id: uuid.UUID, which: str
) -> FileResponse:
    """The generated 送达回证 (DOCX) or its signed scan."""
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    service: Service | None = case.services.filter(public_id=service_id).first()
    if service is None or which not in {"receipt", "signed"}:
        raise Http404
    stored = service.receipt if which == "receipt" else service.signed_receipt
    if not stored:
        raise Http404
    name = stored.name.rsplit("/", 1)[-1]
    response = FileResponse(
        stored.open("rb"),
        content_type=DOCX_CONTENT_TYPE if which == "receipt" else "application/octet-stream",
        as_attachment=True,
        filename=name,
    )
    response["Cache-Control"] = NO_STORE
    return response
