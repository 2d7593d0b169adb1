"""The counting minutes PDF carries every element of SPEC §7, on the right pages, in all three copies."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from helpers.minutes_fixtures import build
from PIL import Image

from vote_counter.documents import labels as L
from vote_counter.documents.meeting_summary import render_meeting_summary
from vote_counter.documents.minutes_data import MinutesData
from vote_counter.documents.minutes_pdf import render_minutes
from vote_counter.domain.model import (
    AGREE,
    CHOSEN,
    DISAGREE,
    LOW_LEVEL,
    HeaderStyle,
    Mode,
    RoundKind,
    Secrecy,
)
from vote_counter.domain.rules import Result

KINDS = list(RoundKind)
STYLES = list(HeaderStyle)


def pdftotext(pdf: bytes, tmp_path: Path, *, layout: bool) -> list[str]:
    """Text per page, runs of blanks collapsed (justified lines have wide gaps)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    out = subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")
    pages = out.split("\f")[:-1]
    return [re.sub(r"[ \t]+", " ", p) for p in pages]


def flat(page: str) -> str:
    """One line: wrapped sentences read whole."""
    return re.sub(r"\s+", " ", page)


def render(data: MinutesData, copies: int = 3) -> tuple[bytes, int]:
    buf = io.BytesIO()
    pages = render_minutes(data, buf, copies=copies)
    return buf.getvalue(), pages


def table_row(result: Result, index: int) -> str:
    """The row as pdftotext -layout prints it: number, name, then every count and percentage."""
    n = result.nominees[index]
    kind = result.round.kind
    if kind is RoundKind.CONFIDENCE:
        cells = [x for c, p in zip(n.counts, n.percents, strict=True) for x in (str(c), p.display)]
    elif kind is RoundKind.APPROVAL:
        cells = [str(n.counts[AGREE]), n.percents[AGREE].display, str(n.counts[DISAGREE])]
        cells += [n.percents[DISAGREE].display, str(n.not_counted)]
    else:
        cells = [str(n.counts[CHOSEN]), n.percents[CHOSEN].display]
    return " ".join([str(index + 1), n.name, *cells])


def outcome_phrases(result: Result) -> list[str]:
    kind = result.round.kind
    if kind is RoundKind.CONFIDENCE:
        return [
            f"{n.name}: {n.counts[LOW_LEVEL]} phiếu tín nhiệm thấp ({n.percents[LOW_LEVEL].display}) — {L.BAND[n.band]}."
            for n in result.nominees
            if n.band is not None
        ]
    if kind is RoundKind.APPROVAL:
        return [
            f"{n.name}: {n.counts[AGREE]} phiếu đồng ý ({n.percents[AGREE].display}) — {L.APPROVAL[n.approval]}."
            for n in result.nominees
            if n.approval is not None
        ]
    return [
        f"{n.name}: {n.counts[CHOSEN]} phiếu ({n.percents[CHOSEN].display}) — {L.SELECTION[n.selection]}."
        for n in result.nominees
        if n.selection is not None and n.nominee_id is not None
    ]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("kind", KINDS)
