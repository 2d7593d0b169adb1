"""The optional encrypted export: the whole package inside an AES-256 ZIP, with a generated passphrase
that is shown once and printed on paper (SPEC §8: the minutes are confidential)."""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

import pyzipper

from vote_counter.exchange.standalone_verify import plain_name
from vote_counter.i18n import _

ZIP_NAME = "KetQua.zip"
# No 0/O, 1/I/L: the passphrase is read from paper and typed by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_LEN = 6, 4  # 24 symbols, about 119 bits
MAX_UNPACKED = 2 << 30


class UnpackError(Exception):
    """The ZIP cannot be opened with this passphrase, or is not a package ZIP."""


def new_passphrase() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LEN)) for _ in range(GROUPS))


def normalise_passphrase(text: str) -> str:
    """As typed from paper: spaces, dashes and lower case do not matter."""
    symbols = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    return "-".join(symbols[i : i + GROUP_LEN] for i in range(0, len(symbols), GROUP_LEN))


def pack(folder_name: str, files: Mapping[str, bytes], passphrase: str) -> bytes:
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as zf:
        zf.setpassword(normalise_passphrase(passphrase).encode("ascii"))
        zf.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, data in sorted(files.items()):
            zf.writestr(f"{folder_name}/{name}", data)
    return buffer.getvalue()


def unpack(zip_path: Path, passphrase: str, into: Path) -> Path:
    """Extract the package folder of `zip_path` into `into`; only plain `folder/file` entries are accepted."""
    try:
        with pyzipper.AESZipFile(zip_path) as zf:
            zf.setpassword(normalise_passphrase(passphrase).encode("ascii"))
            infos = zf.infolist()
            folders = {info.filename.split("/", 1)[0] for info in infos}
            if len(folders) != 1 or sum(info.file_size for info in infos) > MAX_UNPACKED:
                raise UnpackError(_("không phải gói kết quả Kiểm Phiếu"))
            (folder_name,) = folders
            if not plain_name(folder_name):
                raise UnpackError(_("tên thư mục bên trong không hợp lệ"))
            target = into / "goi"
            target.mkdir()
            for info in infos:
                parts = info.filename.split("/")
                if len(parts) != 2 or not plain_name(parts[1]) or info.is_dir():
                    raise UnpackError(_("mục lạ trong tệp ZIP: {filename}").format(filename=info.filename[:80]))
                (target / parts[1]).write_bytes(zf.read(info))
            return target
    except UnpackError:
        raise
    except Exception as exc:  # wrong passphrase, damaged ZIP, anything a hostile file can cause
        raise UnpackError(_("sai mật khẩu hoặc tệp hỏng ({error})").format(error=exc)) from exc
