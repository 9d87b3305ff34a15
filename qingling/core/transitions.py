"""The row of a transition table: each state machine (cases, blacklist entries) lists
its steps as data, and one audited service per machine applies them with
``core.services.status_compare_and_swap``."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    actor: str  # who may take the step, in the machine's own StepActor choices
    guard: str = ""  # the name of a data check in the machine's services.GUARDS


def step_for(
    table: Iterable[Transition], source: str, target: str, actors: frozenset[str] | None = None
) -> Transition | None:
    """The table's step from ``source`` to ``target`` (that one of ``actors`` may take,
    when given: a machine with two actors on one edge keeps both rows)."""
    return next(
        (
            t
            for t in table
            if t.source == source and t.target == target and (actors is None or t.actor in actors)
        ),
        None,
    )


def targets_for(table: Iterable[Transition], source: str, actors: frozenset[str]) -> list[str]:
    """The statuses a person acting as ``actors`` may move a ``source`` row to, once
    each, in the table's order."""
    found: list[str] = []
    for t in table:
        if t.source == source and t.actor in actors and t.target not in found:
            found.append(t.target)
    return found


def mermaid(table: Iterable[Transition], *, start: str, finals: Iterable[str] = ()) -> str:
    """The table as a Mermaid state diagram for the docs: each edge labelled with its
    actor and guard."""
    lines = ["stateDiagram-v2", f"    [*] --> {start}"]
    for t in table:
        label = t.actor + (f" / {t.guard}" if t.guard else "")
        lines.append(f"    {t.source} --> {t.target}: {label}")
    lines.extend(f"    {final} --> [*]" for final in finals)
    return "\n".join(lines)
