"""The sanctions' documents, as DOCX built here from the record — a simple layout of this
app's own, not the case documents' templates.

The transfer's (310号令 Art. 6): the transfer letter (涉嫌犯罪案件移送书) and the evidence
list (证据清单), made on demand. The blacklist's (45号令): the notice of intended listing
(告知书), the decision (决定书) and the early-removal decision, each stored once as a
numbered case document (``cases.Document`` of a ``LISTING_*`` kind) so that it is
downloaded, printed as PDF (``cases.pdf``) and served (``cases.serving``) like any other.

Both leave the bureau, so each is scanned with the case documents' informant check
(劳动保障监察条例 Art. 9, ``cases.documents.informant_disclosure_check``) before it is
given out: no worker is named in them (the counts and amounts are), and a transfer report
that names an informant refuses the letter. Generating one is audited on the transfer.
"""

import datetime as dt
import hashlib
import io
from collections.abc import Sequence

import docx
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingling.accounts.permissions import Perm, can
from qingling.cases.documents import (
    case_informants,
    document_list,
    document_text,
    informant_disclosure_check,
    page_a4,
)
from qingling.cases.models import Document
from qingling.core import clock
from qingling.core.exceptions import Conflict, Forbidden
from qingling.core.services import Actor, audit_event_record
from qingling.sanctions.models import Evasion, Listing, ListingPerson, Referral

LETTER = "letter"
EVIDENCE_LIST = "evidence_list"
KINDS = {LETTER: "涉嫌犯罪案件移送书", EVIDENCE_LIST: "证据清单"}


def _date(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else "＿＿＿＿"


def _letter(referral: Referral) -> docx.document.Document:
    case = referral.case
    facts = referral.conditions
    document = docx.Document()
    document.add_heading(KINDS[LETTER], level=1)
    document.add_paragraph(referral.number or "（未编号）")
    document.add_paragraph(f"{referral.police_organ or '＿＿＿＿公安局'}：")
    document.add_paragraph(
        f"我局在查处{case.respondent.name}拖欠劳动报酬一案（{case.number}）中，发现其涉嫌拒不"
        "支付劳动报酬罪。根据《中华人民共和国刑法》第二百七十六条之一和国务院《行政执法机关移送"
        "涉嫌犯罪案件的规定》第三条、第六条的规定，现将该案移送你局，请依法审查，并将审查结果书面"
        "告知我局。"
    )
    document.add_paragraph(
        f"欠付劳动报酬：{facts.get('workers_unpaid', 0)}名劳动者，"
        f"共计{facts.get('total_unpaid', '0')}元，"
        f"其中单个劳动者最高{facts.get('largest_unpaid', '0')}元。"
    )
    document.add_paragraph(
        f"责令支付：{_date(case.order_issued_on)}下达限期改正指令书，限于{_date(case.order_due)}"
        "前支付，逾期仍未支付。"
    )
    kinds = [Evasion.Kind(kind).label for kind in facts.get("evasions", [])]
    if kinds:
        document.add_paragraph("逃避支付情形：" + "；".join(str(k) for k in kinds) + "。")
    document.add_paragraph("案件基本情况：" + referral.report)
    document.add_paragraph("附件：")
    items = referral.items or [str(i) for i in Referral.REQUIRED_ITEMS]
    for n, item in enumerate(items, 1):
        document.add_paragraph(f"{n}. {Referral.Item(item).label}")
    document.add_paragraph("（印章）")
    sent = timezone.localtime(referral.sent_at).date() if referral.sent_at else None
    document.add_paragraph(_date(sent))
    if referral.prosecutor_copied:
        document.add_paragraph(f"抄送：{referral.prosecutor_copied}")
    return document


def _evidence_list(referral: Referral) -> docx.document.Document:
    case = referral.case
    document = docx.Document()
    document.add_heading(KINDS[EVIDENCE_LIST], level=1)
    document.add_paragraph(f"{case.number}　{case.respondent.name}　{referral.number}")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ("序号", "证据名称", "日期", "说明"), strict=True):
        cell.text = text
    rows: list[tuple[str, str, str]] = [
        (str(d.get_kind_display()), _date(timezone.localtime(d.created_at).date()), d.number)
        for d in document_list(case=case)
    ]
    rows.append(
        (
            "劳动报酬欠付明细",
            _date(referral.proposed_on),
            f"{case.worker_count}名劳动者（名单随案卷移送）",
        )
    )
    for evasion in case.evasions.prefetch_related("files"):
        files = "、".join(f.original_name for f in evasion.files.all()) or "—"
        rows.append((str(evasion.get_kind_display()), _date(evasion.observed_on), files))
    for n, (name, day, note) in enumerate(rows, 1):
        cells = table.add_row().cells
        for cell, text in zip(cells, (str(n), name, day, note), strict=True):
            cell.text = text
    return document


