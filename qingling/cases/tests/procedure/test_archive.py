"""The archived file and the case export carry the decision procedure: its documents
and their proofs of service, and the statement of the hearing, the extra compensation
ordered and paid per worker and the fines."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

from django.test import override_settings

from qingling.cases.archive import case_archive_create
from qingling.cases.compensation import compensation_payment_record
from qingling.cases.documents import case_archive, document_text
from qingling.cases.lifecycle import CaseOutcome, CaseStatus
from qingling.cases.models import Compensation
from qingling.cases.services import case_transition
from qingling.cases.tests.procedure.test_enforcement import SERVED_ON, decided_and_served
from qingling.cases.tests.procedure.world import on
from qingling.cases.tests.steps import explain_claims
from qingling.testing import BaseTestCase

PAID_ON = SERVED_ON + dt.timedelta(days=2)


@override_settings(LANGUAGE_CODE="en")
class ProcedureInTheFileTests(BaseTestCase):
    def setUp(self) -> None:
        self.proceeding = decided_and_served(self)
        self.case = self.proceeding.case
        first = Compensation.objects.select_related("claim__worker").order_by("id").first()
        assert first is not None
        self.first = first
        with on(PAID_ON):
            compensation_payment_record(
                compensation=first,
                amount=first.amount,
                paid_on=PAID_ON,
                voucher="HK-01",
                actor=self.inspector,
            )

    def test_the_case_export_lists_the_procedure_and_compensation_per_worker(self) -> None:
        with on(PAID_ON):
            data = case_archive(case=self.case, actor=self.inspector)
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:

            def rows(name: str) -> list[dict[str, str]]:
                text = bundle.read(name).decode("utf-8-sig")
                return list(csv.DictReader(io.StringIO(text)))

            proceedings = rows("proceedings.csv")
            compensation = rows("compensation.csv")
            payments = rows("compensation_payments.csv")
            penalties = rows("penalties.csv")
            claims = rows("claims.csv")
        self.assertEqual(proceedings[0]["status"], "decided")
        self.assertEqual(proceedings[0]["notice"], self.proceeding.notice.number)
        self.assertEqual(len(compensation), 3)
        paid_row = next(r for r in compensation if r["worker"] == self.first.claim.worker.name)
        self.assertEqual(paid_row["paid"], str(self.first.amount))
        self.assertEqual(paid_row["outstanding"], "0.00")
        self.assertEqual(payments[0]["voucher"], "HK-01")
        self.assertEqual(penalties[0]["amount"], "30000.00")
        # compensation is not wages: the claims' paid column is untouched
        self.assertEqual({r["paid"] for r in claims}, {"0.00"})

    def test_the_archived_file_files_the_procedure_documents_and_its_statement(self) -> None:
        with on(PAID_ON):
            explain_claims(self, self.case)
            case = case_transition(
                case=self.case, target=CaseStatus.CLOSING_REQUESTED, actor=self.inspector
            )
            case = case_transition(
                case=case, target=CaseStatus.CLOSED, actor=self.chief, outcome=CaseOutcome.PENALTY
            )
            archive = case_archive_create(case=case, actor=self.inspector)
        titles = [(item["section"], item["title"]) for item in archive.items]
        for expected in (
            ("decisions", "行政处理（处罚）事先告知书"),
            ("decisions", "行政处理决定书"),
            ("decisions", "行政处罚决定书"),
            ("service_receipts", "送达回证（行政处理（处罚）事先告知书）"),
            ("service_receipts", "送达回证（行政处罚决定书）"),
            ("execution", "处理处罚及执行情况"),
        ):
            self.assertIn(expected, titles)
        sections = [section for section, _title in titles]
        self.assertLess(sections.index("decisions"), sections.index("execution"))
        self.assertLess(sections.index("execution"), len(sections))
        statement = next(i for i in archive.items if i["section"] == "execution")
        with archive.bundle.open("rb") as stored, zipfile.ZipFile(stored) as bundle:
            name = next(m for m in statement["members"] if m.endswith(".docx"))
            text = document_text(bundle.read(name))
        self.assertIn("加付赔偿金", text)
        self.assertIn(self.first.claim.worker.name, text)
        self.assertIn(f"{self.first.amount:,.2f}", text)
        self.assertIn("HK-01", text)
        self.assertIn("30,000.00", text)
        self.assertIn("合计", text)
        self.assertEqual(Decimal(archive.pages) > 0, True)
