"""Each role's home: its queues, composed from the domains' selectors (issue 18).

Every row says why it is there and its deadline; a queue where people do the same thing
to many rows has bulk actions, each row through the domain's own service in its own
transaction, with a summary of what succeeded and what failed. Two queries per queue
(its count and its first rows), whatever the number of rows.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qingling.accounts.models import Role, User
from qingling.accounts.permissions import Perm, can
from qingling.cases import selectors as cases
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case
from qingling.cases.services import case_inspector_assign
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.selectors import calendar_next_year_missing
from qingling.employment.selectors import pairings as pairing_selectors
from qingling.employment.selectors.trips import trips_on
from qingling.employment.services.pairings import contact_record
from qingling.inspections.selectors import inspection_planned_for_user
from qingling.intake import selectors as intake
from qingling.intake.lifecycle import ComplaintStatus
from qingling.intake.models import Complaint
from qingling.intake.services import complaint_accept, complaint_assign

QUEUE_LIMIT = 25  # rows shown per queue; the queue's own page lists the rest


@dataclass(frozen=True)
class Row:
    key: str  # what a bulk action names the row by
    title: str
    url: str
    why: str
    due: dt.date | None
    overdue: bool = False
    detail: str = ""


@dataclass
class Queue:
    slug: str
    title: str
    total: int
    rows: list[Row]
    empty: str
    more_url: str = ""
    actions: list[str] = field(default_factory=list)


def _queue(
    slug: str,
    title: str,
    items: QuerySet[Any],
    row: Callable[[Any], Row],
    *,
    empty: str,
    more_url: str = "",
    actions: list[str] | None = None,
) -> Queue:
    total = items.count()
    rows = [row(item) for item in items[:QUEUE_LIMIT]] if total else []
    return Queue(slug, title, total, rows, empty, more_url, actions or [])


def _complaint_url(complaint: Complaint) -> str:
    return reverse("intake:complaint_detail", args=[complaint.public_id])


def _complaint_title(complaint: Complaint) -> str:
    return f"{complaint.number} · {complaint.employer_name or _('employer not named')}"


def _complaint_row(today: dt.date) -> Callable[[Complaint], Row]:
    """A complaint with the limit that brings it here."""

    def row(complaint: Complaint) -> Row:
        officer = complaint.assigned_to
        detail = _("officer: %(name)s") % {"name": officer} if officer else _("not assigned")
        if complaint.status == ComplaintStatus.ACCEPTED:
            why = _("Accepted; no case opened yet (立案 is due on acceptance)")
            due = complaint.case_due
        elif complaint.status == ComplaintStatus.MORE_MATERIAL:
            why = _("Waiting for the material asked for (补正)")
            due = complaint.material_due
        else:
            why = _("Received; awaiting a decision within 5 working days")
            due = complaint.acceptance_due
        if complaint.escalated_at or complaint.case_escalated_at:
            why += " · " + _("escalated (督办)")
        return Row(
            key=str(complaint.public_id),
            title=_complaint_title(complaint),
            url=_complaint_url(complaint),
            why=why,
            due=due,
            overdue=due is not None and due < today,
            detail=detail,
        )

    return row


def _case_row(today: dt.date, *, reason: str = "") -> Callable[[Case], Row]:
    def row(case: Case) -> Row:
        order_first = case.order_due is not None and case.order_due <= case.investigation_due
        if reason:
            why, due = reason, None
        elif order_first:
            why, due = _("The order to pay (限期改正) is due"), case.order_due
        else:
            why, due = _("The investigation limit"), case.investigation_due
        if reason == "overdue":
            if case.order_due is not None and case.order_due < today:
                why, due = _("Order unpaid after its date"), case.order_due
            else:
                why, due = _("Past the investigation limit"), case.investigation_due
        return Row(
            key=str(case.public_id),
            title=f"{case.number} · {case.respondent}",
            url=reverse("cases:case_detail", args=[case.public_id]),
            why=why if reason and reason != "overdue" else f"{case.get_status_display()} · {why}",
            due=due,
            overdue=due is not None and due < today,
        )

    return row


def _complaint_queues(user: Any, today: dt.date, *, assign: bool) -> list[Queue]:
    complaint_row = _complaint_row(today)
    queue_url = reverse("intake:queue")
    decide_actions = ["complaints.accept", *(["complaints.assign"] if assign else [])]
    return [
        _queue(
            "new",
            _("New complaints, due soonest"),
            intake.complaints_awaiting_decision(user=user).select_related("assigned_to"),
            complaint_row,
            empty=_("No complaint awaits a decision."),
            more_url=queue_url,
            actions=decide_actions,
        ),
        _queue(
            "material",
            _("Waiting for material (补正)"),
            intake.complaints_waiting_for_material(user=user),
            complaint_row,
            empty=_("No complaint is waiting for material."),
            more_url=queue_url,
        ),
    ]


def _awaiting_case(user: Any, today: dt.date) -> Queue:
    return _queue(
        "awaiting-case",
        _("Awaiting 立案: accepted complaints without a case"),
        intake.complaints_awaiting_case(user=user),
        _complaint_row(today),
        empty=_("Every accepted complaint has its case."),
        more_url=reverse("intake:queue"),
        actions=["complaints.assign"],
    )


def _approvals(user: Any, today: dt.date) -> Queue:
    return _queue(
        "approvals",
        _("Approvals waiting for you"),
        cases.cases_awaiting_approval(user=user),
        _case_row(today, reason=_("Closing requested: approve or send back")),
        empty=_("Nothing waits for your approval."),
        more_url=reverse("cases:case_list") + f"?status={CaseStatus.CLOSING_REQUESTED}",
    )


def _overdue(user: Any, today: dt.date, *, assign: bool) -> list[Queue]:
    return [
        _queue(
            "overdue-cases",
            _("Overdue cases in your jurisdiction"),
            cases.cases_overdue(user=user, today=today),
            _case_row(today, reason="overdue"),
            empty=_("No case is overdue."),
            more_url=reverse("cases:case_list"),
            actions=["cases.assign"] if assign else [],
        ),
        _queue(
            "overdue-complaints",
            _("Overdue complaints in your jurisdiction"),
            intake.complaints_overdue(user=user, today=today).select_related("assigned_to"),
            _complaint_row(today),
            empty=_("No complaint is overdue."),
            more_url=reverse("intake:queue"),
        ),
    ]


def _inspector_queues(user: Any, today: dt.date) -> list[Queue]:
    def inspection_row(inspection: Any) -> Row:
        return Row(
            key=str(inspection.public_id),
            title=str(inspection.project or inspection.division),
            url=reverse("inspections:inspection_detail", args=[inspection.public_id]),
            why=_("A site visit planned with you"),
            due=inspection.planned_on,
            overdue=inspection.planned_on is not None and inspection.planned_on < today,
        )

    def document_row(document: Any) -> Row:
        return Row(
            key=str(document.public_id),
            title=f"{document.number} · {document.get_kind_display()}",
            url=reverse("cases:case_detail", args=[document.case.public_id]),
            why=_("Not served on the employer yet (送达); case %(number)s")
            % {"number": document.case.number},
            due=None,
            detail=_("issued %(day)s") % {"day": document.issued_on or "—"},
        )

    return [
        _queue(
            "my-cases",
            _("My cases, by next deadline"),
            cases.cases_of_inspector(user=user),
            _case_row(today),
            empty=_("You have no open case."),
            more_url=reverse("cases:case_list"),
        ),
        _queue(
            "my-complaints",
            _("Complaints assigned to me"),
            intake.complaints_assigned_to(user=user),
            _complaint_row(today),
            empty=_("No complaint is assigned to you."),
            more_url=reverse("intake:queue"),
        ),
        _queue(
            "my-inspections",
            _("My inspections"),
            inspection_planned_for_user(user=user),
            inspection_row,
            empty=_("No site visit is planned with you."),
            more_url=reverse("inspections:home"),
        ),
        _queue(
            "to-serve",
            _("Documents to serve"),
            cases.documents_to_serve(user=user),
            document_row,
            empty=_("Every document of your cases is served."),
        ),
    ]


def _employment_queues(user: User, today: dt.date) -> list[Queue]:
    def pairing_row(pairing: Any) -> Row:
        seeker = pairing.seeker
        return Row(
            key=str(pairing.pk),
            title=f"{seeker.person.name} · {seeker.division.name} {seeker.township}",
            url=reverse("employment:seeker_detail", args=[seeker.public_id]),
            why=_("Paired with you on %(day)s; no call or visit yet")
            % {"day": pairing.started_on.isoformat()},
            due=pairing.started_on,
            overdue=(today - pairing.started_on).days > 0,
        )

    def trip_row(trip: Any) -> Row:
        return Row(
            key=str(trip.public_id),
            title=f"{trip.number} · {trip.origin} → {trip.destination.name}",
            url=reverse("employment:trip_detail", args=[trip.public_id]),
            why=_("Leaves today: %(boarded)d of %(passengers)d on board · %(status)s")
            % {
                "boarded": trip.boarded,
                "passengers": trip.passengers,
                "status": trip.get_status_display(),
            },
            due=trip.date,
        )

    return [
        _queue(
            "not-contacted",
            _("My pairings not contacted"),
            pairing_selectors.pairings_not_contacted(user=user, today=today, officer=user),
            pairing_row,
            empty=_("Everyone in your care has been contacted."),
            actions=["pairings.contacted"],
        ),
        _queue(
            "trips-today",
            _("Today's trips"),
            trips_on(day=today),
            trip_row,
            empty=_("No bus leaves today."),
            more_url=reverse("employment:trip_list"),
        ),
    ]


def home_queues(user: Any, today: dt.date) -> list[Queue]:
    """The queues of the user's role, in the order the role works them."""
    role = getattr(user, "role", "")
    if role == Role.INTAKE_OFFICER:
        return _complaint_queues(user, today, assign=False)
    if role == Role.SECTION_CHIEF:
        return [
            _awaiting_case(user, today),
            _approvals(user, today),
            *_overdue(user, today, assign=True),
            *_complaint_queues(user, today, assign=True),
        ]
    if role == Role.INSPECTOR:
        return _inspector_queues(user, today)
    if role == Role.DIRECTOR:
        return [_approvals(user, today), *_overdue(user, today, assign=False)]
    if role == Role.EMPLOYMENT_OFFICER:
        return _employment_queues(user, today)
    return []


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    url: str = ""


