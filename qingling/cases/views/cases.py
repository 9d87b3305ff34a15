"""Staff pages of cases: the list, opening a case from a complaint, one case and its steps."""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, jurisdiction_prefix
from qingling.cases import selectors, services
from qingling.cases.deadlines import investigation_overdue, may_extend, order_overdue
from qingling.cases.forms import (
    CaseFilterForm,
    CaseOpenForm,
    ClaimAddForm,
    ClaimEditForm,
    ClaimsImportForm,
    CloseForm,
    ExtraCompensationForm,
    FactsForRespondentForm,
    InspectorAssignForm,
    InspectorRemoveForm,
    NoteForm,
    OrderForm,
    PaymentForm,
    PaymentReverseForm,
    ReasonForm,
    WithdrawForm,
)
from qingling.cases.imports import claims_import, parse_claims_xlsx
from qingling.cases.lifecycle import (
    OPEN_STATUSES,
    CaseOutcome,
    CaseStatus,
    StepActor,
    allowed_targets,
)
from qingling.cases.models import (
    ZERO,
    Case,
    CaseInspector,
    Claim,
    CourtRuling,
    Document,
    Payment,
    Service,
)
from qingling.cases.procedure import ProceedingClock, ProceedingStatus
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error, form_submit
from qingling.core.models import AuditEvent, Division
from qingling.core.selectors import division_list
from qingling.core.services import import_job_create
from qingling.core.workbooks import xlsx_rows_at_most
from qingling.intake import selectors as intake_selectors
from qingling.intake.lifecycle import ComplaintStatus
from qingling.intake.models import Complaint
from qingling.parties import selectors as parties_selectors
from qingling.parties.models import Organization, Project

PROPOSALS = 10  # inspectors offered when opening or assigning


def _inspector_label(user: User) -> str:
    load = getattr(user, "load", None)
    unit = user.org_unit.name if user.org_unit is not None else ""
    if load is None:
        return f"{user} · {unit}"
    return _("%(name)s · %(unit)s · %(load)s open cases") % {
        "name": user,
        "unit": unit,
        "load": load,
    }


def _divisions(user: object) -> list[Division]:
    prefix = jurisdiction_prefix(user)
    return [] if prefix is None else list(division_list(within=prefix))


# --- the list ----------------------------------------------------------------------------------


@require_perm(Perm.CASE_VIEW)
def case_list(request: HttpRequest) -> HttpResponse:
    today = clock.local_today()
    form = CaseFilterForm(
        request.GET,
        divisions=[(d.code, d.name) for d in _divisions(request.user)],
        leads=[(str(u.pk), str(u)) for u in selectors.case_lead_choices(user=request.user)],
    )
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.CaseFilters(
        status=data.get("status", ""),
        division=data.get("division", ""),
        lead=data.get("lead"),
        overdue=bool(data.get("overdue")),
        q=data.get("q", ""),
    )
    rows = selectors.case_list_rows(user=request.user, filters=filters, today=today)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"page": page, "form": form, "today": today})


# --- opening a case from an accepted complaint -------------------------------------------------


@dataclass
class OpenChoices:
    """What the opening form offers, read once for the GET and again for the POST."""

    complaint: Complaint
    divisions: list[Division]
    division: Division | None
    proposals: list[User]
    respondents: list[tuple[Organization, float | None]] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    others: list[Complaint] = field(default_factory=list)


def _open_choices(request: HttpRequest, complaint: Complaint, data: Any) -> OpenChoices:
    divisions = _divisions(request.user)
    code = data.get("division") or complaint.division_id or ""
    division = next((d for d in divisions if d.code == code), None)
    proposals = (
        selectors.inspector_proposals(division=division, limit=PROPOSALS) if division else []
    )
    choices = OpenChoices(
        complaint=complaint, divisions=divisions, division=division, proposals=proposals
    )
    seen: set[int] = set()
    if complaint.employer is not None:
        choices.respondents.append((complaint.employer, None))
        seen.add(complaint.employer.pk)
    if complaint.employer_name:
        for organization, score in parties_selectors.organization_match_candidates(
            name=complaint.employer_name, user=request.user
        ):
            if organization.pk not in seen:
                choices.respondents.append((organization, score))
                seen.add(organization.pk)
    if query := " ".join(str(data.get("respondent_q", "")).split()):
        found = parties_selectors.organization_list_for_user(user=request.user, query=query)[:10]
        for organization in found:
            if organization.pk not in seen:
                choices.respondents.append((organization, None))
                seen.add(organization.pk)
    if complaint.project is not None:
        choices.projects.append(complaint.project)
    if complaint.project_name:
        projects = parties_selectors.project_list_for_user(
            user=request.user, query=complaint.project_name
        )[:10]
        choices.projects += [p for p in projects if p.pk != complaint.project_id]
    choices.others = [
        other
        for other in intake_selectors.complaint_same_matter(
            complaint=complaint, user=request.user, limit=10
        )
        if other.status == ComplaintStatus.ACCEPTED
    ]
    return choices


