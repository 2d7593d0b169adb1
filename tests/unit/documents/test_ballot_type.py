"""Ballots read back out of the PDF with their type sizes: every person looks the same, every page says
which round it is, long lists fit (30 on one A4 side, 60 on one duplex sheet), nothing unembedded."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers.pdf_runs import font_names, runs
from unit.documents.test_ballots import meeting, printed, round_of, write_pdf

from vote_counter.documents.ballot_layout import FORMATS, PageFormat
from vote_counter.documents.ballots import ballot_layout, render_sample
from vote_counter.domain.model import HeaderStyle, Nominee, NomineeId, RoundId, RoundKind
from vote_counter.domain.serials import new_round_key

# As a real board's list reads: short and long names, short and long positions.
PEOPLE = (
    ("Lê Văn Ba", "Giám đốc Sở"),
    ("Tôn Nữ Hoàng Khánh Linh", "Phó Trưởng phòng Kế hoạch - Tài chính"),
    ("Nguyễn Thị Ánh Tuyết", "Chánh Thanh tra"),
    ("Đỗ Hùng", "Trưởng phòng Tổ chức cán bộ"),
    ("Hoàng Thị Thu Hương", "Phó Chánh Văn phòng"),
    ("Phạm Quốc Việt", "Trưởng phòng Hành chính tư pháp"),
)


LONG_NAME = "Tôn Nữ Thị Hoàng Khánh Linh Phương"
LONG_POSITION = "Phó Trưởng phòng Kế hoạch - Tài chính kiêm Chánh Văn phòng Đảng ủy"


def people(count: int) -> list[Nominee]:
    return [
        Nominee(
            NomineeId(300 + i),
            RoundId(7),
            PEOPLE[i % len(PEOPLE)][0] + ("" if i < len(PEOPLE) else f" {i // len(PEOPLE) + 1}"),
            current_position=PEOPLE[i % len(PEOPLE)][1],
            order=i,
        )
        for i in range(count)
    ]


ROUND_TITLE = "Lấy phiếu tín nhiệm lãnh đạo Sở đợt 2"


@pytest.mark.parametrize("page_format", list(PageFormat))
@pytest.mark.parametrize("kind", list(RoundKind))
def test_every_name_one_size_every_position_one_size(tmp_path: Path, kind: RoundKind, page_format: PageFormat) -> None:
    who = [*people(11), Nominee(NomineeId(299), RoundId(7), LONG_NAME, current_position=LONG_POSITION, order=11)]
    round_ = round_of(kind, title=ROUND_TITLE, write_ins=kind is RoundKind.NOMINATION, seats=2)
    pdf = write_pdf(tmp_path / "b.pdf", meeting(), round_, who, printed(round_, new_round_key(), 1), page_format)
    found = runs(pdf)
    name_parts = {w for p in who for w in p.full_name.split()}
    # Name runs are set in bold inside the table: every run that is part of a name, at one size.
    name_sizes = {
        r.size
        for r in found
        if r.font.endswith("Bold") and r.text.split() and set(r.text.split()) <= name_parts | {"2"}
    }
    position_words = {w for p in who for w in p.current_position.split()}
    position_sizes = {
        r.size
        for r in found
        if r.font.endswith("LiberationSerif") and r.text.split() and set(r.text.split()) <= position_words
    }
    assert len(name_sizes) == 1, name_sizes
    assert len(position_sizes) == 1, position_sizes
    layout = ballot_layout(meeting(), round_, who, page_format)
    assert name_sizes == {layout.pages[0].name_size}
    assert position_sizes == {layout.pages[0].position_size}
    type_ = FORMATS[page_format].type
    assert type_.min_size <= layout.pages[0].name_size <= type_.name
    assert type_.floor <= layout.pages[0].position_size <= type_.position
    # Every row is as tall as every other (no row grows or shrinks on its own).
    assert len({round(row.rect.h, 3) for page in layout.pages for row in page.rows if row.write_in is None}) == 1


@pytest.mark.parametrize("style", list(HeaderStyle))
def test_round_title_on_every_page_and_long_lists_fit(tmp_path: Path, style: HeaderStyle) -> None:
    round_ = round_of(RoundKind.CONFIDENCE, title=ROUND_TITLE)
    for count, pages in ((30, 1), (45, 2), (60, 2)):
        who = people(count)
        layout = ballot_layout(meeting(style), round_, who, PageFormat.A4_PORTRAIT)
        assert len(layout.pages) == pages, (count, [len(p.rows) for p in layout.pages])
        pdf = write_pdf(tmp_path / f"{count}.pdf", meeting(style), round_, who, printed(round_, new_round_key(), 2))
        found = runs(pdf)
        for page in range(2 * pages):
            on_page = [r.text for r in found if r.page == page]
            assert ROUND_TITLE in on_page, (count, page)
            if pages > 1:
                assert f"Trang {page % pages + 1}/{pages}" in on_page
        # The continuation page is compact: the table starts high on the page.
        if pages > 1:
            assert layout.pages[1].continuation and not layout.pages[0].continuation
            first_row = layout.pages[1].rows[0].rect
            assert layout.height - first_row.top < 60
            assert layout.pages[1].to_dict()["continuation"] is True
            assert layout.pages[1].qr.top > first_row.top  # the QR is on every page, above the table


def test_sample_serial_line_keeps_clear_of_the_sample_box(tmp_path: Path) -> None:
    round_ = round_of(RoundKind.APPROVAL, title=ROUND_TITLE)
    out = io.BytesIO()
    render_sample(meeting(), round_, people(3), out)
    found = runs(out)
    (serial,) = [r for r in found if r.text == "Số phiếu: MẪU"]
    layout = ballot_layout(meeting(), round_, people(3), PageFormat.A4_PORTRAIT)
    qr = layout.pages[0].qr
    box_bottom_pt = (qr.y + qr.w * 4 / 33) * 72 / 25.4
    ascender_top = serial.y + serial.size * 0.9
    assert box_bottom_pt - ascender_top > 2  # at least 2 pt of white between the line and the box


def test_no_font_is_referenced_that_is_not_bundled(tmp_path: Path) -> None:
    round_ = round_of(RoundKind.NOMINATION, title=ROUND_TITLE)
    pdf = write_pdf(
        tmp_path / "n.pdf", meeting(HeaderStyle.PARTY), round_, people(5), printed(round_, new_round_key(), 1)
    )
    names = font_names(pdf)
    assert names and all("LiberationSerif" in n for n in names), names


def test_a5_title_lines_are_balanced() -> None:
    round_ = round_of(RoundKind.NOMINATION, title="Giới thiệu nhân sự bổ nhiệm Phó Giám đốc Sở Tư pháp")
    layout = ballot_layout(meeting(), round_, people(3), PageFormat.A5_PORTRAIT)
    page = layout.pages[0]
    above_table = [t for t in page.texts if t.y > page.rows[0].rect.top + 12 and t.text != "*"]
    # No line of the header or the title block is a lone word left over from the line above.
    assert above_table
    for item in above_table:
        assert len(item.text.split()) > 1, item.text


def test_approval_ballot_says_which_post_is_held_and_which_proposed(tmp_path: Path) -> None:
    round_ = round_of(RoundKind.APPROVAL, title=ROUND_TITLE)
    pdf = write_pdf(tmp_path / "a.pdf", meeting(), round_, people(3), printed(round_, new_round_key(), 1))
    texts = [r.text for r in runs(pdf)]
    assert "Chức vụ hiện tại" in texts
    assert "Chức danh đề nghị bổ nhiệm: Phó Giám đốc Sở Tư pháp" in texts
    assert "Chức vụ" not in texts
