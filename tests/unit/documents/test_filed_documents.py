"""Documents a clerk files without a pen (issue 13), read back out of the files: the details given are printed
(no dots left), the invalid breakdown adds up, "… giờ … phút" with "cùng ngày" only on the same day, the sizes
of ND 30/2020 and HD 36-HD/VPTW, metadata, the one-page summary, the workbook's print setup and secrecy mark."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
import pypdf
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from helpers.minutes_fixtures import build, nominee_names
from helpers.pdf_runs import font_names, runs

from vote_counter.documents import labels as L
from vote_counter.documents import minutes_data as M
from vote_counter.documents.meeting_summary import render_meeting_summary
from vote_counter.documents.minutes_docx import write_minutes_docx
from vote_counter.documents.minutes_pdf import render_minutes
from vote_counter.documents.results_xlsx import write_results_xlsx
from vote_counter.documents.typescale import PARTY, STATE
from vote_counter.domain import canonical, rules
from vote_counter.domain.documents import DocumentDetails, Recipient, Signer
from vote_counter.domain.model import BallotMarks, HeaderStyle, Nominee, NomineeId, Reason, RoundKind

RECIPIENTS = (Recipient("Ban Tổ chức Thành ủy Hà Nội", 2), Recipient("Lưu: VT, Ban kiểm phiếu", 1))
DETAILS = DocumentDetails(
    issuer="Sở Tài chính",
    place="Hà Nội",
    numbers={3: "12"},
    recipients=RECIPIENTS,
)


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    return re.sub(r"\s+", " ", out.decode("utf-8"))


def minutes_pdf(data: M.MinutesData, copies: int = 1) -> bytes:
    buf = io.BytesIO()
    render_minutes(data, buf, copies=copies)
    return buf.getvalue()


@pytest.mark.parametrize("style", list(HeaderStyle))
def test_details_given_are_printed_and_no_dots_remain(style: HeaderStyle, tmp_path: Path) -> None:
    data = replace(build(RoundKind.APPROVAL, style).data, details=DETAILS)
    assert M.missing_details(data) == []
    pdf = minutes_pdf(data)
    text = text_of(pdf, tmp_path)
    assert "……" not in text and "…" not in text
    assert ("Số: 12/BB-STC" if style is HeaderStyle.STATE else "Số 12-BB/ĐU") in text
    assert "Nơi nhận: - Ban Tổ chức Thành ủy Hà Nội (02 bản); - Lưu: VT, Ban kiểm phiếu (01 bản)." in text
    assert "Hà Nội, ngày 22 tháng 11 năm 2026" in text
    info = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert info.author == "Sở Tài chính"
    assert info.title == f"BIÊN BẢN KIỂM PHIẾU — {data.round.title}"
    created = info.creation_date
    assert created is not None and abs(created.timestamp() - dt.datetime.now(dt.UTC).timestamp()) < 600
    assert all("LiberationSerif" in name for name in font_names(io.BytesIO(pdf)))


def test_missing_details_are_named_before_printing() -> None:
    data = build(RoundKind.CONFIDENCE).data
    data = replace(data, meeting=replace(data.meeting, document_code="", place=""))
    assert M.missing_details(data) == [
        L.MISSING_NUMBER,
        L.MISSING_SYMBOL,
        L.MISSING_PLACE,
        L.MISSING_RECIPIENTS,
    ]
    chairless = replace(data, board=data.board[1:], details=DETAILS)
    assert L.MISSING_SIGNERS in M.missing_details(chairless)
    signed = replace(chairless, details=replace(DETAILS, signers=(Signer("T/M BAN KIỂM PHIẾU", "Đỗ Thị Thu Hà"),)))
    assert L.MISSING_SIGNERS not in M.missing_details(signed)


def test_configured_signers_sign(tmp_path: Path) -> None:
    signers = (Signer("CHỦ TRÌ HỘI NGHỊ", "Trần Quốc Toản"), Signer("THƯ KÝ", "Mai Thị Lụa"))
    data = replace(build(RoundKind.APPROVAL).data, details=replace(DETAILS, signers=signers))
    text = text_of(minutes_pdf(data), tmp_path)
    assert "CHỦ TRÌ HỘI NGHỊ" in text and "THƯ KÝ" in text and "Mai Thị Lụa" in text
    assert "TRƯỞNG BAN KIỂM PHIẾU" not in text


def with_two_reason_ballot(kind: RoundKind) -> M.MinutesData:
    """The fixture's round plus ballots that carry two reasons each, counted by the real rules."""
    built = build(kind, nominees=4, ballots=50)
    data = built.data
    ids = [n.id for n in built.nominees if n.id is not None]
    extra = BallotMarks(rows={nid: frozenset({0, 1}) for nid in ids}, declared=frozenset({Reason.EXTRA_CONTENT}))
    unreadable = BallotMarks(rows={}, declared=frozenset({Reason.UNREADABLE, Reason.CROSSED_NAME}))
    entries = [*built.entries, extra, extra, unreadable]
    set_aside = [frozenset({Reason.NOT_ISSUED}), frozenset({Reason.DUPLICATE})]
    totals = rules.tally(data.round, built.nominees, entries) + rules.set_aside_totals(set_aside)
    result = rules.decide(data.round, built.nominees, data.round.counts, totals)
    invalid_sets = [v.reasons for v in (rules.classify(e, data.round, ids) for e in entries) if not v.valid]
    assert any(len(s) > 1 for s in invalid_sets)
    assert sum(result.invalid_reasons.values()) > result.invalid  # per-reason counts overlap
    return replace(
        data,
        result=result,
        check_code=canonical.check_code(result),
        invalid_decisive=M.decisive_counts([*invalid_sets, *set_aside]),
    )


