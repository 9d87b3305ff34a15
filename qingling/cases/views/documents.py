"""Staff pages of case documents (文书) and the case file: generate, download, archive."""

import io
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm
from qingling.cases import selectors, services
from qingling.cases.documents import DOCX_CONTENT_TYPE, case_archive, document_generate
from qingling.cases.models import Document
from qingling.core import clock
from qingling.core.exceptions import ApplicationError

NO_STORE = "private, no-store"


# The fields an inspector fills in for each kind; everything else comes from the case.
FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    Document.Kind.OPENING_APPROVAL: ("facts", "opinion"),
    Document.Kind.INQUIRY_NOTICE: ("inquiry_time", "inquiry_place"),
    Document.Kind.ORDER: ("facts",),
    Document.Kind.DECISION: ("facts",),
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
            "Leave empty to use the case summary. Never name an informant in a document "
            "served on the employer."
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
    """One generate form per kind, with only the fields that kind uses."""
    return [
        (kind, str(label), DocumentGenerateForm(kind=kind)) for kind, label in Document.Kind.choices
    ]


@require_perm(Perm.CASE_WORK)
@require_POST
def document_generate_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    if not services.case_step_actors(case, request.user):
        raise PermissionDenied
    kind = request.POST.get("kind", "")
    form = DocumentGenerateForm(request.POST, kind=kind)
    if not form.is_valid():
        messages.error(
            request, "; ".join(" ".join(map(str, errors)) for errors in form.errors.values())
        )
    else:
        try:
            document = document_generate(
                case=case, kind=kind, actor=request.user, extra=form.extra()
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
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
def case_archive_download(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The whole case file as one ZIP; the download is audited."""
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    data = case_archive(case=case, actor=request.user)
    response = FileResponse(
        io.BytesIO(data),
        content_type="application/zip",
        as_attachment=True,
        filename=f"{case.number}_{clock.local_today():%Y%m%d}.zip",
    )
    response["Cache-Control"] = NO_STORE
    return response
