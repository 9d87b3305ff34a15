"""Job messages to workers (岗位推送), by text message or WeChat, through the outbox.

Who gets one: a worker who still wants to go out, has no confirmed job, agreed to be
contacted and has not opted out (`Seeker.reachable`); a worker who chose phone calls is
listed for a call instead. That rule is stated once, in
`qingling.employment.selectors.pushes.push_rules`, which the page's preview counts with
too. What they get:

* personalised (the default): the best ``limit`` live postings for the worker's profile,
  ranked by `PostingIndex`;
* not personalised (PIPL Art. 24 — the worker refused profiling): the same general
  list for everyone, the newest ``limit`` live postings, chosen without the profile.

Postings of flagged employers (`employer_flags`) are never offered. Every message names
each job's title, place and pay, links to the public job board, and ends with the worker's
own stop link (`seeker_stop_path`: one tap, then a button, opts them out; 《通信短信息服务
管理规定》: every message carries an easy opt-out). A worker gets at most one message a
day: the outbox deduplicates on ``push:<seeker>:<date>``, so running the push twice, or
two officers at once, sends once.

A WeChat template message spreads the text over four places, because WeChat no longer
shows a template's ``first`` and ``remark`` (since May 2023) and cuts each keyword value
to 20 characters: ``keyword1`` the header, ``keyword2`` the first job shortened to
`WECHAT_KEYWORD_MAX` characters, ``keyword3`` the stop line, and the message's ``url``
(where a tap leads) the full job board.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from qingling.core.exceptions import ApplicationError, InvalidInput
from qingling.core.personal_data import unseal
from qingling.core.services import Actor, audit_event_record
from qingling.employment.matching import PostingIndex
from qingling.employment.models import ContactChannel, Posting, Push, Seeker
from qingling.employment.selectors.postings import (
    posting_profiles,
    postings_offerable,
    seeker_profiles,
)
from qingling.employment.selectors.pushes import SEND, push_reason
from qingling.employment.selectors.seekers import seeker_stop_path
from qingling.notify.services import outbox_enqueue

CHUNK = 200
"""Workers read, matched and reported on per round."""
LIMIT_MAX = 5
"""More jobs than this make a text message too long to read."""
WECHAT_KEYWORD_MAX = 20
"""WeChat shows at most this many characters of a template keyword's value."""


def public_url(path: str) -> str:
    """An absolute address on the public site (``QINGLING_PUBLIC_URL``)."""
    base = str(settings.QINGLING_PUBLIC_URL).rstrip("/")
    return base + path


@dataclasses.dataclass
class PushReport:
    """What one run did, worker by worker; the counts add up to ``considered``."""

    considered: int = 0
    sent: int = 0
    sent_general: int = 0  # of ``sent``: the general, non-personalised list
    already_sent: int = 0  # a message went to them today already
    skipped_not_looking: int = 0  # not going out, or a job is confirmed
    skipped_opted_out: int = 0
    skipped_no_consent: int = 0
    skipped_no_address: int = 0  # no mobile number or no WeChat OpenID
    skipped_nothing_to_offer: int = 0
    failed: int = 0  # the outbox refused the message (a number it cannot text …)
    to_call: list[int] = dataclasses.field(default_factory=list)  # seeker ids, by phone


def _yuan(amount: Decimal) -> str:
    """6000 → "6000", 6000.5 → "6000.50"."""
    amount = Decimal(amount)
    whole = amount.to_integral_value()
    return str(whole) if whole == amount else f"{amount:.2f}"


def push_text(*, seeker: Seeker, postings: Sequence[Posting], personalised: bool) -> dict[str, str]:
    """The parts of one message to ``seeker``, in the city's language: ``header``, one
    line per job (``jobs``), ``more`` (the job board) and ``stop`` (the worker's own stop
    link); ``text`` joins them."""
    with translation.override(settings.LANGUAGE_CODE):
        header = (
            _("Jobs that may suit you:") if personalised else _("New jobs from the job centre:")
        )
        jobs = [
            _("%(title)s, %(place)s, %(pay_min)s–%(pay_max)s yuan a month")
            % {
                "title": posting.title,
                "place": posting.place.name,
                "pay_min": _yuan(posting.pay_min),
                "pay_max": _yuan(posting.pay_max),
            }
            for posting in postings
        ]
        more = _("More jobs: %(url)s") % {"url": public_url("/jobs/")}
        stop = _("To stop these messages: %(url)s") % {"url": public_url(seeker_stop_path(seeker))}
    lines = [header, *(f"{n}. {job}" for n, job in enumerate(jobs, start=1)), more, stop]
    return {
        "header": header,
        "jobs": "\n".join(jobs),
        "more": more,
        "stop": stop,
        "text": "\n".join(lines),
    }


def _shorten(text: str, length: int = WECHAT_KEYWORD_MAX) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _payload(*, channel: str, parts: dict[str, str]) -> dict[str, Any]:
    """The outbox payload: the text; for WeChat also the template's fields (see above)."""
    if channel == ContactChannel.WECHAT:
        first_job = parts["jobs"].split("\n", 1)[0]
        return {
            "text": parts["text"],
            "url": public_url("/jobs/"),
            "fields": {
                "keyword1": _shorten(parts["header"]),
                "keyword2": _shorten(first_job),
                "keyword3": parts["stop"],
            },
        }
    return {"text": parts["text"]}


