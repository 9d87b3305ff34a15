"""HTML input of the portal's pages (the employer's and the bureau's)."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from qingling.portal.selectors import employer_account_for_user


class EmployerSignInForm(AuthenticationForm):
    """The portal's sign-in: an employer account only (staff sign in at /accounts/login/).
    django-axes counts the failures as for staff."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if employer_account_for_user(user) is None:
            raise forms.ValidationError(
                _("This is the employers' sign-in; the bureau's staff sign in elsewhere."),
                code="not_employer",
            )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class PaymentProofForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount paid (yuan)"), min_value=0.01, max_digits=14, decimal_places=2
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    attachments = MultipleFileField(
        label=_("Bank slips or signed pay sheets (photos or PDF)"), required=True
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class UploadForm(forms.Form):
    project = forms.ChoiceField(label=_("Project"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, projects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects  # type: ignore[attr-defined]


class AccountCreateForm(forms.Form):
    credit_code = forms.CharField(label=_("Organization's credit code"), max_length=18)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)


class ConsentForm(forms.Form):
    agreed_on = forms.DateField(
        label=_("Agreed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    signed_by = forms.CharField(label=_("Signed for the employer by"), max_length=100)
    scan = forms.FileField(label=_("Scan of the signed agreement (photo or PDF)"))
