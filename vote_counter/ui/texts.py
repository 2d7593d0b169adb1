"""Every Vietnamese string the window shows, in one table (STYLE habit 2).

Codes live in the domain and the services; words for the screen live here.
"""

from __future__ import annotations

from collections.abc import Mapping

from vote_counter.domain.model import (
    BoardRole,
    HeaderStyle,
    InvalidPolicy,
    LevelPreset,
    Mode,
    PercentBase,
    Reason,
    RoundKind,
    Secrecy,
    Stage,
)
from vote_counter.domain.rules import Approval, Band, ProblemCode, Selection

APP_TITLE = "Kiểm Phiếu"

# ---------------------------------------------------------------- standard buttons
OK = "Đồng ý"
CANCEL = "Hủy"
YES = "Có"
NO = "Không"
CLOSE = "Đóng"
SAVE = "Lưu"

# ---------------------------------------------------------------- workflow (SPEC §1, §6)
PAGE_SETUP = "1. Chuẩn bị"
PAGE_BALLOTS = "2. Phiếu"
PAGE_ENTRY = "3. Kiểm phiếu"
PAGE_RESULTS = "4. Kết quả"
PAGE_MINUTES = "5. Biên bản và xuất"

MEETING = "Hội nghị:"
ROUND = "Lượt bỏ phiếu:"
NO_MEETING = "(chưa có hội nghị — hãy tạo ở trang Chuẩn bị)"
NO_ROUND = "(chưa có lượt bỏ phiếu)"
STAGE_NOW = "Giai đoạn: {stage}"
STAGE_TEST_SUFFIX = " — THỬ NGHIỆM"
STAGE_NEXT = "Chuyển sang “{stage}” →"
STAGE_BACK = "← Quay lại"
STAGE_BACK_TIP = "Quay lại giai đoạn “{stage}”: cần ghi lý do, thao tác được ghi vào nhật ký."
STAGE_LAST = "Lượt đã niêm phong: chỉ được xem."
STAGE_FIRST = "Đây là giai đoạn đầu tiên."
STAGE_NONE = "Chưa chọn lượt bỏ phiếu."
STAGE_CONFIRM_TITLE = "Chuyển giai đoạn"
STAGE_CONFIRM = "Chuyển lượt “{round}” sang giai đoạn “{stage}”?"
STAGE_CONFIRM_SEAL = "Niêm phong lượt “{round}”? Sau khi niêm phong, kết quả chỉ được xem, không được thay đổi."
STAGE_BACK_TITLE = "Quay lại giai đoạn trước"
STAGE_BACK_PROMPT = "Lý do quay lại giai đoạn “{stage}” (bắt buộc, được ghi vào nhật ký):"
STAGE_CHANGED = "Đã chuyển sang giai đoạn “{stage}”."

STAGE: Mapping[Stage, str] = {
    Stage.PREPARATION: "Chuẩn bị",
    Stage.COUNTING: "Kiểm phiếu",
    Stage.CLOSED: "Đã kết thúc",
    Stage.SEALED: "Niêm phong",
}

# Why a control is disabled (tooltips).
WHY_NO_ROUND = "Hãy chọn hoặc tạo một lượt bỏ phiếu trước."
WHY_NO_MEETING = "Hãy tạo hoặc chọn một hội nghị trước."
WHY_NOT_PREPARATION = "Chỉ sửa được trong giai đoạn “Chuẩn bị”; lượt này đang ở giai đoạn “{stage}”."
WHY_NOT_COUNTING = "Chỉ nhập phiếu trong giai đoạn “Kiểm phiếu”; lượt này đang ở giai đoạn “{stage}”."
WHY_NOT_PRINTING = "Chỉ in hoặc đổi phiếu trong giai đoạn “Chuẩn bị” hoặc “Kiểm phiếu”; lượt đang ở “{stage}”."
WHY_SEALED = "Lượt đã niêm phong: chỉ được xem, không được thay đổi."
WHY_NOT_ANNOUNCED = "Kết quả lượt này không công bố tại hội nghị: không được trình chiếu."
WHY_NO_PASS2 = "Lượt này không nhập hai lần."
WHY_MINUTES = "Sẽ có khi hoàn thành mô-đun biên bản và xuất kết quả."

# ---------------------------------------------------------------- set-up page
TAB_MEETING = "Hội nghị"
TAB_ROUNDS = "Lượt bỏ phiếu"
TAB_NOMINEES = "Danh sách người"
TAB_BOARD = "Ban kiểm phiếu"
TAB_COUNTS = "Số liệu"

F_MEETING_TITLE = "Tên hội nghị"
F_ORGANISATION = "Tên cơ quan"
F_PARENT = "Cơ quan cấp trên"
F_PLACE = "Địa điểm"
F_DATE = "Ngày họp"
F_HEADER = "Kiểu tiêu đề văn bản"
F_SECRECY = "Độ mật"
F_DOC_CODE = "Ký hiệu văn bản"
NEW_MEETING = "Tạo hội nghị mới"
SAVE_MEETING = "Lưu thông tin hội nghị"
MEETING_CREATED = "Đã tạo hội nghị “{title}”."
MEETING_SAVED = "Đã lưu thông tin hội nghị."

HEADER_STYLE: Mapping[HeaderStyle, str] = {
    HeaderStyle.STATE: "Cơ quan nhà nước (Nghị định 30/2020)",
    HeaderStyle.PARTY: "Cơ quan Đảng (Hướng dẫn 36-HD/VPTW)",
}
SECRECY: Mapping[Secrecy, str] = {
    Secrecy.NONE: "Không đóng dấu mật",
    Secrecy.MAT: "MẬT",
    Secrecy.TOI_MAT: "TỐI MẬT",
    Secrecy.TUYET_MAT: "TUYỆT MẬT",
}

F_ROUND_TITLE = "Tên lượt bỏ phiếu"
F_KIND = "Hình thức"
F_POSITION = "Chức danh"
F_LEVELS = "Các mức tín nhiệm"
F_BASE = "Tính tỷ lệ % trên"
F_POLICY = "Phiếu đánh dấu sai"
F_SEATS = "Số người được chọn"
F_WRITE_INS = "Cho phép ghi thêm tên"
F_ANNOUNCED = "Công bố kết quả tại hội nghị (trình chiếu)"
F_DOUBLE = "Nhập mỗi phiếu hai lần (hai người nhập độc lập)"
F_MODE = "Chế độ"
F_BLANK_DISAGREE = "Phiếu trắng tính là không đồng ý"
NEW_ROUND = "Thêm lượt mới"
SAVE_ROUND = "Lưu lượt bỏ phiếu"
ROUND_CREATED = "Đã thêm lượt “{title}”."
ROUND_SAVED = "Đã lưu lượt bỏ phiếu."
DEFAULT_ROUND_TITLE = "Lượt bỏ phiếu mới"

KIND: Mapping[RoundKind, str] = {
    RoundKind.CONFIDENCE: "Lấy phiếu tín nhiệm",
    RoundKind.APPROVAL: "Biểu quyết (đồng ý / không đồng ý)",
    RoundKind.NOMINATION: "Giới thiệu nhân sự",
}
LEVEL_PRESET: Mapping[LevelPreset, str] = {
    LevelPreset.QD96: "Quy định 96-QĐ/TW: cao / tín nhiệm / thấp",
    LevelPreset.LEGACY: "Cách cũ: tốt và khá / trung bình / thấp",
}
BASE: Mapping[PercentBase, str] = {
    PercentBase.COLLECTED: "Tổng số phiếu thu về",
    PercentBase.SUMMONED: "Tổng số người được triệu tập",
    PercentBase.PRESENT: "Tổng số người có mặt",
    PercentBase.ISSUED: "Tổng số phiếu phát ra",
    PercentBase.VALID: "Tổng số phiếu hợp lệ",
}
BASE_HEADING: Mapping[PercentBase, str] = {
    PercentBase.COLLECTED: "Tỷ lệ % trên tổng số phiếu thu về",
    PercentBase.SUMMONED: "Tỷ lệ % trên tổng số người được triệu tập",
    PercentBase.PRESENT: "Tỷ lệ % trên tổng số người có mặt",
    PercentBase.ISSUED: "Tỷ lệ % trên tổng số phiếu phát ra",
    PercentBase.VALID: "Tỷ lệ % trên tổng số phiếu hợp lệ",
}
POLICY: Mapping[InvalidPolicy, str] = {
    InvalidPolicy.WHOLE_BALLOT: "Cả phiếu không hợp lệ",
    InvalidPolicy.PER_ROW: "Chỉ dòng đó không được tính",
}
DEFAULT_CHOICE = "Mặc định theo hình thức"
MODE: Mapping[Mode, str] = {Mode.LIVE: "Chính thức", Mode.TEST: "Thử nghiệm"}

NOMINEE_HEADERS = ("STT", "Họ và tên", "Năm sinh", "Chức vụ hiện tại", "Chức vụ dự kiến", "Đơn vị")
F_FULL_NAME = "Họ và tên"
F_BIRTH_YEAR = "Năm sinh"
F_CURRENT_POSITION = "Chức vụ hiện tại"
F_PROPOSED_POSITION = "Chức vụ dự kiến"
F_UNIT = "Đơn vị"
ADD_NOMINEE = "Thêm người"
SAVE_NOMINEE = "Lưu sửa đổi"
REMOVE_NOMINEE = "Xóa"
MOVE_UP = "Lên"
MOVE_DOWN = "Xuống"
SORT_BY_NAME = "Xếp theo tên (A → Y)"
SORT_TIP = "Xếp theo tên (chữ cuối của họ và tên), rồi họ và tên đệm, theo thứ tự chữ cái tiếng Việt."
REMOVE_NOMINEE_CONFIRM = "Xóa “{name}” khỏi danh sách?"
NO_BIRTH_YEAR = "—"

