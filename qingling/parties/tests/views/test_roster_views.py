import datetime as dt
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingling.core.models import AuditEvent
from qingling.core.personal_data import mask_id_number
from qingling.parties.demo import fake_id_number
from qingling.parties.models import Project, ProjectParty
from qingling.parties.services import project_party_add, roster_add
from qingling.parties.tests.services.test_roster import workbook
from qingling.testing import CURRENT_TIME, BaseTestCase, make_person, make_project


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class ProjectRosterViewTests(BaseTestCase):
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

    def url(self, name: str) -> str:
        return reverse(f"parties:{name}", args=[self.project.public_id])

    def add(self, **fields: object) -> Any:
        data = {"name": "刘德福", "id_number": "", "phone": "", "team": "", "trade": ""}
        data |= {"joined_on": ""} | {key: str(value) for key, value in fields.items()}
        return self.client.post(
            self.url("project_roster_add"), {f"roster-{k}": v for k, v in data.items()}
        )

    def upload(self, content: bytes, name: str = "roster.xlsx") -> Any:
        return self.client.post(
            self.url("project_roster_import"),
            {"roster_import-file": SimpleUploadedFile(name, content)},
        )

    def test_shows_the_roster_masked_in_queries_that_do_not_grow_with_the_rows(self) -> None:
        id_numbers = [fake_id_number(self.rng) for _ in range(3)]
        roster_add(project=self.project, name="工人0", id_number=id_numbers[0], actor=None)
        self.login(self.intake)
        with CaptureQueriesContext(connection) as one_row:
            self.client.get(self.url("project_detail"))
        for index, id_number in enumerate(id_numbers[1:], start=1):
            roster_add(
                project=self.project,
                name=f"工人{index}",
                id_number=id_number,
                team=self.team,
                trade="木工",
                joined_on=dt.date(2026, 3, 1),
                actor=None,
            )
        with self.assertNumQueries(len(one_row)):
            response = self.client.get(self.url("project_detail"))
        self.assertContains(response, 'data-roster-entry="', count=3)
        # the party row, two workers and the team offered in the add form
        self.assertContains(response, "赵班长", count=4)
        self.assertContains(response, "2026-03-01", count=2)
        for id_number in id_numbers:
            self.assertNotContains(response, id_number)
            self.assertContains(response, mask_id_number(id_number))

    def test_only_party_editors_get_the_forms(self) -> None:
        self.login(self.director)  # party.view only
        response = self.client.get(self.url("project_detail"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'data-form="roster_add"')
        self.assertNotContains(response, 'data-form="roster_import"')
        self.assertEqual(self.add(id_number=fake_id_number(self.rng)).status_code, 403)
        self.assertEqual(self.upload(workbook(["姓名", "身份证号"])).status_code, 403)
        self.assertIs(self.project.roster.exists(), False)
        self.login(self.inspector)
        response = self.client.get(self.url("project_detail"))
        self.assertContains(response, 'data-form="roster_add"')
        self.assertContains(response, 'data-form="roster_import"')

    def test_another_jurisdiction_gets_404(self) -> None:
        self.login(self.xian)
        self.assertEqual(self.add(id_number=fake_id_number(self.rng)).status_code, 404)
        self.assertEqual(self.upload(workbook(["姓名", "身份证号"])).status_code, 404)

    def test_adds_a_worker_with_a_team(self) -> None:
        self.login(self.inspector)
        response = self.add(
            id_number=fake_id_number(self.rng), team=self.team.pk, joined_on="2026-03-01"
        )
        self.assertRedirects(response, self.url("project_detail") + "#roster")
        entry = self.project.roster.get()
        self.assertEqual((entry.worker.name, entry.team), ("刘德福", self.team))
        self.assertEqual(AuditEvent.objects.filter(action="project.roster_add").count(), 1)

    def test_a_refused_worker_is_shown_on_the_form(self) -> None:
        self.login(self.inspector)
        id_number = fake_id_number(self.rng)
        roster_add(project=self.project, name="刘德福", id_number=id_number, actor=None)
        response = self.add(id_number=id_number)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Already on the roster.")
        self.assertContains(response, "刘德福 is already on this project&#x27;s roster.")
        self.assertEqual(self.project.roster.count(), 1)

    def test_uploads_a_workbook_and_lists_the_bad_rows(self) -> None:
        self.login(self.inspector)
        content = workbook(
            ["姓名", "身份证号", "班组", "工种", "进场日期"],
            ["王建国", fake_id_number(self.rng), "赵班长", "木工", "2026-03-01"],
            ["李四", "220402", "", "", ""],
        )
        response = self.upload(content)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "1 worker is added to the roster. 1 row is refused")
        self.assertContains(response, 'id="roster-import-failures"')
        self.assertContains(response, "An ID number has 18 characters; this one has 6.")
        self.assertEqual(
            list(self.project.roster.values_list("worker__name", flat=True)), ["王建国"]
        )

    def test_a_clean_upload_redirects_to_the_roster(self) -> None:
        self.login(self.inspector)
        response = self.upload(
            workbook(["name", "id_number"], ["王建国", fake_id_number(self.rng)])
        )
        self.assertRedirects(response, self.url("project_detail") + "#roster")
        self.assertEqual(self.project.roster.count(), 1)

    def test_a_file_that_is_no_workbook_is_refused_on_the_form(self) -> None:
        self.login(self.inspector)
        response = self.upload(b"not a workbook", name="roster.csv")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The XLSX file cannot be read.")
        self.assertIs(self.project.roster.exists(), False)

    @override_settings(QINGLING_IMPORT_MAX_BYTES=100)
    def test_a_file_too_large_is_refused(self) -> None:
        self.login(self.inspector)
        response = self.upload(
            workbook(["name", "id_number"], ["王建国", fake_id_number(self.rng)])
        )
        self.assertContains(response, "a file to import may be at most 100\xa0bytes")
        self.assertIs(self.project.roster.exists(), False)
