"""The employer portal's pages (phone-first) and the bureau's pages that manage it.

Employer pages answer only an active employer account (``employer_required``); each reads
through ``selectors.*_for_employer`` with the account's organization, and a record of
another organization answers 404, audited. No page, and no download, carries a complaint
or a complainant (tests/test_informant_protection.py walks them all).
"""

import io
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can
from qingling.cases.documents import DOCX_CONTENT_TYPE
from qingling.cases.models import Document
from qingling.cases.pdf import docx_to_pdf
from qingling.cases.selectors import case_get_for_user
from qingling.core import clock
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.parties.models import Organization
from qingling.parties.selectors import organization_get_for_user, organization_list_for_user
from qingling.portal import selectors, services
from qingling.portal.forms import (
    AccountCreateForm,
    ConsentForm,
    EmployerSignInForm,
    PaymentProofForm,
    UploadForm,
)
from qingling.portal.models import ElectronicDelivery, EmployerAccount, PaymentProofFile
from qingling.prevention.selectors import warning_get_for_user

NO_STORE = "no-store"
T = TypeVar("T")
View = Callable[..., HttpResponseBase]


def employer_required(view: View) -> View:
    """An active employer account; anyone signed in otherwise (staff) gets 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect(f"{reverse_lazy('portal:login')}?next={request.path}")
        account = selectors.employer_account_for_user(request.user)
        if account is None:
            raise PermissionDenied
        response = view(request, account, *args, **kwargs)
        response.setdefault("Cache-Control", NO_STORE)
        return response

    return wrapped


def _own(account: EmployerAccount, what: str, public_id: uuid.UUID, read: Callable[[], T]) -> T:
    """Read one of the employer's records; another's answers 404 and is audited."""
    try:
        return read()
    except Http404:
        services.portal_access_refused(account=account, what=what, public_id=str(public_id))
        raise


def _error_text(error: ApplicationError) -> str:
    details = [str(m) for ms in error.extra.get("fields", {}).values() for m in ms]
    return " ".join([error.message, *[d for d in details if d != error.message]])


# --- signing in ---------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = EmployerSignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return str(reverse_lazy("portal:home"))


sign_in = SignInView.as_view()


@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The one-time link the bureau gave the employer: choose a password, then sign in."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    account = EmployerAccount.objects.filter(user=user).first() if user else None
    valid = (
        account is not None
        and account.active
        and default_token_generator.check_token(account.user, token)
    )
    error = ""
    if valid and request.method == "POST":
        first = str(request.POST.get("new_password1", ""))
        second = str(request.POST.get("new_password2", ""))
        if first != second:
            error = _("The two passwords differ.")
        else:
            assert account is not None
            try:
                services.employer_password_set(account=account, password=first)
            except ApplicationError as failure:
                error = _error_text(failure)
            else:
                messages.success(request, _("Your password is set. Sign in with it."))
                return redirect("portal:login")
    response = render(
        request,
        "portal/set_password.html",
        {"valid": valid, "error": error, "account": account if valid else None},
    )
    response["Cache-Control"] = NO_STORE
    response["Referrer-Policy"] = "same-origin"  # the token never leaves in a Referer
    return response


# --- the employer's pages -----------------------------------------------------------------------


@employer_required
@require_GET
def home(request: HttpRequest, account: EmployerAccount) -> HttpResponse:
    organization = account.organization
    waiting = selectors.deliveries_for_employer(organization=organization).filter(
        confirmed_at__isnull=True
    )
    return render(
        request,
        "portal/home.html",
        {
            "account": account,
            "waiting": waiting,
            "open_orders": selectors.open_order_cases(organization=organization),
            "counts": {
                "projects": selectors.projects_for_employer(organization=organization).count(),
                "cases": selectors.cases_for_employer(organization=organization).count(),
                "warnings": selectors.warnings_for_employer(organization=organization).count(),
                "documents": selectors.documents_for_employer(organization=organization).count(),
            },
        },
    )


@employer_required
@require_GET
def project_list(request: HttpRequest, account: EmployerAccount) -> HttpResponse:
    projects = selectors.projects_for_employer(organization=account.organization)
    return render(request, "portal/project_list.html", {"account": account, "projects": projects})


@employer_required
@require_GET
def project_detail(
    request: HttpRequest, account: EmployerAccount, public_id: uuid.UUID
) -> HttpResponse:
    organization = account.organization
    project = _own(
        account,
        "project",
        public_id,
        lambda: selectors.project_get_for_employer(organization=organization, public_id=public_id),
    )
    return render(
        request,
        "portal/project_detail.html",
        {
            "account": account,
            "project": project,
            "roster_count": project.roster.count(),
            "parties": project.parties.exclude(organization=None).select_related("organization"),
            "cases": selectors.cases_for_employer(organization=organization).filter(
                project=project
            ),
            "warnings": selectors.warnings_for_employer(organization=organization).filter(
                project=project
            ),
        },
    )


@employer_required
@require_GET
def case_list(request: HttpRequest, account: EmployerAccount) -> HttpResponse:
    cases = selectors.cases_for_employer(organization=account.organization)
    return render(request, "portal/case_list.html", {"account": account, "cases": cases})


def _facts_for_employer(case: Any) -> str:
    """The facts the inspector wrote for the employer, unless they would name or quote a
    complainant (then nothing: the bureau's documents say it)."""
    text = case.facts_for_respondent.strip()
    if not text:
        return ""
    complainants = selectors.case_complainants(case=case)
    return "" if selectors.complainant_disclosure_found(text, complainants=complainants) else text


@employer_required
@require_http_methods(["GET", "POST"])
def case_detail(
    request: HttpRequest, account: EmployerAccount, public_id: uuid.UUID
) -> HttpResponse:
    organization = account.organization
    case = _own(
        account,
        "case",
        public_id,
        lambda: selectors.case_get_for_employer(organization=organization, public_id=public_id),
    )
    answerable = selectors.open_order_cases(organization=organization).filter(pk=case.pk).exists()
    form = PaymentProofForm(request.POST or None, request.FILES or None) if answerable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if _proof_sent(request, account, form, case=case):
            return redirect("portal:case_detail", public_id=case.public_id)
    return render(
        request,
        "portal/case_detail.html",
        {
            "account": account,
            "case": case,
            "facts": _facts_for_employer(case),
            "documents": selectors.documents_for_employer(organization=organization).filter(
                case=case
            ),
            "proofs": selectors.proofs_for_employer(organization=organization).filter(case=case),
            "form": form,
        },
    )


def _proof_sent(
    request: HttpRequest, account: EmployerAccount, form: PaymentProofForm, **subject: Any
) -> bool:
    """Send the employer's proof of payment for its case or warning (``subject``); a
    refusal goes beside the form's fields."""
    if not form.is_valid():
        return False
    try:
        services.payment_proof_submit(
            account=account,
            amount=form.cleaned_data["amount"],
            paid_on=form.cleaned_data["paid_on"],
            files=form.cleaned_data["attachments"],
            note=form.cleaned_data["note"],
            actor=request.user,
            **subject,
        )
    except ApplicationError as error:
        form_add_application_error(form, error)
        return False
    messages.success(request, _("Your proof of payment is sent to the bureau."))
    return True


@employer_required
@require_GET
def order_list(request: HttpRequest, account: EmployerAccount) -> HttpResponse:
    orders = selectors.orders_for_employer(organization=account.organization)
    return render(request, "portal/order_list.html", {"account": account, "orders": orders})


@employer_required
@require_GET
def warning_list(request: HttpRequest, account: EmployerAccount) -> HttpResponse:
    warnings = selectors.warnings_for_employer(organization=account.organization)
    return render(request, "portal/warning_list.html", {"account": account, "warnings": warnings})


@employer_required
@require_http_methods(["GET", "POST"])
def warning_detail(
    request: HttpRequest, account: EmployerAccount, public_id: uuid.UUID
) -> HttpResponse:
    organization = account.organization
    warning = _own(
        account,
        "warning",
        public_id,
        lambda: selectors.warning_get_for_employer(organization=organization, public_id=public_id),
    )
    form = PaymentProofForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and _proof_sent(request, account, form, warning=warning):
        return redirect("portal:warning_detail", public_id=warning.public_id)
    return render(
        request,
        "portal/warning_detail.html",
        {
            "account": account,
            "warning": warning,
            "proofs": selectors.proofs_for_employer(organization=organization).filter(
                warning=warning
            ),
            "form": form,
        },
    )


@employer_required
@require_GET
def document_list(request: HttpRequest, account: EmployerAccount) -> HttpResponse:
    organization = account.organization
    documents = selectors.documents_for_employer(organization=organization)
    pending = {
        d.document_id: d
        for d in selectors.deliveries_for_employer(organization=organization).filter(
            confirmed_at__isnull=True
        )
    }
    rows = [(document, pending.get(document.pk)) for document in documents]
    return render(request, "portal/document_list.html", {"account": account, "rows": rows})


def _own_document(account: EmployerAccount, public_id: uuid.UUID) -> Document:
    organization = account.organization
    return _own(
        account,
        "document",
        public_id,
        lambda: selectors.document_get_for_employer(organization=organization, public_id=public_id),
    )


def _delivery(organization: Organization, document: Document) -> ElectronicDelivery | None:
    """The document's electronic delivery to this employer, if it was sent one."""
    return (
        selectors.deliveries_for_employer(organization=organization)
        .filter(document=document)
        .first()
    )


@employer_required
@require_GET
def document_detail(
    request: HttpRequest, account: EmployerAccount, public_id: uuid.UUID
) -> HttpResponse:
    organization = account.organization
    document = _own_document(account, public_id)
    delivery = _delivery(organization, document)
    return render(
        request,
        "portal/document_detail.html",
        {
            "account": account,
            "document": document,
            "delivery": delivery,
            "services": selectors.services_for_document(
                document=document, organization=organization
            ),
            "downloadable": services.document_portal_safe(document=document),
        },
    )


@employer_required
@require_POST
def document_confirm(
    request: HttpRequest, account: EmployerAccount, public_id: uuid.UUID
) -> HttpResponse:
    """The employer confirms it received a document sent for electronic service."""
    organization = account.organization
    document = _own_document(account, public_id)
    delivery = _delivery(organization, document)
    if delivery is None:
        raise Http404
    try:
        services.delivery_confirm(delivery=delivery, account=account, actor=request.user)
    except ApplicationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Receipt confirmed: %(number)s counts as served on you today.")
            % {"number": document.number},
        )
    return redirect("portal:document_detail", public_id=document.public_id)