def _address(seeker: Seeker) -> dict[str, str] | None:
    """The outbox arguments that reach this worker; None when the number cannot be read."""
    if seeker.contact_channel == ContactChannel.WECHAT:
        return {"gateway": "wechat", "destination": seeker.wechat_openid, "phone": ""}
    try:
        phone = unseal(seeker.person.phone_sealed, purpose="phone")
    except Exception:  # a changed data key or a damaged value: nothing to text to
        return None
    return {"gateway": "sms", "destination": "", "phone": phone}


def _push_one(
    *,
    seeker: Seeker,
    address: dict[str, str],
    postings: list[Posting],
    personalised: bool,
    today: dt.date,
    actor: Actor,
) -> bool:
    """Queue one worker's message and record the push; False if it was queued before."""
    parts = push_text(seeker=seeker, postings=postings, personalised=personalised)
    with transaction.atomic():
        message = outbox_enqueue(
            **address,
            payload=_payload(channel=seeker.contact_channel, parts=parts),
            subject=seeker,
            dedupe_key=f"push:{seeker.pk}:{today.isoformat()}",
            actor=actor,
        )
        try:
            with transaction.atomic():
                push = Push.objects.create(
                    seeker=seeker, personalised=personalised, message=message, sent_on=today
                )
        except IntegrityError:  # another run recorded this message first
            return False
        push.postings.set(postings)
        audit_event_record(
            actor=actor,
            action="push.send",
            obj=push,
            after={
                "gateway": address["gateway"],
                "personalised": personalised,
                "postings": [posting.pk for posting in postings],
                "sent_on": today.isoformat(),
            },
        )
    return True


def push_send(
    *,
    seekers: QuerySet[Seeker],
    today: dt.date,
    actor: Actor,
    limit: int = 3,
    progress: Callable[[int, int], None] | None = None,
) -> PushReport:
    """Send today's job message to each of these workers who may receive one.

    Each worker's message is queued in its own transaction (with its ``Push`` row and
    audit event): the messages are independent, and a stop halfway loses nothing, since
    running again skips whoever already has today's message. ``progress(done, total)``
    is called after each round of `CHUNK` workers.
    """
    if not 1 <= limit <= LIMIT_MAX:
        raise InvalidInput(
            _("Offer from 1 to %(max)d jobs.") % {"max": LIMIT_MAX},
            extra={"fields": {"limit": [_("From 1 to %(max)d.") % {"max": LIMIT_MAX}]}},
        )
    offerable = {posting.pk: posting for posting in postings_offerable(today=today)}
    profiles = [p for p in posting_profiles(offerable.values()) if p.openings > 0]
    index = PostingIndex(profiles)
    newest = sorted(
        (offerable[p.id] for p in profiles),
        key=lambda posting: (posting.published_at or posting.created_at, posting.pk),
        reverse=True,
    )
    general = newest[:limit]
    report = PushReport()
    ids = list(seekers.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _push_chunk(
            Seeker.objects.filter(pk__in=chunk).select_related("person").order_by("pk"),
            report=report,
            index=index,
            offerable=offerable,
            general=general,
            today=today,
            actor=actor,
            limit=limit,
        )
        if progress is not None:
            progress(start + len(chunk), len(ids))
    return report


def _push_chunk(
    seekers: QuerySet[Seeker],
    *,
    report: PushReport,
    index: PostingIndex,
    offerable: dict[int, Posting],
    general: list[Posting],
    today: dt.date,
    actor: Actor,
    limit: int,
) -> None:
    rows = list(seekers.annotate(push_reason=push_reason(today=today)))
    reasons: dict[int, str] = {seeker.pk: seeker.push_reason for seeker in rows}
    # Only the profiles of workers who accepted personalisation are read (PIPL Art. 24).
    wanted = [s.pk for s in rows if reasons[s.pk] == SEND and s.personalised]
    profiles = seeker_profiles(Seeker.objects.filter(pk__in=wanted).order_by("pk"))
    matches = {
        profile.id: [offerable[match.id] for match in ranked]
        for profile, ranked in zip(profiles, index.recommend(profiles, k=limit), strict=True)
    }
    for seeker in rows:
        report.considered += 1
        reason = reasons[seeker.pk]
        if reason == "to_call":
            report.to_call.append(seeker.pk)
            continue
        if reason != SEND:
            setattr(report, reason, getattr(report, reason) + 1)
            continue
        postings = matches.get(seeker.pk, []) if seeker.personalised else general
        if not postings:
            report.skipped_nothing_to_offer += 1
            continue
        if (address := _address(seeker)) is None:
            report.skipped_no_address += 1
            continue
        try:
            sent = _push_one(
                seeker=seeker,
                address=address,
                postings=postings,
                personalised=seeker.personalised,
                today=today,
                actor=actor,
            )
        except ApplicationError:
            report.failed += 1
            continue
        if not sent:
            report.already_sent += 1
            continue
        report.sent += 1
        report.sent_general += not seeker.personalised
