"""Ballot PDFs, checked as a counting board would: print, scan the QR, read the names back.

Rendering goes through pdftoppm, text through pdftotext (pypdf for the rotated watermark,
which pdftotext leaves out), QR codes through zxing-cpp.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image

from vote_counter.documents import ballot_texts as texts
from vote_counter.documents.ballot_layout import BallotLayout, PageLayout
from vote_counter.documents.ballots import (
    PageFormat,
    PrintedBallot,
    ballot_layout,
    render_ballots,
    render_sample,
)
from vote_counter.documents.page_items import Rect, polygon_hits_rect
from vote_counter.domain.model import (
    HeaderStyle,
    LevelPreset,
    Meeting,
    MeetingId,
    Mode,
    Nominee,
    NomineeId,
    Round,
    RoundId,
    RoundKind,
)
from vote_counter.domain.serials import format_serial, make_payload, new_round_key, new_serial, parse_payload

ROUND_CODE = "482913"
NAMES = (
    "Nguyễn Thị Ánh Tuyết",
    "Trần Đức Ưng",
    "Lê Văn Hưởng",
    "Phạm Ngọc Thạch",
    "Hoàng Thị Yến Nhi",
    "Đặng Quốc Khánh",
    "Vũ Thị Thu Hường",
    "Bùi Xuân Trường",
    "Đỗ Mạnh Hùng",
    "Ngô Thị Phương Thảo",
)
POSITIONS = (
    "Giám đốc Sở",
    "Phó Giám đốc Sở",
    "Chánh Văn phòng",
    "Trưởng phòng Tổ chức cán bộ",
    "Phó Trưởng phòng Kế hoạch - Tài chính kiêm Trưởng ban Thanh tra nhân dân",
)
TITLES = {kind: texts.title(kind) for kind in RoundKind}
DPI = 150


# -- builders ----------------------------------------------------------------------------------


def meeting(style: HeaderStyle = HeaderStyle.STATE) -> Meeting:
    if style is HeaderStyle.PARTY:
        return Meeting(
            MeetingId(1), "Hội nghị Ban Chấp hành", "Đảng ủy Sở Tư pháp",
            parent_body="Đảng bộ tỉnh Quảng Ngãi", date=dt.date(2025, 3, 12), header_style=style,
        )  # fmt: skip
    return Meeting(
        MeetingId(1), "Hội nghị cán bộ chủ chốt", "Sở Tư pháp tỉnh Quảng Ngãi",
        parent_body="Ủy ban nhân dân tỉnh Quảng Ngãi", date=dt.date(2025, 3, 12), header_style=style,
    )  # fmt: skip


def round_of(kind: RoundKind, mode: Mode = Mode.LIVE, title: str = "Vòng 1", **kwargs: object) -> Round:
    position = "" if kind is RoundKind.CONFIDENCE else "Phó Giám đốc Sở Tư pháp"
    return Round(RoundId(7), MeetingId(1), title, kind, position=position, mode=mode, code=ROUND_CODE, **kwargs)  # type: ignore[arg-type]


def nominees(count: int) -> list[Nominee]:
    return [
        Nominee(
            NomineeId(100 + i),
            RoundId(7),
            NAMES[i % len(NAMES)] + (f" {i // len(NAMES) + 1}" if i >= len(NAMES) else ""),
            current_position=POSITIONS[i % len(POSITIONS)],
            order=i,
        )
        for i in range(count)
    ]


def printed(round_: Round, key: bytes, count: int) -> list[PrintedBallot]:
    serials = [new_serial() for _ in range(count)]
    return [PrintedBallot(s, make_payload(ROUND_CODE, s, round_.mode, key)) for s in serials]


# -- reading a PDF back ------------------------------------------------------------------------


def write_pdf(
    path: Path,
    meeting_: Meeting,
    round_: Round,
    people: Sequence[Nominee],
    batch: Sequence[PrintedBallot],
    page_format: PageFormat = PageFormat.A4_PORTRAIT,
) -> Path:
    with path.open("wb") as out:
        render_ballots(meeting_, round_, people, batch, out, page_format=page_format)
    return path


def rasterize(pdf: Path, dpi: int = DPI) -> list[Image.Image]:
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    pngs = sorted(pdf.parent.glob(prefix.name + "-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [Image.open(png).convert("L") for png in pngs]


def page_texts(pdf: Path) -> list[str]:
    """pdftotext output, one string per page (pages end with a form feed)."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def qr_texts(image: Image.Image) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]


