"""Who a job message (岗位推送) reaches: one rule, read by the preview and by the push.

`PUSH_RULES` is the only statement of who is left out and why, in order: the first rule
a worker matches names the count they fall in; a worker who matches none is sent today's
message. `push_reason` turns the rules into one SQL ``CASE``, so the page's preview
counts and `qingling.employment.services.pushes.push_send` classify each worker with the
same expression: ``seekers.annotate(push_reason=push_reason(today=today))``.
"""

import dataclasses
import datetime as dt

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from qingling.employment.models import ContactChannel, Push, Seeker

SEND = ""
"""The reason of a worker who gets a message."""


def push_rules(*, today: dt.date) -> tuple[tuple[str, Q], ...]:
    """(reason, condition) pairs, the first match wins; a reason names a `PushReport` count.

    A worker may be sent job news who still wants to go out, has no confirmed job, has not
    opted out and agreed to be contacted (`Seeker.reachable`). One who chose phone calls
    is listed for a call instead; one without a mobile number or OpenID for their channel
    cannot be reached; one already sent today's message is not sent another.
    """
    return (
        ("skipped_not_looking", ~Q(going_out=True, job_confirmed=False)),
        ("skipped_opted_out", Q(opted_out_at__isnull=False)),
        ("skipped_no_consent", Q(contact_consent=False)),
        ("to_call", Q(contact_channel=ContactChannel.PHONE)),
        (
            "skipped_no_address",
            Q(contact_channel=ContactChannel.WECHAT, wechat_openid="")
            | Q(contact_channel=ContactChannel.SMS, person__phone_sealed=""),
        ),
        ("already_sent", Q(Exists(Push.objects.filter(seeker=OuterRef("pk"), sent_on=today)))),
    )


def push_reason(*, today: dt.date) -> Case:
    """A worker's `push_rules` reason, or `SEND`, as an expression to annotate with."""
    return Case(
        *(When(condition, then=Value(reason)) for reason, condition in push_rules(today=today)),
        default=Value(SEND),
        output_field=CharField(),
    )


@dataclasses.dataclass
class PushPreview:
    total: int
    not_looking: int
    opted_out: int
    no_consent: int
    by_phone: int
    no_address: int
    already_sent: int
    to_send: int
    """At most this many messages: a number may not unseal, or nothing may suit a worker."""


def push_preview(*, seekers: QuerySet[Seeker], today: dt.date) -> PushPreview:
    """Count the workers a push would reach today, by `push_rules`, in one query."""
    rows = (
        seekers.annotate(push_reason=push_reason(today=today))
        .order_by()
        .values("push_reason")
        .annotate(n=Count("id"))
    )
    counts = {row["push_reason"]: row["n"] for row in rows}
    return PushPreview(
        total=sum(counts.values()),
        not_looking=counts.get("skipped_not_looking", 0),
        opted_out=counts.get("skipped_opted_out", 0),
        no_consent=counts.get("skipped_no_consent", 0),
        by_phone=counts.get("to_call", 0),
        no_address=counts.get("skipped_no_address", 0),
        already_sent=counts.get("already_sent", 0),
        to_send=counts.get(SEND, 0),
    )
