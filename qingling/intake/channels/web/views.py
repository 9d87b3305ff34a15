"""Public pages for a worker's phone: the complaint form, its receipt, the progress query.

No sign-in. Every post counts against the public limits (per address, per mobile
number; ``core.public``). A complaint is stored only once the code texted to its mobile
number is typed. The receipt (with the query code) is shown only to the browser session
that filed the complaint; the progress query needs the code and the phone number
together and refuses a query code or an address after too many failures.
"""

import uuid
from typing import Any

from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qingling.core.exceptions import ApplicationError, TooManyRequests
from qingling.core.forms import form_add_application_error
from qingling.core.personal_data import mask_phone
from qingling.core.public import (
    client_ip,
    public_form_check,
    public_limit,
    public_rate_limited,
    session_digest,
)
from qingling.core.validators import validate_mobile
from qingling.intake import selectors, services
from qingling.intake.channels.base import FieldErrors
from qingling.intake.channels.web.forms import ProgressQueryForm, WebComplaintForm
from qingling.intake.forms import CallbackForm
from qingling.intake.models import Complaint
from qingling.intake.views import notice_response

RECEIPTS_SESSION_KEY = "web_intake_receipts"
RECEIPTS_KEPT = 5


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
    """The form, in two steps on one page: what happened and the mobile number, then the
    code texted to that number (everything typed is kept). Only with the code is a
    complaint stored; "send a new one" texts another code."""
    form = WebComplaintForm(request.POST or None, request.FILES or None)
    key = _idempotency_key(request) if request.method == "POST" else str(uuid.uuid4())
    code_sent_to = ""
    if request.method == "POST" and request.headers.get("X-Qingling-Step") == "code":
        return _code_step(request, form)
    if request.method == "POST":
        try:
            public_form_check(
                request=request, form="complaint", phone=request.POST.get("phone", "")
            )
            if form.is_valid():
                own = FieldErrors()
                draft = form.draft(own)
                session = session_digest(request)
                code = form.cleaned_data["code"]
                if own.fields:
                    services.complaint_draft_validate(draft=draft, errors=own)
                if "send_code" in request.POST or not code:
                    code_sent_to = services.complaint_code_send(
                        draft=draft,
                        session_digest=session,
                        client_ip=client_ip(request),
                        check_draft="send_code" not in request.POST,
                    )
                    form = WebComplaintForm(_without_code(request.POST))
                else:
                    result = services.complaint_register_web(
                        draft=draft, code=code, session_digest=session, form_key=key
                    )
                    _remember_receipt(request, result.complaint)
                    return redirect("web_intake:done", public_id=result.complaint.public_id)
        except TooManyRequests as error:
            return public_rate_limited(request, error)
        except ApplicationError as error:
            form_add_application_error(form, error)
    return render(
        request,
        "intake/web/complaint_form.html",
        {
            "form": form,
            "idempotency_key": key,
            "code_sent_to": code_sent_to,
            "files_lost": request.method == "POST" and bool(request.FILES),
        },
    )


def _code_step(request: HttpRequest, form: WebComplaintForm) -> JsonResponse:
    """The page's script asks for the code without leaving the page (the photos chosen
    stay chosen): JSON saying where the code went, or the refusal (the script then posts
    the form the ordinary way, whose page shows what to fix)."""
    try:
        public_form_check(request=request, form="complaint", phone=request.POST.get("phone", ""))
        if not form.is_valid():
            return JsonResponse({"code": "invalid"}, status=400)
        own = FieldErrors()
        draft = form.draft(own)
        if own.fields:
            services.complaint_draft_validate(draft=draft, errors=own)
        sent_to = services.complaint_code_send(
            draft=draft,
            session_digest=session_digest(request),
            client_ip=client_ip(request),
            check_draft="send_code" not in request.POST,
        )
    except ApplicationError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    message = _(
        "We sent a 6-digit code to %(phone)s. Enter it below and send again; "
        "it is valid for 10 minutes."
    ) % {"phone": sent_to}
    return JsonResponse({"sent_to": sent_to, "message": message})


def _without_code(data: QueryDict) -> QueryDict:
    """The post as typed, but the code field empty: a new code was just sent."""
    kept = data.copy()
    kept["code"] = ""
    return kept