def extrema(image: Image.Image) -> tuple[int, int]:
    """Darkest and lightest grey level (0 black, 255 white) of a greyscale image."""
    low, high = image.getextrema()
    assert isinstance(low, int) and isinstance(high, int)
    return low, high


def px(value_mm: float, dpi: int = DPI) -> int:
    return round(value_mm * dpi / 25.4)


def crop_mm(image: Image.Image, layout: BallotLayout, rect: Rect, inset: float = 0.0) -> Image.Image:
    """The part of a rendered page under `rect` (mm, origin bottom-left)."""
    left, right = px(rect.x + inset), px(rect.right - inset)
    top, bottom = px(layout.height - rect.top + inset), px(layout.height - rect.y - inset)
    return image.crop((left, top, right, bottom))


# -- (a) every kind × header style: QR, serial, names, title ----------------------------------


@pytest.mark.parametrize("style", list(HeaderStyle))
@pytest.mark.parametrize("kind", list(RoundKind))
def test_ballots_scan_back_to_their_payloads_and_read_back_their_text(
    tmp_path: Path, kind: RoundKind, style: HeaderStyle
) -> None:
    key = new_round_key()
    round_ = round_of(kind, write_ins=kind is RoundKind.NOMINATION, seats=2)
    people = nominees(8)
    batch = printed(round_, key, 3)
    pdf = write_pdf(tmp_path / "ballots.pdf", meeting(style), round_, people, batch)

    images = rasterize(pdf)
    page_text = page_texts(pdf)
    assert len(images) == len(page_text) == 3  # one sheet per ballot, in the order given
    for ballot, image, text in zip(batch, images, page_text, strict=True):
        assert qr_texts(image) == [ballot.payload]
        assert parse_payload(ballot.payload).verifies(key)
        assert f"Số phiếu: {format_serial(ballot.serial)}" in text
        assert TITLES[kind] in text
        for person in people:
            assert person.full_name in text
        assert "Độc lập - Tự do - Hạnh phúc" in text if style is HeaderStyle.STATE else "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    if kind is RoundKind.NOMINATION:
        assert texts.choose_at_most(2) in page_text[0]
    if kind is RoundKind.CONFIDENCE:
        assert all(label in " ".join(page_text[0].split()) for label in round_.level_labels)


def test_every_qr_in_a_batch_verifies_with_the_round_key_only(tmp_path: Path) -> None:
    key = new_round_key()
    round_ = round_of(RoundKind.CONFIDENCE)
    batch = printed(round_, key, 3)
    pdf = write_pdf(tmp_path / "b.pdf", meeting(), round_, nominees(5), batch)
    scanned = [text for image in rasterize(pdf) for text in qr_texts(image)]
    assert sorted(scanned) == sorted(b.payload for b in batch)
    assert all(parse_payload(s).verifies(key) for s in scanned)
    assert not any(parse_payload(s).verifies(new_round_key()) for s in scanned)


# -- (b) long lists run over several pages ----------------------------------------------------


