"""HTML input for the sanctions pages (the blacklist and the transfers to the police):
each form is one service call or one filter."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from qingling.sanctions.lifecycle import ListingGround, ListingStatus, ReferralStatus
from qingling.sanctions.models import Evasion, ListingChallenge, Referral

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
    three_months_pay = forms.BooleanField(
        label=_("A worker is owed three months' pay or more (法释〔2013〕3号 Art. 3 (1))"),
        required=False,
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


class NoticeIssueForm(forms.Form):
    """Generating the notice of intended listing (告知书)."""

    defence_days = forms.IntegerField(
        label=_("Defence period (working days from service)"),
        min_value=1,
        max_value=60,
        help_text=_("At least the rule's period (人社部令第45号); the notice states it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["defence_days"].initial = settings.QINGLING_LISTING_DEFENCE_WORKDAYS


class NoticeForm(forms.Form):
    """The notice is served (recorded on the case page): the defence period starts."""

    note = _text(_("Note"))


class DefenceForm(forms.Form):
    received_on = forms.DateField(
        label=_("Statement and defence received on"), widget=_date_input()
    )
    statement = _text(_("What the party said (陈述申辩)"), required=True)
    adopted = forms.TypedChoiceField(
        label=_("Is the defence adopted?"),
        choices=[("no", _("Not adopted")), ("yes", _("Adopted"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    answer = _text(_("Reasons"), required=True)


class WaiverForm(forms.Form):
    waived_on = forms.DateField(label=_("Written waiver dated"), widget=_date_input())
    note = _text(_("Who signed it and where it is filed"), required=True)


ROLE_CHOICES = (
    ("legal_representative", _("Legal representative (法定代表人)")),
    ("principal", _("Principal (主要负责人)")),
    ("controller", _("Actual controller (实际控制人)")),
    ("responsible", _("Directly responsible person")),
)
NEW_ROWS = 3  # rows for people not yet known, by default; ``rows`` asks for more
MAX_ROWS = 20


class DecideForm(forms.Form):
    """The decision: the persons listed with the unit (45号令 Art. 5), any number of them
    in any roles — chosen among the organization's people (a role for each, or "not
    listed"), and named by name and ID number in the rows below."""

    note = _text(_("Note"))

    def __init__(
        self,
        *args: Any,
        people: Sequence[tuple[Any, str]] = (),
        rows: int = NEW_ROWS,
        **kwargs: Any,
    ) -> None:
        """``people``: ``(Person, role or "")`` — the organization's people and the role
        each is offered with."""
        super().__init__(*args, **kwargs)
        self.people = {f"person_{person.pk}": person for person, _role in people}
        for person, role in people:
            masked = person.id_number_masked or "—"
            self.fields[f"person_{person.pk}"] = forms.ChoiceField(
                label=f"{person.name} · {masked}",
                required=False,
                choices=[("", _("Not listed")), *ROLE_CHOICES],
                initial=role,
            )
        self.rows = max(NEW_ROWS, min(rows, MAX_ROWS))
        self.fields["rows"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=self.rows
        )
        for row in range(1, self.rows + 1):
            self.fields[f"new{row}_name"] = forms.CharField(
                label=_("Another person: name"), max_length=50, required=False
            )
            self.fields[f"new{row}_id_number"] = forms.CharField(
                label=_("ID number"), max_length=18, required=False
            )
            self.fields[f"new{row}_role"] = forms.ChoiceField(
                label=_("Role"), required=False, choices=[("", "—"), *ROLE_CHOICES]
            )
        self.order_fields([*(name for name in self.fields if name != "note"), "note"])

    def chosen_people(self) -> list[tuple[Any, str]]:
        data = self.cleaned_data
        return [(person, data[name]) for name, person in self.people.items() if data.get(name)]

    def named_persons(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        found = []
        for row in range(1, self.rows + 1):
            name, number, role = (data.get(f"new{row}_{part}") or "" for part in PARTS)
            if name or number or role:
                found.append((name, number, role))
        return found


PARTS = ("name", "id_number", "role")


class ChallengeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Challenge"), choices=ListingChallenge.Kind.choices)
    filed_on = forms.DateField(label=_("Filed on"), widget=_date_input())
    body = forms.CharField(label=_("Review organ or court"), max_length=200)


class ChallengeOutcomeForm(forms.Form):
    challenge = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ListingChallenge.Outcome.choices, widget=forms.RadioSelect
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=_date_input())
    document = forms.CharField(label=_("Decision or judgment"), max_length=200)


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


# --- the transfer to the police ----------------------------------------------------------------

EVIDENCE_ACCEPT = "image/jpeg,image/png,image/heic,application/pdf"


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


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Under way")), *ReferralStatus.choices],
    )


class EvasionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the employer did"), choices=Evasion.Kind.choices)
    observed_on = forms.DateField(label=_("Observed on"), widget=_date_input())
    description = _text(
        _("Facts and how they were established"),
        required=True,
        help_text=_("E.g. the premises empty since …, the phone off, the notice posted on …"),
    )
    evidence = EvidenceField(
        label=_("Evidence (photos or PDF)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )


class ReferralProposeForm(forms.Form):
    three_months_pay = forms.BooleanField(
        label=_("A worker is owed three months' pay or more (法释〔2013〕3号 Art. 3 (1))"),
        required=False,
    )
    report = _text(
        _("Transfer report (移送报告)"),
        required=True,
        help_text=_("The facts, the amounts, the order and its service, the evidence."),
    )


class ReferralApproveForm(forms.Form):
    note = _text(_("Note"))


class ReferralReasonForm(forms.Form):
    note = _text(_("Reason"), required=True)


class ReferralSendForm(forms.Form):
    sent_at = forms.DateTimeField(
        label=_("Handed over at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    police_organ = forms.CharField(label=_("Police organ"), max_length=100)
    police_officer = forms.CharField(label=_("Receiving officer"), max_length=100)
    items = forms.MultipleChoiceField(
        label=_("What was sent (国务院令第310号 Art. 6)"),
        choices=Referral.Item.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(Referral.REQUIRED_ITEMS),
    )
    prosecutor_copied = forms.CharField(
        label=_("Copy sent to the procuratorate (抄送检察院)"),
        max_length=100,
        required=False,
        help_text=_("Leave empty if no copy was sent."),
    )
    note = _text(_("Other materials; why late, if after the 24 hours"))


class ProsecutorCopyForm(forms.Form):
    prosecutor = forms.CharField(label=_("Procuratorate"), max_length=100)
    copied_on = forms.DateField(label=_("Copy sent on"), widget=_date_input())


class PoliceAnswerForm(forms.Form):
    decided_on = forms.DateField(label=_("Date of the police's decision"), widget=_date_input())
    document = forms.CharField(label=_("The police's document (name and number)"), max_length=200)


class PoliceNoticeForm(PoliceAnswerForm):
    notice_received_on = forms.DateField(label=_("Notice received on"), widget=_date_input())


class ReconsiderationForm(forms.Form):
    requested_on = forms.DateField(label=_("Asked for on"), widget=_date_input())
    note = _text(_("Why the case should be opened"), required=True)


class SupervisionForm(forms.Form):
    requested_on = forms.DateField(label=_("Asked for on"), widget=_date_input())
    prosecutor = forms.CharField(label=_("Procuratorate"), max_length=100)
    note = _text(_("The request"))