def referral_document(*, referral: Referral, kind: str, actor: Actor) -> bytes:
    """The transfer letter or the evidence list as DOCX, checked for informants."""
    if not can(actor, Perm.CASE_VIEW):
        raise Forbidden(_("Your role does not allow this."))
    built = _letter(referral) if kind == LETTER else _evidence_list(referral)
    output = io.BytesIO()
    built.save(output)
    data = output.getvalue()
    case = referral.case
    people = [c.worker.name for c in case.claims.select_related("worker")]
    informant_disclosure_check(document_text(data), informants=case_informants(case), people=people)
    audit_event_record(
        actor=actor,
        action="referral.document",
        obj=referral,
        after={"kind": kind, "number": referral.number},
    )
    return data


# --- the blacklist's documents (45号令) ------------------------------------------------------

Kind = Document.Kind
# The documents are in Chinese whatever the reader's language.
ROLES_ZH = {
    "legal_representative": "法定代表人",
    "principal": "主要负责人",
    "controller": "实际控制人",
    "responsible": "直接负责的主管人员或其他直接责任人员",
}
GROUNDS_ZH = {
    "threshold": "拖欠农民工工资数额达到认定拒不支付劳动报酬罪数额标准",
    "incident": "因拖欠农民工工资引发群体性事件、极端事件造成严重不良社会影响",
}


def _cn_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "＿＿＿＿年＿＿月＿＿日"


def _head(document: docx.document.Document, title: str, number: str) -> None:
    page_a4(document)
    document.add_heading(settings.QINGLING_BUREAU_NAME, level=2)
    document.add_heading(title, level=1)
    document.add_paragraph(number)


def _party(listing: Listing) -> str:
    organization = listing.organization
    return f"{organization.name}（统一社会信用代码：{organization.credit_code or '—'}）"


def _foot(document: docx.document.Document, day: dt.date) -> None:
    document.add_paragraph(
        f"联系地址：{settings.QINGLING_BUREAU_ADDRESS}　联系电话：{settings.QINGLING_BUREAU_PHONE}"
    )
    document.add_paragraph(f"{settings.QINGLING_BUREAU_NAME}（印章）")
    document.add_paragraph(_cn_date(day))


def _notice(listing: Listing, number: str, defence_days: int) -> docx.document.Document:
    document = docx.Document()
    _head(document, str(Kind.LISTING_NOTICE.label), number)
    document.add_paragraph(f"{_party(listing)}：")
    document.add_paragraph(
        f"经查，你单位在{listing.case.number}号案件中，经我局责令限期支付拖欠的农民工工资，"
        "逾期仍未支付。" + listing.reason
    )
    document.add_paragraph(
        f"以上事实符合《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条（"
        f"{GROUNDS_ZH[listing.ground]}）规定的情形。依据《保障农民工工资支付条例》第四十八条和"
        "该办法的规定，我局拟将你单位及你单位的法定代表人或者主要负责人、直接负责的主管人员和其他"
        "直接责任人员列入拖欠农民工工资失信联合惩戒对象名单，期限3年，并在政府采购、招标投标、"
        "融资贷款、市场准入、税收优惠、评优评先、交通出行等方面依法依规予以限制。"
    )
    document.add_paragraph(
        f"根据规定，你单位享有陈述、申辩的权利。你单位可在收到本告知书之日起{defence_days}个工作日内"
        "向我局提出书面陈述、申辩意见；逾期未提出的，视为放弃陈述、申辩权利。"
    )
    _foot(document, clock.local_today())
    return document


def _person_line(row: ListingPerson) -> str:
    masked = row.person.id_number_masked or "—"
    return f"{row.person.name}（{ROLES_ZH[row.role]}，身份证号码：{masked}）"


def _decision(listing: Listing, persons: Sequence[ListingPerson]) -> docx.document.Document:
    document = docx.Document()
    _head(document, str(Kind.LISTING_DECISION.label), listing.number)
    document.add_paragraph(f"当事人：{_party(listing)}")
    for row in persons:
        document.add_paragraph(f"一并列入人员：{_person_line(row)}")
    document.add_paragraph(
        f"经查，你单位在{listing.case.number}号案件中，经我局责令限期支付拖欠的农民工工资，"
        "逾期仍未支付。" + listing.reason
    )
    served = _cn_date(listing.notice_served_on)
    if listing.defence_waived_on:
        waived = _cn_date(listing.defence_waived_on)
        defence = f"我局于{served}向你单位送达告知书，你单位于{waived}书面放弃陈述、申辩。"
    elif listing.defence_statement:
        adopted = "予以采纳" if listing.defence_adopted else "不予采纳"
        defence = (
            f"我局于{served}向你单位送达告知书，你单位于{_cn_date(listing.defence_received_on)}提出"
            f"陈述、申辩。经复核，{adopted}，理由是：{listing.defence_answer}"
        )
    else:
        defence = f"我局于{served}向你单位送达告知书，你单位在规定期限内未提出陈述、申辩。"
    document.add_paragraph(defence)
    document.add_paragraph(
        "依据《保障农民工工资支付条例》第四十八条和《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》"
        f"第五条（{GROUNDS_ZH[listing.ground]}）的规定，我局决定将你单位及上述人员列入拖欠农民工工资"
        f"失信联合惩戒对象名单，期限自{_cn_date(listing.listed_on)}起至{_cn_date(listing.ends_on)}止，"
        "并通过信用信息共享平台共享，由有关部门依法依规实施联合惩戒。"
    )
    document.add_paragraph(
        "你单位改正违法行为且自改正之日起被列入名单满6个月、作出书面守信承诺的，可以向我局申请提前移出。"
    )
    document.add_paragraph(
        "如不服本决定，可在收到本决定书之日起60日内依法申请行政复议，或者在6个月内依法向人民法院提起"
        "行政诉讼。"
    )
    _foot(document, listing.listed_on or clock.local_today())
    return document


