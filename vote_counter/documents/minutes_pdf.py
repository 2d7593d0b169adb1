"""The counting minutes (BIÊN BẢN KIỂM PHIẾU) as one PDF holding the three numbered copies (SPEC §7).

Layout follows Nghị định 30/2020 (state bodies) or Hướng dẫn 36-HD/VPTW (Party bodies).
Page furniture and the page templates are in `pdf_pages`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from vote_counter.documents import labels as L
from vote_counter.documents import minutes_data as M
from vote_counter.documents.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, pdf_text, register_fonts
from vote_counter.documents.page_items import balanced_wrap
from vote_counter.documents.page_items import mm as mm_of
from vote_counter.documents.pdf_pages import (
    HEADER_FILL,
    LAYOUTS,
    LEFT_SHARE,
    WARNING_RED,
    Furniture,
    SetCopy,
    build,
    document,
)
from vote_counter.documents.typescale import TypeScale, scale
from vote_counter.domain.model import HeaderStyle, Meeting, Secrecy


def text(s: str) -> str:
    """Paragraph markup for user text: NFC, XML-escaped."""
    return escape(pdf_text(s))


def centred(s: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A centred line that breaks into even lines (no lone "2026" left on the second line)."""
    lines = balanced_wrap(s, style.fontName, style.fontSize, mm_of(width) - 1)
    return Paragraph("<br/>".join(text(line) for line in lines), style)


@dataclass(frozen=True)
class Styles:
    scale: TypeScale
    body: ParagraphStyle
    indent: ParagraphStyle
    center: ParagraphStyle
    center_small: ParagraphStyle
    title: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    small: ParagraphStyle


def make_styles(scale: TypeScale, body_size: float | None = None) -> Styles:
    register_fonts()
    size = body_size or scale.body
    body = ParagraphStyle(
        "body", fontName=SERIF, fontSize=size, leading=size * 1.25, alignment=TA_JUSTIFY, spaceAfter=3
    )
    cell_size = scale.table
    return Styles(
        scale=scale,
        body=body,
        indent=ParagraphStyle("indent", parent=body, leftIndent=8 * mm, spaceAfter=1),
        center=ParagraphStyle("center", parent=body, alignment=TA_CENTER, spaceAfter=0),
        center_small=ParagraphStyle(
            "center_small", parent=body, fontSize=size - 1, leading=(size - 1) * 1.2, alignment=TA_CENTER
        ),
        title=ParagraphStyle(
            "title",
            parent=body,
            fontSize=scale.title,
            leading=scale.title * 1.3,
            alignment=TA_CENTER,
            spaceAfter=2,
        ),
        cell=ParagraphStyle("cell", parent=body, fontSize=cell_size, leading=cell_size * 1.2, alignment=TA_LEFT),
        cell_center=ParagraphStyle(
            "cell_center",
            parent=body,
            fontSize=scale.table_heading,
            leading=scale.table_heading * 1.15,
            alignment=TA_CENTER,
            spaceAfter=0,
        ),
        small=ParagraphStyle("small", parent=body, fontSize=scale.small, leading=scale.small * 1.2, spaceAfter=0),
    )


# ---------------------------------------------------------------- page furniture


# ---------------------------------------------------------------- the header block


def _rule(width: float) -> HRFlowable:
    return HRFlowable(width=width, thickness=0.7, color=colors.black, hAlign="CENTER", spaceBefore=2, spaceAfter=0)


