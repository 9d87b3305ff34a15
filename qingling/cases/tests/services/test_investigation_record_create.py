import datetime as dt
import hashlib
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from qingling.accounts.models import User
from qingling.cases.documents import InformantDisclosure
from qingling.cases.evidence import (
    RecordDetails,
    investigation_record_create,
    investigation_record_scan_upload,
)
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, InvestigationRecord
from qingling.cases.services import case_transition
from qingling.cases.tests.documents_world import INFORMANT, WORKER, build_world, docx_text
from qingling.core.exceptions import Conflict, Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ASKED = dt.datetime(2026, 11, 27, 1, 30, tzinfo=dt.UTC)  # 9:30 in Liaoyuan, that morning


def details(inspectors: list[User], **changes: Any) -> RecordDetails:
    values: dict[str, Any] = {
        "kind": InvestigationRecord.Kind.INQUIRY,
        "started_at": ASKED,
        "ended_at": ASKED + dt.timedelta(minutes=40),
        "place": "龙山区人社局询问室",
        "subject_name": "李经理",
        "subject_role": "项目经理",
        "subject_side": InvestigationRecord.Side.RESPONDENT,
        "inspectors": inspectors,
        "questions": [("你单位是否拖欠工人工资？", "拖欠了三个月的工资。")],
    }
    values.update(changes)
    return RecordDetails(**values)


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class InvestigationRecordCreateTests(BaseTestCase):
    case: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with time_machine.travel(CURRENT_TIME, tick=False):
            case = make_case(cls)  # type: ignore[arg-type]
            cls.case = case_transition(
                case=case, target=CaseStatus.INVESTIGATING, actor=cls.inspector
            )

    def team(self) -> list[User]:
        return [self.inspector, self.inspector2]

    def create(self, **changes: Any) -> InvestigationRecord:
        actor = changes.pop("actor", self.inspector)
        team = changes.pop("inspectors", self.team())
        return investigation_record_create(
            case=self.case, details=details(team, **changes), actor=actor
        )

    def assert_refused(self, field: str, text: str, **changes: Any) -> None:
        with self.assertRaises(InvalidInput) as caught:
            self.create(**changes)
        self.assertEqual(list(caught.exception.extra["fields"]), [field])
        self.assertIn(text, caught.exception.message)
        self.assertFalse(InvestigationRecord.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="case.record").exists())

    def test_records_an_inquiry_and_generates_it_for_signing(self) -> None:
        record = self.create()
        self.assertEqual(set(record.inspectors.all()), {self.inspector, self.inspector2})
        self.assertEqual(
            record.questions, [{"q": "你单位是否拖欠工人工资？", "a": "拖欠了三个月的工资。"}]
        )
        with record.file.open("rb") as stored:
            text = docx_text(stored.read())
        self.assertIn("劳动保障监察询问笔录", text)
        self.assertIn("问：你单位是否拖欠工人工资？", text)
        self.assertIn("答：拖欠了三个月的工资。", text)
        self.assertIn(f"执法证号：{self.inspector.enforcement_card_number}", text)
        self.assertIn(f"执法证号：{self.inspector2.enforcement_card_number}", text)
        self.assertIn("2026年11月27日9时30分至2026年11月27日10时10分", text)
        self.assertIn("李经理（项目经理）", text)
        self.assertEqual(len(record.sha256), 64)
        event = AuditEvent.objects.get(action="case.record")
        self.assertEqual(event.object_id, str(self.case.pk))
        self.assertEqual((event.after or {})["questions"], 1)

    def test_records_an_on_site_inspection_with_its_findings(self) -> None:
        record = self.create(
            kind=InvestigationRecord.Kind.INSPECTION,
            questions=[],
            findings="工地未设置维权信息告示牌，未见考勤记录。",
        )
        with record.file.open("rb") as stored:
            text = docx_text(stored.read())
        self.assertIn("现场检查笔录", text)
        self.assertIn("未见考勤记录", text)

    def test_refuses_a_record_with_one_inspector(self) -> None:
        self.assert_refused("inspectors", "at least 2 inspectors", inspectors=[self.inspector])
        self.assert_refused("inspectors", "at least 2", inspectors=[self.inspector, self.inspector])

    def test_refuses_an_inspector_not_on_the_case_or_without_a_card_number(self) -> None:
        self.assert_refused(
            "inspectors", "Not inspectors of this case", inspectors=[self.inspector, self.xian]
        )
        User.objects.filter(pk=self.inspector2.pk).update(enforcement_card_number="")
        self.inspector2.refresh_from_db()
        self.assert_refused("inspectors", "执法证号", inspectors=self.team())

    def test_refuses_a_record_dated_in_the_future(self) -> None:
        future = CURRENT_TIME + dt.timedelta(hours=1)
        self.assert_refused("started_at", "in the future", started_at=future, ended_at=None)
        self.assert_refused("ended_at", "not in the future", ended_at=future)
        self.assert_refused("ended_at", "after the start", ended_at=ASKED - dt.timedelta(hours=1))

    def test_refuses_what_a_record_cannot_be_without(self) -> None:
        self.assert_refused("place", "where", place=" ")
        self.assert_refused("subject_name", "person asked", subject_name="")
        self.assert_refused("questions", "at least one question", questions=[])
        self.assert_refused("questions", "Question 2", questions=[("问一", "答一"), ("问二", " ")])
        self.assert_refused(
            "findings", "found on site", kind=InvestigationRecord.Kind.INSPECTION, findings=""
        )
        self.assert_refused("kind", "kind of record", kind="report")

    def test_only_the_case_inspectors_take_records(self) -> None:
        for persona in ("chief", "xian", "intake", "outsider"):
            with self.subTest(persona=persona), self.assertRaises(Forbidden):
                self.create(actor=getattr(self, persona))
        self.assertFalse(InvestigationRecord.objects.exists())

    def test_refuses_a_closed_case(self) -> None:
        Case.objects.filter(pk=self.case.pk).update(status=CaseStatus.CLOSED, outcome="penalty")
        self.case.refresh_from_db()
        with self.assertRaises(Conflict):
            self.create()

    def test_uploads_the_signed_scan_with_its_hash(self) -> None:
        record = self.create()
        upload = SimpleUploadedFile("signed.png", PNG, content_type="image/png")
        investigation_record_scan_upload(record=record, upload=upload, actor=self.inspector2)
        record.refresh_from_db()
        self.assertTrue(record.signed_scan.name.endswith(".png"))
        self.assertEqual(record.signed_scan_sha256, hashlib.sha256(PNG).hexdigest())
        self.assertTrue(AuditEvent.objects.filter(action="case.record_scan").exists())
        with self.assertRaises(InvalidInput) as caught:
            investigation_record_scan_upload(
                record=record,
                upload=SimpleUploadedFile("x.txt", b"plain text"),
                actor=self.inspector,
            )
        self.assertEqual(list(caught.exception.extra["fields"]), ["signed_scan"])
        with self.assertRaises(Forbidden):
            investigation_record_scan_upload(record=record, upload=upload, actor=self.outsider)


