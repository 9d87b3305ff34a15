import csv
import datetime as dt
import hashlib
import io
import json
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

import docx
import pypdf
import time_machine
from django.test import override_settings

from qingling.cases.documents import (
    WITHHELD_NAME,
    InformantDisclosure,
    MissingFields,
    case_archive,
    case_informants,
    document_generate,
    document_text,
    informant_disclosure_check,
    mask_personal,
    render_docx,
)
from qingling.cases.models import Case, Claim, Document
from qingling.cases.pdf import document_pdf
from qingling.cases.services import case_facts_for_respondent_set, payment_record
from qingling.cases.tests.documents_world import (
    ANONYMOUS_PHONE,
    INFORMANT,
    INFORMANT_PHONE,
    RESPONDENT,
    SECOND_WORKER,
    WORKER,
    WORKER_PHONE,
    build_world,
    docx_text,
    use_temporary_media,
)
from qingling.cases.tests.steps import ORDER_DAYS, ORDER_UNSERVED, advance
from qingling.core.exceptions import Forbidden, InvalidInput
from qingling.core.models import AuditEvent
from qingling.core.personal_data import mask_id_number
from qingling.testing import CURRENT_TIME, BaseTestCase

Kind = Document.Kind
# The procedure generates its own kinds (tests/procedure/), sanctions the blacklist's;
# the rest come from the form.
SERVED = sorted(Document.SERVED_ON_EMPLOYER - Document.NOT_ON_FORM)
FREE_KINDS = [kind for kind in Kind.values if kind not in Document.NOT_ON_FORM]


def spaced(number: str) -> str:
    return f"{number[:3]} {number[3:7]} {number[7:]}"


