"""The one page for importing a workbook (registrations, postings): upload, then the
rows added, updated and refused, each refused row with its line and reason."""

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qingling.accounts.models import User
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.core.workbooks import SheetImportResult
from qingling.employment.forms import UploadForm

Importer = Callable[..., SheetImportResult]


def workbook_import_page(
    request: HttpRequest, *, importer: Importer, title: str, columns: Iterable[str], back: str
) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    result: SheetImportResult | None = None
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            result = importer(content=form.cleaned_data["file"].read(), actor=request.user)
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
