"""The blacklist entry's lifecycle as data, and the arithmetic of its term.

Pure Python, no ORM. ``listing_transition`` in services.py is the one write path: it
checks this table, then the guards that need data, then moves the listing with a
compare-and-swap on the status the caller saw.

人社部令第45号 (docs/legal-rules.md) fixes the listing criteria (Art. 5), a 3-year term
and early removal (信用修复) after repayment, at least 6 months, and a written 守信承诺.
Its notice (事先告知) and defence (陈述申辩) periods were not found, so no timer is
coded: the steps are recorded (the date the notice was served, what the party said)
and the chief decides when the defence is over.
"""

import calendar
import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingling.core.transitions import Transition

TERM_YEARS = 3  # 人社部令第45号: a listing lasts 3 years
REPAIR_MONTHS = 6  # early removal: at least 6 months after the arrears were repaid


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


S = ListingStatus
A = StepActor
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.PROPOSED, S.NOTIFIED, A.PROPOSER, guard="notice_served"),
    Transition(S.NOTIFIED, S.LISTED, A.CHIEF),
    Transition(S.LISTED, S.REMOVED, A.CHIEF, guard="credit_repaired"),
    Transition(S.LISTED, S.REMOVED, A.SYSTEM, guard="term_ended"),
    Transition(S.PROPOSED, S.WITHDRAWN, A.PROPOSER, guard="reason_given"),
    Transition(S.PROPOSED, S.WITHDRAWN, A.CHIEF, guard="reason_given"),
    Transition(S.NOTIFIED, S.WITHDRAWN, A.PROPOSER, guard="reason_given"),
    Transition(S.NOTIFIED, S.WITHDRAWN, A.CHIEF, guard="reason_given"),
)
ACTIVE_STATUSES = frozenset({S.PROPOSED, S.NOTIFIED, S.LISTED})


def transition_for(source: str, target: str, actors: frozenset[str]) -> Transition | None:
    """The step from ``source`` to ``target`` that one of ``actors`` may take."""
    return next(
        (t for t in TRANSITIONS if t.source == source and t.target == target and t.actor in actors),
        None,
    )


def allowed_targets(source: str, actors: frozenset[str]) -> list[str]:
    """The statuses a person acting as ``actors`` may move a listing in ``source`` to."""
    found: list[str] = []
    for t in TRANSITIONS:
        if t.source == source and t.actor in actors and t.target not in found:
            found.append(t.target)
    return found


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later; a day the month lacks (31 April,
    29 February in a common year) becomes the month's last day (民法典 Art. 202)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(listed_on: dt.date, *, years: int = TERM_YEARS) -> dt.date:
    """The last day on the list: the same day ``years`` calendar years after the
    decision (民法典 Arts. 201–202: the decision day is not counted and the term ends on
    the corresponding day); a listing of 29 February ends on 28 February."""
    return add_months(listed_on, 12 * years)


def repair_possible_from(repaid_on: dt.date) -> dt.date:
    """The first day early removal may be approved: 6 calendar months after repayment."""
    return add_months(repaid_on, REPAIR_MONTHS)