def header_block(
    meeting: Meeting, number_line: str, date_text: str, st: Styles, width: float, issuer: str = ""
) -> Table:
    """Nghị định 30/2020 or Hướng dẫn 36-HD/VPTW header: issuer left, national/Party line right.

    Sizes from `typescale`. With an issuing body set apart from the meeting's organisation ("Ban kiểm phiếu"),
    the organisation becomes the line above it."""
    hs = st.scale.header
    left_w, right_w = width * LEFT_SHARE, width * (1 - LEFT_SHARE)

    def style(name: str, size: float, font: str = SERIF) -> ParagraphStyle:
        return ParagraphStyle(name, parent=st.center, fontName=font, fontSize=size, leading=size * 1.2)

    parent_text, issuer_text = meeting.parent_body, meeting.organisation
    if issuer and issuer.strip() != meeting.organisation.strip():
        parent_text, issuer_text = meeting.organisation, issuer

    def balanced(value: str, font: str, size: float) -> str:
        """A long name in even lines (no lone last word), at the regulated size."""
        return "<br/>".join(text(line) for line in balanced_wrap(value, font, size, mm_of(left_w) - 2))

    left: list[Flowable] = []
    if parent_text:
        left.append(Paragraph(balanced(parent_text.upper(), SERIF, hs.parent), style("upper", hs.parent)))
    org = issuer_text.upper()
    bold = style("bold", hs.issuer, SERIF_BOLD)
    if meeting.header_style is HeaderStyle.PARTY:
        left.append(Paragraph(f"<b>{balanced(org, SERIF_BOLD, hs.issuer)}</b>", bold))
        left.append(Paragraph(L.PARTY_STAR, style("star", hs.issuer)))
        right: list[Flowable] = [Paragraph(f"<b>{text(L.PARTY)}</b>", style("party", hs.national, SERIF_BOLD))]
        right.append(_rule(stringWidth(pdf_text(L.PARTY), SERIF_BOLD, hs.national)))
    else:
        left.append(Paragraph(f"<b>{balanced(org, SERIF_BOLD, hs.issuer)}</b>", bold))
        # Nghị định 30/2020: the rule under the agency is 1/3 to 1/2 of its line, centred.
        org_w = min(stringWidth(pdf_text(org), SERIF_BOLD, hs.issuer), left_w)
        left.append(_rule(org_w / 2))
        right = [
            Paragraph(f"<b>{text(L.REPUBLIC)}</b>", style("rep", hs.national, SERIF_BOLD)),
            Paragraph(f"<b>{text(L.MOTTO)}</b>", style("motto", hs.motto, SERIF_BOLD)),
            _rule(stringWidth(pdf_text(L.MOTTO), SERIF_BOLD, hs.motto)),
        ]
    rows: list[list[Any]] = [[left, right]]
    if number_line or date_text:
        number = Paragraph(text(number_line), style("num", hs.number))
        date = Paragraph(f"<i>{text(date_text)}</i>", style("date", hs.date_line))
        rows.append([number, date])
    table = Table(rows, colWidths=[left_w, right_w])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 1), (-1, -1), 4),
            ]
        )
    )
    return table


# ---------------------------------------------------------------- the minutes


def secrecy_text(secrecy: Secrecy) -> str | None:
    return L.secrecy_mark(secrecy)