def test_minutes_carry_every_element(kind: RoundKind, style: HeaderStyle, tmp_path: Path) -> None:
    built = build(kind, style)
    data, result = built.data, built.data.result
    pdf, per_copy = render(data)
    pages = pdftotext(pdf, tmp_path, layout=True)
    raw = pdftotext(pdf, tmp_path, layout=False)
    assert len(pages) == 3 * per_copy

    for i, page in enumerate(pages):
        copy, number = divmod(i, per_copy)
        head = page.strip("\n").split("\n")[:2]
        assert head[0].strip() == "MẬT"
        assert head[1].strip() == f"Bản số: {copy + 1:02d}/03"
        assert f"Bản số: {copy + 1:02d}/03" in page
        assert f"Trang {number + 1}/{per_copy}" in page
        assert f"Mã kiểm tra kết quả: {data.check_code}" in page
        assert data.audit_head[:16] in page

    for copy in range(3):
        first = pages[copy * per_copy]
        text = flat(" ".join(raw[copy * per_copy : (copy + 1) * per_copy]))
        layout_text = "\n".join(pages[copy * per_copy : (copy + 1) * per_copy])
        if style is HeaderStyle.STATE:
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
            assert "Độc lập - Tự do - Hạnh phúc" in first
            assert "Số: ……/BB-STC" in first
            assert "SỞ TÀI CHÍNH" in first
        else:
            assert "ĐẢNG CỘNG SẢN VIỆT NAM" in first
            assert "Số ……-BB/ĐU" in first
            assert "ĐẢNG ỦY SỞ TÀI CHÍNH" in first
            # 14 pt (HD 36) breaks the parent body in two balanced lines.
            assert all(word in first.split() for word in ["ĐẢNG", "BỘ", "THÀNH", "PHỐ", "HÀ", "NỘI"])
        assert "Hà Nội, ngày 22 tháng 11 năm 2026" in first
        assert "BIÊN BẢN KIỂM PHIẾU" in first
        assert data.round.title in text
        assert "Hồi 10 giờ 05 phút, ngày 22 tháng 11 năm 2026, tại Hội trường tầng 3, Hà Nội" in text
        assert "1. Đỗ Thị Thu Hà — Trưởng ban" in text
        assert "2. Ngô Quang Vinh — Thành viên" in text
        assert "3. Lương Thế Hiển — Thành viên" in text
        for label, value in (
            ("Số người được triệu tập", f"{result.summoned} người"),
            ("Số người có mặt", f"{result.present} người"),
            ("Số người vắng mặt", f"{result.summoned - result.present} người"),
            ("Số phiếu phát ra", f"{result.issued} phiếu"),
            ("Số phiếu thu về", f"{result.collected} phiếu"),
            ("Số phiếu hợp lệ", f"{result.valid} phiếu"),
            ("Số phiếu không hợp lệ", f"{result.invalid} phiếu"),
        ):
            assert f"- {label}: {value}" in text
        assert result.invalid_reasons, "the fixture has invalid ballots"
        for reason, count in result.invalid_reasons.items():
            assert f"+ {L.INVALID_REASON[reason]}: {count} phiếu" in text
        assert "đủ điều kiện tiến hành bỏ phiếu" in text and "CẢNH BÁO" not in text
        assert f"{L.BASE_HEADING[result.base]} ({result.base_value})" in text
        for i in range(len(result.nominees)):
            assert table_row(result, i) in layout_text
        phrases = outcome_phrases(result)
        assert phrases
        for phrase in phrases:
            assert phrase in text
        if kind is RoundKind.NOMINATION:
            assert "Người được ghi thêm tên" in text
            assert "Không có người nào đạt trên 50%." in text
        assert (
            f"Biên bản lập xong hồi 11 giờ 40 phút cùng ngày, gồm {per_copy:02d} trang, "
            "lập thành 03 bản có giá trị như nhau." in text
        )
        assert text.count("TRƯỞNG BAN KIỂM PHIẾU") == 1
        assert text.count("THÀNH VIÊN") == 2
        assert text.count("(Ký, ghi rõ họ tên)") == 3
        for name in ("Đỗ Thị Thu Hà", "Ngô Quang Vinh", "Lương Thế Hiển"):
            assert text.count(name) == 2  # on the board list and under the signature
        # No recipients configured: the lines to fill in by hand (the minutes page says so before printing).
        assert "Nơi nhận: - Cấp trên trực tiếp (…… bản); - Lưu: …… (…… bản)." in text