@time_machine.travel(CURRENT_TIME, tick=False)
class DocumentGenerateTests(BaseTestCase):
    def setUp(self) -> None:
        self.media = Path(use_temporary_media(self))
        self.world = build_world(self)
        self.case = advance(self, self.world.case, ORDER_UNSERVED)

    def generate(self, kind: str, **extra: str) -> Document:
        if kind == Kind.OPENING_APPROVAL:  # the case has no summary: the form needs facts
            extra.setdefault("facts", "工地拖欠工资，经初步核实属实。")
        return document_generate(case=self.case, kind=kind, actor=self.inspector, extra=extra)

    def test_each_kind_is_a_docx_with_its_number_the_respondent_and_the_amounts(self) -> None:
        for kind in FREE_KINDS:
            with self.subTest(kind=kind):
                document = self.generate(kind)
                with document.file.open("rb") as stored:
                    text = docx_text(stored.read())
                self.assertIn(document.number, text)
                self.assertIn(RESPONDENT, text)
                self.assertIn("18,000.00", text)  # 10,000 + 5,000 + 3,000 owed
                self.assertNotIn("{{", text)
                self.assertTrue(document.file.name.startswith("documents/2026/"))

    def test_the_order_lists_each_worker_with_the_amount_and_the_due_date(self) -> None:
        with self.generate(Kind.ORDER).file.open("rb") as stored:
            table = docx.Document(io.BytesIO(stored.read())).tables[0]
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        self.assertIn([WORKER, "10,000.00", "0.00", "10,000.00"], [r[1:] for r in rows])
        self.assertIn([SECOND_WORKER, "5,000.00", "0.00", "5,000.00"], [r[1:] for r in rows])
        self.case.refresh_from_db()
        self.assertIsNone(self.case.order_due)  # runs from service: the order states the days
        with self.case.documents.get().file.open("rb") as stored:
            self.assertIn(f"自收到本指令书之日起{ORDER_DAYS}个工作日内", docx_text(stored.read()))

    def test_numbers_count_per_kind_and_per_year(self) -> None:
        first = self.generate(Kind.ORDER)
        second = self.generate(Kind.ORDER)
        notice = self.generate(Kind.INQUIRY_NOTICE)
        self.assertEqual(first.number, "辽人社监责改〔2026〕1号")
        self.assertEqual(second.number, "辽人社监责改〔2026〕2号")
        self.assertEqual(notice.number, "辽人社监询〔2026〕1号")
        with time_machine.travel(dt.datetime(2027, 1, 5, 2, tzinfo=dt.UTC), tick=False):
            self.assertEqual(self.generate(Kind.ORDER).number, "辽人社监责改〔2027〕1号")

    def test_a_number_taken_meanwhile_is_retried_with_the_next_one(self) -> None:
        self.generate(Kind.ORDER)
        # another inspector took number 1 between the count and the insert
        with mock.patch("qingling.cases.documents._first_free_sequence", side_effect=[1, 2]):
            second = self.generate(Kind.ORDER)
        self.assertEqual(second.number, "辽人社监责改〔2026〕2号")
        self.assertEqual(len(list(self.media.rglob("*.docx"))), 2)  # no file left behind

    @override_settings(QINGLING_DOCUMENT_NUMBER_FORMAT="No.{year}-{seq}")
    def test_a_number_format_without_the_kind_still_gives_unique_numbers(self) -> None:
        numbers = [
            self.generate(kind).number for kind in (Kind.ORDER, Kind.INQUIRY_NOTICE, Kind.ORDER)
        ]
        self.assertEqual(numbers, ["No.2026-1", "No.2026-2", "No.2026-3"])

    def test_the_hash_is_the_stored_files_and_the_generation_is_audited(self) -> None:
        document = self.generate(Kind.ORDER)
        with document.file.open("rb") as stored:
            self.assertEqual(hashlib.sha256(stored.read()).hexdigest(), document.sha256)
        event = AuditEvent.objects.filter(action="case.document").get()
        self.assertEqual(event.object_id, str(self.case.pk))
        self.assertEqual(event.actor, self.inspector)
        assert event.after is not None
        self.assertEqual(event.after["document"], document.number)
        self.assertEqual(event.after["sha256"], document.sha256)
        self.assertEqual(document.generated_by, self.inspector)

    def test_a_served_document_never_identifies_an_informant(self) -> None:
        for kind in SERVED:
            with self.subTest(kind=kind):
                with self.generate(kind).file.open("rb") as stored:
                    data = stored.read()
                text = document_text(data)
                self.assertNotIn(INFORMANT, text)
                for number in (INFORMANT_PHONE, ANONYMOUS_PHONE, self.world.informant_id):
                    self.assertNotIn(number, text)
                    self.assertNotIn(number[-4:], text)
                self.assertNotIn("举报人", text)
                self.assertNotIn("投诉人", text)
                if kind != Kind.INQUIRY_NOTICE:  # the notice lists no worker
                    self.assertIn(WORKER, text)  # the workers owed appear: they are paid
                    self.assertIn(WITHHELD_NAME, text)  # the informant's claim, unnamed

    def test_the_approval_forms_may_name_the_complainants(self) -> None:
        for kind in (Kind.OPENING_APPROVAL, Kind.CLOSING_APPROVAL):
            with self.subTest(kind=kind), self.generate(kind).file.open("rb") as stored:
                text = docx_text(stored.read())
                self.assertIn(WORKER, text)
                self.assertIn(INFORMANT, text)
                self.assertIn("举报人", text)

    def test_refuses_and_stores_nothing_when_the_facts_name_an_informant(self) -> None:
        for facts in (
            f"经{INFORMANT}反映，该单位拖欠工资。",
            f"举报电话{spaced(INFORMANT_PHONE)}。",
            f"联系电话{ANONYMOUS_PHONE}。",
            f"投诉人{WORKER}反映。",
        ):
            with self.subTest(facts=facts), self.assertRaises(InformantDisclosure):
                self.generate(Kind.ORDER, facts=facts)
        self.assertFalse(Document.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="case.document").exists())
        self.assertEqual(list(self.media.rglob("*.docx")), [])

    def test_the_facts_given_are_used(self) -> None:
        with self.generate(Kind.ORDER, facts="经查，拖欠2026年8月至10月工资。").file.open(
            "rb"
        ) as stored:
            self.assertIn("经查，拖欠2026年8月至10月工资。", docx_text(stored.read()))

    def test_refuses_unknown_extra_fields_and_kinds(self) -> None:
        with self.assertRaises(InvalidInput):
            self.generate(Kind.ORDER, complainants=INFORMANT)
        with self.assertRaises(InvalidInput):
            document_generate(case=self.case, kind="letter", actor=self.inspector)

    def test_only_the_case_inspectors_and_chiefs_generate(self) -> None:
        document_generate(case=self.case, kind=Kind.ORDER, actor=self.chief)
        for persona in (self.intake, self.xian, self.director, self.outsider, None):
            with self.subTest(persona=persona), self.assertRaises(Forbidden):
                document_generate(case=self.case, kind=Kind.ORDER, actor=persona)


