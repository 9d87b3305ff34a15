"""The registry's staff pages (issue 15): every project's compliance status, one project's
checklist and registry with the forms that feed it, and a project's worker records as a
case's evidence. Thin: the selectors read, the services write."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can, jurisdiction_prefix
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.models import Division
from qingling.core.selectors import division_list
from qingling.parties.models import Project
from qingling.parties.selectors import project_roster
from qingling.prevention import registry_selectors as selectors
from qingling.prevention import registry_services as services
from qingling.prevention.compliance import Item, inspection_prefill
from qingling.prevention.registry_forms import (
    AmountOnForm,
    BoardForm,
    DayForm,
    DepositDrawForm,
    DepositLodgeForm,
    ProjectTypeForm,
    RegistryFileForm,
    WageAccountForm,
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.INSPECTION_VIEW)
def compliance_list(request: HttpRequest) -> HttpResponse:
    """Every project's compliance status in the user's jurisdiction, by county, general
    contractor and what is missing or late."""
    user = _user(request)
    projects = selectors.registry_projects_for_user(user=user)
    missing = request.GET.get("missing", "")
    missing = missing if missing in Item.values else ""
    county = request.GET.get("county", "").strip()[:12]
    contractor = request.GET.get("contractor", "").strip()[:36]
    rows = selectors.compliance_rows(
        projects=projects,
        today=clock.local_today(),
        county=county,
        contractor=contractor,
        missing=missing,
    )
    prefix = jurisdiction_prefix(user) or ""
    return render(
        request,
        "prevention/compliance_list.html",
        {
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "compliant": sum(1 for row in rows if row.compliant),
            "items": Item.choices,
            "filters": {"county": county, "contractor": contractor, "missing": missing},
            "counties": [
                d for d in division_list(within=prefix) if d.level == Division.Level.COUNTY
            ],
            "contractors": selectors.contractors_for(projects=projects),
        },
    )


@require_perm(Perm.INSPECTION_VIEW)
def compliance_project(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    project = selectors.registry_project_get(user=user, public_id=public_id)
    checks = selectors.project_checklist(project=project, today=clock.local_today())
    view = selectors.project_registry_view(project=project)
    prefill = inspection_prefill(checks)
    start_inspection = (
        reverse("inspections:inspection_new")
        + "?"
        + urlencode({"project": str(project.pk), **prefill})
        if can(user, Perm.INSPECTION_WORK)
        else ""
    )
    return render(
        request,
        "prevention/compliance_project.html",
        {
            "project": project,
            "checks": checks,
            "failing": [check for check in checks if check.failing],
            "view": view,
            "can_write": can(user, Perm.PARTY_EDIT) or can(user, Perm.INSPECTION_WORK),
            "start_inspection": start_inspection,
            "file_form": RegistryFileForm(),
            "account_form": WageAccountForm(),
            "deposit_form": DepositLodgeForm(),
            "amount_form": AmountOnForm(),
            "board_form": BoardForm(),
            "close_form": DayForm(prefix="close"),
            "refund_form": DayForm(prefix="refund"),
            "completion_form": DayForm(prefix="completion"),
            "type_form": ProjectTypeForm(
                initial={"project_type": view.registry.project_type if view.registry else ""}
            ),
            "report": request.session.pop(f"registry-import-{project.pk}", None),
        },
    )


def _act_file(request: HttpRequest, project: Project, user: User) -> str:
    form = RegistryFileForm(request.POST, request.FILES)
    if not form.is_valid():
        raise _form_error(form)
    upload = form.cleaned_data["file"]
    result = services.registry_file_import(
        project=project,
        kind=form.cleaned_data["kind"],
        content=upload.read(),
        filename=upload.name or "",
        actor=user,
    )
    request.session[f"registry-import-{project.pk}"] = {
        "created": result.created,
        "already": result.updated,
        "failed": result.failed,
        "failures": [
            {"line": f.line, "field": f.field, "message": f.message} for f in result.failures[:200]
        ],
    }
    return _("%(created)d rows kept, %(already)d already on file, %(failed)d bad rows.") % {
        "created": result.created,
        "already": result.updated,
        "failed": result.failed,
    }


def _form_error(form: Any) -> ApplicationError:
    fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    first = next(iter(fields.values()))[0]
    return ApplicationError(f"{first}", code="invalid", extra={"fields": fields})


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise _form_error(form)
    data: dict[str, Any] = form.cleaned_data
    return data


def _act_account(request: HttpRequest, project: Project, user: User) -> str:
    data = _valid(WageAccountForm(request.POST, request.FILES))
    services.wage_account_open(project=project, actor=user, **data)
    return _("The wage account is recorded.")


def _act_deposit(request: HttpRequest, project: Project, user: User) -> str:
    data = _valid(DepositLodgeForm(request.POST))
    services.wage_deposit_lodge(project=project, actor=user, **data)
    return _("The wage deposit is recorded.")


def _act_top_up(request: HttpRequest, project: Project, user: User) -> str:
    data = _valid(AmountOnForm(request.POST))
    services.wage_deposit_top_up(project=project, actor=user, **data)
    return _("The top-up is recorded.")


def _act_refund(request: HttpRequest, project: Project, user: User) -> str:
    data = _valid(DayForm(request.POST, prefix="refund"))
    services.wage_deposit_refund(project=project, on=data["day"], actor=user)
    return _("The refund is recorded.")


def _act_board(request: HttpRequest, project: Project, user: User) -> str:
    data = _valid(BoardForm(request.POST, request.FILES))
    services.rights_board_record(project=project, actor=user, **data)
    return _("The board is recorded.")


def _act_completion(request: HttpRequest, project: Project, user: User) -> str:
    data = _valid(DayForm(request.POST, prefix="completion"))
    services.project_completion_record(project=project, completed_on=data["day"], actor=user)
    return _("The completion is recorded; the publicity period has started.")


def _act_close(request: HttpRequest, project: Project, user: User) -> str:
    data = _valid(DayForm(request.POST, prefix="close"))
    services.wage_account_close(project=project, closed_on=data["day"], actor=user)
    return _("The wage account is closed.")


def _act_type(request: HttpRequest, project: Project, user: User) -> str:
    data = _valid(ProjectTypeForm(request.POST))
    services.project_type_set(project=project, project_type=data["project_type"], actor=user)
    return _("The type of works is recorded.")


ACTIONS: dict[str, Callable[[HttpRequest, Project, User], str]] = {
    "file": _act_file,
    "account": _act_account,
    "deposit": _act_deposit,
    "top_up": _act_top_up,
    "refund": _act_refund,
    "board": _act_board,
    "completion": _act_completion,
    "close": _act_close,
    "type": _act_type,
}


@require_perm(Perm.INSPECTION_VIEW)
@require_POST
def compliance_act(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    """One write on the project's registry; a refusal is shown on the project's page."""
    user = _user(request)
    project = selectors.registry_project_get(user=user, public_id=public_id)
    if action not in ACTIONS:
        raise Http404
    try:
        message = ACTIONS[action](request, project, user)
    except ApplicationError as error:
        fields = error.extra.get("fields") or {}
        details = [str(m) for messages_ in fields.values() for m in messages_]
        messages.error(request, " ".join(dict.fromkeys([error.message, *details])))
    else:
        messages.success(request, message)
    return redirect("prevention:compliance_project", public_id=project.public_id)


@require_perm(Perm.CASE_WORK)
@require_POST
def deposit_draw(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Pay a worker of a case against the project from the project's wage deposit."""
    user = _user(request)
    project = selectors.registry_project_get(user=user, public_id=public_id)
    form = DepositDrawForm(
        request.POST, claims=selectors.deposit_claims(user=user, project=project)
    )
    try:
        data = _valid(form)
        services.wage_deposit_draw(
            claim=form.claims[data["claim"]],
            amount=data["amount"],
            paid_on=data["paid_on"],
            actor=user,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The payment from the deposit is recorded; a top-up is due."))
    return redirect("prevention:compliance_records", public_id=project.public_id)


@require_perm(Perm.INSPECTION_VIEW)
def compliance_records(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A project's roster, attendance and payroll, worker by worker (ID numbers masked): the
    evidence a case against the project sees."""
    user = _user(request)
    project = selectors.registry_project_get(user=user, public_id=public_id)
    records = selectors.project_worker_records(project=project)
    claims = (
        selectors.deposit_claims(user=user, project=project) if can(user, Perm.CASE_WORK) else []
    )
    return render(
        request,
        "prevention/compliance_records.html",
        {
            "project": project,
            "roster": project_roster(project=project),
            "attendance": records["attendance"][:500],
            "payroll": records["payroll"][:500],
            "draw_form": DepositDrawForm(claims=claims) if claims else None,
        },
    )
