"""Archiving a closed case (归档): the file index (卷内目录), its retention, the ZIP.

A closed case is archived once (``case_archive_create``): its documents, records,
evidence and proofs of service are put in the order of ``ARCHIVE_SECTIONS``, each with
its number (文号), author (责任者), title, date and pages (the generated documents and
records are laid out on A4 to count them; the evidence gives its own count); the index
is written as a DOCX and its PDF; everything goes into one ZIP with a manifest of
SHA-256 sums. The archive row records the day, who archived it and the retention period
(``QINGLING_CASE_RETENTION_YEARS``). From then on the case and everything under it is
read-only: every write service calls ``services.case_writable_check``.
"""

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import docx
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from qingling.accounts.models import User
from qingling.accounts.permissions import Perm, can
from qingling.cases.documents import page_a4
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import (
    Case,
    CaseArchive,
    CompensationPayment,
    Document,
    InvestigationRecord,
    Proceeding,
)
from qingling.cases.pdf import docx_html
from qingling.cases.selectors import case_list_for_user
from qingling.cases.services import case_step_actors, case_writable_check
from qingling.core import clock
from qingling.core.exceptions import Forbidden, InvalidInput
from qingling.core.money import yuan
from qingling.core.services import Actor, audit_event_record

Kind = Document.Kind

# The order of a labour-inspection case file (劳动保障监察案卷), from opening to closing:
# the opening approval, the inquiry notice, the records of inquiries and inspections, the
# evidence gathered, the order to pay, the proofs of service, the decisions, the closing
# approval. The order follows the bureaus' case-file rules (劳动保障监察案卷管理办法 of the
# provincial inspection corps, e.g. 山西省劳动保障监察总队 Art. 7, made under 监察条例 and
# 若干规定 and 档案法: "一案一卷", the documents in the order the case produced them) and
# 行政处罚法 Art. 47 (the whole procedure recorded and archived). docs/legal-rules.md.
ARCHIVE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("opening_approval", "立案审批表"),
    ("inquiry_notice", "询问通知书"),
    ("records", "询问笔录、现场检查笔录"),
    ("evidence", "证据材料"),
    ("order", "限期改正指令书"),
    ("service_receipts", "送达回证"),
    ("decisions", "处理、处罚决定及其他文书"),
    ("execution", "履行、执行情况"),
    ("closing_approval", "结案审批表"),
)
# The section of each kind of document; a kind not named here (the 事先告知书, the
# decisions and the 催告书) files with the decisions. Their proofs of service are in
# "service_receipts"; the statement of the procedure (``_procedure_items``: the hearing
# notice and hearing, the extra compensation ordered and paid per worker, the fines and
# their receipts, the court) in "execution", before the closing approval.
DOCUMENT_SECTIONS: dict[str, str] = {
    Kind.OPENING_APPROVAL: "opening_approval",
    Kind.INQUIRY_NOTICE: "inquiry_notice",
    Kind.ORDER: "order",
    Kind.DECISION: "decisions",
    Kind.CLOSING_APPROVAL: "closing_approval",
}
DEFAULT_DOCUMENT_SECTION = "decisions"
SECTION_ORDER = {key: n for n, (key, _label) in enumerate(ARCHIVE_SECTIONS)}


@dataclass
class ArchiveItem:
    """One row of the file index and the files it puts in the ZIP."""

    section: str
    number: str
    author: str
    title: str
    date: dt.date
    pages: int
    files: dict[str, bytes] = field(default_factory=dict)  # extension → content
    seq: int = 0
    first_page: int = 0

    def row(self) -> dict[str, Any]:
        row = asdict(self)
        del row["files"]
        row["date"] = self.date.isoformat()
        row["members"] = sorted(self.members())
        return row

    def stem(self) -> str:
        name = re.sub(r'[\\/:*?"<>|\s]+', "_", f"{self.title}_{self.number}".strip("_"))
        return f"{self.seq:02d}_{name}"

    def members(self) -> dict[str, bytes]:
        return {f"{self.stem()}{extension}": data for extension, data in self.files.items()}