def _open_form(choices: OpenChoices, data: Any = None) -> CaseOpenForm:
    complaint = choices.complaint
    proposals = choices.proposals
    initial = {
        "complaint": complaint.public_id,
        "respondent": complaint.employer.public_id if complaint.employer else None,
        "project": complaint.project.public_id if complaint.project else None,
        "division": choices.division.code if choices.division else "",
        "lead": str(proposals[0].pk) if proposals else "",
        "co_inspectors": [str(proposals[1].pk)] if len(proposals) > 1 else [],
        "summary": complaint.narrative[:500] if complaint.narrative else "",
    }
    return CaseOpenForm(
        data,
        initial=initial,
        respondents=[
            (
                str(org.public_id),
                f"{org.name} · {org.credit_code or '—'}"
                + (f" · {_('match')} {score:.0%}" if score is not None else ""),
            )
            for org, score in choices.respondents
        ],
        projects=[(str(p.public_id), f"{p.name} · {p.division}") for p in choices.projects],
        divisions=[(d.code, d.name) for d in choices.divisions],
        inspectors=[(str(u.pk), _inspector_label(u)) for u in proposals],
        others=[
            (str(c.public_id), f"{c.number} · {c.employer_name} · {c.amount_claimed or '—'}")
            for c in choices.others
        ],
    )


