"""Build the default document templates (文书模板) shipped with Qingling.

Run once after changing this file, and commit the .docx files it writes:

    .venv/bin/python -m qingling.cases.doc_templates.build

Each template is an ordinary Word document that a bureau may open, restyle and
replace (``QINGLING_DOCUMENT_TEMPLATE_DIR`` points to the bureau's own folder).
Placeholders are ``{{name}}``; ``qingling.cases.documents`` fills them in paragraphs,
table cells, headers and footers, and replaces a paragraph holding only
``{{workers_table}}`` with a table of the workers and their amounts.

The text below is the content of the documents (Chinese legal forms), not
interface text, so it is not translated.

Templates for documents served on the employer (询问通知书, 限期改正指令书,
行政处理决定书) have no placeholder for complainants: the informant is never named
in them (劳动保障监察条例 Art. 9). Only the internal approval forms have
``{{complainants}}``.
"""

import datetime as dt
import sys
from pathlib import Path

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent
BUREAU = "{{bureau_name}}"  # QINGLING_BUREAU_NAME, filled in when a document is generated
SEAL = "（印章）"  # where the bureau's seal goes on the printed copy
FIXED_TIME = dt.datetime(2021, 3, 1, tzinfo=dt.UTC)  # reproducible files


def _base(title: str) -> DocxDocument:
    document = new_document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(12)
    r_pr = normal.element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    properties = document.core_properties
    properties.title = title
    properties.author = BUREAU
    properties.last_modified_by = BUREAU
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME
    properties.revision = 1
    properties.comments = ""
    section = document.sections[0]  # A4 portrait, GB/T 9704 margins
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    header = section.header.paragraphs[0]
    header.text = "{{bureau_name}}　地址：{{bureau_address}}　电话：{{bureau_phone}}"
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "{{document_number}}　案件编号：{{case_number}}"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(BUREAU)
    run.bold = True
    run.font.size = Pt(16)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(18)
    number = document.add_paragraph("{{document_number}}")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def _form(document: DocxDocument, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[0].paragraphs[0].runs[0].bold = True
        cells[1].text = value


def _signature(document: DocxDocument, *lines: str) -> None:
    for line in lines:
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def opening_approval() -> DocxDocument:
    document = _base("劳动保障监察立案审批表")
    _form(
        document,
        [
            ("案件编号", "{{case_number}}"),
            ("被投诉（举报）单位", "{{respondent}}"),
            ("统一社会信用代码", "{{respondent_credit_code}}"),
            ("单位地址", "{{respondent_address}}"),
            ("工程项目", "{{project}}"),
            ("所属区域", "{{division}}"),
            ("案件来源", "{{complainants}}"),
            ("涉及劳动者", "{{worker_count}}人，诉求金额合计{{total_claimed}}元"),
            ("案情摘要", "{{facts}}"),
            ("承办监察员", "{{inspectors}}"),
            ("立案日期", "{{opened_on}}"),
            ("调查终结期限", "{{investigation_due}}"),
            ("立案依据", "{{legal_basis}}"),
            ("承办人意见", "{{opinion}}"),
            ("负责人审批意见", ""),
        ],
    )
    document.add_paragraph("劳动者诉求明细：")
    document.add_paragraph("{{workers_table}}")
    _signature(document, "填表日期：{{date}}")
    return document


def inquiry_notice() -> DocxDocument:
    document = _base("劳动保障监察询问通知书")
    document.add_paragraph("{{respondent}}：")
    document.add_paragraph(
        "　　本局在劳动保障监察中发现，你单位涉嫌拖欠劳动者工资（工程项目：{{project}}；"
        "涉及劳动者{{worker_count}}名，金额{{total_due}}元）。根据{{legal_basis}}，请你单位"
        "法定代表人（主要负责人）或者委托代理人于{{inquiry_time}}到{{inquiry_place}}接受询问"
        "调查，并携带以下材料："
    )
    document.add_paragraph("{{materials}}")
    document.add_paragraph(
        "　　委托代理人须持授权委托书及身份证明。无正当理由拒不到场接受询问或者拒不提供材料的，"
        "本局将依法处理。"
    )
    _signed_by_the_bureau(document)
    return document


def _rights(document: DocxDocument) -> None:
    """The review and suit a decision states (监察条例 Art. 19; 行政复议法 Art. 20,
    行政诉讼法 Art. 46), naming the review organ and the court."""
    document.add_paragraph(
        "　　如不服本决定，可以在收到本决定书之日起六十日内向{{review_organ}}申请行政复议，"
        "或者在六个月内向{{court}}提起行政诉讼。逾期不申请行政复议、不提起行政诉讼又不履行的，"
        "本局将依法申请人民法院强制执行。"
    )


def _signed_by_the_bureau(document: DocxDocument) -> None:
    """The inspectors by name and card number, then the bureau's seal and the date."""
    document.add_paragraph("劳动保障监察员：{{inspectors}}")
    _signature(document, f"{BUREAU}{SEAL}", "{{date}}")


def order() -> DocxDocument:
    document = _base("劳动保障监察限期改正指令书")
    document.add_paragraph("{{respondent}}（统一社会信用代码：{{respondent_credit_code}}）：")
    document.add_paragraph(
        "　　经调查，你单位存在拖欠劳动者工资的违法行为（工程项目：{{project}}）。{{facts}}"
    )
    document.add_paragraph(
        "　　根据{{legal_basis}}，现责令你单位自收到本指令书之日起{{order_days}}个工作日内"
        "改正，向下列劳动者支付拖欠的工资共计{{total_due}}元（已支付{{total_paid}}元，"
        "尚欠{{total_outstanding}}元）："
    )
    document.add_paragraph("{{workers_table}}")
    document.add_paragraph(
        "　　逾期不支付的，本局将依照《劳动保障监察条例》第二十六条责令你单位按应付金额"
        "百分之五十以上一倍以下的标准计算，向劳动者加付赔偿金；符合条件的，依法列入拖欠农民工"
        "工资失信联合惩戒对象名单；涉嫌拒不支付劳动报酬罪的，依法移送公安机关。"
    )
    _signed_by_the_bureau(document)
    return document


def decision() -> DocxDocument:
    document = _base("劳动保障监察行政处理决定书")
    document.add_paragraph("当事人：{{respondent}}")
    document.add_paragraph("统一社会信用代码：{{respondent_credit_code}}")
    document.add_paragraph("地址：{{respondent_address}}")
    document.add_paragraph(
        "　　经调查，你单位存在拖欠劳动者工资的违法行为（工程项目：{{project}}）。{{facts}}"
    )
    document.add_paragraph("　　{{defence_answer}}")
    document.add_paragraph("　　处理依据：{{legal_basis}}。")
    document.add_paragraph(
        "　　本局决定：你单位应于{{payment_due}}向下列劳动者支付拖欠的工资共计"
        "{{total_due}}元（已支付{{total_paid}}元，尚欠{{total_outstanding}}元）{{compensation_text}}："
    )
    document.add_paragraph("{{workers_table}}")
    _rights(document)
    _signed_by_the_bureau(document)
    return document


def hearing_notice() -> DocxDocument:
    """事先告知书 (行政处罚法 Arts. 44–45, 63–64; 监察条例 Art. 19)."""
    document = _base("劳动保障监察行政处理（处罚）事先告知书")
    document.add_paragraph("{{respondent}}（统一社会信用代码：{{respondent_credit_code}}）：")
    document.add_paragraph(
        "　　经调查，你单位存在拖欠劳动者工资的违法行为（工程项目：{{project}}）。{{facts}}"
    )
    document.add_paragraph(
        "　　本局已于{{order_served_on}}向你单位送达限期改正指令书，"
        "责令于{{order_due}}前支付，你单位逾期未支付。"
    )
    document.add_paragraph("　　根据{{legal_basis}}，本局拟作出如下决定：{{intended}}")
    document.add_paragraph("{{workers_table}}")
    document.add_paragraph(
        "　　根据《中华人民共和国行政处罚法》第四十五条，你单位有权进行陈述和申辩。请于收到本"
        "告知书之日起{{defence_days}}个工作日内向本局提出书面陈述、申辩意见；逾期未提出的，视为"
        "放弃陈述和申辩的权利。{{hearing_right}}"
    )
    document.add_paragraph("　　联系地址：{{bureau_address}}　联系电话：{{bureau_phone}}")
    _signed_by_the_bureau(document)
    return document


def penalty_decision() -> DocxDocument:
    """行政处罚决定书 (行政处罚法 Art. 59)."""
    document = _base("劳动保障监察行政处罚决定书")
    document.add_paragraph("当事人：{{respondent}}")
    document.add_paragraph("统一社会信用代码：{{respondent_credit_code}}")
    document.add_paragraph("地址：{{respondent_address}}")
    document.add_paragraph(
        "　　经调查，你单位存在以下违法行为（工程项目：{{project}}）：{{fine_offence}}。{{facts}}"
    )
    document.add_paragraph("　　{{defence_answer}}")
    document.add_paragraph(
        "　　根据{{fine_source}}及{{legal_basis}}，本局决定对你单位处以罚款"
        "人民币{{fine_amount}}元。"
    )
    document.add_paragraph(
        "　　你单位应当自收到本决定书之日起十五日内，到指定银行或者通过电子支付系统缴纳罚款。"
        "到期不缴纳的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额。"
    )
    _rights(document)
    _signed_by_the_bureau(document)
    return document


def enforcement_reminder() -> DocxDocument:
    """催告书 (行政强制法 Arts. 35, 54)."""
    document = _base("履行行政决定催告书")
    document.add_paragraph("{{respondent}}（统一社会信用代码：{{respondent_credit_code}}）：")
    document.add_paragraph(
        "　　本局作出的{{decision_numbers}}已依法送达你单位。你单位在法定期限内未申请行政复议或者"
        "提起行政诉讼，又未履行决定，尚未履行的内容为：{{unperformed}}"
    )
    document.add_paragraph(
        "　　根据{{legal_basis}}，现催告你单位自收到本催告书之日起{{reminder_days}}个工作日内"
        "履行上述义务。你单位有权进行陈述和申辩。逾期仍不履行的，本局将依法申请人民法院强制执行。"
    )
    _signed_by_the_bureau(document)
    return document


def closing_approval() -> DocxDocument:
    document = _base("劳动保障监察结案审批表")
    _form(
        document,
        [
            ("案件编号", "{{case_number}}"),
            ("被投诉（举报）单位", "{{respondent}}"),
            ("统一社会信用代码", "{{respondent_credit_code}}"),
            ("工程项目", "{{project}}"),
            ("案件来源", "{{complainants}}"),
            ("立案日期", "{{opened_on}}"),
            ("承办监察员", "{{inspectors}}"),
            ("涉及劳动者", "{{worker_count}}人"),
            ("应付工资合计", "{{total_due}}元"),
            ("已支付", "{{total_paid}}元"),
            ("尚欠", "{{total_outstanding}}元"),
            ("处理结果", "{{outcome}}"),
            ("结案说明", "{{closing_note}}"),
            ("承办人意见", "{{opinion}}"),
            ("负责人审批意见", ""),
        ],
    )
    document.add_paragraph("劳动者工资清偿明细：")
    document.add_paragraph("{{workers_table}}")
    _signature(document, "填表日期：{{date}}")
    return document


def service_receipt() -> DocxDocument:
    """送达回证: the proof of service the recipient signs; not a numbered case document."""
    document = _base("送达回证")
    _form(
        document,
        [
            ("送达文书", "{{served_document}}"),
            ("文书编号", "{{served_number}}"),
            ("受送达人", "{{recipient}}"),
            ("送达方式", "{{method}}"),
            ("送达地点", "{{place}}"),
            ("送达日期", "{{served_on}}"),
            ("视为送达日期", "{{effective_on}}"),
            ("送达人", "{{served_by}}"),
            ("见证人", "{{witnesses}}"),
            ("邮件单号", "{{tracking_number}}"),
            ("受送达人签名（盖章）", ""),
            ("签收日期", ""),
            ("备注", "{{notes}}"),
        ],
    )
    _signature(document, f"{BUREAU}{SEAL}", "{{date}}")
    return document


def inquiry_record() -> DocxDocument:
    """询问笔录: printed for the person asked and the inspectors to sign."""
    document = _base("劳动保障监察询问笔录")
    _form(
        document,
        [
            ("案件编号", "{{case_number}}"),
            ("询问时间", "{{time_span}}"),
            ("询问地点", "{{place}}"),
            ("被询问人", "{{subject}}"),
            ("工作单位", "{{subject_unit}}"),
            ("询问人", "{{inspectors}}"),
            ("记录人", "{{recorded_by}}"),
        ],
    )
    document.add_paragraph(
        "　　我们是{{bureau_name}}的劳动保障监察员，已向你出示执法证件。依照《劳动保障监察条例》"
        "第十五条，你应当如实回答询问、如实提供有关材料；你认为询问人员与本案有利害关系的，"
        "有权申请回避。"
    )
    document.add_paragraph("{{qa}}")
    document.add_paragraph("　　以上笔录已交被询问人阅读（或向其宣读），与所述一致。")
    _signature(
        document,
        "被询问人签名：　　　　　　　　年　　月　　日",
        "询问人签名：　　　　　　　　年　　月　　日",
        "记录人签名：　　　　　　　　年　　月　　日",
    )
    return document


def inspection_record() -> DocxDocument:
    """现场检查笔录: printed for the employer's person present and the inspectors to sign."""
    document = _base("劳动保障监察现场检查笔录")
    _form(
        document,
        [
            ("案件编号", "{{case_number}}"),
            ("检查时间", "{{time_span}}"),
            ("检查地点", "{{place}}"),
            ("被检查单位", "{{respondent}}"),
            ("现场负责人", "{{subject}}"),
            ("检查人员", "{{inspectors}}"),
            ("记录人", "{{recorded_by}}"),
        ],
    )
    document.add_paragraph("　　检查人员已出示执法证件，说明检查依据和来意。现场检查情况如下：")
    document.add_paragraph("{{findings}}")
    document.add_paragraph("现场询问：")
    document.add_paragraph("{{qa}}")
    document.add_paragraph("　　以上笔录已交现场负责人阅读（或向其宣读），与检查情况一致。")
    _signature(
        document,
        "被检查单位现场负责人签名：　　　　　　　　年　　月　　日",
        "检查人员签名：　　　　　　　　年　　月　　日",
    )
    return document


BUILDERS = {
    "opening_approval": opening_approval,
    "inquiry_notice": inquiry_notice,
    "order": order,
    "decision": decision,
    "closing_approval": closing_approval,
    "service_receipt": service_receipt,
    "inquiry_record": inquiry_record,
    "inspection_record": inspection_record,
    "hearing_notice": hearing_notice,
    "penalty_decision": penalty_decision,
    "enforcement_reminder": enforcement_reminder,
}


def main(target: Path = HERE) -> list[Path]:
    written = []
    for kind, build in BUILDERS.items():
        path = target / f"{kind}.docx"
        build().save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        sys.stdout.write(f"{path}\n")
