"""Writes of introductions (人岗对接): staff recommend a posting to a worker, then record
whether the worker was hired. A hired introduction is a placement and confirms the job."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.core import clock
from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.services import (
    Actor,
    audit_event_record,
    audit_snapshot,
    status_compare_and_swap,
)
from qingling.employment.matching import Match, assess
from qingling.employment.models import Introduction, Posting, Seeker
from qingling.employment.selectors.postings import employer_flags, posting_profiles, seeker_profiles

S = Introduction.Status
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.INTRODUCED, S.HIRED): "introduction.hire",
    (S.INTRODUCED, S.DECLINED): "introduction.decline",
}


def reasons_json(match: Match) -> list[dict[str, object]]:
    return [{"code": r.code, "params": dict(r.params)} for r in match.reasons]


@transaction.atomic
def introduction_create(*, seeker: Seeker, posting: Posting, actor: Actor) -> Introduction:
    """Introduce a worker to a posting after reviewing the match; the rules still apply.

    The pair must pass every hard filter of the matching, the posting must be live and
    its employer not flagged: staff review suggestions, they do not override the rules.
    """
    today = clock.local_today()
    if posting.status != Posting.Status.PUBLISHED or posting.expires_on < today:
        raise Conflict(
            _("Only a published, unexpired posting can be offered."), code="posting_not_live"
        )
    if flags := employer_flags([posting.employer_id]).get(posting.employer_id):
        raise Conflict(
            _("This employer's jobs may not be offered to workers: %(why)s")
            % {"why": " ".join(flags)},
            code="employer_flagged",
        )
    if not seeker.going_out:
        message = _("The worker does not want to go out to work.")
        raise InvalidInput(message, extra={"fields": {"seeker": [message]}})
    if not seeker.reachable:
        # Introducing passes the worker's details to an employer (PIPL Art. 23): only with
        # the worker's consent, and never after they asked to hear no more.
        message = _("The worker has not agreed to be put in touch with employers.")
        raise InvalidInput(message, extra={"fields": {"seeker": [message]}})
    (seeker_profile,) = seeker_profiles(Seeker.objects.filter(pk=seeker.pk))
    (posting_profile,) = posting_profiles([posting])
    match = assess(seeker_profile, posting_profile)
    if match is None:
        message = _(
            "The posting does not fit the worker's occupation, place, dates or pay, "
            "or it has no openings left."
        )
        raise InvalidInput(message, extra={"fields": {"posting": [message]}})
    introduction = Introduction(
        seeker=seeker,
        posting=posting,
        score=round(match.score, 1),
        reasons=reasons_json(match),
        introduced_on=today,
        introduced_by=actor if isinstance(actor, User) else None,
    )
    try:
        with transaction.atomic():
            introduction.save()
    except IntegrityError:
        raise Conflict(
            _("The worker was already introduced to this posting."), code="introduction_exists"
        ) from None
    audit_event_record(
        actor=actor,
        action="introduction.create",
        obj=introduction,
        after=audit_snapshot(introduction, ("seeker", "posting", "score", "status")),
    )
    return introduction


@transaction.atomic
def introduction_decide(*, introduction: Introduction, to: str, actor: Actor) -> Introduction:
    """Record the outcome; a hire confirms the worker's job and its destination."""
    action = TRANSITIONS.get((introduction.status, to))
    if action is None:
        raise Conflict(_("This introduction is decided already."), code="introduction_decided")
    status_compare_and_swap(
        obj=introduction,
        values={"status": to, "decided_on": clock.local_today()},
        conflict=Conflict(
            _("Someone else recorded the outcome first; reload the page."),
            code="introduction_conflict",
        ),
        actor=actor,
        action=action,
        audit_fields=("status", "decided_on"),
    )
    if to == S.HIRED:
        seeker, posting = introduction.seeker, introduction.posting
        before = audit_snapshot(
            seeker, ("job_confirmed", "confirmed_employer", "confirmed_destination")
        )
        seeker.job_confirmed = True
        seeker.confirmed_employer = posting.employer.name
        seeker.confirmed_destination = posting.place
        seeker.save(
            update_fields=[
                "job_confirmed",
                "confirmed_employer",
                "confirmed_destination",
                "updated_at",
            ]
        )
        audit_event_record(
            actor=actor,
            action="seeker.job_confirm",
            obj=seeker,
            before=before,
            after=audit_snapshot(
                seeker, ("job_confirmed", "confirmed_employer", "confirmed_destination")
            ),
        )
    return introduction
