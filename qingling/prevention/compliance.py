"""A project's compliance checklist (issue 15, docs/compliance.md): a pure function of what
the registry knows about the project and today's date. No query, no write: the selectors
gather ``ProjectFacts`` and pass them here, the project page, the list and the inspection
start page all show the result.

Every date is a local calendar date. A month's duty (labour cost transferred, attendance
kept, payroll paid through the wage account) is due by the last day of the next month,
the deadline the monitoring rules use (``monitoring.rules.MonthWindow``). The duties that
come before work starts (account, agreement, deposit, board) are due on the start date.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingling.prevention.monitoring.rules import MonthWindow


class Item(models.TextChoices):
    WAGE_OFFICER = "wage_officer", _("Wage officer (劳资专管员)")
    ROSTER = "roster", _("Real-name roster (实名制)")
    WAGE_ACCOUNT = "wage_account", _("Dedicated wage account (专用账户)")
    AGREEMENT = "agreement", _("Tripartite account agreement")
    DEPOSIT = "deposit", _("Wage deposit (工资保证金)")
    RIGHTS_BOARD = "rights_board", _("Rights information board (维权信息告示牌)")
    LABOUR_COST = "labour_cost", _("Labour cost transferred monthly (人工费用)")
    ATTENDANCE = "attendance", _("Attendance kept monthly (考勤)")
    PAYROLL = "payroll", _("Wages paid through the account monthly (代发)")
    COMPLETION = "completion", _("Completion: 30 days of publicity, then account closure")


class State(models.TextChoices):
    OK = "ok", _("in order")
    DUE = "due", _("due")
    MISSING = "missing", _("missing")
    LATE = "late", _("late")
    NOT_APPLICABLE = "not_applicable", _("not applicable")


# What the rule requires the rights board to show (条例 Art. 34), in its order.
class BoardContent(models.TextChoices):
    PARTIES = "parties", _("The builder, general contractor, subcontractors and wage officer")
    AUTHORITY = "authority", _("The sector authority")
    MINIMUM_WAGE = "minimum_wage", _("The local minimum wage")
    PAY_DAY = "pay_day", _("The pay date")
    HOTLINES = "hotlines", _("The complaint hotlines (sector and labour inspection)")
    ARBITRATION = "arbitration", _("The labour-dispute arbitration channel")
    LEGAL_AID = "legal_aid", _("The legal-aid channel and public legal-service hotline")


@dataclass(frozen=True)
class MonthFacts:
    """A month's records: the first labour-cost transfer, its total and the progress
    payment it belongs to, whether there is attendance, and the first payroll payment
    through the wage account."""

    transferred_on: dt.date | None = None
    transferred: Decimal = Decimal(0)
    progress_payment: Decimal | None = None
    attendance: bool = False
    paid_via_account_on: dt.date | None = None


@dataclass(frozen=True)
class ProjectFacts:
    start_date: dt.date | None = None
    completed_on: dt.date | None = None
    publicity_ends_on: dt.date | None = None
    has_wage_officer: bool = False
    roster_size: int = 0
    account_opened_on: dt.date | None = None
    account_closed_on: dt.date | None = None
    has_agreement: bool = False
    deposit_lodged_on: dt.date | None = None
    deposit_required: Decimal = Decimal(0)
    deposit_held: Decimal = Decimal(0)
    deposit_top_up_due: dt.date | None = None
    deposit_refunded_on: dt.date | None = None
    board_put_up_on: dt.date | None = None
    board_contents: frozenset[str] = frozenset()
    min_share: Decimal = Decimal(0)
    months: Mapping[str, MonthFacts] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    item: str
    state: str
    due: dt.date | None = None
    done_on: dt.date | None = None
    months: tuple[str, ...] = ()  # the months missing or late, for the monthly items
    missing_contents: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return str(Item(self.item).label)

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)

    @property
    def failing(self) -> bool:
        return self.state in (State.MISSING, State.LATE)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """The months from ``first``'s to ``last``'s, both included (none when last < first)."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_deadline(month: str) -> dt.date:
    """The last day of the month after ``month``: when a month's duties are due."""
    return MonthWindow.parse(month).deadline


def judged_months(facts: ProjectFacts, today: dt.date) -> list[str]:
    """The months whose duties are due by today: from the start's month to the completion's
    (or today's), those whose deadline is before today."""
    if facts.start_date is None or facts.start_date > today:
        return []
    end = min(facts.completed_on or today, today)
    return [m for m in months_between(facts.start_date, end) if month_deadline(m) < today]


def _once(item: str, due: dt.date | None, done_on: dt.date | None, today: dt.date) -> Check:
    """A duty done once by a date: done in time, done late, still due, or missing."""
    if done_on is not None:
        late = due is not None and done_on > due
        return Check(item, State.LATE if late else State.OK, due, done_on)
    if due is None or due >= today:
        return Check(item, State.DUE, due)
    return Check(item, State.MISSING, due)


