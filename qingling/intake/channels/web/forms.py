"""The public phone form and the progress query: HTML input only, every rule in the service."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qingling.core.forms import LimitedFileInput, PhoneCodeField
from qingling.core.selectors import division_list
from qingling.intake.channels.base import (
    ComplaintDraft,
    FieldErrors,
    decimal_or_none,
    int_or_none,
    worker_lines,
)
from qingling.intake.models import QUERY_CODE_LENGTH, Complaint


def county_choices() -> list[tuple[str, str]]:
    counties = (
        division_list(within=settings.QINGLING_CITY_DIVISION[:4])
        .filter(level="county")
        .order_by("code")
    )
    return [("", gettext("Not sure")), *((d.code, d.name) for d in counties)]


class EvidenceField(forms.Field):
    """Any number of files; the service checks each one's type (by content) and size."""

    widget = LimitedFileInput

    def to_python(self, value: Any) -> list[UploadedFile]:
        if not value:
            return []
        files = value if isinstance(value, list | tuple) else [value]
        return [f for f in files if f]


class WebComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=[
            (Complaint.Kind.COMPLAINT, _("I want to complain")),
            (Complaint.Kind.REPORT, _("I want to report")),
        ],
        initial=Complaint.Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    anonymous = forms.BooleanField(label=_("Report anonymously"), required=False)
    name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        required=False,
        help_text=_("We send your query code and the decision to this number."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    id_number = forms.CharField(
        label=_("ID number (optional)"),
        max_length=24,
        required=False,
        help_text=_(
            "It lets us recognise you and pay recovered wages to you, "
            "not to someone with the same name."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    employer_name = forms.CharField(
        label=_("Employer (company or boss)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    project_name = forms.CharField(
        label=_("Site or project name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    division = forms.ChoiceField(
        label=_("Where was the work?"), required=False, choices=county_choices
    )
    amount = forms.CharField(
        label=_("Amount owed (yuan)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "12000"}),
    )
    headcount = forms.CharField(
        label=_("How many workers are owed?"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1"}),
    )
    period = forms.CharField(
        label=_("Owed since when?"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. October 2020 until now")}),
    )
    narrative = forms.CharField(
        label=_("What happened?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "placeholder": _("Who hired you, what work you did, who promised to pay and when."),
            }
        ),
    )
    workers = forms.CharField(
        label=_("Other workers owed (optional)"),
        max_length=5000,
        required=False,
        help_text=_(
            "One worker a line: name, mobile or ID number, amount owed. "
            "Each one then gets their own claim and their own payment."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("李四 13900001111 3000")}),
    )
    evidence = EvidenceField(
        label=_("Evidence: photos or PDF files"),
        required=False,
        widget=LimitedFileInput(multiple=True),
    )

    code = PhoneCodeField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = gettext(
            "Contract, IOU, pay slips, attendance records, chat screenshots. "
            "Up to %(files)d files, %(mb)d MB each."
        ) % {
            "files": settings.QINGLING_UPLOAD_MAX_FILES,
            "mb": settings.QINGLING_UPLOAD_MAX_BYTES // (1024 * 1024),
        }

    def draft(self, errors: FieldErrors) -> ComplaintDraft:
        """The draft for the service; amounts and counts that are not numbers go to errors."""
        data: dict[str, Any] = self.cleaned_data
        numbers = {
            "amount": data["amount"].replace("元", "").replace(" ", ""),
            "headcount": data["headcount"].replace("人", "").replace(" ", ""),
        }
        # The checkbox is hidden for a complaint, but a box ticked before switching still posts.
        anonymous = data["anonymous"] and data["kind"] == Complaint.Kind.REPORT
        return ComplaintDraft(
            kind=data["kind"],
            anonymous=anonymous,
            name="" if anonymous else data["name"].strip(),
            id_number="" if anonymous else data["id_number"],
            phone=data["phone"],
            employer_name=" ".join(data["employer_name"].split()),
            project_name=" ".join(data["project_name"].split()),
            division_code=data["division"],
            amount=decimal_or_none(numbers, "amount", errors),
            headcount=int_or_none(numbers, "headcount", errors),
            period=data["period"].strip(),
            narrative=data["narrative"].strip(),
            uploads=list(data["evidence"]),
            workers=worker_lines(data["workers"], errors),
        )


class ProgressQueryForm(forms.Form):
    query_code = forms.CharField(
        label=_("Query code"),
        max_length=QUERY_CODE_LENGTH + 8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )
    phone = forms.CharField(
        label=_("The mobile number you gave"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
