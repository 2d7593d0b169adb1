"""The ballot-entry log annex (nhật ký nhập phiếu, SPEC §7): every counted ballot's marks.

Ballots are printed in a random order and numbered 1..n, never with their serials, so the annex
cannot be matched to the paper ballots or the order they were entered in (SPEC §5, secrecy).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from vote_counter.documents import labels as L
from vote_counter.documents import minutes_data as M
from vote_counter.documents.fonts import SERIF, pdf_text
from vote_counter.documents.minutes_pdf import (
    HEADER_FILL,
    Furniture,
    Layout,
    build,
    document,
    header_block,
    make_styles,
    secrecy_text,
    text,
)
from vote_counter.domain.model import AGREE, CHOSEN, BallotMarks, Nominee, NomineeId, RoundKind
from vote_counter.domain.rules import classify

ANNEX_LAYOUT = Layout(left=30 * mm, right=15 * mm, top=25 * mm, bottom=20 * mm, body_size=12, pagesize=landscape(A4))
NO_W = 12 * mm
MARK_W = 8 * mm
NOTE_W = 52 * mm
CELL_SIZE = 8.5


def _mark(kind: RoundKind, boxes: frozenset[int]) -> str:
    if kind is RoundKind.NOMINATION:
        return L.NOMINATION_MARK if CHOSEN in boxes else ""
    if not boxes:
        return L.NO_MARK
    if kind is RoundKind.APPROVAL:
        return ",".join(L.APPROVAL_MARKS[0 if b == AGREE else 1] for b in sorted(boxes))
    return ",".join(str(b + 1) for b in sorted(boxes))


def _legend(kind: RoundKind, level_labels: Sequence[str]) -> str:
    codes = "; ".join(f"{i} = {label}" for i, label in enumerate(level_labels, start=1))
    return L.ANNEX_LEGEND[kind].format(codes=codes)


def _note(marks: BallotMarks, data: M.MinutesData, ids: Sequence[NomineeId], numbers: dict[NomineeId, int]) -> str:
    validity = classify(marks, data.round, ids)
    parts = []
    if not validity.valid:
        reasons = ", ".join(L.INVALID_REASON[r] for r in L.REASON_ORDER if r in validity.reasons)
        parts.append(L.ANNEX_INVALID.format(reasons=reasons))
    elif validity.void_rows:
        rows = ", ".join(str(numbers[n]) for n in sorted(validity.void_rows, key=lambda n: numbers[n]))
        parts.append(f"{L.ANNEX_VOID_ROW}: {rows}")
    if marks.write_ins:
        parts.append(L.ANNEX_WRITE_INS.format(names=", ".join(marks.write_ins)))
    return "; ".join(parts)


def _block_table(rows: list[list[Any]], first: int, cols_marks: int, note_style: ParagraphStyle) -> Table:
    header = [L.COL_NO, *[str(first + k) for k in range(cols_marks)], L.ANNEX_NOTE_COL]
    data: list[list[Any]] = [[pdf_text(h) for h in header]]
    for row in rows:
        marks = row[1 : 1 + cols_marks]
        note = row[-1]
        data.append([row[0], *(pdf_text(m) for m in marks), Paragraph(text(note), note_style) if note else ""])
    table = Table(data, colWidths=[NO_W, *[MARK_W] * cols_marks, NOTE_W], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
                ("LEADING", (0, 0), (-1, -1), CELL_SIZE * 1.15),
                ("ALIGN", (0, 0), (-2, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def render_entry_log(
    data: M.MinutesData,
    entries: Sequence[BallotMarks],
    nominees: Sequence[Nominee],
    out: BinaryIO,
    *,
    rng: random.Random,
) -> None:
    """Write the annex PDF: the entries shuffled with `rng`, numbered 1..n, no serials."""
    layout = ANNEX_LAYOUT
    st = make_styles(layout.body_size)
    kind = data.round.kind
    people = sorted((n for n in nominees if n.id is not None), key=lambda n: (n.order, n.id))
    ids: list[NomineeId] = [n.id for n in people if n.id is not None]
    numbers = {nid: i for i, nid in enumerate(ids, start=1)}
    shuffled = list(entries)
    rng.shuffle(shuffled)

    rows = [
        [str(i), *(_mark(kind, marks.rows.get(nid, frozenset())) for nid in ids), _note(marks, data, ids, numbers)]
        for i, marks in enumerate(shuffled, start=1)
    ]

    note_style = ParagraphStyle("note", parent=st.small, fontSize=CELL_SIZE - 0.5, leading=(CELL_SIZE - 0.5) * 1.15)
    story: list[Flowable] = [
        header_block(data.meeting, M.document_number(data), M.date_line(data), st, layout.width),
        Spacer(1, 4 * mm),
        Paragraph(f"<b>{text(L.ANNEX_TITLE)}</b>", st.title),
        Paragraph(text(L.ANNEX_SUBTITLE.format(code=data.check_code)), st.center),
    ]
    story += [Paragraph(text(s), st.center) for s in M.subtitle_lines(data)]
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(text(L.ANNEX_NOTE), st.body))
    story.append(Paragraph(text(_legend(kind, data.round.level_labels)), st.body))
    story.append(Paragraph(text(L.ANNEX_COUNT.format(n=len(rows))), st.body))
    names = "; ".join(f"{numbers[n.id]}. {n.full_name}" for n in people if n.id is not None)
    story.append(Paragraph(text(names), st.small))
    story.append(Spacer(1, 3 * mm))

    per_block = max(1, int((layout.width - NO_W - NOTE_W) // MARK_W))
    for start in range(0, max(len(ids), 1), per_block):
        count = min(per_block, len(ids) - start)
        block_rows = [[r[0], *r[1 + start : 1 + start + count], r[-1]] for r in rows]
        story.append(_block_table(block_rows, start + 1, count, note_style))
        story.append(Spacer(1, 4 * mm))

    furniture = Furniture(
        layout=layout,
        secrecy=secrecy_text(data.meeting.secrecy),
        footer=M.footer_line(data),
        watermark=data.is_test,
        copy_label=False,
    )
    build(document(out, layout, furniture, f"{L.ANNEX_TITLE} — {data.round.title}"), story, furniture)
