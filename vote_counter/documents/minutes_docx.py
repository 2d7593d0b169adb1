"""The counting minutes as an editable Word file: the same content as the PDF (SPEC §7).

Agencies edit and file Word documents, so this is one plain copy (the copy number is left to fill
in), in Times New Roman on A4 with the margins of Nghị định 30/2020 or Hướng dẫn 36-HD/VPTW.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from reportlab.pdfbase.pdfmetrics import stringWidth

from vote_counter.documents import labels as L
from vote_counter.documents import minutes_data as M
from vote_counter.documents.fonts import SERIF_BOLD, pdf_text, register_fonts
from vote_counter.documents.pdf_pages import LAYOUTS, LEFT_SHARE
from vote_counter.documents.typescale import scale
from vote_counter.domain.model import HeaderStyle

FONT = "Times New Roman"
RED = RGBColor(0xB0, 0x00, 0x00)
POINTS_PER_MM = 72 / 25.4


def nfc(s: str) -> str:
    return pdf_text(s)


# ---------------------------------------------------------------- low-level helpers


def _set_run_fonts(rpr: Any) -> None:
    """Times New Roman for Latin, East Asian and complex scripts alike; Vietnamese proofing."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")


def _run(par: Any, s: str, *, bold: bool = False, italic: bool = False, size: float | None = None) -> Any:
    run = par.add_run(nfc(s))
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = Pt(size)
    return run


def _para(
    container: Any,
    s: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: Any = None,
    indent_mm: float = 0,
    after: float = 3,
    color: RGBColor | None = None,
) -> Any:
    par = container.add_paragraph()
    if s:
        run = _run(par, s, bold=bold, italic=italic, size=size)
        if color is not None:
            run.font.color.rgb = color
    fmt = par.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(0)
    if align is not None:
        par.alignment = align
    if indent_mm:
        fmt.left_indent = Mm(indent_mm)
    return par


def _field(par: Any, code: str, cached: str, size: float | None = None) -> None:
    """A Word field (PAGE, NUMPAGES) with its last computed value; Word recomputes it."""

    def fld(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            el.set(qn("w:dirty"), "true")
        return el

    for part in ("begin", "instr", "separate", "text", "end"):
        run = par.add_run()
        if part == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {code} "
            run._r.append(instr)
        elif part == "text":
            run.text = cached
        if size is not None:
            run.font.size = Pt(size)
        else:
            run._r.append(fld(part))


def _rule_paragraph(cell: Any, cell_mm: float, rule_mm: float) -> None:
    """A short centred rule: an empty paragraph with a bottom border, narrowed by indents."""
    par = cell.add_paragraph()
    fmt = par.paragraph_format
    side = max(0.0, (cell_mm - rule_mm) / 2)
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.space_after = Pt(2)
    fmt.space_before = Pt(0)
    fmt.line_spacing = Pt(2)
    ppr = par._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def _text_mm(s: str, size: float) -> float:
    # Liberation Serif has the metrics of Times New Roman.
    register_fonts()
    return float(stringWidth(nfc(s), SERIF_BOLD, size)) / POINTS_PER_MM


def _borders(table: Any, kind: str) -> None:
    """Every edge of a table "nil" (the header and signature layout tables) or "single" (the secrecy box)."""
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), kind)
        if kind != "nil":
            el.set(qn("w:sz"), "8")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def _cell_text(cell: Any, s: str, *, bold: bool = False, italic: bool = False, size: float, align: Any) -> None:
    par = cell.paragraphs[0]
    _run(par, s, bold=bold, italic=italic, size=size)
    par.alignment = align
    par.paragraph_format.space_after = Pt(0)


def _widths(table: Any, widths_mm: list[float]) -> None:
    """Cell widths and the table grid (w:tblGrid) agree, so Word and LibreOffice draw the same columns."""
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(round(w * 1440 / 25.4)))  # twentieths of a point
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def scale_table(body: float) -> float:
    return body - 1.5


