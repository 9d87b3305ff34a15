"""The row of a transition table: each state machine (cases, blacklist entries) lists
its steps as data, and one audited service per machine applies them with
``core.services.status_compare_and_swap``."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    actor: str  # who may take the step, in the machine's own StepActor choices
    guard: str = ""  # the name of a data check in the machine's services.GUARDS
