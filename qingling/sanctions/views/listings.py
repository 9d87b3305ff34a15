"""The blacklist's pages: staff (the list, proposing from a case, one listing and its steps)
and the public list at /blacklist/ (no sign-in; organizations only)."""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
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
from qingling.parties import selectors as party_selectors
from qingling.parties.models import Organization
from qingling.sanctions import selectors, services
from qingling.sanctions.forms import (
    MAX_ROWS,
    NEW_ROWS,
    ChallengeForm,
    ChallengeOutcomeForm,
    DecideForm,
    DefenceForm,
    EarlyRemovalForm,
    ListingFilterForm,
    ListingProposeForm,
    NoticeForm,
    NoticeIssueForm,
    WaiverForm,
    WithdrawForm,
)
from qingling.sanctions.lifecycle import ListingStatus, StepActor, allowed_targets
from qingling.sanctions.models import Listing

PAGE_SIZE = 50
# transition step name → (target status, label); the forms are made by ``_form``
STEPS: dict[str, tuple[str, Any]] = {
    "notify": (
        ListingStatus.NOTIFIED,
        gettext_lazy("Start the defence period"),
    ),
    "decide": (ListingStatus.LISTED, gettext_lazy("Decide to list (列入名单)")),
    "remove": (ListingStatus.REMOVED, gettext_lazy("Approve early removal (信用修复)")),
    "withdraw": (ListingStatus.WITHDRAWN, gettext_lazy("Withdraw the proposal")),
}
STEP_OF_TARGET = {target: step for step, (target, _label) in STEPS.items()}
# the other steps: (label, form) — not status changes
OTHER_STEPS: dict[str, Any] = {
    "notice": gettext_lazy("Generate the notice (告知书)"),
    "defence": gettext_lazy("Record the defence (陈述申辩)"),
    "waive": gettext_lazy("Record a written waiver"),
    "challenge": gettext_lazy("Record a review or suit"),
    "outcome": gettext_lazy("Record the outcome"),
}
FORMS: dict[str, type[forms.Form]] = {
    "notice": NoticeIssueForm,
    "notify": NoticeForm,
    "defence": DefenceForm,
    "waive": WaiverForm,
    "decide": DecideForm,
    "remove": EarlyRemovalForm,
    "withdraw": WithdrawForm,
    "challenge": ChallengeForm,
    "outcome": ChallengeOutcomeForm,
}
EVENT_LABELS = {
    "listing.propose": gettext_lazy("Proposed"),
    "listing.document": gettext_lazy("Document generated"),
    "listing.notified": gettext_lazy("Advance notice served"),
    "listing.defence": gettext_lazy("Statement and defence answered"),
    "listing.defence_waived": gettext_lazy("Defence waived in writing"),
    "listing.listed": gettext_lazy("Listed"),
    "listing.removed": gettext_lazy("Removed from the blacklist"),
    "listing.withdrawn": gettext_lazy("Proposal withdrawn"),
    "listing.challenged": gettext_lazy("Challenged"),
    "listing.challenge_decided": gettext_lazy("Challenge decided"),
}


def _rows(data: Any) -> int:
    """How many rows of new people the decision form has (``?rows=``, or as posted)."""
    data = data or {}
    try:
        return int(data.get("decide-rows") or data.get("rows") or NEW_ROWS)
    except (TypeError, ValueError):
        return NEW_ROWS


def _form(
    step: str, listing: Listing, data: Any = None, *, rows: int = NEW_ROWS, **initial: Any
) -> forms.Form:
    form_class = FORMS[step]
    kwargs: dict[str, Any] = {"prefix": step, "initial": initial or None}
    if form_class is DecideForm:
        kwargs["people"] = selectors.listing_people(listing=listing)
        kwargs["rows"] = rows
    return form_class(data, **kwargs)


