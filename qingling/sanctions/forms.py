"""HTML input for the blacklist pages: each form is one service call or one filter."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingling.sanctions.lifecycle import ListingGround, ListingStatus

Choices = Sequence[tuple[str, str]]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: Any, *, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ListingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ListingStatus.choices]
    )


class ListingProposeForm(forms.Form):
    """Proposing a listing from a case (the case chosen by its number)."""

    case_number = forms.CharField(label=_("Case number"), max_length=64)
    organization = forms.ChoiceField(
        label=_("Organization to list"),
        required=False,
        help_text=_("The respondent unless another party of the project is to be listed."),
    )
    ground = forms.ChoiceField(
        label=_("Ground (人社部令第45号 Art. 5)"),
        choices=ListingGround.choices,
        widget=forms.RadioSelect,
    )
    reason = _text(
        _("Reason"),
        required=True,
        help_text=_(
            "The facts: the order and its date, what is unpaid and for how long, or the incident."
        ),
    )

    def __init__(self, *args: Any, organizations: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("The case's respondent")), *organizations]  # type: ignore[attr-defined]


class NoticeForm(forms.Form):
    notice_served_on = forms.DateField(label=_("Notice served on"), widget=_date_input())
    note = _text(_("How it was served (in person, by post, posted at the premises …)"))


class DecideForm(forms.Form):
    note = _text(_("The party's statement and defence (陈述申辩), or that it made none"))


class EarlyRemovalForm(forms.Form):
    repaid_on = forms.DateField(label=_("Arrears repaid on"), widget=_date_input())
    commitment_note = _text(
        _("Written commitment (守信承诺书)"),
        required=True,
        help_text=_("Its date and where it is filed."),
    )
    note = _text(_("Note"))


class WithdrawForm(forms.Form):
    note = _text(_("Reason"), required=True)
