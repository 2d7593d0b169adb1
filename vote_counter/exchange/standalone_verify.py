"""Kiểm tra gói kết quả Kiểm Phiếu — checks a Kiểm Phiếu package on any computer.

Copied into every package as verify.py. Needs only Python 3 (3.9 or newer), nothing else: the Ed25519
signature is checked by the short verifier below (RFC 8032, section 5.1.7):

    python verify.py THƯ_MỤC_GÓI        (or: python verify.py .  from inside the folder)
    python verify.py THƯ_MỤC_GÓI --fingerprint 0123456789abcdef   (the fingerprint printed on the minutes)

It checks that manifest.json is signed by the key in public_key.pem (and, if given, that this key has the
expected fingerprint), that every file listed has the size and SHA-256 written in the manifest, that no file
is missing or added, that the result check codes match the results file, and that the audit log's hash
chain is unbroken up to the head written in the manifest. The app uses this same module.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key.pem"
FORMAT = "kiem-phieu/1"
GENESIS = "0" * 64
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


class Checked:
    """What the check found: problems (Vietnamese sentences, empty when all is well) and what was read."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.manifest: dict[str, Any] | None = None
        self.fingerprint: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def sha256_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while True:
            block = fh.read(_CHUNK)
            if not block:
                break
            size += len(block)
            digest.update(block)
    return size, digest.hexdigest()


def key_fingerprint(raw_public_key: bytes) -> str:
    return hashlib.sha256(raw_public_key).hexdigest()[:16]


def check_code_of(result: dict[str, Any]) -> str:
    """The result check code printed on the minutes: short SHA-256 of the canonical results."""
    body = {k: v for k, v in result.items() if k != "check_code"}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest().upper()[:12]
    return "-".join(digest[i : i + 4] for i in range(0, 12, 4))


