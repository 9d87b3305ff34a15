import io
import shutil
import tempfile
from typing import Any

import time_machine
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from qingling.core.jobs import import_jobs_run
from qingling.core.models import ImportJob
from qingling.employment.models import Seeker
from qingling.employment.tests.world import EmploymentWorld
from qingling.parties.demo import fake_id_number
from qingling.testing import CURRENT_TIME, xlsx_crafted


def upload(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号", "区县", "乡镇"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.name = "grid.xlsx"
    out.seek(0)
    return out


@override_settings(LANGUAGE_CODE="en", QINGLING_IMPORT_INLINE_ROWS=3)
@time_machine.travel(CURRENT_TIME, tick=False)
class LargeSurveyImportTests(EmploymentWorld):
    def setUp(self) -> None:
        super().setUp()
        media = tempfile.mkdtemp(prefix="qingling-media-")
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.login(self.employment)

    def post(self, content: io.BytesIO) -> Any:
        return self.client.post(reverse("employment:seeker_import"), {"file": content})

    def test_a_large_import_is_queued_run_by_the_worker_and_shown_with_progress(self) -> None:
        rows: list[list[object]] = [
            [f"工人{n}", fake_id_number(self.rng), "龙山区", "向阳街道"] for n in range(5)
        ]
        rows.insert(2, ["坏行", "1234", "龙山区", "向阳街道"])  # line 4
        before = Seeker.objects.count()
        response = self.post(upload(rows))
        job = ImportJob.objects.get()
        self.assertRedirects(response, reverse("accounts:import_job", args=[job.public_id]))
        self.assertEqual(Seeker.objects.count(), before)  # nothing imported by the web process
        self.assertEqual((job.kind, job.status), ("employment.seekers", ImportJob.Status.QUEUED))

        page = self.client.get(reverse("accounts:import_job", args=[job.public_id]))
        self.assertContains(page, "<progress")
        self.assertContains(page, 'hx-trigger="every 2s"')
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.RUNNING, rows_total=6, rows_done=2
        )
        part = self.client.get(
            reverse("accounts:import_job", args=[job.public_id]), headers={"HX-Request": "true"}
        )
        self.assertContains(part, '<progress max="6" value="2"')
        self.assertNotContains(part, "<h1>")  # only the part the page polls
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, rows_done=0)

        import_jobs_run()
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE)
        self.assertEqual((job.rows_done, job.rows_total), (6, 6))
        self.assertEqual((job.rows_created, job.rows_failed), (5, 1))
        self.assertEqual({failure["line"] for failure in job.report}, {4})
        self.assertEqual(Seeker.objects.count(), before + 5)

        done = self.client.get(
            reverse("accounts:import_job", args=[job.public_id]), headers={"HX-Request": "true"}
        )
        self.assertContains(done, "5 rows added, 0 updated, 1 refused.")
        self.assertContains(done, '<td class="num" data-label="Line">4</td>', html=False)
        self.assertNotContains(done, "hx-trigger")  # the polling stops

        import_jobs_run()  # a second round (or worker) does not import it again
        self.assertEqual(Seeker.objects.count(), before + 5)

    def test_a_small_import_runs_at_once(self) -> None:
        response = self.post(upload([["王一", fake_id_number(self.rng), "龙山区", "向阳街道"]]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["result"].created, 1)
        self.assertFalse(ImportJob.objects.exists())

    def test_a_workbook_declaring_100000_rows_is_refused_on_the_page_unqueued(self) -> None:
        content = io.BytesIO(xlsx_crafted(100_000, header="姓名"))
        content.name = "bomb.xlsx"
        response = self.post(content)
        self.assertContains(response, "more than 50,000 rows")
        self.assertFalse(ImportJob.objects.exists())

    def test_only_the_uploader_sees_the_job(self) -> None:
        self.post(
            upload([[f"工人{n}", fake_id_number(self.rng), "龙山区", "向阳街道"] for n in range(4)])
        )
        job = ImportJob.objects.get()
        self.login(self.director)
        response = self.client.get(reverse("accounts:import_job", args=[job.public_id]))
        self.assertEqual(response.status_code, 404)
