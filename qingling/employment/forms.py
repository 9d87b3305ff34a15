"""Forms of the return-to-work pages; the services check the rules, these the types."""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingling.core.forms import ImportFileField, PhoneCodeField
from qingling.core.models import Division
from qingling.employment.models import ContactChannel, Occupation, Posting, Trip
from qingling.employment.selectors.trips import (
    TRAVELLED,
    trip_destinations,
    trip_destinations_waiting,
)
from qingling.employment.services.postings import PostingInput
from qingling.employment.services.seekers import SeekerInput, city_counties
from qingling.employment.services.trips import (
    MAX_SEATS,
    ORIGIN_MAX,
    RECEIVED_BY_MAX,
)

DATE = forms.DateInput(attrs={"type": "date"})
SEPARATORS = re.compile(r"[、，,;；/\s]+")


class DivisionNamesField(forms.CharField):
    """Places typed as names or codes ("大连市、山东省"), cleaned to division codes."""

    def __init__(self, *, single: bool = False, **kwargs: Any) -> None:
        self.single = single
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        parts = [part for part in SEPARATORS.split(text or "") if part]
        if self.single and len(parts) > 1:
            raise forms.ValidationError(_("Name one place."))
        found = dict(Division.objects.filter(name__in=parts).values_list("name", "code")) | dict(
            Division.objects.filter(code__in=parts).values_list("code", "code")
        )
        if unknown := [part for part in parts if part not in found]:
            raise forms.ValidationError(
                _("Unknown places: %(names)s. Write a province or city, e.g. 大连市 or 山东省.")
                % {"names": "、".join(unknown)}
            )
        codes = [found[part] for part in parts]
        return (codes[0] if codes else "") if self.single else codes


