import shutil
import tempfile

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from qingling.cases.tests.test_imports import workbook
from qingling.core.jobs import import_jobs_run
from qingling.core.models import ImportJob
from qingling.parties.demo import fake_id_number
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class ClaimsImportViewTests(BaseTestCase):
    def post(self, content: bytes) -> object:
        case = self.case
        return self.client.post(
            reverse("cases:claims_import", args=[case.public_id]),
            {"file": SimpleUploadedFile("claims.xlsx", content)},
            follow=True,
        )

    def setUp(self) -> None:
        self.case = make_case(self)

    def test_adds_the_good_rows_and_lists_the_bad_ones_by_line(self) -> None:
        self.client.force_login(self.inspector)
        content = workbook(
            ["姓名", "身份证号", "欠薪金额"],
            ["张三", fake_id_number(self.rng), "3500"],
            ["李四", "220402199002301234", "2000"],
        )
        response = self.post(content)
        self.assertEqual(self.case.claims.count(), 2)  # the complainant's and 张三's
        texts = [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]
        self.assertIn("1 claim is added.", texts)
        self.assertTrue(any(text.startswith("Line 3, id_number:") for text in texts))

    def test_someone_not_on_the_case_is_refused(self) -> None:
        self.client.force_login(self.xian)
        response = self.client.post(
            reverse("cases:claims_import", args=[self.case.public_id]),
            {"file": SimpleUploadedFile("claims.xlsx", b"x")},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.case.claims.count(), 1)


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en", QINGLING_IMPORT_INLINE_ROWS=2)
class LargeClaimsImportTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self)
        media = tempfile.mkdtemp(prefix="qingling-media-")
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)

    def test_a_large_workbook_is_queued_and_the_worker_adds_its_claims_once(self) -> None:
        self.client.force_login(self.inspector)
        content = workbook(
            ["姓名", "身份证号", "欠薪金额"],
            ["张三", fake_id_number(self.rng), "3500"],
            ["李四", "220402199002301234", "2000"],
            ["王五", fake_id_number(self.rng), "1200"],
        )
        before = self.case.claims.count()
        response = self.client.post(
            reverse("cases:claims_import", args=[self.case.public_id]),
            {"file": SimpleUploadedFile("claims.xlsx", content)},
        )
        job = ImportJob.objects.get()
        self.assertRedirects(response, reverse("accounts:import_job", args=[job.public_id]))
        self.assertEqual(self.case.claims.count(), before)
        import_jobs_run()
        import_jobs_run()
        job.refresh_from_db()
        self.assertEqual((job.status, job.rows_done, job.rows_total), ("done", 3, 3))
        self.assertEqual((job.rows_created, job.rows_failed), (2, 1))
        self.assertEqual({failure["line"] for failure in job.report}, {3})
        self.assertEqual(self.case.claims.count(), before + 2)
        page = self.client.get(reverse("accounts:import_job", args=[job.public_id]))
        self.assertContains(page, "2 rows added, 0 updated, 1 refused.")
