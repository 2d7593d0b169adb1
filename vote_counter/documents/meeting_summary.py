"""One short PDF covering every round of a meeting: counts and each person's outcome per round."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from vote_counter.documents import labels as L
from vote_counter.documents import minutes_data as M
from vote_counter.documents.minutes_pdf import (
    LAYOUTS,
    WARNING_RED,
    Furniture,
    build,
    document,
    header_block,
    make_styles,
    secrecy_text,
    text,
)
from vote_counter.domain.model import Secrecy

# Highest marking first: the summary carries the strictest marking of its rounds' meeting.
_SECRECY_RANK = (Secrecy.TUYET_MAT, Secrecy.TOI_MAT, Secrecy.MAT, Secrecy.NONE)


def render_meeting_summary(items: Sequence[M.MinutesData], out: BinaryIO) -> None:
    """Write the summary of all rounds in `items` (one meeting) as a PDF."""
    if not items:
        raise ValueError("no rounds to summarise")
    first = items[0]
    meeting = first.meeting
    layout = LAYOUTS[meeting.header_style]
    st = make_styles(layout.body_size)
    size = st.body.fontSize
    heading = ParagraphStyle("round", parent=st.body, spaceBefore=6, keepWithNext=1)
    warn = ParagraphStyle("warn", parent=st.body, textColor=WARNING_RED)
    line_style = ParagraphStyle("line", parent=st.indent, fontSize=size - 1, leading=(size - 1) * 1.25)

    story: list[Flowable] = [
        header_block(meeting, "", M.date_line(first), st, layout.width),
        Spacer(1, 6 * mm),
        Paragraph(f"<b>{text(L.SUMMARY_TITLE)}</b>", st.title),
        Paragraph(text(meeting.title), st.center),
        Spacer(1, 4 * mm),
    ]
    for no, data in enumerate(items, start=1):
        r = data.result
        title = L.SUMMARY_ROUND.format(no=no, heading=M.round_heading(data.round))
        if data.is_test:
            title += f" ({L.TEST_WATERMARK})"
        block: list[Flowable] = [Paragraph(f"<b>{text(title)}</b>", heading)]
        if data.round.position:
            block.append(Paragraph(text(L.POSITION.format(position=data.round.position)), st.indent))
        counts = L.SUMMARY_COUNTS.format(
            summoned=r.summoned,
            present=r.present,
            absent=r.absent,
            issued=r.issued,
            collected=r.collected,
            valid=r.valid,
            invalid=r.invalid,
        )
        block.append(Paragraph(text(counts), st.indent))
        if not r.quorum:
            block.append(Paragraph(f"<b>{text(M.quorum_line(r))}</b>", warn))
        block.append(Paragraph(f"<i>{text(M.base_heading(r))}</i>", st.indent))
        story.append(KeepTogether(block))
        story += [Paragraph(f"- {text(line)}", line_style) for line in M.nominee_lines(r)]
        story += [Paragraph(f"- {text(p)}", warn) for p in M.problem_lines(r)]
        story.append(Paragraph(text(L.CHECK_CODE.format(code=data.check_code)), st.indent))

    marks = {d.meeting.secrecy for d in items}
    secrecy = next((s for s in _SECRECY_RANK if s in marks), Secrecy.NONE)
    furniture = Furniture(
        layout=layout,
        secrecy=secrecy_text(secrecy),
        footer=L.AUDIT_HEAD.format(head=first.audit_head_short),
        watermark=any(d.is_test for d in items),
        copy_label=False,
    )
    build(document(out, layout, furniture, f"{L.SUMMARY_TITLE} — {meeting.title}"), story, furniture)
