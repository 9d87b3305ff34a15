from django.test import SimpleTestCase

from qingling.cases.lifecycle import (
    OPEN_STATUSES,
    TRANSITIONS,
    CaseStatus,
    StepActor,
    allowed_targets,
    mermaid,
    transition_for,
)

S = CaseStatus
INSPECTOR = frozenset({StepActor.CASE_INSPECTOR})
CHIEF = frozenset({StepActor.CHIEF})


def reachable(start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for step in TRANSITIONS:
            if step.source == todo[-1] and step.target not in seen:
                seen.add(step.target)
                todo.insert(0, step.target)
        todo.pop()
    return seen


class LifecycleTests(SimpleTestCase):
    def test_an_inspector_of_the_case_moves_the_work_forward(self) -> None:
        self.assertEqual(allowed_targets(S.OPENED, INSPECTOR), [S.INVESTIGATING])
        self.assertEqual(
            allowed_targets(S.INVESTIGATING, INSPECTOR), [S.ORDER_ISSUED, S.CLOSING_REQUESTED]
        )
        self.assertEqual(allowed_targets(S.ORDER_ISSUED, INSPECTOR), [S.CLOSING_REQUESTED])
        self.assertEqual(allowed_targets(S.CLOSING_REQUESTED, INSPECTOR), [])

    def test_a_chief_closes_withdraws_and_sends_back(self) -> None:
        self.assertEqual(allowed_targets(S.OPENED, CHIEF), [S.CLOSED])
        self.assertEqual(allowed_targets(S.INVESTIGATING, CHIEF), [S.CLOSED])
        self.assertEqual(allowed_targets(S.ORDER_ISSUED, CHIEF), [])
        self.assertEqual(
            sorted(allowed_targets(S.CLOSING_REQUESTED, CHIEF)), [S.CLOSED, S.INVESTIGATING]
        )
        self.assertEqual(allowed_targets(S.OPENED, frozenset()), [])

    def test_a_closed_case_is_final_and_every_open_one_can_close(self) -> None:
        self.assertEqual(allowed_targets(S.CLOSED, INSPECTOR | CHIEF), [])
        self.assertEqual(OPEN_STATUSES, set(S.values) - {S.CLOSED})
        self.assertEqual(reachable(S.OPENED), set(S.values))
        for status in OPEN_STATUSES:
            with self.subTest(status=status):
                self.assertIn(S.CLOSED, reachable(status))

    def test_one_step_per_pair_and_no_step_in_place(self) -> None:
        pairs = [(step.source, step.target) for step in TRANSITIONS]
        self.assertEqual(len(pairs), len(set(pairs)))
        self.assertTrue(all(source != target for source, target in pairs))
        self.assertIsNone(transition_for(S.ORDER_ISSUED, S.CLOSED))
        step = transition_for(S.OPENED, S.INVESTIGATING)
        assert step is not None
        self.assertEqual((step.actor, step.guard), (StepActor.CASE_INSPECTOR, "two_inspectors"))

    def test_the_diagram_has_an_arrow_per_step(self) -> None:
        diagram = mermaid().splitlines()
        self.assertEqual(diagram[0], "stateDiagram-v2")
        self.assertEqual(len(diagram), len(TRANSITIONS) + 3)
        self.assertIn("    closing_requested --> investigating: chief", diagram)
        self.assertIn("    opened --> closed: chief / withdrawn_only", diagram)
