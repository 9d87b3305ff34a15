"""The outbox page: what has not gone out yet, and a retry for what gave up."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm
from qingling.core.exceptions import ApplicationError
from qingling.notify import selectors, services
from qingling.notify.models import OutboxMessage

PAGE_SIZE = 50


@require_perm(Perm.OUTBOX_VIEW)
def outbox_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in OutboxMessage.Status.values:
        status = ""
    items = selectors.outbox_list(status=status or None)
    return render(
        request,
        "notify/outbox_list.html",
        {
            "page": Paginator(items, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": OutboxMessage.Status.choices,
            "failed_count": selectors.outbox_failed_count(),
        },
    )


@require_perm(Perm.OUTBOX_VIEW)
@require_POST
def outbox_retry(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    message = selectors.outbox_get(public_id=public_id)
    try:
        services.outbox_retry(message=message, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The message is queued to be sent again."))
    return redirect("notify:outbox_list")
