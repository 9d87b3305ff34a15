import datetime as dt
from decimal import Decimal

import time_machine

from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.models import AuditEvent
from qingling.inspections import jobs
from qingling.inspections.models import Finding, SpotPayment
from qingling.inspections.services import (
    SpotPaymentLine,
    finding_correct_on_spot,
    finding_corrected,
    finding_deadline_set,
    finding_overdue_scan,
)
from qingling.inspections.tests.world import InspectionWorld

# Friday 27 November 2026, 10:00 in Liaoyuan.
FRIDAY = dt.datetime(2026, 11, 27, 2, tzinfo=dt.UTC)


class FindingDeadlineTests(InspectionWorld):
    @time_machine.travel(FRIDAY, tick=False)
    def test_the_deadline_counts_working_days(self) -> None:
        finding = finding_deadline_set(
            finding=self.record().findings.get(), working_days=5, actor=self.inspector
        )
        # Mon 30 Nov – Fri 4 Dec are the five working days after Friday.
        self.assertEqual(finding.correction_due, dt.date(2026, 12, 4))
        self.assertEqual(finding.status, Finding.Status.DEADLINE)

    @time_machine.travel(FRIDAY, tick=False)
    def test_refuses_a_deadline_out_of_range(self) -> None:
        with self.assertRaises(InvalidInput):
            finding_deadline_set(
                finding=self.record().findings.get(), working_days=0, actor=self.inspector
            )


class FindingOverdueScanTests(InspectionWorld):
    def test_flags_a_finding_uncorrected_after_its_deadline_once(self) -> None:
        with time_machine.travel(FRIDAY, tick=False):
            finding = finding_deadline_set(
                finding=self.record().findings.get(), working_days=5, actor=self.inspector
            )
        self.assertEqual(finding_overdue_scan(today=dt.date(2026, 12, 4)), [])  # due today
        flagged = finding_overdue_scan(today=dt.date(2026, 12, 5))
        self.assertEqual([f.pk for f in flagged], [finding.pk])
        self.assertEqual(finding_overdue_scan(today=dt.date(2026, 12, 7)), [])  # only once
        finding.refresh_from_db()
        self.assertIsNotNone(finding.overdue_at)
        self.assertEqual(
            AuditEvent.objects.filter(action="finding.overdue", object_id=finding.pk).count(), 1
        )

    def test_a_corrected_finding_is_not_flagged(self) -> None:
        with time_machine.travel(FRIDAY, tick=False):
            finding = finding_deadline_set(
                finding=self.record().findings.get(), working_days=5, actor=self.inspector
            )
        with time_machine.travel(dt.datetime(2026, 12, 2, 2, tzinfo=dt.UTC), tick=False):
            finding = finding_corrected(finding=finding, note="已开设专户", actor=self.inspector)
        self.assertEqual(finding.corrected_on, dt.date(2026, 12, 2))
        self.assertEqual(finding_overdue_scan(today=dt.date(2026, 12, 31)), [])

    def test_the_worker_job_flags_through_the_scan(self) -> None:
        with time_machine.travel(FRIDAY, tick=False):
            finding = finding_deadline_set(
                finding=self.record().findings.get(), working_days=1, actor=self.inspector
            )
        with time_machine.travel(dt.datetime(2026, 12, 2, 2, tzinfo=dt.UTC), tick=False):
            jobs.findings_overdue()
            jobs.findings_overdue()
        finding.refresh_from_db()
        self.assertIsNotNone(finding.overdue_at)
        self.assertEqual(AuditEvent.objects.filter(action="finding.overdue").count(), 1)


@time_machine.travel(FRIDAY, tick=False)
class FindingCorrectOnSpotTests(InspectionWorld):
    def test_records_what_was_paid_to_whom(self) -> None:
        finding = finding_correct_on_spot(
            finding=self.record().findings.get(),
            payments=[
                SpotPaymentLine("王建国", Decimal("3000.00")),
                SpotPaymentLine("李四", Decimal("2500.50")),
            ],
            actor=self.inspector,
        )
        self.assertEqual(finding.status, Finding.Status.CORRECTED_ON_SPOT)
        self.assertEqual(finding.corrected_on, dt.date(2026, 11, 26))  # the inspection's day
        self.assertEqual(
            list(SpotPayment.objects.values_list("payee_name", "amount", "payer")),
            [
                ("王建国", Decimal("3000.00"), self.contractor.pk),
                ("李四", Decimal("2500.50"), self.contractor.pk),
            ],
        )
        with self.assertRaises(Conflict):
            finding_correct_on_spot(finding=finding, note="again", actor=self.inspector)

    def test_needs_a_payment_or_a_note(self) -> None:
        with self.assertRaises(InvalidInput):
            finding_correct_on_spot(finding=self.record().findings.get(), actor=self.inspector)
