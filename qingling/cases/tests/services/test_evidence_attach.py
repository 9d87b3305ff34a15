import datetime as dt
import hashlib
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from qingling.cases.evidence import evidence_attach
from qingling.cases.models import Case, Evidence
from qingling.core import clock
from qingling.core.exceptions import Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case

PDF = b"%PDF-1.4\n% a scanned payroll\n"


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class EvidenceAttachTests(BaseTestCase):
    case: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(CURRENT_TIME, tick=False):
            cls.case = make_case(cls)  # type: ignore[arg-type]

    def attach(self, **changes: Any) -> Evidence:
        values: dict[str, Any] = {
            "case": self.case,
            "kind": Evidence.Kind.PAYROLL,
            "title": "2026年9月至11月工资表",
            "source": "辽源市鑫盛建筑工程有限公司财务部",
            "obtained_on": clock.local_today(),
            "pages": 3,
            "upload": SimpleUploadedFile("payroll.pdf", PDF, content_type="application/pdf"),
            "actor": self.inspector,
        }
        values.update(changes)
        return evidence_attach(**values)

    def assert_refused(self, field: str, text: str, **changes: Any) -> None:
        with self.assertRaises(InvalidInput) as caught:
            self.attach(**changes)
        self.assertEqual(list(caught.exception.extra["fields"]), [field])
        self.assertIn(text, caught.exception.message)
        self.assertFalse(Evidence.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="case.evidence").exists())

    def test_keeps_the_file_with_its_hash_kind_source_and_date(self) -> None:
        evidence = self.attach()
        self.assertEqual(evidence.sha256, hashlib.sha256(PDF).hexdigest())
        self.assertEqual(evidence.content_type, "application/pdf")
        self.assertTrue(evidence.file.name.endswith(".pdf"))
        with evidence.file.open("rb") as stored:
            self.assertEqual(stored.read(), PDF)
        after = AuditEvent.objects.get(action="case.evidence").after or {}
        self.assertEqual(after["kind"], "payroll")
        self.assertEqual(after["sha256"], evidence.sha256)

    def test_refuses_evidence_with_no_kind(self) -> None:
        self.assert_refused("kind", "Choose the kind of evidence", kind="")
        self.assert_refused("kind", "payroll", kind="rumour")

    def test_refuses_a_missing_source_or_title_a_future_date_and_no_pages(self) -> None:
        self.assert_refused("source", "obtained", source=" ")
        self.assert_refused("title", "title", title="")
        tomorrow = clock.local_today() + dt.timedelta(days=1)
        self.assert_refused("obtained_on", "in the future", obtained_on=tomorrow)
        self.assert_refused("pages", "between 1 and 9999", pages=0)

    def test_refuses_a_file_that_is_not_a_photo_or_a_pdf(self) -> None:
        upload = SimpleUploadedFile("payroll.xlsx", b"PK\x03\x04 not a pdf")
        self.assert_refused("file", "payroll.xlsx", upload=upload)

    def test_only_the_case_inspectors_attach_evidence(self) -> None:
        for persona in ("chief", "xian", "intake", "outsider"):
            with self.subTest(persona=persona), self.assertRaises(Forbidden):
                self.attach(actor=getattr(self, persona))
        self.assertFalse(Evidence.objects.exists())