def audit_entry_hash(prev: str, entry: dict[str, Any]) -> str:
    details = json.dumps(entry["details"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    body = json.dumps(
        [prev, entry["seq"], entry["at"], entry["actor"], entry["action"], details],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def plain_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and not any(ch in name for ch in "/\\\x00")
        and name == name.strip()
    )


# ---------------------------------------------------------------- Ed25519 (RFC 8032), verification only
#
# Public data only (a public key, a message, a signature): nothing secret is handled, so plain integer
# arithmetic with no constant-time care is fine. Cofactorless check [S]B = R + [k]A, as RFC 8032 5.1.7
# and OpenSSL do; S must be below L and R, A must be canonical encodings of points on the curve.

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")  # DER of an Ed25519 SubjectPublicKeyInfo


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    if x & 1 != sign:
        x = _P - x
    return x


Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, x*y = T/Z


def _add(a: Point, b: Point) -> Point:
    pa = (a[1] - a[0]) * (b[1] - b[0]) % _P
    pb = (a[1] + a[0]) * (b[1] + b[0]) % _P
    pc = 2 * a[3] * b[3] * _D % _P
    pd = 2 * a[2] * b[2] % _P
    e, f, g, h = pb - pa, pd - pc, pd + pc, pb + pa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _times(n: int, point: Point) -> Point:
    out: Point = (0, 1, 1, 0)
    while n:
        if n & 1:
            out = _add(out, point)
        point = _add(point, point)
        n >>= 1
    return out


def _same(a: Point, b: Point) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _decode(encoded: bytes) -> Point | None:
    if len(encoded) != 32:
        return None
    y = int.from_bytes(encoded, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0) or 0
_BASE: Point = (_GX, _GY, 1, _GX * _GY % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` is a valid Ed25519 signature of `message` by the 32-byte `public_key`."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decode(public_key)
    r = _decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _L
    return _same(_times(s, _BASE), _add(r, _times(k, a)))


def raw_public_key(pem: bytes) -> bytes | None:
    """The 32 bytes of an Ed25519 public key in PEM ("BEGIN PUBLIC KEY"); None for anything else."""
    try:
        text = pem.decode("ascii")
    except UnicodeDecodeError:
        return None
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 3 or lines[0] != "-----BEGIN PUBLIC KEY-----" or lines[-1] != "-----END PUBLIC KEY-----":
        return None
    try:
        der = base64.b64decode("".join(lines[1:-1]), validate=True)
    except (ValueError, binascii.Error):
        return None
    if len(der) != len(_SPKI_PREFIX) + 32 or not der.startswith(_SPKI_PREFIX):
        return None
    return der[len(_SPKI_PREFIX) :]


def _verify_signature(folder: Path, manifest_bytes: bytes, out: Checked) -> None:
    try:
        signature = (folder / SIGNATURE).read_bytes()
    except OSError:
        out.problems.append(f"Thiếu tệp chữ ký {SIGNATURE}.")
        signature = None
    try:
        pem = (folder / PUBLIC_KEY).read_bytes()
    except OSError:
        out.problems.append(f"Thiếu tệp khóa công khai {PUBLIC_KEY}.")
        return
    key = raw_public_key(pem)
    if key is None:
        out.problems.append(f"Khóa công khai {PUBLIC_KEY} không đọc được hoặc không phải khóa Ed25519.")
        return
    out.fingerprint = key_fingerprint(key)
    if signature is None:
        return
    if not ed25519_verify(key, manifest_bytes, signature):
        out.problems.append(
            f"Chữ ký {SIGNATURE} không đúng: {MANIFEST} đã bị sửa, hoặc chữ ký không thuộc khóa {PUBLIC_KEY}."
        )


def _read_manifest(manifest_bytes: bytes, out: Checked) -> dict[str, Any] | None:
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        out.problems.append(f"Không đọc được {MANIFEST}: {exc}.")
        return None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("files"), list)
    ):
        out.problems.append(f"{MANIFEST} không đúng định dạng gói Kiểm Phiếu ({FORMAT}).")
        return None
    return manifest


def _listed_files(manifest: dict[str, Any], out: Checked) -> dict[str, tuple[int, str]]:
    listed: dict[str, tuple[int, str]] = {}
    for item in manifest["files"]:
        ok = (
            isinstance(item, dict)
            and plain_name(item.get("path"))
            and isinstance(item.get("size"), int)
            and not isinstance(item.get("size"), bool)
            and item["size"] >= 0
            and isinstance(item.get("sha256"), str)
            and _HEX64.match(item["sha256"]) is not None
        )
        if not ok:
            out.problems.append(f"{MANIFEST} có một mục tệp không hợp lệ: {str(item)[:120]}.")
            continue
        if item["path"] in listed or item["path"] in (MANIFEST, SIGNATURE):
            out.problems.append(f"{MANIFEST} ghi tệp {item['path']} hai lần.")
            continue
        listed[item["path"]] = (item["size"], item["sha256"])
    return listed


def _check_files(folder: Path, listed: dict[str, tuple[int, str]], out: Checked) -> None:
    present: dict[str, os.DirEntry[str]] = {}
    with os.scandir(folder) as it:
        for entry in it:
            present[entry.name] = entry
    for extra in sorted(set(present) - set(listed) - {MANIFEST, SIGNATURE}):
        kind = "thư mục" if present[extra].is_dir(follow_symlinks=False) else "tệp"
        out.problems.append(f"Có {kind} lạ không có trong {MANIFEST}: {extra}.")
    for name, (size, digest) in sorted(listed.items()):
        found = present.get(name)
        if found is None:
            out.problems.append(f"Thiếu tệp {name}.")
            continue
        if not found.is_file(follow_symlinks=False):
            out.problems.append(f"{name} không phải tệp thường.")
            continue
        try:
            actual_size, actual = sha256_file(folder / name)
        except OSError as exc:
            out.problems.append(f"Không đọc được tệp {name}: {exc}.")
            continue
        if actual_size != size:
            out.problems.append(f"Tệp {name}: kích thước {actual_size} byte, {MANIFEST} ghi {size} byte.")
        elif actual != digest:
            out.problems.append(f"Tệp {name}: mã SHA-256 khác với {MANIFEST} (tệp đã bị sửa hoặc hỏng).")


def _check_results(folder: Path, manifest: dict[str, Any], out: Checked) -> None:
    """The check codes in the manifest are those of the results file (and of the paper minutes)."""
    name = manifest.get("results_json")
    if not plain_name(name) or not (folder / str(name)).is_file():
        return
    try:
        data = json.loads((folder / str(name)).read_text(encoding="utf-8"))
        by_id = {r["round"]["id"]: r for r in data["rounds"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        out.problems.append(f"Không đọc được kết quả {name}: {exc}.")
        return
    for item in manifest.get("rounds", []):
        result = by_id.get(item.get("id")) if isinstance(item, dict) else None
        if result is None:
            out.problems.append(
                f"{name} không có kết quả của lượt {item.get('id') if isinstance(item, dict) else item}."
            )
            continue
        computed = check_code_of(result)
        if computed != item.get("check_code") or computed != result.get("check_code"):
            out.problems.append(
                f"Mã kiểm tra kết quả của lượt {item.get('id')}: {MANIFEST} ghi {item.get('check_code')}, "
                f"tính lại từ {name} được {computed}."
            )


def _check_audit(folder: Path, manifest: dict[str, Any], out: Checked) -> None:
    """Recompute the audit log's hash chain; it must end at the head written in the manifest."""
    name = manifest.get("audit_log")
    if not plain_name(name) or not (folder / str(name)).is_file():
        return
    prev, expected_seq = GENESIS, 1
    try:
        with (folder / str(name)).open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                entry = json.loads(line)
                if entry.get("seq") != expected_seq or entry.get("hash") != audit_entry_hash(prev, entry):
                    out.problems.append(f"Nhật ký {name} bị sửa: chuỗi gãy tại mục số {expected_seq}.")
                    return
                prev, expected_seq = entry["hash"], expected_seq + 1
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        out.problems.append(f"Không đọc được nhật ký {name} (mục số {expected_seq}): {exc}.")
        return
    if prev != manifest.get("audit_head"):
        out.problems.append(f"Đầu chuỗi nhật ký {name} là {prev}, {MANIFEST} ghi {manifest.get('audit_head')}.")


def check_package(folder: Path | str, expected_fingerprint: str | None = None) -> Checked:
    """Every difference between the folder and its signed manifest, in Vietnamese."""
    folder = Path(folder)
    out = Checked()
    if not folder.is_dir():
        out.problems.append(f"Không tìm thấy thư mục {folder}.")
        return out
    try:
        manifest_bytes = (folder / MANIFEST).read_bytes()
    except OSError:
        out.problems.append(f"Thiếu tệp {MANIFEST}: không kiểm tra được gói.")
        return out
    _verify_signature(folder, manifest_bytes, out)
    manifest = _read_manifest(manifest_bytes, out)
    out.manifest = manifest
    if out.fingerprint is not None:
        if manifest is not None and manifest.get("key_fingerprint") != out.fingerprint:
            out.problems.append(
                f"Dấu vân tay khóa {out.fingerprint} khác với {MANIFEST} ghi {manifest.get('key_fingerprint')}."
            )
        wanted = (expected_fingerprint or "").strip().lower().replace(" ", "").replace("-", "")
        if wanted and wanted != out.fingerprint:
            out.problems.append(
                f"Dấu vân tay khóa {out.fingerprint} khác với dấu vân tay cần có {wanted}: "
                "gói không do máy kiểm phiếu đã biết ký."
            )
    if manifest is None:
        return out
    _check_files(folder, _listed_files(manifest, out), out)
    if manifest.get("kind") == "results" and not manifest.get("encrypted"):
        _check_results(folder, manifest, out)
        _check_audit(folder, manifest, out)
    return out


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8", errors="replace")
    expected = None
    if "--fingerprint" in args:
        at = args.index("--fingerprint")
        expected = args[at + 1] if at + 1 < len(args) else ""
        del args[at : at + 2]
    folder = Path(args[0]) if args else Path(__file__).resolve().parent
    checked = check_package(folder, expected)
    if not checked.ok:
        _say(f"GÓI KHÔNG TOÀN VẸN ({folder}):")
        for problem in checked.problems:
            _say(f"  - {problem}")
        return 1
    manifest = checked.manifest or {}
    _say(f"Gói kết quả toàn vẹn: {folder}")
    _say(f"  Dấu vân tay khóa ký: {checked.fingerprint}")
    for item in manifest.get("rounds", []):
        _say(f"  Lượt {item.get('id')}: {item.get('title')} — mã kiểm tra kết quả {item.get('check_code')}")
    if manifest.get("audit_head"):
        _say(f"  Đầu chuỗi nhật ký: {manifest['audit_head']}")
    if manifest.get("encrypted"):
        _say("  Nội dung được mã hóa trong KetQua.zip: mở bằng mật khẩu in trên giấy kèm theo.")
    if expected is None:
        # Anyone can make a self-consistent package with a key of their own: only the fingerprint printed on
        # the paper minutes tells whose it is.
        _say(
            "CHƯA ĐỐI CHIẾU KHÓA KÝ: gói chỉ có giá trị khi dấu vân tay trên đây trùng với dấu vân tay in trên "
            f"biên bản giấy. Chạy lại: python verify.py {folder} --fingerprint <dấu vân tay in trên biên bản>"
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
