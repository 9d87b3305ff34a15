"""The blacklist entry's lifecycle as data, and the arithmetic of its term.

Pure Python, no ORM. ``listing_transition`` in services.py is the one write path: it
checks this table, then the guards that need data, then moves the listing with a
compare-and-swap on the status the caller saw.

人社部令第45号 (docs/legal-rules.md) fixes the listing criteria (Art. 5), a 3-year term
and early removal (信用修复) after correction, at least 6 months on the list, and a
written 守信承诺. The procedure (docs/sanctions.md): the notice of intended listing
(告知书) is generated and served like any case document; the defence period
(``QINGLING_LISTING_DEFENCE_WORKDAYS`` working days) runs from the day the service
counts; the chief decides only after it (or on the party's written waiver), answering
any statement and defence; the decision (决定书) names the persons listed with the
organization; the listing is published and shared until its term ends or it is
removed early, or revoked on review or suit.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingling.core.calendars import add_months
from qingling.core.transitions import Transition, step_for, targets_for

TERM_YEARS = 3  # 人社部令第45号: a listing lasts 3 years
REPAIR_MONTHS = 6  # early removal: at least 6 months after the arrears were repaid


REVIEW_DAYS = 60  # 行政复议法 (2023) Art. 20: a review is asked for within 60 days
SUIT_MONTHS = 6  # 行政诉讼法 Art. 46: a suit is brought within 6 months


class ListingStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    NOTIFIED = "notified", _("notice served (事先告知)")
    LISTED = "listed", _("listed (列入名单)")
    REMOVED = "removed", _("removed (移出名单)")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ListingGround(models.TextChoices):
    """The second condition of 人社部令第45号 Art. 5 (the first, an order to pay unpaid
    after its date, is required for both)."""

    THRESHOLD = "threshold", _("arrears reach the crime threshold (数额较大)")
    INCIDENT = "incident", _("a group or extreme incident with serious social impact")


class StepActor(models.TextChoices):
    """Who may take a step: a proposer (an inspector or chief of the case's area), a chief
    who decides (section chief or director), or the system (the worker's daily job)."""

    PROPOSER = "proposer", _("an inspector or chief of the area")
    CHIEF = "chief", _("section chief or director")
    SYSTEM = "system", _("the system, when the term has ended")


class ListingClock(models.TextChoices):
    """The periods of a listing the worker watches (``listing_clocks_scan``)."""

    DEFENCE = "defence", _("the defence period (陈述申辩)")
    TERM = "term", _("the 3-year term")
    REVIEW = "review", _("the review and suit windows (行政复议/行政诉讼)")


S = ListingStatus
A = StepActor
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.PROPOSED, S.NOTIFIED, A.PROPOSER, guard="notice_served"),
    Transition(S.NOTIFIED, S.LISTED, A.CHIEF, guard="defence_over"),
    Transition(S.LISTED, S.REMOVED, A.CHIEF, guard="credit_repaired"),
    Transition(S.LISTED, S.REMOVED, A.CHIEF, guard="revoked"),
    Transition(S.LISTED, S.REMOVED, A.SYSTEM, guard="term_ended"),
    Transition(S.PROPOSED, S.WITHDRAWN, A.PROPOSER, guard="reason_given"),
    Transition(S.PROPOSED, S.WITHDRAWN, A.CHIEF, guard="reason_given"),
    Transition(S.NOTIFIED, S.WITHDRAWN, A.PROPOSER, guard="reason_given"),
    Transition(S.NOTIFIED, S.WITHDRAWN, A.CHIEF, guard="reason_given"),
)
ACTIVE_STATUSES = frozenset({S.PROPOSED, S.NOTIFIED, S.LISTED})


def transition_for(source: str, target: str, actors: frozenset[str]) -> Transition | None:
    """The step from ``source`` to ``target`` that one of ``actors`` may take."""
    return step_for(TRANSITIONS, source, target, actors)


