"""Every Vietnamese label of the results documents (minutes, DOCX, XLSX, annex, summary), in one table.

Codes live in the domain; words live here. The documents report a band, an outcome or a tie;
they never state a consequence for the person (SPEC §4.5).
"""

from __future__ import annotations

from collections.abc import Mapping

from vote_counter.domain.model import BoardRole, PercentBase, Reason, RoundKind, Secrecy
from vote_counter.domain.rules import Approval, Band, ProblemCode, Selection

KIND: Mapping[RoundKind, str] = {
    RoundKind.CONFIDENCE: "Lấy phiếu tín nhiệm",
    RoundKind.APPROVAL: "Biểu quyết",
    RoundKind.NOMINATION: "Giới thiệu nhân sự",
}

# The results table's heading names its base (SPEC §4.3).
BASE_HEADING: Mapping[PercentBase, str] = {
    PercentBase.COLLECTED: "Tỷ lệ % trên tổng số phiếu thu về",
    PercentBase.SUMMONED: "Tỷ lệ % trên tổng số người được triệu tập",
    PercentBase.PRESENT: "Tỷ lệ % trên tổng số người có mặt",
    PercentBase.ISSUED: "Tỷ lệ % trên tổng số phiếu phát ra",
    PercentBase.VALID: "Tỷ lệ % trên tổng số phiếu hợp lệ",
}

INVALID_REASON: Mapping[Reason, str] = {
    Reason.NOT_ISSUED: "Phiếu không do Ban kiểm phiếu phát ra",
    Reason.DUPLICATE: "Phiếu trùng số",
    Reason.CROSSED_NAME: "Gạch tên",
    Reason.EXTRA_CONTENT: "Ghi thêm tên hoặc nội dung khác",
    Reason.ROW_MARKS: "Đánh dấu không đúng quy định",
    Reason.TOO_MANY: "Chọn quá số lượng",
    Reason.UNREADABLE: "Không đọc được",
}
# Printed in this order, whatever order the counts come in.
REASON_ORDER: tuple[Reason, ...] = tuple(INVALID_REASON)

BAND: Mapping[Band, str] = {
    Band.OVER_HALF: "trên 50% đến dưới 2/3 phiếu tín nhiệm thấp",
    Band.TWO_THIRDS: "từ 2/3 phiếu tín nhiệm thấp trở lên",
}
NO_BAND_LINE = "Không có người nào có trên 50% phiếu tín nhiệm thấp."

# One style for every conclusion: "Tên: số phiếu (tỷ lệ) — kết luận." with one dash, the conclusion in lower case.
APPROVAL: Mapping[Approval, str] = {
    Approval.APPROVED: "đạt trên 50%, được thông qua",
    Approval.HALF: "đạt 50%, người đứng đầu quyết định",
    Approval.NOT_APPROVED: "không đạt trên 50%, không được thông qua",
}

# Steps 2–4 of the appointment procedure introduce people ("được giới thiệu"); nobody is elected ("trúng cử").
SELECTION: Mapping[Selection, str] = {
    Selection.SELECTED: "đạt trên 50%, được giới thiệu",
    Selection.FORWARD: "được giới thiệu sang bước tiếp theo",
    Selection.TIED: "ngang phiếu, người đứng đầu xem xét, quyết định",
}
SELECTED_FOR = " cho chức danh {position}"
SEATS_LINE = "Số lượng cần giới thiệu: {seats:02d}; số người đạt trên 50%: {selected:02d}; còn thiếu: {unfilled:02d}."
NO_SELECTION_LINE = "Không có người nào đạt trên 50%."

# None → no marking at all.
SECRECY: Mapping[Secrecy, str | None] = {
    Secrecy.NONE: None,
    Secrecy.MAT: "MẬT",
    Secrecy.TOI_MAT: "TỐI MẬT",
    Secrecy.TUYET_MAT: "TUYỆT MẬT",
}

ROLE: Mapping[BoardRole, str] = {
    BoardRole.CHAIR: "Trưởng ban",
    BoardRole.MEMBER: "Thành viên",
}
SIGNATURE_TITLE: Mapping[BoardRole, str] = {
    BoardRole.CHAIR: "TRƯỞNG BAN KIỂM PHIẾU",
    BoardRole.MEMBER: "THÀNH VIÊN",
}
SIGN_HINT = "(Ký, ghi rõ họ tên)"

