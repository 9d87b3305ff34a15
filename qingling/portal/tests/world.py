"""Two employers and their records, shared by the portal's tests.

* ``employer``: 辽源市青岭建设集团有限公司, general contractor of 青岭花园三期, with a
  portal account (password ``secret``) and a written agreement to electronic service.
  Its case ``case`` was opened from an anonymous report and joined by a named report of
  COMPLAINANT (distinctive name, mobile, ID number and words); the order lists only
  WORKER, so it may go through the portal. Its case ``named_case`` was opened from
  NAMED_WORKER's own complaint: its order lists him, so it never reaches the portal.
* ``other``: 辽源市东丰劳务有限公司 with a project, a case and a warning of its own and
  an account, who must see none of the first employer's records (nor they its).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from qingling.cases.documents import document_generate
from qingling.cases.models import Case, Document
from qingling.cases.services import case_facts_for_respondent_set, case_open, claim_add
from qingling.cases.tests.steps import FACTS, ORDER_UNSERVED, advance
from qingling.core import clock
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.models import Complaint
from qingling.intake.services import complaint_accept, complaint_register
from qingling.parties.demo import fake_id_number
from qingling.parties.models import Organization, Project
from qingling.parties.services import project_party_add
from qingling.portal.models import EmployerAccount
from qingling.portal.services import consent_record, employer_account_create
from qingling.prevention.models import Warning
from qingling.testing import PASSWORD, BaseTestCase, make_organization, make_project

COMPLAINANT = "欧阳晓雯"
COMPLAINANT_PHONE = "13987654321"
COMPLAINT_TEXT = "包工头在青岭花园三期工地克扣我们三个月工资共一万二千元至今不给"
ANONYMOUS_PHONE = "13504375566"
NAMED_WORKER = "司马青松"  # complained about his own wages: the order lists him
NAMED_WORKER_PHONE = "13643719988"
WORKER = "刘德福"  # owed money, never complained
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_file(name: str = "回单.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class World:
    employer: Organization
    account: EmployerAccount
    project: Project
    case: Case
    order: Document
    named_case: Case
    named_order: Document
    warning: Warning
    other: Organization
    other_account: EmployerAccount
    other_project: Project
    other_case: Case
    other_warning: Warning
    complainant_id: str


def _register(draft: ComplaintDraft) -> Complaint:
    return complaint_register(draft=draft, channel="walk_in", actor=None).complaint


def _open(
    test: BaseTestCase, complaint: Complaint, respondent: Organization, project: Project
) -> Case:
    accepted = complaint_accept(complaint=complaint, actor=test.intake)
    return case_open(
        complaints=[accepted],
        respondent=respondent,
        division=test.longshan,
        lead=test.inspector,
        co_inspectors=[test.inspector2],
        project=project,
        actor=test.chief,
    )


def _warning(project: Project, month: str = "2026-10") -> Warning:
    return Warning.objects.create(
        rule="WORKER_UNPAID",
        level="red",
        month=month,
        project_code=project.code or str(project.pk),
        project_name=project.name,
        project=project,
        division=project.division,
        acknowledge_due=clock.local_today() + dt.timedelta(days=5),
    )


def _account(test: BaseTestCase, organization: Organization) -> EmployerAccount:
    account = employer_account_create(
        organization=organization, contact_name="李会计", actor=test.chief
    )
    account.user.set_password(PASSWORD)
    account.user.save()
    return account


def build_world(test: BaseTestCase) -> World:
    employer = make_organization(
        test.rng, name="辽源市青岭建设集团有限公司", division=test.longshan
    )
    project = make_project(division=test.longshan, name="青岭花园三期", actor=test.chief)
    project_party_add(
        project=project, role="general_contractor", organization=employer, actor=test.chief
    )
    complainant_id = fake_id_number(test.rng)
    anonymous = _register(
        ComplaintDraft(
            kind="report",
            anonymous=True,
            phone=ANONYMOUS_PHONE,
            employer_name=employer.name,
            division_code="220402",
            narrative=COMPLAINT_TEXT,
        )
    )
    case = _open(test, anonymous, employer, project)
    named = _register(
        ComplaintDraft(
            kind="report",
            name=COMPLAINANT,
            phone=COMPLAINANT_PHONE,
            id_number=complainant_id,
            employer_name=employer.name,
            division_code="220402",
            narrative=COMPLAINT_TEXT,
        )
    )
    case.complaints.add(named)
    claim_add(
        case=case,
        name=WORKER,
        id_number=fake_id_number(test.rng),
        claimed=Decimal("8000.00"),
        actor=test.inspector,
    )
    case = advance(test, case, ORDER_UNSERVED)
    case = case_facts_for_respondent_set(case=case, text=FACTS, actor=test.inspector)
    order = document_generate(case=case, kind=Document.Kind.ORDER, actor=test.inspector)

    named_complaint = _register(
        ComplaintDraft(
            name=NAMED_WORKER,
            phone=NAMED_WORKER_PHONE,
            employer_name=employer.name,
            division_code="220402",
            amount=Decimal("6000.00"),
            narrative="拖欠我半年工资",
        )
    )
    named_case = _open(test, named_complaint, employer, project)
    named_case = advance(test, named_case, ORDER_UNSERVED)
    named_case = case_facts_for_respondent_set(case=named_case, text=FACTS, actor=test.inspector)
    named_order = document_generate(case=named_case, kind=Document.Kind.ORDER, actor=test.inspector)

    account = _account(test, employer)
    consent_record(
        organization=employer,
        agreed_on=clock.local_today(),
        signed_by="张总经理",
        scan=pdf_file("电子送达确认书.pdf"),
        actor=test.chief,
    )
    warning = _warning(project)

    other = make_organization(test.rng, name="辽源市东丰劳务有限公司", division=test.longshan)
    other_project = make_project(division=test.longshan, name="东丰物流园", actor=test.chief)
    project_party_add(
        project=other_project, role="general_contractor", organization=other, actor=test.chief
    )
    other_complaint = _register(
        ComplaintDraft(
            name="东方不败",
            phone="13712345678",
            employer_name=other.name,
            division_code="220402",
            amount=Decimal("3000.00"),
        )
    )
    other_case = _open(test, other_complaint, other, other_project)
    other_account = _account(test, other)
    other_warning = _warning(other_project)
    return World(
        employer=employer,
        account=account,
        project=project,
        case=case,
        order=order,
        named_case=named_case,
        named_order=named_order,
        warning=warning,
        other=other,
        other_account=other_account,
        other_project=other_project,
        other_case=other_case,
        other_warning=other_warning,
        complainant_id=complainant_id,
    )
