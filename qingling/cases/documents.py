"""Case documents (文书) and the case file.

``document_generate`` fills a DOCX template of the bureau (one per kind, under
``QINGLING_DOCUMENT_TEMPLATE_DIR``, else the defaults shipped in ``doc_templates/``),
numbers it per kind and year, stores it under MEDIA_ROOT with its SHA-256 and audits
it on the case. ``case_archive`` packs the whole case file into one ZIP.

Informant protection (劳动保障监察条例 Art. 9): a document served on the employer is
built from a context that holds no informant data (the complainants are not in it and
an informant's claim is shown without a name), and the finished document is scanned
for every informant name, mobile and ID number of the case before it is stored;
``informant_disclosure_check`` refuses it if one is found.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph

from qingling.accounts.permissions import Perm, can
from qingling.cases.models import (
    ZERO,
    Case,
    CaseInspector,
    Claim,
    Compensation,
    CompensationPayment,
    Document,
    Payment,
    Penalty,
    Proceeding,
)
from qingling.cases.selectors import case_list_for_user, case_timeline
from qingling.cases.services import case_inspectors, case_step_actors, case_writable_check
from qingling.core import clock
from qingling.core.exceptions import ApplicationError, Conflict, Forbidden, InvalidInput
from qingling.core.money import yuan
from qingling.core.personal_data import blind_index, mask_id_number, mask_phone
from qingling.core.services import Actor, audit_event_record
from qingling.core.spreadsheets import csv_field
from qingling.intake.models import Complaint

Kind = Document.Kind
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHIPPED_TEMPLATE_DIR = Path(__file__).resolve().parent / "doc_templates"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
WORKERS_TABLE = "workers_table"
WITHHELD_NAME = "（身份依法保密）"

# Short codes in the document number ({kind} of QINGLING_DOCUMENT_NUMBER_FORMAT). The
# opening approval is 立审, not 立: the case number itself is 辽人社监立〔year〕seq号.
DEFAULT_KIND_CODES: dict[str, str] = {
    Kind.OPENING_APPROVAL: "立审",
    Kind.INQUIRY_NOTICE: "询",
    Kind.ORDER: "责改",
    Kind.DECISION: "处",
    Kind.CLOSING_APPROVAL: "结",
    Kind.HEARING_NOTICE: "告",
    Kind.PENALTY_DECISION: "罚",
    Kind.ENFORCEMENT_REMINDER: "催",
}

# The statutes each document cites unless the inspector gives another basis. Document
# text (Chinese legal citations), not interface text.
DEFAULT_LEGAL_BASIS: dict[str, str] = {
    Kind.OPENING_APPROVAL: (
        "《劳动保障监察条例》第十四条、《关于实施〈劳动保障监察条例〉若干规定》第十八条"
    ),
    Kind.INQUIRY_NOTICE: "《劳动保障监察条例》第十五条",
    Kind.ORDER: "《劳动保障监察条例》第十八条、第二十六条",
    Kind.DECISION: "《劳动保障监察条例》第十八条、第二十六条",
    Kind.CLOSING_APPROVAL: "《劳动保障监察条例》第十八条",
    Kind.HEARING_NOTICE: (
        "《劳动保障监察条例》第十九条、《中华人民共和国行政处罚法》第四十四条、第四十五条、"
        "第六十三条、第六十四条"
    ),
    Kind.PENALTY_DECISION: "《中华人民共和国行政处罚法》第五十七条、第五十九条",
    Kind.ENFORCEMENT_REMINDER: "《中华人民共和国行政强制法》第五十三条、第五十四条",
}
DEFAULT_MATERIALS = (
    "1. 营业执照副本复印件及法定代表人身份证明；\n"
    "2. 涉及劳动者的劳动合同、考勤记录、工资支付记录（工资表）；\n"
    "3. 工程项目农民工工资专用账户、实名制管理及工资保证金相关材料。"
)
# What an inspector may give when generating; everything else comes from the records.
EXTRA_KEYS = frozenset(
    {
        "facts",
        "legal_basis",
        "opinion",
        "inquiry_time",
        "inquiry_place",
        "materials",
        "payment_due",
        "outcome",
        "closing_note",
    }
)
# What each kind cannot be generated without: generation is refused naming the empty
# ones. "worker_count" stands for the amounts (a case without a claim has none).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.OPENING_APPROVAL: ("respondent", "facts", "legal_basis", "inspectors", "worker_count"),
    Kind.INQUIRY_NOTICE: (
        "respondent",
        "legal_basis",
        "inquiry_time",
        "inquiry_place",
        "materials",
        "inspectors",
    ),
    Kind.ORDER: (
        "respondent",
        "facts",
        "legal_basis",
        "order_days",
        "worker_count",
        "total_due",
        "inspectors",
    ),
    Kind.DECISION: (
        "respondent",
        "facts",
        "legal_basis",
        "payment_due",
        "worker_count",
        "total_due",
        "review_organ",
        "court",
        "inspectors",
    ),
    Kind.CLOSING_APPROVAL: ("respondent", "inspectors", "worker_count", "total_due"),
    Kind.HEARING_NOTICE: (
        "respondent",
        "facts",
        "legal_basis",
        "intended",
        "defence_days",
        "inspectors",
    ),
    Kind.PENALTY_DECISION: (
        "respondent",
        "facts",
        "legal_basis",
        "fine_offence",
        "fine_source",
        "fine_amount",
        "defence_answer",
        "review_organ",
        "court",
        "inspectors",
    ),
    Kind.ENFORCEMENT_REMINDER: (
        "respondent",
        "legal_basis",
        "decision_numbers",
        "unperformed",
        "reminder_days",
        "inspectors",
    ),
}
# A4 portrait with the margins of the national standard for official documents
# (GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm).
A4_WIDTH_MM, A4_HEIGHT_MM = 210, 297
A4_MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LABELLED_INFORMANT = re.compile(r"(投诉人|举报人|控告人)\s*[:：]\s*[^\s:：]")
PHONE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
SEPARATORS_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\s\-‐–—]+(?=\d)")
W_P = qn("w:p")
W_T = qn("w:t")
W_BR = qn("w:br")
W_CR = qn("w:cr")
W_TAB = qn("w:tab")


class MissingFields(ApplicationError):
    """A document would be generated with a required field empty: nothing is stored."""

    status = 400

    def __init__(self, kind: str, names: Sequence[str]) -> None:
        super().__init__(
            _("%(kind)s cannot be generated with these fields empty: %(names)s.")
            % {"kind": Kind(kind).label, "names": ", ".join(names)},
            code="document_fields_missing",
            extra={"fields": {name: [_("Required.")] for name in names}, "missing": list(names)},
        )


class InformantDisclosure(ApplicationError):
    """A document served on the employer would name an informant: nothing is stored."""

    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message, code="informant_disclosure")


# --- who the informants are --------------------------------------------------------------------


@dataclass(frozen=True)
class Informant:
    """What identifies a person behind a report or an anonymous complaint. Full mobile and
    ID numbers are known only by their keyed digests; names and masks as stored."""

    names: frozenset[str] = frozenset()
    phone_digests: frozenset[str] = frozenset()
    id_number_digests: frozenset[str] = frozenset()
    masked: frozenset[str] = frozenset()
    person_id: int | None = None


def _case_complaints(case: Case) -> QuerySet[Complaint]:
    """The complaints of the case, and those joined to them."""
    return (
        Complaint.objects.filter(Q(cases=case) | Q(joined_to__cases=case))
        .distinct()
        .select_related("complainant")
    )


def case_informants(case: Case) -> list[Informant]:
    """The informants of the case: whoever is behind a report or an anonymous complaint."""
    found = []
    for complaint in _case_complaints(case):
        if complaint.kind != Complaint.Kind.REPORT and not complaint.anonymous:
            continue
        names = {complaint.contact_name.strip()}
        phones = {complaint.contact_phone_digest}
        ids: set[str] = set()
        masked: set[str] = set()
        person = complaint.complainant
        if person is not None:
            names.add(person.name.strip())
            phones.add(person.phone_digest)
            ids.add(person.id_number_digest)
            masked |= {person.phone_masked, person.id_number_masked}
        found.append(
            Informant(
                names=frozenset(n for n in names if n),
                phone_digests=frozenset(p for p in phones if p),
                id_number_digests=frozenset(i for i in ids if i),
                masked=frozenset(m for m in masked if m),
                person_id=person.pk if person is not None else None,
            )
        )
    return found


def _digit_windows(text: str, pattern: re.Pattern[str]) -> set[str]:
    """Every mobile- or ID-shaped number in the text, also when written with spaces or
    dashes between digits."""
    joined = SEPARATORS_BETWEEN_DIGITS.sub("", text)
    return {m.group(0).upper() for t in (text, joined) for m in pattern.finditer(t)}


def informant_disclosure_check(
    text: str, *, informants: Sequence[Informant], people: Iterable[str] = ()
) -> None:
    """Raise ``InformantDisclosure`` if ``text`` names an informant, gives an informant's
    mobile or ID number (also masked), or labels anyone as 投诉人/举报人 by name.

    ``people``: every name of the case (workers and complainants), none of which may
    follow the words 投诉人 or 举报人. The error never repeats what was found.
    """
    refusal = _(
        "The document would identify an informant (劳动保障监察条例 Art. 9), so it was not "
        "generated. Remove the informant from the facts or the template and try again."
    )
    if LABELLED_INFORMANT.search(text):
        raise InformantDisclosure(refusal)
    for name in people:
        if name and re.search(rf"(投诉人|举报人|控告人)\W{{0,3}}{re.escape(name)}", text):
            raise InformantDisclosure(refusal)
    if not informants:
        return
    phones = {blind_index(p, purpose="phone") for p in _digit_windows(text, PHONE_IN_TEXT)}
    ids = {blind_index(i, purpose="id_number") for i in _digit_windows(text, ID_IN_TEXT)}
    for informant in informants:
        if any(name in text for name in informant.names | informant.masked):
            raise InformantDisclosure(refusal)
        if phones & informant.phone_digests or ids & informant.id_number_digests:
            raise InformantDisclosure(refusal)


# --- reading and filling DOCX ----------------------------------------------------------------


def _paragraph_text(paragraph: Any) -> str:
    """The text of one w:p, with its line breaks and tabs (so names on two lines are not
    read as one word)."""
    return "".join(
        (element.text or "") if element.tag == W_T else ("\t" if element.tag == W_TAB else "\n")
        for element in paragraph.iter(W_T, W_BR, W_TAB, W_CR)
    )


def document_text(data: bytes) -> str:
    """All the text of a DOCX: body, tables, headers, footers, notes, text boxes and the
    document properties, one line per paragraph (runs joined)."""
    lines: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not name.endswith(".xml"):
                continue
            root = parse_xml(archive.read(name))  # python-docx's parser: no entities
            paragraphs = list(root.iter(W_P))
            if paragraphs:
                lines.extend(_paragraph_text(p) for p in paragraphs)
            else:
                lines.append(" ".join(s.strip() for s in root.itertext() if s.strip()))
    return "\n".join(lines)


def _replace_in_paragraph(paragraph: Paragraph, values: Mapping[str, str]) -> None:
    """Replace every known ``{{name}}`` of the paragraph, also when Word split it over
    several runs: the runs a placeholder spans are merged into its first run (keeping
    that run's formatting); the other runs are left as they are."""
    runs = list(paragraph.runs)
    texts = [run.text for run in runs]
    full = "".join(texts)
    if "{{" not in full:
        return
    matches = [m for m in PLACEHOLDER.finditer(full) if m.group(1) in values]
    for match in reversed(matches):  # right to left: the offsets of earlier ones stay valid
        starts = [sum(len(t) for t in texts[:i]) for i in range(len(texts))]

        def run_at(position: int, starts: list[int] = starts) -> int:
            return next(
                i for i, t in enumerate(texts) if starts[i] <= position < starts[i] + len(t)
            )

        first, last = run_at(match.start()), run_at(match.end() - 1)
        head = texts[first][: match.start() - starts[first]]
        tail = texts[last][match.end() - starts[last] :]
        value = values[match.group(1)]
        if first == last:
            texts[first] = head + value + tail
        else:
            texts[first] = head + value
            for i in range(first + 1, last):
                texts[i] = ""
            texts[last] = tail
    for run, text in zip(runs, texts, strict=True):
        if run.text != text:
            run.text = text


def _borders(table: Table) -> None:
    """Single borders set on the table itself: a bureau's template may lack 'Table Grid'."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            element.set(qn(f"w:{key}"), value)
        borders.append(element)
    tbl_pr.append(borders)


def _insert_table(document: DocxDocument, paragraph: Paragraph, rows: list[list[str]]) -> None:
    """Put the rows as a table where the paragraph is; the paragraph stays, emptied (a table
    cell must end with a paragraph)."""
    columns = len(rows[0])
    table = document.add_table(rows=len(rows), cols=columns)
    _borders(table)
    # The cells read once, in order: ``table.cell(r, c)`` walks every cell of the table
    # on each call, which made a table of 60 workers cost seconds.
    cells = table._cells
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = cells[r * columns + c]
            cell.text = value
            if r == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    paragraph._p.addprevious(table._tbl)
    for run in paragraph.runs:
        run.text = ""


def _paragraphs(document: DocxDocument) -> list[Paragraph]:
    """Every paragraph of the body, of tables (nested too), of headers and footers."""
    found: list[Paragraph] = []

    def walk(container: Any) -> None:
        found.extend(container.paragraphs)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    for section in document.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if not part.is_linked_to_previous:
                walk(part)
    return found


def page_a4(document: DocxDocument) -> None:
    """Every section A4 portrait with the official margins, whatever the template says
    (python-docx's blank document, and many a bureau's template, is US Letter)."""
    for section in document.sections:
        section.page_width = Mm(A4_WIDTH_MM)
        section.page_height = Mm(A4_HEIGHT_MM)
        section.top_margin = Mm(A4_MARGINS_MM["top"])
        section.bottom_margin = Mm(A4_MARGINS_MM["bottom"])
        section.left_margin = Mm(A4_MARGINS_MM["left"])
        section.right_margin = Mm(A4_MARGINS_MM["right"])


def render_docx(template: Path, values: Mapping[str, str], workers: list[list[str]]) -> bytes:
    """Fill the template: ``values`` by name, ``workers`` (a header row and data rows) where
    a paragraph holds only ``{{workers_table}}``. Unknown placeholders are left visible."""
    try:
        document = docx.Document(str(template))
    except Exception as error:
        raise InvalidInput(
            _("The document template %(name)s cannot be read.") % {"name": template.name}
        ) from error
    page_a4(document)
    text_values = dict(values)
    text_values[WORKERS_TABLE] = "\n".join("　".join(row) for row in workers[1:])
    seen: set[int] = set()  # merged cells repeat their paragraphs
    for paragraph in _paragraphs(document):
        if id(paragraph._p) in seen:
            continue
        seen.add(id(paragraph._p))
        if paragraph.text.strip() == "{{" + WORKERS_TABLE + "}}":
            _insert_table(document, paragraph, workers)
        else:
            _replace_in_paragraph(paragraph, text_values)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


# --- what goes into a document ---------------------------------------------------------------


def _date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _template_path(kind: str) -> Path:
    """The bureau's template for the kind, else the shipped default."""
    configured = Path(settings.QINGLING_DOCUMENT_TEMPLATE_DIR) / f"{kind}.docx"
    return configured if configured.is_file() else SHIPPED_TEMPLATE_DIR / f"{kind}.docx"


def _claims(case: Case) -> list[Claim]:
    return list(case.claims.select_related("worker").order_by("id"))


def _workers_rows(claims: list[Claim], *, withheld: frozenset[int]) -> list[list[str]]:
    rows = [["序号", "姓名", "应付工资（元）", "已支付（元）", "尚欠（元）"]]
    for n, claim in enumerate(claims, start=1):
        name = WITHHELD_NAME if claim.worker_id in withheld else claim.worker.name
        rows.append([str(n), name, yuan(claim.due), yuan(claim.paid), yuan(claim.outstanding)])
    return rows


def _complainants_text(case: Case) -> str:
    """For the internal approval forms only: each complaint, its kind and who is behind it."""
    lines = []
    for complaint in _case_complaints(case).order_by("received_at", "id"):
        who = (
            "匿名"
            if complaint.anonymous
            else (complaint.complainant.name if complaint.complainant else complaint.contact_name)
        )
        role = "举报人" if complaint.kind == Complaint.Kind.REPORT else "投诉人"
        lines.append(f"{complaint.number} {complaint.get_channel_display()} {role}：{who}")
    return "\n".join(lines)


def _inspectors_text(case: Case) -> str:
    """The case's inspectors by full name and 执法证号, the lead first. A document names
    its inspectors as the law wants them identified: one without a card number, or
    without a full name, refuses the document."""
    assignments = sorted(
        case_inspectors(case), key=lambda a: (a.role != CaseInspector.Role.LEAD, a.pk)
    )
    lacking = [
        a.inspector.get_username()
        for a in assignments
        if not (a.inspector.enforcement_card_number.strip() and a.inspector.full_name.strip())
    ]
    if lacking:
        raise InvalidInput(
            _(
                "The document names inspectors without a full name or enforcement card number "
                "(执法证号): %(names)s. An administrator enters them on the staff record."
            )
            % {"names": ", ".join(lacking)},
            extra={"fields": {"inspectors": [_("Enforcement card number missing.")]}},
        )
    return "、".join(
        f"{a.inspector.full_name.strip()}（执法证号：{a.inspector.enforcement_card_number.strip()}）"
        for a in assignments
    )


def _context(
    case: Case, kind: str, extra: Mapping[str, str], claims: list[Claim], *, served: bool
) -> dict[str, str]:
    respondent = case.respondent
    project = case.project
    due = sum((c.due for c in claims), ZERO)
    paid = sum((c.paid for c in claims), ZERO)
    outstanding = sum((c.outstanding for c in claims), ZERO)
    payment_due = f"{_date(case.order_due)}前" if case.order_due else "收到本决定书之日起十五日内"
    values = {
        "bureau_name": settings.QINGLING_BUREAU_NAME,
        "bureau_address": settings.QINGLING_BUREAU_ADDRESS,
        "bureau_phone": settings.QINGLING_BUREAU_PHONE,
        "case_number": case.number,
        "date": _date(clock.local_today()),
        "year": str(clock.local_today().year),
        "respondent": respondent.name,
        "respondent_credit_code": respondent.credit_code or "—",
        "respondent_address": respondent.address or "—",
        "project": project.name if project else "—",
        "project_address": project.address if project and project.address else "—",
        "division": case.division.name,
        "opened_on": _date(case.opened_on),
        "investigation_due": _date(case.investigation_due),
        "order_issued_on": _date(case.order_issued_on),
        "order_due": _date(case.order_due),
        "order_days": str(case.order_days) if case.order_days else "",
        "payment_due": payment_due,
        "closed_on": _date(case.closed_on),
        "inspectors": _inspectors_text(case),
        "worker_count": str(len(claims)) if claims else "",
        "total_claimed": yuan(sum((c.claimed for c in claims), ZERO)),
        "total_due": yuan(due),
        "total_paid": yuan(paid),
        "total_outstanding": yuan(outstanding),
        # served documents state what the inspector wrote for the employer, never the
        # case summary (which may quote the complaint)
        "facts": case.facts_for_respondent if served else case.summary,
        "legal_basis": DEFAULT_LEGAL_BASIS[kind],
        "opinion": "",
        "inquiry_time": "收到本通知书之日起三个工作日内",
        "inquiry_place": "本局劳动保障监察机构",
        "materials": DEFAULT_MATERIALS,
        "outcome": case.get_outcome_display() if case.outcome else "",
        "closing_note": case.closing_note,
        "review_organ": settings.QINGLING_REVIEW_ORGAN,
        "court": settings.QINGLING_COURT,
        "compensation_text": "",
        "defence_answer": "",
    }
    values |= {key: value.strip() for key, value in extra.items() if value and value.strip()}
    if not served:
        values["complainants"] = _complainants_text(case)
    return values


# --- generating ----------------------------------------------------------------------------


def _kind_code(kind: str) -> str:
    codes: Mapping[str, str] = settings.QINGLING_DOCUMENT_KIND_CODES
    return codes.get(kind) or DEFAULT_KIND_CODES[kind]


def _number(kind: str, year: int, seq: int) -> str:
    return str(
        settings.QINGLING_DOCUMENT_NUMBER_FORMAT.format(kind=_kind_code(kind), year=year, seq=seq)
    )


def _first_free_sequence(kind: str, year: int) -> int:
    """One more than the documents of this kind this year, skipping numbers taken (a
    number format without {kind} shares its numbers between kinds)."""
    start = timezone.make_aware(dt.datetime(year, 1, 1))  # noqa: DTZ001 (made aware here)
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))  # noqa: DTZ001
    first = Document.objects.filter(kind=kind, created_at__gte=start, created_at__lt=end).count()
    for seq in range(first + 1, first + 1000):
        if not Document.objects.filter(number=_number(kind, year, seq)).exists():
            return seq
    raise Conflict(  # a number format without {seq} gives every document the same number
        _("Could not number the document; check QINGLING_DOCUMENT_NUMBER_FORMAT."),
        code="document_number_conflict",
    )


