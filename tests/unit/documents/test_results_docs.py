"""The editable minutes (DOCX), the results workbook (XLSX) and the ballot-entry log annex, read back."""

from __future__ import annotations

import io
import random
import re
import subprocess
from collections import Counter
from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from helpers.minutes_fixtures import build

from vote_counter.documents import labels as L
from vote_counter.documents.annex import render_entry_log
from vote_counter.documents.minutes_docx import write_minutes_docx
from vote_counter.documents.results_xlsx import safe_sheet_name, write_results_xlsx
from vote_counter.domain.model import AGREE, CHOSEN, DISAGREE, HeaderStyle, Mode, RoundKind
from vote_counter.domain.rules import NomineeResult, Result

KINDS = list(RoundKind)


def value_cells(result: Result, n: NomineeResult) -> list[str]:
    kind = result.round.kind
    if kind is RoundKind.CONFIDENCE:
        return [x for c, p in zip(n.counts, n.percents, strict=True) for x in (str(c), p.display)]
    if kind is RoundKind.APPROVAL:
        return [
            str(n.counts[AGREE]),
            n.percents[AGREE].display,
            str(n.counts[DISAGREE]),
            n.percents[DISAGREE].display,
            str(n.not_counted),
        ]
    return [str(n.counts[CHOSEN]), n.percents[CHOSEN].display]


# ---------------------------------------------------------------- DOCX


@pytest.mark.parametrize("style", list(HeaderStyle))
@pytest.mark.parametrize("kind", KINDS)
def test_docx_has_the_same_names_and_numbers(kind: RoundKind, style: HeaderStyle) -> None:
    data = build(kind, style).data
    result = data.result
    buf = io.BytesIO()
    write_minutes_docx(data, buf)
    doc = docx.Document(io.BytesIO(buf.getvalue()))
    text = "\n".join(p.text for p in doc.paragraphs)

    header, results, signatures = doc.tables
    head_text = " ".join(c.text for row in header.rows for c in row.cells)
    if style is HeaderStyle.STATE:
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head_text and "Số: ……/BB-STC" in head_text
    else:
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in head_text and "Số ……-BB/ĐU" in head_text
    assert "Hà Nội, ngày 22 tháng 11 năm 2026" in head_text

    assert "BIÊN BẢN KIỂM PHIẾU" in text
    assert "1. Đỗ Thị Thu Hà — Trưởng ban" in text
    for label, value in (
        ("Số người được triệu tập", result.summoned),
        ("Số người vắng mặt", result.absent),
        ("Số phiếu phát ra", result.issued),
        ("Số phiếu thu về", result.collected),
        ("Số phiếu hợp lệ", result.valid),
        ("Số phiếu không hợp lệ", result.invalid),
    ):
        assert re.search(rf"- {label}: {value} (người|phiếu)", text)
    for reason, count in result.invalid_reasons.items():
        assert f"+ {L.INVALID_REASON[reason]}: {count} phiếu" in text
    assert "Biên bản lập xong hồi 11 giờ 40 phút cùng ngày, gồm" in text

    rows = [[c.text for c in row.cells] for row in results.rows]
    assert rows[0][0] == f"{L.BASE_HEADING[result.base]} ({result.base_value})"
    body = [r for r in rows if r[0].isdigit()]
    assert [r[1] for r in body] == [n.name for n in result.nominees]
    for r, n in zip(body, result.nominees, strict=True):
        assert r[2:] == value_cells(result, n)
    header_rows = [
        row for row in results.rows if row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
    ]
    assert len(header_rows) == (2 if kind is RoundKind.NOMINATION else 3)

    sig_text = " ".join(c.text for row in signatures.rows for c in row.cells)
    assert sig_text.count("TRƯỞNG BAN KIỂM PHIẾU") == 1 and sig_text.count("THÀNH VIÊN") == 2
    assert sig_text.count("(Ký, ghi rõ họ tên)") == 3
    assert "Nơi nhận:" in text and "- Lưu: …… (…… bản)." in text

    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    assert abs(section.left_margin - Mm(30)) < Mm(0.5)
    footer = "".join(p.text for p in section.footer.paragraphs)
    assert f"Mã kiểm tra kết quả: {data.check_code}" in footer
    header_text = "".join(p.text for p in section.header.paragraphs)
    (box,) = section.header.tables  # MẬT in its box
    assert box.cell(0, 0).text == "MẬT"
    assert box._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top")).get(qn("w:val")) == "single"
    assert "Bản số: ……/03" in header_text

    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(attr)) == "Times New Roman"