def _read(stored: Any) -> bytes:
    with stored.open("rb") as handle:
        return bytes(handle.read())


def _print(data: bytes) -> tuple[bytes, int]:
    """The A4 PDF of a DOCX and its page count (one layout for both)."""
    from weasyprint import HTML  # loads Pango: only when a file is archived

    rendered = HTML(string=docx_html(data)).render()
    return bytes(rendered.write_pdf()), len(rendered.pages)


def _local(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def _document_items(case: Case) -> Iterator[ArchiveItem]:
    for document in case.documents.order_by("created_at", "id"):
        data = _read(document.file)
        pdf, pages = _print(data)
        if not document.pdf:  # kept beside the DOCX, as on its first download
            document.pdf.save(f"{document.public_id}.pdf", ContentFile(pdf), save=False)
            document.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            document.save(update_fields=["pdf", "pdf_sha256", "updated_at"])
        title = str(document.get_kind_display())
        if document.voided:
            title += "（作废）"
        yield ArchiveItem(
            section=DOCUMENT_SECTIONS.get(document.kind, DEFAULT_DOCUMENT_SECTION),
            number=document.number,
            author=settings.QINGLING_BUREAU_NAME,
            title=title,
            date=document.issued_on or _local(document.created_at),
            pages=pages,
            files={".docx": data, ".pdf": pdf},
        )


def _record_items(case: Case) -> Iterator[ArchiveItem]:
    records = case.records.prefetch_related("inspectors").order_by("started_at", "id")
    for record in records:
        data = _read(record.file)
        pdf, pages = _print(data)
        if not record.pdf:
            record.pdf.save(f"{record.public_id}.pdf", ContentFile(pdf), save=False)
            record.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            record.save(update_fields=["pdf", "pdf_sha256", "updated_at"])
        files = {".docx": data, ".pdf": pdf}
        if record.signed_scan:
            extension = "." + record.signed_scan.name.rsplit(".", 1)[-1]
            files[f"_signed{extension}"] = _read(record.signed_scan)
        kind = "询问笔录" if record.kind == InvestigationRecord.Kind.INQUIRY else "现场检查笔录"
        yield ArchiveItem(
            section="records",
            number="",
            author="、".join(u.full_name or u.get_username() for u in record.inspectors.all()),
            title=f"{kind}（{record.subject_name}）",
            date=_local(record.started_at),
            pages=pages,
            files=files,
        )


def _evidence_items(case: Case) -> Iterator[ArchiveItem]:
    for evidence in case.evidence.order_by("obtained_on", "id"):
        extension = "." + evidence.file.name.rsplit(".", 1)[-1]
        yield ArchiveItem(
            section="evidence",
            number="",
            author=evidence.source,
            title=evidence.title,
            date=evidence.obtained_on,
            pages=evidence.pages,
            files={extension: _read(evidence.file)},
        )


def _receipt_items(case: Case) -> Iterator[ArchiveItem]:
    for service in case.services.select_related("document").order_by("served_on", "id"):
        data = _read(service.receipt)
        pdf, pages = _print(data)
        files = {".docx": data, ".pdf": pdf}
        if service.signed_receipt:
            extension = "." + service.signed_receipt.name.rsplit(".", 1)[-1]
            files[f"_signed{extension}"] = _read(service.signed_receipt)
        yield ArchiveItem(
            section="service_receipts",
            number=service.document.number,
            author=settings.QINGLING_BUREAU_NAME,
            title=f"送达回证（{service.document.get_kind_display()}）",
            date=service.served_on,
            pages=pages,
            files=files,
        )


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def _table(document: Any, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value


def procedure_statement_docx(case: Case, proceeding: Proceeding) -> bytes:
    """One procedure on A4 (处理处罚及执行情况): the notice and its service, the defence,
    the hearing notice and hearing (行政处罚法 Art. 64), the decisions, the extra
    compensation ordered and paid per worker with each payment, the fines with their
    receipts, and the reminder and the court."""
    document: Any = docx.Document()
    page_a4(document)
    header = document.sections[0].header.paragraphs[0]
    header.text = settings.QINGLING_BUREAU_NAME
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("处理处罚及执行情况")
    run.bold = True
    run.font.size = Pt(16)
    document.add_paragraph(f"案件编号：{case.number}　被投诉（举报）单位：{case.respondent.name}")
    numbers = [
        (label, d.number)
        for label, d in (
            ("事先告知书", proceeding.notice),
            ("行政处理决定书", proceeding.decision),
            ("行政处罚决定书", proceeding.penalty_decision),
            ("催告书", proceeding.reminder),
        )
        if d is not None
    ]
    hearing = "未要求"
    if proceeding.hearing_requested:
        hearing = (
            f"已要求；于{_day(proceeding.hearing_notified_on)}通知听证，定于"
            f"{_day(proceeding.hearing_on)}在{proceeding.hearing_place or '—'}举行；"
            f"举行日期{_day(proceeding.hearing_held_on)}"
        )
    answer = "—"
    if proceeding.answer_adopted is not None:
        answer = ("予以采纳" if proceeding.answer_adopted else "不予采纳") + (
            f"（{proceeding.answer_reasons}）"
        )
    facts = [
        ["事项", "内容"],
        ["程序状态", str(proceeding.get_status_display())],
        ["文书", "；".join(f"{label} {number}" for label, number in numbers) or "—"],
        ["事先告知书送达", _day(proceeding.notice_served_on)],
        ["陈述申辩期限届满", _day(proceeding.defence_due)],
        ["陈述申辩", proceeding.statement or "—"],
        ["复核意见", answer],
        ["书面放弃陈述申辩", _day(proceeding.waived_on)],
        ["听证", hearing if proceeding.hearing_offered else "不适用"],
        ["作出决定", _day(proceeding.decided_on)],
        ["决定送达", _day(proceeding.decisions_served_on)],
        ["复议期限 / 诉讼期限", f"{_day(proceeding.review_until)} / {_day(proceeding.suit_until)}"],
        [
            "催告书送达 / 催告期限届满",
            f"{_day(proceeding.reminder_served_on)} / {_day(proceeding.reminder_due)}",
        ],
        [
            "申请法院强制执行",
            f"{_day(proceeding.applied_on)} {proceeding.court_case_number}".strip(),
        ],
        [
            "法院裁定",
            " ".join(
                (
                    proceeding.get_ruling_display() or "—",
                    _day(proceeding.ruling_on),
                    proceeding.outcome,
                )
            ).strip(),
        ],
    ]
    if proceeding.withdrawn_reason:
        facts.append(["撤回理由", proceeding.withdrawn_reason])
    _table(document, facts)
    compensations = list(proceeding.compensations.select_related("claim__worker").order_by("id"))
    if compensations:
        document.add_paragraph("加付赔偿金（《劳动合同法》第八十五条）：")
        rows = [
            [
                "序号",
                "姓名",
                "逾期未支付工资（元）",
                "比例",
                "应付（元）",
                "已付（元）",
                "未付（元）",
            ]
        ]
        for n, c in enumerate(compensations, start=1):
            rows.append(
                [
                    str(n),
                    c.claim.worker.name,
                    yuan(c.base),
                    f"{(c.rate * 100).normalize():f}%",
                    yuan(c.amount),
                    yuan(c.paid),
                    yuan(c.outstanding),
                ]
            )
        rows.append(
            [
                "",
                "合计",
                yuan(sum(c.base for c in compensations)),
                "",
                yuan(sum(c.amount for c in compensations)),
                yuan(sum(c.paid for c in compensations)),
                yuan(sum(c.outstanding for c in compensations)),
            ]
        )
        _table(document, rows)
        payments = CompensationPayment.objects.filter(
            compensation__proceeding=proceeding
        ).select_related("compensation__claim__worker")
        if payments:
            document.add_paragraph("加付赔偿金支付记录：")
            _table(
                document,
                [
                    ["姓名", "金额（元）", "支付日期", "方式", "凭证号"],
                    *(
                        [
                            p.compensation.claim.worker.name,
                            yuan(p.amount),
                            p.paid_on.isoformat(),
                            p.method or "—",
                            p.voucher or "—",
                        ]
                        for p in payments.order_by("paid_on", "id")
                    ),
                ],
            )
    fines = list(proceeding.penalties.order_by("id"))
    if fines:
        document.add_paragraph("罚款：")
        _table(
            document,
            [
                ["罚款（元）", "决定日期", "缴纳期限", "缴纳日期", "缴纳金额（元）", "缴款凭证号"],
                *(
                    [
                        yuan(f.amount),
                        f.decided_on.isoformat(),
                        _day(f.due),
                        _day(f.paid_on),
                        yuan(f.paid_amount) if f.paid_amount is not None else "—",
                        f.receipt_number or "—",
                    ]
                    for f in fines
                ),
            ],
        )
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _procedure_items(case: Case) -> Iterator[ArchiveItem]:
    proceedings = case.proceedings.select_related(
        "notice", "decision", "penalty_decision", "reminder"
    ).order_by("created_at", "id")
    for proceeding in proceedings:
        data = procedure_statement_docx(case, proceeding)
        pdf, pages = _print(data)
        yield ArchiveItem(
            section="execution",
            number=proceeding.notice.number,
            author=settings.QINGLING_BUREAU_NAME,
            title="处理处罚及执行情况",
            date=case.closed_on or clock.local_today(),
            pages=pages,
            files={".docx": data, ".pdf": pdf},
        )


ITEM_SOURCES: tuple[Callable[[Case], Iterator[ArchiveItem]], ...] = (
    _document_items,
    _record_items,
    _evidence_items,
    _receipt_items,
    _procedure_items,
)


def archive_items(case: Case) -> list[ArchiveItem]:
    """Everything in the case's file, in the order of ``ARCHIVE_SECTIONS`` (within a
    section by date), numbered, with the page each starts on."""
    items = [item for source in ITEM_SOURCES for item in source(case)]
    items.sort(key=lambda item: (SECTION_ORDER[item.section], item.date))
    page = 1
    for seq, item in enumerate(items, start=1):
        item.seq, item.first_page = seq, page
        page += item.pages
    return items


def retain_until(archived_on: dt.date, years: int) -> dt.date:
    """The last day the file is kept: ``years`` after archiving (29 February → 28)."""
    try:
        return archived_on.replace(year=archived_on.year + years)
    except ValueError:
        return archived_on.replace(year=archived_on.year + years, day=28)


def _date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def index_docx(case: Case, items: list[ArchiveItem], *, archived_on: dt.date, years: int) -> bytes:
    """The file index (卷内目录) as an A4 DOCX: one row per item with its pages."""
    document: Any = docx.Document()
    page_a4(document)
    header = document.sections[0].header.paragraphs[0]
    header.text = settings.QINGLING_BUREAU_NAME
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("卷内目录")
    run.bold = True
    run.font.size = Pt(18)
    total = sum(item.pages for item in items)
    document.add_paragraph(f"案件编号：{case.number}　被投诉（举报）单位：{case.respondent.name}")
    document.add_paragraph(
        f"立案日期：{_date(case.opened_on)}　结案日期：{_date(case.closed_on or archived_on)}"
        f"　处理结果：{case.get_outcome_display() or '—'}"
    )
    rows = [["序号", "文号", "责任者", "题名", "日期", "页号", "备注"]]
    for item in items:
        last = item.first_page + item.pages - 1
        pages = str(item.first_page) if last == item.first_page else f"{item.first_page}-{last}"
        rows.append(
            [
                str(item.seq),
                item.number or "—",
                item.author or "—",
                item.title,
                item.date.isoformat(),
                pages,
                dict(ARCHIVE_SECTIONS)[item.section],
            ]
        )
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
            if r == 0:
                table.cell(r, c).paragraphs[0].runs[0].bold = True
    document.add_paragraph(f"本卷共{len(items)}件，{total}页。")
    document.add_paragraph(
        f"归档日期：{_date(archived_on)}　保管期限：{years}年"
        f"（至{_date(retain_until(archived_on, years))}）"
    )
    document.add_paragraph("立卷人：　　　　　　　检查人：　　　　　　　")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return output.getvalue()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def case_archive_create(*, case: Case, actor: Actor) -> CaseArchive:
    """Archive a closed case (归档): index, retention, ZIP; the case is read-only after.

    Refused (nothing stored) for an open case, a case archived already, and anyone but
    the case's inspectors and a chief of its area.
    """
    if not (can(actor, Perm.CASE_WORK) or can(actor, Perm.CASE_APPROVE)) or not (
        case_step_actors(case, actor)
    ):
        raise Forbidden(_("Only the case's inspectors or a chief archive its file."))
    assert isinstance(actor, User)
    case_writable_check(case)
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
    case.refresh_from_db()
    case_writable_check(case)  # another archiving may have committed while we waited
    if case.status != CaseStatus.CLOSED:
        message = _(
            "Only a closed case is archived (归档, 行政处罚法 Art. 47): case %(number)s is "
            "%(status)s. Close it first (结案)."
        ) % {"number": case.number, "status": case.get_status_display()}
        raise InvalidInput(message, extra={"fields": {"status": [message]}})
    archived_on = clock.local_today()
    years = settings.QINGLING_CASE_RETENTION_YEARS
    items = archive_items(case)
    index = index_docx(case, items, archived_on=archived_on, years=years)
    index_pdf, _pages = _print(index)
    members = {"00_卷内目录.docx": index, "00_卷内目录.pdf": index_pdf}
    for item in items:
        members |= item.members()
    manifest = {
        "case": case.number,
        "archived_on": archived_on.isoformat(),
        "retention_years": years,
        "items": [item.row() for item in items],
        "sha256": {name: _sha(data) for name, data in members.items()},
    }
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    bundle = _zip(members)
    archive = CaseArchive(
        case=case,
        archived_on=archived_on,
        archived_by=actor,
        retention_years=years,
        retain_until=retain_until(archived_on, years),
        pages=sum(item.pages for item in items),
        items=[item.row() for item in items],
        index_sha256=_sha(index),
        index_pdf_sha256=_sha(index_pdf),
        bundle_sha256=_sha(bundle),
    )
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", case.number)
    archive.index.save(f"{stem}_index.docx", ContentFile(index), save=False)
    archive.index_pdf.save(f"{stem}_index.pdf", ContentFile(index_pdf), save=False)
    archive.bundle.save(f"{stem}_archive.zip", ContentFile(bundle), save=False)
    archive.save()
    audit_event_record(
        actor=actor,
        action="case.archive",
        obj=case,
        after={
            "archived_on": archived_on.isoformat(),
            "retention_years": years,
            "retain_until": archive.retain_until.isoformat(),
            "items": len(items),
            "pages": archive.pages,
            "bundle_sha256": archive.bundle_sha256,
        },
    )
    return archive


ARCHIVE_FILES = {
    "index": ("index", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "index_pdf": ("index_pdf", "application/pdf"),
    "bundle": ("bundle", "application/zip"),
}


def archive_file(*, case: Case, which: str, actor: Actor) -> tuple[bytes, str, str]:
    """One file of the archived case (the index as DOCX or PDF, or the ZIP): its content,
    content type and name. Anyone who can see the case may; the download is audited."""
    if not (can(actor, Perm.CASE_VIEW) and case_list_for_user(user=actor).filter(pk=case.pk)):
        raise Forbidden(_("You cannot see this case."))
    archive = CaseArchive.objects.filter(case=case).first()
    if archive is None or which not in ARCHIVE_FILES:
        raise InvalidInput(_("The case is not archived."))
    attribute, content_type = ARCHIVE_FILES[which]
    stored = getattr(archive, attribute)
    data = _read(stored)
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            action="case.archive_download",
            obj=case,
            after={"file": which, "sha256": _sha(data)},
        )
    return data, content_type, stored.name.rsplit("/", 1)[-1]