@time_machine.travel(CURRENT_TIME, tick=False)
class DocumentOrderBeforeIssueTests(BaseTestCase):
    def setUp(self) -> None:
        use_temporary_media(self)

    def test_an_order_needs_the_order_issued_with_its_date(self) -> None:
        world = build_world(self)
        with self.assertRaises(InvalidInput):
            document_generate(case=world.case, kind=Kind.ORDER, actor=self.inspector)


@time_machine.travel(CURRENT_TIME, tick=False)
class InformantDisclosureCheckTests(BaseTestCase):
    def setUp(self) -> None:
        self.world = build_world(self)
        self.informants = case_informants(self.world.case)

    def check(self, text: str) -> None:
        informant_disclosure_check(text, informants=self.informants, people=[WORKER])

    def test_finds_both_informants_of_the_case(self) -> None:
        self.assertEqual(len(self.informants), 2)
        self.assertIn(INFORMANT, self.informants[0].names | self.informants[1].names)

    def test_raises_on_an_informants_name_mobile_or_id_number(self) -> None:
        masked_phone = f"{INFORMANT_PHONE[:3]}******{INFORMANT_PHONE[-2:]}"
        for text in (
            f"责令支付{INFORMANT}工资",
            f"电话：{INFORMANT_PHONE}",
            f"电话 {spaced(INFORMANT_PHONE)}",
            f"电话 {INFORMANT_PHONE[:3]}-{INFORMANT_PHONE[3:7]}-{INFORMANT_PHONE[7:]}",
            f"身份证号{self.world.informant_id}",
            f"身份证号{self.world.informant_id.lower()}",
            f"匿名举报电话{ANONYMOUS_PHONE}",
            f"联系 {masked_phone}",
            "举报人：某某",
            f"投诉人{WORKER}称",
            f"投诉人（{WORKER}）",
        ):
            with self.subTest(text=text), self.assertRaises(InformantDisclosure):
                self.check(text)

    def test_passes_a_text_with_workers_and_amounts_only(self) -> None:
        text = f"责令你单位支付{WORKER}、{SECOND_WORKER}工资共计15,000.00元，电话{WORKER_PHONE}"
        try:
            self.check(text)
        except InformantDisclosure:
            self.fail("a text naming only workers, amounts and a worker's mobile was refused")
        # The same text with an informant's mobile added is refused: the check is live.
        with self.assertRaises(InformantDisclosure):
            self.check(f"{text}，{INFORMANT_PHONE}")

    def test_the_error_does_not_repeat_what_it_found(self) -> None:
        with self.assertRaises(InformantDisclosure) as raised:
            self.check(f"{INFORMANT} {INFORMANT_PHONE}")
        self.assertNotIn(INFORMANT, str(raised.exception.as_dict()))
        self.assertNotIn(INFORMANT_PHONE, str(raised.exception.as_dict()))


def split_run_template(path: Path) -> None:
    """A bureau's own order template: a placeholder split over runs, one in a table cell."""
    document = docx.Document()
    document.add_paragraph("本局自定义限期改正指令书")
    paragraph = document.add_paragraph("致：")
    paragraph.add_run("{{respon").bold = True
    paragraph.add_run("dent}}，")
    paragraph.add_run("{{total_")
    paragraph.add_run("due}}元")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "文号"
    table.cell(0, 1).text = "{{document_number}}"
    document.add_paragraph("{{workers_table}}")
    document.add_paragraph("{{no_such_placeholder}}")
    document.save(str(path))