def home_figures(user: Any, today: dt.date) -> list[Figure]:
    """The jurisdiction's figures for the director: two queries."""
    figures = cases.case_figures(user=user, today=today)
    undecided = intake.complaints_awaiting_decision(user=user).count()
    return [
        Figure(_("Open cases"), str(figures.open), reverse("cases:case_list")),
        Figure(_("Overdue cases"), str(figures.overdue), reverse("cases:case_list")),
        Figure(_("Complaints awaiting a decision"), str(undecided), reverse("intake:queue")),
        Figure(
            _("Outstanding on open cases (yuan)"),
            f"{figures.outstanding:,.2f}",
            reverse("reports:ledger"),
        ),
    ]


def _assignees(user: Any, queues: list[Queue]) -> QuerySet[User]:
    if not any("complaints.assign" in q.actions or "cases.assign" in q.actions for q in queues):
        return User.objects.none()
    return cases.case_lead_choices(user=user).select_related("org_unit")


def home(request: HttpRequest) -> HttpResponse:
    """The home page (``accounts:home``, through ``settings.QINGLING_HOME_VIEW``)."""
    user = request.user
    today = clock.local_today()
    queues = home_queues(user, today)
    return render(
        request,
        "reports/home.html",
        {
            "queues": queues,
            "figures": home_figures(user, today) if user.role == Role.DIRECTOR else [],  # type: ignore[union-attr]
            "assignees": list(_assignees(user, queues)),
            "today": today,
            "has_role": bool(getattr(user, "role", "")),
            "missing_year": calendar_next_year_missing()
            if can(user, Perm.CALENDAR_MANAGE)
            else None,
        },
    )


