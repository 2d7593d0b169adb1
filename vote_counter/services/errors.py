"""Errors a user can act on: a code for programs, a sentence for people (Vietnamese, or the language in use:
vote_counter.i18n; the Vietnamese text is the catalog's msgid, so the default output is the source itself)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from vote_counter.domain.model import Reason
from vote_counter.domain.serials import format_serial
from vote_counter.i18n import N_, Translated, _
from vote_counter.storage.schema_guard import Finding
from vote_counter.storage.seals import SEALED


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    WRONG_STAGE = "wrong_stage"
    SEALED = "sealed"
    INVALID_INPUT = "invalid_input"
    MALFORMED_CODE = "malformed_code"
    BAD_CHECK_DIGIT = "bad_check_digit"
    NOT_ISSUED = "not_issued"
    OTHER_ROUND = "other_round"
    TEST_IN_LIVE = "test_in_live"
    LIVE_IN_TEST = "live_in_test"
    SPOILED = "spoiled"
    DUPLICATE = "duplicate"
    BAD_MARKS = "bad_marks"
    LOCKED_AFTER_PRINT = "locked_after_print"
    CANNOT_CLOSE = "cannot_close"
    NO_QUORUM = "no_quorum"
    REASON_REQUIRED = "reason_required"
    DEFINITION = "definition"
    STORAGE = "storage"
    AUDIT_BROKEN = "audit_broken"
    NOTHING_TO_EXPORT = "nothing_to_export"
    EXPORT_FAILED = "export_failed"
    EXPORT_READ_BACK = "export_read_back"
    UNSAFE_NAME = "unsafe_name"
    PACKAGE_INVALID = "package_invalid"
    PACKAGE_MISMATCH = "package_mismatch"
    BACKUP_FAILED = "backup_failed"
    AUTO_BACKUP_FAILED = "auto_backup_failed"
    BACKUP_INVALID = "backup_invalid"
    NOT_SIGNED_IN = "not_signed_in"
    WRONG_PASSPHRASE = "wrong_passphrase"
    LOCKED_OUT = "locked_out"
    NEEDS_CHAIR = "needs_chair"
    NEEDS_SECOND_MEMBER = "needs_second_member"
    NO_PASSPHRASE = "no_passphrase"
    ACCOUNTS_REQUIRED = "accounts_required"
    WEAK_PASSPHRASE = "weak_passphrase"
    CURRENT_PASSPHRASE = "current_passphrase"
    INPUT_FILE = "input_file"
    DATABASE_MISSING = "database_missing"
    DATABASE_REPLACED = "database_replaced"
    DATABASE_NEWER = "database_newer"
    PRINT_FAILED = "print_failed"
    UNKNOWN_KEY = "unknown_key"
    KEYS_LOCKED = "keys_locked"
    KEY_REFUSED = "key_refused"
    RESTORE_CONFIRM = "restore_confirm"
    RESTORE_OTHER_MEETING = "restore_other_meeting"
    AUDIT_CHECKING = "audit_checking"
    HOST_UNREACHABLE = "host_unreachable"  # the hall's PostgreSQL (issue 16)
    WRITE_CONFLICT = "write_conflict"
    COPY_TARGET_NOT_EMPTY = "copy_target_not_empty"
    BACKUP_SHARED = "backup_shared"
    RESTORE_ON_HOST = "restore_on_host"  # restoring the hall's PostgreSQL from a pg_dump (services/pg_restore.py)
    HOST_FOLDER = "host_folder"
    HALL_REPLACED = "hall_replaced"
    RESTORE_CHANGED = "restore_changed"
    FOREIGN_SCHEMA = "foreign_schema"  # a trigger, view, table or index the app did not make (schema_guard)
    HALL_BAD_LINE = "hall_bad_line"  # the window's "Máy chủ hội trường" (issue 16)
    STATION_BAD = "station_bad"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.HALL_BAD_LINE: N_(
        "Đây không phải dòng kết nối của máy chủ hội trường. Hãy dán hoặc quét đúng dòng "
        "KP_DB=postgresql+psycopg://… mà máy chủ hiện ra. Chưa kết nối, không có gì thay đổi."
    ),
    ErrorCode.STATION_BAD: N_(
        "Tên trạm không dùng được: tối đa {limit} ký tự, không có ký tự điều khiển. Tên cũ vẫn được giữ."
    ),
    ErrorCode.HOST_UNREACHABLE: N_(
        "Mất kết nối tới máy chủ hội trường ({detail}). Thao tác này chưa được lưu; mọi "
        "phiếu đã lưu trước đó vẫn còn trên máy chủ. Hãy kiểm tra dây mạng và máy chủ rồi làm lại."
    ),
    ErrorCode.BACKUP_SHARED: N_(
        "Cơ sở dữ liệu chung của hội trường (PostgreSQL): bản sao lưu của nó là các tệp .pgdump trong thư mục "
        "backups của máy này, không phải tệp .sqlite3; khôi phục chỉ làm được trên máy chủ hội trường, bằng lệnh "
        "restore với --data. Không có gì thay đổi."
    ),
    ErrorCode.RESTORE_ON_HOST: N_(
        "Khôi phục cơ sở dữ liệu chung của hội trường chỉ làm được trên máy chủ hội trường (máy chạy lệnh host): "
        "chạy lệnh restore trên máy đó, thêm --data THƯ_MỤC là thư mục dữ liệu của máy chủ. Không có gì thay đổi."
    ),
    ErrorCode.HOST_FOLDER: N_(
        "Thư mục {path} không phải thư mục dữ liệu của máy chủ hội trường đang giữ cơ sở dữ liệu {database} "
        "({detail}). "
        "Hãy ghi đúng thư mục --data đã dùng khi chạy lệnh host. Không có gì thay đổi."
    ),
    ErrorCode.RESTORE_CHANGED: N_(
        "Trong lúc khôi phục, một máy kiểm phiếu vừa ghi thêm vào cơ sở dữ liệu chung nên danh sách những gì bị "
        "bỏ không còn đúng. Chưa khôi phục, không có gì thay đổi: hãy chạy lại lệnh restore để xem danh sách mới."
    ),
    ErrorCode.HALL_REPLACED: N_(
        "Cơ sở dữ liệu chung của hội trường vừa được khôi phục từ bản sao lưu trên máy chủ. Thao tác vừa rồi "
        "KHÔNG được ghi nhận. Hãy kết nối lại tới máy chủ hội trường (nút “Kết nối lại” ở thanh trạng thái, "
        "hoặc phím F5), đăng nhập lại, rồi kiểm tra lại các phiếu trước khi nhập tiếp."
    ),
    ErrorCode.COPY_TARGET_NOT_EMPTY: N_(
        "Cơ sở dữ liệu nhận đã có hội nghị hoặc nhật ký: chỉ chép vào một cơ sở dữ liệu trống. Không có gì được chép."
    ),
    ErrorCode.WRITE_CONFLICT: N_(
        "Nhiều máy cùng ghi một lúc nên thao tác này chưa lưu được sau nhiều lần thử. Chưa có gì thay đổi; hãy làm lại."
    ),
    ErrorCode.NOT_FOUND: N_("Không tìm thấy {what}."),
    ErrorCode.WRONG_STAGE: N_("Không thể {action} khi lượt bỏ phiếu đang ở giai đoạn “{stage}”."),
    ErrorCode.SEALED: N_("Lượt bỏ phiếu đã niêm phong: chỉ được xem, không được thay đổi."),
    ErrorCode.INVALID_INPUT: N_("Dữ liệu không hợp lệ: {detail}"),
    ErrorCode.MALFORMED_CODE: N_(
        "Mã vừa quét hoặc nhập không phải số phiếu hợp lệ. Hãy quét lại mã QR hoặc gõ đủ 12 chữ số in dưới mã."
    ),
    ErrorCode.BAD_CHECK_DIGIT: N_("Số phiếu sai chữ số kiểm tra: có thể gõ nhầm một chữ số. Hãy kiểm tra lại."),
    ErrorCode.NOT_ISSUED: N_(
        "Phiếu không do Ban kiểm phiếu phát ra cho lượt này (không có trong sổ phiếu "
        "hoặc mã không khớp). Không được tính; để riêng phiếu này."
    ),
    ErrorCode.OTHER_ROUND: N_("Đây là phiếu của lượt bỏ phiếu khác (“{other}”). Không được tính vào lượt này."),
    ErrorCode.TEST_IN_LIVE: N_(
        "Phiếu thử nghiệm: phiếu này được in cho lượt THỬ NGHIỆM, không có giá trị trong lượt "
        "bỏ phiếu chính thức. Không được tính; để riêng phiếu này."
    ),
    ErrorCode.LIVE_IN_TEST: N_("Đây là phiếu chính thức, không dùng trong lượt thử nghiệm."),
    ErrorCode.SPOILED: N_("Phiếu số {serial} đã được đổi (phiếu hỏng), không được tính."),
    ErrorCode.DUPLICATE: N_(
        "Phiếu số {serial} đã được nhập rồi. Không tính lần nữa; nếu là phiếu thật thứ hai "
        "cùng số, để riêng làm phiếu không hợp lệ."
    ),
    ErrorCode.BAD_MARKS: N_("Nội dung phiếu không khớp với danh sách của lượt này: {detail}"),
    ErrorCode.LOCKED_AFTER_PRINT: N_(
        "Đã in phiếu cho lượt này: không được sửa danh sách hoặc cách bỏ phiếu. "
        "Muốn thay đổi, hãy hủy các phiếu đã in trước."
    ),
    ErrorCode.CANNOT_CLOSE: N_("Chưa thể kết thúc kiểm phiếu: {detail}"),
    ErrorCode.NO_QUORUM: N_(
        "Chưa đủ 2/3 số người được triệu tập có mặt ({present}/{summoned}): hội nghị chưa được "
        "bỏ phiếu. Nếu vẫn tiến hành theo quyết định của hội nghị, hãy ghi rõ lý do; biên bản sẽ ghi điều này."
    ),
    ErrorCode.REASON_REQUIRED: N_("Cần ghi rõ lý do cho thao tác này."),
    ErrorCode.DEFINITION: N_("Tệp định nghĩa hội nghị có lỗi: {detail}"),
    ErrorCode.AUDIT_CHECKING: N_(
        "Đang kiểm tra nhật ký khi mở tệp dữ liệu: chưa ghi được gì cho đến khi kiểm tra "
        "xong. Chờ vài giây rồi thử lại; dữ liệu chưa bị thay đổi."
    ),
    ErrorCode.STORAGE: N_(
        "Không ghi được vào cơ sở dữ liệu ({detail}). Dữ liệu đã lưu trước đó vẫn còn nguyên; "
        "hãy kiểm tra ổ đĩa rồi thử lại."
    ),
    ErrorCode.FOREIGN_SCHEMA: N_(
        "Dữ liệu bị sửa ngoài phần mềm: tệp cơ sở dữ liệu {path} có {objects}. Không mở tệp này và "
        "không ghi gì vào đó; giữ nguyên tệp, báo Trưởng ban và khôi phục từ bản sao lưu."
    ),
    ErrorCode.AUDIT_BROKEN: N_("Dữ liệu bị sửa ngoài phần mềm: {where}. Không được xuất kết quả; báo Trưởng ban."),
    ErrorCode.NOTHING_TO_EXPORT: N_(
        "Hội nghị chưa có lượt bỏ phiếu nào đã kết thúc kiểm phiếu: chưa có kết quả để xuất. "
        "Hãy kết thúc kiểm phiếu (hoặc niêm phong) trước."
    ),
    ErrorCode.EXPORT_FAILED: N_(
        "Không ghi được gói kết quả vào {where} ({detail}). Chưa có gói nào được ghi hoàn tất; "
        "phần ghi dở đã được xóa. Hãy kiểm tra USB (còn chỗ trống, không bị khóa ghi) rồi thử lại."
    ),
    ErrorCode.EXPORT_READ_BACK: N_(
        "Đã ghi nhưng đọc lại từ USB thấy khác ({detail}): USB có thể bị hỏng. "
        "Gói ghi lỗi đã được xóa; hãy thử lại với USB khác. Chưa được rút USB để nộp."
    ),
    ErrorCode.UNSAFE_NAME: N_("Tên tệp “{name}” không an toàn: {detail}"),
    ErrorCode.PACKAGE_INVALID: N_("Gói dữ liệu không toàn vẹn, không được dùng: {detail}"),
    ErrorCode.PACKAGE_MISMATCH: N_("Gói dữ liệu không thuộc lượt bỏ phiếu này: {detail}"),
    ErrorCode.BACKUP_FAILED: N_(
        "Không tạo được bản sao lưu ({detail}). Dữ liệu hiện tại vẫn nguyên; hãy kiểm tra ổ đĩa rồi thử lại."
    ),
    ErrorCode.AUTO_BACKUP_FAILED: N_(
        "Đã chuyển giai đoạn, nhưng không tạo được bản sao lưu tự động ({detail}). "
        "Hãy kiểm tra ổ đĩa rồi sao lưu thủ công."
    ),
    ErrorCode.BACKUP_INVALID: N_(
        "Bản sao lưu “{name}” không dùng được ({detail}). Cơ sở dữ liệu hiện tại không bị thay đổi."
    ),
    ErrorCode.NOT_SIGNED_IN: N_(
        "Chưa đăng nhập: hội nghị này có tài khoản Ban kiểm phiếu. Một thành viên Ban kiểm phiếu "
        "của hội nghị chọn tên mình, nhập mật khẩu rồi làm lại thao tác."
    ),
    ErrorCode.WRONG_PASSPHRASE: N_(
        "Mật khẩu của {name} không đúng. Hãy nhập lại (kiểm tra phím Caps Lock và bộ gõ tiếng Việt).{wait}"
    ),
    ErrorCode.LOCKED_OUT: N_(
        "Đã nhập sai mật khẩu của {name} {failures} lần liên tiếp: phải chờ {wait} nữa mới được "
        "thử lại. Trong lúc chờ, thành viên khác có thể đăng nhập."
    ),
    ErrorCode.NEEDS_CHAIR: N_(
        "Thao tác này cần Trưởng ban Ban kiểm phiếu: Trưởng ban nhập mật khẩu của mình rồi làm lại."
    ),
    ErrorCode.NEEDS_SECOND_MEMBER: N_(
        "Thao tác này cần Trưởng ban và thêm một thành viên khác của Ban kiểm phiếu: "
        "hai người khác nhau, mỗi người nhập mật khẩu của mình."
    ),
    ErrorCode.NO_PASSPHRASE: N_(
        "{name} chưa có mật khẩu. Hãy đặt mật khẩu ở Chuẩn bị → Ban kiểm phiếu → “Đặt mật khẩu…”."
    ),
    ErrorCode.ACCOUNTS_REQUIRED: N_(
        "Lượt bỏ phiếu chính thức chỉ được mở kiểm phiếu khi Trưởng ban đã có mật khẩu. "
        "Hãy đặt mật khẩu cho Trưởng ban (và các thành viên) ở Chuẩn bị → Ban kiểm phiếu → “Đặt mật khẩu…”."
    ),
    ErrorCode.WEAK_PASSPHRASE: N_(
        "Mật khẩu phải có từ {minimum} đến {maximum} ký tự. Hãy chọn mật khẩu dài hơn, dễ nhớ "
        "với mình nhưng người khác khó đoán."
    ),
    ErrorCode.KEYS_LOCKED: N_(
        "Khóa niêm phong của hội nghị số {meeting} chưa được mở: cần một thành viên Ban kiểm phiếu "
        'đăng nhập (trên dòng lệnh: --as "Họ tên") để kiểm tra và ghi dữ liệu niêm phong. Chưa có gì thay đổi.'
    ),
    ErrorCode.KEY_REFUSED: N_(
        "Mật khẩu của {name} không mở được khóa niêm phong của hội nghị: bản ghi thành viên trong tệp "
        "dữ liệu đã bị sửa ngoài phần mềm. Không được tiếp tục; báo Trưởng ban và kiểm tra bằng “verify-audit”."
    ),
    ErrorCode.RESTORE_CONFIRM: N_(
        "Khôi phục sẽ bỏ đi những thay đổi liệt kê ở trên. Cần Trưởng ban và một thành viên "
        "khác đăng nhập (--as, --with) và xác nhận (--confirm) mới được khôi phục. Chưa có gì thay đổi."
    ),
    ErrorCode.RESTORE_OTHER_MEETING: N_(
        "Bản sao lưu “{name}” là của hội nghị khác ({detail}), không phải của cơ sở dữ "
        "liệu đang dùng: không được khôi phục. Chưa có gì thay đổi."
    ),
    ErrorCode.CURRENT_PASSPHRASE: N_(
        "{name} đã có mật khẩu: muốn đổi, hãy nhập mật khẩu hiện tại. Nếu đã quên, Trưởng ban "
        "và một thành viên khác cùng nhập mật khẩu của mình để đặt lại."
    ),
    ErrorCode.INPUT_FILE: N_("Tệp “{name}” có lỗi — {where}: {detail} Chưa có gì được lưu; hãy sửa tệp rồi làm lại."),
    ErrorCode.DATABASE_MISSING: N_(
        "Không có tệp cơ sở dữ liệu {path}. Không tạo tệp mới thay cho tệp bị mất: hãy kiểm tra "
        "lại đường dẫn, hoặc khôi phục từ bản sao lưu. Muốn bắt đầu một cơ sở dữ liệu mới, dùng --new."
    ),
    ErrorCode.DATABASE_NEWER: N_(
        "Tệp cơ sở dữ liệu {path} do một phiên bản Kiểm Phiếu mới hơn ghi (lược đồ {found}; "
        "phiên bản này chỉ đọc được đến lược đồ {supported}). Không mở và không sửa gì trong tệp: hãy mở bằng phiên bản "
        "Kiểm Phiếu mới hơn."
    ),
    ErrorCode.DATABASE_REPLACED: N_(
        "Tệp cơ sở dữ liệu {path} đã bị xóa, di chuyển hoặc thay bằng tệp khác trong lúc đang "
        "làm việc. Thao tác vừa rồi KHÔNG được ghi nhận; dừng lại, không nhập tiếp. Báo Trưởng ban: tìm lại tệp hoặc "
        "khôi phục từ bản sao lưu, rồi mở lại phần mềm."
    ),
    ErrorCode.PRINT_FAILED: N_(
        "Không ghi được tệp {path} ({detail}). Không có gì được ghi nhận là đã in (chưa đăng ký "
        "số phiếu nào, chưa ghi nhật ký in) và không để lại tệp dở dang; hãy kiểm tra ổ đĩa (còn chỗ trống, có quyền "
        "ghi) rồi làm lại."
    ),
    ErrorCode.UNKNOWN_KEY: N_(
        "Gói được ký bằng khóa chưa biết (dấu vân tay {fingerprint}). Không dùng gói này khi chưa "
        "đối chiếu: so dấu vân tay với máy kia (in trên biên bản hoặc hiện ở máy kia), rồi làm lại với "
        "--fingerprint {fingerprint}, hoặc Trưởng ban và một thành viên cùng xác nhận (--as … --with …)."
    ),
}


# A rejected scan whose paper is physically in the box is set aside with this reason.
SET_ASIDE_REASON: dict[ErrorCode, Reason] = {
    ErrorCode.NOT_ISSUED: Reason.NOT_ISSUED,
    ErrorCode.OTHER_ROUND: Reason.NOT_ISSUED,
    ErrorCode.TEST_IN_LIVE: Reason.NOT_ISSUED,
    ErrorCode.LIVE_IN_TEST: Reason.NOT_ISSUED,
    ErrorCode.SPOILED: Reason.NOT_ISSUED,
    ErrorCode.DUPLICATE: Reason.DUPLICATE,
}


def tamper_place(
    first_bad_seq: int | None,
    bad_ballots: tuple[int, ...],
    bad_rows: tuple[tuple[str, int], ...] = (),
    foreign: tuple[Finding, ...] = (),
) -> str:
    """Where verification found the database changed behind the app's back, in words (table and row, or the
    schema objects the app did not make)."""
    if foreign:
        return schema_objects(foreign)
    if first_bad_seq is not None:
        return _("chuỗi nhật ký gãy tại mục số {seq}").format(seq=first_bad_seq)
    places = []
    ballots = sorted(set(bad_ballots) | {i for t, i in bad_rows if t == "ballots"})
    if ballots:
        shown = ", ".join(str(b) for b in ballots[:10]) + (" …" if len(ballots) > 10 else "")
        places.append(_("phiếu đã nhập số {numbers} khác với lúc lưu").format(numbers=shown))
    others = [(t, i) for t, i in bad_rows if t != "ballots"]
    if others:
        places.append(_("{rows} khác với lúc niêm phong").format(rows=sealed_rows(others)))
    return "; ".join(places)


def sealed_rows(bad_rows: tuple[tuple[str, int], ...] | list[tuple[str, int]], limit: int = 6) -> str:
    """storage.seals.describe in the language in use: 'phiếu tổng hợp số 3, lượt bỏ phiếu số 2 …' (the tables'
    labels are in the catalog: scripts/catalogs.py reads them from storage.seals.SEALED)."""
    rows = list(bad_rows)
    words = [
        _("{table} số {row}").format(table=_(SEALED[t].label) if t in SEALED else t, row=i) for t, i in rows[:limit]
    ]
    more = _(" và {count} dòng khác").format(count=len(rows) - limit) if len(rows) > limit else ""
    return ", ".join(words) + more


# SQLite's words for a storage failure, said so a board member knows what to do.
_STORAGE_WORDS = {
    "database or disk is full": N_("ổ đĩa đã đầy"),
    "disk i/o error": N_("lỗi đọc/ghi ổ đĩa, có thể ổ đầy hoặc hỏng"),
    "attempt to write a readonly database": N_("tệp dữ liệu chỉ cho phép đọc"),
    "unable to open database file": N_("không mở được tệp dữ liệu"),
    "database is locked": N_("tệp dữ liệu đang bị một chương trình khác giữ"),
}


def storage_detail(exc: BaseException) -> str:
    """A storage failure in Vietnamese, with SQLite's own words kept in brackets for the technician."""
    original = str(getattr(exc, "orig", exc))
    for words, vietnamese in _STORAGE_WORDS.items():
        if words in original.lower():
            return f"{_(vietnamese)} — {original}"
    return original


