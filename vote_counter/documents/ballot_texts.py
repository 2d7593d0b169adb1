"""Every Vietnamese string printed on a ballot (and the agency header), in one place."""

from __future__ import annotations

from vote_counter.domain.model import Meeting, Round, RoundKind

# Agency header: Nghị định 30/2020/NĐ-CP (state) and Hướng dẫn 36-HD/VPTW (party).
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
PARTY_STAR = "*"

TITLES = {
    RoundKind.CONFIDENCE: "PHIẾU LẤY PHIẾU TÍN NHIỆM",
    RoundKind.NOMINATION: "PHIẾU GIỚI THIỆU NHÂN SỰ",
    RoundKind.APPROVAL: "PHIẾU BIỂU QUYẾT",
}

COL_NUMBER = "STT"
CONTINUED = "(tiếp theo)"
COL_NAME = "Họ và tên"
COL_POSITION = "Chức vụ"
COL_CURRENT_POSITION = "Chức vụ hiện tại"
COL_AGREE = "Đồng ý"
COL_DISAGREE = "Không đồng ý"
COL_CHOOSE = "Chọn"

INSTRUCTIONS = {
    RoundKind.CONFIDENCE: (
        "Đánh dấu (X) vào MỘT ô tương ứng với mức độ tín nhiệm của từng người. "
        "Không gạch xóa, không ghi thêm tên người hoặc nội dung khác."
    ),
    RoundKind.APPROVAL: (
        "Đánh dấu (X) vào MỘT ô “Đồng ý” hoặc “Không đồng ý” của từng người. "
        "Không gạch xóa, không ghi thêm tên người hoặc nội dung khác."
    ),
    RoundKind.NOMINATION: (
        "Đánh dấu (X) vào ô “Chọn” của người được giới thiệu. Không gạch xóa, không ghi thêm nội dung khác."
    ),
}
WRITE_IN_INSTRUCTION = "Nếu giới thiệu người khác, ghi họ và tên vào dòng trống và đánh dấu (X) vào ô “Chọn”."

SERIAL_PREFIX = "Số phiếu: "
SAMPLE = "MẪU"
WATERMARK = "THỬ NGHIỆM — KHÔNG CÓ GIÁ TRỊ"


def title(kind: RoundKind) -> str:
    return TITLES[kind]


# The post voted on: approval and nomination ballots say it is the one proposed, and their table's
# position column says it holds the post each person holds now.
PROPOSED_POSITION = {
    RoundKind.CONFIDENCE: "Chức danh: {position}",
    RoundKind.APPROVAL: "Chức danh đề nghị bổ nhiệm: {position}",
    RoundKind.NOMINATION: "Chức danh giới thiệu: {position}",
}


def column_headings(round_: Round) -> tuple[str, str, str, tuple[str, ...]]:
    """(number, name, position, one heading per box column) for the ballot table of SPEC §3."""
    if round_.kind is RoundKind.CONFIDENCE:
        return COL_NUMBER, COL_NAME, COL_POSITION, round_.level_labels
    if round_.kind is RoundKind.APPROVAL:
        return COL_NUMBER, COL_NAME, COL_CURRENT_POSITION, (COL_AGREE, COL_DISAGREE)
    return COL_NUMBER, COL_NAME, COL_CURRENT_POSITION, (COL_CHOOSE,)


def round_title_line(round_: Round) -> str:
    """The round's own title: printed on every page, so two rounds' stacks cannot be mixed up."""
    return " ".join(round_.title.split())


def subtitle_lines_short(round_: Round) -> list[str]:
    """The proposed post alone (continuation pages)."""
    position = " ".join(round_.position.split())
    return [PROPOSED_POSITION[round_.kind].format(position=position)] if position else []


def subtitle_lines(meeting: Meeting, round_: Round) -> list[str]:
    """The round's title, the position voted on, then the meeting and its year."""
    lines = []
    if round_title_line(round_):
        lines.append(round_title_line(round_))
    lines += subtitle_lines_short(round_)
    meeting_line = meeting.title.strip()
    if meeting.date is not None and str(meeting.date.year) not in meeting_line:
        meeting_line = f"{meeting_line} năm {meeting.date.year}" if meeting_line else f"Năm {meeting.date.year}"
    if meeting_line:
        lines.append(meeting_line)
    return lines


def instructions(round_: Round) -> str:
    return INSTRUCTIONS[round_.kind]


def choose_at_most(seats: int) -> str:
    return f"Chọn không quá {seats} người"


def serial_line(formatted_serial: str) -> str:
    """'Số phiếu: 4821-0937-5516'."""
    return SERIAL_PREFIX + formatted_serial


def page_line(page: int, pages: int) -> str:
    return f"Trang {page}/{pages}"
