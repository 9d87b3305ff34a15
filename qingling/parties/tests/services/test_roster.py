import datetime as dt
import io

import time_machine
from django.test import override_settings
from openpyxl import Workbook

from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.parties.demo import fake_id_number
from qingling.parties.imports import RosterRow, parse_roster_xlsx, read_roster_row
from qingling.parties.models import Person, Project, ProjectParty, RosterEntry
from qingling.parties.services import (
    person_register,
    project_party_add,
    roster_add,
    roster_import,
)
from qingling.testing import CURRENT_TIME, BaseTestCase, make_person, make_project


def workbook(headers: list[str], *rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class RosterTestCase(BaseTestCase):
    project: Project
    team: ProjectParty

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.project = make_project(division=cls.longshan)
        cls.team = project_party_add(
            project=cls.project,
            role=ProjectParty.Role.TEAM,
            leader=make_person(cls.rng, name="赵班长"),
            actor=None,
        )


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class RosterAddTests(RosterTestCase):
    def test_puts_a_new_worker_on_the_roster_and_audits_it(self) -> None:
        entry = roster_add(
            project=self.project,
            name=" 刘德福 ",
            id_number=fake_id_number(self.rng),
            phone="13643712345",
            team=self.team,
            trade=" 钢筋工 ",
            joined_on=dt.date(2026, 3, 1),
            actor=self.inspector,
        )
        self.assertEqual(
            (entry.worker.name, entry.team, entry.trade, entry.joined_on, entry.left_on),
            ("刘德福", self.team, "钢筋工", dt.date(2026, 3, 1), None),
        )
        self.assertEqual(entry.worker.phone_masked, "136******45")
        event = AuditEvent.objects.get(action="project.roster_add")
        self.assertEqual((event.actor, event.object_id), (self.inspector, str(self.project.pk)))
        self.assertEqual((event.after or {})["entry"], entry.pk)

    def test_the_same_id_number_is_the_person_already_registered(self) -> None:
        id_number = fake_id_number(self.rng)
        person = person_register(name="刘德福", id_number=id_number, actor=None)
        entry = roster_add(
            project=self.project, name="刘得福", id_number=id_number.lower(), actor=self.inspector
        )
        self.assertEqual(entry.worker, person)
        self.assertEqual(Person.objects.filter(name__startswith="刘").count(), 1)

    def test_refuses_a_worker_already_on_the_roster(self) -> None:
        id_number = fake_id_number(self.rng)
        roster_add(project=self.project, name="刘德福", id_number=id_number, actor=None)
        with self.assertRaisesMessage(Conflict, "刘德福 is already on this project's roster.") as e:
            roster_add(project=self.project, name="刘德福", id_number=id_number, actor=None)
        self.assertEqual(e.exception.code, "roster_duplicate")
        self.assertEqual(list(e.exception.extra["fields"]), ["id_number"])
        self.assertEqual(self.project.roster.count(), 1)

    def test_refuses_a_project_outside_the_jurisdiction(self) -> None:
        with self.assertRaises(Forbidden):
            roster_add(
                project=self.project,
                name="刘德福",
                id_number=fake_id_number(self.rng),
                actor=self.xian,
            )
        self.assertIs(RosterEntry.objects.exists(), False)
        self.assertIs(Person.objects.filter(name="刘德福").exists(), False)

    def test_refuses_a_worker_without_an_id_number(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "Enter the worker's ID number.") as e:
            roster_add(project=self.project, name="刘德福", id_number=" ", actor=None)
        self.assertEqual(list(e.exception.extra["fields"]), ["id_number"])

    def test_refuses_a_team_of_another_project(self) -> None:
        elsewhere = make_project(division=self.longshan, name="别的项目")
        foreign_team = project_party_add(
            project=elsewhere,
            role=ProjectParty.Role.TEAM,
            leader=make_person(self.rng, name="钱班长"),
            actor=None,
        )
        with self.assertRaises(InvalidInput) as e:
            roster_add(
                project=self.project,
                name="刘德福",
                id_number=fake_id_number(self.rng),
                team=foreign_team,
                actor=None,
            )
        self.assertEqual(list(e.exception.extra["fields"]), ["team"])
        self.assertIs(self.project.roster.exists(), False)


@override_settings(LANGUAGE_CODE="en")
class ParseRosterXlsxTests(BaseTestCase):
    def test_reads_chinese_headers_and_skips_empty_rows(self) -> None:
        content = workbook(
            ["姓名", "身份证号码", "手机号", "班组", "工种", "进场日期", "备注"],
            [
                "王建国",
                "220402198001011234",
                13843712345,
                "赵班长",
                "木工",
                dt.date(2026, 3, 1),
                "",
            ],
            [None, None, None, None, None, None, None],
            ["李四", "", "", "", "", "2026/3/2", ""],
        )
        rows = parse_roster_xlsx(content)
        self.assertEqual([row.line for row in rows], [2, 4])
        self.assertEqual(rows[0].values["team"], "赵班长")
        self.assertEqual(read_roster_row(rows[0])[0].joined_on, dt.date(2026, 3, 1))
        self.assertEqual(read_roster_row(rows[1])[0].joined_on, dt.date(2026, 3, 2))
        self.assertNotIn("备注", rows[0].values)

    def test_refuses_a_sheet_without_the_id_number_column(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "no column for: id_number"):
            parse_roster_xlsx(workbook(["name", "phone"], ["王建国", "13843712345"]))

    def test_refuses_a_file_that_is_not_a_workbook(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "The XLSX file cannot be read."):
            parse_roster_xlsx(b"name,id_number\n")


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class RosterImportTests(RosterTestCase):
    def row(self, line: int, **values: object) -> RosterRow:
        return RosterRow(line, values)

    def test_adds_the_good_rows_and_reports_each_bad_row_by_line_and_reason(self) -> None:
        on_roster = fake_id_number(self.rng)
        roster_add(project=self.project, name="老工人", id_number=on_roster, actor=None)
        good = fake_id_number(self.rng)
        rows = [
            self.row(
                2,
                name="王建国",
                id_number=good,
                phone=13843712345.0,
                team="赵班长班组",
                trade="木工",
                joined_on="2026年3月1日",
            ),
            self.row(3, name="", id_number=fake_id_number(self.rng)),
            self.row(4, name="李四", id_number=220402198001011234.0),
            self.row(5, name="王建国", id_number=good),
            self.row(6, name="老工人", id_number=on_roster),
            self.row(7, name="孙五", id_number=fake_id_number(self.rng), team="无名"),
            self.row(8, name="周六", id_number=fake_id_number(self.rng), joined_on="三月"),
            self.row(9, name="吴七", id_number=fake_id_number(self.rng), phone="12345"),
        ]
        result = roster_import(project=self.project, rows=rows, actor=self.inspector)
        self.assertEqual((result.created, result.failed), (1, 7))
        reasons = {(f.line, f.field): f.message for f in result.failures}
        self.assertEqual(
            sorted(reasons),
            [
                (3, "name"),
                (4, "id_number"),
                (5, "id_number"),
                (6, "id_number"),
                (7, "team"),
                (8, "joined_on"),
                (9, "phone"),
            ],
        )
        self.assertIn("lost its last digits", reasons[4, "id_number"])
        self.assertIn("already on line 2 of this file", reasons[5, "id_number"])
        self.assertIn("老工人 is already on this project's roster", reasons[6, "id_number"])
        self.assertIn("No work team of this project is led by 无名", reasons[7, "team"])
        self.assertIn("“三月” is not a date", reasons[8, "joined_on"])
        entry = self.project.roster.get(worker__name="王建国")
        self.assertEqual(
            (entry.team, entry.trade, entry.joined_on, entry.worker.phone_masked),
            (self.team, "木工", dt.date(2026, 3, 1), "138******45"),
        )
        # Each bad row left nothing behind: no person registered for the refused rows.
        self.assertIs(Person.objects.filter(name__in=["孙五", "周六", "吴七"]).exists(), False)

    def test_a_row_that_fails_in_the_service_leaves_nothing_behind(self) -> None:
        leader = self.team.leader
        assert leader is not None
        project_party_add(  # a second team under the same leader's name: ambiguous
            project=self.project,
            role=ProjectParty.Role.TEAM,
            leader=make_person(self.rng, name="赵班长"),
            actor=None,
        )
        result = roster_import(
            project=self.project,
            rows=[self.row(2, name="郑八", id_number=fake_id_number(self.rng), team="赵班长")],
            actor=None,
        )
        self.assertEqual((result.created, result.failed), (0, 1))
        self.assertIn("leads more than one team", result.failures[0].message)
        self.assertIs(Person.objects.filter(name="郑八").exists(), False)

    def test_refuses_a_project_outside_the_jurisdiction_before_any_row(self) -> None:
        with self.assertRaises(Forbidden):
            roster_import(project=self.project, rows=[], actor=self.xian)

    def test_reads_a_whole_workbook(self) -> None:
        content = workbook(
            ["name", "id_number", "team", "joined_on"],
            ["王建国", fake_id_number(self.rng), "赵班长", dt.date(2026, 3, 1)],
            ["李四", fake_id_number(self.rng), "", None],
        )
        result = roster_import(
            project=self.project, rows=parse_roster_xlsx(content), actor=self.inspector
        )
        self.assertEqual((result.created, result.failed), (2, 0))
        self.assertEqual(AuditEvent.objects.filter(action="project.roster_add").count(), 2)