def allowed_targets(source: str, actors: frozenset[str]) -> list[str]:
    """The statuses a person acting as ``actors`` may move a listing in ``source`` to."""
    return targets_for(TRANSITIONS, source, actors)


def term_end(listed_on: dt.date, *, years: int = TERM_YEARS) -> dt.date:
    """The last day on the list: the same day ``years`` calendar years after the
    decision (民法典 Arts. 201–202: the decision day is not counted and the term ends on
    the corresponding day); a listing of 29 February ends on 28 February."""
    return add_months(listed_on, 12 * years)


def repair_possible_from(repaid_on: dt.date, listed_on: dt.date | None = None) -> dt.date:
    """The first day early removal may be approved: 6 calendar months on the list after
    the correction (45号令: corrected, and on the list for 6 months since), so 6 months
    after the later of the repayment and the listing."""
    start = max(repaid_on, listed_on) if listed_on is not None else repaid_on
    return add_months(start, REPAIR_MONTHS)


def suit_window_end(served_on: dt.date) -> dt.date:
    """The last day to sue: ``SUIT_MONTHS`` calendar months after the day of service."""
    return add_months(served_on, SUIT_MONTHS)


# --- the transfer to the police (移送, 国务院令第310号) ----------------------------------------
#
# Proposed by an inspector of the case (the transfer report, Art. 5); the head of the
# bureau (the director) approves or refuses within 3 days; approved, the letter and its
# attachments go to the police within 24 hours (Arts. 5–6); the police open a criminal
# case (立案) or decline (Art. 8); a declined transfer may go to reconsideration (复议)
# within 3 days of the notice, and the police answer within 3 days; a refusal upheld goes
# to the procuratorate's supervision (立案监督) within 3 days (Art. 9), which the bureau may
# also ask for directly. ``referral_transition`` in services.py applies the table.

REFERRAL_DAYS = 3  # 310号令 Art. 5 (decision), Art. 9 (reconsideration, supervision)
REFERRAL_SEND_HOURS = 24  # 310号令 Art. 5: approved, transferred within 24 hours


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed (移送报告)")
    APPROVED = "approved", _("approved by the head (批准移送)")
    REFUSED = "refused", _("not approved (不批准移送)")
    SENT = "sent", _("sent to the police (已移送)")
    ACCEPTED = "accepted", _("accepted by the police (公安立案)")
    DECLINED = "declined", _("declined by the police (不予立案)")
    RECONSIDERATION = "reconsideration", _("reconsideration requested (提请复议)")
    UPHELD = "upheld", _("refusal upheld on reconsideration (复议维持)")
    SUPERVISION = "supervision", _("procuratorate's supervision requested (立案监督)")
    ENDED = "ended", _("ended without a criminal case")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ReferralActor(models.TextChoices):
    """Who takes a step: an inspector of the case (lead or co-inspector), or the head of
    the bureau (the director: 正职负责人或者主持工作的负责人, 310号令 Art. 5)."""

    CASE_INSPECTOR = "case_inspector", _("an inspector of the case")
    HEAD = "head", _("the head of the bureau")


class ReferralClock(models.TextChoices):
    """The periods the worker watches: the bureau's own, and the police's answers the
    bureau waits for (an escalation there means chasing the police, and the
    procuratorate's supervision if they stay silent, 310号令 Art. 17)."""

    DECISION = "decision", _("the head's decision (3 days, Art. 5)")
    SENDING = "sending", _("sending to the police (24 hours, Art. 5)")
    COPY = "copy", _("the copy to the procuratorate (with the transfer)")
    POLICE_ANSWER = (
        "police_answer",
        _("the police's decision to open a case or not (3 days, Art. 8)"),
    )
    RECONSIDERATION = "reconsideration", _("asking for reconsideration (3 days, Art. 9)")
    REVIEW_ANSWER = (
        "review_answer",
        _("the police's answer to the reconsideration (3 days, Art. 9)"),
    )
    SUPERVISION = "supervision", _("asking for the procuratorate's supervision (3 days, Art. 9)")


