"""The case's lifecycle as data: statuses, outcomes and who may move a case where.

Pure Python, no ORM: the table is tested exhaustively and rendered into
docs/case-lifecycle.md. ``case_transition`` in services.py is the one write path; it
checks this table, then the guards that need data, then moves the case with a
compare-and-swap on the status the caller saw.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingling.core import transitions
from qingling.core.transitions import Transition, step_for, targets_for


class CaseStatus(models.TextChoices):
    OPENED = "opened", _("opened (立案)")
    INVESTIGATING = "investigating", _("investigating")
    ORDER_ISSUED = "order_issued", _("order issued (限期改正)")
    CLOSING_REQUESTED = "closing_requested", _("closing requested")
    CLOSED = "closed", _("closed (结案)")


class CaseOutcome(models.TextChoices):
    """The lawful outcomes a case can close with (监察条例 Art. 18, docs/legal-rules.md)."""

    PAID_IN_FULL = "paid_in_full", _("wages paid in full")
    ORDER_CARRIED_OUT = "order_carried_out", _("order or decision carried out")
    PENALTY = "penalty", _("administrative penalty")
    WITHDRAWN = "withdrawn", _("case withdrawn (撤销立案)")
    ARBITRATION_OR_COURT = "arbitration_or_court", _("referred to arbitration or court")
    POLICE = "police", _("transferred to the police")


class StepActor(models.TextChoices):
    """Who may take a step: one of the case's inspectors, or a chief (section chief or
    director), who approves opening, extension and closing."""

    CASE_INSPECTOR = "case_inspector", _("an inspector of the case")
    CHIEF = "chief", _("section chief or director")


S = CaseStatus
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.OPENED, S.INVESTIGATING, StepActor.CASE_INSPECTOR, guard="two_inspectors"),
    Transition(S.INVESTIGATING, S.ORDER_ISSUED, StepActor.CASE_INSPECTOR, guard="order_days"),
    Transition(
        S.INVESTIGATING, S.CLOSING_REQUESTED, StepActor.CASE_INSPECTOR, guard="claims_explained"
    ),
    Transition(
        S.ORDER_ISSUED, S.CLOSING_REQUESTED, StepActor.CASE_INSPECTOR, guard="claims_explained"
    ),
    Transition(S.CLOSING_REQUESTED, S.CLOSED, StepActor.CHIEF, guard="claims_explained"),
    Transition(S.CLOSING_REQUESTED, S.INVESTIGATING, StepActor.CHIEF),  # sent back
    Transition(S.OPENED, S.CLOSED, StepActor.CHIEF, guard="withdrawn_only"),
    Transition(S.INVESTIGATING, S.CLOSED, StepActor.CHIEF, guard="withdrawn_only"),
)
OPEN_STATUSES = frozenset({S.OPENED, S.INVESTIGATING, S.ORDER_ISSUED, S.CLOSING_REQUESTED})


def transition_for(source: str, target: str) -> Transition | None:
    return step_for(TRANSITIONS, source, target)


def allowed_targets(source: str, actors: frozenset[str]) -> list[str]:
    """The statuses a person acting as ``actors`` may move a case in ``source`` to."""
    return targets_for(TRANSITIONS, source, actors)


def mermaid() -> str:
    """The table as a Mermaid state diagram, for docs/case-lifecycle.md."""
    return transitions.mermaid(TRANSITIONS, start=S.OPENED, finals=(S.CLOSED,))
