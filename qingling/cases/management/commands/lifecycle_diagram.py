"""qingling lifecycle-diagram

Prints the case lifecycle from the transition table in ``cases/lifecycle.py``: a Mermaid
state diagram and a markdown table of every step with who takes it and its guard. Its
output is pasted into docs/case-lifecycle.md; a test fails when the two drift apart.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from qingling.cases.lifecycle import TRANSITIONS, StepActor, mermaid

# What each guard of services.GUARDS checks, for the reader of the docs.
GUARD_TEXT = {
    "two_inspectors": "at least two current inspectors on the case (监察条例 Art. 16)",
    "order_days": (
        "the working days to pay are given (1–30); the due date runs from the order's service"
    ),
    "claims_explained": (
        "every claim with money outstanding says why (e.g. referred to arbitration or court)"
    ),
    "withdrawn_only": "the outcome is withdrawn (撤销立案)",
}
NOTES = (
    "Closing needs a lawful outcome; a case cannot close as withdrawn (撤销立案) once an "
    "order was issued, even after it was sent back to investigation.",
    "Every step is a compare-and-swap on the status the person saw: of two people moving "
    "the same case at once, the second is told to reload (`case_conflict`).",
)


def render() -> str:
    """The diagram and the table, in English whatever the active language."""
    with translation.override("en"):
        lines = ["```mermaid", mermaid(), "```", ""]
        lines += ["| From | To | Who | Guard |", "|---|---|---|---|"]
        for step in TRANSITIONS:
            guard = f"`{step.guard}`: {GUARD_TEXT[step.guard]}" if step.guard else "—"
            who = StepActor(step.actor).label
            lines.append(f"| `{step.source}` | `{step.target}` | {who} | {guard} |")
        lines.append("")
        lines += [f"- {note}" for note in NOTES]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Print the case lifecycle as a Mermaid diagram and a table (docs/case-lifecycle.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(render(), ending="")