def _check_extra(extra: Mapping[str, str]) -> None:
    unknown = sorted(set(extra) - EXTRA_KEYS)
    if unknown:
        raise InvalidInput(
            _("Unknown document fields: %(names)s.") % {"names": ", ".join(unknown)},
            extra={"fields": {name: [_("Unknown field.")] for name in unknown}},
        )
    too_long = [key for key, value in extra.items() if len(str(value)) > 4000]
    if too_long:
        raise InvalidInput(
            _("At most %(limit)d characters.") % {"limit": 4000},
            extra={"fields": {name: [_("Too long.")] for name in too_long}},
        )


def document_generate(
    *,
    case: Case,
    kind: str,
    actor: Actor,
    extra: dict[str, str] | None = None,
    procedure: Mapping[str, str] | None = None,
    rows: list[list[str]] | None = None,
) -> Document:
    """Generate a numbered, editable DOCX of ``kind`` for the case, store it with its hash
    and audit it (``case.document``). A document served on the employer never identifies
    an informant: if the finished text would, nothing is stored and InformantDisclosure
    is raised.

    ``extra``: what the inspector adds (the keys in EXTRA_KEYS), e.g. the facts, the
    time and place of an inquiry, an opinion. ``procedure`` and ``rows``: what the
    decision procedure (decisions.py, enforcement.py) puts in the kinds only it
    generates (``Document.PROCEDURE_KINDS``), after checking its clocks; ``rows``
    replaces the workers table.
    """
    if kind not in Kind.values or kind in Document.BUILT_ELSEWHERE:
        raise InvalidInput(
            _("Unknown kind of document."), extra={"fields": {"kind": [_("Choose a kind.")]}}
        )
    if kind in Document.PROCEDURE_KINDS and procedure is None:
        message = _(
            "%(kind)s is generated by the decision procedure (事先告知 → 陈述申辩 → 决定, "
            "监察条例 Art. 19), not from this form."
        ) % {"kind": Kind(kind).label}
        raise InvalidInput(message, extra={"fields": {"kind": [message]}})
    if not (can(actor, Perm.CASE_WORK) and case_step_actors(case, actor)):
        raise Forbidden(_("Only the case's inspectors or a chief may generate its documents."))
    case_writable_check(case)
    extra = {key: str(value) for key, value in (extra or {}).items()}
    _check_extra(extra)
    if kind == Kind.ORDER and case.order_days is None:
        raise InvalidInput(
            _("Issue the order with its working days to pay first; the document states them.")
        )
    served = kind in Document.SERVED_ON_EMPLOYER
    if served and not case.facts_for_respondent.strip():
        message = _(
            "Write the facts for the respondent first: a document served on the employer "
            "states them, never the complaint's text."
        )
        raise InvalidInput(message, extra={"fields": {"facts_for_respondent": [message]}})
    claims = _claims(case)
    informants = case_informants(case) if served else []
    withheld = frozenset(i.person_id for i in informants if i.person_id is not None)
    values = _context(case, kind, extra, claims, served=served) | dict(procedure or {})
    missing = [name for name in REQUIRED_FIELDS[kind] if not values.get(name, "").strip()]
    if missing:
        raise MissingFields(kind, missing)
    workers = rows if rows is not None else _workers_rows(claims, withheld=withheld)
    people = {c.worker.name for c in claims} | {n for i in informants for n in i.names}
    template = _template_path(kind)
    year = clock.local_today().year
    for _attempt in range(5):  # two inspectors generating at once: the unique number decides
        seq = _first_free_sequence(kind, year)
        number = _number(kind, year, seq)
        data = render_docx(template, values | {"document_number": number}, workers)
        if served:
            informant_disclosure_check(document_text(data), informants=informants, people=people)
        digest = hashlib.sha256(data).hexdigest()
        document = Document(
            case=case,
            kind=kind,
            number=number,
            sha256=digest,
            generated_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
            issued_on=clock.local_today(),
        )
        try:
            with transaction.atomic():
                document.file.save(f"{document.public_id}.docx", ContentFile(data), save=False)
                document.save()
                audit_event_record(
                    actor=actor,
                    action="case.document",
                    obj=case,
                    after={
                        "document": number,
                        "kind": kind,
                        "sha256": digest,
                        "template": template.name
                        if template.parent == SHIPPED_TEMPLATE_DIR
                        else str(template),
                    },
                )
        except IntegrityError:
            if document.file.name:
                document.file.storage.delete(document.file.name)
            continue
        return document
    raise Conflict(_("Could not number the document; try again."), code="document_number_conflict")