def _medium_groups() -> forms.ModelMultipleChoiceField[Occupation]:
    return forms.ModelMultipleChoiceField(
        queryset=Occupation.objects.filter(parent__isnull=False),
        required=False,
        label=gettext_lazy("Kinds of work wanted"),
        help_text=gettext_lazy("None chosen: any work."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class SeekerForm(forms.Form):
    """A registration, by the worker on a phone or by staff."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    id_number = forms.CharField(
        label=gettext_lazy("ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    division = forms.ChoiceField(label=gettext_lazy("County or district"))
    township = forms.CharField(label=gettext_lazy("Township or street"), max_length=50)
    village = forms.CharField(
        label=gettext_lazy("Village or community"), max_length=50, required=False
    )
    going_out = forms.BooleanField(
        label=gettext_lazy("I want to go out to work"), required=False, initial=True
    )
    occupations = _medium_groups()
    destinations = DivisionNamesField(
        label=gettext_lazy("Where to"),
        help_text=gettext_lazy("Provinces or cities, e.g. 大连市、山东省. Empty: anywhere."),
    )
    wage_expected = forms.DecimalField(
        label=gettext_lazy("Monthly wage expected (yuan)"),
        required=False,
        min_value=1,
        max_digits=10,
        decimal_places=2,
    )
    earliest = forms.DateField(label=gettext_lazy("Can travel from"), required=False, widget=DATE)
    latest = forms.DateField(label=gettext_lazy("Must travel by"), required=False, widget=DATE)
    job_confirmed = forms.BooleanField(
        label=gettext_lazy("I already have a confirmed job"), required=False
    )
    confirmed_employer = forms.CharField(
        label=gettext_lazy("Employer of the confirmed job"), max_length=200, required=False
    )
    confirmed_destination = DivisionNamesField(
        single=True, label=gettext_lazy("Where the confirmed job is")
    )
    training_need = forms.CharField(
        label=gettext_lazy("Training wanted"), max_length=200, required=False
    )
    transport_needed = forms.BooleanField(
        label=gettext_lazy("I need a seat on a chartered bus"), required=False
    )
    contact_consent = forms.BooleanField(
        label=gettext_lazy("The labour bureau may send me job news and contact me"),
        required=False,
        help_text=gettext_lazy("Every message says how to stop them."),
    )
    contact_channel = forms.ChoiceField(
        label=gettext_lazy("Contact me by"),
        # WeChat needs the worker's OpenID from a WeChat sign-in, which is not built yet.
        choices=[(c.value, c.label) for c in (ContactChannel.SMS, ContactChannel.PHONE)],
        required=False,
    )
    personalised = forms.BooleanField(
        label=gettext_lazy("Choose jobs for me from what I entered here"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Untick to receive only general job news."),
    )

    def __init__(self, *args: Any, public: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not public:
            del self.fields["personalised"]  # the worker's own choice (PIPL Art. 24)
        else:
            self.fields["code"] = PhoneCodeField()
        counties = city_counties()
        division = self.fields["division"]
        assert isinstance(division, forms.ChoiceField)
        division.choices = [("", "—")] + [
            (code, division.name) for code, division in sorted(counties.items())
        ]

    def to_input(self) -> SeekerInput:
        data = self.cleaned_data
        return SeekerInput(
            name=data["name"],
            id_number=data["id_number"],
            phone=data["phone"],
            division_code=data["division"],
            township=data["township"],
            village=data["village"],
            going_out=data["going_out"],
            occupation_codes=[o.code for o in data["occupations"]],
            destination_codes=data["destinations"],
            wage_expected=data["wage_expected"],
            earliest=data["earliest"],
            latest=data["latest"],
            job_confirmed=data["job_confirmed"],
            confirmed_employer=data["confirmed_employer"],
            confirmed_destination_code=data["confirmed_destination"],
            training_need=data["training_need"],
            transport_needed=data["transport_needed"],
            contact_consent=data["contact_consent"],
            contact_channel=data["contact_channel"] or ContactChannel.SMS,
            personalised=data.get("personalised"),
        )


class UploadForm(forms.Form):
    file = ImportFileField(
        label=gettext_lazy("XLSX workbook"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class PostingForm(forms.Form):
    employer_name = forms.CharField(label=gettext_lazy("Employer"), max_length=200)
    employer_credit_code = forms.CharField(
        label=gettext_lazy("Unified social credit code"), max_length=18
    )
    employer_profile = forms.CharField(
        label=gettext_lazy("About the employer"), widget=forms.Textarea(attrs={"rows": 2})
    )
    title = forms.CharField(label=gettext_lazy("Job title"), max_length=100)
    occupation = forms.ModelChoiceField(
        queryset=Occupation.objects.filter(parent__isnull=False),
        label=gettext_lazy("Occupation group"),
    )
    headcount = forms.IntegerField(label=gettext_lazy("Headcount"), min_value=1)
    requirements = forms.CharField(
        label=gettext_lazy("Requirements"), widget=forms.Textarea(attrs={"rows": 2})
    )
    work_content = forms.CharField(
        label=gettext_lazy("Work content"), widget=forms.Textarea(attrs={"rows": 2})
    )
    place = DivisionNamesField(single=True, required=True, label=gettext_lazy("Place of work"))
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)
    pay_min = forms.DecimalField(
        label=gettext_lazy("Basic pay from (yuan/month)"), max_digits=10, decimal_places=2
    )
    pay_max = forms.DecimalField(
        label=gettext_lazy("Basic pay to (yuan/month)"),
        max_digits=10,
        decimal_places=2,
        required=False,
    )
    partner_region = forms.CharField(
        label=gettext_lazy("Partner region (jobs outside the city)"), max_length=100, required=False
    )
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=Posting.Source.choices)
    source_name = forms.CharField(
        label=gettext_lazy("Reposted from"), max_length=200, required=False
    )
    contact = forms.CharField(label=gettext_lazy("How to apply"), max_length=200)
    starts_on = forms.DateField(
        label=gettext_lazy("Workers wanted from"), required=False, widget=DATE
    )
    expires_on = forms.DateField(label=gettext_lazy("Valid until"), widget=DATE)

    def to_input(self) -> PostingInput:
        data = self.cleaned_data
        return PostingInput(
            employer_name=data["employer_name"],
            employer_credit_code=data["employer_credit_code"],
            employer_profile=data["employer_profile"],
            title=data["title"],
            occupation_code=data["occupation"].code,
            headcount=data["headcount"],
            requirements=data["requirements"],
            work_content=data["work_content"],
            place_code=data["place"],
            address=data["address"],
            pay_min=data["pay_min"],
            pay_max=data["pay_max"] or data["pay_min"],
            contact=data["contact"],
            expires_on=data["expires_on"],
            starts_on=data["starts_on"],
            partner_region=data["partner_region"],
            source=data["source"],
            source_name=data["source_name"],
        )


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=50)
    place = forms.CharField(label=gettext_lazy("Place"), required=False, max_length=20)
    occupation = forms.CharField(label=gettext_lazy("Kind of work"), required=False, max_length=8)
    scope = forms.ChoiceField(
        label=gettext_lazy("Inside or outside the city"),
        required=False,
        choices=[("", gettext_lazy("All")), *Posting.Scope.choices],
    )


class StopForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Mobile"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


# Chartered buses

TRIP_SEATS = 45
"""The seats per bus the plan form offers first; observed loads are 35 to 52."""


class TripFilterForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), required=False, widget=DATE)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE)
    destination = forms.ChoiceField(label=gettext_lazy("Destination"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("all")),
            *((d.code, d.name) for d in trip_destinations()),
        ]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("all")),
            (TRAVELLED, gettext_lazy("left (departed or arrived)")),
            *Trip.Status.choices,
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "date": data["date"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "destination": data["destination"],
            "status": data["status"],
        }


class TripPlanForm(forms.Form):
    destination = forms.ChoiceField(
        label=gettext_lazy("Destination"),
        required=False,
        help_text=gettext_lazy(
            "Only workers with a confirmed job there who need transport and no seat."
        ),
    )
    seats = forms.IntegerField(
        label=gettext_lazy("Seats per bus"), min_value=1, max_value=MAX_SEATS, initial=TRIP_SEATS
    )
    origin = forms.CharField(label=gettext_lazy("Buses leave from"), max_length=ORIGIN_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["origin"].initial = settings.QINGLING_TRIP_ORIGIN
        self.waiting = trip_destinations_waiting()
        self.fields["destination"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("every destination")),
            *(
                (
                    w.division.code,
                    _("%(name)s (%(count)d waiting)")
                    % {"name": w.division.name, "count": w.waiting},
                )
                for w in self.waiting
            ),
        ]

    def destination_division(self) -> Division | None:
        code = self.cleaned_data["destination"]
        return next((w.division for w in self.waiting if w.division.code == code), None)


class ArrivalForm(forms.Form):
    received_by = forms.CharField(
        label=gettext_lazy("Handed over to"),
        max_length=RECEIVED_BY_MAX,
        help_text=gettext_lazy("The receiving unit or person at the destination (抵达交接)."),
    )
