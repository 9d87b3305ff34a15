"""Thin views of the party registry: parse a form, call one service or selector, render."""

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm, can, covers_whole_city, jurisdiction_prefix
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.core.selectors import division_list
from qingling.core.services import import_job_create
from qingling.core.workbooks import xlsx_rows_at_most
from qingling.parties import selectors, services
from qingling.parties.forms import (
    OrganizationForm,
    PersonEditForm,
    PersonForm,
    ProjectForm,
    ProjectPartyForm,
    RosterEntryForm,
    RosterImportForm,
)
from qingling.parties.imports import RosterImportResult, parse_roster_xlsx
from qingling.parties.models import Organization, Project

PAGE_SIZE = 50


def _page(request: HttpRequest, items: QuerySet[Any]) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _list(request: HttpRequest, template: str, items: QuerySet[Any]) -> HttpResponse:
    """Render a list page, or only its rows for an htmx search-as-you-type request."""
    context = {"page": _page(request, items), "q": request.GET.get("q", "")}
    if getattr(request, "htmx", False):
        template += "#rows"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@require_perm(Perm.PARTY_VIEW)
def person_list(request: HttpRequest) -> HttpResponse:
    """People by name; a full ID or mobile number is a reveal: counted, recorded, and
    answered only inside the searcher's jurisdiction (429 over the rate limit)."""
    query = request.GET.get("q", "")
    people = selectors.person_search(user=request.user, query=query)
    if selectors.personal_number_read(query) is None:
        return _list(request, "parties/person_list.html", people)
    refused = None
    try:
        services.person_number_search_record(query=query, found=list(people), actor=request.user)
    except ApplicationError as error:
        people, refused = people.none(), error
    template = "parties/person_list.html"
    if getattr(request, "htmx", False):
        template += "#rows"
    response = render(
        request,
        template,
        {"page": _page(request, people), "q": query, "refused": refused},
        status=refused.status if refused else 200,
    )
    response["Vary"] = "HX-Request"
    response["Cache-Control"] = "no-store"
    return response


@require_perm(Perm.PARTY_EDIT)
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_register(**form.cleaned_data, actor=request.user)
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": person.name})
            return redirect("parties:person_detail", public_id=person.public_id)
    return render(request, "parties/person_form.html", {"form": form})


@require_perm(Perm.PARTY_VIEW)
def person_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = selectors.person_get(user=request.user, public_id=public_id)
    return render(
        request,
        "parties/person_detail.html",
        {
            "person": person,
            "can_reveal": can(request.user, Perm.PERSONAL_DATA_REVEAL)
            and selectors.person_in_jurisdiction(user=request.user, person=person),
        },
    )


