"""When a case is overdue and when it may be extended: the one definition.

Each fact is written twice, once for Python (the case page, the services' guards) and
once as a ``Q`` over the case row (the case list, the ledger, the worker's deadline
scan), and a property test holds the two together (``tests/test_deadlines.py``), as
``amounts.py`` does for money. Every reader asks here; none repeats the rule.

- **Investigation overdue**: the case is open and today is after its investigation
  limit (60 working days from opening, 90 once extended: 劳动保障监察条例 Art. 17). The
  limit is for the case, not for one of its steps: it is watched in every open status
  (opened, investigating, order issued, closing requested) until the case is closed,
  so an order-issued case past its limit is overdue and the scan escalates it (督办).
- **Order overdue**: the case is open, the order has been served (``order_served_on``:
  its due date runs from service, and an unserved order's date is not running), the
  order's date (``order_due``) has passed and money is still outstanding (the case's
  stored ``total_outstanding``): an order whose workers have been paid is carried out,
  whatever its date.
- **May extend**: see ``may_extend``.
"""

import datetime as dt
from decimal import Decimal
from typing import Protocol

from django.db.models import Q

from qingling.cases.lifecycle import OPEN_STATUSES, CaseStatus

INVESTIGATION_WORKING_DAYS = 60  # 劳动保障监察条例 Art. 17
EXTENSION_WORKING_DAYS = 30  # once, with a chief's approval (Art. 17)
# The order to pay (限期改正指令书) runs from its service: the inspector chooses how many
# working days. No national figure exists (监察条例 Art. 26 says only "限期"); the range is
# the platform's rule (docs/legal-rules.md).
ORDER_WORKING_DAYS_MIN = 1
ORDER_WORKING_DAYS_MAX = 30
EXTENDABLE_STATUSES = frozenset(OPEN_STATUSES - {CaseStatus.CLOSING_REQUESTED})


class CaseDeadlines(Protocol):
    """The fields of a case the facts read (a ``Case`` has them)."""

    @property
    def status(self) -> str: ...

    @property
    def investigation_due(self) -> dt.date: ...

    @property
    def extended(self) -> bool: ...

    @property
    def order_served_on(self) -> dt.date | None: ...

    @property
    def order_due(self) -> dt.date | None: ...

    @property
    def total_outstanding(self) -> Decimal: ...


# --- investigation overdue -----------------------------------------------------------------


def investigation_overdue(case: CaseDeadlines, *, today: dt.date) -> bool:
    """Open, and today is after the investigation limit (the last day is still in time)."""
    return case.status in OPEN_STATUSES and case.investigation_due < today


def investigation_overdue_q(*, today: dt.date) -> Q:
    """``investigation_overdue`` over a case row."""
    return Q(status__in=OPEN_STATUSES, investigation_due__lt=today)


# --- order overdue -------------------------------------------------------------------------


def order_overdue(case: CaseDeadlines, *, today: dt.date) -> bool:
    """Open, the order served, its date passed, and money still outstanding."""
    return (
        case.status in OPEN_STATUSES
        and case.order_served_on is not None
        and case.order_due is not None
        and case.order_due < today
        and case.total_outstanding > 0
    )


def order_overdue_q(*, today: dt.date) -> Q:
    """``order_overdue`` over a case row (a case without a served order never matches)."""
    return Q(
        status__in=OPEN_STATUSES,
        order_served_on__isnull=False,
        order_due__lt=today,
        total_outstanding__gt=0,
    )


def overdue_q(*, today: dt.date) -> Q:
    """Either deadline overdue: the lists' "overdue only" filter."""
    return investigation_overdue_q(today=today) | order_overdue_q(today=today)


# --- may extend ----------------------------------------------------------------------------


def may_extend(case: CaseDeadlines, *, today: dt.date) -> bool:
    """Whether the investigation limit may still be extended by 30 working days.

    Not extended before (once only, Art. 17); open, but not while its closing awaits the
    chief's approval (a case that asks to close has finished its investigation, and the
    chief who sends it back may extend it then); an order-issued case may be extended,
    because its limit is still watched (see the module's docstring). And only while the
    limit has not passed (today is at most the last day): an extension is asked for
    before the time runs out, not to cover a case already overdue.
    """
    return (
        not case.extended and case.status in EXTENDABLE_STATUSES and today <= case.investigation_due
    )


def may_extend_q(*, today: dt.date) -> Q:
    """``may_extend`` over a case row."""
    return Q(extended=False, status__in=EXTENDABLE_STATUSES, investigation_due__gte=today)