def results_table(spec: M.TableSpec, st: Styles, width: float) -> Table:
    cols = spec.columns
    cell_size = st.cell.fontSize
    num_w = {8: 14 * mm, 7: 15 * mm, 4: 24 * mm}.get(cols, 15 * mm)
    pct_w = {8: 17.5 * mm, 7: 19 * mm, 4: 26 * mm}.get(cols, 18 * mm)
    widths = [12 * mm, 0.0]
    for c in range(2, cols):
        is_pct = any(row[c].endswith("%") or row[c] == "—" for row in spec.rows if row[c]) or (
            spec.header[-1][c] == L.COL_PERCENT
        )
        widths.append(pct_w if is_pct else num_w)
    widths[1] = width - sum(widths)

    heading = [Paragraph(f"<b>{text(spec.base_heading)}</b>", st.cell_center)] + [""] * (cols - 1)
    header = [[Paragraph(f"<b>{text(c)}</b>", st.cell_center) if c else "" for c in row] for row in spec.header]
    body: list[list[Any]] = []
    for i, row in enumerate(spec.rows):
        if i == spec.write_in_row:
            body.append([Paragraph(f"<i>{text(row[0])}</i>", st.cell)] + [""] * (cols - 1))
            continue
        body.append([pdf_text(row[0]), Paragraph(text(row[1]), st.cell)] + [pdf_text(c) for c in row[2:]])
    head_rows = 1 + len(header)
    table = Table([heading, *header, *body], colWidths=widths, repeatRows=head_rows)
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, head_rows - 1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, head_rows), (-1, -1), SERIF),
        ("FONTSIZE", (0, head_rows), (-1, -1), cell_size),
        ("LEADING", (0, head_rows), (-1, -1), cell_size * 1.2),
        ("ALIGN", (0, head_rows), (0, -1), "CENTER"),
        ("ALIGN", (2, head_rows), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for (c0, r0), (c1, r1) in spec.spans:
        style.append(("SPAN", (c0, r0 + 1), (c1, r1 + 1)))
    if spec.write_in_row is not None:
        r = head_rows + spec.write_in_row
        style.append(("SPAN", (0, r), (-1, r)))
    table.setStyle(TableStyle(style))
    return table


def signature_table(data: M.MinutesData, st: Styles, width: float) -> Table:
    """The chair top right, the members filling in two columns; each with its hint and printed name."""
    sc = st.scale
    title = ParagraphStyle(
        "sigtitle", parent=st.center, fontName=SERIF_BOLD, fontSize=sc.signer_title, leading=sc.signer_title * 1.2
    )
    name_style = ParagraphStyle(
        "signame", parent=st.center, fontName=SERIF_BOLD, fontSize=sc.signer_name, leading=sc.signer_name * 1.2
    )
    hint = ParagraphStyle(
        "sighint", parent=st.center, fontName=SERIF_ITALIC, fontSize=sc.sign_hint, leading=sc.sign_hint * 1.2
    )

    def block(sig_title: str, name: str) -> list[Flowable]:
        return [
            Paragraph(f"<b>{text(sig_title)}</b>", title),
            Paragraph(f"<i>{text(L.SIGN_HINT)}</i>", hint),
            Spacer(1, 20 * mm),
            Paragraph(f"<b>{text(name)}</b>", name_style),
        ]

    blocks = [block(t, n) for t, n in M.signatures(data)]
    if not blocks:
        return Table([[""]])
    chair, members = blocks[0], blocks[1:]
    rows: list[list[Any]] = [[members[0] if members else "", chair]]
    rest = members[1:]
    for i in range(0, len(rest), 2):
        pair = rest[i : i + 2]
        rows.append([pair[0], pair[1] if len(pair) > 1 else ""])
    table = Table(rows, colWidths=[width / 2, width / 2])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5 * mm),
            ]
        )
    )
    return table


def recipients_block(data: M.MinutesData, st: Styles) -> list[Flowable]:
    """ "Nơi nhận:" (ND 30: 12 pt bold italic; HD 36: 14 pt, underlined) and one line per recipient."""
    sc = st.scale
    head = ParagraphStyle(
        "rcpt", parent=st.body, fontSize=sc.recipients_head, leading=sc.recipients_head * 1.2, spaceAfter=0
    )
    item = ParagraphStyle(
        "rcpt_item", parent=head, fontSize=sc.recipient, leading=sc.recipient * 1.2, alignment=TA_LEFT
    )
    items = M.recipient_lines(data)
    heading = text(L.RECIPIENTS)
    if data.meeting.header_style is HeaderStyle.PARTY:
        out: list[Flowable] = [Paragraph(f"<u>{heading}</u>", head)]
    else:
        out = [Paragraph(f"<b><i>{heading}</i></b>", head)]
    for i, r in enumerate(items):
        end = "." if i == len(items) - 1 else ";"
        out.append(Paragraph(f"- {text(r.rstrip(';.'))}{end}", item))
    return out