def document_list(*, case: Case) -> QuerySet[Document]:
    return (
        case.documents.select_related("generated_by", "voided_by")
        .prefetch_related("services")
        .order_by("-created_at", "-id")
    )


@transaction.atomic
def document_void(*, document: Document, reason: str, actor: Actor) -> Document:
    """Void (作废) a wrong document with a reason: it keeps its number and its file and
    is shown struck through; it can no longer be served. Voided once only, and never
    once served (a served document is answered by a new one, not taken back)."""
    case = document.case
    if not (can(actor, Perm.CASE_WORK) and case_step_actors(case, actor)):
        raise Forbidden(_("Only the case's inspectors or a chief may void its documents."))
    case_writable_check(case)
    reason = reason.strip()
    if not reason:
        message = _("Give the reason for voiding the document.")
        raise InvalidInput(message, extra={"fields": {"reason": [message]}})
    if document.services.exists():
        raise Conflict(
            _("%(number)s has been served and cannot be voided.") % {"number": document.number},
            code="document_served",
        )
    now = clock.now()
    updated = Document.objects.filter(pk=document.pk, voided_at=None).update(
        voided_at=now,
        void_reason=reason,
        voided_by_id=actor.pk if actor is not None else None,
        updated_at=now,
    )
    if updated != 1:
        raise Conflict(
            _("%(number)s is voided already.") % {"number": document.number},
            code="document_voided",
        )
    document.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="case.document_void",
        obj=case,
        after={"document": document.number, "kind": document.kind},
        reason=reason,
    )
    return document