# --- bulk actions: one transaction per row, a summary of what succeeded and failed ----------


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _each(
    items: list[Any], label: Callable[[Any], str], act: Callable[[Any], object]
) -> BulkOutcome:
    """Run ``act`` on each item; the service's own transaction keeps each row apart, so one
    refused row leaves the others done."""
    outcome = BulkOutcome()
    for item in items:
        try:
            act(item)
        except ApplicationError as error:
            outcome.failed.append((label(item), error.message))
        else:
            outcome.done.append(label(item))
    return outcome


def _officer(request: HttpRequest) -> User | None:
    raw = request.POST.get("officer", "")
    if not raw.isdigit():
        return None
    return cases.case_lead_choices(user=request.user).filter(pk=int(raw)).first()


def _report(request: HttpRequest, outcome: BulkOutcome, done_text: str, **values: str) -> None:
    if outcome.done:
        messages.success(
            request,
            done_text % {"count": len(outcome.done), "rows": ", ".join(outcome.done), **values},
        )
    for row, reason in outcome.failed:
        messages.error(request, _("%(row)s: not done. %(reason)s") % {"row": row, "reason": reason})
    if not outcome.done and not outcome.failed:
        messages.warning(request, _("Tick at least one row first."))


@login_required
@require_POST
def home_bulk(request: HttpRequest) -> HttpResponse:
    """Do one thing to the ticked rows of a queue: assign complaints or cases to an
    inspector, accept complaints, mark pairings contacted."""
    user = request.user
    if not getattr(user, "role", ""):
        raise PermissionDenied
    action = request.POST.get("action", "")
    keys = request.POST.getlist("rows")
    today = clock.local_today()
    if action in {"complaints.assign", "cases.assign"}:
        officer = _officer(request)
        if officer is None:
            messages.error(request, _("Choose the inspector to assign them to."))
            return redirect("accounts:home")
        if action == "complaints.assign":
            outcome = _each(
                intake.complaints_by_public_ids(user=user, public_ids=keys),
                lambda c: c.number,
                lambda c: complaint_assign(complaint=c, officer=officer, actor=user),
            )
        else:
            outcome = _each(
                cases.cases_by_public_ids(user=user, public_ids=keys),
                lambda c: c.number,
                lambda c: case_inspector_assign(case=c, inspector=officer, role="co", actor=user),
            )
        _report(
            request,
            outcome,
            ngettext(
                "%(count)d assigned to %(name)s: %(rows)s.",
                "%(count)d assigned to %(name)s: %(rows)s.",
                len(outcome.done),
            ),
            name=str(officer),
        )
    elif action == "complaints.accept":
        outcome = _each(
            intake.complaints_by_public_ids(user=user, public_ids=keys),
            lambda c: c.number,
            lambda c: complaint_accept(complaint=c, actor=user),
        )
        _report(
            request,
            outcome,
            ngettext(
                "%(count)d accepted: %(rows)s.", "%(count)d accepted: %(rows)s.", len(outcome.done)
            ),
        )
    elif action == "pairings.contacted":
        if not can(user, Perm.EMPLOYMENT_WORK):
            raise PermissionDenied
        assert isinstance(user, User)
        outcome = _each(
            pairing_selectors.pairings_by_ids(user=user, today=today, ids=keys),
            lambda p: p.seeker.person.name,
            lambda p: contact_record(
                seeker=p.seeker,
                officer=user,
                kind="phone",
                note=request.POST.get("note", ""),
                contacted_on=today,
                actor=user,
            ),
        )
        _report(
            request,
            outcome,
            ngettext(
                "%(count)d marked contacted: %(rows)s.",
                "%(count)d marked contacted: %(rows)s.",
                len(outcome.done),
            ),
        )
    else:
        messages.error(request, _("Choose what to do with the ticked rows."))
    return redirect("accounts:home")
