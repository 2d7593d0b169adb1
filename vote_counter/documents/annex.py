"""The ballot-entry log annex (nhật ký nhập phiếu, SPEC §7): every counted ballot's marks.

Ballots are printed in a random order and numbered 1..n, never with their serials, so the annex
cannot be matched to the paper ballots or the order they were entered in (SPEC §5, secrecy).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from vote_counter.documents import labels as L
from vote_counter.documents import minutes_data as M
from vote_counter.documents.fonts import SERIF, pdf_text
from vote_counter.documents.minutes_pdf import (
    centred,
    header_block,
    make_styles,
    secrecy_text,
    signature_table,
    text,
)
from vote_counter.documents.pdf_pages import (
    HEADER_FILL,
    Furniture,
    Layout,
    SetCopy,
    build,
    document,
)
from vote_counter.documents.typescale import scale
from vote_counter.domain.model import AGREE, CHOSEN, BallotMarks, Nominee, NomineeId, Reason, RoundKind
from vote_counter.domain.rules import classify

ANNEX_LAYOUT = Layout(left=30 * mm, right=15 * mm, top=25 * mm, bottom=20 * mm, body_size=12, pagesize=landscape(A4))
NO_W = 12 * mm
MARK_W = 8 * mm
NOTE_W = 52 * mm
CELL_SIZE = 8.5  # not regulated: a table of marks, dense by nature
ANNEX_BODY = 12  # the annex's running text: one step under the minutes' body, it is a table document


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


def _block_table(
    rows: list[list[Any]], first: int, cols_marks: int, note_style: ParagraphStyle, width: float, size: float
) -> Table:
    """One block of up to `per_block` people; every block is the full frame width, so the blocks line up."""
    header = [L.COL_NO, *[str(first + k) for k in range(cols_marks)], L.ANNEX_NOTE_COL]
    data: list[list[Any]] = [[pdf_text(h) for h in header]]
    for row in rows:
        marks = row[1 : 1 + cols_marks]
        note = row[-1]
        data.append([row[0], *(pdf_text(m) for m in marks), Paragraph(text(note), note_style) if note else ""])
    note_w = width - NO_W - cols_marks * MARK_W
    table = Table(data, colWidths=[NO_W, *[MARK_W] * cols_marks, note_w], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("FONTSIZE", (0, 0), (-1, -1), size),
                ("LEADING", (0, 0), (-1, -1), size * 1.15),
                ("ALIGN", (0, 0), (-2, -1), "CENTER"),
                ("ALIGN", (-1, 0), (-1, 0), "CENTER"),
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
    set_aside: Sequence[frozenset[Reason]] = (),
    copies: int = 3,
) -> None:
    """Write the annex PDF: the entries shuffled with `rng`, numbered 1..n, no serials; `copies` numbered copies
    (one per copy of the minutes it goes with), each with its own title, the reconciliation and the signatures."""
    layout = ANNEX_LAYOUT
    st = make_styles(scale(data.meeting.header_style), ANNEX_BODY)
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

    note_style = ParagraphStyle(
        "note", parent=st.small, fontSize=CELL_SIZE - 0.5, leading=(CELL_SIZE - 0.5) * 1.15, alignment=TA_LEFT
    )
    left = ParagraphStyle("left", parent=st.body, alignment=TA_LEFT)
    small_left = ParagraphStyle("small_left", parent=st.small, alignment=TA_LEFT)
    label = ParagraphStyle("annex_label", parent=st.title, fontSize=st.scale.appendix_label, spaceAfter=0)

    def story() -> list[Flowable]:
        parts: list[Flowable] = [
            header_block(data.meeting, "", "", st, layout.width, data.issuer),
            Spacer(1, 3 * mm),
            Paragraph(f"<b>{text(L.ANNEX_LABEL)}</b>", label),
            Paragraph(f"<b>{text(L.ANNEX_TITLE)}</b>", st.title),
            Paragraph(f"<i>{text(annex_subtitle(data))}</i>", st.center),
        ]
        parts += [centred(s, st.center, layout.width) for s in M.subtitle_lines(data)]
        parts.append(Spacer(1, 3 * mm))
        parts.append(Paragraph(text(L.ANNEX_NOTE), left))
        parts.append(Paragraph(text(_legend(kind, data.round.level_labels)), left))
        parts.append(Paragraph(text(reconcile_line(data, len(rows), set_aside)), left))
        if data.result.invalid_reasons:
            every = "; ".join(f"{r}: {n}" for r, n in M.reason_lines(data.result))
            parts.append(Paragraph(text(L.ANNEX_ALL_REASONS.format(reasons=every)), left))
        names = "; ".join(f"{numbers[n.id]}. {n.full_name}" for n in people if n.id is not None)
        parts.append(Paragraph(text(names), small_left))
        parts.append(Spacer(1, 3 * mm))
        per_block = max(1, int((layout.width - NO_W - NOTE_W) // MARK_W))
        for start in range(0, max(len(ids), 1), per_block):
            count = min(per_block, len(ids) - start)
            block_rows = [[r[0], *r[1 + start : 1 + start + count], r[-1]] for r in rows]
            parts.append(_block_table(block_rows, start + 1, count, note_style, layout.width, CELL_SIZE))
            parts.append(Spacer(1, 4 * mm))
        parts.append(KeepTogether([Spacer(1, 2 * mm), signature_table(data, st, layout.width)]))
        return parts

    full: list[Flowable] = []
    for copy in range(1, copies + 1):
        if copy > 1:
            full.append(PageBreak())
        full.append(SetCopy(copy))
        full += story()
    furniture = Furniture(
        layout=layout,
        secrecy=secrecy_text(data.meeting.secrecy),
        footer=M.footer_line(data),
        watermark=data.is_test,
        copies=copies,
        scale=st.scale,
    )
    title = f"{L.ANNEX_LABEL} {L.ANNEX_TITLE} — {data.round.title}"
    build(document(out, layout, furniture, title, data.issuer, annex_subtitle(data)), full, furniture)


def annex_subtitle(data: M.MinutesData) -> str:
    """Its own title: which minutes it goes with (their number and date), not their number as its own."""
    return L.ANNEX_SUBTITLE.format(
        number=M.document_number(data).replace("Số: ", "số ").replace("Số ", "số "),
        date=M.long_date(data.counted_at.date()),
        code=data.check_code,
    )


def reconcile_line(data: M.MinutesData, entered: int, set_aside: Sequence[frozenset[Reason]]) -> str:
    """Entered + set aside = collected: the set-aside ballots (not issued, duplicates) are named, not hidden."""
    collected = data.round.counts.collected if data.round.counts.collected is not None else data.result.collected
    if not set_aside:
        return L.ANNEX_RECONCILE_NONE.format(collected=collected, entered=entered)
    counts = M.decisive_counts(list(set_aside))
    reasons = "; ".join(f"{L.INVALID_REASON[r]}: {n}" for r, n in counts.items())
    return L.ANNEX_RECONCILE.format(
        collected=collected, entered=entered, set_aside=len(set_aside), reasons=reasons, total=entered + len(set_aside)
    )
