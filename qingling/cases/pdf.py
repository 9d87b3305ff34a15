"""The printable PDF of a case document, made from the very DOCX that was generated.

The DOCX (python-docx, from the bureau's template) stays the editable original; the PDF
is its print copy: the body's paragraphs and tables in order, their alignment, bold and
size, the header and footer in the page margins, on A4 with the official margins.
WeasyPrint lays it out (HTML and CSS to PDF, with Pango for Chinese text shaping) with a
Chinese font from the system (fonts-wqy-zenhei or fonts-noto-cjk: README.md, .ci/run).
"""

import hashlib
import html
import io
from typing import Any

import docx
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from qingling.accounts.permissions import Perm, can
from qingling.cases.documents import A4_MARGINS_MM
from qingling.cases.models import Document
from qingling.cases.selectors import case_list_for_user
from qingling.core.exceptions import Forbidden
from qingling.core.services import Actor, audit_event_record

PDF_CONTENT_TYPE = "application/pdf"
FONTS = '"Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "SimSun", serif'
ALIGN = {
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
}


def _css_string(text: str) -> str:
    """A CSS string literal (for the page's header and footer)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def _paragraph(paragraph: Paragraph) -> str:
    classes = []
    if paragraph.alignment in ALIGN:
        classes.append(ALIGN[paragraph.alignment])
    parts = []
    for run in paragraph.runs:
        text = html.escape(run.text).replace("\n", "<br>")
        if not text:
            continue
        size = run.font.size.pt if run.font.size is not None else None
        if size is not None and size >= 16:
            text = f'<span class="large">{text}</span>'
        if run.bold:
            text = f"<strong>{text}</strong>"
        parts.append(text)
    body = "".join(parts) or "&nbsp;"
    attribute = f' class="{" ".join(classes)}"' if classes else ""
    return f"<p{attribute}>{body}</p>"


def _table(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells = "".join(
            "<td>" + "".join(_paragraph(p) for p in cell.paragraphs) + "</td>" for cell in row.cells
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table>{''.join(rows)}</table>"


def docx_html(data: bytes) -> str:
    """The DOCX as one HTML page for WeasyPrint."""
    document: Any = docx.Document(io.BytesIO(data))
    blocks = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            blocks.append(_paragraph(Paragraph(child, document)))
        elif child.tag == qn("w:tbl"):
            blocks.append(_table(Table(child, document)))
    section = document.sections[0]
    header = "\n".join(p.text for p in section.header.paragraphs if p.text.strip())
    footer = "\n".join(p.text for p in section.footer.paragraphs if p.text.strip())
    margins = A4_MARGINS_MM
    style = f"""
@page {{
  size: A4;
  margin: {margins["top"]}mm {margins["right"]}mm {margins["bottom"]}mm {margins["left"]}mm;
  @top-center {{ content: {_css_string(header)}; font-size: 9pt; }}
  @bottom-center {{ content: {_css_string(footer)}; font-size: 9pt; }}
}}
body {{ font-family: {FONTS}; font-size: 12pt; line-height: 1.6; }}
p {{ margin: 0 0 4pt; }}
.center {{ text-align: center; }} .right {{ text-align: right; }}
.justify {{ text-align: justify; }}
.large {{ font-size: 17pt; }}
table {{ width: 100%; border-collapse: collapse; margin: 4pt 0; }}
td {{ border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: top; }}
td p {{ margin: 0; }}
"""
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<style>{style}</style></head><body>{''.join(blocks)}</body></html>"
    )


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF print copy of a DOCX (see the module's docstring)."""
    from weasyprint import HTML  # loads Pango: only when a PDF is made

    return bytes(HTML(string=docx_html(data)).write_pdf())


def document_pdf(*, document: Document, actor: Actor) -> bytes:
    """The document's PDF print copy: made from its stored DOCX the first time it is asked
    for, then kept beside it with its SHA-256 (the making is audited on the case)."""
    case = document.case
    if not (can(actor, Perm.CASE_VIEW) and case_list_for_user(user=actor).filter(pk=case.pk)):
        raise Forbidden(_("You cannot see this case."))
    if document.pdf:
        with document.pdf.open("rb") as stored:
            return bytes(stored.read())
    with document.file.open("rb") as stored:
        data = docx_to_pdf(stored.read())
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        document.pdf.save(f"{document.public_id}.pdf", ContentFile(data), save=False)
        document.pdf_sha256 = digest
        document.save(update_fields=["pdf", "pdf_sha256", "updated_at"])
        audit_event_record(
            actor=actor,
            action="case.document_pdf",
            obj=case,
            after={"document": document.number, "sha256": digest},
        )
    return data