BOARD_HEADERS = ("Họ và tên", "Vai trò", "Mật khẩu")
ROLE: Mapping[BoardRole, str] = {BoardRole.CHAIR: "Trưởng ban", BoardRole.MEMBER: "Thành viên"}
F_ROLE = "Vai trò"
ADD_MEMBER = "Thêm thành viên"
REMOVE_MEMBER = "Xóa thành viên"

F_SUMMONED = "Số người được triệu tập (S)"
F_PRESENT = "Số người có mặt (P)"
F_ISSUED = "Số phiếu phát ra (I)"
F_COLLECTED = "Số phiếu thu về do Ban đếm (C)"
F_COLLECTED_KNOWN = "Đã đếm số phiếu thu về"
SAVE_COUNTS = "Lưu số liệu"
COUNTS_SAVED = "Đã lưu số liệu."
QUORUM_OK = "Đủ số người có mặt theo quy định (ít nhất 2/3 số được triệu tập)."
QUORUM_FAIL = "KHÔNG ĐỦ 2/3 số người được triệu tập có mặt: hội nghị chưa đủ điều kiện bỏ phiếu."

# ---------------------------------------------------------------- ballots page
REGISTER = "Sổ phiếu"
REG_PRINTED = "Đã in"
REG_COUNTED = "Đã nhập (đã kiểm)"
REG_SPOILED = "Phiếu hỏng đã đổi"
REG_UNUSED = "Không dùng (trả lại)"
REG_OUTSTANDING = "Chưa thu về"
PRINT_GROUP = "In phiếu"
F_PRINT_COUNT = "Số phiếu cần in"
F_PAGE_FORMAT = "Khổ giấy"
PAGE_FORMAT_LABELS = {"a4_portrait": "A4 dọc", "a4_landscape": "A4 ngang", "a5_portrait": "A5 dọc"}
F_UNUSED_SERIAL = "Số phiếu (12 chữ số)"
PRINT = "In phiếu ra tệp PDF…"
PRINT_SAVE_TITLE = "Lưu tệp phiếu để in"
PDF_FILTER = "Tệp PDF (*.pdf)"
PRINTED = "Đã tạo {count} phiếu, lưu ở {path}."
PRINTING = "Đang tạo phiếu…"
EXCHANGE_GROUP = "Đổi phiếu hỏng"
F_SPOILED_SERIAL = "Số phiếu hỏng (12 chữ số)"
EXCHANGE = "Đổi phiếu"
EXCHANGED = "Đã ghi phiếu {old} là phiếu hỏng; phiếu mới số {new}."
UNUSED_GROUP = "Phiếu không dùng"
MARK_UNUSED = "Ghi là không dùng"
MARKED_UNUSED = "Đã ghi phiếu {serial} là không dùng."
PRINT_HINT = (
    "Phiếu được in theo thứ tự số ngẫu nhiên. Số phiếu không gắn với người nhận phiếu. "
    "Nên in số phiếu phát ra cộng thêm vài phiếu dự phòng."
)

# ---------------------------------------------------------------- entry page
TAB_PER_BALLOT = "Nhập từng phiếu"
TAB_COMPARE = "Đối chiếu hai lần nhập"
TAB_FIND = "Tìm và sửa phiếu"
TAB_SHEET = "Biên bản tổng hợp"
SCAN_LABEL = "Quét mã QR hoặc gõ số phiếu (12 chữ số) rồi nhấn Enter:"
SCAN_PLACEHOLDER = "Quét mã QR trên phiếu, hoặc gõ số phiếu (12 chữ số) rồi nhấn Enter"
PASS = "Lần nhập:"
PASS_N = "Lần {n}"
ENTERED_OF = "Đã nhập {entered} / {collected} phiếu thu về"
COLLECTED_UNKNOWN = "chưa đếm"
GRID_TITLE = "Phiếu số {serial}"
GRID_TITLE_CORRECT = "Sửa phiếu số {serial} (lần nhập {pass_no})"
GRID_EMPTY = "Quét một phiếu để bắt đầu nhập."
KEYS_CONFIDENCE = "Phím: 1 / 2 / 3 = mức tín nhiệm, 0 = để trống, Ctrl+số = thêm dấu, ↑ ↓ = di chuyển"
KEYS_APPROVAL = "Phím: 1 = Đồng ý, 2 = Không đồng ý, 0 = để trống, Ctrl+số = thêm dấu, ↑ ↓ = di chuyển"
KEYS_NOMINATION = "Phím: Cách (Space) = chọn / bỏ chọn, ↑ ↓ = di chuyển"
KEYS_COMMON = "Enter = lưu phiếu, Ctrl+Enter = lưu phiếu trắng, Esc = bỏ qua"
F_WRITE_INS_ENTRY = "Tên ghi thêm (F9; nhiều tên cách nhau bằng dấu ;):"
APPROVAL_LABELS = ("Đồng ý", "Không đồng ý")
NOMINATION_LABEL = "Chọn"
GRID_STT = "STT"
GRID_NAME = "Họ và tên"
MARK = "X"
DECLARED_KEYS: Mapping[Reason, str] = {
    Reason.CROSSED_NAME: "F6",
    Reason.EXTRA_CONTENT: "F7",
    Reason.UNREADABLE: "F8",
}
SAVED_VALID = "✔ Đã lưu phiếu {serial} — hợp lệ."
SAVED_INVALID = "✔ Đã lưu phiếu {serial} — KHÔNG HỢP LỆ ({reasons})."
SAVED_CORRECTED = "✔ Đã sửa phiếu {serial}."
CANCELLED = "Đã bỏ qua phiếu {serial}, chưa lưu."
READY = "Sẵn sàng. Quét phiếu tiếp theo."
SUSPICIOUS = (
    "Có phím thừa hoặc không dùng được (có thể quét mã QR khi phiếu trước chưa lưu). "
    "Kiểm tra lại từng dòng với phiếu giấy; nhấn Enter lần nữa để lưu."
)
NOTHING_OPEN = "Chưa có phiếu nào đang nhập: hãy quét phiếu trước."
SET_ASIDE = "Để riêng phiếu này (không hợp lệ)"
SET_ASIDE_DONE = "✔ Đã để riêng phiếu, tính là phiếu không hợp lệ ({reason})."
UNDO = "Hoàn tác"
REDO = "Làm lại"
UNDO_SAVE = "nhập phiếu {serial}"
UNDO_CORRECT = "sửa phiếu {serial}"
UNDO_VOID = "hủy phiếu {serial}"
UNDO_REASON = "Hoàn tác"
REDO_REASON = "Làm lại"
CORRECTION_REASON = "Sửa sau khi kiểm tra phiếu giấy"
UNDO_KEPT = "{message} Chưa hoàn tác gì; bước này vẫn còn: nhấn Ctrl+Z lần nữa khi hai người sẵn sàng."
REDO_KEPT = "{message} Chưa làm lại gì; bước này vẫn còn: nhấn Ctrl+Y lần nữa khi hai người sẵn sàng."
UNDONE = "Đã hoàn tác: {what}."
REDONE = "Đã làm lại: {what}."
TOTALS_TITLE = "Kết quả tạm tính (lần nhập đang chọn)"
TOTALS_NAME = "Họ và tên"
TOTALS_NOT_COUNTED = "Không tính"
TOTALS_VOTES = "Số phiếu"
VALID_INVALID = "Hợp lệ: {valid} — Không hợp lệ: {invalid}"

DIFF_HEADERS = ("Số phiếu", "Lần nhập 1", "Lần nhập 2", "Dòng khác nhau")
DIFF_MISSING = "(chưa nhập)"
DIFF_NONE = "Hai lần nhập khớp nhau."
DIFF_COUNT = "{n} phiếu có hai lần nhập khác nhau. Xem lại phiếu giấy rồi sửa lần nhập sai."
OPEN_PASS = "Mở lần nhập {n} để sửa"
DIFF_NOT_ENTERED = "Phiếu {serial} chưa được nhập ở lần {n}: hãy quét phiếu này ở lần nhập {n}."
REFRESH = "Làm mới"
BLANK_ROW = "trống"

FIND_LABEL = "Số phiếu (12 chữ số) hoặc quét mã:"
FIND = "Tìm"
FIND_HEADERS = ("Số phiếu", "Lần nhập", "Tình trạng", "Nội dung")
FOUND_NONE = "Không có phiếu nào đã nhập với số này."
STATUS_ACTIVE_VALID = "Đang tính — hợp lệ"
STATUS_ACTIVE_INVALID = "Đang tính — không hợp lệ"
STATUS_VOID = "Đã hủy"
STATUS_SET_ASIDE = "Để riêng"
CORRECT = "Sửa phiếu"
VOID = "Hủy phiếu…"
VOID_TITLE = "Hủy phiếu đã nhập"
VOID_PROMPT = "Lý do hủy phiếu {serial} (bắt buộc, được ghi vào nhật ký):"
VOIDED = "Đã hủy phiếu {serial}; số phiếu này có thể nhập lại."
ONLY_ACTIVE = "Chỉ sửa được phiếu đang được tính (không sửa phiếu đã hủy hoặc để riêng)."
SELECT_BALLOT = "Hãy chọn một phiếu trong danh sách."

