from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from qingling.inspections.lifecycle import (
    CORRECTED_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    FindingStatus,
    StepActor,
    allowed_targets,
    mermaid,
    transition_for,
)

S = FindingStatus
INSPECTOR = frozenset({StepActor.INSPECTOR})
CHIEF = frozenset({StepActor.CHIEF})
FINAL = {S.CORRECTED_ON_SPOT, S.CORRECTED, S.CASE}


def reachable(start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        source = todo.pop()
        for step in TRANSITIONS:
            if step.source == source and step.target not in seen:
                seen.add(step.target)
                todo.append(step.target)
    return seen


class FindingLifecycleTests(SimpleTestCase):
    def test_an_inspector_corrects_sets_deadlines_and_turns_findings_into_complaints(
        self,
    ) -> None:
        self.assertEqual(
            allowed_targets(S.OPEN, INSPECTOR), [S.CORRECTED_ON_SPOT, S.DEADLINE, S.COMPLAINT]
        )
        self.assertEqual(allowed_targets(S.DEADLINE, INSPECTOR), [S.CORRECTED, S.COMPLAINT])
        self.assertEqual(allowed_targets(S.COMPLAINT, INSPECTOR), [])

    def test_only_a_chief_turns_a_finding_into_a_case(self) -> None:
        for source in (S.OPEN, S.DEADLINE, S.COMPLAINT):
            with self.subTest(source=source):
                self.assertEqual(allowed_targets(source, CHIEF), [S.CASE])
        self.assertNotIn(S.CASE, allowed_targets(S.OPEN, INSPECTOR))
        self.assertEqual(allowed_targets(S.OPEN, frozenset()), [])

    def test_corrected_findings_and_cases_are_final_and_every_other_can_end(self) -> None:
        for status in FINAL:
            with self.subTest(status=status):
                self.assertEqual(allowed_targets(status, INSPECTOR | CHIEF), [])
        self.assertEqual(reachable(S.OPEN), set(S.values))
        for unfinished in set(S.values) - FINAL:
            with self.subTest(status=unfinished):
                self.assertTrue(reachable(unfinished) & FINAL)
        self.assertEqual(OPEN_STATUSES, {S.OPEN, S.DEADLINE})
        self.assertEqual(set(CORRECTED_STATUSES), {S.CORRECTED_ON_SPOT, S.CORRECTED})

    def test_a_finding_under_a_deadline_is_not_corrected_on_the_spot(self) -> None:
        self.assertIsNone(transition_for(S.DEADLINE, S.CORRECTED_ON_SPOT))
        self.assertIsNone(transition_for(S.OPEN, S.CORRECTED))

    def test_one_step_per_pair_and_no_step_in_place(self) -> None:
        pairs = [(step.source, step.target) for step in TRANSITIONS]
        self.assertEqual(len(pairs), len(set(pairs)))
        self.assertTrue(all(source != target for source, target in pairs))
        step = transition_for(S.COMPLAINT, S.CASE)
        assert step is not None
        self.assertEqual((step.actor, step.guard), (StepActor.CHIEF, "respondent_named"))

    def test_the_diagram_in_the_docs_is_the_table(self) -> None:
        diagram = mermaid()
        self.assertEqual(len(diagram.splitlines()), len(TRANSITIONS) + 2 + len(FINAL))
        self.assertIn("    complaint --> case: chief / respondent_named", diagram.splitlines())
        docs = Path(settings.BASE_DIR, "docs", "inspections.md").read_text(encoding="utf-8")
        self.assertIn(f"```mermaid\n{diagram}\n```", docs)