def test_percentages_use_the_decimal_comma_of_percent_display(tmp_path: Path) -> None:
    data = build(RoundKind.CONFIDENCE).data
    text = flat(" ".join(pdftotext(render(data)[0], tmp_path, layout=False)))
    shown = [p.display for n in data.result.nominees for p in n.percents]
    assert all(re.fullmatch(r"\d+,\d\d%", s) for s in shown)
    for s in shown:
        assert s in text
    assert not re.search(r"\d+\.\d\d%", text)


def test_sixty_nominees_span_pages_with_repeated_header_and_consistent_numbering(tmp_path: Path) -> None:
    data = build(RoundKind.CONFIDENCE, nominees=60, ballots=600, summoned=700, present=650).data
    pdf, per_copy = render(data)
    pages = pdftotext(pdf, tmp_path, layout=True)
    raw = pdftotext(pdf, tmp_path, layout=False)
    assert per_copy >= 3
    assert len(pages) == 3 * per_copy
    heading = f"{L.BASE_HEADING[data.result.base]} ({data.result.base_value})"
    for copy in range(3):
        copy_pages = pages[copy * per_copy : (copy + 1) * per_copy]
        seen: list[str] = []
        for number, page in enumerate(copy_pages, start=1):
            assert f"Trang {number}/{per_copy}" in page
            assert f"Bản số: {copy + 1:02d}/03" in page
            rows = [n.name for n in data.result.nominees if re.search(rf"\d+ {re.escape(n.name)} \d", page)]
            if rows:
                assert heading in page, f"table page {number} lacks the repeated header"
                assert "Tín nhiệm cao" in page and "Tín nhiệm thấp" in page
            seen += rows
        assert seen == [n.name for n in data.result.nominees]  # every row once, in order
        last = flat(raw[(copy + 1) * per_copy - 1])
        # The signatures stand with the closing sentence, never alone on a page.
        assert "TRƯỞNG BAN KIỂM PHIẾU" in last
        assert f"gồm {per_copy:02d} trang" in last
        assert "Nơi nhận:" in last


@pytest.mark.parametrize("board_size", [1, 3, 5, 7])
@pytest.mark.parametrize("nominees", [9, 13, 17, 21])
def test_signature_block_never_orphaned(board_size: int, nominees: int, tmp_path: Path) -> None:
    data = build(RoundKind.APPROVAL, nominees=nominees, board_size=board_size).data
    pdf, per_copy = render(data, copies=1)
    raw = [flat(p) for p in pdftotext(pdf, tmp_path, layout=False)]
    assert len(raw) == per_copy
    with_chair = [i for i, p in enumerate(raw) if "TRƯỞNG BAN KIỂM PHIẾU" in p]
    assert with_chair == [per_copy - 1]
    assert "Biên bản lập xong hồi" in raw[-1]
    assert sum(p.count("THÀNH VIÊN") for p in raw) == board_size - 1
    assert sum(p.count("(Ký, ghi rõ họ tên)") for p in raw) == board_size


def test_no_quorum_prints_the_warning(tmp_path: Path) -> None:
    data = build(RoundKind.CONFIDENCE, summoned=90, present=55).data
    assert not data.result.quorum
    text = flat(" ".join(pdftotext(render(data)[0], tmp_path, layout=False)))
    assert "CẢNH BÁO: Số người có mặt chỉ đạt 61,11% số người được triệu tập, ít hơn 2/3" in text
    assert "không đủ điều kiện tiến hành bỏ phiếu" in text


def _reddish_pixels(pdf: bytes, tmp_path: Path) -> list[int]:
    path = tmp_path / "look.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / "p")], check=True)
    counts = []
    for png in sorted(tmp_path.glob("p-*.png")):
        with Image.open(png) as img:
            px = img.convert("RGB").tobytes()
        triples = zip(px[0::3], px[1::3], px[2::3], strict=True)
        counts.append(sum(1 for r, g, b in triples if r > g + 15 and r > b + 15))
        png.unlink()
    return counts


