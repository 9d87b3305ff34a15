"""The transfer's documents (310号令 Art. 6): the transfer letter (涉嫌犯罪案件移送书) and
the evidence list (证据清单), as DOCX built here from the transfer's record — a simple
layout of this app's own, not the case documents' templates.

Both leave the bureau, so each is scanned with the case documents' informant check
(劳动保障监察条例 Art. 9, ``cases.documents.informant_disclosure_check``) before it is
given out: no worker is named in them (the counts and amounts are), and a transfer report
that names an informant refuses the letter. Generating one is audited on the transfer.
"""

import io

import docx
from django.utils import timezone
from django.utils.translation import gettext as _

from qingling.accounts.permissions import Perm, can
from qingling.cases.documents import (
    case_informants,
    document_list,
    document_text,
    informant_disclosure_check,
)
from qingling.core.exceptions import Forbidden
from qingling.core.services import Actor, audit_event_record
from qingling.sanctions.models import Evasion, Referral

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
