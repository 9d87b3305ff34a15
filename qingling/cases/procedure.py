"""The decision procedure as data: its statuses, who moves it where, and every clock.

Pure Python, no ORM, like ``lifecycle.py``. When an order to pay was served and its
date passed with money still owed, the bureau may not decide at once: 监察条例 Art. 19
and 行政处罚法 Arts. 44–45 want the party told first (事先告知: the facts, the legal
basis, the intended decision, the right to 陈述申辩, and to a 听证 where the law gives
one) and heard. Then the handling decision (行政处理决定: the wages and the extra
compensation, 劳动合同法 Art. 85 / 监察条例 Art. 26) and/or the penalty decision
(行政处罚决定). Once the decisions are final (no 行政复议 or 行政诉讼 within their
periods) and not carried out, a reminder (催告书, 行政强制法 Art. 54) and then the
application to the court (申请法院强制执行, Art. 53).

``decisions.proceeding_transition`` is the one write path of the status: it checks
this table, then the guards that need data, then moves the proceeding with a
compare-and-swap on the status the caller saw, audited on the case.

Every length below is the one place the rule lives; docs/legal-rules.md lists each
with its source. How a day count runs (民法典 Arts. 201–203, 行政处罚法 Art. 85,
行政强制法 Art. 69): the day of service is not counted; a limit of "N days" in
行政处罚法 of 2, 3, 5 or 7 days, and in 行政强制法 of 10 days or less, counts working
days; longer ones count calendar days and a last day on a rest day moves to the next
working day (``core.calendars.add_calendar_days``).
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingling.core import transitions
from qingling.core.transitions import Transition, step_for, targets_for

# --- the clocks -----------------------------------------------------------------------------

# The defence period after the notice is served. 行政处罚法 fixes none for a 陈述申辩
# that is not a hearing; the one figure it gives is the hearing request, "告知后五日内"
# (Art. 64), a working-day limit (Art. 85). The platform uses it for both, so the party
# has as long to defend in writing as to ask for a hearing; a bureau whose province sets
# another period sets QINGLING_DEFENCE_WORKING_DAYS.
DEFENCE_WORKING_DAYS_DEFAULT = 5  # 行政处罚法 Art. 64 + Art. 85
HEARING_REQUEST_WORKING_DAYS = 5  # 行政处罚法 Art. 64: request within 5 days of the notice
HEARING_NOTICE_WORKING_DAYS = 7  # Art. 64: the party is told 7 days before the hearing
# 行政处罚法 Art. 60: the penalty decision within 90 (calendar) days of 立案, "unless laws,
# regulations or rules provide otherwise". An extension of the case (监察条例 Art. 17,
# approved) carries the limit to the extended investigation date; whether that
# regulation's 60 + 30 working days replace the 90 days is to confirm (legal-rules.md).
PENALTY_DECISION_DAYS = 90
REVIEW_DAYS = 60  # 行政复议法 Art. 20: 行政复议 within 60 days of knowing the decision
SUIT_MONTHS = 6  # 行政诉讼法 Art. 46: 行政诉讼 within 6 months
REMINDER_WORKING_DAYS = 10  # 行政强制法 Art. 54 (and Art. 69: ≤ 10 days are working days)
APPLICATION_MONTHS = 3  # 行政强制法 Art. 53: apply within 3 months of the periods' end
FINE_PAYMENT_DAYS = 15  # 行政处罚法 Art. 67: a fine is paid within 15 days of service
DECISION_PAYMENT_DAYS = 15  # the handling decision's date to pay, from its service (platform)
SURCHARGE_RATE = Decimal("0.03")  # 行政处罚法 Art. 72: 3 % of the fine a day, at most the fine
COMPENSATION_RATE_MIN = Decimal("0.50")  # 劳动合同法 Art. 85, 监察条例 Art. 26: 50 %–100 %
COMPENSATION_RATE_MAX = Decimal("1.00")


class ProceedingStatus(models.TextChoices):
    NOTIFIED = "notified", _("notice of the intended decision (事先告知)")
    DECIDED = "decided", _("decided (决定)")
    FINAL = "final", _("final, not carried out")
    REMINDED = "reminded", _("reminder issued (催告)")
    APPLIED = "applied", _("applied to the court (申请强制执行)")
    CONCLUDED = "concluded", _("court ruling recorded")
    CARRIED_OUT = "carried_out", _("carried out (履行完毕)")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ProceedingActor(models.TextChoices):
    """An inspector of the case, or a chief of its area: a decision is the bureau's and
    its head approves it (行政处罚法 Art. 57)."""

    CASE_INSPECTOR = "case_inspector", _("an inspector of the case")
    CHIEF = "chief", _("section chief or director")


class ProceedingClock(models.TextChoices):
    """The clocks the worker watches (warns before, escalates after)."""

    DEFENCE = "defence", _("the defence period (陈述申辩)")
    FINALITY = "finality", _("the periods for review and suit (复议、诉讼)")
    REMINDER = "reminder", _("the reminder's period (催告, 10 working days)")
    APPLICATION = "application", _("the application to the court (3 months)")
    DECISION = "decision", _("the penalty decision (90 days from 立案)")


S = ProceedingStatus
A = ProceedingActor
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.NOTIFIED, S.DECIDED, A.CHIEF, guard="defence_over"),
    Transition(S.NOTIFIED, S.WITHDRAWN, A.CHIEF, guard="reason_given"),
    Transition(S.DECIDED, S.FINAL, A.CASE_INSPECTOR, guard="periods_over"),
    Transition(S.DECIDED, S.CARRIED_OUT, A.CASE_INSPECTOR, guard="carried_out"),
    Transition(S.FINAL, S.REMINDED, A.CASE_INSPECTOR, guard="reminder_generated"),
    Transition(S.FINAL, S.CARRIED_OUT, A.CASE_INSPECTOR, guard="carried_out"),
    Transition(S.REMINDED, S.APPLIED, A.CASE_INSPECTOR, guard="application_in_window"),
    Transition(S.REMINDED, S.CARRIED_OUT, A.CASE_INSPECTOR, guard="carried_out"),
    Transition(S.APPLIED, S.CONCLUDED, A.CASE_INSPECTOR, guard="ruling_recorded"),
)
LIVE_STATUSES = frozenset({S.NOTIFIED, S.DECIDED, S.FINAL, S.REMINDED, S.APPLIED})
# The clock that runs in a status.
CLOCK_OF_STATUS: dict[str, ProceedingClock] = {
    S.NOTIFIED: ProceedingClock.DEFENCE,
    S.DECIDED: ProceedingClock.FINALITY,
    S.FINAL: ProceedingClock.APPLICATION,
    S.REMINDED: ProceedingClock.REMINDER,
}


def transition_for(source: str, target: str, actors: frozenset[str]) -> Transition | None:
    """The step from ``source`` to ``target`` that one of ``actors`` may take."""
    return step_for(TRANSITIONS, source, target, actors)


def allowed_targets(source: str, actors: frozenset[str]) -> list[str]:
    """The statuses a person acting as ``actors`` may move a proceeding in ``source`` to."""
    return targets_for(TRANSITIONS, source, actors)


def mermaid() -> str:
    """The table as a Mermaid state diagram, for docs/case-lifecycle.md."""
    return transitions.mermaid(
        TRANSITIONS, start=S.NOTIFIED, finals=(S.CONCLUDED, S.CARRIED_OUT, S.WITHDRAWN)
    )


# --- money ----------------------------------------------------------------------------------

CENT = Decimal("0.01")


def compensation_amount(*, base: Decimal, rate: Decimal) -> Decimal:
    """The extra compensation of one worker: the wages still owed at the order's date
    times the rate, to the fen (half up)."""
    return (base * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def surcharge(*, fine: Decimal, due: dt.date, on: dt.date) -> Decimal:
    """The late-payment surcharge (加处罚款) of a fine not paid by ``due``, as it stands at
    the end of ``on``: 3 % of the fine for each day after ``due``, never more than the fine
    (行政处罚法 Art. 72). Paying on the due date owes nothing."""
    days = max((on - due).days, 0)
    return min((fine * SURCHARGE_RATE * days).quantize(CENT), fine)