@require_perm(Perm.CASE_APPROVE)
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest) -> HttpResponse:
    """A chief opens (立案) a case from an accepted complaint, confirming the proposal."""
    data = request.POST if request.method == "POST" else request.GET
    try:
        public_id = uuid.UUID(str(data.get("complaint", "")))
    except ValueError:
        raise Http404 from None
    complaint = intake_selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    if complaint.status != ComplaintStatus.ACCEPTED:
        messages.error(request, _("Only an accepted complaint opens a case."))
        return redirect("intake:complaint_detail", public_id=complaint.public_id)
    choices = _open_choices(request, complaint, data)
    form = _open_form(choices, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = _case_open(request, choices, form.cleaned_data)
        except ApplicationError as error:
            form_add_application_error(
                form, error, field_map={"inspectors": "lead", "complaints": "others"}
            )
        else:
            messages.success(request, _("Case %(number)s is opened.") % {"number": case.number})
            return redirect("cases:case_detail", public_id=case.public_id)
    return render(
        request,
        "cases/case_open.html",
        {
            "complaint": complaint,
            "form": form,
            "choices": choices,
            "respondent_q": data.get("respondent_q", ""),
        },
    )


def _case_open(request: HttpRequest, choices: OpenChoices, data: dict[str, Any]) -> Case:
    if choices.division is None:
        raise ApplicationError(
            _("Choose a division of your jurisdiction."),
            code="invalid",
            extra={"fields": {"division": [_("Required.")]}},
        )
    respondent = parties_selectors.organization_get_for_user(
        user=request.user, public_id=data["respondent"]
    )
    project = (
        parties_selectors.project_get_for_user(user=request.user, public_id=data["project"])
        if data.get("project")
        else None
    )
    inspectors = {str(u.pk): u for u in choices.proposals}
    others = {str(c.public_id): c for c in choices.others}
    return services.case_open(
        complaints=[choices.complaint, *(others[key] for key in data.get("others", []))],
        respondent=respondent,
        project=project,
        division=choices.division,
        lead=inspectors[data["lead"]],
        co_inspectors=[inspectors[key] for key in data["co_inspectors"]],
        summary=data["summary"],
        actor=request.user,
    )


# --- one case ---------------------------------------------------------------------------------

STEP_LABELS = {
    "investigate": gettext_lazy("Start the investigation"),
    "order": gettext_lazy("Issue an order to pay (限期改正)"),
    "request_closing": gettext_lazy("Request closing"),
    "close": gettext_lazy("Close the case (结案)"),
    "send_back": gettext_lazy("Send back for more investigation"),
    "withdraw": gettext_lazy("Withdraw the case (撤销立案)"),
}


def _steps(case: Case, actors: frozenset[str]) -> list[str]:
    """The step forms this person may use now, from the transition table."""
    steps = []
    for target in allowed_targets(case.status, actors):
        if target == CaseStatus.INVESTIGATING:
            steps.append("investigate" if case.status == CaseStatus.OPENED else "send_back")
        elif target == CaseStatus.ORDER_ISSUED:
            steps.append("order")
        elif target == CaseStatus.CLOSING_REQUESTED:
            steps.append("request_closing")
        elif target == CaseStatus.CLOSED:
            if case.status == CaseStatus.CLOSING_REQUESTED:
                steps.append("close")
            elif case.order_issued_on is None:  # no withdrawal once an order was issued
                steps.append("withdraw")
    return steps


# Steps that undo the case: shown last, closed, in red, and confirmed by a tick (WithdrawForm).
DESTRUCTIVE_STEPS = frozenset({"withdraw"})


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


@dataclass
class ClaimRow:
    claim: Claim
    payments: list[Payment]
    edit: forms.Form | None = None
    pay: forms.Form | None = None
    reverse: forms.Form | None = None  # a refused reversal, shown again with its errors


@dataclass
class TimelineEntry:
    event: AuditEvent
    label: str
    details: list[str]


@require_perm(Perm.CASE_VIEW)
def case_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    return case_page(request, case)


def case_page(
    request: HttpRequest,
    case: Case,
    *,
    refused: forms.Form | None = None,
    key: str | None = None,
) -> HttpResponse:
    """The case page. With ``refused`` (a form posted from it that ``form_submit`` refused)
    that bound form takes the place of the blank one of its prefix: its section opens, the
    errors stand beside their fields and what was typed is kept. Answered 422 so that a
    script (the upload progress of app.js) knows the post was not taken."""
    bound: dict[str, forms.Form] = {}
    if refused is not None:
        bound[key or refused.prefix or ""] = refused
    user = request.user
    today = clock.local_today()
    actors = services.case_step_actors(case, user)
    is_chief = StepActor.CHIEF in actors
    is_open = case.status in OPEN_STATUSES
    can_edit = bool(actors) and is_open
    inspectors = sorted(  # the lead first
        services.case_inspectors(case), key=lambda a: a.role != CaseInspector.Role.LEAD
    )
    payers = (
        [(str(o.public_id), o.name) for o in selectors.case_payer_choices(case=case)]
        if can_edit
        else []
    )
    rows = []
    for claim in selectors.case_detail_claims(case=case):
        row = ClaimRow(
            claim=claim,
            payments=list(claim.payments.all()),
            reverse=bound.get(f"reverse-{claim.pk}"),
        )
        if can_edit:
            row.edit = bound.get(f"edit-{claim.pk}") or ClaimEditForm(
                prefix=f"edit-{claim.pk}",
                initial={
                    "verified": claim.verified,
                    "verified_reason": claim.verified_reason,
                    "ordered": claim.ordered,
                    "explanation": claim.explanation,
                },
            )
            if claim.outstanding > 0:
                row.pay = bound.get(f"pay-{claim.pk}") or PaymentForm(
                    prefix=f"pay-{claim.pk}",
                    payers=payers,
                    initial={
                        "amount": claim.outstanding,
                        "paid_on": today,
                        "payer_kind": Payment.Payer.EMPLOYER,
                        "payer": str(case.respondent.public_id),
                    },
                )
        rows.append(row)
    claims = [row.claim for row in rows]
    totals = {
        "claimed": sum((c.claimed for c in claims), ZERO),
        "due": sum((c.due for c in claims), ZERO),
        "paid": sum((c.paid for c in claims), ZERO),
        "outstanding": sum((c.outstanding for c in claims), ZERO),
    }
    steps = sorted(_steps(case, actors), key=lambda step: step in DESTRUCTIVE_STEPS)
    can_assign = is_chief and is_open
    step_forms = {step: bound.get(step) or ACTIONS[step][0](prefix=step) for step in steps}
    blank: dict[str, forms.Form] = {
        "assign": InspectorAssignForm(
            prefix="assign", inspectors=_assignable(case) if can_assign else []
        ),
        "remove": InspectorRemoveForm(prefix="remove", auto_id=False),
        "extend": ReasonForm(prefix="extend"),
        "compensation": ExtraCompensationForm(
            prefix="compensation",
            initial={
                "rate": int(case.extra_compensation_rate * 100)
                if case.extra_compensation_rate is not None
                else None,
                "reason": case.extra_compensation_reason,
            },
        ),
        "claim_add": ClaimAddForm(prefix="claim_add"),
        "claims_import": ClaimsImportForm(),
    }
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "today": today,
            "overdue": investigation_overdue(case, today=today),
            "is_overdue_order": order_overdue(case, today=today),
            "inspectors": inspectors,
            "complaints": list(case.complaints.all()),
            "rows": rows,
            "totals": totals,
            "cleared": bool(claims) and totals["outstanding"] == 0,
            "can_edit": can_edit,
            "is_chief": is_chief,
            "steps": [(step, STEP_LABELS[step], step_forms[step]) for step in steps],
            "can_assign": can_assign,
            "can_extend": is_chief and may_extend(case, today=today),
            "can_compensate": is_chief
            and is_open
            and case.order_served_on is not None
            and case.order_due is not None
            and case.order_due < today,
            "forms": {key: bound.get(key) or form for key, form in blank.items()},
            "bound_forms": bound,
            "destructive": DESTRUCTIVE_STEPS,
            "remove_open": _int(refused.data.get("remove-inspector"))
            if isinstance(refused, InspectorRemoveForm)
            else None,
            "refused": refused,
            "timeline": _timeline(case, selectors.case_timeline(case=case)),
            "facts": selectors.case_facts(case=case, user=user),
            "archive": selectors.case_archive_of(case=case),
        },
        status=422 if refused is not None else 200,
    )