# PostgreSQL's SQLSTATE classes: 08 a connection failure, 57P01-03 the server shutting down or starting,
# 40001/40P01 a serialization failure or deadlock (the transaction may simply be run again).
_RETRY_STATES = ("40001", "40P01")


def storage_error(exc: BaseException) -> ServiceError:
    """The message for a failed storage call: the hall's host gone, a conflict to retry, else the disk's words."""
    orig = getattr(exc, "orig", None)
    state = str(getattr(orig, "sqlstate", None) or "")
    if state in _RETRY_STATES:
        return ServiceError(ErrorCode.WRITE_CONFLICT)
    lost = bool(getattr(exc, "connection_invalidated", False)) or state.startswith("08") or state.startswith("57P")
    if lost or (orig is not None and type(orig).__module__.startswith("psycopg") and not state):
        return ServiceError(ErrorCode.HOST_UNREACHABLE, detail=_first_line(orig if orig is not None else exc))
    return ServiceError(ErrorCode.STORAGE, detail=storage_detail(exc))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class ServiceError(Exception):
    def __init__(self, code: ErrorCode, **details: Any) -> None:
        self.code = code
        template = _(MESSAGES[code])  # in the language in use when the error is raised
        if isinstance(details.get("serial"), str):
            details = {**details, "serial": format_serial(details["serial"])}  # one form for people: xxxx-xxxx-xxxx
        self.details = details
        try:
            self.message = template.format(**details)
        except (KeyError, IndexError):
            self.message = template
        if details.get("raw"):  # a tool's own words (English, technical): a line of detail after the sentence
            self.message += "\n" + _("Chi tiết: {raw}").format(raw=details["raw"])
        super().__init__(self.message)


