"""The texts of the exchange layer: DOC_TRUOC.txt (a document in the package: always Vietnamese, like the minutes)
and the command messages (N_-marked, in the language in use: vote_counter.i18n)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vote_counter import platform_os
from vote_counter.i18n import N_, _

README = "DOC_TRUOC.txt"

_README = """\
GÓI KẾT QUẢ KIỂM PHIẾU
{title}
Tạo lúc {created} bằng phần mềm Kiểm Phiếu {version}.
Dấu vân tay khóa ký của máy kiểm phiếu: {fingerprint}

TÀI LIỆU {secrecy}. Biên bản kiểm phiếu trong gói này là tài liệu {secrecy}: chỉ giao cho người có
trách nhiệm, bảo quản như biên bản giấy, không sao chép tùy tiện, không gửi qua mạng.

1. GÓI NÀY GỒM
{contents}

2. KIỂM TRA GÓI CÒN NGUYÊN VẸN
   - Trên máy có phần mềm Kiểm Phiếu:   vote-counter verify THƯ_MỤC
   - Trên máy bất kỳ có Python 3 (không cần cài thêm gói nào): mở cửa sổ lệnh trong thư mục này
     và gõ   python verify.py . --fingerprint {fingerprint}
     (so dấu vân tay này với dấu vân tay in trên biên bản giấy trước khi gõ).
   Dòng "Gói kết quả toàn vẹn" nghĩa là: chữ ký số của manifest.json đúng, không tệp nào bị sửa,
   thiếu hay thêm, mã kiểm tra kết quả khớp với tệp kết quả, chuỗi nhật ký không bị gãy.
   Nếu có sai khác, chương trình liệt kê từng tệp sai. Không có --fingerprint, chương trình chỉ
   kiểm tra gói tự khớp với chính nó và báo "CHƯA ĐỐI CHIẾU KHÓA KÝ": ai cũng có thể tạo một gói
   tự khớp bằng khóa của mình, chỉ dấu vân tay in trên biên bản giấy cho biết gói do ai ký.

3. MÃ KIỂM TRA KẾT QUẢ TRÊN BIÊN BẢN GIẤY
   Mỗi trang biên bản kiểm phiếu có in "Mã kiểm tra kết quả" (ví dụ A1B2-C3D4-E5F6). Mã này được
   tính từ kết quả kiểm phiếu của lượt đó. Mã trên giấy phải trùng với mã của cùng lượt dưới đây
   (và trong manifest.json): trùng nhau nghĩa là tệp và biên bản giấy ghi cùng một kết quả.
{codes}
"""

_PLAIN_CONTENTS = """\
   - BienBan_luot…pdf: biên bản kiểm phiếu của từng lượt, 3 bản (số 01/03, 02/03, 03/03);
     BienBan_luot…docx: cùng biên bản dạng Word để lưu trữ;
   - KetQua.xlsx, KetQua.json: kết quả các lượt (bảng tính và dạng máy đọc);
   - NhatKy.jsonl: nhật ký thao tác có chuỗi băm (không có nội dung phiếu, không có danh tính người
     bỏ phiếu);
   - manifest.json: danh sách mọi tệp kèm kích thước và mã SHA-256, mã kiểm tra kết quả, đầu chuỗi
     nhật ký; manifest.sig: chữ ký số Ed25519 của manifest.json; public_key.pem: khóa công khai;
   - verify.py: chương trình kiểm tra gói; DOC_TRUOC.txt: tệp này."""

_ENCRYPTED_CONTENTS = """\
   - KetQua.zip: toàn bộ gói kết quả (biên bản PDF 3 bản và Word, kết quả Excel và JSON, nhật ký,
     manifest, chữ ký) được MÃ HÓA AES-256. Mật khẩu được in trên giấy giao kèm USB, không ghi ở
     đây. Mở bằng 7-Zip hoặc WinRAR (trình giải nén có sẵn của Windows không mở được AES), hoặc
     kiểm tra bằng:   vote-counter verify THƯ_MỤC --passphrase MẬT_KHẨU
     Sau khi giải nén, thư mục bên trong cũng có verify.py để kiểm tra như mục 2;
   - manifest.json, manifest.sig, public_key.pem: kích thước, mã SHA-256 và chữ ký số của các tệp
     ở đây; verify.py: chương trình kiểm tra; DOC_TRUOC.txt: tệp này."""


def readme(
    *,
    title: str,
    created: str,
    version: str,
    fingerprint: str,
    secrecy: str,
    codes: Sequence[tuple[int, str, str]],
    encrypted: bool,
) -> bytes:
    lines = [f"   - Lượt {rid}: {round_title} — mã kiểm tra kết quả {code}" for rid, round_title, code in codes]
    if encrypted:
        lines = ["   (các mã nằm trong manifest.json bên trong KetQua.zip)"]
    text = _README.format(
        title=title,
        created=created,
        version=version,
        fingerprint=fingerprint,
        secrecy=secrecy or "MẬT",
        contents=_ENCRYPTED_CONTENTS if encrypted else _PLAIN_CONTENTS,
        codes="\n".join(lines),
    )
    # CRLF and a BOM: Notepad on older Windows shows Vietnamese and line breaks correctly.
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


DONE = N_("Đã ghi xong — có thể rút USB.")
DONE_FOLDER = N_("Đã ghi xong vào thư mục {folder}")  # the target is not a removable drive


def done_message(folder: Path) -> str:
    """ "có thể rút USB" only when the folder is on a removable drive (platform_os.is_removable)."""
    return _(DONE) if platform_os.is_removable(folder) else _(DONE_FOLDER).format(folder=folder.parent)


VERIFY_OK = N_("Gói kết quả toàn vẹn: {folder}")
VERIFY_BAD = N_("GÓI KHÔNG TOÀN VẸN ({folder}):")