# --- the case file -----------------------------------------------------------------------------


def mask_personal(text: str) -> str:
    """Mask every ID- or mobile-shaped number in free text."""
    text = ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    return PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        text = timezone.localtime(value).isoformat(timespec="seconds")
    elif isinstance(value, dt.date | Decimal):
        text = str(value)
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    text = mask_personal(text)
    if isinstance(value, int | float | Decimal | dt.date):
        return text  # a number or a date stays one
    return csv_field(text)  # no formulas when a spreadsheet opens the file


def _csv(header: list[str], rows: Iterable[Iterable[object]]) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return output.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def _who(user: Any) -> str:
    if user is None:
        return _("system")
    return str(user.get_full_name() or user.get_username())


def _member_name(document: Document) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", document.number)
    return f"documents/{safe}_{document.get_kind_display()}.docx"


def _case_facts(case: Case, claims: list[Claim], documents: list[Document]) -> dict[str, Any]:
    text = mask_personal
    return {
        "number": case.number,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "outcome": case.outcome,
        "outcome_label": str(case.get_outcome_display()) if case.outcome else "",
        "respondent": {
            "name": case.respondent.name,
            "credit_code": case.respondent.credit_code,
            "address": case.respondent.address,
        },
        "project": {"name": case.project.name, "address": case.project.address}
        if case.project
        else None,
        "division": {"code": case.division.code, "name": case.division.name},
        "summary": text(case.summary),
        "opened_on": case.opened_on.isoformat(),
        "investigation_due": case.investigation_due.isoformat(),
        "investigation_due_provisional": case.investigation_due_provisional,
        "extended": case.extended,
        "extension_reason": text(case.extension_reason),
        "order_issued_on": case.order_issued_on.isoformat() if case.order_issued_on else None,
        "order_due": case.order_due.isoformat() if case.order_due else None,
        "extra_compensation_rate": str(case.extra_compensation_rate)
        if case.extra_compensation_rate is not None
        else None,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "closing_note": text(case.closing_note),
        "inspectors": [{"name": _who(a.inspector), "role": a.role} for a in case_inspectors(case)],
        "complaints": [
            {
                "number": c.number,
                "kind": c.kind,
                "channel": c.channel,
                "anonymous": c.anonymous,
                "received_at": timezone.localtime(c.received_at).isoformat(timespec="seconds"),
            }
            for c in _case_complaints(case).order_by("received_at", "id")
        ],
        "totals": {
            "workers": len(claims),
            "claimed": str(sum((c.claimed for c in claims), ZERO)),
            "due": str(sum((c.due for c in claims), ZERO)),
            "paid": str(sum((c.paid for c in claims), ZERO)),
            "outstanding": str(sum((c.outstanding for c in claims), ZERO)),
        },
        "documents": [
            {
                "number": d.number,
                "kind": d.kind,
                "file": _member_name(d),
                "sha256": d.sha256,
                "generated_at": timezone.localtime(d.created_at).isoformat(timespec="seconds"),
                "generated_by": _who(d.generated_by),
            }
            for d in documents
        ],
    }