def _assignable(case: Case) -> list[tuple[str, str]]:
    return [
        (str(u.pk), _inspector_label(u))
        for u in selectors.inspector_proposals(division=case.division, limit=PROPOSALS)
    ]


# --- the steps, posted from the case page ------------------------------------------------------

CaseAction = Callable[[HttpRequest, Case, dict[str, Any]], object]


def _transition(target: str, **fixed: Any) -> CaseAction:
    def act(request: HttpRequest, case: Case, data: dict[str, Any]) -> Case:
        details = {key: data[key] for key in ("order_days", "outcome") if key in data}
        return services.case_transition(
            case=case,
            target=target,
            actor=request.user,
            note=data.get("note", ""),
            **details,
            **fixed,
        )

    return act


def _assign(request: HttpRequest, case: Case, data: dict[str, Any]) -> Case:
    proposals = selectors.inspector_proposals(division=case.division, limit=PROPOSALS)
    inspector = next(u for u in proposals if str(u.pk) == data["inspector"])
    return services.case_inspector_assign(
        case=case, inspector=inspector, role=data["role"], actor=request.user
    )


def _remove(request: HttpRequest, case: Case, data: dict[str, Any]) -> Case:
    found = [
        a.inspector for a in services.case_inspectors(case) if a.inspector_id == data["inspector"]
    ]
    if not found:
        raise ApplicationError(_("Not an inspector of this case."), code="invalid")
    return services.case_inspector_remove(case=case, inspector=found[0], actor=request.user)


def _claim_add(request: HttpRequest, case: Case, data: dict[str, Any]) -> Claim:
    return services.claim_add(
        case=case,
        name=data["name"],
        id_number=data["id_number"],
        phone=data["phone"],
        claimed=data["claimed"],
        actor=request.user,
    )


def _claims_from_roster(request: HttpRequest, case: Case, data: dict[str, Any]) -> int:
    added = services.claims_from_roster(case=case, actor=request.user)
    if not added:
        raise ApplicationError(
            _("Every worker on the project's roster already has a claim in this case."),
            code="nothing_to_add",
        )
    messages.info(
        request,
        ngettext(
            "%(count)d worker from the roster is added; enter what they are owed.",
            "%(count)d workers from the roster are added; enter what each is owed.",
            added,
        )
        % {"count": added},
    )
    return added


