"""HTML input of the monitoring pages only: a month's files, and the warning's actions."""

import io
import re
import zipfile
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy

from qingling.accounts.models import User
from qingling.inspections.models import Inspection
from qingling.parties.models import Organization
from qingling.prevention.lifecycle import DispatchTarget


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MonthFilesField(forms.Field):
    """One ZIP of the month's files, or the files themselves selected together (zipped
    here, so that the worker always receives one ZIP)."""

    widget = MultipleFileInput

    def to_python(self, value: Any) -> bytes | None:
        files: list[UploadedFile] = list(value) if isinstance(value, list | tuple) else []
        if value and not files:
            files = [value]
        if not files:
            return None
        if sum(f.size or 0 for f in files) > settings.QINGLING_IMPORT_MAX_BYTES:
            raise forms.ValidationError(gettext_lazy("The files are too large to upload."))
        if len(files) == 1 and (files[0].name or "").lower().endswith(".zip"):
            return bytes(files[0].read())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for upload in files:
                archive.writestr((upload.name or "file").rsplit("/", 1)[-1], upload.read())
        return buffer.getvalue()


class MonthUploadForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Month (YYYY-MM)"),
        max_length=7,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "2024-03"}),
    )
    upload = MonthFilesField(
        label=gettext_lazy("The month's files (a ZIP, or the five CSV or Parquet files)"),
        widget=MultipleFileInput(attrs={"accept": ".zip,.csv,.parquet"}),
    )

    def clean_month(self) -> str:
        month = str(self.cleaned_data["month"]).strip()
        if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", month):
            raise forms.ValidationError(gettext_lazy("Give the month as YYYY-MM."))
        return month


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=2000, widget=forms.Textarea
    )


class InspectorChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {obj.org_unit}"


class DispatchForm(forms.Form):
    """What the warning is dispatched to; the service decides which fields it needs."""

    to = forms.ChoiceField(label=gettext_lazy("Dispatch to"), choices=DispatchTarget.choices)
    inspection: "forms.ModelChoiceField[Inspection]" = forms.ModelChoiceField(
        label=gettext_lazy("An inspection of the project"),
        queryset=Inspection.objects.none(),
        required=False,
    )
    planned_on = forms.DateField(
        label=gettext_lazy("Or plan a visit for"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    inspectors = InspectorChoiceField(
        label=gettext_lazy("Inspectors (at least two)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    respondent: "forms.ModelChoiceField[Organization]" = forms.ModelChoiceField(
        label=gettext_lazy("Responsible organization (for a case)"),
        queryset=Organization.objects.none(),
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)
