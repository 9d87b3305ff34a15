"""The warning's (预警) lifecycle as data: what the county's staff do with a warning.

Pure Python, no ORM: the table is tested exhaustively and rendered into
docs/monitoring.md. ``warning_transition`` in services.py is the one write path; it
checks this table and who may take the step, then the guards, then does what the step
brings (the complaint, the inspection or the case it is dispatched to) and moves the
warning with a compare-and-swap on the status the caller saw.

A warning is acknowledged (签收) by the county, by a deadline the worker watches; then
dispatched to the work that answers it (an inspection of the project, a complaint of
channel ``monitoring`` for triage, or a case opened by a chief) and resolved once that
work has answered it; or it is dismissed with a reason (a data error, already known).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingling.core import transitions
from qingling.core.transitions import Transition, step_for, targets_for


class WarningStatus(models.TextChoices):
    NEW = "new", _("new")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    DISPATCHED = "dispatched", _("dispatched")
    RESOLVED = "resolved", _("resolved")
    DISMISSED = "dismissed", _("dismissed")


class DispatchTarget(models.TextChoices):
    """What a warning is dispatched to."""

    INSPECTION = "inspection", _("an inspection of the project")
    COMPLAINT = "complaint", _("a complaint (channel monitoring)")
    CASE = "case", _("a case")


class StepActor(models.TextChoices):
    """Who may take a step: an inspector of the warning's county (a section chief
    inspects too), or a chief who approves opening a case."""

    INSPECTOR = "inspector", _("an inspector of the county")
    CHIEF = "chief", _("section chief or director")


S = WarningStatus
A = StepActor
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.NEW, S.ACKNOWLEDGED, A.INSPECTOR),
    Transition(S.ACKNOWLEDGED, S.DISPATCHED, A.INSPECTOR, guard="dispatch_named"),
    Transition(S.ACKNOWLEDGED, S.DISPATCHED, A.CHIEF, guard="dispatch_named"),
    Transition(S.DISPATCHED, S.RESOLVED, A.INSPECTOR, guard="note_given"),
    Transition(S.NEW, S.DISMISSED, A.INSPECTOR, guard="reason_given"),
    Transition(S.ACKNOWLEDGED, S.DISMISSED, A.INSPECTOR, guard="reason_given"),
)
# Still waiting for the county: the dashboard's open warnings.
OPEN_STATUSES = frozenset({S.NEW, S.ACKNOWLEDGED, S.DISPATCHED})
FINAL_STATUSES = frozenset({S.RESOLVED, S.DISMISSED})
# A case is opened only by a chief (case_open); the other targets by an inspector.
DISPATCH_ACTORS: dict[str, str] = {
    DispatchTarget.INSPECTION: A.INSPECTOR,
    DispatchTarget.COMPLAINT: A.INSPECTOR,
    DispatchTarget.CASE: A.CHIEF,
}


def transition_for(source: str, target: str, actors: frozenset[str]) -> Transition | None:
    """The step from ``source`` to ``target`` that one of ``actors`` may take."""
    return step_for(TRANSITIONS, source, target, actors)


def allowed_targets(source: str, actors: frozenset[str]) -> list[str]:
    """The statuses a person acting as ``actors`` may move a warning in ``source`` to."""
    return targets_for(TRANSITIONS, source, actors)


def mermaid() -> str:
    """The table as a Mermaid state diagram, for docs/monitoring.md."""
    return transitions.mermaid(TRANSITIONS, start=S.NEW, finals=(S.RESOLVED, S.DISMISSED))