def _monthly(item: str, facts: ProjectFacts, today: dt.date) -> Check:
    missing: list[str] = []
    late: list[str] = []
    unknown = False  # a month without attendance: its payroll cannot be judged
    for month in judged_months(facts, today):
        record = facts.months.get(month, MonthFacts())
        deadline = month_deadline(month)
        if item == Item.LABOUR_COST:
            done = record.transferred_on
            short = (
                record.progress_payment is not None
                and record.progress_payment > 0
                and record.transferred < record.progress_payment * facts.min_share
            )
            if done is None or short:
                missing.append(month)
            elif done > deadline:
                late.append(month)
        elif item == Item.ATTENDANCE:
            if not record.attendance:
                missing.append(month)
        elif record.attendance:  # payroll is due for a month with attendance
            done = record.paid_via_account_on
            if done is None:
                missing.append(month)
            elif done > deadline:
                late.append(month)
        else:
            unknown = True
    if missing:
        return Check(item, State.MISSING, month_deadline(missing[0]), months=tuple(missing))
    if late:
        return Check(item, State.LATE, month_deadline(late[0]), months=tuple(late))
    if facts.start_date is None or unknown:
        return Check(item, State.DUE)
    return Check(item, State.OK)


def _deposit(facts: ProjectFacts, today: dt.date) -> Check:
    check = _once(Item.DEPOSIT, facts.start_date, facts.deposit_lodged_on, today)
    if facts.deposit_lodged_on is None or facts.deposit_refunded_on is not None:
        return check
    if facts.deposit_held < facts.deposit_required:
        due = facts.deposit_top_up_due
        if due is None or due < today:
            return Check(Item.DEPOSIT, State.MISSING, due, facts.deposit_lodged_on)
        return Check(Item.DEPOSIT, State.DUE, due, facts.deposit_lodged_on)
    return check


def _board(facts: ProjectFacts, today: dt.date) -> Check:
    check = _once(Item.RIGHTS_BOARD, facts.start_date, facts.board_put_up_on, today)
    if facts.board_put_up_on is None:
        return check
    lacking = tuple(c for c in BoardContent.values if c not in facts.board_contents)
    if lacking:
        return Check(
            Item.RIGHTS_BOARD,
            State.MISSING,
            facts.start_date,
            facts.board_put_up_on,
            missing_contents=lacking,
        )
    return check


def _completion(facts: ProjectFacts, today: dt.date) -> Check:
    if facts.completed_on is None:
        return Check(Item.COMPLETION, State.NOT_APPLICABLE)
    ends = facts.publicity_ends_on
    closed = facts.account_closed_on
    if closed is not None and ends is not None and closed < ends:
        return Check(Item.COMPLETION, State.LATE, ends, closed)  # closed before publicity ended
    if closed is not None:
        return Check(Item.COMPLETION, State.OK, ends, closed)
    return Check(Item.COMPLETION, State.DUE, ends)


def checklist(facts: ProjectFacts, today: dt.date) -> list[Check]:
    """Every item, in the order of ``Item``, with its state and dates."""
    start = facts.start_date
    started = start is not None and start <= today
    return [
        Check(Item.WAGE_OFFICER, State.OK if facts.has_wage_officer else State.MISSING),
        Check(Item.ROSTER, State.OK)
        if facts.roster_size
        else Check(Item.ROSTER, State.MISSING if started else State.DUE, start),
        _once(Item.WAGE_ACCOUNT, start, facts.account_opened_on, today),
        Check(Item.AGREEMENT, State.OK, start, facts.account_opened_on)
        if facts.has_agreement
        else Check(Item.AGREEMENT, State.MISSING if started else State.DUE, start),
        _deposit(facts, today),
        _board(facts, today),
        _monthly(Item.LABOUR_COST, facts, today),
        _monthly(Item.ATTENDANCE, facts, today),
        _monthly(Item.PAYROLL, facts, today),
        _completion(facts, today),
    ]


def failing_items(checks: list[Check]) -> list[str]:
    """The items missing or late: what the list filters and counts by."""
    return [check.item for check in checks if check.failing]


# --- an inspection starts from the checklist --------------------------------------------------

# Which registry items answer each item of the inspection checklist (条例 Art. 39;
# inspections.checklist.CheckItem): the inspection form is pre-filled from them.
INSPECTION_ITEMS: dict[str, tuple[str, ...]] = {
    "real_name": (Item.ROSTER,),
    "wage_account": (Item.WAGE_ACCOUNT, Item.AGREEMENT, Item.LABOUR_COST),
    "pay_on_behalf": (Item.PAYROLL,),
    "wage_deposit": (Item.DEPOSIT,),
    "information_board": (Item.RIGHTS_BOARD,),
    "payroll_ledger": (Item.ATTENDANCE, Item.PAYROLL),
}


def _describe(check: Check) -> str:
    parts = [f"{check.label}: {check.state_label}"]
    if check.months:
        parts.append(", ".join(check.months))
    elif check.due is not None:
        parts.append(str(_("due %(day)s") % {"day": check.due.isoformat()}))
    if check.missing_contents:
        parts.append("; ".join(str(BoardContent(c).label) for c in check.missing_contents))
    return " ".join(parts)


def inspection_prefill(checks: list[Check]) -> dict[str, str]:
    """The inspection form's ``check_<item>`` and ``note_<item>`` values from what the
    registry knows: a violation where an item is missing or late (the note says which and
    since when), in order where every item is on file, nothing where it cannot tell."""
    by_item = {check.item: check for check in checks}
    prefill: dict[str, str] = {}
    for item, sources in INSPECTION_ITEMS.items():
        found = [by_item[source] for source in sources if source in by_item]
        failing = [check for check in found if check.failing]
        if failing:
            prefill[f"check_{item}"] = "violation"
            note = str(_("Registry: %(what)s.") % {"what": "; ".join(map(_describe, failing))})
            prefill[f"note_{item}"] = note[:500]
        elif found and all(check.state == State.OK for check in found):
            prefill[f"check_{item}"] = "ok"
            prefill[f"note_{item}"] = str(_("Registry: on file."))
    return prefill