def _metadata(doc: Any, data: M.MinutesData, title: str) -> None:
    """Title, the issuing body as author, the number as subject, the real date and Vietnamese as language."""
    props = doc.core_properties
    props.title = nfc(title)
    props.author = nfc(data.issuer) or "Kiểm Phiếu"
    props.last_modified_by = "Kiểm Phiếu"
    props.subject = nfc(M.document_number(data))
    props.keywords = nfc(L.secrecy_mark(data.meeting.secrecy) or "")
    props.language = "vi-VN"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.created = now
    props.modified = now
    props.revision = 1


def _update_fields_on_open(doc: Any) -> None:
    """Word asks to update fields on opening, so "gồm N trang" and "Trang x/y" are right before printing."""
    settings = doc.settings.element
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    settings.append(el)


# ---------------------------------------------------------------- the document


def _setup(doc: Any, data: M.MinutesData) -> float:
    layout = LAYOUTS[data.meeting.header_style]
    size = layout.body_size
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    to_mm = 1 / POINTS_PER_MM
    section.left_margin = Mm(layout.left * to_mm)
    section.right_margin = Mm(layout.right * to_mm)
    section.top_margin = Mm(layout.top * to_mm)
    section.bottom_margin = Mm(layout.bottom * to_mm)
    section.header_distance = Mm(8)
    section.footer_distance = Mm(8)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(size)
    _set_run_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(3)
    return size


def _page_furniture(doc: Any, data: M.MinutesData, width_mm: float, pages: int | None) -> None:
    sc = scale(data.meeting.header_style)
    section = doc.sections[0]
    head = section.header
    par = head.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    mark = L.secrecy_mark(data.meeting.secrecy)
    if mark:
        # The secrecy marking in its box (ND 30/2020 ô 10a), as on the PDF: a one-cell table, right-aligned.
        box_mm = _text_mm(mark, sc.secrecy) + 6
        box = head.add_table(rows=1, cols=1, width=Mm(box_mm))
        box.alignment = WD_TABLE_ALIGNMENT.RIGHT
        _borders(box, "single")
        _widths(box, [box_mm])
        _cell_text(box.cell(0, 0), mark, bold=True, size=sc.secrecy, align=WD_ALIGN_PARAGRAPH.CENTER)
        head._element.remove(par._p)
        head._element.append(par._p)  # the copy number under the box
    _run(par, L.COPY.replace("{copy:02d}", "……").format(copies=3), size=sc.copy_number)
    if data.is_test:
        _para(head, L.TEST_WATERMARK, bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)

    foot = section.footer.paragraphs[0]
    foot.paragraph_format.tab_stops.add_tab_stop(Mm(width_mm), WD_TAB_ALIGNMENT.RIGHT)
    _run(foot, M.footer_line(data) + "\t", size=sc.footer)
    _run(foot, "Trang ", size=sc.page_number)
    _field(foot, "PAGE", "1", size=sc.page_number)
    _run(foot, "/", size=sc.page_number)
    # The PDF's page count until Word recounts (it does on opening: see _update_fields_on_open).
    _field(foot, "NUMPAGES", str(pages or 1), size=sc.page_number)


def _header_block(doc: Any, data: M.MinutesData, width_mm: float, size: float) -> None:
    meeting = data.meeting
    hs = scale(meeting.header_style).header
    left_mm, right_mm = width_mm * LEFT_SHARE, width_mm * (1 - LEFT_SHARE)
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table, "nil")
    _widths(table, [left_mm, right_mm])
    center = WD_ALIGN_PARAGRAPH.CENTER
    left, right = table.cell(0, 0), table.cell(0, 1)
    first = True

    def line(cell: Any, s: str, **kw: Any) -> None:
        nonlocal first
        par = cell.paragraphs[0] if not cell.paragraphs[0].text and first else cell.add_paragraph()
        first = False
        _run(par, s, **kw)
        par.alignment = center
        par.paragraph_format.space_after = Pt(0)

    parent_text, issuer_text = meeting.parent_body, meeting.organisation
    if data.details.issuer and data.details.issuer.strip() != meeting.organisation.strip():
        parent_text, issuer_text = meeting.organisation, data.details.issuer
    if parent_text:
        line(left, parent_text.upper(), size=hs.parent)
    line(left, issuer_text.upper(), bold=True, size=hs.issuer)
    first = True
    if meeting.header_style is HeaderStyle.PARTY:
        line(left, L.PARTY_STAR, size=hs.issuer)
        line(right, L.PARTY, bold=True, size=hs.national)
        _rule_paragraph(right, right_mm, _text_mm(L.PARTY, hs.national))
    else:
        # Nghị định 30/2020: the rule under the agency is 1/3 to 1/2 of its line, centred.
        _rule_paragraph(left, left_mm, min(_text_mm(issuer_text.upper(), hs.issuer), left_mm) / 2)
        line(right, L.REPUBLIC, bold=True, size=hs.national)
        line(right, L.MOTTO, bold=True, size=hs.motto)
        _rule_paragraph(right, right_mm, _text_mm(L.MOTTO, hs.motto))
    _cell_text(table.cell(1, 0), M.document_number(data), size=hs.number, align=center)
    _cell_text(table.cell(1, 1), M.date_line(data), italic=True, size=hs.date_line, align=center)