def test_sixty_nominees_run_over_pages_each_with_page_number_and_qr(tmp_path: Path) -> None:
    key = new_round_key()
    round_ = round_of(RoundKind.CONFIDENCE)
    people = nominees(60)
    batch = printed(round_, key, 2)
    pdf = write_pdf(tmp_path / "long.pdf", meeting(), round_, people, batch)
    layout = ballot_layout(meeting(), round_, people, PageFormat.A4_PORTRAIT)
    pages = len(layout.pages)
    assert pages > 1

    images, page_text = rasterize(pdf), page_texts(pdf)
    assert len(images) == len(page_text) == 2 * pages
    for number, (image, text) in enumerate(zip(images, page_text, strict=True)):
        ballot = batch[number // pages]
        assert f"Trang {number % pages + 1}/{pages}" in text
        assert qr_texts(image) == [ballot.payload]
        assert f"Số phiếu: {format_serial(ballot.serial)}" in text
        assert TITLES[RoundKind.CONFIDENCE] in text
    first_ballot = "\n".join(page_text[:pages])
    for person in people:
        assert first_ballot.count(person.full_name + "\n") == 1  # each row printed exactly once
    assert [row.nominee_index for page in layout.pages for row in page.rows] == list(range(60))


def test_twenty_nominees_fit_on_one_a4_sheet() -> None:
    for kind in RoundKind:
        layout = ballot_layout(meeting(), round_of(kind), nominees(20), PageFormat.A4_PORTRAIT)
        assert len(layout.pages) == 1, kind


# -- (c) geometry: boxes, rows, stamp area, page bounds ---------------------------------------


def long_nominees() -> list[Nominee]:
    return [
        *nominees(6),
        Nominee(NomineeId(900), RoundId(7), "Tôn Nữ Hoàng Thị Khánh Linh Phương Nguyễn Ngọc Bích", current_position=POSITIONS[4] * 2),
        Nominee(NomineeId(901), RoundId(7), "Ông", current_position=""),
    ]  # fmt: skip


def layout_cases() -> list[tuple[RoundKind, HeaderStyle, PageFormat, Mode]]:
    return [
        (kind, style, page_format, mode)
        for kind in RoundKind
        for style in HeaderStyle
        for page_format in PageFormat
        for mode in Mode
    ]


@pytest.mark.parametrize(("kind", "style", "page_format", "mode"), layout_cases())
def test_layout_keeps_boxes_rows_and_stamp_area_clear(
    kind: RoundKind, style: HeaderStyle, page_format: PageFormat, mode: Mode
) -> None:
    round_ = round_of(kind, mode, write_ins=True, seats=2, level_preset=LevelPreset.LEGACY)
    people = long_nominees()
    layout = ballot_layout(meeting(style), round_, people, page_format)
    page_rect = layout.page_rect
    assert json.loads(json.dumps(layout.to_dict()))["pages"]

    boxes_per_row: dict[tuple[int | None, int | None], list[int]] = {}
    for page in layout.pages:
        stamp = page.stamp.bounds
        # The seal goes on page 1; continuation pages say so and keep no stamp area.
        assert (stamp.w >= 35 and stamp.h >= 35) if page.index == 0 else (page.continuation and stamp.w == 0)
        assert page_rect.contains(stamp)
        printed_things: list[Rect] = [page.qr, page.serial.bounds, *page.fiducial_rects]
        printed_things += [t.bounds for t in page.texts] + [line.bounds for line in page.lines]
        printed_things += [box.rect for box in page.boxes]
        for thing in printed_things:
            assert page_rect.contains(thing), thing
            assert not thing.intersects(stamp), thing
        if page.watermark is not None:
            assert not polygon_hits_rect(page.watermark.corners(), stamp)
            assert not polygon_hits_rect(page.watermark.corners(), page.qr)
            assert all(page_rect.contains(Rect(x, y, 0, 0)) for x, y in page.watermark.corners())
        for fiducial in page.fiducial_rects:
            assert fiducial.w >= 4
            assert not any(fiducial.intersects(t) for t in printed_things if t != fiducial)
        assert not any(page.qr.intersects(t.bounds) for t in page.texts)
        for row in page.rows:
            # 9 mm when the list leaves room; a long list (30 on one A4 side) goes down to 6.8 mm.
            assert row.rect.h >= 6.8
        for box in page.boxes:
            assert box.rect.w >= 6 and box.rect.h >= 6
            assert box.rect.w == box.rect.h
            row = next(r for r in page.rows if (r.nominee_index, r.write_in) == (box.nominee_index, box.write_in))
            assert row.rect.contains(box.rect)
            assert not any(box.rect.intersects(t.bounds) for t in page.texts)
            boxes_per_row.setdefault((box.nominee_index, box.write_in), []).append(box.option)
        _assert_text_stays_in_cells(page.texts, page.lines)

    expected_rows: set[tuple[int | None, int | None]] = {(i, None) for i in range(len(people))}
    if kind is RoundKind.NOMINATION:
        expected_rows |= {(None, 0), (None, 1)}
    assert set(boxes_per_row) == expected_rows
    assert all(options == list(range(round_.options)) for options in boxes_per_row.values())
    assert {b.nominee_id for b in layout.boxes if b.nominee_index is not None} == {p.id for p in people}


def _assert_text_stays_in_cells(items: Sequence[object], lines: Sequence[object]) -> None:
    """No text crosses a vertical grid line: a long name or position never runs into the next cell."""
    from vote_counter.documents.page_items import LineItem, TextItem

    verticals = [line for line in lines if isinstance(line, LineItem) and line.x1 == line.x2]
    for item in items:
        assert isinstance(item, TextItem)
        box = item.bounds
        for line in verticals:
            low, high = sorted((line.y1, line.y2))
            overlaps_vertically = box.y < high and low < box.top
            assert not (overlaps_vertically and box.x < line.x1 < box.right), (item.text, line)


def stamp_is_marked_and_empty(image: Image.Image, layout: BallotLayout, page: PageLayout) -> None:
    """Only the light dashed circle in the stamp area: nothing dark, nothing inside it."""
    whole = crop_mm(image, layout, page.stamp.bounds)
    assert extrema(whole)[0] > 120, "something dark is printed in the stamp area"
    assert extrema(whole)[0] < 250, "the stamp area is not marked"
    inner = page.stamp.r * 0.65  # a square well inside the circle
    inside = Rect(page.stamp.cx - inner, page.stamp.cy - inner, 2 * inner, 2 * inner)
    assert extrema(crop_mm(image, layout, inside)) == (255, 255)


@pytest.mark.parametrize("style", list(HeaderStyle))
def test_rendered_stamp_area_is_blank_and_boxes_are_where_the_layout_says(tmp_path: Path, style: HeaderStyle) -> None:
    round_ = round_of(RoundKind.CONFIDENCE, Mode.TEST)
    people = nominees(30)
    batch = printed(round_, new_round_key(), 1)
    pdf = write_pdf(tmp_path / "stamp.pdf", meeting(style), round_, people, batch)
    layout = ballot_layout(meeting(style), round_, people, PageFormat.A4_PORTRAIT)
    images = rasterize(pdf)
    assert len(images) == len(layout.pages) > 1
    for page, image in zip(layout.pages, images, strict=True):
        if page.index == 0:
            stamp_is_marked_and_empty(image, layout, page)
        for fiducial in page.fiducial_rects:
            assert extrema(crop_mm(image, layout, fiducial, inset=0.5))[1] < 64  # solid black
        for box in page.boxes:
            inside = crop_mm(image, layout, box.rect, inset=0.8)
            edge = crop_mm(image, layout, Rect(box.rect.x - 0.2, box.rect.y + 1, 0.4, box.rect.h - 2))
            assert extrema(inside)[0] > 150  # clear (the test watermark is light grey)
            assert extrema(edge)[0] < 100  # the box outline is there
        assert qr_texts(crop_mm(image, layout, page.qr)) == [batch[0].payload]


# -- (d) test mode --------------------------------------------------------------------------


def test_test_round_carries_the_watermark_on_every_page(tmp_path: Path) -> None:
    round_ = round_of(RoundKind.APPROVAL, Mode.TEST)
    batch = printed(round_, new_round_key(), 2)
    pdf = write_pdf(tmp_path / "test.pdf", meeting(), round_, nominees(40), batch)
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) > 2
    for page in reader.pages:
        assert texts.WATERMARK in page.extract_text()
    assert all(qr_texts(image) for image in rasterize(pdf))


