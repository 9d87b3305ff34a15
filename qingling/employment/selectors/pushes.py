"""Who a job message (岗位推送) reaches: one rule, read by the preview and by the push.

`push_rules` is the only statement of who is left out and why, in order: the first rule
a worker matches names the count they fall in. `push_reason` turns the rules into one SQL
``CASE``. A worker who matches none is then gone through by `push_plan_chunk`: no live
posting suits them (``skipped_nothing_to_offer``), or their number cannot be texted
(``skipped_no_address``), or they are sent today's message. The page's preview and
`qingling.employment.services.pushes.push_send` both go through `push_plan_chunk`, so the
preview's count is what is sent: it once counted only the rules, promised 21 messages
where one worker in 21 had a job to be offered, and sent 1.
"""

import dataclasses
import datetime as dt
from collections.abc import Sequence

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

from qingling.core.personal_data import unseal
from qingling.core.validators import validate_mobile
from qingling.employment.matching import PostingIndex
from qingling.employment.models import ContactChannel, Posting, Push, Seeker
from qingling.employment.selectors.postings import (
    posting_profiles,
    postings_offerable,
    seeker_profiles,
)

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


REASONS_AFTER_RULES = ("skipped_nothing_to_offer", "skipped_no_address")
"""What the rules in SQL cannot know and `push_plan` finds out worker by worker: no live
posting suits the worker, or the mobile number on file cannot be read or texted."""

CHUNK = 200
"""Workers read, matched and reported on per round."""
PREVIEW_EXACT_MAX = 5000
"""Up to this many workers left by the rules, the preview goes through each of them as
the sending will (matching, the number): its count is then exactly what is sent. Above
it, the preview gives the rules' count as an upper bound and the run reports the rest."""


@dataclasses.dataclass
class PushContext:
    """The live postings of the day, read once per run: the index that ranks them for a
    worker's profile, and the general list for those who refused profiling."""

    offerable: dict[int, Posting]
    index: PostingIndex
    general: list[Posting]

    @classmethod
    def load(cls, *, today: dt.date, limit: int) -> "PushContext":
        offerable = {posting.pk: posting for posting in postings_offerable(today=today)}
        profiles = [p for p in posting_profiles(offerable.values()) if p.openings > 0]
        newest = sorted(
            (offerable[p.id] for p in profiles),
            key=lambda posting: (posting.published_at or posting.created_at, posting.pk),
            reverse=True,
        )
        return cls(offerable, PostingIndex(profiles), newest[:limit])


@dataclasses.dataclass
class PushPlanRow:
    """One worker, the reason (`SEND` or a `PushReport` count) and, to send, what."""

    seeker: Seeker
    reason: str
    postings: list[Posting]
    address: dict[str, str] | None


def push_address(seeker: Seeker) -> dict[str, str] | None:
    """The outbox arguments that reach this worker; None when the number cannot be read
    or is not a mobile number the text-message gateway would take."""
    if seeker.contact_channel == ContactChannel.WECHAT:
        return {"gateway": "wechat", "destination": seeker.wechat_openid, "phone": ""}
    try:
        phone = validate_mobile(unseal(seeker.person.phone_sealed, purpose="phone"))
    except Exception:  # a changed data key, a damaged value, a landline: nothing to text to
        return None
    return {"gateway": "sms", "destination": "", "phone": phone}


def push_plan_chunk(
    ids: Sequence[int], *, context: PushContext, today: dt.date, limit: int
) -> list[PushPlanRow]:
    """Who of these workers gets what today, and why the others do not: the rules
    (`push_reason`), then whether any live posting suits them, then their number. The
    one statement of it, for the preview and for the sending."""
    rows = list(
        Seeker.objects.filter(pk__in=ids)
        .select_related("person")
        .order_by("pk")
        .annotate(push_reason=push_reason(today=today))
    )
    # Only the profiles of workers who accepted personalisation are read (PIPL Art. 24).
    wanted = [s.pk for s in rows if s.push_reason == SEND and s.personalised]
    profiles = seeker_profiles(Seeker.objects.filter(pk__in=wanted).order_by("pk"))
    matches = {
        profile.id: [context.offerable[match.id] for match in ranked]
        for profile, ranked in zip(
            profiles, context.index.recommend(profiles, k=limit), strict=True
        )
    }
    plan = []
    for seeker in rows:
        reason: str = seeker.push_reason
        postings: list[Posting] = []
        address = None
        if reason == SEND:
            postings = matches.get(seeker.pk, []) if seeker.personalised else context.general
            if not postings:
                reason = "skipped_nothing_to_offer"
            elif (address := push_address(seeker)) is None:
                reason = "skipped_no_address"
        plan.append(PushPlanRow(seeker, reason, postings, address))
    return plan


@dataclasses.dataclass
class PushPreview:
    total: int
    not_looking: int
    opted_out: int
    no_consent: int
    by_phone: int
    no_address: int
    already_sent: int
    nothing_to_offer: int
    to_send: int
    exact: bool
    """The count went through every worker as the sending will: it is what will be sent
    (unless postings or registrations change meanwhile). Otherwise ``to_send`` is an upper
    bound and ``nothing_to_offer`` unknown (None shown as "?")."""


def push_preview(*, seekers: QuerySet[Seeker], today: dt.date, limit: int = 3) -> PushPreview:
    """Count the workers a push would reach today, and why the others would not: the
    rules in one query, then, for up to `PREVIEW_EXACT_MAX` workers left, the same
    `push_plan_chunk` that the sending goes through."""
    rows = (
        seekers.annotate(push_reason=push_reason(today=today))
        .order_by()
        .values("push_reason")
        .annotate(n=Count("id"))
    )
    counts = {row["push_reason"]: row["n"] for row in rows}
    exact = counts.get(SEND, 0) <= PREVIEW_EXACT_MAX
    if exact and counts.get(SEND, 0):
        context = PushContext.load(today=today, limit=limit)
        ids = list(
            seekers.annotate(push_reason=push_reason(today=today))
            .filter(push_reason=SEND)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        counts[SEND] = 0
        for start in range(0, len(ids), CHUNK):
            for row in push_plan_chunk(
                ids[start : start + CHUNK], context=context, today=today, limit=limit
            ):
                counts[row.reason] = counts.get(row.reason, 0) + 1
    return PushPreview(
        total=sum(counts.values()),
        not_looking=counts.get("skipped_not_looking", 0),
        opted_out=counts.get("skipped_opted_out", 0),
        no_consent=counts.get("skipped_no_consent", 0),
        by_phone=counts.get("to_call", 0),
        no_address=counts.get("skipped_no_address", 0),
        already_sent=counts.get("already_sent", 0),
        nothing_to_offer=counts.get("skipped_nothing_to_offer", 0),
        to_send=counts.get(SEND, 0),
        exact=exact,
    )
