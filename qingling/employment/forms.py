"""Forms of the return-to-work pages; the services check the rules, these the types."""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingling.core.forms import ImportFileField, PhoneCodeField
from qingling.core.models import Division
from qingling.core.places import PlaceMatch
from qingling.core.selectors import place_index
from qingling.employment.models import ContactChannel, Occupation, Posting, Trip
from qingling.employment.selectors.occupations import occupation_choices
from qingling.employment.selectors.seekers import township_names
from qingling.employment.selectors.trips import (
    TRAVELLED,
    trip_destinations,
    trip_destinations_waiting,
    trip_escorts,
)
from qingling.employment.services.postings import PostingInput
from qingling.employment.services.seekers import SeekerInput, city_counties
from qingling.employment.services.trips import (
    DEPARTURE_NOTE_MAX,
    MAX_SEATS,
    ORIGIN_MAX,
    RECEIVED_BY_MAX,
)

DATE = forms.DateInput(attrs={"type": "date"})
SEPARATORS = re.compile(r"[、，,;；/\s]+")
SINGLE_SEPARATORS = re.compile(r"[、，,;；/]+")


class DivisionPicker(forms.TextInput):
    """A text box for places with a list to search ("大连" offers 辽宁省大连市) and, beside
    it, province → city → county lists whose choice is added to the box."""

    template_name = "employment/widgets/division_picker.html"

    def __init__(self, *, single: bool = False, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.single = single

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"]["list"] = f"{widget['attrs'].get('id', name)}-places"
        widget["tree_id"] = f"{widget['attrs'].get('id', name)}-tree"
        widget["single"] = self.single
        widget["places"] = place_index().labels()
        widget["tree"] = [
            [code, name, parent or ""]
            for code, name, parent in Division.objects.values_list("code", "name", "parent_id")
        ]
        return context


class SuggestInput(forms.TextInput):
    """A text box that offers the values already on file (free text all the same)."""

    template_name = "employment/widgets/suggest_input.html"

    def __init__(self, *, suggestions: Any = (), attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.suggestions = suggestions

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"]["list"] = f"{widget['attrs'].get('id', name)}-suggestions"
        widget["suggestions"] = self.suggestions() if callable(self.suggestions) else []
        return context


class DivisionNamesField(forms.CharField):
    """Places written as people write them ("辽宁省大连市、山东省", "大连", codes), cleaned to
    `PlaceMatch` rows: the division and what was written finer than it (kept as text)."""

    widget = DivisionPicker

    def __init__(self, *, single: bool = False, **kwargs: Any) -> None:
        self.single = single
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", DivisionPicker(single=single))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        separators = SINGLE_SEPARATORS if self.single else SEPARATORS
        parts = [part for part in separators.split(text or "") if part]
        if self.single and len(parts) > 1:
            raise forms.ValidationError(_("Name one place."))
        index = place_index()
        matches: list[PlaceMatch] = []
        unknown = []
        for part in parts:
            match = index.resolve(part)
            if match is None:
                unknown.append(part)
            elif matches and matches[-1].place in match.path:  # "辽宁省 大连市": one place
                matches[-1] = match
            else:
                matches.append(match)
        if unknown:
            raise forms.ValidationError(
                _(
                    "Unknown places: %(names)s. Choose one from the list, or write a province "
                    "or city, e.g. 辽宁省大连市 or 山东省."
                )
                % {"names": "、".join(unknown)}
            )
        return (matches[0] if matches else None) if self.single else matches


def place_codes(matches: list[PlaceMatch]) -> list[str]:
    return list(dict.fromkeys(match.place.code for match in matches))


def place_detail(matches: list[PlaceMatch | None]) -> str:
    """The places written finer than the division table, as written, joined by 、."""
    labels = [match.label for match in matches if match is not None and match.rest]
    return "、".join(dict.fromkeys(labels))[:200]


SEARCH_LABEL = gettext_lazy("Search the list, e.g. 焊 or 家政")


def _medium_groups() -> forms.ModelMultipleChoiceField[Occupation]:
    return forms.ModelMultipleChoiceField(
        queryset=Occupation.objects.filter(parent__isnull=False),
        required=False,
        label=gettext_lazy("Kinds of work wanted"),
        help_text=gettext_lazy("None chosen: any work."),
        widget=forms.SelectMultiple(
            attrs={"size": 8, "data-searchable": "", "data-search-label": SEARCH_LABEL}
        ),
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
    township = forms.CharField(
        label=gettext_lazy("Township or street"),
        max_length=50,
        widget=SuggestInput(suggestions=township_names),
        help_text=gettext_lazy("Choose from the list, or write it if it is not there."),
    )
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
        occupations = self.fields["occupations"]
        assert isinstance(occupations, forms.ModelMultipleChoiceField)
        occupations.widget.choices = occupation_choices()
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
            destination_codes=place_codes(data["destinations"]),
            wage_expected=data["wage_expected"],
            earliest=data["earliest"],
            latest=data["latest"],
            job_confirmed=data["job_confirmed"],
            confirmed_employer=data["confirmed_employer"],
            confirmed_destination_code=(
                data["confirmed_destination"].place.code if data["confirmed_destination"] else ""
            ),
            place_detail=place_detail([*data["destinations"], data["confirmed_destination"]]),
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
        widget=forms.Select(attrs={"data-searchable": "", "data-search-label": SEARCH_LABEL}),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        occupation = self.fields["occupation"]
        assert isinstance(occupation, forms.ModelChoiceField)
        occupation.widget.choices = [("", "—"), *occupation_choices()]

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
            place_code=data["place"].place.code,
            address=_with_detail(data["address"], data["place"]),
            pay_min=data["pay_min"],
            pay_max=data["pay_max"] or data["pay_min"],
            contact=data["contact"],
            expires_on=data["expires_on"],
            starts_on=data["starts_on"],
            partner_region=data["partner_region"],
            source=data["source"],
            source_name=data["source_name"],
        )


def _with_detail(address: str, place: PlaceMatch) -> str:
    """The address, led by what the place said finer than a city ("甘井子区") unless the
    address says it already."""
    if not place.rest or place.rest in address:
        return address
    return f"{place.rest} {address}".strip()[:200]


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


class DepartureForm(forms.Form):
    departure_note = forms.CharField(
        label=gettext_lazy("Why the bus leaves on another day than planned"),
        max_length=DEPARTURE_NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EscortForm(forms.Form):
    escort = forms.ChoiceField(label=gettext_lazy("Escort"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.escorts = {str(user.pk): user for user in trip_escorts()}
        self.fields["escort"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("nobody")),
            *((pk, str(user)) for pk, user in self.escorts.items()),
        ]

    def chosen(self) -> Any:
        return self.escorts.get(self.cleaned_data["escort"] or "")