def test_live_round_has_no_watermark(tmp_path: Path) -> None:
    round_ = round_of(RoundKind.APPROVAL)
    pdf = write_pdf(tmp_path / "live.pdf", meeting(), round_, nominees(3), printed(round_, new_round_key(), 1))
    assert texts.WATERMARK not in pypdf.PdfReader(pdf).pages[0].extract_text()


def test_payload_that_disagrees_with_the_round_is_refused() -> None:
    key = new_round_key()
    live, test = round_of(RoundKind.CONFIDENCE), round_of(RoundKind.CONFIDENCE, Mode.TEST)
    serial, other = new_serial(), new_serial()
    with pytest.raises(ValueError, match="test"):
        render_ballots(meeting(), live, nominees(2), printed(test, key, 1), io.BytesIO())
    with pytest.raises(ValueError, match="serial"):
        mismatched = PrintedBallot(other, make_payload(ROUND_CODE, serial, Mode.LIVE, key))
        render_ballots(meeting(), live, nominees(2), [mismatched], io.BytesIO())
    with pytest.raises(ValueError, match="round"):
        foreign = PrintedBallot(serial, make_payload("000001", serial, Mode.LIVE, key))
        render_ballots(meeting(), live, nominees(2), [foreign], io.BytesIO())
    with pytest.raises(ValueError, match="no ballots"):
        render_ballots(meeting(), live, nominees(2), [], io.BytesIO())


