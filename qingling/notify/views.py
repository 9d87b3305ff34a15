"""The outbox page (what has not gone out yet, a retry for what gave up) and each member
of staff's notifications: the bell, the list, the settings."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm
from qingling.core.exceptions import ApplicationError
from qingling.core.forms import form_add_application_error
from qingling.notify import selectors, services
from qingling.notify.models import NotificationChannel, NotificationKind, OutboxMessage

PAGE_SIZE = 50
CHANNELS = NotificationChannel.choices


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


# --- notifications to staff: the bell, the list, the settings ---------------------------------


def _staff_member(request: HttpRequest) -> None:
    if not getattr(request.user, "role", ""):
        raise PermissionDenied


@login_required
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The header's bell with the unread count (htmx loads it after the page, and again
    every minute, so no page pays for the count)."""
    count = selectors.notifications_unread_count(user=request.user)
    response = render(request, "notify/bell.html", {"unread": count})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    _staff_member(request)
    items = selectors.notifications_for_user(user=request.user)
    return render(
        request,
        "notify/notification_list.html",
        {
            "page": Paginator(items, PAGE_SIZE).get_page(request.GET.get("page")),
            "unread": selectors.notifications_unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Mark one read and go to what it is about."""
    _staff_member(request)
    notification = selectors.notification_get_for_user(user=request.user, public_id=public_id)
    services.notifications_mark_read(user=request.user, public_ids=[notification.public_id])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("notify:notification_list")
    return redirect(target)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    _staff_member(request)
    count = services.notifications_mark_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return redirect("notify:notification_list")


class NotificationSettingsForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Mobile for text messages"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    webhook_url = forms.CharField(
        label=gettext_lazy("Webhook URL (政务微信 robot)"),
        required=False,
        max_length=500,
        widget=forms.URLInput(),
    )
    digest = forms.BooleanField(
        label=gettext_lazy("Send text messages and webhooks as one digest a day"),
        required=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """What I receive, per kind and channel, and where."""
    _staff_member(request)
    current = selectors.notification_settings_for(user=request.user)
    grid = [
        (kind, label, [(c, c_label, c in current.channels_for(kind)) for c, c_label in CHANNELS])
        for kind, label in NotificationKind.choices
    ]
    form = NotificationSettingsForm(
        request.POST or None,
        initial={"webhook_url": current.webhook_url, "digest": current.digest},
    )
    if request.method == "POST":
        choices = {kind: request.POST.getlist(f"kind-{kind}") for kind in NotificationKind.values}
        grid = [
            (kind, label, [(c, c_label, c in choices[kind]) for c, c_label in CHANNELS])
            for kind, label in NotificationKind.choices
        ]
        if form.is_valid():
            try:
                services.notification_settings_update(
                    user=request.user,
                    choices=choices,
                    phone=form.cleaned_data["phone"],
                    webhook_url=form.cleaned_data["webhook_url"],
                    digest=form.cleaned_data["digest"],
                    actor=request.user,
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("notify:notification_settings")
    return render(
        request,
        "notify/notification_settings.html",
        {"form": form, "grid": grid, "channels": CHANNELS, "current": current},
    )