@employer_required
@require_GET
def document_download(
    request: HttpRequest, account: EmployerAccount, public_id: uuid.UUID, fmt: str
) -> HttpResponseBase:
    """The document as served (DOCX) or its print copy (PDF). A document that would name
    or quote a complainant never leaves (the bureau serves it on paper)."""
    if fmt not in {"docx", "pdf"}:
        raise Http404
    document = _own_document(account, public_id)
    if not services.document_portal_safe(document=document):
        raise PermissionDenied
    with document.file.open("rb") as stored:
        data = stored.read()
    if fmt == "pdf":
        if document.pdf:
            with document.pdf.open("rb") as stored:
                data = stored.read()
        else:
            data = docx_to_pdf(data)
        content_type = "application/pdf"
    else:
        content_type = DOCX_CONTENT_TYPE
    response = FileResponse(
        io.BytesIO(data),
        content_type=content_type,
        as_attachment=True,
        filename=f"{document.number}_{document.get_kind_display()}.{fmt}",
    )
    response["Cache-Control"] = NO_STORE
    return response


@employer_required
@require_http_methods(["GET", "POST"])
def uploads(request: HttpRequest, account: EmployerAccount) -> HttpResponse:
    """The kinds of file the employer may upload for its projects, each through the
    service ``QINGLING_PORTAL_UPLOAD_SERVICES`` names (the roster through the parties
    app's import, the rest through the compliance registry's)."""
    organization = account.organization
    projects = [
        (str(p.public_id), p.name)
        for p in selectors.projects_for_employer(organization=organization)
    ]
    kinds = [
        (kind, services.upload_service(kind.key) is not None) for kind in services.UPLOAD_KINDS
    ]
    chosen = str(request.POST.get("kind", "")) if request.method == "POST" else ""
    forms_by_kind = {
        kind.key: UploadForm(
            request.POST if chosen == kind.key else None,
            request.FILES if chosen == kind.key else None,
            projects=projects,
            prefix=kind.key,
        )
        for kind, ready in kinds
        if ready
    }
    result = None
    if chosen in forms_by_kind:
        form = forms_by_kind[chosen]
        if form.is_valid():
            project = _own(
                account,
                "project",
                form.cleaned_data["project"],
                lambda: selectors.project_get_for_employer(
                    organization=organization, public_id=uuid.UUID(form.cleaned_data["project"])
                ),
            )
            try:
                result = services.employer_upload(
                    account=account,
                    project=project,
                    kind=chosen,
                    content=form.cleaned_data["file"].read(),
                    filename=form.cleaned_data["file"].name,
                    actor=request.user,
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                added = ngettext(
                    "%(count)d row is taken.", "%(count)d rows are taken.", result.created
                ) % {"count": result.created}
                if result.failed:
                    refused = ngettext(
                        "%(count)d row is refused; correct it and upload only that row again.",
                        "%(count)d rows are refused; correct them and upload only those rows "
                        "again.",
                        result.failed,
                    ) % {"count": result.failed}
                    messages.warning(request, f"{added} {refused}")
                else:
                    messages.success(request, added)
    return render(
        request,
        "portal/uploads.html",
        {
            "account": account,
            "kinds": [(kind, ready, forms_by_kind.get(kind.key)) for kind, ready in kinds],
            "result": result,
            "chosen": chosen,
        },
    )


# --- the bureau's pages -------------------------------------------------------------------------


@require_perm(Perm.PARTY_EDIT)
@require_http_methods(["GET", "POST"])
def staff_accounts(request: HttpRequest) -> HttpResponse:
    """Every employer account; open one for an organization by its credit code."""
    form = AccountCreateForm(request.POST or None)
    link = ""
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["credit_code"].strip().upper()
        organization = (
            organization_list_for_user(user=request.user).filter(credit_code=code).first()
        )
        if organization is None:
            form.add_error("credit_code", _("No organization you can see has this credit code."))
        else:
            try:
                account = services.employer_account_create(
                    organization=organization,
                    contact_name=form.cleaned_data["contact_name"],
                    actor=request.user,
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                link = request.build_absolute_uri(services.employer_password_link(account=account))
                messages.success(
                    request,
                    _("The account %(code)s is open. Give the employer the link below.")
                    % {"code": account.credit_code},
                )
                form = AccountCreateForm()
    response = render(
        request,
        "portal/staff_accounts.html",
        {"form": form, "accounts": selectors.employer_account_list(), "link": link},
    )
    response["Cache-Control"] = NO_STORE
    return response


def _organization_for_staff(request: HttpRequest, public_id: uuid.UUID) -> Organization:
    return organization_get_for_user(user=request.user, public_id=public_id)


@require_perm(Perm.PARTY_EDIT)
@require_http_methods(["GET", "POST"])
def staff_organization(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """An organization's account (a new set-password link, deactivation) and its written
    agreement to electronic service."""
    organization = _organization_for_staff(request, public_id)
    account = EmployerAccount.objects.filter(organization=organization).first()
    consent_form = ConsentForm(
        request.POST if request.POST.get("action") == "consent" else None,
        request.FILES if request.POST.get("action") == "consent" else None,
    )
    link = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "consent":
                if consent_form.is_valid():
                    services.consent_record(
                        organization=organization, **consent_form.cleaned_data, actor=request.user
                    )
                    messages.success(request, _("The agreement is recorded."))
                    return redirect("portal:staff_organization", public_id=public_id)
            elif action == "withdraw":
                consent = selectors.consent_in_force(organization=organization)
                if consent is not None:
                    services.consent_withdraw(
                        consent=consent, withdrawn_on=clock.local_today(), actor=request.user
                    )
                    messages.success(request, _("The agreement is withdrawn."))
                return redirect("portal:staff_organization", public_id=public_id)
            elif action == "link" and account is not None:
                link = request.build_absolute_uri(
                    services.employer_password_link_issue(account=account, actor=request.user)
                )
            elif action == "deactivate" and account is not None:
                services.employer_account_deactivate(account=account, actor=request.user)
                messages.success(request, _("The account is deactivated."))
                return redirect("portal:staff_organization", public_id=public_id)
        except ApplicationError as error:
            if action == "consent":
                form_add_application_error(consent_form, error)
            else:
                messages.error(request, _error_text(error))
    response = render(
        request,
        "portal/staff_organization.html",
        {
            "organization": organization,
            "account": account,
            "consent": selectors.consent_in_force(organization=organization),
            "consent_form": consent_form,
            "link": link,
        },
    )
    response["Cache-Control"] = NO_STORE
    return response


@require_perm(Perm.CASE_VIEW)
@require_http_methods(["GET", "POST"])
def staff_case(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A case's proofs of payment from the employer, and its documents sent to the portal
    for electronic service (with the form to send one)."""
    case = case_get_for_user(user=request.user, public_id=public_id)
    if request.method == "POST":
        try:
            chosen = uuid.UUID(str(request.POST.get("document", "")))
        except ValueError:
            raise Http404 from None
        document = case.documents.filter(public_id=chosen).first()
        if document is None:
            raise Http404
        try:
            services.delivery_send(document=document, actor=request.user)
        except ApplicationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _(
                    "%(number)s is sent to the employer's portal; it counts as served when "
                    "the employer confirms receipt."
                )
                % {"number": document.number},
            )
        return redirect("portal:staff_case", public_id=case.public_id)
    sent = set(selectors.deliveries_for_case(case=case).values_list("document_id", flat=True))
    sendable = [
        d
        for d in case.documents.filter(voided_at__isnull=True).order_by("created_at")
        if d.kind in d.SERVED_ON_EMPLOYER and d.pk not in sent
    ]
    return render(
        request,
        "portal/staff_case.html",
        {
            "case": case,
            "proofs": selectors.proofs_for_case(case=case),
            "deliveries": selectors.deliveries_for_case(case=case),
            "sendable": sendable,
            "consent": selectors.consent_in_force(organization=case.respondent),
            "account": EmployerAccount.objects.filter(organization=case.respondent).first(),
        },
    )


@require_perm(Perm.INSPECTION_VIEW)
@require_GET
def staff_warning(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    warning = warning_get_for_user(user=request.user, public_id=public_id)
    return render(
        request,
        "portal/staff_warning.html",
        {"warning": warning, "proofs": selectors.proofs_for_warning(warning=warning)},
    )


@require_GET
def staff_proof_file(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """A proof's file, for staff who may see its case or its warning."""
    if not (can(request.user, Perm.CASE_VIEW) or can(request.user, Perm.INSPECTION_VIEW)):
        raise PermissionDenied
    item = PaymentProofFile.objects.select_related("proof").filter(public_id=public_id).first()
    if item is None:
        raise Http404
    proof = item.proof
    if proof.case is not None:
        if not can(request.user, Perm.CASE_VIEW):
            raise PermissionDenied
        case_get_for_user(user=request.user, public_id=proof.case.public_id)
    elif proof.warning is not None:
        if not can(request.user, Perm.INSPECTION_VIEW):
            raise PermissionDenied
        warning_get_for_user(user=request.user, public_id=proof.warning.public_id)
    response = FileResponse(
        item.file.open("rb"), content_type=item.content_type, as_attachment=True, filename=item.name
    )
    response["Cache-Control"] = NO_STORE
    return response