PROBLEM: Mapping[ProblemCode, str] = {
    ProblemCode.NO_QUORUM: "Số người có mặt ít hơn 2/3 số người được triệu tập",
    ProblemCode.COLLECTED_OVER_ISSUED: "Số phiếu thu về nhiều hơn số phiếu phát ra",
    ProblemCode.ISSUED_OVER_PRESENT: "Số phiếu phát ra nhiều hơn số người có mặt",
    ProblemCode.PRESENT_OVER_SUMMONED: "Số người có mặt nhiều hơn số người được triệu tập",
    ProblemCode.ENTERED_NOT_PHYSICAL: "Số phiếu đã nhập khác số phiếu Ban kiểm phiếu đếm được",
    ProblemCode.NOMINEE_OVER_VALID: "Tổng số phiếu của một người nhiều hơn số phiếu hợp lệ",
    ProblemCode.VOTES_OVER_SEATS: "Tổng số phiếu bầu nhiều hơn số lượng được chọn nhân số phiếu hợp lệ",
    ProblemCode.BASE_ZERO: "Số dùng để tính tỷ lệ bằng 0",
    ProblemCode.NEGATIVE: "Có số liệu âm",
}

TITLE = "BIÊN BẢN KIỂM PHIẾU"
TEST_WATERMARK = "THỬ NGHIỆM — KHÔNG CÓ GIÁ TRỊ"
REPUBLIC = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
PARTY_STAR = "*"
# Nghị định 30/2020 "Số: …/BB-…"; Hướng dẫn 36-HD/VPTW "Số …-BB/…".
NUMBER_PLACEHOLDER = "……"

COPY = "Bản số: {copy:02d}/{copies:02d}"
PAGE = "Trang {page}/{pages}"
CHECK_CODE = "Mã kiểm tra kết quả: {code}"
AUDIT_HEAD = "Chuỗi nhật ký: {head}"
KEY_FINGERPRINT = "Khóa ký: {fingerprint}"

POSITION = "Chức danh: {position}"
COUNTING_TIME = "Hồi {hour:02d} giờ {minute:02d} phút, ngày {day} tháng {month} năm {year}{place}, Ban kiểm phiếu gồm:"
COUNTING_PLACE = ", tại {place}"
BOARD_LINE = "{name} — {role}"
COUNTS_INTRO = "Ban kiểm phiếu đã tiến hành kiểm phiếu, kết quả như sau:"

SUMMONED = "Số người được triệu tập"
PRESENT = "Số người có mặt"
ABSENT = "Số người vắng mặt"
ISSUED = "Số phiếu phát ra"
COLLECTED = "Số phiếu thu về"
VALID = "Số phiếu hợp lệ"
INVALID = "Số phiếu không hợp lệ"
UNIT_PEOPLE = "người"
UNIT_BALLOTS = "phiếu"
INVALID_BREAKDOWN = "Trong đó (một phiếu có thể có nhiều lý do):"
INVALID_BREAKDOWN_DECISIVE = "Trong đó:"
QUORUM_OK = "Số người có mặt đạt {percent} số người được triệu tập (từ 2/3 trở lên): đủ điều kiện tiến hành bỏ phiếu."
QUORUM_WARNING = (
    "CẢNH BÁO: Số người có mặt chỉ đạt {percent} số người được triệu tập, "
    "ít hơn 2/3 — không đủ điều kiện tiến hành bỏ phiếu theo quy định."
)

RESULTS_HEADING = "Kết quả kiểm phiếu:"
OUTCOME_HEADING = "Kết luận của Ban kiểm phiếu:"
PROBLEMS_HEADING = "Số liệu chưa khớp (cần Ban kiểm phiếu kiểm tra lại):"
PROBLEM_DETAIL = " (cần {expected}, có {actual})"

COL_NO = "STT"
COL_NAME = "Họ và tên"
COL_VOTES = "Số phiếu"
COL_PERCENT = "Tỷ lệ %"
COL_AGREE = "Đồng ý"
COL_DISAGREE = "Không đồng ý"
COL_NOT_COUNTED = "Không tính"
COL_OUTCOME = "Kết quả"
WRITE_INS_HEADING = "Người được ghi thêm tên"
WRITE_IN_MARK = "(ghi thêm)"

CONFIDENCE_LINE = "{name}: {low} phiếu tín nhiệm thấp ({percent}) — {band}."
APPROVAL_LINE = "{name}: {agree} phiếu đồng ý ({percent}) — {outcome}."
SELECTION_LINE = "{name}: {votes} phiếu ({percent}) — {outcome}."