@time_machine.travel(CURRENT_TIME, tick=False)
class BureauTemplateTests(BaseTestCase):
    def setUp(self) -> None:
        use_temporary_media(self)
        self.case = advance(self, build_world(self).case, ORDER_UNSERVED)
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        split_run_template(self.folder / "order.docx")

    def test_the_bureaus_template_is_used_and_a_missing_kind_falls_back(self) -> None:
        with override_settings(QINGLING_DOCUMENT_TEMPLATE_DIR=self.folder):
            order = document_generate(case=self.case, kind=Kind.ORDER, actor=self.inspector)
            notice = document_generate(
                case=self.case, kind=Kind.INQUIRY_NOTICE, actor=self.inspector
            )
        with order.file.open("rb") as stored:
            document = docx.Document(io.BytesIO(stored.read()))
        text = docx_text(order.file.open("rb").read())
        self.assertIn("本局自定义限期改正指令书", text)
        self.assertIn(f"致：{RESPONDENT}，18,000.00元", text)
        self.assertEqual(document.tables[0].cell(0, 1).text, order.number)
        respondent_run = document.paragraphs[1].runs[1]
        self.assertEqual((respondent_run.text, respondent_run.bold), (RESPONDENT, True))
        self.assertIn("{{no_such_placeholder}}", text)  # a typo stays visible
        self.assertEqual(len(document.tables), 2)  # the workers table was inserted
        with notice.file.open("rb") as stored:
            self.assertIn("劳动保障监察询问通知书", docx_text(stored.read()))

    def test_an_unreadable_template_is_a_clear_error(self) -> None:
        (self.folder / "order.docx").write_bytes(b"not a docx")
        with (
            override_settings(QINGLING_DOCUMENT_TEMPLATE_DIR=self.folder),
            self.assertRaises(InvalidInput),
        ):
            document_generate(case=self.case, kind=Kind.ORDER, actor=self.inspector)


