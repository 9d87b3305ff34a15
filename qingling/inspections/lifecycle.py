"""The finding's lifecycle as data: what becomes of a violation found on inspection.

Pure Python, no ORM: the table is tested exhaustively and rendered into
docs/inspections.md. ``finding_transition`` in services.py is the one write path; it
checks this table and who may take the step, then the guards that need data, then does
what the step brings (the complaint, the case, the payments on the spot) and moves the
finding with a compare-and-swap on the status the caller saw.

A finding is corrected on the spot (当场纠正, 监察条例 Art. 15) or ordered corrected by
a deadline (限期整改) and then corrected; while it is not corrected it can be turned into
a complaint for triage, or into a case by a chief who approves the opening.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingling.core import transitions
from qingling.core.transitions import Transition, step_for, targets_for


class FindingStatus(models.TextChoices):
    OPEN = "open", _("open")
    CORRECTED_ON_SPOT = "corrected_on_spot", _("corrected on the spot")
    DEADLINE = "deadline", _("to be corrected by a deadline")
    CORRECTED = "corrected", _("corrected by the deadline")
    COMPLAINT = "complaint", _("turned into a complaint")
    CASE = "case", _("turned into a case")


class StepActor(models.TextChoices):
    """Who may take a step: an inspector of the finding's area (a section chief of the
    area inspects too), or a chief of the area who approves opening a case."""

    INSPECTOR = "inspector", _("an inspector of the area")
    CHIEF = "chief", _("section chief or director")


S = FindingStatus
A = StepActor
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.OPEN, S.CORRECTED_ON_SPOT, A.INSPECTOR, guard="correction_described"),
    Transition(S.OPEN, S.DEADLINE, A.INSPECTOR, guard="deadline_in_range"),
    Transition(S.DEADLINE, S.CORRECTED, A.INSPECTOR, guard="note_given"),
    Transition(S.OPEN, S.COMPLAINT, A.INSPECTOR),
    Transition(S.DEADLINE, S.COMPLAINT, A.INSPECTOR),
    Transition(S.OPEN, S.CASE, A.CHIEF, guard="respondent_named"),
    Transition(S.DEADLINE, S.CASE, A.CHIEF, guard="respondent_named"),
    Transition(S.COMPLAINT, S.CASE, A.CHIEF, guard="respondent_named"),
)
# Not corrected yet: an inspection counts these as still open.
OPEN_STATUSES = frozenset({S.OPEN, S.DEADLINE})
CORRECTED_STATUSES = (S.CORRECTED_ON_SPOT, S.CORRECTED)


def transition_for(source: str, target: str) -> Transition | None:
    return step_for(TRANSITIONS, source, target)


def allowed_targets(source: str, actors: frozenset[str]) -> list[str]:
    """The statuses a person acting as ``actors`` may move a finding in ``source`` to."""
    return targets_for(TRANSITIONS, source, actors)


def mermaid() -> str:
    """The table as a Mermaid state diagram, for docs/inspections.md."""
    return transitions.mermaid(
        TRANSITIONS, start=S.OPEN, finals=(S.CORRECTED_ON_SPOT, S.CORRECTED, S.CASE)
    )
