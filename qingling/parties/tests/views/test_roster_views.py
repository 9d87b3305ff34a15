import datetime as dt
import shutil
import tempfile
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingling.core.jobs import import_jobs_run
from qingling.core.models import AuditEvent, ImportJob
from qingling.core.personal_data import mask_id_number
from qingling.core.services import import_job_claim
from qingling.parties.demo import fake_id_number
from qingling.parties.imports import parse_roster_xlsx
from qingling.parties.models import Project, ProjectParty
from qingling.parties.services import project_party_add, roster_add, roster_import
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


@override_settings(LANGUAGE_CODE="en", QINGLING_IMPORT_INLINE_ROWS=2)
@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(QINGLING_WORKER_JOB_LEASE_SECONDS=900)
class LargeRosterImportTests(BaseTestCase):
    project: Project

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.project = make_project(division=cls.longshan)

    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="qingling-media-")
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)

    def upload(self, content: bytes) -> Any:
        return self.client.post(
            reverse("parties:project_roster_import", args=[self.project.public_id]),
            {"roster_import-file": SimpleUploadedFile("roster.xlsx", content)},
        )

    def test_a_large_roster_is_queued_and_the_worker_adds_its_workers_once(self) -> None:
        self.login(self.inspector)
        content = workbook(
            ["姓名", "身份证号", "工种"],
            ["王建国", fake_id_number(self.rng), "木工"],
            ["李四", "220402199002301234", ""],
            ["张三", fake_id_number(self.rng), "瓦工"],
        )
        response = self.upload(content)
        job = ImportJob.objects.get()
        self.assertRedirects(response, reverse("accounts:import_job", args=[job.public_id]))
        self.assertEqual(
            (job.kind, job.params), ("parties.roster", {"project": str(self.project.public_id)})
        )
        self.assertIs(self.project.roster.exists(), False)
        import_jobs_run()
        import_jobs_run()
        job.refresh_from_db()
        self.assertEqual((job.status, job.rows_done, job.rows_total), ("done", 3, 3))
        self.assertEqual((job.rows_created, job.rows_failed), (2, 1))
        self.assertEqual({failure["line"] for failure in job.report}, {3})
        self.assertEqual(
            sorted(self.project.roster.values_list("worker__name", flat=True)), ["张三", "王建国"]
        )
        page = self.client.get(reverse("accounts:import_job", args=[job.public_id]))
        self.assertContains(page, "2 rows added, 0 updated, 1 refused.")
        self.assertContains(page, self.url_roster())

    def test_running_the_file_again_adds_nobody_twice(self) -> None:
        self.login(self.inspector)
        content = workbook(
            ["姓名", "身份证号"],
            ["王建国", fake_id_number(self.rng)],
            ["张三", fake_id_number(self.rng)],
            ["赵六", fake_id_number(self.rng)],
        )
        self.upload(content)
        self.upload(content)
        import_jobs_run()
        first, second = ImportJob.objects.order_by("id")
        self.assertEqual((first.rows_created, first.rows_failed), (3, 0))
        self.assertEqual((second.rows_created, second.rows_failed), (0, 3))
        self.assertEqual(self.project.roster.count(), 3)

    def test_a_job_whose_worker_died_midway_is_run_again_without_doubling_a_worker(
        self,
    ) -> None:
        self.login(self.inspector)
        content = workbook(
            ["姓名", "身份证号"],
            ["王建国", fake_id_number(self.rng)],
            ["张三", fake_id_number(self.rng)],
            ["赵六", fake_id_number(self.rng)],
        )
        self.upload(content)
        job = import_job_claim()  # a worker claims it, writes two rows and is killed
        assert job is not None
        roster_import(
            project=self.project, rows=parse_roster_xlsx(content)[:2], actor=self.inspector
        )
        with time_machine.travel(CURRENT_TIME + dt.timedelta(minutes=14), tick=False):
            import_jobs_run()  # within the lease: its worker may still be at it
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.RUNNING)
        with time_machine.travel(CURRENT_TIME + dt.timedelta(minutes=16), tick=False):
            import_jobs_run()
        job.refresh_from_db()
        self.assertEqual((job.status, job.attempts), (ImportJob.Status.DONE, 2))
        self.assertEqual((job.rows_created, job.rows_failed), (1, 2))
        self.assertEqual(
            sorted(self.project.roster.values_list("worker__name", flat=True)),
            ["张三", "王建国", "赵六"],
        )

    def test_only_the_uploader_sees_the_job_and_another_county_cannot_queue_one(self) -> None:
        self.login(self.inspector)
        self.upload(
            workbook(
                ["姓名", "身份证号"],
                *[list[object](["王", fake_id_number(self.rng)]) for _ in range(3)],
            )
        )
        job = ImportJob.objects.get()
        self.login(self.chief)
        page = self.client.get(reverse("accounts:import_job", args=[job.public_id]))
        self.assertEqual(page.status_code, 404)
        self.login(self.xian)
        self.assertEqual(
            self.upload(
                workbook(["姓名", "身份证号"], *[list[object](["王", "x"]) for _ in range(3)])
            ).status_code,
            404,
        )
        self.assertEqual(ImportJob.objects.count(), 1)

    def url_roster(self) -> str:
        return reverse("parties:project_detail", args=[self.project.public_id]) + "#roster"
