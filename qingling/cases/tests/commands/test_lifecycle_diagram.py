from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase

from qingling.cases.lifecycle import TRANSITIONS, mermaid
from qingling.cases.management.commands.lifecycle_diagram import GUARD_TEXT, render
from qingling.cases.services import GUARDS

DOC = settings.BASE_DIR / "docs" / "case-lifecycle.md"


class LifecycleDiagramCommandTests(SimpleTestCase):
    def run_command(self) -> str:
        out = StringIO()
        call_command("lifecycle_diagram", stdout=out)
        return out.getvalue()

    def test_prints_the_diagram_and_a_row_per_transition(self) -> None:
        output = self.run_command()
        self.assertEqual(output, render())
        self.assertIn(f"```mermaid\n{mermaid()}\n```", output)
        rows = [line for line in output.splitlines() if line.startswith("| `")]
        self.assertEqual(len(rows), len(TRANSITIONS))
        self.assertIn(
            "| `closing_requested` | `closed` | section chief or director | `claims_explained`",
            output,
        )

    def test_every_guard_is_described_and_checked(self) -> None:
        guards = {step.guard for step in TRANSITIONS if step.guard}
        self.assertEqual(guards, set(GUARD_TEXT))
        self.assertEqual(guards, set(GUARDS))

    def test_the_committed_doc_shows_the_current_table(self) -> None:
        doc = DOC.read_text(encoding="utf-8")
        generated = doc.split("<!-- BEGIN qingling lifecycle-diagram -->\n", 1)[1].split(
            "<!-- END qingling lifecycle-diagram -->", 1
        )[0]
        self.assertEqual(
            generated,
            render(),
            "docs/case-lifecycle.md is out of date: paste `qingling lifecycle-diagram` into it",
        )