def test_docx_no_quorum_and_test_round() -> None:
    data = build(RoundKind.APPROVAL, summoned=90, present=55, mode=Mode.TEST).data
    buf = io.BytesIO()
    write_minutes_docx(data, buf, pages=2)
    doc = docx.Document(io.BytesIO(buf.getvalue()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "CẢNH BÁO: Số người có mặt chỉ đạt 61,11%" in text
    assert "gồm 02 trang" in text  # the cached value of the NUMPAGES field
    assert L.TEST_WATERMARK in "".join(p.text for p in doc.sections[0].header.paragraphs)


# ---------------------------------------------------------------- XLSX


def test_xlsx_holds_numbers_with_formats() -> None:
    items = [build(kind, seed=i).data for i, kind in enumerate(KINDS)]
    buf = io.BytesIO()
    write_results_xlsx(items, buf)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames[0] == "Tổng hợp"
    assert len(wb.sheetnames) == 1 + len(items)

    summary = wb.worksheets[0]
    for i, data in enumerate(items):
        row = [c.value for c in summary[5 + i]]
        r = data.result
        assert row[0] == i + 1 and row[1] == data.round.title
        assert row[3:10] == [r.summoned, r.present, r.absent, r.issued, r.collected, r.valid, r.invalid]
        assert all(isinstance(v, int) for v in row[3:10])
        assert row[13] == data.check_code

    for ws, data in zip(wb.worksheets[1:], items, strict=True):
        result = data.result
        assert len(ws.title) <= 31
        by_name = {row[1].value: row for row in ws.iter_rows() if isinstance(row[0].value, int) and row[1].value}
        assert len(by_name) == len(result.nominees)
        for n in result.nominees:
            key = n.name if n.nominee_id is not None else f"{n.name} (ghi thêm)"
            cells = by_name[key][2:]
            if result.round.kind is RoundKind.CONFIDENCE:
                pairs = list(zip(n.counts, n.percents, strict=True))
            elif result.round.kind is RoundKind.APPROVAL:
                pairs = [(n.counts[AGREE], n.percents[AGREE]), (n.counts[DISAGREE], n.percents[DISAGREE])]
            else:
                pairs = [(n.counts[CHOSEN], n.percents[CHOSEN])]
            for k, (count, pct) in enumerate(pairs):
                count_cell, pct_cell = cells[2 * k], cells[2 * k + 1]
                assert isinstance(count_cell.value, int) and count_cell.value == count
                assert count_cell.number_format == "0"
                assert isinstance(pct_cell.value, (int, float))
                assert pct_cell.value == pytest.approx(float(pct.numerator) / pct.denominator, abs=1e-12)
                assert pct_cell.number_format == "0.00%"
            if result.round.kind is RoundKind.APPROVAL:
                assert cells[4].value == n.not_counted
        labels = {row[0].value: row[2].value for row in ws.iter_rows() if row[0].value}
        assert labels["Số phiếu hợp lệ"] == result.valid
        assert labels["Số phiếu không hợp lệ"] == result.invalid
        assert any(str(v).endswith(data.check_code) for v in labels)


def test_xlsx_sheet_names_are_safe_and_unique() -> None:
    base = build(RoundKind.NOMINATION).data
    long_title = "Giới thiệu nhân sự: Phó Giám đốc [Sở] / Trưởng phòng * Kế hoạch? rất dài"
    items = [replace(base, round=replace(base.round, title=long_title)) for _ in range(3)]
    buf = io.BytesIO()
    write_results_xlsx(items, buf)
    names = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).sheetnames
    assert len({n.casefold() for n in names}) == 4
    for name in names:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    taken: set[str] = set()
    assert safe_sheet_name("Tổng hợp", taken) == "Tổng hợp"
    assert safe_sheet_name("TỔNG HỢP", taken) == "TỔNG HỢP (2)"
    assert safe_sheet_name("'''", taken) == "Sheet"
    assert safe_sheet_name("History", taken) == "History (2)"


# ---------------------------------------------------------------- annex


def annex_text(pdf: bytes, tmp_path: Path, *, layout: bool = True) -> str:
    path = tmp_path / "annex.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    out = subprocess.run(args, check=True, capture_output=True)
    return out.stdout.decode("utf-8")


def marks_line(kind: RoundKind, rows: dict[int, frozenset[int]], ids: list[int]) -> tuple[str, ...]:
    out = []
    for nid in ids:
        boxes = rows.get(nid, frozenset())
        if kind is RoundKind.NOMINATION:
            out.append("X" if boxes else "")
        elif not boxes:
            out.append("—")
        elif kind is RoundKind.APPROVAL:
            out.append(",".join("ĐK"[b] for b in sorted(boxes)))
        else:
            out.append(",".join(str(b + 1) for b in sorted(boxes)))
    return tuple(x for x in out if x)


@pytest.mark.parametrize("kind", [RoundKind.CONFIDENCE, RoundKind.APPROVAL])
def test_annex_lists_each_ballot_once_shuffled_without_serials(kind: RoundKind, tmp_path: Path) -> None:
    built = build(kind, nominees=6, ballots=40)
    ids = [n.id for n in built.nominees if n.id is not None]

    def render(seed: int) -> str:
        buf = io.BytesIO()
        render_entry_log(built.data, built.entries, built.nominees, buf, rng=random.Random(seed), copies=1)
        return annex_text(buf.getvalue(), tmp_path)

    text = render(1)
    n = len(built.entries)
    assert f"số phiếu đã nhập (liệt kê dưới đây): {n}." in re.sub(r"\s+", " ", text)
    assert "Số phiếu:" not in text
    assert not re.search(r"\d{11,}", text.replace("-", ""))  # no serial, grouped or not
    rows = {}
    for line in text.splitlines():
        m = re.match(rf"\s*(\d+)((?:\s+(?:[123](?:,[123])*|Đ|K|Đ,K|—)){{{len(ids)}}})(\s|$)", line)
        if m:
            rows[int(m.group(1))] = tuple(m.group(2).split())
    assert sorted(rows) == list(range(1, n + 1))
    expected = Counter(marks_line(kind, dict(e.rows), ids) for e in built.entries)
    assert Counter(rows.values()) == expected  # the same ballots …
    order = [rows[i] for i in range(1, n + 1)]
    entered = [marks_line(kind, dict(e.rows), ids) for e in built.entries]
    assert order != entered  # … not in the order they were entered
    assert render(1) == text and render(2) != text


def test_annex_wide_round_splits_columns_and_marks_invalid(tmp_path: Path) -> None:
    built = build(RoundKind.CONFIDENCE, nominees=60, ballots=80)
    buf = io.BytesIO()
    render_entry_log(built.data, built.entries, built.nominees, buf, rng=random.Random(5), copies=1)
    text = annex_text(buf.getvalue(), tmp_path)
    words = re.sub(r"\s+", " ", annex_text(buf.getvalue(), tmp_path, layout=False))
    assert "Không hợp lệ: Đánh dấu không đúng quy định" in words
    assert "Không hợp lệ: Gạch tên" in words
    assert re.search(r"STT\s+1\s+2\s+3", text) and re.search(r"STT\s+24\s+25", text)
    pages = text.split("\f")[:-1]
    for i, page in enumerate(pages, start=1):
        assert f"Trang {i}/{len(pages)}" in page
        assert built.data.check_code in page
