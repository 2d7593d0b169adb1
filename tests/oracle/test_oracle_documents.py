"""The minutes (PDF, DOCX) and the results workbook (XLSX) say what the oracle says.

Generated boundary rounds are counted by the product and printed; the expected words, numbers and percentages
come from tests/oracle/oracle.py and from the paper's fixed wording written out below, never from the product's
Result. A product that called exactly 50 % "trên 50%", or rounded 12,345 % down, fails here on paper.
"""

from __future__ import annotations

import io
import random
import re
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from helpers.minutes_fixtures import AUDIT_HEAD, CLOSED_AT, COUNTED_AT, board, meeting

from tests.oracle import oracle
from tests.oracle.product import to_counts, to_marks, to_nominees, to_round
from tests.oracle.rounds import Generated, generate
from vote_counter.documents.minutes_data import MinutesData
from vote_counter.documents.minutes_docx import write_minutes_docx
from vote_counter.documents.minutes_pdf import render_minutes
from vote_counter.documents.results_xlsx import write_results_xlsx
from vote_counter.domain import canonical
from vote_counter.domain.model import HeaderStyle
from vote_counter.domain.rules import decide, tally

# The paper's wording for each outcome (SPEC §4.5–4.7 and the minutes' layout), written out here on purpose.
PRINTED = {
    oracle.BAND_OVER_HALF: "trên 50% đến dưới 2/3 phiếu tín nhiệm thấp",
    oracle.BAND_TWO_THIRDS: "từ 2/3 phiếu tín nhiệm thấp trở lên",
    # Issue 13: one dash per line, the conclusion in lower case after it, and a selected person "được giới thiệu".
    oracle.APPROVED: "đạt trên 50%, được thông qua",
    oracle.HALF: "đạt 50%, người đứng đầu quyết định",
    oracle.NOT_APPROVED: "không đạt trên 50%, không được thông qua",
    oracle.SELECTED: "đạt trên 50%, được giới thiệu",
    oracle.FORWARD: "được giới thiệu sang bước tiếp theo",
    oracle.TIED: "ngang phiếu, người đứng đầu xem xét, quyết định",
}
BASE_WORDS = {
    "collected": "phiếu thu về",
    "summoned": "người được triệu tập",
    "present": "người có mặt",
    "issued": "phiếu phát ra",
    "valid": "phiếu hợp lệ",
}
NO_BAND = "Không có người nào có trên 50% phiếu tín nhiệm thấp."
NO_SELECTION = "Không có người nào đạt trên 50%."
QUORUM_SHORT = "ít hơn 2/3 — không đủ điều kiện tiến hành bỏ phiếu"


def exactly_half(out: oracle.Outcome) -> bool:
    """Someone sits exactly on 50 % of the base: the edge a wrong "≥" would cross."""
    b = out.base_value
    return any(2 * x.counts[oracle.LOW if len(x.counts) == 3 else 0] == b for x in out.lines)


def pick(kind: str, need: set[str | None], seed: int, *, half: bool = False) -> tuple[Generated, oracle.Outcome]:
    """The first seeded round of `kind` whose outcome (by the oracle) shows every word in `need`."""
    for n in range(5000):
        g = generate(random.Random(seed + n), kind)
        out = oracle.count(g.setup, g.papers)
        said = {x.band or x.approval or x.selection for x in out.lines} | ({"no quorum"} if not out.quorum else set())
        distinct = len(set(g.setup.names)) == len(g.setup.names)  # rows are found by name below
        if need <= said and out.base_value > 0 and len(g.papers) >= 6 and distinct and (exactly_half(out) or not half):
            return g, out
    raise AssertionError(f"no generated {kind} round shows {need}")