def minutes_story(data: M.MinutesData, st: Styles, width: float, pages: int, copies: int) -> list[Flowable]:
    result = data.result
    body, indent = st.body, st.indent
    keep = ParagraphStyle("keep", parent=body, keepWithNext=1)
    story: list[Flowable] = [
        header_block(data.meeting, M.document_number(data), M.date_line(data), st, width, data.issuer),
        Spacer(1, 6 * mm),
        Paragraph(f"<b>{text(L.TITLE)}</b>", st.title),
    ]
    sub = M.subtitle_lines(data)
    subtitle = ParagraphStyle("subtitle", parent=st.center, fontSize=st.scale.subtitle, leading=st.scale.subtitle * 1.2)
    story.append(Paragraph(f"<b>{text(sub[0])}</b>", subtitle))
    story += [centred(s, st.center, width) for s in sub[1:]]
    story.append(Spacer(1, 5 * mm))
    story.append(Paragraph(text(M.counting_time_line(data)), body))
    story += [Paragraph(text(line), indent) for line in M.board_lines(data)]
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(text(L.COUNTS_INTRO), body))
    for label, value, unit in M.count_lines(result):
        story.append(Paragraph(f"- {text(label)}: <b>{value}</b> {text(unit)}", indent))
    heading, reasons = M.invalid_breakdown(data)
    if reasons:
        story.append(Paragraph(f"<i>{text(heading)}</i>", indent))
        deeper = ParagraphStyle("deeper", parent=indent, leftIndent=16 * mm)
        story += [Paragraph(f"+ {text(r)}: <b>{n}</b> {text(L.UNIT_BALLOTS)}", deeper) for r, n in reasons]
    quorum = text(M.quorum_line(result))
    if result.quorum:
        story.append(Paragraph(quorum, body))
    else:
        warn = ParagraphStyle("warn", parent=body, textColor=WARNING_RED, spaceBefore=2, spaceAfter=4)
        story.append(Paragraph(f"<b>{quorum}</b>", warn))
        if M.quorum_reason_line(data):
            story.append(Paragraph(text(M.quorum_reason_line(data)), body))
    story.append(Spacer(1, 2 * mm))
    # Room for the heading, the table's header rows and a few rows, else start on a new page
    # (keepWithNext would move a many-page table whole to the next page).
    story.append(CondPageBreak(45 * mm))
    story.append(Paragraph(f"<b>{text(L.RESULTS_HEADING)}</b>", body))
    story.append(results_table(M.results_table(result), st, width))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(f"<b>{text(L.OUTCOME_HEADING)}</b>", keep))
    story += [Paragraph(f"- {text(line)}", indent) for line in M.outcome_lines(result)]
    problems = M.problem_lines(result)
    if problems:
        warn = ParagraphStyle("problem", parent=indent, textColor=WARNING_RED)
        story.append(Paragraph(f"<b>{text(L.PROBLEMS_HEADING)}</b>", keep))
        story += [Paragraph(f"- {text(p)}", warn) for p in problems]
    # The closing sentence, the signatures and the recipients travel together, so the
    # signatures never stand alone on a page (SPEC §7).
    ending: list[Flowable] = [
        Spacer(1, 2 * mm),
        Paragraph(text(M.closing_line(data, pages, copies)), body),
        Spacer(1, 3 * mm),
        signature_table(data, st, width),
        *recipients_block(data, st),
    ]
    story.append(KeepTogether(ending))
    return story


def render_minutes(data: M.MinutesData, out: BinaryIO, *, copies: int = 3) -> int:
    """Write the minutes, `copies` numbered copies in one PDF; return the page count of one copy."""
    if copies < 1:
        raise ValueError("copies must be at least 1")
    layout = LAYOUTS[data.meeting.header_style]
    st = make_styles(scale(data.meeting.header_style))
    title = f"{L.TITLE} — {data.round.title}"

    def furniture(n: int) -> Furniture:
        return Furniture(
            layout=layout,
            secrecy=secrecy_text(data.meeting.secrecy),
            footer=M.footer_line(data),
            watermark=data.is_test,
            copies=n,
            scale=st.scale,
        )

    # "gồm N trang" is part of the text: lay out one copy until N agrees with itself.
    pages = 1
    for _ in range(5):
        scratch = io.BytesIO()
        story = [SetCopy(1), *minutes_story(data, st, layout.width, pages, copies)]
        counted = build(document(scratch, layout, furniture(copies), title, data.issuer), story, furniture(copies))[0]
        if counted == pages:
            break
        pages = counted

    full: list[Flowable] = []
    for copy in range(1, copies + 1):
        if copy > 1:
            full.append(PageBreak())
        full.append(SetCopy(copy))
        full += minutes_story(data, st, layout.width, pages, copies)
    subject = M.document_number(data)
    per_copy = build(document(out, layout, furniture(copies), title, data.issuer, subject), full, furniture(copies))
    if per_copy != [pages] * copies:
        raise RuntimeError(f"copies laid out unevenly: {per_copy} (expected {pages} each)")
    return pages
