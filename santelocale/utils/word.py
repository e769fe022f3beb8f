"""Word documents written fast (model-free): python-docx builds the package (styles, properties, footer);
the body is written as WordprocessingML text and parsed once, because creating tens of thousands of cells
through python-docx's objects takes seconds.

``WordWriter`` knows paragraphs, headings, bullet lists, tables and label | value tables; what a document
says is its caller's business (``plans.documents`` lays out the contract and the COPIL report with it).
"""

import io
from xml.sax.saxutils import escape

from santelocale.utils.text import clean

W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TWIPS_PER_CM = 567
TEXT_WIDTH_CM = 17  # A4 minus 2 cm margins


class WordWriter:
    """A Word document written paragraph by paragraph and table by table, with the template's styles
    (« Heading N » for the navigation pane, « Table Grid », lists, captions), in French (the text's
    language, not only the file's metadata), A4 with 2 cm margins and « page N / M » in the footer."""

    def __init__(self, title: str, subject: str, *, author: str = "", keywords: str = ""):
        from docx import Document
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        self.document = Document()
        self._parts: list[str] = []
        self._style_ids: dict[str, str] = {}
        properties = self.document.core_properties
        properties.title = title
        properties.subject = subject
        properties.language = "fr-FR"
        properties.author = author
        properties.keywords = keywords
        # The language of the text (spelling, screen readers), not only of the file's metadata.
        styles = self.document.styles.element
        r_pr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            r_pr.append(lang)
        lang.set(qn("w:val"), "fr-FR")
        self.document.styles["Normal"].font.size = Pt(10)
        section = self.document.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        footer = section.footer.paragraphs[0]
        footer.alignment = 1  # centred
        footer.add_run("page ")
        footer._p.append(self._field("PAGE"))
        footer.add_run(" / ")
        footer._p.append(self._field("NUMPAGES"))

    @staticmethod
    def _field(instruction: str):
        from docx.oxml import parse_xml

        return parse_xml(
            f'<w:fldSimple xmlns:w="{W_NAMESPACE}" w:instr="{instruction}">'
            "<w:r><w:t>1</w:t></w:r></w:fldSimple>"
        )

    def _style(self, name: str) -> str:
        if name not in self._style_ids:
            self._style_ids[name] = self.document.styles[name].style_id
        return self._style_ids[name]

    @staticmethod
    def _run(text: str, bold: bool = False) -> str:
        properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
        lines = clean(text).split("\n")
        body = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
        return f"<w:r>{properties}{body}</w:r>"

    def _paragraph(self, text: str, style: str | None = None, *, page_break: bool = False, bold=False) -> str:
        properties = ""
        if style or page_break:
            properties = "<w:pPr>"
            if style:
                properties += f'<w:pStyle w:val="{self._style(style)}"/>'
            if page_break:
                properties += "<w:pageBreakBefore/>"
            properties += "</w:pPr>"
        return f"<w:p>{properties}{self._run(text, bold)}</w:p>"

    def paragraph(self, text: str, style: str | None = None, *, page_break: bool = False) -> None:
        self._parts.append(self._paragraph(text, style, page_break=page_break))

    def heading(self, text: str, level: int, *, page_break: bool = False) -> None:
        self.paragraph(text, f"Heading {level}" if level else "Title", page_break=page_break)

    def bullets(self, items: list[str], style: str = "List Bullet") -> None:
        for item in items:
            self.paragraph(item, style)

    def _cell(self, width: int, lines: list[str], *, bold: bool = False) -> str:
        paragraphs = "".join(self._paragraph(line, bold=bold) for line in lines or [""])
        return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{paragraphs}</w:tc>'

    def _table(self, widths_cm: list[float], rows: list[str]) -> None:
        widths = [round(w * TWIPS_PER_CM) for w in widths_cm]
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        self._parts.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self._style("Table Grid")}"/>'
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
            'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
        )
        self._parts.append("<w:p/>")  # Word needs a paragraph between two tables

    def table(self, table, *, caption: bool = True) -> None:
        """A table (``caption``, ``header``, ``rows`` of texts) with a repeated header row (what screen
        readers announce as column headers)."""
        if caption:
            self.paragraph(table.caption, "Caption")
        width = TEXT_WIDTH_CM / len(table.header)
        widths = [width] * len(table.header)
        twips = [round(w * TWIPS_PER_CM) for w in widths]
        header = "".join(self._cell(w, [h], bold=True) for w, h in zip(twips, table.header, strict=True))
        rows = [f'<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>{header}</w:tr>']
        for values in table.rows:
            cells = "".join(self._cell(w, [v]) for w, v in zip(twips, values, strict=False))
            rows.append(f"<w:tr>{cells}</w:tr>")
        self._table(widths, rows)

    def fields(self, fields) -> None:
        """Label | value rows, from objects with ``label``, ``text`` and ``items`` (a value given as a list
        of items: one paragraph per item)."""
        widths = [4.5, TEXT_WIDTH_CM - 4.5]
        twips = [round(w * TWIPS_PER_CM) for w in widths]
        rows = [
            "<w:tr>"
            + self._cell(twips[0], [f.label], bold=True)
            + self._cell(twips[1], f.items or [f.text])
            + "</w:tr>"
            for f in fields
        ]
        self._table(widths, rows)

    def save(self) -> bytes:
        from docx.oxml import parse_xml

        body = self.document.element.body
        content = parse_xml(f'<w:body xmlns:w="{W_NAMESPACE}">{"".join(self._parts)}</w:body>')
        section_properties = body.sectPr
        for child in list(content):
            section_properties.addprevious(child)
        self._parts = []
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