ACTIONS: dict[str, tuple[type[forms.Form], CaseAction]] = {
    "investigate": (NoteForm, _transition(CaseStatus.INVESTIGATING)),
    "order": (OrderForm, _transition(CaseStatus.ORDER_ISSUED)),
    "request_closing": (NoteForm, _transition(CaseStatus.CLOSING_REQUESTED)),
    "close": (CloseForm, _transition(CaseStatus.CLOSED)),
    "send_back": (NoteForm, _transition(CaseStatus.INVESTIGATING)),
    "withdraw": (WithdrawForm, _transition(CaseStatus.CLOSED, outcome=CaseOutcome.WITHDRAWN)),
    "extend": (
        ReasonForm,
        lambda r, c, d: services.case_extend(case=c, reason=d["reason"], actor=r.user),
    ),
    "compensation": (
        ExtraCompensationForm,
        lambda r, c, d: services.case_extra_compensation_set(
            case=c, rate=d["rate"] / Decimal(100), reason=d["reason"], actor=r.user
        ),
    ),
    "assign": (InspectorAssignForm, _assign),
    "remove": (InspectorRemoveForm, _remove),
    "claim_add": (ClaimAddForm, _claim_add),
    "claims_from_roster": (forms.Form, _claims_from_roster),
    "facts": (
        FactsForRespondentForm,
        lambda r, c, d: services.case_facts_for_respondent_set(
            case=c, text=d["text"], actor=r.user
        ),
    ),
}


def _submit(
    request: HttpRequest,
    case: Case,
    form: forms.Form,
    act: Callable[[dict[str, Any]], object],
    *,
    anchor: str,
    key: str | None = None,
) -> HttpResponse:
    """Run a form of the case page through its service: taken, back to the page (at
    ``anchor``) with "Recorded."; refused, the page again with this form bound and its errors
    beside its fields (``core.forms.form_submit``)."""
    if form_submit(form, act).ok:
        messages.success(request, _("Recorded."))
        return redirect(f"{case_url(case)}#{anchor}")
    return case_page(request, case, refused=form, key=key)


ACTION_ANCHORS = {
    "assign": "inspectors",
    "remove": "inspectors",
    "claim_add": "claims",
    "claims_from_roster": "claims",
    "facts": "documents",
}


def _case_for_change(request: HttpRequest, public_id: uuid.UUID) -> tuple[Case, frozenset[str]]:
    """The case, if the user may see it (else 404) and work on it (else 403)."""
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    actors = services.case_step_actors(case, request.user)
    if not actors:
        raise PermissionDenied
    return case, actors