SHEET_NO = "Biên bản số"
SHEET_VALID = "Số phiếu hợp lệ"
SHEET_INVALID = "Phiếu không hợp lệ"
SHEET_SAVE = "Lưu biên bản tổng hợp"
SHEET_SAVED = "Đã lưu biên bản tổng hợp số {n}."
SHEET_NOT_NUMBER = "Có ô không phải số nguyên (tô đỏ)."
SHEET_OK = "Các con số khớp nhau."
SHEET_WRITE_INS = "Tên ghi thêm và số phiếu (mỗi dòng: Họ và tên = số)"

# ---------------------------------------------------------------- results page
RESULTS_REFRESH = "Làm mới kết quả"
RECOUNT_CHECK = "Kiểm lại từng phiếu"
RECOUNT_CHECK_TIP = (
    "Đếm lại mọi phiếu đã nhập và so với tổng cộng dồn đã lưu (chạy nền, không chặn việc nhập phiếu). "
    "Khi kết thúc kiểm phiếu, phần mềm cũng tự kiểm lại như vậy."
)
RECOUNT_RUNNING = "Đang kiểm lại từng phiếu…"
RECOUNT_MATCHES = "Đã kiểm lại {count} phiếu: khớp với tổng cộng dồn đã lưu."
RECOUNT_DIFFERS = (
    "BÁO ĐỘNG: tổng cộng dồn đã lưu (lần nhập {passes}) khác với kết quả kiểm lại từng phiếu. Có thể tệp dữ liệu "
    "đã bị sửa ngoài phần mềm; không kết thúc được. Báo ngay Trưởng ban."
)
RECOUNT_FAILED = "Không kiểm lại được: {detail}"
PROJECT = "Trình chiếu"
PROJECT_TIP = "Mở màn hình kết quả cỡ chữ lớn cho hội trường (Esc để đóng)."
SUMMARY = (
    "Triệu tập (S): {s}   Có mặt (P): {p}   Vắng: {absent}   Phát ra (I): {i}   "
    "Thu về (C): {c}   Hợp lệ (V): {v}   Không hợp lệ (X): {x}"
)
NO_QUORUM = "CẢNH BÁO: không đủ 2/3 số người được triệu tập có mặt ({p}/{s}). Biên bản sẽ ghi rõ điều này."
INVALID_REASONS = "Lý do phiếu không hợp lệ: {reasons}"
PROBLEMS = "Số liệu chưa khớp — cần xử lý trước khi kết thúc kiểm phiếu:"
NO_PROBLEMS = "Số liệu khớp nhau."
TIE = "Có ngang phiếu — người đứng đầu xem xét, quyết định."
TEST_WATERMARK = "THỬ NGHIỆM — KHÔNG CÓ GIÁ TRỊ"
RESULT_NAME = "Họ và tên"
RESULT_OUTCOME = "Kết luận"
RESULT_NOT_COUNTED = "Không tính"
RESULT_VOTES = "Số phiếu"
WRITE_IN_SUFFIX = " (ghi thêm)"
PROJECTOR_TITLE = "Kết quả kiểm phiếu"
PROJECTOR_CLOSE_HINT = "Nhấn Esc để đóng"

