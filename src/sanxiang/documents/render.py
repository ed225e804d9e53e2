"""Rendering a composed document to PDF (archival) and DOCX (what agencies edit).

Both draw the same blocks (`compose.Composed.content`). The PDF embeds its own font (`core.pdf`) and,
for an issued version, prints the content hash and a QR code linking to the public verification
page, so a printed copy can be checked against the record. Output is deterministic: the same
content renders to the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from sanxiang.core import pdf as fonts

# Page and type sizes after GB/T 9704-2012 (A4; margins ~37/35 mm top/bottom, 28/26 mm sides),
# scaled to the smaller body type enforcement documents use.
BODY_PT = 12
TITLE_PT = 20
AGENCY_PT = 16


@dataclass(frozen=True)
class Seal:
    """What an issued version prints at its foot: hash, where to verify, the record entry."""

    sha256: str
    url: str
    entry_seq: int | None = None
    version: int = 1


# --- PDF ------------------------------------------------------------------------------------------


def _styles():
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    font = fonts.pdf_font()
    base = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=BODY_PT,
        leading=BODY_PT * 1.75,
        firstLineIndent=BODY_PT * 2,
        alignment=TA_JUSTIFY,
        wordWrap="CJK",
    )
    return {
        "body": base,
        "plain": ParagraphStyle("plain", parent=base, firstLineIndent=0),
        "cell": ParagraphStyle("cell", parent=base, firstLineIndent=0, fontSize=10.5, leading=15),
        "heading": ParagraphStyle(
            "heading", parent=base, firstLineIndent=0, fontSize=BODY_PT + 1, spaceBefore=6, spaceAfter=2
        ),
        "agency": ParagraphStyle(
            "agency",
            parent=base,
            firstLineIndent=0,
            fontSize=AGENCY_PT,
            leading=AGENCY_PT * 1.6,
            alignment=TA_CENTER,
        ),
        "number": ParagraphStyle("number", parent=base, firstLineIndent=0, alignment=TA_RIGHT, spaceAfter=8),
        "right": ParagraphStyle("right", parent=base, firstLineIndent=0, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=base, firstLineIndent=0, fontSize=7.5, leading=10),
    }


def _p(text: str, style):
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _bold_title(text: str):
    """The title in heavier strokes: one font face, filled and stroked (render mode 2)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable

    class Title(Flowable):
        def wrap(self, available_width, available_height):
            self.width = available_width
            return available_width, TITLE_PT * 1.9 + 2 * mm

        def draw(self):
            canvas = self.canv
            canvas.saveState()
            canvas.setFont(fonts.pdf_font(), TITLE_PT)
            canvas.setLineWidth(0.45)
            canvas._code.append("2 Tr")
            canvas.drawCentredString(self.width / 2, TITLE_PT * 0.6, text)
            canvas.restoreState()

    return Title()


def _qr_flowable(url: str, size_mm: float = 24):
    import segno
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable

    matrix = [list(row) for row in segno.make(url, error="m", micro=False).matrix]

    class QR(Flowable):
        def wrap(self, *_):
            return size_mm * mm, size_mm * mm

        def draw(self):
            count = len(matrix) + 8  # quiet zone of four modules each side
            cell = size_mm * mm / count
            top = size_mm * mm - 4 * cell
            self.canv.setFillColorRGB(0, 0, 0)
            for r, row in enumerate(matrix):
                for c, dark in enumerate(row):
                    if dark:
                        self.canv.rect((c + 4) * cell, top - (r + 1) * cell, cell, cell, stroke=0, fill=1)

    return QR()


def _table(rows, widths, styles, header: bool = False):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    data = [[_p(cell, styles["cell"]) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)))
    table.setStyle(TableStyle(commands))
    return table


def _blocks(content: dict[str, Any], styles, width: float) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    story: list = []
    for block in content["blocks"]:
        if block.get("heading"):
            story.append(_p(block["heading"], styles["heading"]))
        if block["type"] == "text":
            style = styles["plain"] if block.get("indent") is False else styles["body"]
            story += [_p(text, style) for text in block["paragraphs"]]
        elif block["type"] == "fields" and block["rows"]:
            story += [_table(block["rows"], [width * 0.26, width * 0.74], styles), Spacer(1, 3 * mm)]
        elif block["type"] == "table":
            columns = block["columns"] or [""]
            rows = [columns, *block["rows"]] if block["rows"] else [columns, [""] * len(columns)]
            story += [
                _table(rows, [width / len(columns)] * len(columns), styles, header=True),
                Spacer(1, 3 * mm),
            ]
        elif block["type"] == "signature":
            story.append(
                KeepTogether(
                    [
                        Spacer(1, 10 * mm),
                        _p(block["agency"], styles["right"]),
                        _p("（印章）", styles["right"]),
                        _p(block["date"], styles["right"]),
                    ]
                )
            )
    return story