def _steps(listing: Listing, user: Any, rows: int = NEW_ROWS) -> list[tuple[str, Any, forms.Form]]:
    """The forms of the steps this user may take now, in the order of the procedure."""
    actors = services.listing_step_actors(listing, user) - {StepActor.SYSTEM}
    if not actors:
        return []
    names: list[str] = []
    status = listing.status
    notice = listing.notice_document
    no_notice = notice is None or notice.voided_at is not None
    if status == ListingStatus.PROPOSED and StepActor.PROPOSER in actors and no_notice:
        names.append("notice")
    answered = listing.defence_received_on or listing.defence_waived_on
    if status == ListingStatus.NOTIFIED and not answered:
        names += ["defence", "waive"]
    for target in allowed_targets(status, actors):
        step = STEP_OF_TARGET[target]
        if step == "notify" and no_notice:
            continue
        names.append(step)
    if status == ListingStatus.LISTED:
        names.append("challenge")
    found = []
    for name in dict.fromkeys(names):
        label = STEPS[name][1] if name in STEPS else OTHER_STEPS[name]
        found.append((name, label, _form(name, listing, rows=rows)))
    if StepActor.CHIEF in actors:
        for challenge in listing.challenges.filter(outcome=""):
            form = _form("outcome", listing, challenge=challenge.pk)
            found.append(("outcome", OTHER_STEPS["outcome"], form))
    return found


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
                    three_months_pay=form.cleaned_data["three_months_pay"],
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
    return render(
        request,
        "sanctions/listing_detail.html",
        {
            "listing": listing,
            "persons": listing.listed_persons.select_related("person"),
            "documents": selectors.listing_documents(listing=listing),
            "challenges": listing.challenges.all(),
            "steps": _steps(listing, request.user, rows=_rows(request.GET)),
            "more_rows": min(_rows(request.GET) + NEW_ROWS, MAX_ROWS),
            "timeline": [
                (event, EVENT_LABELS.get(event.action, event.action))
                for event in audit_history(
                    object_type="sanctions.listing", object_id=str(listing.pk)
                )
            ],
        },
    )


def _take(step: str, listing: Listing, form: forms.Form, user: Any) -> None:
    """One step: the service that takes it, with the form's data."""
    data = dict(form.cleaned_data)
    if step == "notice":
        services.listing_notice_issue(
            listing=listing, defence_days=data["defence_days"], actor=user
        )
    elif step == "defence":
        services.listing_defence_record(listing=listing, actor=user, **data)
    elif step == "waive":
        services.listing_defence_waive(listing=listing, actor=user, **data)
    elif step == "challenge":
        services.listing_challenge_record(listing=listing, actor=user, **data)
    elif step == "outcome":
        challenge = get_object_or_404(listing.challenges, pk=data.pop("challenge"))
        services.listing_challenge_decide(challenge=challenge, actor=user, **data)
    elif step == "decide":
        assert isinstance(form, DecideForm)
        services.listing_transition(
            listing=listing,
            target=ListingStatus.LISTED,
            actor=user,
            note=data.get("note", ""),
            persons=form.chosen_people(),
            named_persons=form.named_persons(),
        )
    else:
        note = data.pop("note", "")
        services.listing_transition(
            listing=listing, target=STEPS[step][0], actor=user, note=note, **data
        )


@require_perm(Perm.CASE_VIEW)
@require_POST
def listing_act(request: HttpRequest, public_id: uuid.UUID, step: str) -> HttpResponse:
    if step not in FORMS:
        raise Http404
    listing = selectors.listing_get_for_user(user=request.user, public_id=public_id)
    if not services.listing_step_actors(listing, request.user) - {StepActor.SYSTEM}:
        raise PermissionDenied
    form = _form(step, listing, request.POST, rows=_rows(request.POST))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("sanctions:listing_detail", public_id=listing.public_id)
    try:
        _take(step, listing, form, request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded."))
    return redirect("sanctions:listing_detail", public_id=listing.public_id)


@require_perm(Perm.CASE_VIEW)
def organization_record_export(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The employer's record (守法诚信档案) as XLSX."""
    organization = party_selectors.organization_get_for_user(user=request.user, public_id=public_id)
    data = selectors.organization_record_xlsx(organization=organization, user=request.user)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"record-{organization.credit_code or organization.public_id}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def blacklist(request: HttpRequest) -> HttpResponse:
    """The published blacklist: organizations listed today (no sign-in, no personal data)."""
    query = request.GET.get("q", "")[:100]
    rows = selectors.blacklist_public(today=clock.local_today(), query=query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sanctions/blacklist.html", {"page": page, "q": query})