def _removal(listing: Listing, number: str) -> docx.document.Document:
    document = docx.Document()
    _head(document, str(Kind.LISTING_REMOVAL.label), number)
    document.add_paragraph(f"{_party(listing)}：")
    document.add_paragraph(
        f"你单位于{_cn_date(listing.listed_on)}经我局{listing.number}决定列入拖欠农民工工资失信联合"
        f"惩戒对象名单。经核查，你单位已于{_cn_date(listing.repaid_on)}改正拖欠工资违法行为，自改正之日起"
        f"被列入名单已满6个月，并已作出书面守信承诺（{listing.commitment_note}）。"
    )
    document.add_paragraph(
        "依据《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》的规定，我局决定将你单位及一并列入的"
        f"人员自{_cn_date(listing.removed_on)}起提前移出失信联合惩戒对象名单，停止公示和联合惩戒，"
        "并通过信用信息共享平台告知有关部门。"
    )
    _foot(document, listing.removed_on or clock.local_today())
    return document


def _number_for(kind: str, year: int) -> tuple[str, int]:
    formats: dict[str, str] = {
        Kind.LISTING_NOTICE: settings.QINGLING_LISTING_NOTICE_NUMBER_FORMAT,
        Kind.LISTING_REMOVAL: settings.QINGLING_LISTING_REMOVAL_NUMBER_FORMAT,
    }
    start = timezone.make_aware(dt.datetime(year, 1, 1))  # noqa: DTZ001 (made aware here)
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))  # noqa: DTZ001
    seq = Document.objects.filter(kind=kind, created_at__gte=start, created_at__lt=end).count()
    while True:
        seq += 1
        number = str(formats[kind].format(year=year, seq=seq))
        if not Document.objects.filter(number=number).exists():
            return number, seq


def _store(
    listing: Listing, kind: str, build: docx.document.Document, number: str, actor: Actor
) -> Document:
    """Keep the built DOCX as the case's numbered document, after the informant check (it
    is served on the employer); audited on the listing."""
    output = io.BytesIO()
    build.save(output)
    data = output.getvalue()
    case = listing.case
    people = [c.worker.name for c in case.claims.select_related("worker")]
    informant_disclosure_check(document_text(data), informants=case_informants(case), people=people)
    digest = hashlib.sha256(data).hexdigest()
    document = Document(
        case=case,
        kind=kind,
        number=number,
        sha256=digest,
        generated_by_id=getattr(actor, "pk", None),
        issued_on=clock.local_today(),
    )
    document.file.save(f"{document.public_id}.docx", ContentFile(data), save=False)
    document.save()
    audit_event_record(
        actor=actor,
        action="listing.document",
        obj=listing,
        after={"kind": kind, "number": number, "sha256": digest},
    )
    return document


def listing_notice_build(*, listing: Listing, defence_days: int, actor: Actor) -> Document:
    """The notice of intended listing (告知书), numbered and stored; the caller holds the
    transaction. Two at once: the unique document number decides, the loser retries."""
    year = clock.local_today().year
    for _attempt in range(5):
        number, _seq = _number_for(Kind.LISTING_NOTICE, year)
        try:
            with transaction.atomic():
                return _store(
                    listing,
                    Kind.LISTING_NOTICE,
                    _notice(listing, number, defence_days),
                    number,
                    actor,
                )
        except IntegrityError:
            continue
    raise Conflict(_("Could not number the document; try again."), code="document_number_conflict")


def listing_decision_build(*, listing: Listing, actor: Actor) -> Document:
    """The decision (决定书), numbered with the listing's own number."""
    persons = list(listing.listed_persons.select_related("person"))
    return _store(
        listing, Kind.LISTING_DECISION, _decision(listing, persons), listing.number, actor
    )


def listing_removal_build(*, listing: Listing, actor: Actor) -> Document:
    """The early-removal decision (提前移出决定书), numbered in its own series."""
    year = clock.local_today().year
    for _attempt in range(5):
        number, _seq = _number_for(Kind.LISTING_REMOVAL, year)
        try:
            with transaction.atomic():
                return _store(
                    listing, Kind.LISTING_REMOVAL, _removal(listing, number), number, actor
                )
        except IntegrityError:
            continue
    raise Conflict(_("Could not number the document; try again."), code="document_number_conflict")
