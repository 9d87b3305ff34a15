"""HTML input of the registry's staff pages (issue 15); the portal builds its own forms
over the same services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from qingling.cases.models import Claim
from qingling.prevention.compliance import BoardContent
from qingling.prevention.models import DepositForm, ProjectType, RateBasis
from qingling.prevention.registry_files import FileKind

DATE = forms.DateInput(attrs={"type": "date"})


class RegistryFileForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of file"), choices=FileKind.choices)
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class WageAccountForm(forms.Form):
    bank = forms.CharField(label=gettext_lazy("Bank"), max_length=100)
    number = forms.CharField(label=gettext_lazy("Account number"), max_length=40)
    opened_on = forms.DateField(label=gettext_lazy("Opened on"), widget=DATE)
    agreement = forms.FileField(
        label=gettext_lazy("Tripartite agreement (PDF or photo)"), required=False
    )


class DepositLodgeForm(forms.Form):
    form = forms.ChoiceField(label=gettext_lazy("Form"), choices=DepositForm.choices)
    rate_basis = forms.ChoiceField(label=gettext_lazy("Rate applied"), choices=RateBasis.choices)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount lodged (yuan)"), max_digits=16, decimal_places=2
    )
    lodged_on = forms.DateField(label=gettext_lazy("Lodged on"), widget=DATE)


class AmountOnForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (yuan)"), max_digits=16, decimal_places=2
    )
    on = forms.DateField(label=gettext_lazy("Date"), widget=DATE)


class BoardForm(forms.Form):
    photo = forms.FileField(label=gettext_lazy("Photo of the board"))
    put_up_on = forms.DateField(label=gettext_lazy("Seen up on"), widget=DATE)
    contents = forms.MultipleChoiceField(
        label=gettext_lazy("What the board shows"),
        choices=BoardContent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class DayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Date"), widget=DATE)


class ProjectTypeForm(forms.Form):
    project_type = forms.ChoiceField(
        label=gettext_lazy("Type of works"), choices=ProjectType.choices
    )


class DepositDrawForm(forms.Form):
    claim = forms.TypedChoiceField(label=gettext_lazy("Worker's claim"), coerce=int)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (yuan)"), max_digits=14, decimal_places=2
    )
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), widget=DATE)

    def __init__(self, *args: Any, claims: list[Claim], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.claims = {claim.pk: claim for claim in claims}
        self.fields["claim"].choices = [  # type: ignore[attr-defined]
            (claim.pk, f"{claim.case.number} · {claim.worker.name} · {claim.outstanding}")
            for claim in claims
        ]
