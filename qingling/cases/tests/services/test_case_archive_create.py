import datetime as dt
import io
import json
import zipfile

import time_machine
from django.test import override_settings

from qingling.cases.archive import archive_file, case_archive_create, retain_until
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, CaseArchive, Document
from qingling.cases.services import CaseArchived
from qingling.cases.tests.archive_world import closed_case_with_a_file
from qingling.cases.tests.documents_world import docx_text
from qingling.core.exceptions import Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en", QINGLING_CASE_RETENTION_YEARS=30)
class CaseArchiveCreateTests(BaseTestCase):
    def test_archives_a_closed_case_in_the_prescribed_order_with_its_pages(self) -> None:
        case = closed_case_with_a_file(self)
        archive = case_archive_create(case=case, actor=self.inspector)
        self.assertEqual(archive.archived_on, dt.date(2026, 11, 27))
        self.assertEqual(
            (archive.retention_years, archive.retain_until), (30, dt.date(2056, 11, 27))
        )
        sections = [item["section"] for item in archive.items]
        self.assertEqual(
            sections, ["opening_approval", "records", "evidence", "order", "service_receipts"]
        )
        self.assertEqual([item["seq"] for item in archive.items], [1, 2, 3, 4, 5])
        evidence = archive.items[2]
        self.assertEqual(evidence["pages"], 2)  # as the inspector counted them
        self.assertTrue(all(item["pages"] >= 1 for item in archive.items))
        firsts = [item["first_page"] for item in archive.items]
        self.assertEqual(firsts[0], 1)
        for before, item in zip(archive.items, archive.items[1:], strict=False):
            self.assertEqual(item["first_page"], before["first_page"] + before["pages"])
        self.assertEqual(archive.pages, sum(item["pages"] for item in archive.items))
        # the index, as a DOCX (and its PDF), in that order
        with archive.index.open("rb") as stored:
            text = docx_text(stored.read())
        self.assertIn("卷内目录", text)
        self.assertIn("保管期限：30年（至2056年11月27日）", text)
        self.assertLess(text.index("立案审批表"), text.index("询问笔录"))
        self.assertLess(text.index("询问笔录"), text.index("限期改正指令书"))
        with archive.index_pdf.open("rb") as stored:
            self.assertTrue(stored.read().startswith(b"%PDF"))
        # the ZIP: the index first, every file of every item, a manifest of SHA-256 sums
        with archive.bundle.open("rb") as stored:
            bundle = zipfile.ZipFile(io.BytesIO(stored.read()))
        names = bundle.namelist()
        self.assertEqual(names[:2], ["00_卷内目录.docx", "00_卷内目录.pdf"])
        self.assertTrue(names[2].startswith("01_立案审批表_"))
        self.assertIn("03_工资表.pdf", names)
        manifest = json.loads(bundle.read("manifest.json"))
        self.assertEqual(set(manifest["sha256"]), set(names) - {"manifest.json"})
        # every document keeps its print copy
        self.assertFalse(Document.objects.filter(case=case, pdf="").exists())
        after = AuditEvent.objects.get(action="case.archive").after or {}
        self.assertEqual((after["items"], after["retention_years"]), (5, 30))
        # the index can be downloaded, audited
        data, content_type, _name = archive_file(case=case, which="index_pdf", actor=self.chief)
        self.assertEqual(content_type, "application/pdf")
        self.assertTrue(data.startswith(b"%PDF"))
        self.assertTrue(AuditEvent.objects.filter(action="case.archive_download").exists())
        with self.assertRaises(Forbidden):
            archive_file(case=case, which="bundle", actor=self.outsider)
        # and a case is archived once
        with self.assertRaises(CaseArchived) as caught:
            case_archive_create(case=case, actor=self.chief)
        self.assertIn("2026-11-27", caught.exception.message)
        self.assertEqual(CaseArchive.objects.count(), 1)

    def test_refuses_to_archive_an_open_case(self) -> None:
        case = make_case(self)
        with self.assertRaises(InvalidInput) as caught:
            case_archive_create(case=case, actor=self.inspector)
        self.assertEqual(list(caught.exception.extra["fields"]), ["status"])
        self.assertIn("Only a closed case is archived", caught.exception.message)
        self.assertFalse(CaseArchive.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="case.archive").exists())
        self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.OPENED)

    def test_only_the_case_team_or_a_chief_archives(self) -> None:
        case = make_case(self)
        for persona in ("xian", "intake", "outsider", "admin"):
            with self.subTest(persona=persona), self.assertRaises(Forbidden):
                case_archive_create(case=case, actor=getattr(self, persona))

    def test_the_retention_ends_on_the_same_day_years_later(self) -> None:
        self.assertEqual(retain_until(dt.date(2024, 2, 29), 30), dt.date(2054, 2, 28))
        self.assertEqual(retain_until(dt.date(2026, 1, 5), 10), dt.date(2036, 1, 5))