BAND: Mapping[Band, str] = {
    Band.OVER_HALF: "Trên 50% đến dưới 2/3 phiếu tín nhiệm thấp",
    Band.TWO_THIRDS: "Từ 2/3 phiếu tín nhiệm thấp trở lên",
}
APPROVAL: Mapping[Approval, str] = {
    Approval.APPROVED: "Đạt trên 50% — được thông qua",
    Approval.HALF: "Đạt 50% — người đứng đầu quyết định",
    Approval.NOT_APPROVED: "Không đạt",
}
SELECTION: Mapping[Selection, str] = {
    Selection.SELECTED: "Đạt trên 50%",
    Selection.FORWARD: "Được giới thiệu sang bước tiếp theo",
    Selection.TIED: "Ngang phiếu — người đứng đầu xem xét, quyết định",
}
PROBLEM: Mapping[ProblemCode, str] = {
    ProblemCode.NO_QUORUM: "Không đủ 2/3 số người được triệu tập có mặt (cần {expected}, có {actual}).",
    ProblemCode.COLLECTED_OVER_ISSUED: "Số phiếu thu về ({actual}) nhiều hơn số phiếu phát ra ({expected}).",
    ProblemCode.ISSUED_OVER_PRESENT: "Số phiếu phát ra ({actual}) nhiều hơn số người có mặt ({expected}).",
    ProblemCode.PRESENT_OVER_SUMMONED: "Số người có mặt ({actual}) nhiều hơn số được triệu tập ({expected}).",
    ProblemCode.ENTERED_NOT_PHYSICAL: "Đã nhập {actual} phiếu nhưng Ban đếm được {expected} phiếu thu về.",
    ProblemCode.NOMINEE_OVER_VALID: "Dòng “{name}”: tổng {actual} vượt số phiếu hợp lệ ({expected}).",
    ProblemCode.VOTES_OVER_SEATS: "Tổng số phiếu bầu ({actual}) vượt quá mức tối đa ({expected}).",
    ProblemCode.BASE_ZERO: "Cơ sở tính tỷ lệ bằng 0: chưa nhập số liệu.",
    ProblemCode.NEGATIVE: "Có con số âm.",
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

SHEET_PROBLEM = {
    "negative": "Có con số âm.",
    "unknown_nominee": "Dòng không có trong danh sách.",
    "wrong_width": "Số cột không đúng.",
    "row_over_valid": "Dòng “{name}”: tổng {actual} vượt số phiếu hợp lệ ({expected}).",
    "row_not_valid": "Dòng “{name}”: tổng {actual} phải bằng số phiếu hợp lệ ({expected}).",
    "votes_over_seats": "Tổng số phiếu bầu ({actual}) vượt quá mức tối đa ({expected}).",
}

# ---------------------------------------------------------------- minutes page
MINUTES_INTRO = "Khi hoàn thành mô-đun biên bản và xuất kết quả, trang này sẽ tạo:"
MINUTES_ITEMS = (
    "Biên bản kiểm phiếu (PDF, khổ A4), ba bản đánh số 01/03, 02/03, 03/03 trong một lần in;",
    "Biên bản dạng Word (.docx) để cơ quan chỉnh sửa và lưu;",
    "Bảng kết quả dạng Excel (.xlsx);",
    "Nhật ký nhập phiếu (phụ lục, không có số phiếu);",
    "Gói kết quả ghi ra USB: biên bản, bảng kết quả, nhật ký, tệp kê khai có chữ ký số;",
    "Mã kiểm tra kết quả in trên mỗi trang, khớp với tệp trên USB.",
)
MINUTES_PRINT = "In biên bản…"
MINUTES_DOCX = "Xuất biên bản Word…"
MINUTES_XLSX = "Xuất bảng kết quả Excel…"
MINUTES_USB = "Ghi ra USB…"

ERROR_TITLE = "Không thực hiện được"
OPEN_REFUSED = "Không mở được cơ sở dữ liệu: {message}"
INFO_TITLE = "Thông báo"

# ---------------------------------------------------------------- minutes and export page (SPEC §7)
MINUTES_TITLE = "Biên bản và xuất kết quả — {round}"
MINUTES_NO_ROUND_TITLE = "Biên bản và xuất kết quả"
WHY_MINUTES_NOT_CLOSED = (
    "Kết thúc kiểm phiếu trước khi lập biên bản: lượt này đang ở giai đoạn “{stage}”. "
    "Khi số liệu đã khớp, bấm nút chuyển giai đoạn ở thanh trên cùng."
)
CHECK_CODE_TITLE = "Mã kiểm tra kết quả"
CHECK_CODE_HINT = (
    "Mã này in ở cuối mỗi trang biên bản và ghi trong tệp kết quả. "
    "Đọc to và so với bản giấy: khác một ký tự là kết quả đã khác."
)
CHECK_CODE_NONE = "—"
ROUND_DOCS = "Tài liệu của lượt này"
MEETING_DOCS = "Tài liệu của cả hội nghị"
WRITE_MINUTES = "Lập biên bản (PDF 3 bản + Word)…"
WRITE_MINUTES_TIP = (
    "Biên bản kiểm phiếu khổ A4: một tệp PDF gồm ba bản đánh số 01/03, 02/03, 03/03 để in một lần, "
    "và một tệp Word (.docx) để chỉnh sửa. Mỗi lần lập được ghi vào nhật ký."
)
WRITE_ANNEX = "Nhật ký nhập phiếu (phụ lục)…"
WRITE_ANNEX_TIP = "Nội dung từng phiếu đã nhập, xếp theo thứ tự ngẫu nhiên, không có số phiếu (PDF)."
WRITE_RESULTS = "Kết quả Excel + JSON…"
WRITE_RESULTS_TIP = "Bảng kết quả mọi lượt của hội nghị: tệp Excel (.xlsx) và tệp JSON."
WRITE_SUMMARY = "Bản tổng hợp hội nghị…"
WRITE_SUMMARY_TIP = "Một tệp PDF ngắn tổng hợp kết quả mọi lượt bỏ phiếu của hội nghị."
EXPORT_USB = "Xuất ra USB…"
USB_ENCRYPT = "Mã hóa gói (ZIP AES-256)"
USB_ENCRYPT_TIP = "Mật khẩu của gói chỉ hiện một lần, ngay sau khi xuất: hãy ghi ra giấy."
USB_TIP = "Ghi biên bản, kết quả, nhật ký, chữ ký số vào USB rồi đọc lại để kiểm tra."
USB_TITLE = "Chọn USB để xuất kết quả"
USB_HINT = "Chọn ổ USB dưới đây. Gói kết quả được ghi, đọc lại và kiểm tra trước khi báo xong."
USB_NONE = "Không thấy ổ USB nào đang cắm. Cắm USB rồi mở lại hộp này, hoặc chọn một thư mục khác."
USB_OTHER_FOLDER = "Chọn thư mục khác…"
USB_DRIVE_ITEM = "{name} ({root}) — còn trống {free} MB, {fs}"
USB_WRITING = "Đang ghi và kiểm tra gói kết quả… không rút USB."
USB_DONE = "Đã ghi xong — có thể rút USB.\nThư mục: {folder}\nDấu vân tay khóa ký: {fingerprint}"
# Said instead of USB_DONE when the target is not a removable drive (a plain folder, a network share).
USB_DONE_FOLDER = "Đã ghi xong vào thư mục {folder}\nDấu vân tay khóa ký: {fingerprint}"
USB_PASSPHRASE_TITLE = "Mật khẩu của gói kết quả"
USB_PASSPHRASE_INTRO = "Gói kết quả đã được mã hóa. Mật khẩu (chỉ hiện một lần, phần mềm không lưu):"
USB_PASSPHRASE_AFTER = "Ghi mật khẩu ra giấy, ký nhận và bàn giao riêng với USB."
ONCE_COPY = "Sao chép"
ONCE_COPIED = "Đã sao chép vào bộ nhớ tạm."
ONCE_DONE = "Tôi đã ghi lại"
NAME_WARNING = "Cảnh báo: {detail}"
CHOOSE_FOLDER = "Chọn thư mục lưu tệp"
REPRINT_TITLE = "In lại biên bản"
REPRINT_CANCELLED = "Chưa in lại biên bản: cần ghi rõ lý do in lại."
REPRINT_PROMPT = "In lại biên bản — ghi rõ lý do (bắt buộc, được ghi vào nhật ký):"
WRITING = "Đang tạo tệp…"
WRITTEN_MINUTES = "Đã lập biên bản (mã kiểm tra {code}): {count} tệp."
WRITTEN_ANNEX = "Đã tạo nhật ký nhập phiếu (phụ lục)."
WRITTEN_RESULTS = "Đã xuất kết quả dạng Excel và JSON."
WRITTEN_SUMMARY = "Đã tạo bản tổng hợp hội nghị."
WRITE_FAILED = "Không ghi được tệp vào thư mục {folder} ({detail}). Hãy chọn thư mục khác hoặc kiểm tra ổ đĩa."
PRINT_HELP = (
    "Cách in biên bản: bấm “Lập biên bản”, chọn thư mục; tệp PDF vừa tạo được chọn sẵn trong danh sách "
    "bên phải. Bấm “Mở bằng trình xem PDF để in” rồi in một lần cả tệp (Ctrl+P): đủ ba bản "
    "01/03, 02/03, 03/03. Trưởng ban và các thành viên ký cả ba bản, đối chiếu mã kiểm tra ở cuối mỗi trang."
)
FILES_TITLE = "Các tệp đã tạo (đường dẫn đầy đủ):"
FILE_ITEM = "{time}   {name}\n          trong thư mục {folder}"
FILES_EMPTY = "Chưa tạo tệp nào trong lần mở này."
OPEN_FILE = "Mở tệp"
OPEN_TO_PRINT = "Mở bằng trình xem PDF để in"
OPEN_TO_PRINT_TIP = "Mở tệp PDF đang chọn bằng trình xem PDF của máy; in từ trình xem đó (Ctrl+P)."
WHY_SELECT_FILE = "Hãy chọn một tệp trong danh sách."
WHY_SELECT_PDF = "Hãy chọn một tệp PDF trong danh sách."
OPENED = "Đã mở {path}."

# ---------------------------------------------------------------- nominee import (SPEC §1)
IMPORT_NOMINEES = "Nhập từ tệp (CSV, Excel)…"
IMPORT_NOMINEES_TIP = "Đọc danh sách từ tệp .csv hoặc .xlsx; xem trước rồi mới thêm vào danh sách."
IMPORT_CHOOSE = "Chọn tệp danh sách"
IMPORT_FILTER = "Danh sách (*.csv *.xlsx *.txt);;Tất cả các tệp (*)"
IMPORT_TITLE = "Nhập danh sách từ tệp"
IMPORT_FILE = "Tệp: {path}"
IMPORT_ENCODING = "Bảng mã: {encoding}"
IMPORT_COLUMNS = "Các cột đã đọc: {columns}. Cột có tên khác (không có ở đây) được bỏ qua."
IMPORT_COUNT = "Sẽ thêm {count} người vào cuối danh sách của lượt “{round}”. Kiểm tra kỹ dấu tiếng Việt trước khi thêm."
IMPORT_WARNINGS = "Lưu ý:"
IMPORT_CONFIRM = "Thêm vào danh sách"
IMPORT_RETRY_1258 = "Đọc bằng bảng mã Windows-1258"
IMPORTED = "Đã thêm {count} người từ tệp {name}."
ENCODING_NAMES = {
    "utf-8-sig": "UTF-8 (có BOM)",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1258": "Windows-1258",
    "xlsx": "Tệp Excel (.xlsx)",
    "tcvn3": "TCVN3 (ABC)",
    "vni": "VNI-Windows",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "xlsx/tcvn3": "Excel, chữ TCVN3",
    "xlsx/vni": "Excel, chữ VNI",
}

# ---------------------------------------------------------------- accounts, sign-in, screen lock (SPEC §9)
SIGN_IN_TITLE = "Đăng nhập Ban kiểm phiếu"
SIGN_IN_PROMPT = "Chọn tên của mình trong Ban kiểm phiếu của hội nghị “{meeting}” và nhập mật khẩu."
SIGN_IN_CHAIR_PROMPT = "Thao tác này cần Trưởng ban: Trưởng ban nhập mật khẩu của mình."
SIGN_IN_BUTTON = "Đăng nhập"
SIGN_IN_SKIP = "Chỉ xem"
F_MEMBER = "Thành viên:"
F_PASSPHRASE = "Mật khẩu:"
F_CHAIR = "Trưởng ban:"
F_SECOND = "Thành viên thứ hai:"
F_NEW_PASSPHRASE = "Mật khẩu mới:"
F_REPEAT_PASSPHRASE = "Nhập lại mật khẩu mới:"
F_CURRENT_PASSPHRASE = "Mật khẩu hiện tại:"
SIGNED_IN_AS = "Đang làm việc: {name} ({role})"
SIGNED_IN_NONE = "Chưa đăng nhập (chỉ xem)"
SIGNED_IN_NO_ACCOUNTS = "Hội nghị chưa có mật khẩu Ban kiểm phiếu"
SIGN_IN_ACTION = "Đăng nhập…"
LOCK_BUTTON = "Khóa màn hình"
LOCK_TIP = "Khóa ngay: muốn làm tiếp phải nhập lại mật khẩu. Màn hình tự khóa sau {minutes} phút không dùng."
LOCKED_TITLE = "Màn hình đang khóa"
LOCKED_TEXT = "Màn hình đã khóa vì không dùng trong {minutes} phút hoặc do một thành viên khóa. Chọn tên và nhập "
LOCKED_TEXT += "mật khẩu để làm tiếp; dữ liệu đã lưu vẫn còn nguyên."
UNLOCK_BUTTON = "Mở khóa"
APPROVAL_TITLE = "Cần Trưởng ban và một thành viên"
APPROVAL_PROMPT = (
    "“{action}” cần Trưởng ban và một thành viên khác của Ban kiểm phiếu: mỗi người nhập mật khẩu của mình."
)
APPROVAL_REASON = "Lý do: {reason}"
APPROVAL_SAME_PERSON = "Hai người phải khác nhau."
APPROVAL_CANCELLED = "Chưa thực hiện: chưa đủ Trưởng ban và một thành viên xác nhận."
SET_PASSPHRASE = "Đặt mật khẩu…"
SET_PASSPHRASE_TIP = "Đặt hoặc đổi mật khẩu đăng nhập của thành viên đang chọn (ít nhất 8 ký tự)."
SET_PASSPHRASE_TITLE = "Mật khẩu của {name}"
SET_PASSPHRASE_PROMPT = "Người có tên tự nhập mật khẩu của mình (ít nhất 8 ký tự, không cho người khác xem)."
PASSPHRASES_DIFFER = "Hai lần nhập mật khẩu mới không giống nhau."
PASSPHRASE_SET = "Đã đặt mật khẩu cho {name}."
BOARD_HAS_PASSPHRASE = "Đã có mật khẩu"
BOARD_NO_PASSPHRASE = "Chưa có mật khẩu"
WHY_SEALED_MEETING = "Hội nghị có lượt đã niêm phong: thông tin hội nghị và Ban kiểm phiếu chỉ được xem."
ACTION_CLOSE = "Kết thúc kiểm phiếu"
ACTION_SEAL = "Niêm phong"
ACTION_BACK = "Quay lại giai đoạn “{stage}”"
ACTION_VOID = "Hủy phiếu đã nhập số {serial}"
ACTION_REPRINT = "In lại biên bản"
ACTION_REMOVE_MEMBER = "Xóa thành viên có mật khẩu"
AUDIT_CHECKING = "Đang kiểm tra nhật ký… (chưa ghi được gì cho đến khi xong)"
AUDIT_CHECK_FAILED = "Không kiểm tra được nhật ký: {detail}"
AUDIT_ALARM_TITLE = "CẢNH BÁO: dữ liệu bị sửa ngoài phần mềm"
AUDIT_ALARM = (
    "Kiểm tra nhật ký lúc mở phần mềm phát hiện: {where}.\n\n"
    "Không được xuất kết quả từ cơ sở dữ liệu này. Vẫn có thể mở để xem. Báo ngay Trưởng ban Ban kiểm phiếu; "
    "chạy “vote-counter verify-audit” để xem lại."
)
WHY_AUDIT_BROKEN = "Nhật ký bị sửa ngoài phần mềm: không được xuất kết quả. Báo Trưởng ban."
WHY_MINUTES_AUDIT = (
    "Kiểm tra nhật ký phát hiện: {where}. Không lập biên bản hay xuất kết quả từ cơ sở dữ liệu này; báo Trưởng ban."
)
SELECT_MEMBER = "Hãy chọn một thành viên trong bảng trước."

# ---------------------------------------------------------------- first run, menus, settings, about
WELCOME_TITLE = "Chào mừng đến với Kiểm Phiếu"
WELCOME_INTRO = (
    "Phần mềm kiểm phiếu chạy ngoại tuyến trên máy của Ban kiểm phiếu. Để làm quen, mở hội nghị mẫu; "
    "để chuẩn bị một hội nghị thật, tạo hội nghị mới."
)
WELCOME_DEMO = "Mở hội nghị mẫu"
WELCOME_DEMO_TIP = "Tạo một hội nghị mẫu với ba lượt bỏ phiếu đã kiểm xong, kèm mật khẩu mẫu của Ban kiểm phiếu."
WELCOME_NEW = "Tạo hội nghị mới"
WELCOME_NEW_TIP = "Nhập tên hội nghị, cơ quan, ngày họp ở trang Chuẩn bị."
WELCOME_RECENT = "Hội nghị mở gần đây"
WELCOME_RECENT_NONE = "Chưa mở hội nghị nào trên máy này."
WELCOME_MEETINGS = "Hội nghị có trong cơ sở dữ liệu (hội nghị mở gần đây trên máy này ở đầu)"
WELCOME_OPEN = "Mở hội nghị đã chọn"
WELCOME_CONTINUE = "Vào trang làm việc"
WELCOME_DATABASE = "Tệp dữ liệu: {path}"
WELCOME_DATABASE_HALL = "Cơ sở dữ liệu chung của hội trường: {where}"
WELCOME_VERSION = "Phiên bản {version}"
DEMO_BUILDING = "Đang tạo hội nghị mẫu…"
DEMO_READY_TITLE = "Hội nghị mẫu đã sẵn sàng"
DEMO_READY = (
    "Đã tạo hội nghị mẫu “{title}” với ba lượt bỏ phiếu đã kiểm xong.\n\n"
    "Mật khẩu mẫu của Ban kiểm phiếu (chỉ dùng cho hội nghị mẫu, hãy ghi lại để đăng nhập):"
)
DEMO_READY_AFTER = "Trưởng ban và một thành viên đang đăng nhập sẵn."
DEMO_PASSPHRASE_LINE = "• {name} ({role}): {passphrase}"

MENU_MEETING = "&Hội nghị"
MENU_WELCOME = "Trang bắt đầu"
MENU_RECENT = "Hội nghị gần đây"
MENU_RECENT_NONE = "(chưa có)"
MENU_SETTINGS = "Cài đặt…"
MENU_QUIT = "Thoát"
MENU_HELP = "&Trợ giúp"
MENU_ABOUT = "Giới thiệu Kiểm Phiếu"

SETTINGS_TITLE = "Cài đặt"
F_DATABASE = "Tệp cơ sở dữ liệu"
DATABASE_HINT = "Mọi phiếu đã lưu nằm trong tệp này; bản sao lưu tự động nằm trong thư mục backups bên cạnh."
OPEN_FOLDER = "Mở thư mục chứa tệp"
F_IDLE_MINUTES = "Tự khóa màn hình sau"
IDLE_SUFFIX = " phút không dùng"
F_LANGUAGE = "Ngôn ngữ giao diện"
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
LANGUAGE_RESTART = "Đổi ngôn ngữ có hiệu lực khi mở lại phần mềm. Biên bản và phiếu luôn in bằng tiếng Việt."
LANGUAGE_CHANGED = "Đã lưu. Hãy đóng và mở lại phần mềm để dùng ngôn ngữ mới."

ABOUT_TITLE = "Giới thiệu Kiểm Phiếu"
ABOUT_TEXT = (
    "Kiểm Phiếu — phiên bản {version}\n"
    "Phần mềm kiểm phiếu ngoại tuyến cho Ban kiểm phiếu.\n\n"
    "Tệp dữ liệu: {path}\n"
    "Phông chữ Liberation Serif (giấy phép SIL OFL 1.1). Phần mềm theo giấy phép MIT."
)

SELF_CHECK_FONT = "Phông chữ “{family}” chưa được nạp."
SELF_CHECK_ICON = "Không nạp được biểu tượng của phần mềm."
SELF_CHECK_DRAW = "Không vẽ được cửa sổ chính."
SELF_CHECK_PAGES = "Cửa sổ chính thiếu trang."
SELF_CHECK_MEETING = "Cửa sổ không mở được hội nghị mẫu."

# ---------------------------------------------------------------- document details (issue 13)
TAB_DOCUMENTS = "Thông tin văn bản"
DOC_ISSUER = "Cơ quan ban hành"
DOC_ISSUER_HINT = "Để trống: dùng tên cơ quan của hội nghị"
DOC_PLACE = "Địa danh (dòng ngày tháng)"
DOC_SYMBOL = "Ký hiệu biên bản"
DOC_SYMBOL_HINT = "Ví dụ: BB-STP; để trống: BB- và ký hiệu văn bản của hội nghị"
DOC_NUMBERS = "Số biên bản của từng lượt"
DOC_COL_ROUND = "Lượt bỏ phiếu"
DOC_COL_NUMBER = "Số"
DOC_RECIPIENTS = "Nơi nhận"
DOC_RECIPIENTS_HINT = "Mỗi dòng một nơi nhận: tên | số bản, ví dụ: Ban Tổ chức Tỉnh ủy | 1"
DOC_SIGNERS = "Người ký"
DOC_SIGNERS_HINT = "Để trống: Ban kiểm phiếu ký. Mỗi dòng: CHỨC DANH | Họ và tên"
DOC_SAVE = "Lưu thông tin văn bản"
DOC_SAVED = "Đã lưu thông tin văn bản."
DOC_MISSING = "Biên bản của lượt đang chọn còn thiếu: {items}."
DOC_COMPLETE = "Biên bản của lượt đang chọn đã đủ thông tin văn bản."
DOC_WHY_NO_MEETING = "Hãy chọn hoặc tạo một hội nghị trước."
DOC_BAD_RECIPIENT = "Dòng {line} của nơi nhận: số bản phải là số nguyên (ví dụ: Lưu | 1). Chưa lưu gì."
DOC_BAD_SIGNER = "Dòng {line} của người ký cần dạng: CHỨC DANH | Họ và tên. Chưa lưu gì."
MINUTES_MISSING = "Chưa đủ thông tin văn bản: {items}. Điền trong Chuẩn bị → Thông tin văn bản (vẫn có thể in)."

# ---------------------------------------------------------------- entry that counts only what a person keyed (issue 11)
UNDO_BUTTON = "&Hoàn tác (Ctrl+Z)"
REDO_BUTTON = "&Làm lại (Ctrl+Y)"
UNDO_WITH_MARKS = "{action} (các dấu: {marks})"
NOTHING_TO_UNDO = "Không có thao tác nào để hoàn tác."
NOTHING_TO_REDO = "Không có thao tác nào để làm lại."
HISTORY_WHILE_OPEN = (
    "Phiếu {serial} đang mở, chưa lưu: lưu (Enter) hoặc bỏ qua (Esc) phiếu này trước khi hoàn tác hay làm lại."
)
SCAN_WHILE_OPEN = (
    "Vừa quét một phiếu khác khi phiếu {serial} đang mở, chưa lưu: phiếu vừa quét KHÔNG được nhập, phiếu đang mở "
    "giữ nguyên. Nhấn Enter để lưu hoặc Esc để bỏ qua phiếu đang mở, rồi quét lại."
)
BLANK_NEEDS_KEY = (
    "Phiếu {serial} chưa có dấu nào nên CHƯA lưu. Nếu phiếu thật sự để trống, nhấn Ctrl+Enter để lưu phiếu trắng; "
    "nếu không, nhập các dấu rồi nhấn Enter."
)
VIEW_ONLY_SCAN = (
    "Chỉ xem: chưa có thành viên Ban kiểm phiếu nào đăng nhập nên không nhập được phiếu. Bấm “Đăng nhập” ở trên "
    "cùng rồi quét lại phiếu."
)
LOCK_SCAN = (
    "Máy quét vừa đọc một phiếu khi màn hình đang khóa: phiếu không được nhập và không tính là nhập sai mật khẩu. "
    "Mở khóa rồi quét lại."
)
F_MEMBER_ACCEL = "&Thành viên:"
F_PASSPHRASE_ACCEL = "&Mật khẩu:"
BLOCKERS_TITLE = "Chưa thể {action}"
BLOCKERS_INTRO = (
    "Chưa thể {action}: còn những việc dưới đây phải xử lý trước. Chưa ai cần nhập mật khẩu; hãy xử lý rồi thử lại."
)
FIX_COUNTS = "&Nhập số phiếu thu về"
FIX_COMPARE = "&Xem phiếu hai lần nhập khác nhau"
FIX_RESULTS = "Xem &kết quả"
C_MISSING = "Chưa nhập số phiếu thu về (C) do Ban kiểm phiếu đếm: chưa thể đối chiếu số phiếu đã nhập."
PASSES_DISAGREE = "{n} phiếu có hai lần nhập khác nhau."
ACTION_CLOSE_SHORT = "kết thúc kiểm phiếu"
ACTION_SEAL_SHORT = "niêm phong"
SCAN_LABEL_SHORT = "Quét &mã QR / số phiếu:"

# ---------------------------------------------------------------- reading scanned ballots (SPEC §11)
PAGE_SCAN = "3b. Đọc phiếu quét"
SCAN_HEADING = "Đọc phiếu quét"
SCAN_HELP = (
    "Quét phiếu bằng máy quét văn phòng (thang xám, 200 dpi, PDF hoặc ảnh) rồi chọn tệp hoặc thư mục. "
    "Phiếu rõ ràng được lưu như nhập tay; phiếu có ô không rõ chờ Ban kiểm phiếu xem xét và chưa được tính."
)
SCAN_FILES = "Chọn tệp quét…"
SCAN_FOLDER = "Chọn thư mục…"
SCAN_FILES_TITLE = "Chọn các tệp ảnh quét"
SCAN_FILES_FILTER = "Ảnh quét (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)"
SCAN_FOLDER_TITLE = "Chọn thư mục máy quét lưu ảnh"
SCAN_PASS = "Lần nhập"
SCAN_RUNNING = "Đang đọc {done}/{total} tệp…"
SCAN_COUNTS = "Đã lưu {saved} phiếu · chờ xem xét {queued} tờ · từ chối {refused} tờ"
SCAN_MARGIN = (
    "Điểm các ô trong lần đọc: {empty} ô gần như trắng (< 2 % mực), {middle} ô ở giữa, {marked} ô rõ dấu (≥ 8 % mực)."
)
SCAN_BAD_LIMITS = "Ngưỡng đọc phiếu trong cài đặt (scan/definite, scan/marginal) không hợp lệ: cần 0 < marginal < definite < 1. Chưa đọc tệp nào; hãy sửa cài đặt rồi thử lại."
SCAN_DONE = "Đã đọc xong {sheets} tờ."
SCAN_COLUMNS = ("Tệp", "Trang thứ", "Kết quả", "Số phiếu", "Lý do")
SCAN_OUTCOME = {"saved": "Đã lưu", "queued": "Chờ xem xét", "refused": "Từ chối"}
SCAN_NEEDS_COUNTING = "Chỉ đọc phiếu quét khi lượt bỏ phiếu đang ở giai đoạn Kiểm phiếu."
SCAN_QUEUE_TAB = "Hàng chờ xem xét ({count})"
SCAN_READ_TAB = "Đọc ảnh quét"
REVIEW_EMPTY = "Không có tờ quét nào đang chờ xem xét."
REVIEW_REASONS = "Lý do: {reasons}"
REVIEW_SERIAL = "Số phiếu: {serial}"
REVIEW_NO_SERIAL = "Không đọc được mã QR: gõ số phiếu in dưới mã"
REVIEW_BOX = "Ô {n}/{total}: {row}, cột “{option}”"
REVIEW_ROW = "dòng {stt}"
REVIEW_WRITE_IN = "dòng ghi thêm {n}"
REVIEW_KEYS = "Phím 1: có dấu · Phím 0: để trống · ←/→: ô trước/sau · Enter: lưu phiếu"
REVIEW_MARKED = "Có dấu"
REVIEW_EMPTY_BOX = "Trống"
REVIEW_UNDECIDED = "Chưa quyết định"
REVIEW_SAVE = "Lưu phiếu (Enter)"
REVIEW_DISMISS = "Bỏ khỏi hàng chờ…"
REVIEW_DISMISS_PROMPT = "Lý do bỏ tờ quét này (ví dụ: đã nhập bằng tay):"
REVIEW_SAVED = "Đã lưu phiếu số {serial}."
REVIEW_LEFT = "Còn {count} ô chưa quyết định."

PAPER_MIRROR = "Dòng {row}/{rows} — trang {page}/{pages} của phiếu giấy"

# Qt's own words (ui/qt_texts.py): context → Qt's English source → what the window shows.
_QT_EDIT = {
    "&Undo": "&Hoàn tác",
    "&Redo": "&Làm lại",
    "Cu&t": "&Cắt",
    "&Copy": "&Sao chép",
    "&Paste": "&Dán",
    "Delete": "Xóa",
    "Select All": "Chọn tất cả",
    "Copy &Link Location": "Sao chép địa chỉ liên &kết",
}
QT_WORDS = {
    "QLineEdit": _QT_EDIT,
    "QWidgetTextControl": _QT_EDIT,
    "QAbstractSpinBox": {"&Select All": "&Chọn tất cả", "&Step up": "&Tăng", "Step &down": "&Giảm"},
}

# ---------------------------------------------------------------- long jobs (ui/jobs.py, issue 17)
JOB_TITLE = "Đang làm việc"
JOB_RUNNING = "Đang {name}…"
JOB_WAIT = "Xin chờ: không tắt máy, không rút USB. Hộp này tự đóng khi xong."
JOB_PROGRESS = "{done} / {total}"
THOUSANDS_SEP = "."  # 11.000: how this language groups thousands in a count
JOB_WAIT_CANCEL = "Xin chờ. Bấm Hủy (hoặc Esc) để dừng: không có gì thay đổi."
JOB_STOPPING = "Đang dừng…"
JOB_CLOSE_RECOUNT = "kiểm lại từng phiếu trước khi kết thúc kiểm phiếu"
CLOSE_RECOUNT_STOPPED = "Đã dừng kiểm lại từng phiếu: lượt bỏ phiếu vẫn ở giai đoạn Kiểm phiếu, không có gì thay đổi."
CLOSE_RECOUNT_FAILED = "Chưa kết thúc được: không kiểm lại được từng phiếu ({detail})."
JOB_BUSY = "Đang {name}: chưa thể {other}. Chờ việc này xong rồi làm lại."
JOB_FAILED = "Không làm được: {detail}"
JOB_FAILED_OS = "Không ghi hoặc đọc được tệp: {detail}. Không có gì bị ghi dở."
JOB_CLOSE_REFUSED = "Đang có việc chạy dở. Chờ việc xong rồi hãy đóng cửa sổ."
JOB_DEMO = "tạo hội nghị mẫu"
JOB_SAMPLE = "in phiếu MẪU"
JOB_BACKUP = "sao lưu cơ sở dữ liệu"
JOB_RESTORE_CHECK = "kiểm tra bản sao lưu"
JOB_RESTORE = "khôi phục từ bản sao lưu"
JOB_MERGE = "nhập phiếu từ máy kiểm phiếu khác"
JOB_MERGE_EXPORT = "ghi gói phiếu đã nhập"
JOB_TEST_DECK = "tạo bộ phiếu thử"
JOB_TEST_ENTER = "nhập bộ phiếu thử"
JOB_TEST_REPORT = "lập báo cáo thử nghiệm"
JOB_VERIFY = "kiểm tra gói kết quả"
JOB_PRINT_BALLOTS = "in phiếu"
JOB_EXPORT = "ghi và kiểm tra gói kết quả"
JOB_MINUTES = "lập biên bản"

# ---------------------------------------------------------------- Công cụ (ui/pages/tools_page.py)
PAGE_TOOLS = "Công cụ"
MENU_TOOLS = "&Công cụ"
TOOLS_SAMPLE = "Phiếu mẫu"
TOOLS_BACKUP = "Sao lưu và khôi phục"
TOOLS_MERGE = "Gộp máy thứ hai"
TOOLS_TEST = "Thử nghiệm → chính thức"
TOOLS_VERIFY = "Kiểm tra gói kết quả"
TOOLS_HALL = "Máy chủ hội trường"
MENU_TOOLS_ITEMS = (
    "In phiếu MẪU…",
    "Sao lưu và khôi phục…",
    "Gộp phiếu của máy thứ hai…",
    "Thử nghiệm → chính thức…",
    "Kiểm tra gói kết quả…",
    "Máy chủ hội trường…",
)
JSON_FILTER = "Tệp JSON (*.json)"
JSONL_FILTER = "Tệp phiếu JSON (*.jsonl *.json)"

SAMPLE_GROUP = "Phiếu MẪU để duyệt trước khi in"
SAMPLE_HINT = (
    "In một phiếu của lượt đang chọn, có chữ “MẪU”, để Ban kiểm phiếu duyệt nội dung trước khi in thật. "
    "Phiếu mẫu không có số phiếu, không ghi vào sổ phiếu."
)
SAMPLE_PRINT = "In phiếu MẪU…"
SAMPLE_DONE = "Đã in phiếu MẪU: {path}"
SAMPLE_NO_NOMINEES = "Lượt bỏ phiếu chưa có người trong danh sách."

BACKUP_HEADING = "Sao lưu cơ sở dữ liệu"
BACKUP_REASON = "Lý do:"
BACKUP_REASON_HINT = "ví dụ: trước khi nhập phiếu"
BACKUP_DEFAULT_REASON = "thủ công"
BACKUP_NOW = "Sao lưu ngay"
BACKUP_FOLDER = "Các bản sao lưu nằm trong thư mục {folder} (tự động ở mỗi lần chuyển giai đoạn)."
BACKUP_COLUMNS = ("Thời điểm", "Lý do", "Dung lượng (KB)")
BACKUP_AUTOMATIC = "tự động: lượt {round} chuyển sang “{stage}”"
BACKUP_REPLACED = "cơ sở dữ liệu trước khi khôi phục"
BACKUP_DONE = "Đã sao lưu: {path}"
BACKUP_FILTER = "Bản sao lưu Kiểm Phiếu (*.sqlite3)"
WHY_PICK_BACKUP = "Chọn một bản sao lưu trong danh sách."
RESTORE_HINT = (
    "Khôi phục: phần mềm kiểm tra bản sao lưu trước, rồi liệt kê những gì sẽ bị bỏ; chỉ khi Trưởng ban và một "
    "thành viên cùng nhập mật khẩu mới khôi phục. Cơ sở dữ liệu đang dùng được giữ lại trong thư mục sao lưu."
)
RESTORE_SELECTED = "Khôi phục bản đã chọn…"
RESTORE_OTHER = "Khôi phục từ tệp khác…"
RESTORE_PICK_TITLE = "Chọn bản sao lưu để khôi phục"
RESTORE_CHECKING = "Đang kiểm tra bản sao lưu {name}…"
RESTORE_PLAN_TITLE = "Khôi phục sẽ bỏ những gì"
RESTORE_PLAN_INTRO = (
    "Bản sao lưu {name} hợp lệ ({entries} mục nhật ký). Khôi phục sẽ BỎ những thay đổi sau "
    "(có trong cơ sở dữ liệu hiện tại, không có trong bản sao lưu):"
)
RESTORE_NOTHING_DROPPED = "Không có thay đổi nào sau bản sao lưu."
RESTORE_PLAN_AFTER = (
    "Cơ sở dữ liệu hiện tại được giữ lại một bản trong thư mục sao lưu. Khôi phục cần Trưởng ban và một thành viên."
)
RESTORE_GO = "Khôi phục…"
RESTORE_CANCELLED = "Chưa khôi phục: không có gì thay đổi."
ACTION_RESTORE = "khôi phục cơ sở dữ liệu từ bản sao lưu {name}"
RESTORE_DONE_TITLE = "Đã khôi phục"
RESTORE_DONE = "Đã khôi phục từ {name} ({entries} mục nhật ký).\nCơ sở dữ liệu trước khi khôi phục được giữ tại: {kept}"
BACKUP_FILTER_HALL = "Bản sao lưu cơ sở dữ liệu chung (*.pgdump)"
RESTORE_HOST_ONLY = (
    "Cơ sở dữ liệu chung của hội trường chỉ khôi phục được trên máy chủ hội trường: trên máy đang chạy máy chủ "
    "(Công cụ → Máy chủ hội trường), mở thẻ này để khôi phục."
)
WHY_HOST_ONLY = "Chỉ khôi phục được trên máy chủ hội trường."
RESTORE_HINT_HALL = (
    "Khôi phục cơ sở dữ liệu chung (trên máy chủ hội trường): phần mềm kiểm tra bản pg_dump trước, rồi liệt kê "
    "những gì sẽ bị bỏ; chỉ khi Trưởng ban và một thành viên cùng nhập mật khẩu mới khôi phục. Cơ sở dữ liệu đang "
    "dùng được giữ lại trên máy chủ dưới một tên khác."
)
RESTORE_PLAN_AFTER_HALL = (
    "Cơ sở dữ liệu chung hiện tại được giữ lại trên máy chủ dưới một tên khác. Khôi phục cần Trưởng ban và một "
    "thành viên; các máy kiểm phiếu đang kết nối phải kết nối lại sau đó."
)
RESTORE_DONE_HALL = (
    "Đã khôi phục từ {name} ({entries} mục nhật ký).\nCơ sở dữ liệu trước khi khôi phục được giữ lại trên máy chủ "
    "với tên {kept}.\nCác máy kiểm phiếu khác phải kết nối lại tới máy chủ hội trường."
)

MERGE_TITLE = "Gộp máy thứ hai"
MERGE_IMPORT_GROUP = "Nhận phiếu của máy kiểm phiếu khác vào lượt đang chọn"
MERGE_IMPORT_HINT = (
    "Chọn thư mục gói phiếu đã nhập do máy kia ghi (USB). Gói được kiểm tra chữ ký trước; phiếu đã có ở máy "
    "này được báo là trùng, không tính hai lần."
)
MERGE_MODE = "Cách gộp:"
MERGE_MODE_SECOND = "Lần nhập thứ hai của cùng các phiếu (để đối chiếu)"
MERGE_MODE_ADDITIONAL = "Phiếu khác của cùng lượt (cộng thêm)"
MERGE_IMPORT = "Chọn gói và nhập…"
MERGE_EXPORT_GROUP = "Gửi phiếu đã nhập ở máy này sang máy kia"
MERGE_OWN_FINGERPRINT = "Dấu vân tay khóa của máy này (máy kia đối chiếu khi nhận gói): {fingerprint}"
MERGE_PASS = "Lần nhập:"
MERGE_EXPORT = "Ghi gói phiếu đã nhập…"
MERGE_EXPORTED = "Đã ghi gói phiếu đã nhập: {folder}"
MERGE_DONE = "Đã ghi {count} phiếu từ máy kiểm phiếu {fingerprint}."
MERGE_OVERLAPS = "{count} phiếu đã được nhập ở máy này, không tính lần nữa: {serials}"
MERGE_REJECTED = "Phiếu {serial} không được tính: {message}"
WHY_NOT_COUNTING_MERGE = "Chỉ nhận phiếu của máy khác khi lượt đang ở giai đoạn “Kiểm phiếu”; lượt đang ở “{stage}”."
TRUST_TITLE = "Khóa ký chưa biết"
TRUST_INTRO = "Gói được ký bằng khóa chưa biết, dấu vân tay:"
TRUST_AFTER = (
    "Chỉ nhận gói khi chắc chắn đây là máy kiểm phiếu kia: đọc dấu vân tay trên màn hình máy kia "
    "(Công cụ → Gộp máy thứ hai) và gõ vào dưới đây để đối chiếu, hoặc Trưởng ban và một thành viên "
    "cùng xác nhận. Khóa được ghi nhận để lần sau không phải hỏi lại."
)
TRUST_TYPED = "Dấu vân tay đọc trên máy kia:"
TRUST_TYPED_HINT = "16 chữ số hex"
TRUST_COMPARE = "Đối chiếu và nhận"
TRUST_TWO_MEMBERS = "Trưởng ban và thành viên xác nhận…"
TRUST_TYPE_FIRST = "Gõ dấu vân tay đọc trên máy kia trước."
TRUST_REFUSED = "Chưa nhận gói: khóa {fingerprint} chưa được đối chiếu. Không có gì thay đổi."
TRUST_NEEDS_TWO = "Chưa nhận gói: cần Trưởng ban và một thành viên xác nhận khóa. Không có gì thay đổi."
ACTION_TRUST_KEY = "tin khóa ký {fingerprint} của máy kiểm phiếu kia"

TEST_ABOUT = (
    "Lượt thử nghiệm: in bộ phiếu thử có kết quả dự kiến, nhập vào lượt này, so kết quả thực với kết quả dự kiến, "
    "rồi tạo lượt chính thức từ lượt thử nghiệm (đếm lại từ đầu)."
)
TEST_NOT_TEST = (
    "Lượt đang chọn là lượt chính thức. Bộ phiếu thử chỉ dùng cho lượt thử nghiệm "
    "(Chuẩn bị → Lượt bỏ phiếu → Chế độ: Thử nghiệm)."
)
TEST_STEPS = "Các bước"
TEST_STEP_1 = "1. Bộ phiếu thử:"
TEST_STEP_2 = "2. Nhập phiếu thử:"
TEST_STEP_3 = "3. Báo cáo:"
TEST_STEP_4 = "4. Chính thức:"
TEST_COUNT = "Số phiếu thử:"
TEST_DECK = "Tạo bộ phiếu thử…"
TEST_ENTER = "Nhập bộ phiếu thử (deck.jsonl)…"
TEST_REPORT = "So với kết quả dự kiến (expected.json)…"
TEST_GO_LIVE = "Chuyển sang chính thức…"
TEST_PICK_DECK = "Chọn bộ phiếu thử (deck.jsonl)"
TEST_PICK_EXPECTED = "Chọn kết quả dự kiến (expected.json)"
TEST_DECK_DONE = (
    "Đã in {count} phiếu thử vào sổ phiếu. Dự kiến: thu về {collected}, hợp lệ {valid}, không hợp lệ {invalid}.\n"
    "Phiếu thử: {deck}\nKết quả dự kiến: {expected}"
)
TEST_ENTERED = "Đã lưu {saved} phiếu thử; từ chối {refused}."
TEST_ENTER_REFUSED = "dòng {line}: {message}"
TEST_ENTER_STOPPED = (
    "{error}\nDừng ở dòng {line}: đã lưu {saved} phiếu ở các dòng trước; dòng {line} và các dòng sau CHƯA được lưu."
)
TEST_UNREADABLE = "không đọc được tệp {name}."
TEST_REPORT_EMPTY = "Báo cáo thử nghiệm hiện ở đây."
TEST_REPORT_OK = "Kết quả khớp với kết quả dự kiến. Báo cáo: {path}"
TEST_REPORT_BAD = "Kết quả KHÔNG khớp với kết quả dự kiến: xem các dòng sai ở trên. Báo cáo: {path}"
TEST_GO_LIVE_TITLE = "Chuyển sang chính thức"
TEST_GO_LIVE_CONFIRM = (
    "Tạo lượt chính thức từ lượt thử nghiệm “{round}”? Lượt mới có cùng danh sách và cách tính, mã và khóa mới, "
    "chưa có phiếu nào; phiếu thử bị từ chối ở lượt mới. Lượt thử nghiệm được giữ lại làm hồ sơ."
)
TEST_LIVE_DONE = "Đã tạo lượt chính thức “{title}” (giai đoạn Chuẩn bị, chưa có phiếu nào)."
WHY_NOT_TEST_ROUND = "Chỉ dùng cho lượt thử nghiệm."
WHY_DECK_STAGE = "Bộ phiếu thử chỉ được tạo ở giai đoạn “Chuẩn bị” hoặc “Kiểm phiếu”."
WHY_ENTER_STAGE = "Nhập phiếu thử khi lượt ở giai đoạn “Kiểm phiếu” (nút chuyển giai đoạn ở trên)."

VERIFY_GROUP = "Kiểm tra gói kết quả trên USB hoặc trong một thư mục"
VERIFY_HINT = (
    "Kiểm tra chữ ký số, từng tệp, mã kiểm tra kết quả và chuỗi nhật ký của gói. Gõ dấu vân tay in trên biên bản "
    "giấy để đối chiếu khóa ký; để trống thì chỉ nhận khóa của máy này hoặc máy đã ghép. Không thay đổi gì."
)
VERIFY_F_FINGERPRINT = "Dấu vân tay trên biên bản:"
VERIFY_FINGERPRINT_HINT = "không bắt buộc"
VERIFY_F_PASSPHRASE = "Mật khẩu gói mã hóa:"
VERIFY_PASSPHRASE_HINT = "không bắt buộc (để kiểm tra cả bên trong KetQua.zip)"
VERIFY_F_USB = "USB:"
VERIFY_USB = "Kiểm tra USB này"
VERIFY_NO_USB = "(không thấy USB nào đang cắm)"
VERIFY_F_FOLDER = "Hoặc:"
VERIFY_FOLDER = "Chọn thư mục gói…"
VERIFY_PICK_TITLE = "Chọn thư mục gói kết quả (KetQua_…) hoặc ổ USB"
VERIFY_EMPTY = "Kết quả kiểm tra hiện ở đây."
VERIFY_NOTHING = "Không thấy gói kết quả nào (thư mục có manifest.json) trong {folder}."
VERIFY_FOR = "Gói {folder}:"
VERIFY_WORDS_OK = (
    "✔ Còn nguyên vẹn: không tệp nào bị sửa, thiếu hay thêm; chữ ký đúng, do khóa đã biết ký ({fingerprint})."
)
VERIFY_WORDS_UNKNOWN = (
    "⚠ Gói tự khớp, nhưng khóa ký {fingerprint} CHƯA được đối chiếu: ai cũng có thể tạo một gói tự khớp. "
    "So dấu vân tay này với dấu vân tay in trên biên bản giấy, gõ vào ô ở trên rồi kiểm tra lại."
)
VERIFY_WORDS_BAD = "✘ KHÔNG nguyên vẹn — gói đã bị thay đổi hoặc không đầy đủ:"
VERIFY_CODE = "  Lượt {round}: mã kiểm tra kết quả {code} (so với mã in trên biên bản giấy)"
VERIFY_ENCRYPTED_UNCHECKED = "  Nội dung mã hóa chưa được kiểm tra: gõ mật khẩu gói để kiểm tra cả bên trong."
VERIFY_ALL_OK = "Đã kiểm tra {count} gói: tất cả còn nguyên vẹn."
VERIFY_SOME_BAD = "Có gói KHÔNG nguyên vẹn: không dùng gói đó. Xem chi tiết ở trên."
VERIFY_SOME_UNKNOWN = "Gói tự khớp nhưng khóa ký chưa được đối chiếu: xem chi tiết ở trên."

# ---------------------------------------------------------------- Máy chủ hội trường (issue 16)
HALL_STATUS_STATION = "Trạm: {name}"
HALL_STATUS_NO_STATION = "Trạm: (chưa đặt tên)"
HALL_STATUS_SQLITE = "SQLite: tệp {path}"
HALL_STATUS_CONNECTED = "Máy chủ hội trường: đã kết nối"
HALL_STATUS_LOST = "Mất kết nối tới máy chủ hội trường — tạm dừng nhập phiếu"
HALL_STATUS_REPLACED = "Máy chủ hội trường đã khôi phục dữ liệu — hãy kết nối lại"
HALL_RECONNECT = "Kết nối lại"
HALL_RECONNECT_TIP = (
    "Mở lại cơ sở dữ liệu chung của hội trường (sau khi máy chủ khôi phục dữ liệu). Ban kiểm phiếu đăng nhập lại."
)
HALL_RECONNECTED = "Đã kết nối lại tới {where}. Ban kiểm phiếu hãy đăng nhập lại."
HALL_RECONNECT_FAILED = "Chưa kết nối lại được: {detail}"
HALL_RECONNECT_NO_HALL = "Cửa sổ đang dùng tệp dữ liệu trên máy này, không phải máy chủ hội trường."
HALL_STATION_GROUP = "Tên trạm kiểm phiếu của máy này"
HALL_STATION_LABEL = "Tên trạm:"
HALL_STATION_HINT = "ví dụ: Tổ 1 — ghi vào mọi dòng nhật ký của máy này"
HALL_STATION_SAVE = "Lưu tên trạm"
HALL_STATION_SAVED = "Đã đặt tên trạm: {name}. Mọi thao tác từ nay được ghi kèm tên này."
HALL_STATION_CLEARED = "Đã xóa tên trạm."
HALL_HOST_GROUP = "Máy này làm máy chủ hội trường"
HALL_FOLDER_LABEL = "Thư mục dữ liệu:"
HALL_FOLDER_HINT = "thư mục trống cho lần đầu; lần sau chọn lại đúng thư mục đó"
HALL_FOLDER_PICK = "Chọn…"
HALL_PICK_FOLDER = "Chọn thư mục dữ liệu của máy chủ hội trường"
HALL_ADDRESS_LABEL = "Địa chỉ mạng:"
HALL_PORT_LABEL = "Cổng:"
HALL_START = "Bật máy chủ"
HALL_STOP = "Tắt máy chủ"
HALL_USE_HOSTED = "Dùng máy chủ này cho cửa sổ này"
HALL_LINE_LABEL = "Dòng kết nối:"
HALL_LINE_NONE = "(máy chủ chưa chạy)"
HALL_QR_NONE = "Mã QR kết nối\nhiện ở đây"
HALL_NEED_FOLDER = "Hãy chọn thư mục dữ liệu của máy chủ trước."
HALL_STARTING = "Đang bật máy chủ… (lần đầu có thể mất một phút)"
HALL_RUNNING = "Máy chủ đang chạy. Các máy khác quét mã QR hoặc dán dòng kết nối để kết nối."
HALL_STOPPED = "Máy chủ đã tắt; mọi dữ liệu đã lưu."
HALL_STOPPING = "Đang tắt máy chủ… (chờ PostgreSQL ghi xong dữ liệu)"
HALL_KILLED = (
    "Máy chủ không tự tắt được nên đã bị buộc dừng. Dữ liệu đã lưu không mất: lần bật sau PostgreSQL tự phục hồi."
)
HALL_FAILED = "Máy chủ không chạy được: {detail}"
HALL_SECRET_TITLE = "Dòng kết nối máy chủ hội trường"
HALL_SECRET_INTRO = "Dòng kết nối, có mật khẩu (chỉ hiện đầy đủ một lần ở đây):"
HALL_SECRET_AFTER = (
    "Chỉ đưa cho các máy kiểm phiếu trong hội trường (quét mã QR trên trang hoặc dán dòng này). "
    "Ai có dòng này đều ghi được vào cơ sở dữ liệu chung."
)
HALL_CONNECT_GROUP = "Kết nối tới máy chủ hội trường"
HALL_CONNECT_LABEL = "Dòng kết nối:"
HALL_CONNECT_HINT = "dán hoặc quét dòng KP_DB=postgresql+psycopg://…"
HALL_TEST = "Thử kết nối"
HALL_CONNECT = "Kết nối"
HALL_TEST_OK = "Kết nối được tới {where}."
HALL_SWITCHED = "Cửa sổ này đang dùng cơ sở dữ liệu chung {where}."