@time_machine.travel(CURRENT_TIME, tick=False)
class InvestigationRecordInformantTests(BaseTestCase):
    """A record the employer's side reads and signs never names an informant (Art. 9)."""

    def test_an_employer_record_naming_an_informant_is_refused_and_nothing_stored(self) -> None:
        world = build_world(self)
        team = [self.inspector, self.inspector2]
        for answer in (f"是{INFORMANT}向你们举报的吧", f"投诉人：{WORKER}"):
            with self.subTest(answer=answer), self.assertRaises(InformantDisclosure):
                investigation_record_create(
                    case=world.case,
                    details=details(team, questions=[("谁来过？", answer)]),
                    actor=self.inspector,
                )
        self.assertFalse(InvestigationRecord.objects.exists())

    def test_a_workers_own_inquiry_record_may_name_them(self) -> None:
        world = build_world(self)
        record = investigation_record_create(
            case=world.case,
            details=details(
                [self.inspector, self.inspector2],
                subject_name=INFORMANT,
                subject_role="钢筋工",
                subject_side=InvestigationRecord.Side.WORKER,
                questions=[("你叫什么名字？", INFORMANT)],
            ),
            actor=self.inspector,
        )
        with record.file.open("rb") as stored:
            self.assertIn(INFORMANT, docx_text(stored.read()))
