"""A case with two workers, a named informant who is also owed money, and an anonymous
informant; shared by the document tests."""

import io
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal

import docx
from django.test import override_settings

from qingling.cases.models import Case
from qingling.cases.services import case_facts_for_respondent_set, claim_add
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.models import Channel, Complaint
from qingling.intake.services import complaint_register
from qingling.parties.demo import fake_id_number
from qingling.testing import BaseTestCase, make_case

WORKER = "王建国"  # the worker who complained (kind complaint): owed money, may appear
WORKER_PHONE = "13843712345"
SECOND_WORKER = "刘德福"
INFORMANT = "赵秀英"  # reported (kind report) and is owed money too: never served
INFORMANT_PHONE = "13904371122"
ANONYMOUS_PHONE = "13504375566"  # an anonymous report's contact number
RESPONDENT = "辽源市鑫盛建筑工程有限公司"


@dataclass
class World:
    case: Case
    second_worker_id: str
    informant_id: str
    report: Complaint
    anonymous: Complaint


def use_temporary_media(test: BaseTestCase) -> str:
    """MEDIA_ROOT in a temporary folder for the test, removed after it."""
    folder = tempfile.mkdtemp(prefix="qingling-media-")
    override = override_settings(MEDIA_ROOT=folder)
    override.enable()
    test.addCleanup(override.disable)
    test.addCleanup(shutil.rmtree, folder, ignore_errors=True)
    return folder


def report(**values: object) -> Complaint:
    draft: dict[str, object] = {
        "kind": "report",
        "employer_name": RESPONDENT,
        "narrative": "工地拖欠工资",
    }
    draft.update(values)
    return complaint_register(
        draft=ComplaintDraft(**draft),  # type: ignore[arg-type]
        channel=Channel.WALK_IN,
        actor=None,
    ).complaint


def build_world(test: BaseTestCase, *, co_inspector: bool = True) -> World:
    case = make_case(
        test, name=WORKER, phone=WORKER_PHONE, employer_name=RESPONDENT, co_inspector=co_inspector
    )
    second_id = fake_id_number(test.rng)
    claim_add(
        case=case,
        name=SECOND_WORKER,
        id_number=second_id,
        phone="13604378899",
        claimed=Decimal("5000.00"),
        actor=test.inspector,
    )
    informant_id = fake_id_number(test.rng)
    named = report(name=INFORMANT, phone=INFORMANT_PHONE, id_number=informant_id)
    anonymous = report(anonymous=True, phone=ANONYMOUS_PHONE)
    case.complaints.add(named, anonymous)
    claim_add(  # the informant is owed money as well: the same person by ID number
        case=case,
        name=INFORMANT,
        id_number=informant_id,
        claimed=Decimal("3000.00"),
        actor=test.inspector,
    )
    case = case_facts_for_respondent_set(
        case=case, text="经查，你单位拖欠下列劳动者工资，至今未支付。", actor=test.inspector
    )
    return World(case, second_id, informant_id, named, anonymous)


def docx_text(data: bytes) -> str:
    """The text a reader sees, read with python-docx: paragraphs, tables, header, footer."""
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        lines.extend(p.text for p in section.footer.paragraphs)
        lines.extend(p.text for p in section.header.paragraphs)
    return "\n".join(lines)
