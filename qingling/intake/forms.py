"""Triage decisions: each form is one service call."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from qingling.intake.channels.base import THOUSANDS, SettlementLine
from qingling.intake.lifecycle import NotAcceptedReason
from qingling.intake.models import Callback


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


class WorkersForm(forms.Form):
    workers = forms.CharField(
        label=_("Workers owed"),
        help_text=_("One worker a line: name, mobile or ID number, amount owed."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WorkerSheetForm(forms.Form):
    file = forms.FileField(
        label=_("Sheet of workers (CSV or XLSX)"),
        help_text=_("Columns 姓名, 手机号码, 身份证号码, 金额; the first row names them."),
    )


class SettleForm(forms.Form):
    """Settlement without a case (协调解决); the service checks every rule."""

    contacted = forms.CharField(label=_("Who at the employer was contacted"), max_length=200)
    contacted_on = forms.DateField(
        label=_("Contacted on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    agreed = forms.CharField(label=_("What was agreed"), widget=forms.Textarea(attrs={"rows": 2}))
    payments = forms.CharField(
        label=_("Payments"),
        help_text=_("One a line: paid to, amount, date (2021-03-05)."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proof = forms.FileField(label=_("Proof of payment (photo or PDF)"), required=False)
    worker_confirmed = forms.BooleanField(
        label=_("The worker confirmed the money arrived"), required=False
    )
    confirmation_note = forms.CharField(
        label=_("How the worker confirmed"), max_length=200, required=False
    )


def settlement_lines(
    raw: str, *, workers: dict[str, int], errors: dict[str, list[str]]
) -> list[SettlementLine]:
    """The payments typed one a line ("paid to, amount, date"); a payee who is a worker
    the complaint names is linked to them by name. Unreadable parts go to ``errors``."""
    lines = []
    for number, line in enumerate(raw.splitlines(), start=1):
        line = THOUSANDS.sub("", line)  # "6,600": one amount, not two parts
        parts = [p for p in re.split(r"[,，、;；\s]+", line.strip()) if p]
        if not parts:
            continue
        payee, amount, paid_on = parts[0], None, None
        for part in parts[1:]:
            try:
                paid_on = dt.date.fromisoformat(part)
                continue
            except ValueError:
                pass
            try:
                amount = Decimal(part.removesuffix("元").replace(",", ""))
            except InvalidOperation:
                errors.setdefault("payments", []).append(
                    str(_("Line %(line)d: “%(value)s” is neither an amount nor a date."))
                    % {"line": number, "value": part[:20]}
                )
        lines.append(SettlementLine(payee, amount, paid_on, workers.get(payee)))
    return lines


class CallbackForm(forms.Form):
    """The one question of the callback (回访), for the worker's page and the staff's call."""

    money_received = forms.TypedChoiceField(
        label=_("Did the money arrive?"),
        choices=[("yes", _("Yes, it arrived")), ("no", _("No, not (all) of it"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with how it was handled?"),
        choices=Callback.Satisfaction.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label=_("Anything to add (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenHandledForm(forms.Form):
    note = forms.CharField(
        label=_("What was done about the money"), widget=forms.Textarea(attrs={"rows": 2})
    )
