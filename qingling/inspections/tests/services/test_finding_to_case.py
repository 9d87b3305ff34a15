import hashlib

import time_machine

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import CaseInspector
from qingling.core.exceptions import Conflict, Forbidden
from qingling.inspections.models import Evidence, Finding
from qingling.inspections.services import (
    evidence_add,
    finding_correct_on_spot,
    finding_to_case,
    finding_to_complaint,
)
from qingling.inspections.tests.world import InspectionWorld, photo, tiny_png
from qingling.intake.lifecycle import ComplaintStatus
from qingling.intake.models import Channel
from qingling.testing import CURRENT_TIME


@time_machine.travel(CURRENT_TIME, tick=False)
class FindingToCaseTests(InspectionWorld):
    def finding(self) -> Finding:
        inspection = self.record(uploads=[photo("现场.png")])
        finding = inspection.findings.get()
        evidence_add(
            inspection=inspection,
            uploads=[photo("专户.png")],
            finding=finding,
            actor=self.inspector,
        )
        return finding

    def test_one_action_opens_a_case_carrying_the_evidence(self) -> None:
        finding = self.finding()
        case = finding_to_case(finding=finding, actor=self.chief)

        self.assertEqual(case.status, CaseStatus.OPENED)
        self.assertEqual(case.respondent, self.contractor)
        self.assertEqual(case.project, self.project)
        self.assertEqual(case.division, self.longshan)
        complaint = case.complaints.get()
        self.assertEqual(complaint.channel, Channel.INSPECTION)
        self.assertEqual(complaint.status, ComplaintStatus.ACCEPTED)
        self.assertEqual(complaint.project, self.project)
        self.assertEqual(complaint.employer, self.contractor)
        self.assertIn("条例第二十六条", complaint.narrative)
        # The evidence travels as the complaint's attachments: the same bytes, readable.
        attachments = list(complaint.attachments.order_by("original_name"))
        self.assertEqual([a.original_name for a in attachments], ["专户.png", "现场.png"])
        expected = hashlib.sha256(tiny_png()).hexdigest()
        for attachment in attachments:
            self.assertEqual(attachment.sha256, expected)
            with attachment.file.open("rb") as stored:
                self.assertEqual(stored.read(), tiny_png())
        self.assertEqual(Evidence.objects.count(), 2)  # the inspection keeps its own copies
        # The inspection's team runs the case: two inspectors, the first as lead.
        assignments = {a.inspector: a.role for a in case.assignments.all()}
        self.assertEqual(
            assignments,
            {self.inspector: CaseInspector.Role.LEAD, self.inspector2: CaseInspector.Role.CO},
        )
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.CASE)
        self.assertEqual((finding.case, finding.complaint), (case, complaint))

    def test_an_inspector_cannot_open_a_case(self) -> None:
        finding = self.finding()
        with self.assertRaises(Forbidden):
            finding_to_case(finding=finding, actor=self.inspector)
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.OPEN)

    def test_a_finding_turned_into_a_complaint_becomes_a_case_through_that_complaint(
        self,
    ) -> None:
        finding = finding_to_complaint(finding=self.finding(), actor=self.inspector)
        complaint = finding.complaint
        assert complaint is not None
        self.assertEqual(complaint.status, ComplaintStatus.RECEIVED)
        self.assertEqual(complaint.attachments.count(), 2)
        case = finding_to_case(finding=finding, actor=self.chief)
        self.assertEqual(list(case.complaints.all()), [complaint])
        self.assertEqual(complaint.attachments.count(), 2)

    def test_a_corrected_finding_does_not_become_a_case(self) -> None:
        finding = finding_correct_on_spot(
            finding=self.finding(), note="当场开设专户", actor=self.inspector
        )
        with self.assertRaises(Conflict):
            finding_to_case(finding=finding, actor=self.chief)


@time_machine.travel(CURRENT_TIME, tick=False)
class FindingEvidenceBeyondOneUploadTests(InspectionWorld):
    def test_every_file_comes_along_even_beyond_the_upload_limit(self) -> None:
        inspection = self.record(uploads=[photo("现场.png")])
        finding = inspection.findings.get()
        for batch in range(2):
            evidence_add(
                inspection=inspection,
                uploads=[photo(f"证据{batch}-{n}.png") for n in range(7)],
                finding=finding,
                actor=self.inspector,
            )
        case = finding_to_case(finding=finding, actor=self.chief)
        self.assertEqual(case.complaints.get().attachments.count(), 15)

    def test_a_finding_under_a_deadline_is_not_corrected_on_the_spot(self) -> None:
        from qingling.inspections.services import finding_deadline_set

        finding = self.record().findings.get()
        finding_deadline_set(finding=finding, working_days=5, actor=self.inspector)
        with self.assertRaises(Conflict):
            finding_correct_on_spot(finding=finding, note="已补发", actor=self.inspector)
