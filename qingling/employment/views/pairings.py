"""The service pairs page and the job-message page, phone first."""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.core.selectors import import_job_get_for_user
from qingling.employment.models import Contact, Seeker
from qingling.employment.selectors import pairings as selectors
from qingling.employment.selectors import seekers as seeker_selectors
from qingling.employment.selectors.pushes import push_preview
from qingling.employment.services import pairings as services
from qingling.employment.services.pushes import (
    LIMIT_MAX,
    PUSH_JOB_KIND,
    push_job_queue,
    push_send,
)

NOT_CONTACTED_PAGE = 50
PAGE_SEND_MAX = 300
"""More messages than this are sent by the worker (`push_job_queue`), not in the request."""
BACK_KEYS = ("officer", "older_than", "page")
"""The filters of the not-contacted list that a contact form may carry back."""


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class AreaForm(forms.Form):
    """A county (of the viewer's) and, optionally, one township in it."""

    county = forms.ChoiceField(label=gettext_lazy("County"), required=False)
    township = forms.CharField(label=gettext_lazy("Township"), required=False, max_length=50)

    def __init__(self, *args: Any, counties: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("All counties")), *counties]  # type: ignore[attr-defined]


class BalanceForm(AreaForm):
    officers = forms.MultipleChoiceField(
        label=gettext_lazy("Officers"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officer_list = officers
        self.fields["officers"].choices = [(str(o.pk), str(o)) for o in officers]  # type: ignore[attr-defined]

    def chosen_officers(self) -> list[User]:
        chosen = set(self.cleaned_data["officers"])
        return [officer for officer in self.officer_list if str(officer.pk) in chosen]


class NotContactedForm(forms.Form):
    officer = forms.ChoiceField(label=gettext_lazy("Officer"), required=False)
    older_than = forms.IntegerField(
        label=gettext_lazy("Paired at least this many days ago"), required=False, min_value=0
    )

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officer_list = officers
        self.fields["officer"].choices = [  # type: ignore[attr-defined]
            ("", _("All officers")),
            *((str(o.pk), str(o)) for o in officers),
        ]

    def chosen_officer(self) -> User | None:
        chosen = self.cleaned_data.get("officer") if self.is_valid() else ""
        return next((o for o in self.officer_list if str(o.pk) == chosen), None)

    def chosen_days(self) -> int | None:
        return self.cleaned_data.get("older_than") if self.is_valid() else None


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("How"), choices=Contact.Kind.choices)
    contacted_on = forms.DateField(label=gettext_lazy("Date"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)


class PushForm(AreaForm):
    limit = forms.IntegerField(
        label=gettext_lazy("Jobs in each message"),
        min_value=1,
        max_value=LIMIT_MAX,
        initial=3,
        required=False,
    )


def _counties(townships: list[selectors.TownshipRow]) -> list[tuple[str, str]]:
    return list({row.county_code: row.county for row in townships}.items())


def _area(user: User, data: dict[str, Any]) -> QuerySet[Seeker]:
    return selectors.seekers_in_area(
        seeker_selectors.seekers_for_user(user=user),
        county=data.get("county") or "",
        township=data.get("township") or "",
    )


@require_perm(Perm.EMPLOYMENT_VIEW)
def pairing_list(request: HttpRequest) -> HttpResponse:
    """Officers with their loads by township, the balance form, and who awaits a call."""
    user = _user(request)
    today = clock.local_today()
    officers = selectors.officers_for_user(user=user)
    townships = selectors.townships_for_user(user=user)
    filters = NotContactedForm(request.GET or None, officers=officers)
    waiting = selectors.pairings_not_contacted(
        user=user,
        today=today,
        officer=filters.chosen_officer(),
        older_than_days=filters.chosen_days(),
    )
    page = Paginator(waiting, NOT_CONTACTED_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "employment/pairing_list.html",
        {
            "workloads": selectors.officer_workloads(officers=officers),
            "townships": townships,
            "unpaired": sum(row.unpaired for row in townships),
            "balance_form": BalanceForm(counties=_counties(townships), officers=officers),
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "contact_kinds": Contact.Kind.choices,
            "can_work": can(user, Perm.EMPLOYMENT_WORK),
            "can_view_people": can(user, Perm.PARTY_VIEW),
        },
    )


@require_perm(Perm.EMPLOYMENT_WORK)
@require_POST
def pairing_balance(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    officers = selectors.officers_for_user(user=user)
    townships = selectors.townships_for_user(user=user)
    form = BalanceForm(request.POST, counties=_counties(townships), officers=officers)
    if form.is_valid():
        try:
            result = services.pairings_balance(
                seekers=_area(user, form.cleaned_data),
                officers=form.chosen_officers(),
                actor=user,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d worker was given an officer.",
                    "%(count)d workers were given an officer.",
                    result.assigned,
                )
                % {"count": result.assigned},
            )
    else:
        messages.error(request, _("Choose at least one officer."))
    return redirect("employment:pairing_list")


@require_perm(Perm.EMPLOYMENT_WORK)
@require_POST
def pairing_contact(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Log a call or visit to a worker from the not-contacted list."""
    user = _user(request)
    seeker = seeker_selectors.seeker_get(user=user, public_id=public_id)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_record(
                seeker=seeker,
                officer=user,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                contacted_on=form.cleaned_data["contacted_on"],
                actor=user,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The contact with %(name)s is logged.") % {"name": seeker})
    else:
        messages.error(request, _("Choose how and when you contacted the worker."))
    response = redirect("employment:pairing_list")
    if back := _back_query(request.POST.get("back", "")):
        response["Location"] += "?" + back
    return response


def _back_query(back: str) -> str:
    """The list's own filters from ``back``, rebuilt; anything else is dropped."""
    given = QueryDict(back)
    kept = QueryDict(mutable=True)
    for key in BACK_KEYS:
        if value := given.get(key, ""):
            kept[key] = value
    return kept.urlencode()


@require_perm(Perm.EMPLOYMENT_WORK)
@require_POST
def pairing_assign(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Give one worker to another officer (the current pairing ends today)."""
    user = _user(request)
    seeker = seeker_selectors.seeker_get(user=user, public_id=public_id)
    officer = next(
        (
            o
            for o in selectors.officers_for_user(user=user)
            if str(o.pk) == request.POST.get("officer")
        ),
        None,
    )
    if officer is None:
        messages.error(request, _("Choose an officer."))
    else:
        try:
            services.pairing_assign(seeker=seeker, officer=officer, actor=user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is now with %(officer)s.") % {"name": seeker, "officer": officer},
            )
    return redirect("employment:pairing_list")


@require_perm(Perm.EMPLOYMENT_WORK)
@require_http_methods(["GET", "POST"])
def push_page(request: HttpRequest) -> HttpResponse:
    """Choose an area, see how many would get a message and why the others would not,
    send, and read the report. Up to `PAGE_SEND_MAX` messages go at once; more are sent
    by the worker, with a page that shows its progress."""
    user = _user(request)
    today = clock.local_today()
    counties = _counties(selectors.townships_for_user(user=user))
    form = PushForm(request.POST or request.GET or None, counties=counties)
    report = None
    preview = None
    if form.is_bound and form.is_valid():
        seekers = _area(user, form.cleaned_data)
        limit = form.cleaned_data["limit"] or 3
        preview = push_preview(seekers=seekers, today=today, limit=limit)
        if request.method == "POST" and preview.to_send > PAGE_SEND_MAX:
            try:
                job = push_job_queue(
                    county=form.cleaned_data.get("county") or "",
                    township=form.cleaned_data.get("township") or "",
                    limit=limit,
                    back_url=reverse("employment:push_send"),
                    actor=user,
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                return redirect("employment:push_job", public_id=job.public_id)
        elif request.method == "POST":
            try:
                report = push_send(seekers=seekers, today=today, actor=user, limit=limit)
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                preview = push_preview(seekers=seekers, today=today, limit=limit)
    return render(
        request,
        "employment/push_send.html",
        {
            "form": form,
            "preview": preview,
            "report": report,
            "today": today,
            "in_background": preview is not None and preview.to_send > PAGE_SEND_MAX,
        },
    )


PUSH_COUNTS = (
    ("skipped_not_looking", gettext_lazy("Not going out or job confirmed")),
    ("skipped_opted_out", gettext_lazy("Opted out")),
    ("skipped_no_consent", gettext_lazy("No consent to contact")),
    ("skipped_no_address", gettext_lazy("No mobile number or WeChat")),
    ("skipped_nothing_to_offer", gettext_lazy("No suitable job")),
    ("to_call", gettext_lazy("To call by phone")),
    ("sent_general", gettext_lazy("Of the messages, with the general list")),
)


@require_perm(Perm.EMPLOYMENT_WORK)
def push_job(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A push the worker runs: a progress bar (htmx asks every 2 s), then its report."""
    job = import_job_get_for_user(user=request.user, public_id=public_id)
    if job.kind != PUSH_JOB_KIND:
        raise Http404
    labels = dict(PUSH_COUNTS)
    counts = [
        (labels.get(row.get("field", ""), row.get("field", "")), row.get("message", ""))
        for row in job.report
    ]
    template = "employment/push_job.html"
    if getattr(request, "htmx", False):
        template += "#progress"
    response = render(request, template, {"job": job, "counts": counts})
    response["Cache-Control"] = "no-store"
    return response


urls: list[URLPattern] = [
    path("pairings/", pairing_list, name="pairing_list"),
    path("pairings/balance/", pairing_balance, name="pairing_balance"),
    path("pairings/<uuid:public_id>/contact/", pairing_contact, name="pairing_contact"),
    path("pairings/<uuid:public_id>/assign/", pairing_assign, name="pairing_assign"),
    path("pushes/", push_page, name="push_send"),
    path("pushes/jobs/<uuid:public_id>/", push_job, name="push_job"),
]