@pytest.mark.parametrize("kind", [RoundKind.CONFIDENCE, RoundKind.APPROVAL])
def test_invalid_breakdown_adds_up_to_the_invalid_total(kind: RoundKind, tmp_path: Path) -> None:
    data = with_two_reason_ballot(kind)
    text = text_of(minutes_pdf(data), tmp_path)
    invalid = data.result.invalid
    assert f"- Số phiếu không hợp lệ: {invalid} phiếu Trong đó: +" in text
    part = text.split("Trong đó:")[1].split("Số người có mặt đạt")[0]
    numbers = [int(n) for n in re.findall(r"\+ [^:+]+: (\d+) phiếu", part)]
    assert numbers and sum(numbers) == invalid
    # Without the per-ballot reasons (a tally-only count), the heading says a ballot may have several.
    unknown = replace(data, invalid_decisive=None)
    assert "(một phiếu có thể có nhiều lý do)" in text_of(minutes_pdf(unknown), tmp_path)


def test_closing_sentence_hours_minutes_and_same_day_or_the_date(tmp_path: Path) -> None:
    data = build(RoundKind.CONFIDENCE).data
    text = text_of(minutes_pdf(data), tmp_path)
    assert "Biên bản lập xong hồi 11 giờ 40 phút cùng ngày, gồm" in text
    assert "Hồi 10 giờ 05 phút, ngày 22 tháng 11 năm 2026" in text
    after_midnight = replace(
        data, counted_at=dt.datetime(2026, 11, 22, 21, 30), closed_at=dt.datetime(2026, 11, 23, 0, 15)
    )
    text = text_of(minutes_pdf(after_midnight), tmp_path)
    assert "Biên bản lập xong hồi 00 giờ 15 phút ngày 23 tháng 11 năm 2026, gồm" in text
    assert "cùng ngày" not in text
    assert "Hà Nội, ngày 22 tháng 11 năm 2026" in text  # dated the day counting began
    # The meeting's own date is printed under the title.
    assert f"{data.meeting.title}, ngày 22 tháng 11 năm 2026" in text


def test_nomination_conclusions_say_who_is_introduced_and_the_seats(tmp_path: Path) -> None:
    data = build(RoundKind.NOMINATION, summoned=40, present=40, ballots=40).data
    text = text_of(minutes_pdf(data), tmp_path)
    conclusion = text.split("Kết luận của Ban kiểm phiếu:")[1].split("Biên bản lập xong")[0]
    selected = [n for n in data.result.nominees if n.selection is rules.Selection.SELECTED]
    assert selected, "the fixture's first person has more than half of 40"
    assert f"{selected[0].name}: " in conclusion
    assert "đạt trên 50%, được giới thiệu cho chức danh Phó Giám đốc Sở Tài chính." in conclusion
    assert "Số lượng cần giới thiệu: 01; số người đạt trên 50%: 01; còn thiếu: 00." in conclusion
    for line in conclusion.split(" - ")[1:]:
        assert line.count("—") <= 1, line  # one dash per conclusion


def test_quorum_reason_is_printed(tmp_path: Path) -> None:
    data = build(RoundKind.APPROVAL, summoned=60, present=30, ballots=28).data
    assert not data.result.quorum
    reason = "Hội nghị quyết định tiến hành vì số vắng mặt đi công tác theo quyết định của cấp trên"
    text = text_of(minutes_pdf(replace(data, quorum_reason=reason)), tmp_path)
    assert f"Lý do vẫn tiến hành bỏ phiếu: {reason}." in text