def _results_table(doc: Any, spec: M.TableSpec, width_mm: float, size: float) -> None:
    cols = spec.columns
    head_rows = 1 + len(spec.header)
    table = doc.add_table(rows=head_rows + len(spec.rows), cols=cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell_size = scale_table(size)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    # table.cell() walks the whole table on every call; a row's own cells do not.
    word_rows = list(table.rows)
    grid = [list(word_rows[r].cells) for r in range(head_rows)]
    heading = grid[0][0].merge(grid[0][-1])
    _cell_text(heading, spec.base_heading, bold=True, size=cell_size, align=center)
    for r, row in enumerate(spec.header, start=1):
        for c, s in enumerate(row):
            if s:
                _cell_text(grid[r][c], s, bold=True, size=cell_size - 0.5, align=center)
    for (c0, r0), (c1, r1) in spec.spans:
        if (c0, r0) != (c1, r1):
            grid[r0 + 1][c0].merge(grid[r1 + 1][c1])
    for i, row in enumerate(spec.rows):
        cells = word_rows[head_rows + i].cells
        if i == spec.write_in_row:
            merged = cells[0].merge(cells[-1])
            _cell_text(merged, row[0], italic=True, size=cell_size, align=WD_ALIGN_PARAGRAPH.LEFT)
            continue
        for c, s in enumerate(row):
            align = center if c == 0 else right if c >= 2 else WD_ALIGN_PARAGRAPH.LEFT
            _cell_text(cells[c], s, size=cell_size, align=align)
    for r in range(head_rows):
        tr_pr = table.rows[r]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))  # repeat the heading on every page
    for row in table.rows:
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    numbers = [14.0 if spec.header[-1][c] == L.COL_VOTES else 18.0 for c in range(2, cols)]
    if cols == 4:
        numbers = [24.0, 26.0]
    _widths(table, [12.0, width_mm - 12.0 - sum(numbers), *numbers])


def _signatures(doc: Any, data: M.MinutesData, width_mm: float, size: float) -> None:
    sc = scale(data.meeting.header_style)
    sigs = M.signatures(data)
    if not sigs:
        return
    chair, members = sigs[0], sigs[1:]
    grid: list[list[tuple[str, str] | None]] = [[members[0] if members else None, chair]]
    rest = members[1:]
    for i in range(0, len(rest), 2):
        two = rest[i : i + 2]
        grid.append([two[0], two[1] if len(two) > 1 else None])
    table = doc.add_table(rows=len(grid), cols=2)
    _borders(table, "nil")
    _widths(table, [width_mm / 2, width_mm / 2])
    center = WD_ALIGN_PARAGRAPH.CENTER
    for r, pair in enumerate(grid):
        tr_pr = table.rows[r]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        for c, sig in enumerate(pair):
            if sig is None:
                continue
            cell = table.cell(r, c)
            _cell_text(cell, sig[0], bold=True, size=sc.signer_title, align=center)
            _para(cell, L.SIGN_HINT, italic=True, size=sc.sign_hint, align=center, after=0)
            _para(cell, "", after=0).paragraph_format.space_before = Pt(52)
            _para(cell, sig[1], bold=True, size=sc.signer_name, align=center, after=12)
    # Keep the closing sentence with the signatures (Word: keep-with-next on what comes before).
    for row in table.rows[:-1]:
        for cell in row.cells:
            for par in cell.paragraphs:
                par.paragraph_format.keep_with_next = True