# Read in the language in use at the moment of reading (a Translated table).
STAGE_LABELS = Translated(
    {
        "preparation": N_("Chuẩn bị"),
        "counting": N_("Kiểm phiếu"),
        "closed": N_("Đã kết thúc"),
        "sealed": N_("Niêm phong"),
    }
)


_OBJECT_KINDS = {"table": N_("bảng"), "index": N_("chỉ mục"), "trigger": N_("trigger"), "view": N_("view")}
_OBJECT_PROBLEMS = {
    "foreign": N_("{kind} “{name}” không do phần mềm tạo ra"),
    "changed": N_("{kind} “{name}” của phần mềm đã bị sửa nội dung"),
    "missing": N_("{kind} “{name}” của phần mềm đã bị xóa"),
}


_COLUMN_PROBLEMS = {
    "foreign": N_("cột “{column}” trong bảng “{table}” không do phần mềm tạo ra"),
    "changed": N_("cột “{column}” của bảng “{table}” đã bị đổi kiểu dữ liệu hoặc ràng buộc"),
    "missing": N_("cột “{column}” của bảng “{table}” đã bị xóa"),
    "moved": N_("cột “{column}” của bảng “{table}” đã bị đổi vị trí"),
}


def _finding_words(f: Finding) -> str:
    if f.kind == "column":
        table, column = f.name.split(".", 1)
        return _(_COLUMN_PROBLEMS[f.problem]).format(table=table, column=column)
    return _(_OBJECT_PROBLEMS[f.problem]).format(kind=_(_OBJECT_KINDS.get(f.kind, f.kind)), name=f.name)


def schema_objects(found: tuple[Finding, ...], limit: int = 6) -> str:
    """storage.schema_guard's findings in words: 'trigger “x” không do phần mềm tạo ra, view “y” …', 'cột “x”
    trong bảng “ballots” không do phần mềm tạo ra'."""
    words = [_finding_words(f) for f in found[:limit]]
    more = _(" và {count} đối tượng khác").format(count=len(found) - limit) if len(found) > limit else ""
    return ", ".join(words) + more
