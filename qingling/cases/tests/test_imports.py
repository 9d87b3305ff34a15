import io
from decimal import Decimal

import time_machine
from django.utils import translation
from openpyxl import Workbook

from qingling.cases.imports import ClaimRow, claims_import, parse_claims_xlsx
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Claim
from qingling.cases.services import claim_add
from qingling.cases.tests.steps import advance
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_id_number
from qingling.parties.models import Person
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case

CHINESE = ["姓名", "身份证号", "手机", "欠薪金额"]


def workbook(headers: list[str], *rows: list[object], extra_sheet: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("说明").append(["姓名", "身份证号", "欠薪金额"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class ParseClaimsXlsxTests(BaseTestCase):
    def test_reads_the_first_sheet_under_chinese_headers(self) -> None:
        content = workbook(
            [" 姓 名 ", "身份证号码", "手机号码", "欠薪金额（元）", "备注"],
            ["王建国", "220402198001011234", 13843712345, 3500.5, "班组长"],
            [None, None, None, None, None],
            ["李四", "", "", "2,000元", ""],
            extra_sheet=True,
        )
        rows = parse_claims_xlsx(content)
        self.assertEqual([row.line for row in rows], [2, 4])
        self.assertEqual(
            rows[0].values,
            {
                "name": "王建国",
                "id_number": "220402198001011234",
                "phone": 13843712345,
                "claimed": 3500.5,
            },
        )
        self.assertEqual(rows[1].values["claimed"], "2,000元")

    def test_reads_english_headers(self) -> None:
        rows = parse_claims_xlsx(
            workbook(["Name", "ID_Number", "Claimed"], ["王建国", "220402198001011234", 100])
        )
        self.assertEqual(
            rows,
            [ClaimRow(2, {"name": "王建国", "id_number": "220402198001011234", "claimed": 100})],
        )

    def test_refuses_a_sheet_without_the_needed_columns(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            parse_claims_xlsx(workbook(["姓名", "手机"], ["王建国", "13843712345"]))
        self.assertEqual(set(raised.exception.extra["fields"]), {"id_number", "claimed"})

    def test_refuses_a_file_that_is_no_workbook(self) -> None:
        with self.assertRaises(InvalidInput):
            parse_claims_xlsx(b"name,id_number\n")

    def test_an_empty_sheet_has_no_rows(self) -> None:
        book = Workbook()
        buffer = io.BytesIO()
        book.save(buffer)
        self.assertEqual(parse_claims_xlsx(buffer.getvalue()), [])


@time_machine.travel(CURRENT_TIME, tick=False)
class ClaimsImportTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self)  # 王建国 has a claim already, without an ID number

    def run_import(
        self, *rows: list[object], actor: object = None
    ) -> tuple[dict[int, list[str]], int]:
        parsed = parse_claims_xlsx(workbook(CHINESE, *rows))
        with translation.override("en"):
            result = claims_import(case=self.case, rows=parsed, actor=actor or self.inspector)  # type: ignore[arg-type]
        failures: dict[int, list[str]] = {}
        for failure in result.failures:
            failures.setdefault(failure.line, []).append(f"{failure.field}: {failure.message}")
        self.assertEqual(result.failed, len(failures))
        return failures, result.created

    def test_adds_a_claim_for_each_good_row(self) -> None:
        first, second = fake_id_number(self.rng), fake_id_number(self.rng)
        failures, created = self.run_import(
            ["刘德福", first, "13643712345", 6200],
            ["张  秀兰", second.lower()[:-1] + second[-1].lower(), None, "3,500.50元"],
            ["赵六", fake_id_number(self.rng), "", 1234.5],
        )
        self.assertEqual((failures, created), ({}, 3))
        claims = {c.worker.name: c.claimed for c in self.case.claims.select_related("worker")}
        self.assertEqual(
            claims,
            {
                "王建国": Decimal("10000.00"),
                "刘德福": Decimal("6200.00"),
                "张 秀兰": Decimal("3500.50"),
                "赵六": Decimal("1234.50"),
            },
        )
        self.assertEqual(AuditEvent.objects.filter(action="case.claim_add").count(), 3)

    def test_says_which_part_of_an_id_number_is_wrong(self) -> None:
        good = fake_id_number(self.rng)
        wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
        failures, created = self.run_import(
            ["甲", wrong_check, "", 100],
            ["乙", "999999" + good[6:], "", 100],
            ["丙", good[:6] + "19901341" + good[14:], "", 100],
            ["丁", good[:17], "", 100],
            ["戊", "", "", 100],
            ["己", 2.20402198001011e17, "", 100],
            ["庚", good, "", 100],
        )
        self.assertEqual(created, 1)
        self.assertIn("check digit (last character)", failures[2][0])
        self.assertIn("address code 999999 (first six digits)", failures[3][0])
        self.assertIn("birth date 19901341 (digits 7 to 14)", failures[4][0])
        self.assertIn("18 characters; this one has 17", failures[5][0])
        self.assertIn("ID number", failures[6][0])
        self.assertIn("stored as a number", failures[7][0])
        self.assertTrue(
            all(message.startswith("id_number: ") for line in failures.values() for message in line)
        )
        self.assertEqual(set(failures), {2, 3, 4, 5, 6, 7})

    def test_reports_a_worker_twice_in_the_file_or_already_in_the_case(self) -> None:
        twice, known = fake_id_number(self.rng), fake_id_number(self.rng)
        claim_add(case=self.case, name="钱七", id_number=known, actor=self.inspector)
        failures, created = self.run_import(
            ["孙八", twice, "", 100],
            ["钱七", known, "", 100],
            ["孙八", twice, "", 200],
        )
        self.assertEqual(created, 1)
        self.assertEqual(list(failures), [3, 4])
        self.assertIn("already has a claim in this case", failures[3][0])
        self.assertIn("line 2 of this file", failures[4][0])
        self.assertEqual(Claim.objects.get(worker__name="孙八").claimed, Decimal("100.00"))

    def test_reports_bad_amounts_and_names(self) -> None:
        rows: list[list[object]] = [
            [f"工人{n}", fake_id_number(self.rng), "", amount]
            for n, amount in enumerate(["abc", -5, 0, "1.234", None, "NaN"])
        ]
        rows.append(["", fake_id_number(self.rng), "", 100])
        failures, created = self.run_import(*rows)
        self.assertEqual(created, 0)
        self.assertEqual(list(failures), [2, 3, 4, 5, 6, 7, 8])
        self.assertIn("not an amount", failures[2][0])
        self.assertIn("more than zero", failures[3][0])
        self.assertIn("more than zero", failures[4][0])
        self.assertIn("two decimal places", failures[5][0])
        self.assertIn("claimed: ", failures[6][0])
        self.assertIn("not an amount", failures[7][0])
        self.assertEqual(failures[8], ["name: Enter the worker's name."])

    def test_a_bad_row_leaves_nothing_behind_and_lists_all_its_faults(self) -> None:
        people = Person.objects.count()
        failures, created = self.run_import(["周九", fake_id_number(self.rng), "12345", "-1"])
        self.assertEqual(created, 0)
        self.assertEqual([m.split(":")[0] for m in failures[2]], ["phone", "claimed"])
        self.assertEqual(Person.objects.count(), people)
        self.assertEqual(self.case.claims.count(), 1)

    def test_only_the_case_inspectors_or_a_chief_on_an_open_case(self) -> None:
        rows = parse_claims_xlsx(workbook(CHINESE, ["刘德福", fake_id_number(self.rng), "", 100]))
        for persona in (self.xian, self.intake, self.outsider):
            with self.subTest(persona=persona), self.assertRaises(Forbidden):
                claims_import(case=self.case, rows=rows, actor=persona)
        closed = advance(self, self.case, CaseStatus.CLOSED)
        with self.assertRaises(Conflict):
            claims_import(case=closed, rows=rows, actor=self.inspector)
        self.assertEqual(self.case.claims.count(), 1)
