"""One page covering every round of a meeting: the counts and a table per round (SPEC §7).

The board hands this page round the room, so it stays one page: the table type steps down (from the
body's table size to a floor) until the whole summary fits; only a meeting too big for that spills over.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from vote_counter.documents import labels as L
from vote_counter.documents import minutes_data as M
from vote_counter.documents.fonts import pdf_text
from vote_counter.documents.minutes_pdf import (
    Styles,
    centred,
    header_block,
    make_styles,
    secrecy_text,
    text,
)
from vote_counter.documents.pdf_pages import (
    HEADER_FILL,
    LAYOUTS,
    WARNING_RED,
    Furniture,
    build,
    document,
)
from vote_counter.documents.typescale import scale
from vote_counter.domain.model import Secrecy

# Highest marking first: the summary carries the strictest marking of its rounds' meeting.
_SECRECY_RANK = (Secrecy.TUYET_MAT, Secrecy.TOI_MAT, Secrecy.MAT, Secrecy.NONE)
TABLE_FLOOR = 6.0  # pt: the smallest the tables go to keep one page (45 people and more)


def summary_table(data: M.MinutesData, st: Styles, width: float, size: float) -> Table:
    """The round's results table (the base in its heading) with the outcome of each person in a last column."""
    spec = M.results_table(data.result)
    outcomes = [M.outcome_label(n) for n in data.result.nominees]
    cols = spec.columns + 1
    cell = ParagraphStyle("scell", parent=st.cell, fontSize=size, leading=size * 1.12, alignment=TA_LEFT)
    head_size = size - 0.5
    head = ParagraphStyle("shead", parent=st.cell_center, fontSize=head_size, leading=head_size * 1.1)
    header = [[Paragraph(f"<b>{text(c)}</b>", head) if c else "" for c in [*row, ""]] for row in spec.header]
    header[0][-1] = Paragraph(f"<b>{text(L.COL_OUTCOME)}</b>", head)
    body: list[list[Any]] = []
    outcome_iter = iter(outcomes)
    for i, row in enumerate(spec.rows):
        if i == spec.write_in_row:
            body.append([Paragraph(f"<i>{text(row[0])}</i>", cell)] + [""] * (cols - 1))
            continue
        outcome = next(outcome_iter)
        body.append(
            [pdf_text(row[0]), Paragraph(text(row[1]), cell)]
            + [pdf_text(c) for c in row[2:]]
            + [Paragraph(text(outcome), cell)]
        )
    heading = [Paragraph(f"<b>{text(spec.base_heading)}</b>", head)] + [""] * (cols - 1)
    # Wide enough that "STT", "Số phiếu" and "Không" never break inside a word at the heading size.
    number_w, count_w, pct_w = 10 * mm, 14 * mm, 15 * mm
    values = [pct_w if spec.header[-1][c] == L.COL_PERCENT else count_w for c in range(2, spec.columns)]
    outcome_w = 36 * mm if any(outcomes) else 14 * mm
    widths = [number_w, width - number_w - sum(values) - outcome_w, *values, outcome_w]
    head_rows = 1 + len(header)
    table = Table([heading, *header, *body], colWidths=widths, repeatRows=head_rows, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, head_rows - 1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTSIZE", (0, head_rows), (-1, -1), size),
        ("LEADING", (0, head_rows), (-1, -1), size * 1.12),
        ("FONTNAME", (0, head_rows), (-1, -1), st.body.fontName),
        ("ALIGN", (0, head_rows), (0, -1), "CENTER"),
        ("ALIGN", (2, head_rows), (-2, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 0.3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.9),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for (c0, r0), (c1, r1) in spec.spans:
        style.append(("SPAN", (c0, r0 + 1), (c1, r1 + 1)))
    if len(header) > 1:
        style.append(("SPAN", (cols - 1, 1), (cols - 1, len(header))))
    if spec.write_in_row is not None:
        r = head_rows + spec.write_in_row
        style.append(("SPAN", (0, r), (-1, r)))
    table.setStyle(TableStyle(style))
    return table


def _story(items: Sequence[M.MinutesData], st: Styles, width: float, size: float) -> list[Flowable]:
    first = items[0]
    meeting = first.meeting
    heading = ParagraphStyle("round", parent=st.body, fontSize=size + 1.5, leading=(size + 1.5) * 1.2, spaceBefore=4)
    line = ParagraphStyle("sline", parent=st.body, fontSize=size + 0.5, leading=(size + 0.5) * 1.2, spaceAfter=1)
    warn = ParagraphStyle("warn", parent=line, textColor=WARNING_RED)
    meeting_line = meeting.title
    if meeting.date is not None:
        meeting_line += L.MEETING_DATE.format(date=M.long_date(meeting.date))
    story: list[Flowable] = [
        header_block(meeting, "", M.date_line(first), st, width, first.issuer),
        Spacer(1, 3 * mm),
        Paragraph(f"<b>{text(L.SUMMARY_TITLE)}</b>", st.title),
        centred(meeting_line, st.center, width),
        Spacer(1, 1.5 * mm),
    ]
    for no, data in enumerate(items, start=1):
        r = data.result
        title = L.SUMMARY_ROUND.format(no=no, heading=M.round_heading(data.round))
        if data.round.position:
            title += " — " + L.POSITION.format(position=data.round.position)
        if data.is_test:
            title += f" ({L.TEST_WATERMARK})"
        counts = L.SUMMARY_COUNTS.format(
            summoned=r.summoned,
            present=r.present,
            absent=r.absent,
            issued=r.issued,
            collected=r.collected,
            valid=r.valid,
            invalid=r.invalid,
        )
        block: list[Flowable] = [
            Paragraph(f"<b>{text(title)}</b>", heading),
            Paragraph(text(counts + " " + L.CHECK_CODE.format(code=data.check_code) + "."), line),
        ]
        if not r.quorum:
            block.append(Paragraph(f"<b>{text(M.quorum_line(r))}</b>", warn))
        block += [Paragraph(text(p), warn) for p in M.problem_lines(r)]
        block.append(summary_table(data, st, width, size))
        story.append(KeepTogether(block))
    return story


def render_meeting_summary(items: Sequence[M.MinutesData], out: BinaryIO) -> int:
    """Write the summary of all rounds in `items` (one meeting) as a PDF; return its page count (1 if it fits)."""
    if not items:
        raise ValueError("no rounds to summarise")
    first = items[0]
    meeting = first.meeting
    # The summary is a working sheet: narrower margins than the minutes, the same header and type scale.
    layout = replace(LAYOUTS[meeting.header_style], left=20 * mm, right=15 * mm, top=17 * mm, bottom=15 * mm)
    st = make_styles(scale(meeting.header_style))
    marks = {d.meeting.secrecy for d in items}
    secrecy = next((s for s in _SECRECY_RANK if s in marks), Secrecy.NONE)
    furniture = Furniture(
        layout=layout,
        secrecy=secrecy_text(secrecy),
        footer=L.AUDIT_HEAD.format(head=first.audit_head_short),
        watermark=any(d.is_test for d in items),
        copy_label=False,
        scale=st.scale,
    )
    title = f"{L.SUMMARY_TITLE} — {meeting.title}"
    size = st.scale.table
    while True:
        scratch = io.BytesIO()
        pages = build(
            document(scratch, layout, furniture, title, first.issuer), _story(items, st, layout.width, size), furniture
        )
        if sum(pages) <= 1 or size <= TABLE_FLOOR:
            break
        size = max(TABLE_FLOOR, size - 0.5)
    out.write(scratch.getvalue())
    return sum(pages)