# -- (e) sample -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(RoundKind))
def test_sample_is_marked_and_carries_no_qr(tmp_path: Path, kind: RoundKind) -> None:
    pdf = tmp_path / "sample.pdf"
    people = nominees(5)
    with pdf.open("wb") as out:
        render_sample(meeting(), round_of(kind), people, out)
    (text,) = page_texts(pdf)
    assert texts.SAMPLE in text
    assert "Số phiếu: MẪU" in text
    assert TITLES[kind] in text
    assert all(p.full_name in text for p in people)
    (image,) = rasterize(pdf)
    assert qr_texts(image) == []
    layout = ballot_layout(meeting(), round_of(kind), people, PageFormat.A4_PORTRAIT)
    stamp_is_marked_and_empty(image, layout, layout.pages[0])


# -- (f) NFC ----------------------------------------------------------------------------------


def test_decomposed_names_are_printed_composed(tmp_path: Path) -> None:
    people = [
        Nominee(NomineeId(i), RoundId(7), unicodedata.normalize("NFD", name), current_position=unicodedata.normalize("NFD", "Phó Giám đốc"))
        for i, name in enumerate(NAMES[:4])
    ]  # fmt: skip
    assert all(p.full_name != unicodedata.normalize("NFC", p.full_name) for p in people)
    round_ = round_of(RoundKind.CONFIDENCE)
    pdf = write_pdf(tmp_path / "nfd.pdf", meeting(), round_, people, printed(round_, new_round_key(), 1))
    (text,) = page_texts(pdf)
    for name in NAMES[:4]:
        assert name in text
    assert "Phó Giám đốc" in text
    assert "\u0301" not in text and "\u0323" not in text  # no stray combining marks


# -- (g) progress -----------------------------------------------------------------------------


def test_progress_is_reported_after_each_ballot() -> None:
    round_ = round_of(RoundKind.NOMINATION)
    calls: list[tuple[int, int]] = []
    batch = printed(round_, new_round_key(), 5)
    out = io.BytesIO()
    render_ballots(meeting(), round_, nominees(3), batch, out, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 5) for n in range(1, 6)]
    assert len(pypdf.PdfReader(io.BytesIO(out.getvalue())).pages) == 5


# -- (h) other paper formats ------------------------------------------------------------------


@pytest.mark.parametrize("page_format", [PageFormat.A4_LANDSCAPE, PageFormat.A5_PORTRAIT])
@pytest.mark.parametrize("kind", list(RoundKind))
def test_landscape_and_a5_render_and_scan(tmp_path: Path, page_format: PageFormat, kind: RoundKind) -> None:
    key = new_round_key()
    round_ = round_of(kind)
    people = nominees(12)
    batch = printed(round_, key, 2)
    pdf = write_pdf(tmp_path / "fmt.pdf", meeting(), round_, people, batch, page_format=page_format)
    layout = ballot_layout(meeting(), round_, people, page_format)
    images, page_text = rasterize(pdf), page_texts(pdf)
    assert len(images) == 2 * len(layout.pages)
    expected_size = (px(layout.width), px(layout.height))
    for number, image in enumerate(images):
        assert abs(image.size[0] - expected_size[0]) <= 1 and abs(image.size[1] - expected_size[1]) <= 1
        assert qr_texts(image) == [batch[number // len(layout.pages)].payload]
        if number % len(layout.pages) == 0:
            stamp_is_marked_and_empty(image, layout, layout.pages[0])
    everything = "\n".join(page_text)
    # A narrow A5 column may break every name in two (at one size for all): each line is printed.
    lines = everything.splitlines()
    for person in people:
        words = person.full_name.split()
        assert any(" ".join(words[:k]) in lines and " ".join(words[k:]) in lines for k in range(1, len(words))) or (
            person.full_name in everything
        ), person.full_name
    assert f"Số phiếu: {format_serial(batch[1].serial)}" in everything
