import itertools
from typing import Any

import time_machine
from django.db import transaction
from django.test import override_settings

from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.inspections.lifecycle import FindingStatus
from qingling.inspections.models import Finding
from qingling.inspections.services import (
    TransitionNotAllowed,
    finding_correct_on_spot,
    finding_corrected,
    finding_deadline_set,
    finding_to_case,
    finding_to_complaint,
    finding_transition,
)
from qingling.inspections.tests.world import InspectionWorld
from qingling.testing import CURRENT_TIME

S = FindingStatus
INSPECTORS = "inspectors"  # inspection work in the finding's area
CHIEFS = "chiefs"  # approve opening a case, in the finding's area
# The lifecycle written out by hand from the issue, not read from lifecycle.py: every
# pair missing here is refused to everybody.
EXPECTED: dict[tuple[str, str], str] = {
    (S.OPEN, S.CORRECTED_ON_SPOT): INSPECTORS,
    (S.OPEN, S.DEADLINE): INSPECTORS,
    (S.DEADLINE, S.CORRECTED): INSPECTORS,
    (S.OPEN, S.COMPLAINT): INSPECTORS,
    (S.DEADLINE, S.COMPLAINT): INSPECTORS,
    (S.OPEN, S.CASE): CHIEFS,
    (S.DEADLINE, S.CASE): CHIEFS,
    (S.COMPLAINT, S.CASE): CHIEFS,
}
PERSONAS: dict[str, set[str]] = {
    "inspector": {INSPECTORS},  # 龙山区, the finding's district
    "chief": {INSPECTORS, CHIEFS},  # a section chief inspects too
    "director": {CHIEFS},
    "xian": set(),  # an inspector of another district
    "intake": set(),
    "outsider": set(),
}
# What a person fills in for the step, so that the guards pass where it is allowed.
DETAILS: dict[str, dict[str, Any]] = {
    S.CORRECTED_ON_SPOT: {"note": "当场开设工资专户"},
    S.DEADLINE: {"working_days": 5, "note": "限期整改"},
    S.CORRECTED: {"note": "复查已开设"},
}


class _Undo(Exception):
    """Rolls back an allowed step so the next persona starts from the same status."""


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class FindingTransitionTableTests(InspectionWorld):
    def finding_in(self, status: str) -> Finding:
        finding = self.record().findings.get()
        if status == S.CORRECTED_ON_SPOT:
            finding_correct_on_spot(finding=finding, note="当场纠正", actor=self.inspector)
        if status in (S.DEADLINE, S.CORRECTED):
            finding_deadline_set(finding=finding, working_days=5, actor=self.inspector)
        if status == S.CORRECTED:
            finding_corrected(finding=finding, note="已整改", actor=self.inspector)
        if status == S.COMPLAINT:
            finding_to_complaint(finding=finding, actor=self.inspector)
        if status == S.CASE:
            finding_to_case(finding=finding, actor=self.chief)
        self.assertEqual(finding.status, status)
        return finding

    def attempt(self, finding: Finding, target: str, persona: str) -> str:
        copy = Finding.objects.select_related("inspection", "respondent").get(pk=finding.pk)
        try:
            with transaction.atomic():
                moved = finding_transition(
                    finding=copy,
                    target=target,
                    actor=getattr(self, persona),
                    **DETAILS.get(target, {}),
                )
                self.assertEqual(moved.status, target)
                self.assertEqual(Finding.objects.get(pk=finding.pk).status, target)
                raise _Undo
        except _Undo:
            return "allowed"
        except TransitionNotAllowed as refused:
            self.assertEqual(refused.code, "finding_transition_not_allowed")
            self.assertIn("cannot become", refused.message)
            return "not in the table"
        except Forbidden as refused:
            self.assertIn("may take this step", refused.message)
            return "not this person"

    def test_every_pair_of_statuses_for_every_persona(self) -> None:
        self.assertEqual(
            {source for source, _ in EXPECTED} | {S.CORRECTED_ON_SPOT, S.CORRECTED, S.CASE},
            set(S.values),
        )
        findings = {status: self.finding_in(status) for status in S.values}
        for source, target, persona in itertools.product(S.values, S.values, PERSONAS):
            allowed_to = EXPECTED.get((source, target))
            if allowed_to is None:
                expected = "not in the table"
            elif allowed_to in PERSONAS[persona]:
                expected = "allowed"
            else:
                expected = "not this person"
            with self.subTest(source=source, target=target, persona=persona):
                self.assertEqual(self.attempt(findings[source], target, persona), expected)
        self.assertEqual(
            [Finding.objects.get(pk=f.pk).status for f in findings.values()], list(S.values)
        )


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class FindingTransitionTests(InspectionWorld):
    def test_records_every_step_with_the_status_before_and_after_and_the_note(self) -> None:
        finding = self.record().findings.get()
        finding_deadline_set(finding=finding, working_days=5, note="限期五日", actor=self.inspector)
        event = AuditEvent.objects.get(action="finding.deadline")
        self.assertEqual(event.actor, self.inspector)
        self.assertEqual((event.before or {})["status"], "open")
        self.assertEqual((event.after or {})["status"], "deadline")
        self.assertEqual(event.reason, "限期五日")
        self.assertEqual(event.object_id, str(finding.pk))

    def test_two_stale_copies_moved_to_different_targets_one_wins_one_conflicts(self) -> None:
        finding = self.record().findings.get()
        first, second = (Finding.objects.get(pk=finding.pk) for _ in range(2))
        finding_deadline_set(finding=first, working_days=5, actor=self.inspector)
        with self.assertRaises(Conflict) as raised:
            finding_correct_on_spot(finding=second, note="当场纠正", actor=self.inspector2)
        self.assertEqual(raised.exception.code, "finding_conflict")
        finding.refresh_from_db()
        self.assertEqual(finding.status, S.DEADLINE)
        self.assertIsNone(finding.corrected_on)
        self.assertFalse(finding.spot_payments.exists())

    def test_a_stale_copy_cannot_open_a_second_case(self) -> None:
        finding = self.record().findings.get()
        stale = Finding.objects.get(pk=finding.pk)
        finding_to_case(finding=finding, actor=self.chief)
        with self.assertRaises(Conflict) as raised:
            finding_to_case(finding=stale, actor=self.director)
        self.assertEqual(raised.exception.code, "finding_conflict")
        self.assertEqual(self.project.inspections.get().findings.get().case, finding.case)

    def test_a_case_needs_the_responsible_organization(self) -> None:
        finding = self.record().findings.get()
        Finding.objects.filter(pk=finding.pk).update(respondent=None)
        finding.refresh_from_db()
        with self.assertRaises(InvalidInput) as raised:
            finding_to_case(finding=finding, actor=self.chief)
        self.assertIn("respondent", raised.exception.extra["fields"])
        finding.refresh_from_db()
        self.assertEqual((finding.status, finding.complaint), (S.OPEN, None))
