"""The hosting steps' failures in Vietnamese (what happened, what to do), translated through the catalogs."""

from __future__ import annotations

from vote_counter.hosting.server import ServerError
from vote_counter.i18n import N_, _

MESSAGES = {
    "no_binaries": N_("Không tìm thấy PostgreSQL đi kèm phần mềm ({where}). Hãy cài lại Kiểm Phiếu."),
    "no_account": N_("Không tạo được tài khoản hệ thống để chạy PostgreSQL ({detail})."),
    "dir_not_writable": N_("Không ghi được vào thư mục {path}. Hãy chọn thư mục khác hoặc kiểm tra quyền ghi."),
    "dir_foreign": N_(
        "Thư mục {path} đang chứa dữ liệu khác, không phải máy chủ hội trường của Kiểm Phiếu. "
        "Hãy chọn một thư mục trống."
    ),
    "secret_file": N_(
        "Tệp mật khẩu máy chủ {path} có thể bị người khác đọc hoặc không khóa được quyền. "
        "Hãy để chỉ tài khoản đang dùng được đọc tệp này rồi chạy lại."
    ),
    "bad_listen": N_(
        "Địa chỉ “{value}” không dùng được: hãy ghi địa chỉ IP của máy này trong mạng hội trường, "
        "ví dụ 192.168.1.10 hoặc 192.168.1.10/24."
    ),
    "bad_port": N_("Cổng {port} không dùng được: hãy chọn một số từ 1024 đến 65535."),
    "port_in_use": N_(
        "Cổng {port} trên địa chỉ {address} đang được chương trình khác dùng. "
        "Hãy tắt chương trình đó hoặc chọn cổng khác (--port)."
    ),
    "initdb_failed": N_("Không khởi tạo được cơ sở dữ liệu PostgreSQL: {detail}"),
    "start_failed": N_("Không khởi động được máy chủ PostgreSQL: {detail}"),
    "stopped_itself": N_("Máy chủ PostgreSQL đã dừng bất ngờ. Dữ liệu đã lưu vẫn còn; hãy chạy lại lệnh host."),
}


def message(error: ServerError) -> str:
    return _(MESSAGES[error.code]).format(**error.detail)
