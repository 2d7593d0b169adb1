"""One type scale for every printed document: ballots, minutes, annex, summary (and the sizes the XLSX copies).

Two sources, one per header style (SPEC §5):

* `state` — Nghị định 30/2020/NĐ-CP, Phụ lục I, mục IV "Mẫu chữ và chi tiết trình bày thể thức văn bản":
  Quốc hiệu in hoa đậm 12–13; Tiêu ngữ in thường đậm 13–14; tên cơ quan chủ quản in hoa 12–13;
  tên cơ quan ban hành in hoa đậm 12–13; Số, ký hiệu 13; địa danh, ngày tháng nghiêng 13–14;
  tên loại văn bản in hoa đậm 13–14; trích yếu đậm 13–14; nội dung 13–14; quyền hạn, chức vụ người ký
  in hoa đậm 13–14 và họ tên người ký đậm 13–14; "Nơi nhận:" nghiêng đậm 12, tên nơi nhận 11;
  số trang 13–14; dấu chỉ độ mật in hoa đậm (mục II, ô 10a; mẫu dấu theo Thông tư 24/2020/TT-BCA).
* `party` — Hướng dẫn 36-HD/VPTW (2018), Phụ lục 2 "Mẫu chữ và chi tiết trình bày thể thức":
  "ĐẢNG CỘNG SẢN VIỆT NAM" in hoa đậm 15; tên cơ quan cấp trên in hoa 14; tên cơ quan ban hành in hoa đậm 14,
  dấu "*" dưới; Số và ký hiệu 14; địa điểm, ngày tháng nghiêng 14; tên loại văn bản in hoa đậm 15–16;
  trích yếu đậm 14; nội dung 14–15; chức vụ người ký in hoa đậm 14, họ tên đậm 14; "Nơi nhận" 14 gạch chân,
  tên nơi nhận 12; số trang 14.

Every size below is inside those ranges; the comment beside a value names the row it follows. Sizes that the
regulations do not govern (results tables, the footer's check code, the copy number, ballot tables) are marked
"not regulated" and chosen to stay legible at A4.

Ballots are not administrative documents, but their agency header follows the same rows. A5 ballots set the
header at 3/4 of the A4 sizes (an A5 sheet is an A4 sheet reduced; the national name at 13 pt does not fit half
a 126 mm line), and say so here rather than pretend to follow the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from vote_counter.domain.model import HeaderStyle


@dataclass(frozen=True)
class HeaderScale:
    """The agency header block (both sides) and the number/date line under it."""

    parent: float  # tên cơ quan cấp trên / chủ quản, in hoa, đứng
    issuer: float  # tên cơ quan ban hành, in hoa, đậm
    national: float  # Quốc hiệu (state) or "ĐẢNG CỘNG SẢN VIỆT NAM" (party), in hoa, đậm
    motto: float  # Tiêu ngữ (state only), đậm
    number: float  # "Số: …/BB-…" / "Số …-BB/…"
    date_line: float  # địa danh, ngày tháng, nghiêng

    def scaled(self, factor: float) -> HeaderScale:
        return HeaderScale(*(round(v * factor * 4) / 4 for v in vars(self).values()))


@dataclass(frozen=True)
class TypeScale:
    header: HeaderScale
    title: float  # tên loại văn bản ("BIÊN BẢN KIỂM PHIẾU"), in hoa, đậm
    subtitle: float  # trích yếu, đậm
    body: float  # nội dung
    signer_title: float  # "TRƯỞNG BAN KIỂM PHIẾU", in hoa, đậm
    signer_name: float  # họ tên người ký, đậm
    sign_hint: float  # "(Ký, ghi rõ họ tên)" — not regulated; one step below the body
    recipients_head: float  # "Nơi nhận:"
    recipient: float  # each recipient
    page_number: float  # "Trang x/y"
    secrecy: float  # "MẬT" in its box
    copy_number: float  # "Bản số: 01/03" — not regulated
    footer: float  # check code and audit head — not regulated
    table: float  # results table cells — not regulated (the body minus 1.5 keeps 8 columns on A4)
    table_heading: float  # results table heading cells — not regulated
    appendix_label: float  # "PHỤ LỤC" (ND 30/2020 Phụ lục I mục IV: in hoa đậm 14)
    small: float  # notes and legends — not regulated


STATE = TypeScale(
    header=HeaderScale(
        parent=13,  # ND 30 "Tên cơ quan, tổ chức chủ quản": 12–13
        issuer=13,  # ND 30 "Tên cơ quan, tổ chức ban hành": 12–13, đậm
        national=13,  # ND 30 "Quốc hiệu": 12–13, in hoa, đậm
        motto=14,  # ND 30 "Tiêu ngữ": 13–14, đậm
        number=13,  # ND 30 "Số, ký hiệu của văn bản": 13
        date_line=13,  # ND 30 "Địa danh và thời gian": 13–14, nghiêng
    ),
    title=14,  # ND 30 "Tên loại văn bản": 13–14, in hoa, đậm
    subtitle=13,  # ND 30 "Trích yếu nội dung": 13–14, đậm
    body=13,  # ND 30 "Nội dung văn bản": 13–14
    signer_title=13,  # ND 30 "Quyền hạn, chức vụ của người ký": 13–14, in hoa, đậm
    signer_name=13,  # ND 30 "Họ và tên người ký": 13–14, đậm
    sign_hint=12,
    recipients_head=12,  # ND 30 "Nơi nhận": 12, nghiêng, đậm
    recipient=11,  # ND 30 tên cơ quan nhận: 11
    page_number=13,  # ND 30 "Số trang": 13–14
    secrecy=13,  # ND 30 ô 10a "Dấu chỉ độ mật", in hoa, đậm, trong khung
    copy_number=12,
    footer=9.5,
    table=11.5,
    table_heading=11,
    appendix_label=14,
    small=11,
)

PARTY = TypeScale(
    header=HeaderScale(
        parent=14,  # HD 36 tên cơ quan cấp trên trực tiếp: 14, in hoa
        issuer=14,  # HD 36 tên cơ quan ban hành: 14, in hoa, đậm
        national=15,  # HD 36 tiêu đề "ĐẢNG CỘNG SẢN VIỆT NAM": 15, in hoa, đậm
        motto=14,  # (no motto in the party header; kept for a uniform shape)
        number=14,  # HD 36 số và ký hiệu: 14
        date_line=14,  # HD 36 địa điểm, ngày tháng: 14, nghiêng
    ),
    title=15,  # HD 36 tên loại văn bản: 15–16, in hoa, đậm
    subtitle=14,  # HD 36 trích yếu: 14, đậm
    body=14,  # HD 36 nội dung: 14–15
    signer_title=14,  # HD 36 thể thức đề ký, chức vụ: 14, in hoa, đậm
    signer_name=14,  # HD 36 họ tên người ký: 14, đậm
    sign_hint=12,
    recipients_head=14,  # HD 36 "Nơi nhận": 14, gạch chân
    recipient=12,  # HD 36 tên nơi nhận: 12
    page_number=14,  # HD 36 số trang: 14
    secrecy=14,
    copy_number=12,
    footer=9.5,
    table=12,
    table_heading=11.5,
    appendix_label=14,
    small=11.5,
)

SCALES: dict[HeaderStyle, TypeScale] = {HeaderStyle.STATE: STATE, HeaderStyle.PARTY: PARTY}

# Header sizes on A4 ballots: the regulations' rows, as on the minutes.
BALLOT_HEADER_A4: dict[HeaderStyle, HeaderScale] = {style: s.header for style, s in SCALES.items()}
A5_FACTOR = 0.75  # A5 ballots: the A4 header reduced, see the module docstring
BALLOT_HEADER_A5: dict[HeaderStyle, HeaderScale] = {k: v.scaled(A5_FACTOR) for k, v in BALLOT_HEADER_A4.items()}


@dataclass(frozen=True)
class BallotScale:
    """Ballot type (not regulated): one size for every name and one for every position, chosen per ballot
    from these maxima so the longest text fits (`ballot_layout` never shrinks a single row)."""

    title: float
    subtitle: float
    note: float
    heading: float
    name: float  # the largest size names are set at
    position: float  # the largest size positions are set at
    min_size: float  # below this a name wraps (every name at the same size) rather than shrinking further
    floor: float  # the smallest a very long position goes, in two lines, before it takes a third
    serial: float
    page: float
    continuation: float  # the compact header of pages 2, 3, …


BALLOT_A4 = BallotScale(
    title=14, subtitle=13, note=11, heading=11, name=12.5, position=11, min_size=9.5, floor=8, serial=10, page=10,
    continuation=11,
)  # fmt: skip
BALLOT_A5 = BallotScale(
    title=12, subtitle=10, note=8.5, heading=8.5, name=10, position=9, min_size=7.5, floor=7, serial=8, page=8,
    continuation=9,
)  # fmt: skip


def scale(style: HeaderStyle) -> TypeScale:
    return SCALES[HeaderStyle(style)]
