"""HTML input for the case pages: each form is one service call (or one selector's filter).

Choices that come from the database (organizations, inspectors, complaints) are read once
by the view and handed to the forms, so a page with a form per claim costs no query per
form.
"""

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qingling.cases.deadlines import ORDER_WORKING_DAYS_MAX, ORDER_WORKING_DAYS_MIN
from qingling.cases.fines import FINES
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import (
    CaseInspector,
    Challenge,
    CourtRuling,
    Evidence,
    InvestigationRecord,
    Payment,
)
from qingling.core import clock
from qingling.core.forms import SHEET_ACCEPT, ImportFileField, LimitedFileInput
from qingling.core.validators import validate_id_number, validate_mobile

Choices = Sequence[tuple[str, str]]
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseFilterForm(forms.Form):
    """The case list's filters (GET)."""

    q = forms.CharField(label=_("Case number or respondent"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    division = forms.ChoiceField(label=_("Division"), required=False)
    lead = forms.TypedChoiceField(
        label=_("Lead inspector"), required=False, coerce=int, empty_value=None
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(
        self, *args: Any, divisions: Choices = (), leads: Choices = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["status"].choices = [*everything, *CaseStatus.choices]  # type: ignore[attr-defined]
        self.fields["division"].choices = [*everything, *divisions]  # type: ignore[attr-defined]
        self.fields["lead"].choices = [*everything, *leads]  # type: ignore[attr-defined]


class CaseOpenForm(forms.Form):
    """Opening a case (立案) from an accepted complaint."""

    complaint = forms.UUIDField(widget=forms.HiddenInput)
    respondent = forms.UUIDField(label=_("Respondent"))
    project = forms.UUIDField(label=_("Project"), required=False)
    division = forms.ChoiceField(label=_("Division"))
    lead = forms.ChoiceField(label=_("Lead inspector (主办)"), widget=forms.RadioSelect)
    co_inspectors = forms.MultipleChoiceField(
        label=_("Co-inspectors (协办)"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("An investigation needs at least two inspectors."),
    )
    others = forms.MultipleChoiceField(
        label=_("Other accepted complaints about this employer to include"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        respondents: Choices = (),
        projects: Choices = (),
        divisions: Choices = (),
        inspectors: Choices = (),
        others: Choices = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A respondent or project found by a search is accepted too: the view resolves the
        # public id through the parties selectors, which decide who may see it.
        self.fields["respondent"].widget = forms.RadioSelect(choices=respondents)
        self.fields["project"].widget = forms.Select(choices=[("", _("No project")), *projects])
        self.fields["division"].choices = divisions  # type: ignore[attr-defined]
        # Choosing another division reloads the inspectors proposed for it (htmx).
        self.fields["division"].widget.attrs.update(
            {
                "hx-get": reverse("cases:case_open"),
                "hx-trigger": "change",
                "hx-include": "closest form",
                "hx-target": "#inspectors",
                "hx-select": "#inspectors",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["lead"].choices = inspectors  # type: ignore[attr-defined]
        self.fields["co_inspectors"].choices = inspectors  # type: ignore[attr-defined]
        self.fields["others"].choices = others  # type: ignore[attr-defined]
        if not others:
            del self.fields["others"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead = data.get("lead")
        co = [pk for pk in data.get("co_inspectors", []) if pk != lead]
        if lead and "co_inspectors" in data and not co:
            self.add_error("co_inspectors", _("Choose at least one inspector besides the lead."))
        data["co_inspectors"] = co
        return data


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def confirm_field(label: Any) -> forms.BooleanField:
    """The tick that confirms a destructive action (撤销立案, 作废, removing an inspector): the
    form is refused, beside this box, until it is ticked."""
    return forms.BooleanField(
        label=label,
        error_messages={"required": _("Tick this box to confirm; this cannot be undone.")},
    )


class WithdrawForm(NoteForm):
    """撤销立案: the note says why, and the tick confirms it."""

    note = forms.CharField(
        label=_("Why the case is withdrawn"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = confirm_field(_("I confirm the withdrawal of this case (撤销立案)."))


class OrderForm(forms.Form):
    order_days = forms.IntegerField(
        label=_("Working days to pay, from service"),
        min_value=ORDER_WORKING_DAYS_MIN,
        max_value=ORDER_WORKING_DAYS_MAX,
        initial=10,
        help_text=_("The due date is set when the order is served."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CaseOutcome.choices)
    note = forms.CharField(
        label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtraCompensationForm(forms.Form):
    rate = forms.DecimalField(
        label=_("Rate (%)"),
        min_value=50,
        max_value=100,
        decimal_places=0,
        help_text=_("50% to 100% of the wages unpaid after the order's date (条例 Art. 26)."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class InspectorAssignForm(forms.Form):
    inspector = forms.ChoiceField(label=_("Inspector"))
    role = forms.ChoiceField(label=_("Role"), choices=CaseInspector.Role.choices)

    def __init__(self, *args: Any, inspectors: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspector"].choices = inspectors  # type: ignore[attr-defined]


class InspectorRemoveForm(forms.Form):
    inspector = forms.IntegerField(widget=forms.HiddenInput)
    confirm = confirm_field(_("I confirm: remove this inspector from the case."))


def _checked(_value: str) -> None:
    """A validator of the platform's (which returns the cleaned value) as a form's (None)."""


class ClaimAddForm(forms.Form):
    """One worker's claim. The ID number and the mobile are checked here as the service
    checks them, so that every mistake of the form is said at once, beside its field."""

    name = forms.CharField(label=_("Worker's name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=18,
        required=False,
        validators=[lambda value: _checked(validate_id_number(value, today=clock.local_today()))],
    )
    phone = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        required=False,
        validators=[lambda value: _checked(validate_mobile(value))],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    claimed = forms.DecimalField(label=_("Claimed (yuan)"), **MONEY)  # type: ignore[arg-type]


class ClaimEditForm(forms.Form):
    verified = forms.DecimalField(label=_("Verified (yuan)"), required=False, **MONEY)  # type: ignore[arg-type]
    verified_reason = forms.CharField(
        label=_("Why the verified amount differs from the claim"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ordered = forms.DecimalField(label=_("Ordered (yuan)"), required=False, **MONEY)  # type: ignore[arg-type]
    explanation = forms.CharField(
        label=_("Why the rest is not paid"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to close while money is outstanding, e.g. referred to court."),
    )


class PaymentReverseForm(forms.Form):
    """Reverse (冲正) a payment recorded wrongly: a new entry, never an edit."""

    payment = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label=_("Amount to reverse (yuan)"), max_digits=14, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason for the reversal"), max_length=500)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2)
    paid_on = forms.DateField(label=_("Paid on"), widget=_date_input())
    payer_kind = forms.ChoiceField(label=_("Paid by"), choices=Payment.Payer.choices)
    payer = forms.ChoiceField(label=_("Paying organization"), required=False)
    method = forms.CharField(
        label=_("How"),
        max_length=50,
        required=False,
        help_text=_("Bank transfer, cash on site …"),
    )
    voucher = forms.CharField(label=_("Voucher number"), max_length=100, required=False)

    def __init__(self, *args: Any, payers: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payer"].choices = [("", "—"), *payers]  # type: ignore[attr-defined]


class ClaimsImportForm(forms.Form):
    file = ImportFileField(
        label=_("Claims workbook (XLSX)"),
        help_text=_(
            "First sheet, one worker a row, columns 姓名, 身份证号, 欠薪金额 and optionally 手机."
        ),
        widget=LimitedFileInput(limit="QINGLING_IMPORT_MAX_BYTES", accept=SHEET_ACCEPT),
    )


class BatchSheetForm(forms.Form):
    """A sheet that fills the batch grid (claims or payments) for its preview."""

    file = ImportFileField(
        label=_("Or fill the grid from a sheet (XLSX)"),
        help_text=_(
            "Claims: 姓名, 身份证号, 手机, 欠薪金额. Payments: 身份证号, 支付金额, 支付日期 and "
            "optionally 支付方, 支付方式, 凭证号. The first row names the columns."
        ),
        widget=LimitedFileInput(limit="QINGLING_IMPORT_MAX_BYTES", accept=SHEET_ACCEPT),
    )


class FactsForRespondentForm(forms.Form):
    text = forms.CharField(
        label=_("Facts for the respondent"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the documents served on the employer state as the facts. Write it for the "
            "employer: never paste the complaint, never name an informant."
        ),
    )


# The fields each method of service needs besides the date (serving.service_record checks).
SERVICE_FIELDS: dict[str, tuple[str, ...]] = {
    "direct": ("recipient_name", "recipient_role"),
    "left": ("recipient_name", "recipient_role", "witnesses", "evidence"),
    "post": ("tracking_number",),
    "entrusted": ("entrusted_to", "recipient_name", "recipient_role"),
    "public_notice": ("notice_place", "notice_days", "evidence"),
    "electronic": ("electronic_address", "electronic_consent"),
}


class ServiceForm(forms.Form):
    """Recording a service: the date and, for the chosen method, only what it needs."""

    served_on = forms.DateField(label=_("Served on"), widget=_date_input())
    recipient_name = forms.CharField(
        label=_("Received (or refused) by"), max_length=100, required=False
    )
    recipient_role = forms.CharField(
        label=_("Their role"), max_length=100, required=False, help_text=_("e.g. 法定代表人")
    )
    witnesses = forms.CharField(
        label=_("Witnesses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("At least one: name and unit."),
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64, required=False)
    entrusted_to = forms.CharField(label=_("Entrusted to"), max_length=200, required=False)
    notice_place = forms.CharField(
        label=_("Where the notice is posted"), max_length=200, required=False
    )
    notice_days = forms.IntegerField(
        label=_("Notice period (days)"), min_value=1, max_value=365, required=False
    )
    electronic_address = forms.CharField(
        label=_("Electronic address"), max_length=200, required=False
    )
    electronic_consent = forms.BooleanField(
        label=_("The party agreed in writing to electronic service"), required=False
    )
    evidence = forms.FileField(
        label=_("Photo or PDF proof"),
        required=False,
        help_text=_("A photo of the document left or of the posted notice."),
        widget=LimitedFileInput(),
    )

    def __init__(self, *args: Any, method: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.method = method
        keep = {"served_on", *SERVICE_FIELDS.get(method, ())}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


class SignedReceiptForm(forms.Form):
    signed_receipt = forms.FileField(
        label=_("Signed proof of service (scan or photo)"),
        help_text=_("JPEG, PNG, HEIC or PDF."),
        widget=LimitedFileInput(),
    )


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the document is voided"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = confirm_field(_("I confirm: void this document (作废). Its number stays used."))


QA_START = re.compile(r"^\s*(问|Q)\s*[:：]\s*", re.IGNORECASE)
QA_ANSWER = re.compile(r"^\s*(答|A)\s*[:：]\s*", re.IGNORECASE)


def qa_pairs(text: str) -> list[tuple[str, str]]:
    """The questions and answers of a record typed as lines: "问：" (or "Q:") starts a
    question, "答：" (or "A:") its answer, other lines go on with the one before."""
    pairs: list[list[str]] = []
    part = -1
    for line in text.splitlines():
        if QA_START.match(line):
            pairs.append([QA_START.sub("", line, count=1), ""])
            part = 0
        elif QA_ANSWER.match(line):
            if not pairs or part != 0:
                raise forms.ValidationError(_("An answer (答：) comes after its question (问：)."))
            pairs[-1][1] = QA_ANSWER.sub("", line, count=1)
            part = 1
        elif line.strip():
            if not pairs:
                raise forms.ValidationError(
                    _("Start each question with 问： and its answer with 答：.")
                )
            pairs[-1][part] += "\n" + line.strip()
    return [(q.strip(), a.strip()) for q, a in pairs]


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RecordForm(forms.Form):
    """An inquiry or on-site inspection record (笔录); ``evidence.record_check`` decides."""

    kind = forms.ChoiceField(label=_("Kind"), choices=InvestigationRecord.Kind.choices)
    started_at = forms.DateTimeField(label=_("Started at"), widget=_datetime_input())
    ended_at = forms.DateTimeField(label=_("Ended at"), required=False, widget=_datetime_input())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    subject_name = forms.CharField(
        label=_("Person asked, or present on site"), max_length=100, required=False
    )
    subject_role = forms.CharField(
        label=_("Their role"), max_length=100, required=False, help_text=_("e.g. 项目经理")
    )
    subject_side = forms.ChoiceField(
        label=_("Their side"), choices=InvestigationRecord.Side.choices
    )
    inspectors = forms.MultipleChoiceField(
        label=_("Inspectors (at least two)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    questions = forms.CharField(
        label=_("Questions and answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One question a line starting with 问：, its answer on a line starting with 答：."
        ),
    )
    findings = forms.CharField(
        label=_("Found on site"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For an on-site inspection record."),
    )

    def __init__(self, *args: Any, inspectors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].choices = inspectors  # type: ignore[attr-defined]

    def clean_questions(self) -> list[tuple[str, str]]:
        return qa_pairs(self.cleaned_data.get("questions") or "")


class RecordScanForm(forms.Form):
    signed_scan = forms.FileField(
        label=_("Signed record (scan or photo)"),
        help_text=_("JPEG, PNG, HEIC or PDF."),
        widget=LimitedFileInput(),
    )


class EvidenceForm(forms.Form):
    """A piece of evidence gathered; ``evidence.evidence_attach`` checks it."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *Evidence.Kind.choices]
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    source = forms.CharField(
        label=_("Obtained from"),
        max_length=200,
        required=False,
        help_text=_("Who gave it or where it was taken (调取自)."),
    )
    obtained_on = forms.DateField(label=_("Obtained on"), widget=_date_input())
    pages = forms.IntegerField(label=_("Pages"), min_value=1, max_value=9999, initial=1)
    file = forms.FileField(
        label=_("File"), help_text=_("JPEG, PNG, HEIC or PDF."), widget=LimitedFileInput()
    )


# --- the decision procedure (decisions.py, enforcement.py, views/decisions.py) ---------------


class ProceedingStartForm(forms.Form):
    """The notice of the intended decision: extra compensation, a fine, or both."""

    rate = forms.DecimalField(
        label=_("Extra compensation rate"),
        required=False,
        help_text=_("0.50 to 1.00 of the wages unpaid at the order's date (劳动合同法 Art. 85)."),
        max_digits=3,
        decimal_places=2,
        min_value=0,
    )
    rate_reason = forms.CharField(
        label=_("Reason for the rate"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    fine_key = forms.ChoiceField(label=_("Fine under"), required=False)
    fine_amount = forms.DecimalField(
        label=_("Fine (yuan)"), required=False, max_digits=14, decimal_places=2, min_value=0
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fine_key"].choices = [  # type: ignore[attr-defined]
            ("", _("No fine")),
            *[(f.key, f"{f.source} {f.low:,.0f}–{f.high:,.0f}") for f in FINES],
        ]


class DefenceForm(forms.Form):
    statement = forms.CharField(
        label=_("What the party stated (陈述申辩)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    received_on = forms.DateField(label=_("Received on"), widget=_date_input())
    hearing_requested = forms.BooleanField(
        label=_("The party asks for a hearing (听证)"), required=False
    )


class AnswerForm(forms.Form):
    adopted = forms.TypedChoiceField(
        label=_("The defence is"),
        choices=[("no", _("not adopted")), ("yes", _("adopted"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    hearing_held_on = forms.DateField(
        label=_("Hearing held on"), required=False, widget=_date_input()
    )


class HearingNoticeForm(forms.Form):
    notified_on = forms.DateField(label=_("Party told of the hearing on"), widget=_date_input())
    hearing_on = forms.DateField(
        label=_("Hearing date"),
        help_text=_("At least 7 working days after the party is told (行政处罚法 Art. 64)."),
        widget=_date_input(),
    )
    place = forms.CharField(label=_("Hearing place"), max_length=200)


class ProceedingWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, withdraw this procedure: it ends here, and a new notice starts over."),
        required=True,
    )


class WaiverForm(forms.Form):
    waived_on = forms.DateField(label=_("Waived in writing on"), widget=_date_input())
    note = forms.CharField(label=_("The written waiver (who signed, what)"), max_length=2000)


class DecideForm(forms.Form):
    rate = forms.DecimalField(
        label=_("Extra compensation rate"),
        required=False,
        help_text=_("Empty: the rate the notice announced. Never higher (行政处罚法 Art. 45)."),
        max_digits=3,
        decimal_places=2,
        min_value=0,
    )
    rate_reason = forms.CharField(label=_("Reason for the rate"), required=False, max_length=2000)
    fine_amount = forms.DecimalField(
        label=_("Fine (yuan)"),
        required=False,
        help_text=_("Empty: the fine the notice announced. Never higher."),
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )


class ChallengeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    lodged_on = forms.DateField(label=_("Lodged on"), widget=_date_input())
    body = forms.CharField(label=_("Review organ or court"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Challenge.Kind.choices  # type: ignore[attr-defined]


class ChallengeOutcomeForm(forms.Form):
    challenge = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[])
    decided_on = forms.DateField(label=_("Decided on"), widget=_date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            c for c in Challenge.Outcome.choices if c[0] != Challenge.Outcome.PENDING
        ]


class ApplyForm(forms.Form):
    applied_on = forms.DateField(label=_("Applied on"), widget=_date_input())
    court_case_number = forms.CharField(
        label=_("Court's case number"), required=False, max_length=64
    )


class RulingForm(forms.Form):
    ruling = forms.ChoiceField(label=_("Ruling"), choices=[], widget=forms.RadioSelect)
    ruling_on = forms.DateField(label=_("Ruling on"), widget=_date_input())
    outcome = forms.CharField(
        label=_("Outcome"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ruling"].choices = CourtRuling.choices  # type: ignore[attr-defined]


class CompensationPaymentForm(forms.Form):
    compensation = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=0
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=_date_input())
    voucher = forms.CharField(label=_("Voucher number"), required=False, max_length=100)


class PenaltyPaymentForm(forms.Form):
    penalty = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label=_("Amount paid (yuan)"),
        help_text=_("The fine and any surcharge owed."),
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=_date_input())
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=64)