def test_test_round_has_watermark_on_every_page(tmp_path: Path) -> None:
    live = build(RoundKind.CONFIDENCE, nominees=30).data
    test = build(RoundKind.CONFIDENCE, nominees=30, mode=Mode.TEST).data
    live_pdf, _ = render(live)
    test_pdf, per_copy = render(test)
    assert per_copy >= 2
    assert all(n == 0 for n in _reddish_pixels(live_pdf, tmp_path))
    marked = _reddish_pixels(test_pdf, tmp_path)
    assert len(marked) == 3 * per_copy
    assert all(n > 200 for n in marked), marked


@pytest.mark.parametrize(
    ("secrecy", "mark"), [(Secrecy.NONE, None), (Secrecy.TOI_MAT, "TỐI MẬT"), (Secrecy.TUYET_MAT, "TUYỆT MẬT")]
)
def test_secrecy_marking(secrecy: Secrecy, mark: str | None, tmp_path: Path) -> None:
    data = build(RoundKind.APPROVAL, secrecy=secrecy).data
    pages = pdftotext(render(data)[0], tmp_path, layout=True)
    for page in pages:
        head = "\n".join(page.strip("\n").split("\n")[:2])
        assert "Bản số:" in head
        if mark is None:
            assert "MẬT" not in page
        else:
            assert mark in head


@pytest.mark.parametrize(
    ("style", "number", "shown"),
    [(HeaderStyle.STATE, "01/BB-STC", "Số: 01/BB-STC"), (HeaderStyle.PARTY, "Số 07-BB/ĐU", "Số 07-BB/ĐU")],
)
def test_document_number_and_one_copy(style: HeaderStyle, number: str, shown: str, tmp_path: Path) -> None:
    data = replace(build(RoundKind.NOMINATION, style).data, document_number=number)
    pdf, per_copy = render(data, copies=1)
    pages = pdftotext(pdf, tmp_path, layout=True)
    assert len(pages) == per_copy
    assert shown in pages[0]
    assert all("Bản số: 01/01" in p for p in pages)
    assert "lập thành 01 bản" in flat(" ".join(pages))


def test_decomposed_input_is_drawn_composed(tmp_path: Path) -> None:
    data = build(RoundKind.NOMINATION).data
    nfd_name = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    first, *rest = data.result.nominees
    result = replace(data.result, nominees=(replace(first, name=nfd_name), *rest))
    meeting = replace(data.meeting, place=unicodedata.normalize("NFD", "Hội trường tầng 3, Hà Nội"))
    pdf, _ = render(replace(data, result=result, meeting=meeting))
    text = " ".join(pdftotext(pdf, tmp_path, layout=False))
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert "Hà Nội, ngày 22 tháng 11 năm 2026" in text
    assert nfd_name not in text


def test_meeting_summary_covers_every_round(tmp_path: Path) -> None:
    items = [build(kind, HeaderStyle.PARTY, seed=i).data for i, kind in enumerate(KINDS)]
    buf = io.BytesIO()
    render_meeting_summary(items, buf)
    pages = pdftotext(buf.getvalue(), tmp_path, layout=False)
    text = flat(" ".join(pages))
    assert "TỔNG HỢP KẾT QUẢ KIỂM PHIẾU" in text
    for i, page in enumerate(pages, start=1):
        assert f"Trang {i}/{len(pages)}" in page
    for no, data in enumerate(items, start=1):
        r = data.result
        assert f"{no}. " in text
        assert data.round.title in text
        assert f"Mã kiểm tra kết quả: {data.check_code}" in text
        counts = (
            f"Triệu tập {r.summoned}; có mặt {r.present}; vắng {r.absent}; phát ra {r.issued}; thu về {r.collected}"
        )
        assert counts in text
        for n in r.nominees:
            assert n.name in text
    assert len(pages) == 1  # one page: a table per round
    approval = items[1].result
    first = approval.nominees[0]
    assert f"{first.name} {first.counts[AGREE]} {first.percents[AGREE].display}" in text