CLOSING = (
    "Biên bản lập xong hồi {hour:02d} giờ {minute:02d} phút {day}, gồm {pages} trang, "
    "lập thành {copies:02d} bản có giá trị như nhau."
)
SAME_DAY = "cùng ngày"
ON_DAY = "ngày {day} tháng {month} năm {year}"
LONG_DATE = "ngày {day} tháng {month} năm {year}"
MEETING_DATE = ", {date}"
QUORUM_REASON = "Lý do vẫn tiến hành bỏ phiếu: {reason}."
RECIPIENTS = "Nơi nhận:"
RECIPIENT = "{name} ({copies:02d} bản)"
RECIPIENTS_PLACEHOLDER = ("Cấp trên trực tiếp (…… bản)", "Lưu: …… (…… bản)")

# What the minutes page and the CLI name when a document detail is still empty.
MISSING_NUMBER = "số biên bản"
MISSING_SYMBOL = "ký hiệu"
MISSING_ISSUER = "cơ quan ban hành"
MISSING_PLACE = "địa danh"
MISSING_RECIPIENTS = "nơi nhận"
MISSING_SIGNERS = "người ký (Trưởng ban kiểm phiếu)"
MISSING_DETAILS = "Biên bản còn thiếu: {items}. Hãy điền trong Chuẩn bị → Thông tin văn bản trước khi in."

SUMMARY_TITLE = "TỔNG HỢP KẾT QUẢ KIỂM PHIẾU"
SUMMARY_ROUND = "{no}. {heading}"
SUMMARY_COUNTS = (
    "Triệu tập {summoned}; có mặt {present}; vắng {absent}; phát ra {issued}; thu về {collected}; "
    "hợp lệ {valid}; không hợp lệ {invalid}."
)
SUMMARY_SHEET = "Tổng hợp"
# A round's sheet is a results table, not the signed minutes: its title says so.
XLSX_ROUND_TITLE = "KẾT QUẢ KIỂM PHIẾU — {title}"

ANNEX_LABEL = "PHỤ LỤC"
ANNEX_TITLE = "NHẬT KÝ NHẬP PHIẾU"
ANNEX_SUBTITLE = "(Kèm theo Biên bản kiểm phiếu {number}, {date}; mã kiểm tra kết quả {code})"
ANNEX_RECONCILE = (
    "Số phiếu thu về: {collected}; số phiếu đã nhập (liệt kê dưới đây): {entered}; số phiếu để riêng, "
    "không nhập nội dung: {set_aside} ({reasons}). {entered} + {set_aside} = {total}."
)
ANNEX_RECONCILE_NONE = "Số phiếu thu về: {collected}; số phiếu đã nhập (liệt kê dưới đây): {entered}."
ANNEX_ALL_REASONS = "Phiếu không hợp lệ theo từng lý do (một phiếu có thể có nhiều lý do): {reasons}."
ANNEX_NOTE = (
    "Mỗi dòng là một phiếu đã kiểm, theo thứ tự ngẫu nhiên, không ghi số phiếu. "
    "Cột số là số thứ tự của người trong danh sách dưới đây."
)
ANNEX_NOTE_COL = "Ghi chú"
ANNEX_INVALID = "Không hợp lệ: {reasons}"
ANNEX_VOID_ROW = "Dòng không tính"
ANNEX_LEGEND: Mapping[RoundKind, str] = {
    RoundKind.CONFIDENCE: "Ký hiệu: {codes}; “—” không đánh dấu; nhiều ký hiệu là đánh dấu nhiều ô.",
    RoundKind.APPROVAL: "Ký hiệu: Đ = Đồng ý; K = Không đồng ý; “—” không đánh dấu; “Đ,K” đánh dấu cả hai ô.",
    RoundKind.NOMINATION: "Ký hiệu: X = được chọn; để trống = không chọn.",
}
ANNEX_WRITE_INS = "Ghi thêm: {names}"
APPROVAL_MARKS = ("Đ", "K")
NOMINATION_MARK = "X"
NO_MARK = "—"

MONTH_DAY_LINE = "{place}, ngày {day} tháng {month} năm {year}"
PLACE_PLACEHOLDER = "……"


def secrecy_mark(secrecy: Secrecy) -> str | None:
    return SECRECY[secrecy]