@require_perm(Perm.PARTY_EDIT)
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = selectors.person_get(user=request.user, public_id=public_id)
    form = PersonEditForm(request.POST or None, initial={"name": person.name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_update(
                person=person,
                name=data["name"],
                id_number=data["id_number"] or None,
                phone=data["phone"] or None,
                actor=request.user,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("parties:person_detail", public_id=person.public_id)
    return render(request, "parties/person_form.html", {"form": form, "person": person})


@require_perm(Perm.PERSONAL_DATA_REVEAL)
@require_POST
def person_reveal(request: HttpRequest, public_id: uuid.UUID, field: str) -> HttpResponse:
    """Show one full value once; the display itself is written to the audit log."""
    if field not in {"id_number", "phone"}:
        raise Http404
    person = selectors.person_get(user=request.user, public_id=public_id)
    try:
        value = services.person_personal_data_reveal(
            person=person,
            field=field,  # type: ignore[arg-type]
            actor=request.user,
        )
    except ApplicationError as error:
        # 403 outside the jurisdiction, 429 over the rate limit: the reason in place of
        # the number (htmx swaps these codes, see the page), or on the page itself.
        if getattr(request, "htmx", False):
            response = render(
                request,
                "parties/person_detail.html#refused",
                {"refused": error},
                status=error.status,
            )
        else:
            response = render(
                request,
                "parties/person_detail.html",
                {"person": person, "can_reveal": False, "refused": error},
                status=error.status,
            )
    else:
        response = render(request, "parties/person_detail.html#revealed", {"value": value})
    response["Cache-Control"] = "no-store"
    return response


@require_perm(Perm.PARTY_VIEW)
def organization_list(request: HttpRequest) -> HttpResponse:
    organizations = selectors.organization_list_for_user(
        user=request.user, query=request.GET.get("q", "")
    )
    return _list(request, "parties/organization_list.html", organizations)


def _organization_save(
    request: HttpRequest, form: OrganizationForm, organization: Any = None
) -> Any:
    """Register or update from a valid form, naming the legal representative in passing."""
    data = form.cleaned_data
    with transaction.atomic():
        representative = services.person_find_or_register(
            name=data["representative_name"],
            id_number=data["representative_id_number"],
            phone=data["representative_phone"],
            actor=request.user,
        )
        if representative is None and organization is not None:
            representative = organization.legal_representative
        fields = {
            "name": data["name"],
            "credit_code": data["credit_code"],
            "legal_representative": representative,
            "division": data["division"],
            "address": data["address"],
            "actor": request.user,
        }
        if organization is None:
            return services.organization_register(**fields)
        return services.organization_update(organization=organization, **fields)


def _organization_divisions(user: Any, organization: Organization | None = None) -> dict[str, Any]:
    """The division choices of the organization form: any for city-wide staff; for a
    county's staff their county's, required when registering (else the new organization
    would be out of their sight) or when one is recorded already
    (``services._require_organization_division``)."""
    if covers_whole_city(user):
        return {}
    return {
        "divisions": division_list(within=jurisdiction_prefix(user) or "-"),
        "division_required": organization is None or organization.division_id is not None,
    }


ORGANIZATION_FIELD_MAP = {"id_number": "representative_id_number", "phone": "representative_phone"}


@require_perm(Perm.PARTY_EDIT)
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None, **_organization_divisions(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            organization = _organization_save(request, form)
        except ApplicationError as error:
            form_add_application_error(form, error, field_map=ORGANIZATION_FIELD_MAP)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": organization.name})
            return redirect("parties:organization_detail", public_id=organization.public_id)
    return render(request, "parties/organization_form.html", {"form": form})


@require_perm(Perm.PARTY_EDIT)
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    organization = selectors.organization_get_for_user(user=request.user, public_id=public_id)
    if not selectors.organization_may_edit(user=request.user, organization=organization):
        raise PermissionDenied
    form = OrganizationForm(
        request.POST or None,
        **_organization_divisions(request.user, organization),
        initial={
            "name": organization.name,
            "credit_code": organization.credit_code,
            "division": organization.division,
            "address": organization.address,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            _organization_save(request, form, organization)
        except ApplicationError as error:
            form_add_application_error(form, error, field_map=ORGANIZATION_FIELD_MAP)
        else:
            messages.success(request, _("Saved."))
            return redirect("parties:organization_detail", public_id=organization.public_id)
    return render(
        request, "parties/organization_form.html", {"form": form, "organization": organization}
    )


@require_perm(Perm.PARTY_VIEW)
def organization_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    organization = selectors.organization_get_for_user(user=request.user, public_id=public_id)
    return render(
        request,
        "parties/organization_detail.html",
        {
            "organization": organization,
            "can_edit": selectors.organization_may_edit(
                user=request.user, organization=organization
            ),
            "projects": selectors.organization_projects(
                user=request.user, organization=organization
            ),
            "sections": selectors.organization_sections(
                organization=organization, user=request.user
            ),
        },
    )


@require_perm(Perm.PARTY_VIEW)
def project_list(request: HttpRequest) -> HttpResponse:
    projects = selectors.project_list_for_user(user=request.user, query=request.GET.get("q", ""))
    return _list(request, "parties/project_list.html", projects)


@require_perm(Perm.PARTY_EDIT)
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(
        request.POST or None,
        divisions=division_list(within=jurisdiction_prefix(request.user)),
        organizations=selectors.organization_list_for_user(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                wage_officer = services.person_find_or_register(
                    name=data.pop("wage_officer_name"),
                    phone=data.pop("wage_officer_phone"),
                    actor=request.user,
                )
                project = services.project_register(
                    **data, wage_officer=wage_officer, actor=request.user
                )
        except ApplicationError as error:
            form_add_application_error(form, error, field_map={"phone": "wage_officer_phone"})
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": project.name})
            return redirect("parties:project_detail", public_id=project.public_id)
    return render(request, "parties/project_form.html", {"form": form})


ROSTER_PAGE_SIZE = 100
ROSTER_FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "id_number": gettext_lazy("ID number"),
    "phone": gettext_lazy("Mobile"),
    "team": gettext_lazy("Work team"),
    "trade": gettext_lazy("Trade"),
    "joined_on": gettext_lazy("Joined on"),
}


def _project_page(
    request: HttpRequest,
    project: Project,
    *,
    roster_form: RosterEntryForm | None = None,
    upload_form: RosterImportForm | None = None,
    import_result: RosterImportResult | None = None,
) -> HttpResponse:
    """The project page; the roster forms (bound when a post failed) for party editors."""
    can_edit = can(request.user, Perm.PARTY_EDIT)
    if can_edit and roster_form is None:
        roster_form = RosterEntryForm(
            prefix="roster", teams=selectors.project_teams(project=project)
        )
    if can_edit and upload_form is None:
        upload_form = RosterImportForm(prefix="roster_import")
    roster = Paginator(selectors.project_roster(project=project), ROSTER_PAGE_SIZE)
    return render(
        request,
        "parties/project_detail.html",
        {
            "project": project,
            "parties": selectors.project_parties(project=project),
            "roster": roster.get_page(request.GET.get("roster_page")),
            "roster_form": roster_form,
            "upload_form": upload_form,
            "import_failures": [
                (failure.line, ROSTER_FIELD_LABELS.get(failure.field, ""), failure.message)
                for failure in (import_result.failures if import_result else [])
            ],
        },
    )


@require_perm(Perm.PARTY_VIEW)
def project_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, public_id=public_id)
    return _project_page(request, project)


def _roster_url(project: Project) -> str:
    return reverse("parties:project_detail", kwargs={"public_id": project.public_id}) + "#roster"


@require_perm(Perm.PARTY_EDIT)
@require_POST
def project_roster_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Put one worker on the project's roster from the form on the project page."""
    project = selectors.project_get_for_user(user=request.user, public_id=public_id)
    form = RosterEntryForm(
        request.POST, prefix="roster", teams=selectors.project_teams(project=project)
    )
    if form.is_valid():
        try:
            entry = services.roster_add(project=project, **form.cleaned_data, actor=request.user)
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, _("%(name)s is on the roster.") % {"name": entry.worker.name})
            return redirect(_roster_url(project))
    return _project_page(request, project, roster_form=form)


@require_perm(Perm.PARTY_EDIT)
@require_POST
def project_roster_import(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Put the workers of an XLSX roster on the project; bad rows are listed by line. A
    workbook of more than ``QINGLING_IMPORT_INLINE_ROWS`` rows goes to the worker, and the
    page redirects to the job's progress."""
    project = selectors.project_get_for_user(user=request.user, public_id=public_id)
    form = RosterImportForm(request.POST, request.FILES, prefix="roster_import")
    if not form.is_valid():
        return _project_page(request, project, upload_form=form)
    upload = form.cleaned_data["file"]  # its size is checked by the form
    content = upload.read()
    try:
        if not xlsx_rows_at_most(content, settings.QINGLING_IMPORT_INLINE_ROWS):
            job = import_job_create(  # a large workbook: the worker imports it
                kind="parties.roster",
                content=content,
                file_name=upload.name or "",
                actor=request.user,
                params={"project": str(project.public_id)},
                back_url=_roster_url(project),
                language=request.LANGUAGE_CODE,
            )
            return redirect("accounts:import_job", public_id=job.public_id)
        rows = parse_roster_xlsx(content)
        result = services.roster_import(project=project, rows=rows, actor=request.user)
    except ApplicationError as error:
        form_add_application_error(form, error)
        return _project_page(request, project, upload_form=form)
    added = ngettext(
        "%(count)d worker is added to the roster.",
        "%(count)d workers are added to the roster.",
        result.created,
    ) % {"count": result.created}
    if not result.failed:
        messages.success(request, added)
        return redirect(_roster_url(project))
    refused = ngettext(
        "%(count)d row is refused; correct it and import only that row again.",
        "%(count)d rows are refused; correct them and import only those rows again.",
        result.failed,
    ) % {"count": result.failed}
    messages.warning(request, f"{added} {refused}")
    return _project_page(request, project, import_result=result)


@require_perm(Perm.PARTY_EDIT)
@require_http_methods(["GET", "POST"])
def project_party_create(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, public_id=public_id)
    form = ProjectPartyForm(
        request.POST or None,
        project=project,
        organizations=selectors.organization_list_for_user(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                leader = (
                    services.person_find_or_register(
                        name=data["leader_name"],
                        id_number=data["leader_id_number"],
                        phone=data["leader_phone"],
                        actor=request.user,
                    )
                    if data["role"] == "team"
                    else None
                )
                services.project_party_add(
                    project=project,
                    role=data["role"],
                    organization=data["organization"],
                    leader=leader,
                    engaged_by=data["engaged_by"],
                    actor=request.user,
                )
        except ApplicationError as error:
            form_add_application_error(
                form,
                error,
                field_map={
                    "id_number": "leader_id_number",
                    "phone": "leader_phone",
                    "name": "leader_name",
                },
            )
        else:
            messages.success(request, _("The party is added."))
            return redirect("parties:project_detail", public_id=project.public_id)
    return render(request, "parties/project_party_form.html", {"form": form, "project": project})