class RenderTests(BaseTestCase):
    def test_replaces_placeholders_in_headers_and_keeps_other_runs(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "t.docx"
            document = docx.Document()
            document.sections[0].header.paragraphs[0].text = "案号{{case_number}}"
            paragraph = document.add_paragraph()
            paragraph.add_run("甲").italic = True
            paragraph.add_run("{{ case_number }}乙{{year}}")
            document.save(str(path))
            data = render_docx(path, {"case_number": "X1", "year": "2026"}, [["a"], ["b"]])
        result = docx.Document(io.BytesIO(data))
        self.assertEqual(result.sections[0].header.paragraphs[0].text, "案号X1")
        self.assertEqual(result.paragraphs[0].text, "甲X1乙2026")
        self.assertTrue(result.paragraphs[0].runs[0].italic)


@time_machine.travel(CURRENT_TIME, tick=False)
class CaseArchiveTests(BaseTestCase):
    def setUp(self) -> None:
        use_temporary_media(self)
        self.world = build_world(self)
        self.case = advance(self, self.world.case, ORDER_UNSERVED)
        claim = self.case.claims.get(worker__name=WORKER)
        payment_record(
            claim=claim,
            amount=Decimal("4000.00"),
            paid_on=dt.date(2026, 11, 26),
            payer_kind="employer",
            method=f"手机转账 {WORKER_PHONE}",
            voucher="=HYPERLINK(1)",
            actor=self.inspector,
        )
        self.documents = [
            document_generate(
                case=self.case, kind=kind, actor=self.inspector, extra={"facts": "属实。"}
            )
            for kind in (Kind.OPENING_APPROVAL, Kind.ORDER)
        ]

    def test_has_every_document_the_timeline_the_money_and_the_facts(self) -> None:
        data = case_archive(case=self.case, actor=self.intake)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            self.assertEqual(
                names - {n for n in names if n.startswith("documents/")},
                {
                    "timeline.csv",
                    "claims.csv",
                    "payments.csv",
                    "proceedings.csv",
                    "compensation.csv",
                    "compensation_payments.csv",
                    "penalties.csv",
                    "case.json",
                },
            )
            self.assertEqual(len([n for n in names if n.endswith(".docx")]), 2)
            facts = json.loads(archive.read("case.json"))
            for document in self.documents:
                entry = next(d for d in facts["documents"] if d["number"] == document.number)
                self.assertEqual(
                    hashlib.sha256(archive.read(entry["file"])).hexdigest(), document.sha256
                )
            claims = list(
                csv.DictReader(io.StringIO(archive.read("claims.csv").decode("utf-8-sig")))
            )
            timeline = list(
                csv.DictReader(io.StringIO(archive.read("timeline.csv").decode("utf-8-sig")))
            )
            payments = list(
                csv.DictReader(io.StringIO(archive.read("payments.csv").decode("utf-8-sig")))
            )
        self.assertEqual(facts["number"], self.case.number)
        self.assertEqual(facts["respondent"]["name"], RESPONDENT)
        self.assertEqual(facts["totals"]["paid"], "4000.00")
        worker = next(c for c in claims if c["worker"] == WORKER)
        self.assertEqual(
            (worker["claimed"], worker["paid"], worker["outstanding"]),
            ("10000.00", "4000.00", "6000.00"),
        )
        second = next(c for c in claims if c["worker"] == SECOND_WORKER)
        self.assertEqual(second["id_number"], mask_id_number(self.world.second_worker_id))
        # oldest first (the world's steps share one frozen instant, so no order within it)
        self.assertEqual([row["when"] for row in timeline], sorted(row["when"] for row in timeline))
        self.assertIn("case.open", [row["action"] for row in timeline])
        self.assertIn("case.document", [row["action"] for row in timeline])
        self.assertEqual(payments[0]["amount"], "4000.00")
        self.assertEqual(payments[0]["voucher"], "'=HYPERLINK(1)")  # no formula in a sheet

    def test_no_full_mobile_or_id_number_is_in_the_csv_or_json(self) -> None:
        data = case_archive(case=self.case, actor=self.inspector)
        secrets = [
            WORKER_PHONE,
            INFORMANT_PHONE,
            ANONYMOUS_PHONE,
            self.world.informant_id,
            self.world.second_worker_id,
        ]
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.endswith(".docx"):
                    continue
                text = archive.read(name).decode("utf-8-sig")
                for secret in secrets:
                    self.assertNotIn(secret, text, name)
        self.assertIn("138******45", mask_personal(f"手机转账 {WORKER_PHONE}"))

    def test_the_download_is_audited_with_who_downloaded(self) -> None:
        case_archive(case=self.case, actor=self.intake)
        event = AuditEvent.objects.get(action="case.archive_download")
        self.assertEqual((event.actor, event.object_id), (self.intake, str(self.case.pk)))

    def test_refused_to_whom_cannot_see_the_case(self) -> None:
        for persona in (self.xian, self.outsider, self.employment, None):
            with self.subTest(persona=persona), self.assertRaises(Forbidden):
                case_archive(case=self.case, actor=persona)
        self.assertFalse(AuditEvent.objects.filter(action="case.archive_download").exists())


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class DocumentFitToServeTests(BaseTestCase):
    """A4, the bureau's header, inspectors with their 执法证号, no empty required field, the
    facts written for the respondent, and a PDF that carries the Chinese text."""

    def setUp(self) -> None:
        use_temporary_media(self)
        self.world = build_world(self)
        self.case = advance(self, self.world.case, ORDER_UNSERVED)

    def generate(self, kind: str, **extra: str) -> Document:
        return document_generate(case=self.case, kind=kind, actor=self.inspector, extra=extra)

    def test_every_kind_is_a4_with_the_bureaus_header_and_a_seal_area(self) -> None:
        # the procedure's kinds: tests/procedure/test_enforcement.py
        for kind in FREE_KINDS:
            with self.subTest(kind=kind):
                document = self.generate(kind, facts="经查属实。")
                with document.file.open("rb") as stored:
                    data = stored.read()
                section = docx.Document(io.BytesIO(data)).sections[0]
                width, height = section.page_width, section.page_height
                assert width is not None and height is not None
                self.assertEqual((round(width.mm), round(height.mm)), (210, 297))
                text = docx_text(data)
                self.assertIn("辽源市人力资源和社会保障局", text)
                self.assertIn("0437-12333", text)
                if kind in Document.SERVED_ON_EMPLOYER:
                    self.assertIn("（印章）", text)

    def test_a_bureaus_letter_sized_template_is_printed_on_a4(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "t.docx"
            docx.Document().save(str(path))  # python-docx's blank: US Letter
            data = render_docx(path, {}, [["a"]])
        section = docx.Document(io.BytesIO(data)).sections[0]
        self.assertEqual(round(section.page_width.mm), 210)  # type: ignore[union-attr]

    @override_settings(QINGLING_BUREAU_NAME="东辽县人力资源和社会保障局")
    def test_the_header_comes_from_the_settings(self) -> None:
        with self.generate(Kind.INQUIRY_NOTICE).file.open("rb") as stored:
            self.assertIn("东辽县人力资源和社会保障局", docx_text(stored.read()))

    def test_inspectors_are_named_in_full_with_their_card_numbers(self) -> None:
        with self.generate(Kind.ORDER).file.open("rb") as stored:
            text = docx_text(stored.read())
        self.assertIn(f"inspector（执法证号：{self.inspector.enforcement_card_number}）", text)

    def test_an_inspector_without_a_card_number_refuses_the_document(self) -> None:
        type(self.inspector2).objects.filter(pk=self.inspector2.pk).update(
            enforcement_card_number=""
        )
        with self.assertRaisesMessage(InvalidInput, "inspector2"):
            self.generate(Kind.ORDER)
        self.assertFalse(Document.objects.exists())

    def test_an_empty_required_field_refuses_the_document_naming_it(self) -> None:
        with self.assertRaises(MissingFields) as raised:
            self.generate(Kind.OPENING_APPROVAL)  # the case has no summary
        self.assertEqual(raised.exception.extra["missing"], ["facts"])
        self.assertIn("facts", raised.exception.message)
        Claim.objects.filter(case=self.case).delete()
        with self.assertRaises(MissingFields) as raised:
            self.generate(Kind.ORDER)
        self.assertIn("worker_count", raised.exception.extra["missing"])
        self.assertFalse(Document.objects.exists())

    def test_a_served_document_needs_the_facts_written_for_the_respondent(self) -> None:
        case_facts_for_respondent_set(case=self.case, text="", actor=self.inspector)
        for kind in SERVED:
            with self.subTest(kind=kind), self.assertRaises(InvalidInput) as raised:
                self.generate(kind, facts="经查属实。")
            self.assertIn("facts_for_respondent", raised.exception.extra["fields"])

    def test_a_served_document_states_the_respondent_facts_never_the_complaint(self) -> None:
        Case.objects.filter(pk=self.case.pk).update(summary="投诉人王建国称工地拖欠工资")
        case_facts_for_respondent_set(
            case=self.case, text="经查，你单位拖欠工资。", actor=self.inspector
        )
        self.case.refresh_from_db()
        with self.generate(Kind.ORDER).file.open("rb") as stored:
            text = docx_text(stored.read())
        self.assertIn("经查，你单位拖欠工资。", text)
        self.assertNotIn("工地拖欠工资", text)

    def test_the_pdf_is_a4_and_carries_the_chinese_text(self) -> None:
        document = self.generate(Kind.ORDER)
        data = document_pdf(document=document, actor=self.inspector)
        reader = pypdf.PdfReader(io.BytesIO(data))
        box = reader.pages[0].mediabox
        self.assertEqual(
            (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)), (210, 297)
        )
        text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
        self.assertIn("劳动保障监察限期改正指令书", text)
        self.assertIn(RESPONDENT, text)
        self.assertIn(WORKER, text)
        self.assertNotIn(INFORMANT, text)
        document.refresh_from_db()
        self.assertEqual(hashlib.sha256(data).hexdigest(), document.pdf_sha256)
        self.assertEqual(document_pdf(document=document, actor=self.intake), data)  # kept
        self.assertEqual(AuditEvent.objects.filter(action="case.document_pdf").count(), 1)
