"""How fast ballots print: 1,000 ballots × 20 nominees into one PDF (SPEC §10: "in seconds").

Compares `render_ballots` with a fair baseline (issue 15): a bare ReportLab canvas doing the same work the
plain way an expert would, with no layout objects or helpers: positions computed once beforehand, the
unchanging page drawn once as a form and reused, the QR matrix built with the same library and drawn as one
path of horizontal runs, the serial drawn per ballot. (The earlier baseline redrew the whole page and each
QR module separately for every ballot, which made the product look 2.5× faster than a bare canvas.)
Product and baseline runs are interleaved; medians with p10–p90.

    .venv/bin/python benchmarks/bench_ballots.py [--ballots 1000] [--nominees 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import unicodedata
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

from vote_counter.documents import ballot_texts as texts
from vote_counter.documents.ballot_layout import BallotLayout
from vote_counter.documents.ballots import PageFormat, PrintedBallot, ballot_layout, render_ballots
from vote_counter.documents.fonts import register_fonts
from vote_counter.documents.page_items import PT_PER_MM, Align, text_width
from vote_counter.domain.model import (
    HeaderStyle,
    Meeting,
    MeetingId,
    Mode,
    Nominee,
    NomineeId,
    Round,
    RoundId,
    RoundKind,
)
from vote_counter.domain.serials import format_serial, make_payload, new_round_key, new_serial

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stats import interleave, machine, ratio, timed

ROUND_CODE = "104857"
NAMES = ("Nguyễn Thị Ánh Tuyết", "Trần Đức Ưng", "Lê Văn Hưởng", "Phạm Ngọc Thạch", "Đỗ Mạnh Hùng")
POSITIONS = ("Giám đốc Sở", "Phó Giám đốc Sở", "Chánh Văn phòng", "Trưởng phòng Tổ chức cán bộ")


def build(nominee_count: int, ballot_count: int) -> tuple[Meeting, Round, list[Nominee], list[PrintedBallot]]:
    meeting = Meeting(
        MeetingId(1), "Hội nghị cán bộ chủ chốt", "Sở Tư pháp tỉnh Quảng Ngãi",
        parent_body="Ủy ban nhân dân tỉnh Quảng Ngãi", date=dt.date(2025, 3, 12), header_style=HeaderStyle.STATE,
    )  # fmt: skip
    round_ = Round(RoundId(1), MeetingId(1), "Lấy phiếu tín nhiệm", RoundKind.CONFIDENCE, code=ROUND_CODE)
    nominees = [
        Nominee(NomineeId(i), RoundId(1), f"{NAMES[i % len(NAMES)]} {i + 1}", current_position=POSITIONS[i % 4])
        for i in range(nominee_count)
    ]
    key = new_round_key()
    serials = [new_serial() for _ in range(ballot_count)]
    ballots = [PrintedBallot(s, make_payload(ROUND_CODE, s, Mode.LIVE, key)) for s in serials]
    return meeting, round_, nominees, ballots


def flatten(layout: BallotLayout) -> list[tuple[list[tuple[object, ...]], tuple[float, float, float]]]:
    """Per page: the drawing operations in points, and where the QR goes (x, top, size)."""
    pages = []
    for page in layout.pages:
        ops: list[tuple[object, ...]] = []
        items = ([page.watermark] if page.watermark else []) + list(page.texts)
        for item in items:
            text = unicodedata.normalize("NFC", item.text)
            shift = {Align.LEFT: 0.0, Align.CENTRE: 0.5, Align.RIGHT: 1.0}[item.align] * text_width(
                text, item.font, item.size
            )
            ops.append(("text", item.font, item.size, (item.x - shift) * PT_PER_MM, item.y * PT_PER_MM, text))
        for line in page.lines:
            ops.append(("line", line.x1 * PT_PER_MM, line.y1 * PT_PER_MM, line.x2 * PT_PER_MM, line.y2 * PT_PER_MM))
        for box in page.boxes:
            r = box.rect
            ops.append(("box", r.x * PT_PER_MM, r.y * PT_PER_MM, r.w * PT_PER_MM, r.h * PT_PER_MM))
        for f in page.fiducial_rects:
            ops.append(("fill", f.x * PT_PER_MM, f.y * PT_PER_MM, f.w * PT_PER_MM, f.h * PT_PER_MM))
        qr = (page.qr.x * PT_PER_MM, page.qr.top * PT_PER_MM, page.qr.w * PT_PER_MM)
        pages.append((ops, qr))
    return pages


def baseline(layout: BallotLayout, ballots: list[PrintedBallot]) -> bytes:
    """The same content on a bare canvas: static page as a form once, per ballot the QR as one path."""
    pages = flatten(layout)
    serial = layout.pages[0].serial
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(layout.width * PT_PER_MM, layout.height * PT_PER_MM), pageCompression=1)
    forms = []
    for index, (ops, _qr) in enumerate(pages):
        name = f"page{index}"
        canvas.beginForm(name)
        for op in ops:
            if op[0] == "text":
                canvas.setFont(op[1], op[2])
                canvas.drawString(op[3], op[4], op[5])
            elif op[0] == "line":
                canvas.line(*op[1:])
            elif op[0] == "box":
                canvas.rect(*op[1:], stroke=1, fill=0)
            else:
                canvas.rect(*op[1:], stroke=0, fill=1)
        canvas.endForm()
        forms.append(name)
    for ballot in ballots:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=4)
        code.add_data(ballot.payload)
        code.make(fit=True)
        matrix = code.get_matrix()
        serial_text = texts.serial_line(format_serial(ballot.serial))
        for name, (_ops, (qx, qtop, qsize)) in zip(forms, pages, strict=True):
            canvas.doForm(name)
            module = qsize / len(matrix)
            path = canvas.beginPath()
            for row, line in enumerate(matrix):
                column = 0
                while column < len(line):
                    if line[column]:
                        start = column
                        while column < len(line) and line[column]:
                            column += 1
                        path.rect(qx + start * module, qtop - (row + 1) * module, (column - start) * module, module)
                    else:
                        column += 1
            canvas.drawPath(path, stroke=0, fill=1)
            canvas.setFont(serial.font, serial.size)
            canvas.drawCentredString(serial.x * PT_PER_MM, serial.y * PT_PER_MM, serial_text)
            canvas.showPage()
    canvas.save()
    return out.getvalue()


def qr_only(ballots: list[PrintedBallot]) -> None:
    for ballot in ballots:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=4)
        code.add_data(ballot.payload)
        code.make(fit=True)
        code.get_matrix()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=1000)
    parser.add_argument("--nominees", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    register_fonts()
    meeting, round_, nominees, ballots = build(args.nominees, args.ballots)
    layout = ballot_layout(meeting, round_, nominees, PageFormat.A4_PORTRAIT)
    sizes: dict[str, int] = {}

    def ours() -> None:
        out = io.BytesIO()
        render_ballots(meeting, round_, nominees, ballots, out, page_format=PageFormat.A4_PORTRAIT)
        sizes["ours"] = len(out.getvalue())

    def bare() -> None:
        sizes["bare"] = len(baseline(layout, ballots))

    product, base, qr = interleave(
        args.runs,
        ("render_ballots (layout included)", timed(ours)),
        ("bare canvas baseline (form + QR path)", timed(bare)),
        ("of which: QR matrices (qrcode library)", timed(lambda: qr_only(ballots))),
    )
    n = len(ballots)
    print(f"machine: {machine()}")
    print(f"ballots: {n} × {len(nominees)} nominees, {len(layout.pages)} page(s) each, A4 portrait")
    print(product.line("s") + f"   {n / product.p50:7.1f} ballots/s  {sizes['ours'] / 1e6:.2f} MB")
    print(base.line("s") + f"   {n / base.p50:7.1f} ballots/s  {sizes['bare'] / 1e6:.2f} MB")
    print(qr.line("s") + f"   ({qr.p50 / product.p50:.0%} of render_ballots)")
    print(f"ratio render_ballots / baseline (time, medians): {ratio(product, base):.2f}×")


if __name__ == "__main__":
    main()