def _zip(members: Mapping[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return output.getvalue()


PROCEEDING_COLUMNS = (
    "status",
    "notice_served_on",
    "defence_due",
    "statement_received_on",
    "hearing_requested",
    "hearing_notified_on",
    "hearing_on",
    "hearing_place",
    "hearing_held_on",
    "answer_adopted",
    "waived_on",
    "decided_on",
    "decisions_served_on",
    "payment_due",
    "review_until",
    "suit_until",
    "final_on",
    "reminder_served_on",
    "reminder_due",
    "application_due",
    "applied_on",
    "court_case_number",
    "ruling",
    "ruling_on",
    "outcome",
    "withdrawn_reason",
)


def _procedure_csvs(case: Case) -> dict[str, bytes]:
    """The decision procedure in the case export: its steps and dates
    (``proceedings.csv``, with the numbers of its documents), the extra compensation
    ordered and paid per worker (``compensation.csv``, and each payment in
    ``compensation_payments.csv``) and the fines (``penalties.csv``). Wages stay in
    ``claims.csv``/``payments.csv``: compensation is not wages recovered."""
    proceedings = case.proceedings.select_related(
        "notice", "decision", "penalty_decision", "reminder"
    ).order_by("created_at", "id")

    def number(document: Document | None) -> str:
        return document.number if document is not None else ""

    rows: list[Proceeding] = list(proceedings)
    compensations = (
        Compensation.objects.filter(proceeding__case=case)
        .select_related("claim__worker")
        .order_by("proceeding_id", "id")
    )
    paid = CompensationPayment.objects.filter(compensation__proceeding__case=case).select_related(
        "compensation__claim__worker", "recorded_by"
    )
    fines = Penalty.objects.filter(proceeding__case=case).order_by("proceeding_id", "id")
    return {
        "proceedings.csv": _csv(
            ["notice", "handling_decision", "penalty_decision", "reminder", *PROCEEDING_COLUMNS],
            (
                [
                    number(p.notice),
                    number(p.decision),
                    number(p.penalty_decision),
                    number(p.reminder),
                    *(getattr(p, column) for column in PROCEEDING_COLUMNS),
                ]
                for p in rows
            ),
        ),
        "compensation.csv": _csv(
            [
                "worker",
                "id_number",
                "unpaid_at_order_date",
                "rate",
                "ordered",
                "paid",
                "outstanding",
            ],
            (
                [
                    c.claim.worker.name,
                    c.claim.worker.id_number_masked,
                    c.base,
                    c.rate,
                    c.amount,
                    c.paid,
                    c.outstanding,
                ]
                for c in compensations
            ),
        ),
        "compensation_payments.csv": _csv(
            ["worker", "id_number", "amount", "paid_on", "method", "voucher", "recorded_by"],
            (
                [
                    p.compensation.claim.worker.name,
                    p.compensation.claim.worker.id_number_masked,
                    p.amount,
                    p.paid_on,
                    p.method,
                    p.voucher,
                    _who(p.recorded_by) if p.recorded_by else "",
                ]
                for p in paid.order_by("paid_on", "id")
            ),
        ),
        "penalties.csv": _csv(
            ["fine", "amount", "decided_on", "due", "paid_on", "paid_amount", "receipt_number"],
            (
                [
                    f.fine_key,
                    f.amount,
                    f.decided_on,
                    f.due,
                    f.paid_on,
                    f.paid_amount,
                    f.receipt_number,
                ]
                for f in fines
            ),
        ),
    }


def case_archive(*, case: Case, actor: Actor) -> bytes:
    """The whole case file as one ZIP: every document, ``timeline.csv``, ``claims.csv``,
    ``payments.csv``, the decision procedure (``_procedure_csvs``) and ``case.json``; ID
    and mobile numbers masked. The download is
    audited (``case.archive_download``)."""
    if not (
        can(actor, Perm.CASE_VIEW) and case_list_for_user(user=actor).filter(pk=case.pk).exists()
    ):
        raise Forbidden(_("You cannot see this case."))
    members: dict[str, bytes] = {}
    documents = list(document_list(case=case).order_by("created_at", "id"))
    for document in documents:
        with document.file.open("rb") as stored:
            members[_member_name(document)] = stored.read()
    events = case_timeline(case=case).order_by("at")
    members["timeline.csv"] = _csv(
        ["when", "who", "action", "before", "after", "reason"],
        ([e.at, _who(e.actor), e.action, e.before, e.after, e.reason] for e in events),
    )
    claims = list(case.claims.select_related("worker").prefetch_related("payments"))
    members["claims.csv"] = _csv(
        ["worker", "id_number", "claimed", "verified", "ordered", "paid", "outstanding"],
        (
            [
                c.worker.name,
                c.worker.id_number_masked,
                c.claimed,
                c.verified,
                c.ordered,
                c.paid,
                c.outstanding,
            ]
            for c in claims
        ),
    )
    payments = Payment.objects.filter(claim__case=case).select_related(
        "claim__worker", "payer", "recorded_by"
    )
    members["payments.csv"] = _csv(
        [
            "worker",
            "id_number",
            "amount",
            "paid_on",
            "paid_by",
            "payer",
            "method",
            "voucher",
            "recorded_by",
        ],
        (
            [
                p.claim.worker.name,
                p.claim.worker.id_number_masked,
                p.amount,
                p.paid_on,
                p.payer_kind,
                p.payer.name if p.payer else "",
                p.method,
                p.voucher,
                _who(p.recorded_by) if p.recorded_by else "",
            ]
            for p in payments.order_by("paid_on", "id")
        ),
    )
    members |= _procedure_csvs(case)
    facts = _case_facts(case, claims, documents)
    members["case.json"] = json.dumps(facts, ensure_ascii=False, indent=2).encode()
    data = _zip(members)
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            action="case.archive_download",
            obj=case,
            after={"documents": len(documents), "sha256": hashlib.sha256(data).hexdigest()},
        )
    return data