@never_cache
def complaint_done(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    receipt = request.session.get(RECEIPTS_SESSION_KEY, {}).get(str(public_id))
    if receipt is None:
        raise Http404
    return render(request, "intake/web/complaint_done.html", {"receipt": receipt})


def _failure_limits(request: HttpRequest, code: str) -> list[tuple[str, int, int]]:
    """The failure counters of a query: per query code tried and per client address,
    each with its allowance and window (``QINGLING_PUBLIC_LIMITS``: ``query_code``,
    ``query_ip``). Not per browser session: a new session would reset it.

    Per code stops guessing a known code's phone number from many addresses; per address
    stops one address trying many codes. The address allowance is larger (many workers
    share a carrier's address); guessing needs an 8-character code and the number.
    """
    code = "".join(code.split()).upper()[:16]
    code_limit, code_window = public_limit("query_code")
    ip_limit, ip_window = public_limit("query_ip")
    return [
        (f"web_intake:query_failures:code:{code}", code_limit, code_window),
        (f"web_intake:query_failures:ip:{client_ip(request)}", ip_limit, ip_window),
    ]


def _locked_out(limits: list[tuple[str, int, int]]) -> bool:
    return any((cache.get(key) or 0) >= allowed for key, allowed, _window in limits)


def _count_failure(limits: list[tuple[str, int, int]]) -> None:
    for key, _allowed, window in limits:
        # The window starts at the first failure and is not extended by later ones.
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


@never_cache
@require_http_methods(["GET", "POST"])
def progress_query(request: HttpRequest) -> HttpResponse:
    form = ProgressQueryForm(request.POST or None)
    complaint = None
    masked_phone = ""
    status = 200
    if request.method == "POST":
        keys = _failure_limits(request, request.POST.get("query_code", ""))
        try:
            public_form_check(request=request, form="query", phone=request.POST.get("phone", ""))
        except TooManyRequests as error:
            return public_rate_limited(request, error)
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
                _remember_query(request, complaint)
    return render(
        request,
        "intake/web/progress_query.html",
        {
            "form": form,
            "complaint": complaint,
            "masked_phone": masked_phone,
            "notices": selectors.complaint_notices(complaint=complaint) if complaint else [],
            "progress": (
                selectors.complaint_case_progress(complaint=complaint) if complaint else None
            ),
            "settlement": (
                selectors.complaint_settlement(complaint=complaint) if complaint else None
            ),
        },
        status=status,
    )


QUERIED_SESSION_KEY = "web_intake_queried"


def _remember_query(request: HttpRequest, complaint: Complaint) -> None:
    """The complaints this browser session proved (query code and mobile): their notices
    may be downloaded from it, and from no other session."""
    queried: list[str] = request.session.get(QUERIED_SESSION_KEY, [])
    if str(complaint.public_id) not in queried:
        queried = [*queried, str(complaint.public_id)][-RECEIPTS_KEPT:]
    request.session[QUERIED_SESSION_KEY] = queried


@never_cache
def notice_download(
    request: HttpRequest, public_id: uuid.UUID, notice_id: uuid.UUID, fmt: str
) -> FileResponse:
    """The worker's own notice, for the session that passed the progress query."""
    if str(public_id) not in request.session.get(QUERIED_SESSION_KEY, []):
        raise Http404
    complaint = Complaint.objects.filter(public_id=public_id).first()
    notice = (
        selectors.notice_for_complaint(complaint=complaint, public_id=notice_id)
        if complaint
        else None
    )
    if notice is None:
        raise Http404
    return notice_response(notice, fmt)


@never_cache
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest, token: str) -> HttpResponse:
    """The one-question callback page (回访) the worker's text links to: did the money
    arrive, how satisfied are you. Answered once; the link then says thank you."""
    found = selectors.callback_from_token(token)
    if found is None:
        raise Http404
    form = CallbackForm(request.POST or None)
    if request.method == "POST":
        try:
            public_form_check(request=request, form="callback")
        except TooManyRequests as error:
            return public_rate_limited(request, error)
        if form.is_valid():
            try:
                services.callback_answer(
                    callback=found,
                    money_received=form.cleaned_data["money_received"],
                    satisfaction=form.cleaned_data["satisfaction"],
                    note=form.cleaned_data["note"],
                    actor=None,
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                return redirect("web_intake:callback", token=token)
    found.refresh_from_db()
    return render(request, "intake/web/callback.html", {"form": form, "callback": found})


@never_cache
@require_http_methods(["GET", "POST"])
def stop(request: HttpRequest, token: str) -> HttpResponse:
    """The stop link (退订) at the end of each text about a complaint. GET only asks (link
    checkers and previews open links); the button POSTs the stop, as the job messages'."""
    if request.method == "POST":
        try:
            public_form_check(request=request, form="stop_link")
        except TooManyRequests as error:
            return public_rate_limited(request, error)
    complaint = selectors.complaint_from_stop_token(token)
    done = complaint.texts_stopped_at is not None
    if request.method == "POST" and not done:
        services.complaint_texts_stop(complaint=complaint, actor=None)
        done = True
    return render(request, "intake/web/stop.html", {"complaint": complaint, "done": done})