CASES: dict[str, tuple[str, set[str | None], bool]] = {
    "confidence, both bands": ("confidence", {oracle.BAND_OVER_HALF, oracle.BAND_TWO_THIRDS, None}, False),
    "confidence, exactly half": ("confidence", {oracle.BAND_OVER_HALF, None}, True),
    "confidence, below quorum": ("confidence", {"no quorum", oracle.BAND_OVER_HALF}, False),
    "approval, exactly half": ("approval", {oracle.HALF, oracle.APPROVED, oracle.NOT_APPROVED}, True),
    "nomination, tie at the cut-off": ("nomination", {oracle.TIED, oracle.FORWARD}, False),
    "nomination, exactly half": ("nomination", {oracle.FORWARD}, True),
    "nomination, selected": ("nomination", {oracle.SELECTED}, False),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def printed(request: pytest.FixtureRequest) -> tuple[Generated, oracle.Outcome, MinutesData]:
    kind, need, half = CASES[request.param]
    g, out = pick(kind, need, seed=1000 * sorted(CASES).index(request.param), half=half)
    round_ = to_round(g.setup)
    nominees = to_nominees(g.setup)
    ids = [n.id for n in nominees if n.id is not None]
    result = decide(round_, nominees, to_counts(g.setup), tally(round_, nominees, [to_marks(p, ids) for p in g.papers]))
    data = MinutesData(
        meeting=meeting(HeaderStyle.STATE),
        round=round_,
        board=board(3),
        result=result,
        check_code=canonical.check_code(result),
        audit_head=AUDIT_HEAD,
        counted_at=COUNTED_AT,
        closed_at=CLOSED_AT,
        document_number="",
    )
    return g, out, data


def outcome_sentences(g: Generated, out: oracle.Outcome) -> list[str]:
    """The conclusion lines the minutes must carry, from the oracle's outcome."""
    b = out.base_value
    if g.setup.kind == "confidence":
        lines = [
            f"{x.name}: {x.counts[oracle.LOW]} phiếu tín nhiệm thấp ({oracle.percent_text(x.counts[oracle.LOW], b)})"
            f" — {PRINTED[x.band]}."
            for x in out.lines
            if x.band
        ]
        return lines or [NO_BAND]
    if g.setup.kind == "approval":
        return [
            f"{x.name}: {x.counts[oracle.AGREE]} phiếu đồng ý ({oracle.percent_text(x.counts[oracle.AGREE], b)})"
            f" — {PRINTED[x.approval]}."
            for x in out.lines
            if x.approval
        ]
    lines = [] if any(x.selection == oracle.SELECTED for x in out.lines) else [NO_SELECTION]
    for x in out.lines:
        if x.selection:
            name = x.name if x.index is not None else f"{x.name} (ghi thêm)"
            lines.append(
                f"{name}: {x.counts[0]} phiếu ({oracle.percent_text(x.counts[0], b)}) — {PRINTED[x.selection]}."
            )
    return lines


def unbanded(g: Generated, out: oracle.Outcome) -> list[str]:
    """People who must have no conclusion line at all (no band / no selection)."""
    if g.setup.kind == "approval":
        return []
    return [x.name for x in out.lines if not (x.band or x.selection) and x.index is not None]


def pdf_text(data: MinutesData, tmp_path: Path) -> str:
    buf = io.BytesIO()
    render_minutes(data, buf, copies=1)
    path = tmp_path / "bien_ban.pdf"
    path.write_bytes(buf.getvalue())
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    return re.sub(r"\s+", " ", out.decode("utf-8"))


def docx_text(data: MinutesData) -> tuple[str, list[list[str]]]:
    buf = io.BytesIO()
    write_minutes_docx(data, buf)
    doc = docx.Document(io.BytesIO(buf.getvalue()))
    text = re.sub(r"\s+", " ", " ".join(p.text for p in doc.paragraphs))
    rows = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    return text, rows


def test_minutes_pdf_says_what_the_oracle_says(
    printed: tuple[Generated, oracle.Outcome, MinutesData], tmp_path: Path
) -> None:
    g, out, data = printed
    text = pdf_text(data, tmp_path)
    for sentence in outcome_sentences(g, out):
        assert sentence in text, sentence
    for name in unbanded(g, out):
        assert f"{name}: " not in text.split("Kết luận")[-1], name
    assert f"Tỷ lệ % trên tổng số {BASE_WORDS[out.base]}" in text
    assert (QUORUM_SHORT in text) == (not out.quorum)
    for label, n in (("Số phiếu hợp lệ", out.valid), ("Số phiếu không hợp lệ", out.invalid)):
        assert f"{label}: {n} phiếu" in text


def test_minutes_docx_says_what_the_oracle_says(printed: tuple[Generated, oracle.Outcome, MinutesData]) -> None:
    g, out, data = printed
    text, rows = docx_text(data)
    for sentence in outcome_sentences(g, out):
        assert sentence in text, sentence
    table = {r[1]: r[2:] for r in rows if len(r) > 2 and r[0].isdigit()}
    for x in out.lines:
        if x.index is None:
            continue
        cells = table[x.name]
        for c in x.counts:
            assert str(c) in cells
        for c in x.counts:
            assert oracle.percent_text(c, out.base_value) in cells
        if g.setup.kind == "approval":
            assert str(x.not_counted) in cells


def test_results_workbook_says_what_the_oracle_says(printed: tuple[Generated, oracle.Outcome, MinutesData]) -> None:
    g, out, data = printed
    buf = io.BytesIO()
    write_results_xlsx([data], buf)
    sheet = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).worksheets[1]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    by_name = {r[1]: r for r in rows if isinstance(r[0], int) and r[1]}
    b = out.base_value
    for x in out.lines:
        row = by_name[x.name if x.index is not None else next(k for k in by_name if str(k).startswith(x.name))]
        numbers = [v for v in row[2:] if isinstance(v, int | float) and not isinstance(v, bool)]
        for c in x.counts:
            assert c in numbers
            # Stored as a number formatted "0.00%": exactly part/base, not a rounded display value.
            assert any(abs(v - c / b) < 1e-12 for v in numbers), (x.name, c, b, numbers)
        words = x.band or x.approval or x.selection
        assert (PRINTED[words] if words else None) in row[2:], (x.name, row)
    flat = " ".join(str(r[0]) for r in rows if r and r[0])
    for sentence in outcome_sentences(g, out):
        assert sentence in flat, sentence
    assert (QUORUM_SHORT in flat) == (not out.quorum)
