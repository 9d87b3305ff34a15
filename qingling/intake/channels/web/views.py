"""Public pages for a worker's phone: the complaint form, its receipt, the progress query.

No sign-in. The receipt (with the query code) is shown only to the browser session that
filed the complaint; the progress query needs the code and the phone number together
and refuses a session or an address after too many failures.
"""

import uuid
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.core.personal_data import mask_phone
from qingling.core.validators import validate_mobile
from qingling.intake import selectors, services
from qingling.intake.channels.base import FieldErrors
from qingling.intake.channels.web.forms import ProgressQueryForm, WebComplaintForm
from qingling.intake.models import Channel, Complaint

RECEIPTS_SESSION_KEY = "web_intake_receipts"
RECEIPTS_KEPT = 5
QUERY_FAILURES_ALLOWED = 10
QUERY_LOCKOUT_SECONDS = 15 * 60


def _idempotency_key(request: HttpRequest) -> str:
    """The key rendered into the form, if it is one of ours; otherwise a fresh one."""
    try:
        return str(uuid.UUID(request.POST.get("idempotency_key", "")))
    except ValueError:
        return str(uuid.uuid4())


def _remember_receipt(request: HttpRequest, complaint: Complaint) -> None:
    receipts: dict[str, dict[str, Any]] = request.session.get(RECEIPTS_SESSION_KEY, {})
    receipts[str(complaint.public_id)] = {
        "number": complaint.number,
        "query_code": complaint.query_code,
        "received": complaint.received_at.isoformat(),
        "due": complaint.acceptance_due.isoformat(),
        "provisional": complaint.acceptance_due_provisional,
    }
    request.session[RECEIPTS_SESSION_KEY] = dict(list(receipts.items())[-RECEIPTS_KEPT:])


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    form = WebComplaintForm(request.POST or None, request.FILES or None)
    key = _idempotency_key(request) if request.method == "POST" else str(uuid.uuid4())
    if request.method == "POST" and form.is_valid():
        own = FieldErrors()
        draft = form.draft(own)
        try:
            if own.fields:
                services.complaint_draft_validate(draft=draft, errors=own)
            result = services.complaint_register(
                draft=draft, channel=Channel.WEB, actor=None, idempotency_key=key
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            _remember_receipt(request, result.complaint)
            return redirect("web_intake:done", public_id=result.complaint.public_id)
    return render(
        request,
        "intake/web/complaint_form.html",
        {
            "form": form,
            "idempotency_key": key,
            "files_lost": request.method == "POST" and bool(request.FILES),
        },
    )


@never_cache
def complaint_done(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    receipt = request.session.get(RECEIPTS_SESSION_KEY, {}).get(str(public_id))
    if receipt is None:
        raise Http404
    return render(request, "intake/web/complaint_done.html", {"receipt": receipt})


def _failure_keys(request: HttpRequest, code: str) -> list[str]:
    """Count failures per browser session and per query code tried.

    Not per address: behind the bureau's reverse proxy every worker has the same
    one, and ten wrong tries by anyone would lock everyone out. Guessing needs both
    an 8-character code and the phone number, so these two counters are enough.
    """
    if request.session.session_key is None:
        request.session.save()
    code = "".join(code.split()).upper()[:16]
    return [
        f"web_intake:query_failures:session:{request.session.session_key}",
        f"web_intake:query_failures:code:{code}",
    ]


def _locked_out(keys: list[str]) -> bool:
    return any((cache.get(key) or 0) >= QUERY_FAILURES_ALLOWED for key in keys)


def _count_failure(keys: list[str]) -> None:
    for key in keys:
        # The window starts at the first failure and is not extended by later ones.
        cache.add(key, 0, timeout=QUERY_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=QUERY_LOCKOUT_SECONDS)


@never_cache
@require_http_methods(["GET", "POST"])
def progress_query(request: HttpRequest) -> HttpResponse:
    form = ProgressQueryForm(request.POST or None)
    complaint = None
    masked_phone = ""
    status = 200
    if request.method == "POST":
        keys = _failure_keys(request, request.POST.get("query_code", ""))
        if _locked_out(keys):
            form.add_error(
                None, _("Too many wrong tries. Please try again in 15 minutes, or call 12333.")
            )
            status = 429
        elif form.is_valid():
            complaint = selectors.complaint_find_by_code(
                query_code=form.cleaned_data["query_code"], phone=form.cleaned_data["phone"]
            )
            if complaint is None:
                _count_failure(keys)
                form.add_error(
                    None,
                    _(
                        "No complaint matches this query code and mobile "
                        "number. Check both and try again."
                    ),
                )
            else:
                # The selector matched the number, so it is a valid mobile number.
                masked_phone = mask_phone(validate_mobile(form.cleaned_data["phone"]))
    return render(
        request,
        "intake/web/progress_query.html",
        {
            "form": form,
            "complaint": complaint,
            "masked_phone": masked_phone,
        },
        status=status,
    )
