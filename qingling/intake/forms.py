"""Triage decisions: each form is one service call."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qingling.intake.lifecycle import NotAcceptedReason


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MaterialForm(forms.Form):
    note = forms.CharField(label=_("Material needed"), widget=forms.Textarea(attrs={"rows": 2}))


class ReferForm(forms.Form):
    referred_to = forms.CharField(label=_("Competent body"), max_length=200)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=NotAcceptedReason.choices)
    note = forms.CharField(
        label=_("Written reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class JoinForm(forms.Form):
    matter = forms.CharField(
        label=_("Complaint number to join"), max_length=20, help_text=_("For example 2021-000012.")
    )
    note = forms.CharField(label=_("Note"), required=False)


class UnjoinForm(forms.Form):
    reason = forms.CharField(label=_("Why the join is undone"), max_length=500)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the source system"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DetailsForm(forms.Form):
    """What the complaint is about, pre-filled from the text where the record is empty."""

    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False)
    project_name = forms.CharField(label=_("Project"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("Amount owed (yuan)"), max_digits=14, decimal_places=2, required=False
    )
    headcount = forms.IntegerField(label=_("Workers owed"), required=False)
    period = forms.CharField(label=_("Period owed"), max_length=100, required=False)


class EmployerLinkForm(forms.Form):
    organization = forms.UUIDField(widget=forms.HiddenInput)