def _seal_block(seal: Seal, styles, width: float):
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    lines = [
        "本文书已存入执法全过程记录，可扫描二维码或访问下列地址核验：",
        seal.url,
        f"文书内容哈希（SHA-256）：{seal.sha256}",
        f"版本：第{seal.version}版" + (f"　记录条目：#{seal.entry_seq}" if seal.entry_seq else ""),
    ]
    text = _p("\n".join(lines), styles["small"])
    table = Table([[_qr_flowable(seal.url), text]], colWidths=[28 * mm, width - 28 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return KeepTogether([Spacer(1, 8 * mm), table])


def pdf(content: dict[str, Any], seal: Seal | None = None) -> bytes:
    """The PDF of `content`; drafts (no `seal`) carry a 草稿 watermark instead of hash and QR."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=28 * mm,
        title=f"{content['title']} {content.get('number', '')}".strip(),
        author=content.get("agency", ""),
        subject=content.get("case", ""),
        creator="Sanxiang",
        invariant=1,
    )
    width = doc.width
    story = [_p(content.get("agency", ""), styles["agency"]), _bold_title(content["title"])]
    if content.get("number"):
        story.append(_p(content["number"], styles["number"]))
    story += _blocks(content, styles, width)
    if seal is not None:
        story.append(_seal_block(seal, styles, width))

    def decorate(canvas, document):
        canvas.saveState()
        canvas.setFont(fonts.pdf_font(), 8)
        footer = f"第 {document.page} 页"
        if seal is not None:
            footer = f"{content.get('number') or content['title']}　哈希 {seal.sha256[:16]}…　" + footer
        canvas.drawCentredString(A4[0] / 2, 14 * mm, footer)
        if seal is None:
            canvas.setFillColorRGB(0.85, 0.85, 0.85)
            canvas.setFont(fonts.pdf_font(), 60)
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, "草稿　未出具")
        canvas.restoreState()

    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


# --- DOCX -----------------------------------------------------------------------------------------

# Fonts of Chinese official documents (GB/T 9704): body 仿宋, title 小标宋 (宋体 where absent).
DOCX_BODY_FONT = "仿宋"
DOCX_TITLE_FONT = "宋体"


def _east_asian(run, name: str) -> None:
    from docx.oxml.ns import qn

    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def _para(document, text: str, *, size=BODY_PT, align=None, indent=True, bold=False, font=DOCX_BODY_FONT):
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing = 1.5
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    _east_asian(run, font)
    return paragraph


def _docx_table(document, rows: list[list[str]], header: bool = False) -> None:
    from docx.shared import Pt

    if not rows:
        return
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = ""
            run = cell.paragraphs[0].add_run(value)
            run.font.size = Pt(10.5)
            run.bold = header and r == 0
            _east_asian(run, DOCX_BODY_FONT)
    document.add_paragraph()


def docx(content: dict[str, Any], seal: Seal | None = None) -> bytes:
    """The editable DOCX of `content` (opens in Word, WPS and LibreOffice)."""
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Docx()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    props = document.core_properties
    props.title, props.author, props.subject = (
        content["title"],
        content.get("agency", ""),
        content.get("case", ""),
    )
    _para(document, content.get("agency", ""), size=AGENCY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(
        document,
        content["title"],
        size=TITLE_PT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        bold=True,
        font=DOCX_TITLE_FONT,
    )
    if content.get("number"):
        _para(document, content["number"], align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    for block in content["blocks"]:
        if block.get("heading"):
            _para(document, block["heading"], size=BODY_PT + 1, indent=False, bold=True)
        if block["type"] == "text":
            for text in block["paragraphs"]:
                _para(document, text, indent=block.get("indent", True))
        elif block["type"] == "fields":
            _docx_table(document, block["rows"])
        elif block["type"] == "table":
            _docx_table(
                document, [block["columns"], *block["rows"]] if block["columns"] else block["rows"], True
            )
        elif block["type"] == "signature":
            document.add_paragraph()
            for line in (block["agency"], "（印章）", block["date"]):
                _para(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text = f"文书内容哈希（SHA-256）：{seal.sha256}　核验：{seal.url}" if seal else "草稿　未出具"
    run = footer.add_run(text)
    run.font.size = Pt(7.5)
    _east_asian(run, DOCX_BODY_FONT)
    if seal is not None:
        import segno

        image = io.BytesIO()
        segno.make(seal.url, error="m", micro=False).save(image, kind="png", scale=4, border=2)
        image.seek(0)
        document.add_picture(image, width=Mm(24))
    out = io.BytesIO()
    document.save(out)
    return _deterministic_zip(out.getvalue())


def _deterministic_zip(data: bytes) -> bytes:
    """python-docx stamps the current time into the zip entries; fix it so equal content gives
    equal bytes."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render(content: dict[str, Any], fmt: str, seal: Seal | None = None) -> bytes:
    if fmt == "pdf":
        return pdf(content, seal)
    if fmt == "docx":
        return docx(content, seal)
    raise ValueError(fmt)
