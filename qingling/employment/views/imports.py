"""The one page for importing a workbook (registrations, postings): upload, then the
rows added, updated and refused, each refused row with its line and reason.

A workbook of at most ``QINGLING_IMPORT_INLINE_ROWS`` rows is imported at once; a larger
one is handed to the worker (``core.models.ImportJob``) and the page shows its progress,
so that no web process is held by a long import.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from qingling.accounts.models import User
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.core.services import import_job_create
from qingling.core.workbooks import SheetImportResult, xlsx_rows_at_most
from qingling.employment.forms import UploadForm

Importer = Callable[..., SheetImportResult]


def workbook_import_page(
    request: HttpRequest,
    *,
    importer: Importer,
    kind: str,
    title: str,
    columns: Iterable[str],
    back: str,
) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    result: SheetImportResult | None = None
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        upload = form.cleaned_data["file"]
        content = upload.read()  # at most QINGLING_IMPORT_MAX_BYTES: the form checked
        try:
            if xlsx_rows_at_most(content, settings.QINGLING_IMPORT_INLINE_ROWS):
                result = importer(content=content, actor=request.user)
            else:
                job = import_job_create(
                    kind=kind,
                    content=content,
                    file_name=upload.name or "",
                    actor=request.user,
                    back_url=reverse(back),
                    language=request.LANGUAGE_CODE,
                )
                return redirect("accounts:import_job", public_id=job.public_id)
        except ApplicationError as error:
            form_add_application_error(form, error)
    return render(
        request,
        "employment/import.html",
        {
            "form": form,
            "result": result,
            "title": title,
            "columns": sorted(set(columns)),
            "back": back,
        },
    )
