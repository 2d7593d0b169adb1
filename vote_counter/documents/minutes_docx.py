"""The counting minutes as an editable Word file: the same content as the PDF (SPEC §7).

Agencies edit and file Word documents, so this is one plain copy (the copy number is left to fill
in), in Times New Roman on A4 with the margins of Nghị định 30/2020 or Hướng dẫn 36-HD/VPTW.
"""

from __future__ import annotations

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
from vote_counter.documents.minutes_pdf import LAYOUTS
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


def _field(par: Any, code: str, cached: str) -> None:
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


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _cell_text(cell: Any, s: str, *, bold: bool = False, italic: bool = False, size: float, align: Any) -> None:
    par = cell.paragraphs[0]
    _run(par, s, bold=bold, italic=italic, size=size)
    par.alignment = align
    par.paragraph_format.space_after = Pt(0)


def _widths(table: Any, widths_mm: list[float]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


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


def _page_furniture(doc: Any, data: M.MinutesData, width_mm: float) -> None:
    section = doc.sections[0]
    head = section.header
    par = head.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    mark = L.secrecy_mark(data.meeting.secrecy)
    if mark:
        _run(par, mark, bold=True, size=13)
        par = _para(head, align=WD_ALIGN_PARAGRAPH.RIGHT, after=0)
    _run(par, L.COPY.replace("{copy:02d}", "……").format(copies=3), size=11)
    if data.is_test:
        _para(head, L.TEST_WATERMARK, bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)

    foot = section.footer.paragraphs[0]
    foot.paragraph_format.tab_stops.add_tab_stop(Mm(width_mm), WD_TAB_ALIGNMENT.RIGHT)
    _run(foot, M.footer_line(data) + "\t", size=9.5)
    _run(foot, "Trang ", size=10.5)
    _field(foot, "PAGE", "1")
    _run(foot, "/", size=10.5)
    _field(foot, "NUMPAGES", "1")


def _header_block(doc: Any, data: M.MinutesData, width_mm: float, size: float) -> None:
    meeting = data.meeting
    left_mm, right_mm = width_mm * 0.42, width_mm * 0.58
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
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

    if meeting.parent_body:
        line(left, meeting.parent_body.upper(), size=size - 1)
    line(left, meeting.organisation.upper(), bold=True)
    first = True
    if meeting.header_style is HeaderStyle.PARTY:
        line(left, L.PARTY_STAR, bold=True)
        line(right, L.PARTY, bold=True)
        _rule_paragraph(right, right_mm, _text_mm(L.PARTY, size))
    else:
        # Nghị định 30/2020: the rule under the agency is 1/3 to 1/2 of its line, centred.
        _rule_paragraph(left, left_mm, min(_text_mm(meeting.organisation.upper(), size), left_mm) / 2)
        line(right, L.REPUBLIC, bold=True, size=size - 1)
        line(right, L.MOTTO, bold=True)
        _rule_paragraph(right, right_mm, _text_mm(L.MOTTO, size))
    _cell_text(table.cell(1, 0), M.document_number(data), size=size - 0.5, align=center)
    _cell_text(table.cell(1, 1), M.date_line(data), italic=True, size=size, align=center)


def _results_table(doc: Any, spec: M.TableSpec, width_mm: float, size: float) -> None:
    cols = spec.columns
    head_rows = 1 + len(spec.header)
    table = doc.add_table(rows=head_rows + len(spec.rows), cols=cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell_size = size - 1.5
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
    _no_borders(table)
    _widths(table, [width_mm / 2, width_mm / 2])
    center = WD_ALIGN_PARAGRAPH.CENTER
    for r, pair in enumerate(grid):
        tr_pr = table.rows[r]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        for c, sig in enumerate(pair):
            if sig is None:
                continue
            cell = table.cell(r, c)
            _cell_text(cell, sig[0], bold=True, size=size - 0.5, align=center)
            _para(cell, L.SIGN_HINT, italic=True, size=size - 1.5, align=center, after=0)
            _para(cell, "", after=0).paragraph_format.space_before = Pt(52)
            _para(cell, sig[1], bold=True, size=size - 0.5, align=center, after=12)
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

    _page_furniture(doc, data, width_mm)
    _header_block(doc, data, width_mm, size)
    _para(doc, after=6)
    _para(doc, L.TITLE, bold=True, size=size + 2, align=center, after=2)
    sub = M.subtitle_lines(data)
    _para(doc, sub[0], bold=True, align=center, after=0)
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
    reasons = M.reason_lines(result)
    if reasons:
        _para(doc, L.INVALID_BREAKDOWN, italic=True, indent_mm=8, after=1)
        for label, n in reasons:
            par = _para(doc, f"+ {label}: ", indent_mm=16, after=1)
            _run(par, str(n), bold=True)
            _run(par, f" {L.UNIT_BALLOTS}")
    quorum = M.quorum_line(result)
    if result.quorum:
        _para(doc, quorum, align=justify)
    else:
        _para(doc, quorum, bold=True, color=RED, align=justify)
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
    before, after = L.CLOSING.split("{pages}")
    when = {"hour": data.closed_at.hour, "minute": data.closed_at.minute, "copies": 3}
    par = _para(doc, before.format(**when), align=justify)
    _field(par, 'NUMPAGES \\# "00"', f"{pages:02d}" if pages else "……")
    _run(par, after.format(**when))
    par.paragraph_format.keep_with_next = True
    _signatures(doc, data, width_mm, size)
    _para(doc, L.RECIPIENTS, bold=True, italic=True, size=size - 1, after=0)
    items = list(data.recipients)
    for i, r in enumerate(items):
        end = "." if i == len(items) - 1 else ";"
        _para(doc, f"- {r.rstrip(';.')}{end}", size=size - 2, after=0)
    doc.core_properties.title = nfc(f"{L.TITLE} — {data.round.title}")
    doc.core_properties.author = "Kiểm Phiếu"
    doc.save(out)