def write_minutes_docx(data: M.MinutesData, out: BinaryIO, *, pages: int | None = None) -> None:
    """Write the minutes as .docx. `pages`, if known (from the PDF), is shown until Word recounts."""
    doc = Document()
    size = _setup(doc, data)
    layout = LAYOUTS[data.meeting.header_style]
    width_mm = layout.width / POINTS_PER_MM
    result = data.result
    center = WD_ALIGN_PARAGRAPH.CENTER
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY

    _page_furniture(doc, data, width_mm, pages)
    _header_block(doc, data, width_mm, size)
    _para(doc, after=6)
    sc = scale(data.meeting.header_style)
    _para(doc, L.TITLE, bold=True, size=sc.title, align=center, after=2)
    sub = M.subtitle_lines(data)
    _para(doc, sub[0], bold=True, size=sc.subtitle, align=center, after=0)
    for s in sub[1:]:
        _para(doc, s, align=center, after=0)
    _para(doc, after=4)
    _para(doc, M.counting_time_line(data), align=justify)
    for line in M.board_lines(data):
        _para(doc, line, indent_mm=8, after=1)
    _para(doc, L.COUNTS_INTRO, align=justify)
    for label, value, unit in M.count_lines(result):
        par = _para(doc, f"- {label}: ", indent_mm=8, after=1)
        _run(par, str(value), bold=True)
        _run(par, f" {unit}")
    heading, reasons = M.invalid_breakdown(data)
    if reasons:
        _para(doc, heading, italic=True, indent_mm=8, after=1)
        for label, n in reasons:
            par = _para(doc, f"+ {label}: ", indent_mm=16, after=1)
            _run(par, str(n), bold=True)
            _run(par, f" {L.UNIT_BALLOTS}")
    quorum = M.quorum_line(result)
    if result.quorum:
        _para(doc, quorum, align=justify)
    else:
        _para(doc, quorum, bold=True, color=RED, align=justify)
        if M.quorum_reason_line(data):
            _para(doc, M.quorum_reason_line(data), align=justify)
    _para(doc, L.RESULTS_HEADING, bold=True).paragraph_format.keep_with_next = True
    _results_table(doc, M.results_table(result), width_mm, size)
    _para(doc, after=2)
    _para(doc, L.OUTCOME_HEADING, bold=True).paragraph_format.keep_with_next = True
    for line in M.outcome_lines(result):
        _para(doc, f"- {line}", indent_mm=8, after=1, align=justify)
    problems = M.problem_lines(result)
    if problems:
        _para(doc, L.PROBLEMS_HEADING, bold=True).paragraph_format.keep_with_next = True
        for p in problems:
            _para(doc, f"- {p}", indent_mm=8, after=1, color=RED)

    # "gồm N trang": a NUMPAGES field, since only Word knows its own page count.
    marker = "\u0000PAGES\u0000"
    before, after = M.closing_line(data, marker, 3).split(marker)
    par = _para(doc, before, align=justify)
    _field(par, 'NUMPAGES \\# "00"', f"{pages:02d}" if pages else "……")
    _run(par, after)
    par.paragraph_format.keep_with_next = True
    _signatures(doc, data, width_mm, size)
    sc = scale(data.meeting.header_style)
    head = _para(doc, after=0)
    run = _run(head, L.RECIPIENTS, size=sc.recipients_head)
    if data.meeting.header_style is HeaderStyle.PARTY:
        run.underline = True  # HD 36: "Nơi nhận" underlined
    else:
        run.bold, run.italic = True, True  # ND 30: bold italic
    items = M.recipient_lines(data)
    for i, r in enumerate(items):
        end = "." if i == len(items) - 1 else ";"
        _para(doc, f"- {r.rstrip(';.')}{end}", size=sc.recipient, after=0)
    _metadata(doc, data, f"{L.TITLE} — {data.round.title}")
    _update_fields_on_open(doc)
    doc.save(out)
