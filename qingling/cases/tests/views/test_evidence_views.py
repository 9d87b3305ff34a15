from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from qingling.cases.forms import qa_pairs
from qingling.cases.models import Case, CaseArchive, Evidence, InvestigationRecord
from qingling.cases.tests.archive_world import PDF, PNG, closed_case_with_a_file
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case

RECORD_FORM = {
    "record-kind": "inquiry",
    "record-started_at": "2026-11-27T09:30",
    "record-ended_at": "2026-11-27T10:00",
    "record-place": "龙山区人社局询问室",
    "record-subject_name": "李经理",
    "record-subject_role": "项目经理",
    "record-subject_side": "respondent",
    "record-questions": "问：你单位是否拖欠工资？\n答：拖欠三个月。\n问：何时能付？\n答：月底前。",
}


def flash(response: Any) -> list[str]:
    """The flash messages and the errors of a form the case page shows again."""
    refused = response.context.get("refused")
    errors = [str(e) for es in refused.errors.values() for e in es] if refused else []
    return [str(m) for m in response.context["messages"]] + errors


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class EvidenceViewTests(BaseTestCase):
    case: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(CURRENT_TIME, tick=False):
            cls.case = make_case(cls)  # type: ignore[arg-type]

    def url(self, name: str, *args: object) -> str:
        return reverse(f"cases:{name}", args=[self.case.public_id, *args])

    def flash(self, response: Any) -> list[str]:
        return flash(response)

    def test_an_inspector_records_an_inquiry_from_the_case_page(self) -> None:
        self.login(self.inspector)
        page = self.client.get(self.url("case_detail"))
        self.assertContains(page, 'data-step="record"')
        self.assertContains(page, 'data-step="evidence"')
        data = {**RECORD_FORM, "record-inspectors": [self.inspector.pk, self.inspector2.pk]}
        response = self.client.post(self.url("record_create"), data, follow=True)
        self.assertTrue(any("recorded" in m for m in self.flash(response)), self.flash(response))
        record = InvestigationRecord.objects.get()
        self.assertEqual(
            record.questions,
            [
                {"q": "你单位是否拖欠工资？", "a": "拖欠三个月。"},
                {"q": "何时能付？", "a": "月底前。"},
            ],
        )
        self.assertContains(response, 'data-record="inquiry"')
        docx = self.client.get(self.url("record_file", record.public_id, "docx"))
        self.assertEqual(docx.status_code, 200)
        scan = SimpleUploadedFile("signed.png", PNG, content_type="image/png")
        self.client.post(
            self.url("record_scan_upload", record.public_id),
            {f"scan-{record.pk}-signed_scan": scan},
        )
        record.refresh_from_db()
        self.assertTrue(record.signed_scan)
        signed = self.client.get(self.url("record_file", record.public_id, "signed"))
        self.assertEqual(b"".join(signed.streaming_content), PNG)  # type: ignore[attr-defined]

    def test_a_record_with_one_inspector_is_refused_naming_the_rule(self) -> None:
        self.login(self.inspector)
        data = {**RECORD_FORM, "record-inspectors": [self.inspector.pk]}
        response = self.client.post(self.url("record_create"), data, follow=True)
        self.assertTrue(any("监察条例 Art. 16" in m for m in self.flash(response)))
        self.assertFalse(InvestigationRecord.objects.exists())

    def test_an_inspector_attaches_evidence_and_no_kind_is_refused(self) -> None:
        self.login(self.inspector)
        data = {
            "evidence-kind": "",
            "evidence-title": "考勤表",
            "evidence-source": "项目部",
            "evidence-obtained_on": "2026-11-27",
            "evidence-pages": "2",
            "evidence-file": SimpleUploadedFile("a.pdf", PDF),
        }
        response = self.client.post(self.url("evidence_attach"), data, follow=True)
        self.assertTrue(any("kind of evidence" in m for m in self.flash(response)))
        self.assertFalse(Evidence.objects.exists())
        data |= {"evidence-kind": "attendance", "evidence-file": SimpleUploadedFile("a.pdf", PDF)}
        response = self.client.post(self.url("evidence_attach"), data, follow=True)
        evidence = Evidence.objects.get()
        self.assertContains(response, 'data-evidence="attendance"')
        download = self.client.get(self.url("evidence_download", evidence.public_id))
        self.assertEqual(b"".join(download.streaming_content), PDF)  # type: ignore[attr-defined]

    def test_the_outsider_sees_nothing(self) -> None:
        evidence = Evidence.objects.create(
            case=self.case,
            kind="photo",
            title="照片",
            source="现场",
            obtained_on=CURRENT_TIME.date(),
            file="evidence/x.png",
            content_type="image/png",
            sha256="0" * 64,
            recorded_by=self.inspector,
        )
        self.login(self.outsider)
        for url in (
            self.url("case_detail"),
            self.url("evidence_download", evidence.public_id),
            self.url("case_archive_file", "bundle"),
        ):
            with self.subTest(url=url):
                self.assertIn(self.client.get(url).status_code, {403, 404})
        self.assertIn(
            self.client.post(self.url("record_create"), RECORD_FORM).status_code, {403, 404}
        )

    def test_qa_lines_become_pairs(self) -> None:
        self.assertEqual(
            qa_pairs("问：叫什么？\n答：张三\n接着说\nQ: when?\nA: today"),
            [("叫什么？", "张三\n接着说"), ("when?", "today")],
        )


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class ArchiveViewTests(BaseTestCase):
    def test_archives_a_closed_case_and_shows_it_read_only(self) -> None:
        case = closed_case_with_a_file(self)
        self.login(self.inspector)
        url = reverse("cases:case_detail", args=[case.public_id])
        page = self.client.get(url)
        self.assertContains(page, 'data-step="archive"')
        self.client.post(reverse("cases:case_archive_create", args=[case.public_id]))
        archive = CaseArchive.objects.get(case=case)
        page = self.client.get(url)
        self.assertContains(page, 'id="read-only"')
        self.assertContains(page, 'data-section="order"')
        self.assertNotContains(page, "data-document-form=")  # nothing to generate
        self.assertNotContains(page, "data-record-form=")
        self.assertNotContains(page, 'data-step="archive"')
        index = self.client.get(
            reverse("cases:case_archive_file", args=[case.public_id, "index_pdf"])
        )
        self.assertTrue(b"".join(index.streaming_content).startswith(b"%PDF"))  # type: ignore[attr-defined]
        # the whole-file download now serves the file as archived
        bundle = self.client.get(reverse("cases:case_archive", args=[case.public_id]))
        data = b"".join(bundle.streaming_content)  # type: ignore[attr-defined]
        with archive.bundle.open("rb") as stored:
            self.assertEqual(data, stored.read())
        self.assertEqual(AuditEvent.objects.filter(action="case.archive_download").count(), 2)
        # a write posted anyway is refused with the rule
        response = self.client.post(
            reverse("cases:evidence_attach", args=[case.public_id]),
            {
                "evidence-kind": "photo",
                "evidence-title": "照片",
                "evidence-source": "现场",
                "evidence-obtained_on": "2026-11-27",
                "evidence-pages": "1",
                "evidence-file": SimpleUploadedFile("a.png", PNG),
            },
            follow=True,
        )
        messages = flash(response)
        self.assertTrue(any("read-only" in m for m in messages), messages)

    def test_archiving_an_open_case_is_refused(self) -> None:
        case = make_case(self)
        self.login(self.chief)
        response = self.client.post(
            reverse("cases:case_archive_create", args=[case.public_id]), follow=True
        )
        messages = [str(m) for m in response.context["messages"]]
        self.assertTrue(any("Only a closed case is archived" in m for m in messages), messages)
        self.assertFalse(CaseArchive.objects.exists())
