"""How long the results documents of a large round take, against a bare-canvas baseline.

A 60-nominee confidence round with 600 ballots: the minutes PDF (3 copies), the DOCX and the
XLSX. The baseline draws the same strings with a bare ReportLab canvas on the same number of
pages, so the ratio shows what layout (tables, paragraphs, two passes) costs over raw drawing.

Run: .venv/bin/python benchmarks/bench_minutes.py
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from helpers.minutes_fixtures import build

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stats import interleave, machine, timed

from vote_counter.documents import labels as L
from vote_counter.documents import minutes_data as M
from vote_counter.documents.fonts import SERIF, pdf_text, register_fonts
from vote_counter.documents.minutes_docx import write_minutes_docx
from vote_counter.documents.minutes_pdf import render_minutes
from vote_counter.documents.results_xlsx import write_results_xlsx
from vote_counter.domain.model import RoundKind

REPEATS = 5


def minutes_strings(data: M.MinutesData) -> list[str]:
    """Every string one copy of the minutes prints."""
    r = data.result
    spec = M.results_table(r)
    out = [M.document_number(data), M.date_line(data), L.TITLE, *M.subtitle_lines(data)]
    out += [M.counting_time_line(data), *M.board_lines(data), L.COUNTS_INTRO]
    out += [f"- {label}: {value} {unit}" for label, value, unit in M.count_lines(r)]
    out += [f"+ {label}: {n}" for label, n in M.reason_lines(r)]
    out += [M.quorum_line(r), spec.base_heading, *(c for row in spec.header for c in row if c)]
    out += [c for row in spec.rows for c in row]
    out += [*M.outcome_lines(r), *M.problem_lines(r), M.closing_line(data, 4, 3)]
    out += [s for pair in M.signatures(data) for s in (*pair, L.SIGN_HINT)]
    out += [L.RECIPIENTS, *data.recipients]
    return out


def baseline(strings: list[str], pages: int, out: io.BytesIO) -> None:
    register_fonts()
    canv = Canvas(out, pagesize=A4, invariant=1)
    per_page = -(-len(strings) // pages)
    for p in range(pages):
        canv.setFont(SERIF, 12)
        y = A4[1] - 72
        for s in strings[p * per_page : (p + 1) * per_page]:
            canv.drawString(85, y, pdf_text(s))
            y -= 2
        canv.showPage()
    canv.save()


def main() -> None:
    start = time.perf_counter()
    built = build(RoundKind.CONFIDENCE, nominees=60, ballots=600, summoned=700, present=650)
    data = built.data
    setup = time.perf_counter() - start
    register_fonts()

    pdf = io.BytesIO()
    per_copy = render_minutes(data, pdf)
    strings = minutes_strings(data) * 3
    # Interleaved (issue 15): each round runs all four, in alternating order.
    pdf_s, docx_s, xlsx_s, base_s = interleave(
        REPEATS,
        ("minutes PDF (3 copies)", timed(lambda: render_minutes(data, io.BytesIO()))),
        ("minutes DOCX", timed(lambda: write_minutes_docx(data, io.BytesIO()))),
        ("results XLSX", timed(lambda: write_results_xlsx([data], io.BytesIO()))),
        ("baseline canvas", timed(lambda: baseline(strings, 3 * per_copy, io.BytesIO()))),
    )
    t_pdf, t_docx, t_xlsx, t_base = pdf_s.p50, docx_s.p50, xlsx_s.p50, base_s.p50
    total = t_pdf + t_docx + t_xlsx
    print(f"machine: {machine()}")
    for summary in (pdf_s, docx_s, xlsx_s, base_s):
        print(summary.line())

    print("Kiểm Phiếu — results documents benchmark")
    print(f"round: confidence, 60 nominees, 600 ballots (+2 set aside); tally+decide+fixture {setup * 1000:.0f} ms")
    print(f"minutes PDF: {per_copy} pages per copy x 3 copies = {3 * per_copy} pages, {len(pdf.getvalue()):,} bytes")
    print(f"medians of {REPEATS} interleaved runs:")
    print(f"  minutes PDF (3 copies)   {t_pdf * 1000:8.1f} ms")
    print(f"  minutes DOCX             {t_docx * 1000:8.1f} ms")
    print(f"  results XLSX             {t_xlsx * 1000:8.1f} ms")
    print(f"  total                    {total * 1000:8.1f} ms")
    print(f"  baseline canvas          {t_base * 1000:8.1f} ms  ({len(strings)} strings on {3 * per_copy} pages)")
    print(f"  ratio PDF / baseline     {t_pdf / t_base:8.1f} x")
    print(f"  ratio all / baseline     {total / t_base:8.1f} x")


if __name__ == "__main__":
    main()
