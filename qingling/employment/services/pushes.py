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

from qingling.core import clock
from qingling.core.exceptions import ApplicationError, InvalidInput
from qingling.core.models import ImportJob
from qingling.core.services import Actor, audit_event_record, import_job_create
from qingling.core.workbooks import RowFailure
from qingling.employment.models import ContactChannel, Posting, Push, Seeker
from qingling.employment.selectors.pairings import seekers_in_area
from qingling.employment.selectors.pushes import (
    CHUNK,
    SEND,
    PushContext,
    PushPlanRow,
    push_plan_chunk,
)
from qingling.employment.selectors.seekers import seeker_stop_path, seekers_for_user
from qingling.notify.services import outbox_enqueue

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
        push.postings.add(*postings)  # a new row: nothing to compare with
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

    Who does, and why the others do not, is `push_plan_chunk`, the same the preview
    counts with. Each worker's message is queued in its own transaction (with its
    ``Push`` row and audit event): the messages are independent, and a stop halfway
    loses nothing, since running again skips whoever already has today's message.
    ``progress(done, total)`` is called after each round of `CHUNK` workers.
    """
    if not 1 <= limit <= LIMIT_MAX:
        raise InvalidInput(
            _("Offer from 1 to %(max)d jobs.") % {"max": LIMIT_MAX},
            extra={"fields": {"limit": [_("From 1 to %(max)d.") % {"max": LIMIT_MAX}]}},
        )
    context = PushContext.load(today=today, limit=limit)
    report = PushReport()
    ids = list(seekers.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for row in push_plan_chunk(chunk, context=context, today=today, limit=limit):
            _push_row(row, report=report, today=today, actor=actor)
        if progress is not None:
            progress(start + len(chunk), len(ids))
    return report


def _push_row(row: PushPlanRow, *, report: PushReport, today: dt.date, actor: Actor) -> None:
    report.considered += 1
    if row.reason == "to_call":
        report.to_call.append(row.seeker.pk)
        return
    if row.reason != SEND:
        setattr(report, row.reason, getattr(report, row.reason) + 1)
        return
    assert row.address is not None
    try:
        sent = _push_one(
            seeker=row.seeker,
            address=row.address,
            postings=row.postings,
            personalised=row.seeker.personalised,
            today=today,
            actor=actor,
        )
    except ApplicationError:
        report.failed += 1
        return
    if not sent:
        report.already_sent += 1
        return
    report.sent += 1
    report.sent_general += not row.seeker.personalised


# --- a push of any size, from the page, in the worker ------------------------------------------

PUSH_JOB_KIND = "employment.push"
"""The background job (``settings.QINGLING_IMPORT_KINDS``) that runs a push for the page."""


@dataclasses.dataclass
class PushJobOutcome:
    """A push run as the worker's job reports it (`qingling.core.services.import_job_run`):
    ``created`` messages queued, ``updated`` already sent today, ``failed`` refused by the
    outbox; ``failures`` carries every other count by its `PushReport` name."""

    created: int
    updated: int
    failed: int
    failures: list[RowFailure]


def push_job_queue(
    *, county: str, township: str, limit: int, back_url: str, actor: Actor
) -> ImportJob:
    """Queue a push of this area for the worker, as ``actor``: the page can start a push
    of any size and follow its progress (`push_job_run`)."""
    if not 1 <= limit <= LIMIT_MAX:
        raise InvalidInput(
            _("Offer from 1 to %(max)d jobs.") % {"max": LIMIT_MAX},
            extra={"fields": {"limit": [_("From 1 to %(max)d.") % {"max": LIMIT_MAX}]}},
        )
    return import_job_create(
        kind=PUSH_JOB_KIND,
        content=b"",
        file_name=_("Job messages"),
        params={"county": county, "township": township.strip(), "limit": limit},
        back_url=back_url,
        language=translation.get_language() or "",
        actor=actor,
    )


def push_job_run(
    *,
    content: bytes,
    actor: Actor,
    progress: Callable[[int, int], None],
    county: str = "",
    township: str = "",
    limit: int = 3,
) -> PushJobOutcome:
    """The worker's side of `push_job_queue`: today's push to the workers of the area that
    the member of staff who queued it sees (a county's officer, their county only). Safe
    to run again after a stop: whoever has today's message is skipped."""
    seekers = seekers_in_area(seekers_for_user(user=actor), county=county, township=township)
    report = push_send(
        seekers=seekers, today=clock.local_today(), actor=actor, limit=limit, progress=progress
    )
    counts = {
        "skipped_not_looking": report.skipped_not_looking,
        "skipped_opted_out": report.skipped_opted_out,
        "skipped_no_consent": report.skipped_no_consent,
        "skipped_no_address": report.skipped_no_address,
        "skipped_nothing_to_offer": report.skipped_nothing_to_offer,
        "to_call": len(report.to_call),
        "sent_general": report.sent_general,
    }
    return PushJobOutcome(
        created=report.sent,
        updated=report.already_sent,
        failed=report.failed,
        failures=[RowFailure(0, name, str(count)) for name, count in counts.items()],
    )
