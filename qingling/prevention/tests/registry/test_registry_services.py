"""The registry's writes: account, transfers, deposit, board, completion, and the imports."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.test import override_settings

from qingling.cases.models import Claim, Payment
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from qingling.core.models import AuditEvent
from qingling.parties.models import Project, RosterEntry
from qingling.prevention.compliance import BoardContent, Item, State
from qingling.prevention.models import (
    Attendance,
    DepositForm,
    LabourCostTransfer,
    PayrollEntry,
    RateBasis,
    WageAccount,
)
from qingling.prevention.registry_selectors import project_checklist
from qingling.prevention.registry_services import (
    labour_cost_record,
    project_completion_record,
    registry_file_import,
    rights_board_record,
    wage_account_close,
    wage_account_open,
    wage_deposit_draw,
    wage_deposit_lodge,
    wage_deposit_refund,
    wage_deposit_top_up,
)
from qingling.prevention.tests.registry.world import (
    START,
    RegistryWorld,
    csv_bytes,
    pdf,
    png,
    xlsx_bytes,
)
from qingling.testing import CURRENT_TIME, make_case

TODAY = dt.date(2026, 11, 27)
ACCOUNT = "6222 0212 3456 7890 123"


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class WageAccountTests(RegistryWorld):
    def test_the_account_number_is_kept_sealed_and_shown_masked(self) -> None:
        account = wage_account_open(
            project=self.project,
            bank="中国建设银行辽源分行",
            number=ACCOUNT,
            opened_on=START,
            agreement=pdf(),
            actor=self.inspector,
        )
        account.refresh_from_db()
        self.assertEqual(account.number_masked, "6222***********0123")
        self.assertNotIn("622202123456", account.number_sealed)
        self.assertEqual(len(account.agreement_sha256), 64)
        event = AuditEvent.objects.get(action="registry.wage_account")
        self.assertNotIn("622202123456", str(event.after))

    def test_an_employer_records_the_account_of_its_own_project(self) -> None:
        wage_account_open(
            project=self.project,
            bank="中国银行",
            number=ACCOUNT,
            opened_on=START,
            actor=None,
            organization=self.contractor,
        )
        self.assertTrue(WageAccount.objects.filter(project=self.project).exists())

    def test_another_employers_project_is_not_found_and_the_attempt_audited(self) -> None:
        with self.assertRaises(NotFound):
            wage_account_open(
                project=self.other,
                bank="中国银行",
                number=ACCOUNT,
                opened_on=START,
                actor=None,
                organization=self.contractor,
            )
        event = AuditEvent.objects.get(action="registry.access_refused")
        self.assertEqual(event.after, {"organization": self.contractor.pk})

    def test_staff_outside_the_jurisdiction_and_staff_without_the_right_are_refused(self) -> None:
        with self.assertRaises(NotFound):
            wage_account_open(
                project=self.project, bank="b", number=ACCOUNT, opened_on=START, actor=self.xian
            )
        with self.assertRaises(Forbidden):
            wage_account_open(
                project=self.project, bank="b", number=ACCOUNT, opened_on=START, actor=self.admin
            )

    def test_the_account_closes_only_after_completion_and_thirty_days_of_publicity(self) -> None:
        wage_account_open(
            project=self.project, bank="b", number=ACCOUNT, opened_on=START, actor=None
        )
        with self.assertRaises(InvalidInput):
            wage_account_close(project=self.project, closed_on=TODAY, actor=None)
        registry = project_completion_record(
            project=self.project, completed_on=dt.date(2026, 10, 28), actor=None
        )
        self.assertEqual(registry.publicity_ends_on, dt.date(2026, 11, 27))
        with self.assertRaisesMessage(InvalidInput, "2026-11-27"):
            wage_account_close(project=self.project, closed_on=TODAY, actor=None)
        with time_machine.travel(dt.datetime(2026, 11, 28, 4, tzinfo=dt.UTC), tick=False):
            account = wage_account_close(
                project=self.project, closed_on=dt.date(2026, 11, 28), actor=None
            )
        self.assertEqual(account.closed_on, dt.date(2026, 11, 28))


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class LabourCostAndDepositTests(RegistryWorld):
    def setUp(self) -> None:
        wage_account_open(
            project=self.project, bank="b", number=ACCOUNT, opened_on=START, actor=None
        )

    def test_a_transfer_to_an_unknown_account_is_refused(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "not this project's wage account"):
            labour_cost_record(
                project=self.project,
                month="2026-03",
                amount=Decimal(50000),
                transferred_on=dt.date(2026, 4, 5),
                account_number="6222000000000000",
                actor=self.inspector,
            )
        transfer = labour_cost_record(
            project=self.project,
            month="2026-03",
            amount=Decimal(50000),
            transferred_on=dt.date(2026, 4, 5),
            account_number=ACCOUNT,
            actor=self.inspector,
        )
        self.assertEqual(transfer.account.project_id, self.project.pk)

    def test_a_rate_outside_the_rule_is_refused(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "outside the rule's range"):
            wage_deposit_lodge(
                project=self.project,
                form=DepositForm.CASH,
                amount=Decimal(300000),
                lodged_on=START,
                rate=Decimal("0.08"),
                actor=None,
            )

    def test_a_clean_record_lowers_the_deposit_and_arrears_raise_it(self) -> None:
        deposit = wage_deposit_lodge(
            project=self.project,
            form=DepositForm.BANK_GUARANTEE,
            amount=Decimal(45000),
            lodged_on=START,
            rate_basis=RateBasis.CLEAN_RECORD,
            actor=None,
        )
        self.assertEqual(deposit.required, Decimal("45000.00"))
        with self.assertRaises(Conflict):
            wage_deposit_lodge(
                project=self.project,
                form=DepositForm.CASH,
                amount=Decimal(1),
                lodged_on=START,
                actor=None,
            )
        arrears = wage_deposit_lodge(
            project=self.other,
            form=DepositForm.CASH,
            amount=Decimal(1),
            lodged_on=START,
            rate_basis=RateBasis.ARREARS,
            actor=None,
        )
        self.assertEqual(arrears.rate, Decimal("0.05"))

    def test_a_draw_pays_the_worker_in_the_case_lowers_the_deposit_and_asks_a_top_up(
        self,
    ) -> None:
        wage_deposit_lodge(
            project=self.project,
            form=DepositForm.CASH,
            amount=Decimal(90000),
            lodged_on=START,
            actor=None,
        )
        case = make_case(self, amount="8000.00")
        Project.objects.filter(pk=self.project.pk).update()
        case.project = self.project
        case.save(update_fields=["project"])
        claim = Claim.objects.filter(case=case).first()
        assert claim is not None
        payment = wage_deposit_draw(
            claim=claim, amount=Decimal(8000), paid_on=TODAY, actor=self.inspector
        )
        self.assertEqual(payment.payer_kind, Payment.Payer.DEPOSIT)
        deposit = self.project.wage_deposit
        deposit.refresh_from_db()
        self.assertEqual(deposit.held, Decimal(82000))
        self.assertEqual(deposit.top_up_due, dt.date(2026, 12, 7))
        deposit_check = next(
            c for c in project_checklist(project=self.project, today=TODAY) if c.item == "deposit"
        )
        self.assertEqual(deposit_check.state, State.DUE)
        wage_deposit_top_up(project=self.project, amount=Decimal(8000), on=TODAY, actor=None)
        deposit.refresh_from_db()
        self.assertIsNone(deposit.top_up_due)

    def test_the_deposit_is_refunded_at_completion_not_before(self) -> None:
        wage_deposit_lodge(
            project=self.project,
            form=DepositForm.CASH,
            amount=Decimal(90000),
            lodged_on=START,
            actor=None,
        )
        with self.assertRaises(InvalidInput):
            wage_deposit_refund(project=self.project, on=TODAY, actor=None)
        project_completion_record(
            project=self.project, completed_on=dt.date(2026, 9, 1), actor=None
        )
        deposit = wage_deposit_refund(project=self.project, on=TODAY, actor=None)
        self.assertEqual((deposit.held, deposit.refunded_on), (Decimal(0), TODAY))


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class RightsBoardTests(RegistryWorld):
    def test_the_board_is_kept_with_its_hash_and_what_it_lacks_shows(self) -> None:
        board = rights_board_record(
            project=self.project,
            photo=png(),
            put_up_on=START,
            contents=[c for c in BoardContent.values if c != "legal_aid"],
            actor=self.inspector,
        )
        self.assertEqual(len(board.photo_sha256), 64)
        check = next(
            c
            for c in project_checklist(project=self.project, today=TODAY)
            if c.item == Item.RIGHTS_BOARD
        )
        self.assertEqual(check.missing_contents, ("legal_aid",))

    def test_a_file_that_is_not_a_photo_is_refused(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        with self.assertRaises(InvalidInput):
            rights_board_record(
                project=self.project,
                photo=SimpleUploadedFile("x.png", b"<html>"),
                put_up_on=START,
                contents=[],
                actor=None,
            )


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class ImportTests(RegistryWorld):
    def test_a_roster_file_adds_new_workers_and_reports_each_bad_row_by_line(self) -> None:
        new, unknown = self.worker_ids[2], self.worker_ids[3]
        content = csv_bytes(
            "project_code,worker_id,employer_code,joined_on,left_on,name",
            f"LY-001,{new},{self.subcontractor.credit_code},2026-04-01,,赵大海",
            f"LY-001,{unknown},,2026-04-01,,",
            "LY-001,123,,2026-04-01,,某人",
            f"LY-002,{new},,2026-04-01,,赵大海",
            f"LY-001,{self.worker_ids[0]},,2026-03-10,,",
        )
        result = registry_file_import(
            project=self.project,
            kind="roster",
            content=content,
            filename="roster.csv",
            actor=self.inspector,
        )
        self.assertEqual((result.created, result.updated, result.failed), (1, 1, 3))
        self.assertEqual([f.line for f in result.failures if f.field != "__all__"], [4, 5])
        lines = {f.line: f.message for f in result.failures}
        self.assertIn("give their name", lines[3])
        self.assertIn("LY-002", lines[5])
        self.assertEqual(RosterEntry.objects.filter(project=self.project).count(), 3)
        self.assertNotIn(new, str(result.failures))

    def test_payroll_for_a_worker_not_on_the_roster_is_refused_and_the_rest_kept(self) -> None:
        on, off = self.worker_ids[0], self.worker_ids[3]
        content = xlsx_bytes(
            ["project_code", "worker_id", "wage_month", "amount", "paid_on", "via_wage_account"],
            ["LY-001", on, "2026-10", "5200.00", "2026-11-10", "1"],
            ["LY-001", off, "2026-10", "5200.00", "2026-11-10", "1"],
            ["LY-001", on, "2026-10", "12.345", "2026-11-10", "2"],
        )
        result = registry_file_import(
            project=self.project,
            kind="payroll",
            content=content,
            filename="payroll.xlsx",
            actor=None,
            organization=self.subcontractor,
        )
        self.assertEqual((result.created, result.failed), (1, 2))
        reasons = {(f.line, f.field): f.message for f in result.failures}
        self.assertIn("not on this project's roster", reasons[(3, "__all__")])
        self.assertIn((4, "amount"), reasons)
        self.assertIn((4, "via_wage_account"), reasons)
        again = registry_file_import(
            project=self.project, kind="payroll", content=content, filename="p.xlsx", actor=None
        )
        self.assertEqual((again.created, again.updated), (0, 1))
        self.assertEqual(PayrollEntry.objects.count(), 1)

    def test_attendance_after_completion_is_refused_and_monthly_counts_are_kept(self) -> None:
        project_completion_record(
            project=self.project, completed_on=dt.date(2026, 10, 15), actor=None
        )
        on = self.worker_ids[1]
        content = csv_bytes(
            "project_code,worker_id,day,month,days",
            f"LY-001,{on},2026-10-14,,",
            f"LY-001,{on},2026-10-16,,",
            f"LY-001,{on},,2026-09,22",
            f"LY-001,{on},,2026-11,3",
            f"LY-001,{on},,,",
        )
        result = registry_file_import(
            project=self.project, kind="attendance", content=content, filename="a.csv", actor=None
        )
        self.assertEqual((result.created, result.failed), (2, 3))
        messages = {f.line: f.message for f in result.failures}
        self.assertIn("completed on 2026-10-15", messages[3])
        self.assertIn("completed on 2026-10-15", messages[5])
        self.assertEqual(Attendance.objects.get(day__isnull=True).days, 22)

    def test_labour_cost_needs_the_account_and_a_missing_column_refuses_the_file(self) -> None:
        content = csv_bytes(
            "project_code,month,amount,transferred_on", "LY-001,2026-03,50000,2026-04-05"
        )
        result = registry_file_import(
            project=self.project, kind="labour_cost", content=content, filename="l.csv", actor=None
        )
        self.assertIn("no wage account", result.failures[0].message)
        wage_account_open(
            project=self.project, bank="b", number=ACCOUNT, opened_on=START, actor=None
        )
        result = registry_file_import(
            project=self.project, kind="labour_cost", content=content, filename="l.csv", actor=None
        )
        self.assertEqual(result.created, 1)
        self.assertEqual(LabourCostTransfer.objects.get().amount, Decimal(50000))
        with self.assertRaisesMessage(InvalidInput, "transferred_on"):
            registry_file_import(
                project=self.project,
                kind="labour_cost",
                content=csv_bytes("project_code,month,amount", "LY-001,2026-03,1"),
                filename="l.csv",
                actor=None,
            )
