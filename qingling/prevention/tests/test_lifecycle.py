from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from qingling.prevention.lifecycle import (
    DISPATCH_ACTORS,
    FINAL_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    DispatchTarget,
    StepActor,
    WarningStatus,
    allowed_targets,
    mermaid,
    transition_for,
)

S = WarningStatus
INSPECTOR = frozenset({StepActor.INSPECTOR})
CHIEF = frozenset({StepActor.CHIEF})


def reachable(start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        source = todo.pop()
        for step in TRANSITIONS:
            if step.source == source and step.target not in seen:
                seen.add(step.target)
                todo.append(step.target)
    return seen


class WarningLifecycleTests(SimpleTestCase):
    def test_a_warning_is_acknowledged_before_it_is_dispatched(self) -> None:
        self.assertEqual(allowed_targets(S.NEW, INSPECTOR), [S.ACKNOWLEDGED, S.DISMISSED])
        self.assertIsNone(transition_for(S.NEW, S.DISPATCHED, INSPECTOR | CHIEF))
        self.assertEqual(allowed_targets(S.ACKNOWLEDGED, INSPECTOR), [S.DISPATCHED, S.DISMISSED])
        self.assertEqual(allowed_targets(S.DISPATCHED, INSPECTOR), [S.RESOLVED])

    def test_a_dispatched_warning_is_resolved_not_dismissed(self) -> None:
        self.assertNotIn(S.DISMISSED, allowed_targets(S.DISPATCHED, INSPECTOR | CHIEF))

    def test_a_chief_alone_may_only_dispatch(self) -> None:
        self.assertEqual(allowed_targets(S.ACKNOWLEDGED, CHIEF), [S.DISPATCHED])
        self.assertEqual(allowed_targets(S.NEW, CHIEF), [])
        self.assertEqual(DISPATCH_ACTORS[DispatchTarget.CASE], StepActor.CHIEF)
        self.assertEqual(set(DISPATCH_ACTORS), set(DispatchTarget.values))

    def test_final_statuses_are_final_and_every_other_can_end(self) -> None:
        for status in FINAL_STATUSES:
            with self.subTest(status=status):
                self.assertEqual(allowed_targets(status, INSPECTOR | CHIEF), [])
        self.assertEqual(reachable(S.NEW), set(S.values))
        for status in OPEN_STATUSES:
            with self.subTest(status=status):
                self.assertTrue(reachable(status) & FINAL_STATUSES)
        self.assertEqual(OPEN_STATUSES | FINAL_STATUSES, set(S.values))

    def test_the_diagram_in_the_docs_is_the_table(self) -> None:
        diagram = mermaid()
        for step in TRANSITIONS:
            self.assertIn(f"{step.source} --> {step.target}", diagram)
        docs = Path(settings.BASE_DIR, "docs", "monitoring.md").read_text(encoding="utf-8")
        self.assertIn(f"```mermaid\n{diagram}\n```", docs)
