"""The blacklist's pages: staff (the list, proposing from a case, one listing and its steps)
and the public list at /blacklist/ (no sign-in; organizations only)."""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm, can
from qingling.cases import selectors as case_selectors
from qingling.cases.models import Case
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.core.selectors import audit_history
from qingling.parties.models import Organization
from qingling.sanctions import selectors, services
from qingling.sanctions.forms import (
    DecideForm,
    EarlyRemovalForm,
    ListingFilterForm,
    ListingProposeForm,
    NoticeForm,
    WithdrawForm,
)
from qingling.sanctions.lifecycle import ListingStatus, StepActor, allowed_targets

PAGE_SIZE = 50
# step name → (target status, form, label)
STEPS: dict[str, tuple[str, type[forms.Form], Any]] = {
    "notify": (ListingStatus.NOTIFIED, NoticeForm, gettext_lazy("Record the advance notice")),
    "decide": (ListingStatus.LISTED, DecideForm, gettext_lazy("Decide to list (列入名单)")),
    "remove": (
        ListingStatus.REMOVED,
        EarlyRemovalForm,
        gettext_lazy("Approve early removal (信用修复)"),
    ),
    "withdraw": (ListingStatus.WITHDRAWN, WithdrawForm, gettext_lazy("Withdraw the proposal")),
}
STEP_OF_TARGET = {target: step for step, (target, _form, _label) in STEPS.items()}
EVENT_LABELS = {
    "listing.propose": gettext_lazy("Proposed"),
    "listing.notified": gettext_lazy("Advance notice served"),
    "listing.listed": gettext_lazy("Listed"),
    "listing.removed": gettext_lazy("Removed from the blacklist"),
    "listing.withdrawn": gettext_lazy("Proposal withdrawn"),
}


@require_perm(Perm.CASE_VIEW)
def listing_list(request: HttpRequest) -> HttpResponse:
    form = ListingFilterForm(request.GET)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    rows = selectors.listing_list_for_user(user=request.user, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sanctions/listing_list.html",
        {
            "page": page,
            "form": form,
            "can_propose": can(request.user, Perm.LISTING_PROPOSE),
        },
    )


def _case_by_number(request: HttpRequest, number: str) -> Case | None:
    number = number.strip()
    if not number:
        return None
    return case_selectors.case_list_for_user(user=request.user).filter(number=number).first()


@require_perm(Perm.LISTING_PROPOSE)
@require_http_methods(["GET", "POST"])
def listing_propose(request: HttpRequest) -> HttpResponse:
    """Propose a listing from a case (the case page links here with ``?case=<id>``)."""
    initial: dict[str, Any] = {}
    case: Case | None = None
    if request.method == "GET" and request.GET.get("case"):
        try:
            public_id = uuid.UUID(request.GET["case"])
        except ValueError:
            raise Http404 from None
        case = case_selectors.case_get_for_user(user=request.user, public_id=public_id)
        initial["case_number"] = case.number
    if request.method == "POST":
        case = _case_by_number(request, request.POST.get("case_number", ""))
    parties: dict[str, Organization] = (
        {str(o.public_id): o for o in case_selectors.case_payer_choices(case=case)} if case else {}
    )
    form = ListingProposeForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organizations=[(key, f"{o.name} · {o.credit_code or '—'}") for key, o in parties.items()],
    )
    if request.method == "POST" and form.is_valid():
        if case is None:
            form.add_error("case_number", _("No case with this number in your jurisdiction."))
        else:
            try:
                listing = services.listing_propose(
                    case=case,
                    organization=parties.get(form.cleaned_data["organization"]),
                    ground=form.cleaned_data["ground"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ApplicationError as error:
                form_add_application_error(form, error, field_map={"case": "case_number"})
            else:
                messages.success(request, _("The listing is proposed."))
                return redirect("sanctions:listing_detail", public_id=listing.public_id)
    return render(request, "sanctions/listing_propose.html", {"form": form, "case": case})


@require_perm(Perm.CASE_VIEW)
def listing_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    listing = selectors.listing_get_for_user(user=request.user, public_id=public_id)
    actors = services.listing_step_actors(listing, request.user) - {StepActor.SYSTEM}
    steps = [
        (step, STEPS[step][2], STEPS[step][1](prefix=step))
        for step in (STEP_OF_TARGET[target] for target in allowed_targets(listing.status, actors))
    ]
    return render(
        request,
        "sanctions/listing_detail.html",
        {
            "listing": listing,
            "persons": listing.listed_persons.select_related("person"),
            "steps": steps,
            "timeline": [
                (event, EVENT_LABELS.get(event.action, event.action))
                for event in audit_history(
                    object_type="sanctions.listing", object_id=str(listing.pk)
                )
            ],
        },
    )


@require_perm(Perm.CASE_VIEW)
@require_POST
def listing_act(request: HttpRequest, public_id: uuid.UUID, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    listing = selectors.listing_get_for_user(user=request.user, public_id=public_id)
    if not services.listing_step_actors(listing, request.user) - {StepActor.SYSTEM}:
        raise PermissionDenied
    target, form_class, _label = STEPS[step]
    form = form_class(request.POST, prefix=step)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("sanctions:listing_detail", public_id=listing.public_id)
    data = dict(form.cleaned_data)
    note = data.pop("note", "")
    try:
        services.listing_transition(
            listing=listing, target=target, actor=request.user, note=note, **data
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded."))
    return redirect("sanctions:listing_detail", public_id=listing.public_id)


def blacklist(request: HttpRequest) -> HttpResponse:
    """The published blacklist: organizations listed today (no sign-in, no personal data)."""
    query = request.GET.get("q", "")[:100]
    rows = selectors.blacklist_public(today=clock.local_today(), query=query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sanctions/blacklist.html", {"page": page, "q": query})