R = ReferralStatus
RA = ReferralActor
REFERRAL_TRANSITIONS: tuple[Transition, ...] = (
    Transition(R.PROPOSED, R.APPROVED, RA.HEAD),
    Transition(R.PROPOSED, R.REFUSED, RA.HEAD, guard="reason_given"),
    Transition(R.PROPOSED, R.WITHDRAWN, RA.CASE_INSPECTOR, guard="reason_given"),
    Transition(R.APPROVED, R.SENT, RA.CASE_INSPECTOR, guard="sending_recorded"),
    Transition(R.SENT, R.ACCEPTED, RA.CASE_INSPECTOR, guard="police_answer"),
    Transition(R.SENT, R.DECLINED, RA.CASE_INSPECTOR, guard="police_notice"),
    Transition(R.DECLINED, R.RECONSIDERATION, RA.CASE_INSPECTOR, guard="reconsideration_in_time"),
    Transition(R.DECLINED, R.SUPERVISION, RA.CASE_INSPECTOR, guard="supervision_requested"),
    Transition(R.DECLINED, R.ENDED, RA.HEAD, guard="reason_given"),
    Transition(R.RECONSIDERATION, R.ACCEPTED, RA.CASE_INSPECTOR, guard="police_answer"),
    Transition(R.RECONSIDERATION, R.UPHELD, RA.CASE_INSPECTOR, guard="police_notice"),
    Transition(R.UPHELD, R.SUPERVISION, RA.CASE_INSPECTOR, guard="supervision_in_time"),
    Transition(R.UPHELD, R.ENDED, RA.HEAD, guard="reason_given"),
    Transition(R.SUPERVISION, R.ACCEPTED, RA.CASE_INSPECTOR, guard="police_answer"),
    Transition(R.SUPERVISION, R.ENDED, RA.CASE_INSPECTOR, guard="reason_given"),
)
# A case has at most one of these at a time; the others are final.
REFERRAL_LIVE_STATUSES = frozenset(
    {R.PROPOSED, R.APPROVED, R.SENT, R.ACCEPTED, R.DECLINED, R.RECONSIDERATION, R.UPHELD}
    | {R.SUPERVISION}
)
REFERRAL_FINAL_STATUSES = frozenset({R.REFUSED, R.ACCEPTED, R.ENDED, R.WITHDRAWN})
REFERRAL_OPEN_STATUSES = frozenset(REFERRAL_LIVE_STATUSES - REFERRAL_FINAL_STATUSES)
# The clock that runs in a status, if any.
REFERRAL_CLOCK_OF_STATUS = {
    R.PROPOSED: ReferralClock.DECISION,
    R.APPROVED: ReferralClock.SENDING,
    R.SENT: ReferralClock.POLICE_ANSWER,
    R.DECLINED: ReferralClock.RECONSIDERATION,
    R.RECONSIDERATION: ReferralClock.REVIEW_ANSWER,
    R.UPHELD: ReferralClock.SUPERVISION,
}
# Sent, and still with the police or the procuratorate: the copy to the procuratorate
# (抄送检察院, made with the transfer) is watched until it is recorded.
REFERRAL_COPY_STATUSES = frozenset(
    {R.SENT, R.ACCEPTED, R.DECLINED, R.RECONSIDERATION, R.UPHELD, R.SUPERVISION}
)


def referral_transition_for(source: str, target: str, actors: frozenset[str]) -> Transition | None:
    """The step from ``source`` to ``target`` that one of ``actors`` may take."""
    return step_for(REFERRAL_TRANSITIONS, source, target, actors)


def referral_allowed_targets(source: str, actors: frozenset[str]) -> list[str]:
    """The statuses a person acting as ``actors`` may move a referral in ``source`` to."""
    return targets_for(REFERRAL_TRANSITIONS, source, actors)