@pytest.mark.parametrize(("style", "scale"), [(HeaderStyle.STATE, STATE), (HeaderStyle.PARTY, PARTY)])
def test_sizes_follow_the_regulations(style: HeaderStyle, scale: object, tmp_path: Path) -> None:
    data = replace(build(RoundKind.APPROVAL, style).data, details=DETAILS)
    found = runs(io.BytesIO(minutes_pdf(data)))

    def size(text: str) -> float:
        sizes = {r.size for r in found if r.text == text or r.text.startswith(text)}
        assert len(sizes) == 1, (text, sizes)
        return sizes.pop()

    assert size("BIÊN BẢN KIỂM PHIẾU") == scale.title  # type: ignore[attr-defined]
    assert size("TRƯỞNG BAN KIỂM PHIẾU") == scale.signer_title  # type: ignore[attr-defined]
    if style is HeaderStyle.STATE:
        assert size("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 13  # ND 30: 12–13
        assert size("Độc lập - Tự do - Hạnh phúc") == 14  # ND 30: 13–14
        assert size("Số: 12/BB-STC") == 13  # ND 30: 13
        assert 13 <= size("BIÊN BẢN KIỂM PHIẾU") <= 14
        assert 13 <= size("TRƯỞNG BAN KIỂM PHIẾU") <= 14
        assert size("Nơi nhận:") == 12
    else:
        assert size("ĐẢNG CỘNG SẢN VIỆT NAM") == 15  # HD 36: 15
        assert size("ĐẢNG ỦY SỞ TÀI CHÍNH") == 14  # HD 36: 14
        assert size("Số 12-BB/ĐU") == 14
        assert 15 <= size("BIÊN BẢN KIỂM PHIẾU") <= 16
        assert size("TRƯỞNG BAN KIỂM PHIẾU") == 14
        assert size("Nơi nhận:") == 14
    for name in ("Đỗ Thị Thu Hà", "Ngô Quang Vinh"):
        assert {r.size for r in found if r.text == name} == {scale.signer_name}  # type: ignore[attr-defined]


def test_summary_is_one_page_with_45_people_and_every_round(tmp_path: Path) -> None:
    items = [
        build(RoundKind.CONFIDENCE, nominees=45, ballots=120, summoned=130, present=125).data,
        build(RoundKind.NOMINATION, seed=2).data,
        build(RoundKind.APPROVAL, seed=3).data,
    ]
    buf = io.BytesIO()
    assert render_meeting_summary(items, buf) == 1
    reader = pypdf.PdfReader(io.BytesIO(buf.getvalue()))
    assert len(reader.pages) == 1
    text = text_of(buf.getvalue(), tmp_path)
    for name in nominee_names(45):
        assert name in text
    for data in items:
        assert data.check_code in text


def test_docx_details_box_grid_fields_and_metadata() -> None:
    data = replace(build(RoundKind.APPROVAL).data, details=DETAILS)
    buf = io.BytesIO()
    write_minutes_docx(data, buf, pages=2)
    doc = docx.Document(io.BytesIO(buf.getvalue()))
    props = doc.core_properties
    assert props.author == "Sở Tài chính" and props.subject == "Số: 12/BB-STC" and props.language == "vi-VN"
    assert props.created is not None and props.created.year >= 2026
    header_table = doc.tables[0]
    grid = [int(c.get(qn("w:w"))) for c in header_table._tbl.tblGrid.findall(qn("w:gridCol"))]
    cells = [c.width for c in header_table.rows[0].cells]
    assert all(abs(g * 635 - w) <= Mm(0.2) for g, w in zip(grid, cells, strict=True))  # twips vs EMU
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        settings = z.read("word/settings.xml").decode()
        footer = z.read("word/footer1.xml").decode() if "word/footer1.xml" in z.namelist() else ""
    assert 'updateFields w:val="true"' in settings
    assert "NUMPAGES" in footer and ">2<" in footer  # the PDF's page count until Word recounts
    text = " ".join(p.text for p in doc.paragraphs)
    assert "- Ban Tổ chức Thành ủy Hà Nội (02 bản);" in text and "……" not in text


def test_xlsx_every_sheet_marked_secret_and_set_up_for_a4(tmp_path: Path) -> None:
    built = build(RoundKind.APPROVAL)
    hostile = Nominee(NomineeId(999), built.data.round.id, '=HYPERLINK("http://x","Bấm")', order=9)
    people = (*built.nominees, hostile)
    totals = rules.tally(built.data.round, people, built.entries)
    result = rules.decide(built.data.round, people, built.data.round.counts, totals)
    items = [replace(built.data, result=result), build(RoundKind.CONFIDENCE, seed=4).data]
    buf = io.BytesIO()
    write_results_xlsx(items, buf)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert len(wb.worksheets) == 3
    for ws in wb.worksheets:
        assert "MẬT" in ws.oddHeader.right.text, ws.title
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        assert "BIÊN BẢN" not in str(ws["A1"].value)
    assert str(wb.worksheets[1]["A1"].value).startswith("KẾT QUẢ KIỂM PHIẾU — ")
    names = [
        c for row in wb.worksheets[1].iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert names and all(c.data_type == "s" and c.value.startswith("=") for c in names)
