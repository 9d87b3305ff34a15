"""A closed case with a document of each stage, a record, evidence and a served order:
what the archive tests file (shared by the archive and read-only tests)."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from qingling.cases.documents import document_generate
from qingling.cases.evidence import RecordDetails, evidence_attach, investigation_record_create
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case, Document, Evidence, InvestigationRecord
from qingling.cases.tests.steps import advance
from qingling.core import clock
from qingling.testing import BaseTestCase, make_case

PDF = b"%PDF-1.4\n% a scanned payroll\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def record_details(test: BaseTestCase) -> RecordDetails:
    asked = clock.now() - dt.timedelta(hours=2)
    return RecordDetails(
        kind=InvestigationRecord.Kind.INQUIRY,
        started_at=asked,
        ended_at=asked + dt.timedelta(minutes=30),
        place="龙山区人社局询问室",
        subject_name="李经理",
        subject_role="项目经理",
        subject_side=InvestigationRecord.Side.RESPONDENT,
        inspectors=[test.inspector, test.inspector2],
        questions=[("你单位是否拖欠工人工资？", "拖欠了三个月。")],
    )


def payroll(test: BaseTestCase, case: Case) -> Evidence:
    return evidence_attach(
        case=case,
        kind=Evidence.Kind.PAYROLL,
        title="工资表",
        source="项目部",
        obtained_on=clock.local_today(),
        pages=2,
        upload=SimpleUploadedFile("payroll.pdf", PDF, content_type="application/pdf"),
        actor=test.inspector,
    )


def closed_case_with_a_file(test: BaseTestCase) -> Case:
    """Opened with its approval form, an inquiry record and a payroll, ordered, the order
    served, closed (referred to court, the money explained)."""
    case = make_case(test)
    document_generate(
        case=case,
        kind=Document.Kind.OPENING_APPROVAL,
        actor=test.inspector,
        extra={"facts": "拖欠工人工资"},
    )
    investigation_record_create(case=case, details=record_details(test), actor=test.inspector)
    payroll(test, case)
    return advance(test, case, CaseStatus.CLOSED)
