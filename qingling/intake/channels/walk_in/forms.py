"""Staff enter a walk-in visit, a 12333 call or a letter on the complainant's behalf."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingling.core.models import Division
from qingling.intake.channels.base import ComplaintDraft, FieldErrors, worker_lines
from qingling.intake.models import Channel, Complaint

STAFF_CHANNELS = [
    (c.value, c.label) for c in (Channel.WALK_IN, Channel.HOTLINE_12333, Channel.LETTER)
]


class StaffComplaintForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    kind = forms.ChoiceField(label=_("Kind"), choices=Complaint.Kind.choices)
    anonymous = forms.BooleanField(label=_("The informant stays anonymous"), required=False)
    name = forms.CharField(label=_("Name of the person owed"), max_length=50, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=24, required=False)
    phone = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False)
    project_name = forms.CharField(label=_("Project"), max_length=200, required=False)
    division = forms.ModelChoiceField(
        label=_("Where the work was"), required=False, queryset=Division.objects.all()
    )
    amount = forms.DecimalField(
        label=_("Amount owed (yuan)"), max_digits=14, decimal_places=2, required=False
    )
    headcount = forms.IntegerField(label=_("Workers owed"), required=False)
    period = forms.CharField(label=_("Period owed"), max_length=100, required=False)
    narrative = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    workers = forms.CharField(
        label=_("Workers owed"),
        required=False,
        help_text=_("One worker a line: name, mobile or ID number, amount owed."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def draft(self, errors: FieldErrors) -> ComplaintDraft:
        data: dict[str, Any] = self.cleaned_data
        division = data["division"]
        return ComplaintDraft(
            kind=data["kind"],
            anonymous=data["anonymous"],
            name=data["name"].strip(),
            id_number=data["id_number"],
            phone=data["phone"],
            employer_name=" ".join(data["employer_name"].split()),
            project_name=" ".join(data["project_name"].split()),
            division_code=division.code if division else "",
            amount=data["amount"],
            headcount=data["headcount"],
            period=data["period"].strip(),
            narrative=data["narrative"].strip(),
            workers=worker_lines(data["workers"], errors),
        )
