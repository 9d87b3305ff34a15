"""HTML input for the party registry; valid data goes to one service call."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qingling.core.forms import ImportFileField
from qingling.core.models import Division
from qingling.parties.models import Organization, Project, ProjectParty


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=24,
        required=False,
        help_text=_("公民身份号码, 18 characters; stored encrypted."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )


class PersonEditForm(PersonForm):
    """Blank ID or phone fields keep what is stored; the stored values are never sent back."""

    id_number = forms.CharField(
        label=_("New ID number"),
        max_length=24,
        required=False,
        help_text=_("Leave blank to keep the recorded number."),
    )
    phone = forms.CharField(
        label=_("New mobile"),
        max_length=20,
        required=False,
        help_text=_("Leave blank to keep the recorded number."),
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )


def _division_field(required: bool) -> forms.ModelChoiceField[Division]:
    return forms.ModelChoiceField(
        queryset=Division.objects.all(), label=_("Division"), required=required
    )


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=24,
        required=False,
        help_text=_("统一社会信用代码, when known."),
    )
    division = _division_field(required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    representative_name = forms.CharField(
        label=_("Legal representative"), max_length=50, required=False
    )
    representative_id_number = forms.CharField(
        label=_("Legal representative's ID number"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    representative_phone = forms.CharField(
        label=_("Legal representative's mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    def __init__(
        self,
        *args: object,
        divisions: QuerySet[Division] | None = None,
        division_required: bool = False,
        **kwargs: object,
    ) -> None:
        """``divisions``: those the user may record (a county's staff: their county's);
        ``division_required``: a county's staff must record one (else the organization
        would leave their sight)."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if divisions is not None:
            self.fields["division"].queryset = divisions  # type: ignore[attr-defined]
        self.fields["division"].required = division_required


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Project name"), max_length=200)
    division = _division_field(required=True)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contract_value = forms.DecimalField(
        label=_("Contract value (yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("Planned completion"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    builder = forms.ModelChoiceField(
        queryset=Organization.objects.all(), required=False, label=_("Builder (建设单位)")
    )
    general_contractor = forms.ModelChoiceField(
        queryset=Organization.objects.all(), required=False, label=_("General contractor (总包)")
    )
    wage_officer_name = forms.CharField(
        label=_("Wage officer (劳资专管员)"), max_length=50, required=False
    )
    wage_officer_phone = forms.CharField(
        label=_("Wage officer's mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def __init__(
        self,
        *args: object,
        divisions: object = None,
        organizations: QuerySet[Organization] | None = None,
        **kwargs: object,
    ) -> None:
        """``organizations``: those the user may pick (``organization_list_for_user``)."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if divisions is not None:
            self.fields["division"].queryset = divisions  # type: ignore[attr-defined]
        if organizations is not None:
            for name in ("builder", "general_contractor"):
                self.fields[name].queryset = organizations  # type: ignore[attr-defined]


class ProjectPartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ProjectParty.Role.choices)
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        required=False,
        label=_("Organization"),
        help_text=_("For a builder, contractor or subcontractor."),
    )
    leader_name = forms.CharField(
        label=_("Team leader"),
        max_length=50,
        required=False,
        help_text=_("For a work team (班组)."),
    )
    leader_id_number = forms.CharField(
        label=_("Team leader's ID number"), max_length=24, required=False
    )
    leader_phone = forms.CharField(
        label=_("Team leader's mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    engaged_by = forms.ModelChoiceField(
        queryset=ProjectParty.objects.none(), required=False, label=_("Engaged by")
    )

    def __init__(
        self,
        *args: object,
        project: Project | None = None,
        organizations: QuerySet[Organization] | None = None,
        **kwargs: object,
    ) -> None:
        """``organizations``: those the user may pick (``organization_list_for_user``)."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if organizations is not None:
            self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        if project is not None:
            self.fields["engaged_by"].queryset = (  # type: ignore[attr-defined]
                ProjectParty.objects.filter(project=project).select_related(
                    "organization", "leader"
                )
            )


class RosterEntryForm(forms.Form):
    """A worker put on a project's real-name roster (实名制) by hand."""

    name = forms.CharField(label=_("Worker's name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    team = forms.ModelChoiceField(
        queryset=ProjectParty.objects.none(), required=False, label=_("Work team (班组)")
    )
    trade = forms.CharField(label=_("Trade (工种)"), max_length=50, required=False)
    joined_on = forms.DateField(
        label=_("Joined the site on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: object, teams: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if teams is not None:
            self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class RosterImportForm(forms.Form):
    file = ImportFileField(
        label=_("Roster workbook (XLSX)"),
        help_text=_(
            "First sheet, one worker a row, columns 姓名, 身份证号 and optionally 手机, "
            "班组 (the team leader's name), 工种, 进场日期."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
