"""HTML input for the inspection pages; the rules live in the services."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingling.accounts.models import User
from qingling.accounts.permissions import jurisdiction_prefix
from qingling.core.selectors import division_list
from qingling.inspections import selectors
from qingling.inspections.checklist import CheckItem, CheckResult
from qingling.inspections.models import Campaign
from qingling.inspections.services import SpotPaymentLine
from qingling.parties.models import Organization, Project


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.Field):
    """Any number of files; the service checks each one's type (by content) and size."""

    widget = MultipleFileInput

    def to_python(self, value: Any) -> list[UploadedFile]:
        if not value:
            return []
        files = value if isinstance(value, list | tuple) else [value]
        return [f for f in files if f]


EVIDENCE_ACCEPT = "image/jpeg,image/png,image/heic,application/pdf"


class InspectorChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {obj.org_unit}"


class TeamFormMixin:
    """Project, campaign and team choices limited to what the user may use."""

    fields: dict[str, forms.Field]

    def _limit(self, user: User) -> None:
        self.fields["project"].queryset = selectors.project_choices(user=user)  # type: ignore[attr-defined]
        self.fields["inspectors"].queryset = selectors.inspector_choices(user=user)  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = selectors.campaign_list_for_user(user=user)  # type: ignore[attr-defined]


class PlanForm(TeamFormMixin, forms.Form):
    project: "forms.ModelChoiceField[Project]" = forms.ModelChoiceField(
        label=gettext_lazy("Construction project"), queryset=Project.objects.none()
    )
    planned_on = forms.DateField(label=gettext_lazy("Planned for"), widget=_date_input())
    inspectors = InspectorChoiceField(
        label=gettext_lazy("Inspectors (at least two)"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    campaign: "forms.ModelChoiceField[Campaign]" = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit(user)


class InspectionForm(TeamFormMixin, forms.Form):
    """The phone form on site: who, where, when, the eight checklist items, evidence."""

    project: "forms.ModelChoiceField[Project]" = forms.ModelChoiceField(
        label=gettext_lazy("Construction project"), queryset=Project.objects.none()
    )
    done_on = forms.DateField(label=gettext_lazy("Inspected on"), widget=_date_input())
    inspectors = InspectorChoiceField(
        label=gettext_lazy("Inspectors (at least two)"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    campaign: "forms.ModelChoiceField[Campaign]" = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none(), required=False
    )
    place = forms.CharField(label=gettext_lazy("Place on site"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit(user)
        for item in CheckItem:
            self.fields[f"check_{item.value}"] = forms.ChoiceField(
                label=item.label,
                choices=CheckResult.choices,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{item.value}"] = forms.CharField(
                label=gettext_lazy("Note"), max_length=500, required=False
            )
        self.fields["summary"] = forms.CharField(
            label=gettext_lazy("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
        )
        self.fields["evidence"] = EvidenceField(
            label=gettext_lazy("Photos and files"),
            required=False,
            widget=MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
            help_text=gettext_lazy(
                "Photos (JPEG, PNG, HEIC) or PDF. A draft kept offline does not keep "
                "the files: choose them again before sending."
            ),
        )

    def checklist_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"check_{item.value}"], self[f"note_{item.value}"]) for item in CheckItem]

    def checks(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            item.value: (data[f"check_{item.value}"], data.get(f"note_{item.value}", ""))
            for item in CheckItem
        }


class CampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=_date_input())
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=_date_input())
    division = forms.ChoiceField(label=gettext_lazy("Area"))
    open_complaints = forms.BooleanField(
        label=gettext_lazy("Only projects with complaints still being handled"), required=False
    )
    not_inspected_months = forms.IntegerField(
        label=gettext_lazy("Only projects not inspected in the last N months"),
        required=False,
        min_value=1,
        max_value=120,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefix = jurisdiction_prefix(user) or "-"
        self.fields["division"].choices = [  # type: ignore[attr-defined]
            (d.code, d.name) for d in division_list(within=prefix)
        ]


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class SpotForm(forms.Form):
    payments = forms.CharField(
        label=gettext_lazy("Paid on the spot"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One line per person: name and amount in yuan, e.g. 王建国 3000"),
    )
    note = forms.CharField(
        label=gettext_lazy("How it was corrected"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_payments(self) -> list[SpotPaymentLine]:
        lines = []
        for raw in str(self.cleaned_data.get("payments") or "").splitlines():
            if not raw.strip():
                continue
            name, _sep, amount = raw.strip().rpartition(" ")
            try:
                value = Decimal(amount.replace(",", "").replace("元", ""))
            except InvalidOperation:
                value = None
            if not name.strip() or value is None or not value.is_finite():
                raise forms.ValidationError(
                    _("Write each line as a name and an amount, e.g. 王建国 3000.")
                )
            lines.append(SpotPaymentLine(payee_name=name.strip(), amount=value))
        return lines


class DeadlineForm(forms.Form):
    working_days = forms.IntegerField(
        label=gettext_lazy("Correct within (working days)"), min_value=1, max_value=60, initial=10
    )
    note = forms.CharField(label=gettext_lazy("What must be corrected"), required=False)


class RespondentForm(forms.Form):
    respondent: "forms.ModelChoiceField[Organization]" = forms.ModelChoiceField(
        label=gettext_lazy("Responsible organization"),
        queryset=Organization.objects.none(),
    )


class EvidenceForm(forms.Form):
    evidence = EvidenceField(
        label=gettext_lazy("Photos and files"),
        widget=MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )
