"""The written notices to a complainant: their wording, and the DOCX and PDF made from it.

若干规定 Art. 18 wants the refusal in writing, with where to go instead; the acceptance
notice tells the worker the complaint is taken up and how to follow it. The wording is
fixed when the decision is taken (``notice_body``, stored on the notice); the DOCX
(python-docx, A4 with the official margins, as the case documents) and the PDF
(WeasyPrint, the same fonts as ``cases.pdf``) are drawn from it. Intake does not import
the cases app, so this is intake's own small generator in the same shape.
"""

import datetime as dt
import html
import io
from typing import Any

import docx
from django.conf import settings
from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from qingling.intake.lifecycle import ComplaintStatus, NotAcceptedReason
from qingling.intake.models import Complaint, Notice

A4_MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
FONTS = '"Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "SimSun", serif'
NUMBER_PREFIX: dict[str, str] = {Notice.Kind.ACCEPTANCE: "SL", Notice.Kind.REFUSAL: "BSL"}

# Where a worker goes when this bureau does not take the complaint up. A wage dispute
# goes first to labour dispute arbitration; the court hears it only after arbitration
# (劳动争议调解仲裁法 Arts. 5, 50; 监察条例 Art. 21).
ARBITRATION = (
    "如属劳动争议，可向劳动人事争议仲裁委员会申请仲裁；对仲裁裁决不服的，"
    "可自收到裁决书之日起十五日内向人民法院提起诉讼（劳动争议须先经仲裁，方可起诉）。"
)
ROUTES: dict[str, str] = {
    NotAcceptedReason.TOO_OLD: ARBITRATION,
    NotAcceptedReason.NOT_REMIT: ARBITRATION,
    NotAcceptedReason.NOT_AREA: (
        "请向用人单位所在地或工作地的人力资源社会保障部门劳动保障监察机构投诉。"
    ),
    NotAcceptedReason.NO_EMPLOYER: "补齐用人单位名称、地址等信息后，可再次投诉。",
    NotAcceptedReason.NO_MATERIAL: "补齐所需材料后，可再次投诉。" + ARBITRATION,
    NotAcceptedReason.OTHER: ARBITRATION,
}
REASONS: dict[str, str] = {
    NotAcceptedReason.TOO_OLD: (
        "违法行为发生（或连续、继续状态终了）已超过两年（《劳动保障监察条例》第二十条）。"
    ),
    NotAcceptedReason.NO_EMPLOYER: "投诉未能明确被投诉的用人单位。",
    NotAcceptedReason.NOT_REMIT: "所反映事项不属于劳动保障监察的职责范围。",
    NotAcceptedReason.NOT_AREA: "所反映事项不属于本部门管辖。",
    NotAcceptedReason.NO_MATERIAL: "经告知补正，未在期限内补正材料。",
    NotAcceptedReason.OTHER: "",
}


def notice_kind_for(complaint: Complaint) -> str | None:
    """The notice a disposition calls for, if any: acceptance, or a refusal (not accepted,
    or referred to the competent body)."""
    if complaint.status == ComplaintStatus.ACCEPTED:
        return Notice.Kind.ACCEPTANCE
    if complaint.status in (ComplaintStatus.NOT_ACCEPTED, ComplaintStatus.REFERRED):
        return Notice.Kind.REFUSAL
    return None


def notice_number(complaint: Complaint, kind: str) -> str:
    return f"{NUMBER_PREFIX[kind]}-{complaint.number}"


def _date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def notice_body(complaint: Complaint, kind: str, *, issued_on: dt.date) -> dict[str, Any]:
    """The notice's wording, fixed at issue: title, addressee, paragraphs, signature."""
    bureau = settings.QINGLING_BUREAU_NAME
    received = _date(timezone.localdate(complaint.received_at))
    about = complaint.employer_name or "用人单位"
    if kind == Notice.Kind.ACCEPTANCE:
        title = "受理通知书"
        paragraphs = [
            f"你于{received}反映{about}拖欠工资一事（编号{complaint.number}），"
            "经审查，符合受理条件，本机关决定受理，并依法立案调查。",
            f"你可凭查询码 {complaint.query_code} 和投诉时留的手机号码，在网上查询办理进度。",
        ]
    else:
        title = "不予受理告知书"
        if complaint.status == ComplaintStatus.REFERRED:
            reason = "所反映事项不属于本机关管辖。"
            route = f"请向{complaint.referred_to}反映。"
        else:
            reason = REASONS.get(complaint.decision_reason, "")
            route = ROUTES.get(complaint.decision_reason, ARBITRATION)
        if complaint.decision_note.strip():
            reason = f"{reason}{complaint.decision_note.strip()}"
        paragraphs = [
            f"你于{received}反映{about}拖欠工资一事（编号{complaint.number}），"
            "经审查，本机关决定不予受理。",
            f"理由：{reason}",
            f"你可以：{route}",
        ]
    return {
        "title": title,
        "number": notice_number(complaint, kind),
        "addressee": complaint.contact_name or "投诉人",
        "paragraphs": paragraphs,
        "bureau": bureau,
        "date": _date(issued_on),
    }


def notice_docx(body: dict[str, Any]) -> bytes:
    """The notice as an A4 DOCX (the editable original)."""
    document: Any = docx.Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = Mm(A4_MARGINS_MM["top"])
        section.bottom_margin = Mm(A4_MARGINS_MM["bottom"])
        section.left_margin = Mm(A4_MARGINS_MM["left"])
        section.right_margin = Mm(A4_MARGINS_MM["right"])
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(body["title"])
    run.bold = True
    run.font.size = Pt(22)
    number = document.add_paragraph(body["number"])
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(f"{body['addressee']}：")
    for text in body["paragraphs"]:
        document.add_paragraph(f"　　{text}")
    for text in (body["bureau"], body["date"]):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def notice_html(body: dict[str, Any]) -> str:
    esc = html.escape
    margins = A4_MARGINS_MM
    style = (
        f"@page {{ size: A4; margin: {margins['top']}mm {margins['right']}mm "
        f"{margins['bottom']}mm {margins['left']}mm; }}"
        f"body {{ font-family: {FONTS}; font-size: 14pt; line-height: 1.8; }}"
        "h1 { text-align: center; font-size: 22pt; } .right { text-align: right; }"
        "p.text { text-indent: 2em; }"
    )
    paragraphs = "".join(f'<p class="text">{esc(text)}</p>' for text in body["paragraphs"])
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{style}</style>'
        f"</head><body><h1>{esc(body['title'])}</h1>"
        f'<p class="right">{esc(body["number"])}</p><p>{esc(body["addressee"])}：</p>'
        f'{paragraphs}<p class="right">{esc(body["bureau"])}</p>'
        f'<p class="right">{esc(body["date"])}</p></body></html>'
    )


def notice_pdf(body: dict[str, Any]) -> bytes:
    """The notice's PDF print copy."""
    from weasyprint import HTML  # loads Pango: only when a PDF is made

    return bytes(HTML(string=notice_html(body)).write_pdf())


# --- text messages to the worker ----------------------------------------------------------------


def text_message(template: str, fields: dict[str, Any], *, query_url: str, stop_url: str) -> str:
    """The text of a message about a complaint, in the city's language: what happened,
    where to follow it (the progress query, or the callback's own page) and, last, the
    worker's stop link (退订; 《通信短信息服务管理规定》: every message offers an easy
    opt-out, as the job messages do)."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override(settings.LANGUAGE_CODE):
        values = {**fields, "url": query_url}
        if template == "complaint_received":
            body = _(
                "Complaint %(number)s is received; we decide by %(due)s whether to take it "
                "up. Follow it with query code %(query_code)s: %(url)s"
            )
        elif template == "complaint_case_opened":
            body = _(
                "Case %(case)s is opened on your complaint %(number)s. Follow it with query "
                "code %(query_code)s: %(url)s"
            )
        elif template == "complaint_paid":
            body = _(
                "%(amount)s yuan was paid to you on %(paid_on)s in case %(case)s "
                "(complaint %(number)s). Query code %(query_code)s: %(url)s"
            )
        elif template == "complaint_material_reminder":
            body = _(
                "Complaint %(number)s: the material asked for is due by %(due)s. Query code "
                "%(query_code)s: %(url)s"
            )
        elif template == "complaint_callback":
            values["url"] = fields["url"]  # the callback page, not the query
            body = _("Complaint %(number)s is closed. Did the money arrive? One question: %(url)s")
        else:  # a decision: complaint_<status>
            status = template.removeprefix("complaint_")
            values["status"] = (
                str(ComplaintStatus(status).label) if status in ComplaintStatus.values else status
            )
            body = _(
                "Complaint %(number)s: %(status)s. The written notice and the progress are "
                "on the query page, query code %(query_code)s: %(url)s"
            )
        stop = _("To stop these messages: %(url)s") % {"url": stop_url}
        return f"{body % values}\n{stop}"
