import io
from decimal import Decimal

import openpyxl
from django.utils import translation

from qingling.core.exceptions import InvalidInput, NotFound
from qingling.core.personal_data import blind_index
from qingling.intake.channels.base import ComplaintDraft, FieldErrors, WorkerEntry, worker_lines
from qingling.intake.models import Complaint, ComplaintWorker
from qingling.intake.services import (
    complaint_register,
    complaint_workers_add,
    complaint_workers_import,
)
from qingling.parties.demo import fake_id_number
from qingling.testing import BaseTestCase


def group_draft(**overrides: object) -> ComplaintDraft:
    values: dict[str, object] = {
        "name": "王建国",
        "phone": "13843712345",
        "employer_name": "辽源市鑫盛建筑工程有限公司",
        "amount": Decimal(18600),
        "headcount": 3,
    }
    values.update(overrides)
    return ComplaintDraft(**values)  # type: ignore[arg-type]


class ComplaintWorkersTests(BaseTestCase):
    def test_a_group_complaint_keeps_each_worker_sealed_with_a_blind_index(self) -> None:
        id_number = fake_id_number(self.rng)
        complaint = complaint_register(
            draft=group_draft(
                workers=[
                    WorkerEntry(name="李四", phone="13900001111", amount=Decimal(6000), line=1),
                    WorkerEntry(name="赵六", id_number=id_number, amount=Decimal(6600), line=2),
                ]
            ),
            channel="web",
            actor=None,
        ).complaint
        li, zhao = complaint.workers.all()
        self.assertEqual((li.name, li.amount, li.source), ("李四", Decimal("6000.00"), "form"))
        self.assertNotIn("13900001111", li.phone_sealed)
        self.assertEqual(li.phone_digest, blind_index("13900001111", purpose="phone"))
        self.assertEqual(li.phone_masked, "139******11")
        self.assertEqual(zhao.id_number_digest, blind_index(id_number, purpose="id_number"))
        self.assertNotIn(id_number, zhao.id_number_sealed)
        self.assertEqual(complaint.amount_claimed, Decimal(18600))  # the group's total, as said

    @translation.override("en")
    def test_a_worker_without_a_mobile_or_id_number_refuses_the_whole_complaint(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            complaint_register(
                draft=group_draft(workers=[WorkerEntry(name="李四", line=2)]),
                channel="walk_in",
                actor=self.intake,
            )
        message = " ".join(raised.exception.extra["fields"]["workers"])
        self.assertIn("Line 2", message)
        self.assertIn("李四", message)
        self.assertFalse(Complaint.objects.exists())
        self.assertFalse(ComplaintWorker.objects.exists())

    @translation.override("en")
    def test_the_officer_adds_workers_all_or_none(self) -> None:
        complaint = complaint_register(draft=group_draft(), channel="walk_in", actor=None).complaint
        entries = [
            WorkerEntry(name="李四", phone="13900001111", line=1),
            WorkerEntry(name="赵六", phone="123", line=2),
        ]
        with self.assertRaises(InvalidInput) as raised:
            complaint_workers_add(complaint=complaint, entries=entries, actor=self.intake)
        self.assertIn("Line 2", " ".join(raised.exception.extra["fields"]["workers"]))
        self.assertFalse(complaint.workers.exists())
        complaint_workers_add(complaint=complaint, entries=entries[:1], actor=self.intake)
        self.assertEqual([w.source for w in complaint.workers.all()], ["officer"])

    def test_the_same_id_number_is_not_named_twice(self) -> None:
        complaint = complaint_register(draft=group_draft(), channel="walk_in", actor=None).complaint
        id_number = fake_id_number(self.rng)
        complaint_workers_add(
            complaint=complaint,
            entries=[WorkerEntry(name="李四", id_number=id_number)],
            actor=self.intake,
        )
        with self.assertRaises(InvalidInput):
            complaint_workers_add(
                complaint=complaint,
                entries=[WorkerEntry(name="李四", id_number=id_number)],
                actor=self.intake,
            )
        self.assertEqual(complaint.workers.count(), 1)

    def test_someone_outside_intake_may_not_add_workers(self) -> None:
        complaint = complaint_register(draft=group_draft(), channel="walk_in", actor=None).complaint
        with self.assertRaises(NotFound):
            complaint_workers_add(
                complaint=complaint,
                entries=[WorkerEntry(name="李四", phone="13900001111")],
                actor=self.outsider,
            )

    @translation.override("en")
    def test_a_sheet_with_bad_rows_names_each_line_and_stores_nothing(self) -> None:
        complaint = complaint_register(draft=group_draft(), channel="walk_in", actor=None).complaint
        sheet = "姓名,手机号码,身份证号码,金额\n李四,13900001111,,6000\n赵六,,,5000\n钱七,139,,x\n"
        with self.assertRaises(InvalidInput) as raised:
            complaint_workers_import(
                complaint=complaint,
                content=sheet.encode("utf-8-sig"),
                filename="workers.csv",
                actor=self.intake,
            )
        messages = " ".join(raised.exception.extra["fields"]["file"])
        self.assertIn("Line 4", messages)  # the amount "x"
        self.assertFalse(complaint.workers.exists())

    def test_a_good_xlsx_sheet_adds_every_worker(self) -> None:
        complaint = complaint_register(draft=group_draft(), channel="walk_in", actor=None).complaint
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["姓名", "手机号码", "身份证号码", "欠薪金额"])
        sheet.append(["李四", "13900001111", "", 6000])
        sheet.append(["赵六", "", fake_id_number(self.rng), "6600.50"])
        data = io.BytesIO()
        workbook.save(data)
        added = complaint_workers_import(
            complaint=complaint, content=data.getvalue(), filename="w.xlsx", actor=self.intake
        )
        self.assertEqual(
            [(w.name, w.amount) for w in added],
            [
                ("李四", Decimal("6000.00")),
                ("赵六", Decimal("6600.50")),
            ],
        )
        self.assertEqual({w.source for w in complaint.workers.all()}, {"sheet"})


class WorkerLinesTests(BaseTestCase):
    def test_reads_a_name_a_mobile_an_id_number_and_an_amount_per_line(self) -> None:
        id_number = fake_id_number(self.rng)
        errors = FieldErrors()
        entries = worker_lines(f"李四 13900001111 6000元\n\n赵六，{id_number}，6,600\n", errors)
        self.assertEqual(errors.fields, {})
        self.assertEqual(
            [(e.name, e.phone, e.id_number, e.amount, e.line) for e in entries],
            [
                ("李四", "13900001111", "", Decimal(6000), 1),
                ("赵六", "", id_number, Decimal(6600), 3),
            ],
        )

    @translation.override("en")
    def test_a_part_that_is_nothing_known_is_reported_by_line(self) -> None:
        errors = FieldErrors()
        worker_lines("李四 很多钱", errors)
        self.assertIn("Line 1", errors.fields["workers"][0])
