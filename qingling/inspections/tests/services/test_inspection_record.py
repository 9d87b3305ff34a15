import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.inspections.models import Finding, Inspection
from qingling.inspections.services import inspection_plan, inspection_record
from qingling.inspections.tests.world import InspectionWorld, all_ok, photo
from qingling.testing import CURRENT_TIME


@time_machine.travel(CURRENT_TIME, tick=False)
class InspectionRecordTests(InspectionWorld):
    def test_refuses_an_inspection_by_one_inspector(self) -> None:
        with self.assertRaises(InvalidInput) as refused:
            self.record(inspectors=[self.inspector])
        self.assertIn("inspectors", refused.exception.extra["fields"])
        self.assertFalse(Inspection.objects.exists())

    def test_the_same_inspector_twice_is_still_one(self) -> None:
        with self.assertRaises(InvalidInput):
            self.record(inspectors=[self.inspector, self.inspector])
        self.assertFalse(Inspection.objects.exists())

    def test_refuses_an_inspector_of_another_district(self) -> None:
        with self.assertRaises(InvalidInput) as refused:
            self.record(inspectors=[self.inspector, self.xian])
        self.assertIn("inspectors", refused.exception.extra["fields"])

    def test_refuses_someone_who_does_not_inspect(self) -> None:
        with self.assertRaises(InvalidInput):
            self.record(inspectors=[self.inspector, self.intake])
        with self.assertRaises(Forbidden):
            self.record(actor=self.xian)

    def test_planning_also_needs_two_inspectors(self) -> None:
        with self.assertRaises(InvalidInput):
            inspection_plan(
                project=self.project,
                inspectors=[self.inspector],
                planned_on=dt.date(2026, 11, 30),
                actor=self.inspector,
            )

    def test_two_inspectors_record_the_checklist_and_each_violation_becomes_a_finding(
        self,
    ) -> None:
        inspection = self.record(
            checks=all_ok(wage_account="没有专户", information_board="未设置告示牌"),
            uploads=[photo()],
        )
        self.assertEqual(inspection.status, Inspection.Status.DONE)
        self.assertEqual(inspection.team.count(), 2)
        self.assertEqual(inspection.checks.count(), 8)
        findings = {f.item: f for f in inspection.findings.all()}
        self.assertEqual(set(findings), {"wage_account", "information_board"})
        self.assertEqual(findings["wage_account"].article, "条例第二十六条")
        self.assertEqual(findings["information_board"].article, "条例第三十四条")
        self.assertEqual(findings["wage_account"].respondent, self.contractor)
        self.assertEqual(findings["wage_account"].status, Finding.Status.OPEN)
        self.assertEqual(inspection.evidence.get().content_type, "image/png")
        self.assertTrue(
            AuditEvent.objects.filter(action="inspection.record", object_id=inspection.pk).exists()
        )

    def test_every_item_needs_a_result(self) -> None:
        checks = all_ok()
        del checks["monthly_pay"]
        with self.assertRaises(InvalidInput) as refused:
            self.record(checks=checks)
        self.assertIn("check_monthly_pay", refused.exception.extra["fields"])

    def test_refuses_a_date_in_the_future(self) -> None:
        with self.assertRaises(InvalidInput) as refused:
            self.record(done_on=dt.date(2026, 12, 1))
        self.assertIn("done_on", refused.exception.extra["fields"])

    def test_checks_evidence_by_its_content_not_its_name(self) -> None:
        fake = SimpleUploadedFile("现场.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
        with self.assertRaises(InvalidInput) as refused:
            self.record(uploads=[fake])
        self.assertIn("evidence", refused.exception.extra["fields"])
        self.assertFalse(Inspection.objects.exists())

    def test_refuses_evidence_larger_than_the_limit(self) -> None:
        with self.settings(QINGLING_UPLOAD_MAX_BYTES=10), self.assertRaises(InvalidInput):
            self.record(uploads=[photo()])

    def test_the_same_idempotency_key_makes_one_inspection(self) -> None:
        first = inspection_record(
            project=self.project,
            inspectors=[self.inspector, self.inspector2],
            done_on=dt.date(2026, 11, 26),
            checks=all_ok(),
            idempotency_key="k-1",
            actor=self.inspector,
        )
        again = inspection_record(
            project=self.project,
            inspectors=[self.inspector, self.inspector2],
            done_on=dt.date(2026, 11, 26),
            checks=all_ok(),
            idempotency_key="k-1",
            actor=self.inspector2,
        )
        self.assertTrue(first.created)
        self.assertFalse(again.created)
        self.assertEqual(first.inspection.pk, again.inspection.pk)
        self.assertEqual(Inspection.objects.count(), 1)

    def test_completes_a_planned_visit_once(self) -> None:
        planned = inspection_plan(
            project=self.project,
            inspectors=[self.inspector, self.inspector2],
            planned_on=dt.date(2026, 11, 27),
            actor=self.inspector,
        )
        done = self.record(planned=planned, done_on=dt.date(2026, 11, 27))
        self.assertEqual(done.pk, planned.pk)
        self.assertEqual(done.status, Inspection.Status.DONE)
        with self.assertRaises((Conflict, InvalidInput)):
            self.record(planned=planned)
        self.assertEqual(Inspection.objects.count(), 1)