@require_perm(Perm.CASE_VIEW)
@require_POST
def case_act(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    case, actors = _case_for_change(request, public_id)
    form_class, act = ACTIONS[action]
    if action in STEP_LABELS and action not in _steps(case, actors):
        messages.error(request, _("This step is not open to you now."))
        return redirect("cases:case_detail", public_id=case.public_id)
    if form_class is InspectorAssignForm:
        form: forms.Form = InspectorAssignForm(
            request.POST, prefix=action, inspectors=_assignable(case)
        )
    else:
        form = form_class(request.POST, prefix=action)
    anchor = ACTION_ANCHORS.get(action, "steps")
    return _submit(request, case, form, lambda data: act(request, case, data), anchor=anchor)


@require_perm(Perm.CASE_VIEW)
@require_POST
def claim_act(
    request: HttpRequest, public_id: uuid.UUID, claim_id: int, action: str
) -> HttpResponse:
    """Edit a claim (verified, ordered, explanation), record a payment on it, or reverse
    one of its payments (冲正)."""
    if action not in {"edit", "pay", "reverse"}:
        raise Http404
    case, _actors = _case_for_change(request, public_id)
    claim = next((c for c in selectors.case_claims(case=case) if c.pk == claim_id), None)
    if claim is None:
        raise Http404
    prefix = f"{action}-{claim.pk}"
    act: Callable[[dict[str, Any]], object]
    if action == "edit":
        form: forms.Form = ClaimEditForm(request.POST, prefix=prefix)

        def act(d: dict[str, Any]) -> object:
            return services.claim_update(
                claim=claim,
                verified=d["verified"],
                verified_reason=d["verified_reason"],
                ordered=d["ordered"],
                explanation=d["explanation"],
                actor=request.user,
            )

    elif action == "reverse":
        form = PaymentReverseForm(request.POST, prefix=prefix)
        payments = {p.public_id: p for p in claim.payments.all()}

        def act(d: dict[str, Any]) -> object:
            payment = payments.get(d["payment"])
            if payment is None:
                raise Http404
            return services.payment_reverse(
                payment=payment, amount=d["amount"], reason=d["reason"], actor=request.user
            )

    else:
        payers = {str(o.public_id): o for o in selectors.case_payer_choices(case=case)}
        form = PaymentForm(
            request.POST, prefix=prefix, payers=[(k, o.name) for k, o in payers.items()]
        )

        def act(d: dict[str, Any]) -> object:
            return services.payment_record(
                claim=claim,
                amount=d["amount"],
                paid_on=d["paid_on"],
                payer_kind=d["payer_kind"],
                payer=payers.get(d["payer"]),
                method=d["method"],
                voucher=d["voucher"],
                actor=request.user,
            )

    return _submit(request, case, form, act, anchor=f"claim-{claim.pk}")


def case_url(case: Case) -> str:
    return reverse("cases:case_detail", kwargs={"public_id": case.public_id})


# --- the timeline, said readably -------------------------------------------------------------

EVENT_LABELS = {
    "case.open": gettext_lazy("Case opened (立案)"),
    "case.investigating": gettext_lazy("Investigation started"),
    "case.order_issued": gettext_lazy("Order to pay issued"),
    "case.closing_requested": gettext_lazy("Closing requested"),
    "case.closed": gettext_lazy("Case closed (结案)"),
    "case.extend": gettext_lazy("Investigation extended by 30 working days"),
    "case.extra_compensation": gettext_lazy("Extra compensation rate set"),
    "case.inspector_assign": gettext_lazy("Inspector assigned"),
    "case.inspector_remove": gettext_lazy("Inspector removed"),
    "case.claim_add": gettext_lazy("Claim added"),
    "case.claims_from_roster": gettext_lazy("Claims added from the project roster"),
    "case.claim_update": gettext_lazy("Claim updated"),
    "case.payment": gettext_lazy("Payment recorded"),
    "case.payment_reverse": gettext_lazy("Payment reversed (冲正)"),
    "case.deadline_warning": gettext_lazy("Deadline warning"),
    "case.escalate": gettext_lazy("Escalated (督办)"),
    "case.order_overdue": gettext_lazy("Order unpaid after its date"),
    "case.document": gettext_lazy("Document generated"),
    "case.document_served": gettext_lazy("Document served (送达)"),
    "case.document_void": gettext_lazy("Document voided (作废)"),
    "case.document_pdf": gettext_lazy("PDF made for printing"),
    "case.service_receipt": gettext_lazy("Signed proof of service uploaded"),
    "case.facts_for_respondent": gettext_lazy("Facts for the respondent written"),
    "case.record": gettext_lazy("Record taken (笔录)"),
    "case.record_scan": gettext_lazy("Signed record uploaded"),
    "case.record_pdf": gettext_lazy("PDF of a record made for printing"),
    "case.evidence": gettext_lazy("Evidence attached"),
    "case.archive": gettext_lazy("Case file archived (归档)"),
    "case.archive_download": gettext_lazy("Case file downloaded"),
    "case.deadline_recompute": gettext_lazy("Deadlines recounted on the new calendar"),
    # the decision procedure (decisions.py, enforcement.py)
    "case.proceeding_start": gettext_lazy("Notice of the intended decision issued (事先告知)"),
    "case.proceeding_defence": gettext_lazy("Statement and defence (陈述申辩)"),
    "case.proceeding_hearing_notice": gettext_lazy("Hearing notice given (听证通知)"),
    "case.proceeding_answer": gettext_lazy("Defence answered (复核)"),
    "case.proceeding_waiver": gettext_lazy("Defence waived in writing"),
    "case.proceeding_decided": gettext_lazy("Decisions issued (作出决定)"),
    "case.proceeding_withdrawn": gettext_lazy("Decision procedure withdrawn"),
    "case.proceeding_final": gettext_lazy("Decisions final and not carried out"),
    "case.proceeding_carried_out": gettext_lazy("Decisions carried out (履行完毕)"),
    "case.proceeding_reminded": gettext_lazy("Reminder issued (催告)"),
    "case.proceeding_applied": gettext_lazy("Applied to the court for enforcement"),
    "case.proceeding_concluded": gettext_lazy("Court's ruling recorded"),
    "case.proceeding_warning": gettext_lazy("Procedure deadline warning"),
    "case.proceeding_escalation": gettext_lazy("Procedure deadline passed (督办)"),
    "case.challenge": gettext_lazy("Review or suit lodged (复议、诉讼)"),
    "case.challenge_outcome": gettext_lazy("Outcome of the review or suit"),
    "case.compensation_payment": gettext_lazy("Extra compensation paid (加付赔偿金)"),
    "case.penalty_payment": gettext_lazy("Fine paid (罚款)"),
}
# "Document served" said for the kind served (事先告知书已送达 and so on).
SERVED_LABELS = {
    Document.Kind.ORDER: gettext_lazy("Order to pay served (送达)"),
    Document.Kind.HEARING_NOTICE: gettext_lazy("Notice of the intended decision served"),
    Document.Kind.DECISION: gettext_lazy("Handling decision served"),
    Document.Kind.PENALTY_DECISION: gettext_lazy("Penalty decision served"),
    Document.Kind.ENFORCEMENT_REMINDER: gettext_lazy("Reminder served"),
}
FIELD_LABELS = {
    "number": gettext_lazy("Case number"),
    "status": gettext_lazy("Status"),
    "outcome": gettext_lazy("Outcome"),
    "respondent": gettext_lazy("Respondent"),
    "project": gettext_lazy("Project"),
    "division": gettext_lazy("Division"),
    "investigation_due": gettext_lazy("Investigation due"),
    "extended": gettext_lazy("Extended"),
    "order_due": gettext_lazy("Pay by"),
    "order_days": gettext_lazy("Working days to pay, from service"),
    "order_served_on": gettext_lazy("Order served on"),
    "document": gettext_lazy("Document"),
    "method": gettext_lazy("Method"),
    "served_on": gettext_lazy("Served on"),
    "effective_on": gettext_lazy("Counts as served on"),
    "facts_for_respondent": gettext_lazy("Facts for the respondent"),
    "closed_on": gettext_lazy("Closed on"),
    "complaints": gettext_lazy("Complaints"),
    "lead": gettext_lazy("Lead inspector"),
    "co": gettext_lazy("Co-inspectors"),
    "inspector": gettext_lazy("Inspector"),
    "role": gettext_lazy("Role"),
    "worker": gettext_lazy("Worker"),
    "added": gettext_lazy("Workers added"),
    "claimed": gettext_lazy("Claimed"),
    "verified": gettext_lazy("Verified"),
    "ordered": gettext_lazy("Ordered"),
    "explanation": gettext_lazy("Explanation"),
    "amount": gettext_lazy("Amount"),
    "paid_on": gettext_lazy("Paid on"),
    "payer_kind": gettext_lazy("Paid by"),
    "voucher": gettext_lazy("Voucher number"),
    "extra_compensation_rate": gettext_lazy("Extra compensation rate"),
    "extra_compensation_reason": gettext_lazy("Reason"),
    "investigation_due_provisional": gettext_lazy("provisional"),
    "place": gettext_lazy("Place"),
    "title": gettext_lazy("Title"),
    "source": gettext_lazy("Obtained from"),
    "obtained_on": gettext_lazy("Obtained on"),
    "pages": gettext_lazy("Pages"),
    "archived_on": gettext_lazy("Archived on"),
    "retain_until": gettext_lazy("Kept until"),
    # the decision procedure
    "notice": gettext_lazy("Notice"),
    "rate": gettext_lazy("Extra compensation rate"),
    "fine": gettext_lazy("Fine (yuan)"),
    "compensation": gettext_lazy("Extra compensation (yuan)"),
    "hearing_offered": gettext_lazy("Hearing offered"),
    "received_on": gettext_lazy("Received on"),
    "hearing_requested": gettext_lazy("Hearing requested"),
    "hearing_notified_on": gettext_lazy("Party told of the hearing on"),
    "hearing_on": gettext_lazy("Hearing date"),
    "hearing_place": gettext_lazy("Hearing place"),
    "hearing_held_on": gettext_lazy("Hearing held on"),
    "adopted": gettext_lazy("Defence adopted"),
    "reasons": gettext_lazy("Reasons"),
    "waived_on": gettext_lazy("Waived in writing on"),
    "notice_served_on": gettext_lazy("Notice counts as served on"),
    "defence_due": gettext_lazy("Defence period ends"),
    "decided_on": gettext_lazy("Decided on"),
    "payment_due": gettext_lazy("Compensation due"),
    "review_until": gettext_lazy("Review possible until"),
    "suit_until": gettext_lazy("Suit possible until"),
    "reminder_due": gettext_lazy("Reminder period ends"),
    "application_due": gettext_lazy("Apply to the court by"),
    "applied_on": gettext_lazy("Applied to the court on"),
    "ruling": gettext_lazy("Ruling"),
    "receipt_number": gettext_lazy("Receipt number"),
    "surcharge": gettext_lazy("Surcharge (yuan)"),
    "clock": gettext_lazy("Deadline"),
    "due": gettext_lazy("Due"),
}
VALUE_LABELS: dict[str, dict[str, Any]] = {
    # a case's status, or its procedure's (the two sets of values do not meet)
    "status": {**dict(ProceedingStatus.choices), **dict(CaseStatus.choices)},
    "clock": dict(ProceedingClock.choices),
    "ruling": dict(CourtRuling.choices),
    "outcome": dict(CaseOutcome.choices),
    "role": dict(CaseInspector.Role.choices),
    "payer_kind": dict(Payment.Payer.choices),
    "method": dict(Service.Method.choices),
}


def _value(case: Case, key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if key in VALUE_LABELS:
        return str(VALUE_LABELS[key].get(value, value))
    if key in {"respondent", "project", "division"}:
        current = getattr(case, f"{key}_id")
        return str(getattr(case, key)) if str(current) == str(value) else f"#{value}"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _changes(case: Case, before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    lines = []
    for key, new in after.items():
        if key not in FIELD_LABELS:
            continue
        label = FIELD_LABELS[key]
        if key in before:
            if before[key] != new:
                lines.append(
                    f"{label}: {_value(case, key, before[key])} → {_value(case, key, new)}"
                )
        elif new not in (None, "", [], False):
            lines.append(f"{label}: {_value(case, key, new)}")
    return lines


def _timeline(case: Case, events: Iterable[AuditEvent]) -> list[TimelineEntry]:
    entries = []
    for event in events:
        label = str(EVENT_LABELS.get(event.action, event.action))
        before = event.before if isinstance(event.before, dict) else None
        if (
            event.action == "case.investigating"
            and before is not None
            and before.get("status") == CaseStatus.CLOSING_REQUESTED
        ):
            label = str(STEP_LABELS["send_back"])
        after = event.after if isinstance(event.after, dict) else None
        if event.action == "case.document_served" and after and after.get("kind") in SERVED_LABELS:
            label = str(SERVED_LABELS[after["kind"]])
        entries.append(
            TimelineEntry(event=event, label=label, details=_changes(case, before, after))
        )
    return entries


@require_perm(Perm.CASE_WORK)
@require_POST
def claims_import_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Add the claims of an XLSX sheet; bad rows are listed by line and reason."""
    case, _actors = _case_for_change(request, public_id)
    form = ClaimsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return case_page(request, case, refused=form, key="claims_import")
    upload = form.cleaned_data["file"]  # its size is checked by the form
    content = upload.read()
    try:
        if not xlsx_rows_at_most(content, settings.QINGLING_IMPORT_INLINE_ROWS):
            job = import_job_create(  # a large workbook: the worker imports it
                kind="cases.claims",
                content=content,
                file_name=upload.name or "",
                actor=request.user,
                params={"case": str(case.public_id)},
                back_url=f"{reverse('cases:case_detail', args=[case.public_id])}#claims",
                language=request.LANGUAGE_CODE,
            )
            return redirect("accounts:import_job", public_id=job.public_id)
        result = claims_import(case=case, rows=parse_claims_xlsx(content), actor=request.user)
    except ApplicationError as error:
        form_add_application_error(form, error)
        return case_page(request, case, refused=form, key="claims_import")
    messages.success(
        request,
        ngettext("%(count)d claim is added.", "%(count)d claims are added.", result.created)
        % {"count": result.created},
    )
    for failure in result.failures[:50]:
        messages.warning(
            request,
            _("Line %(line)d, %(field)s: %(message)s")
            % {"line": failure.line, "field": failure.field, "message": failure.message},
        )
    return redirect(f"{case_url(case)}#claims")
