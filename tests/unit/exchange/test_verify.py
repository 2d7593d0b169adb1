"""verify_package finds every change to a written package: 1,000 random mutations, each one detected."""

from __future__ import annotations

import ast
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.helpers.builders import workspace_at
from tests.unit.exchange.conftest import closed_meeting
from vote_counter.exchange.export import export_package
from vote_counter.exchange.manifest import sign_files
from vote_counter.exchange.standalone_verify import MANIFEST, PUBLIC_KEY, SIGNATURE
from vote_counter.exchange.verify import verify_package
from vote_counter.services.signing import fingerprint, public_pem

MUTATIONS = 1000


@dataclass(frozen=True)
class Packages:
    pristine: Path
    same_key_other: Path  # another package signed by the same key
    other_key: Path  # a package signed by another installation
    fingerprint: str


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    root = tmp_path_factory.mktemp("packages")
    usb = root / "usb"
    usb.mkdir()
    with workspace_at(root / "a" / "kp.sqlite3") as ws:
        meeting = closed_meeting(ws)
        assert meeting.id is not None
        first = export_package(ws, meeting.id, usb, now=dt.datetime(2026, 11, 22, 9, 30))
        second = export_package(ws, meeting.id, usb, now=dt.datetime(2026, 11, 22, 9, 31))
        third = export_package(ws, meeting.id, usb, now=dt.datetime(2026, 11, 22, 9, 32), key_dir=root / "b")
    assert first.fingerprint == second.fingerprint != third.fingerprint
    return Packages(first.folder, second.folder, third.folder, first.fingerprint)


def test_a_written_package_verifies(packages: Packages) -> None:
    report = verify_package(packages.pristine, expected_fingerprint=packages.fingerprint)
    assert report.ok, report.problems
    assert report.fingerprint == packages.fingerprint
    assert len(report.check_codes) == 2
    names = {p.name for p in packages.pristine.iterdir()}
    assert {MANIFEST, SIGNATURE, PUBLIC_KEY, "verify.py", "DOC_TRUOC.txt", "KetQua.xlsx", "KetQua.json"} <= names
    assert "NhatKy.jsonl" in names
    assert sum(n.endswith(".pdf") for n in names) == 2 and sum(n.endswith(".docx") for n in names) == 2


# ------------------------------------------------------------------ the mutations


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file())


def flip_bit(folder: Path, rng: random.Random, _p: Packages) -> str:
    target = rng.choice(_files(folder))
    data = bytearray(target.read_bytes())
    at = rng.randrange(len(data))
    data[at] ^= 1 << rng.randrange(8)
    target.write_bytes(bytes(data))
    return f"bit flip in {target.name} at {at}"


def truncate(folder: Path, rng: random.Random, _p: Packages) -> str:
    target = rng.choice(_files(folder))
    data = target.read_bytes()
    target.write_bytes(data[: rng.randrange(len(data))])
    return f"truncated {target.name}"


def delete(folder: Path, rng: random.Random, _p: Packages) -> str:
    target = rng.choice(_files(folder))
    target.unlink()
    return f"deleted {target.name}"


def add(folder: Path, rng: random.Random, _p: Packages) -> str:
    name = rng.choice(
        ["Thumbs.db", ".DS_Store", "._KetQua.json", "ghi_chu.txt", "KetQua (1).json", "manifest.json.bak"]
    )
    if rng.random() < 0.2:
        (folder / "thu_muc_moi").mkdir()
        return "added a folder"
    source = rng.choice(_files(folder))
    (folder / name).write_bytes(source.read_bytes() if rng.random() < 0.5 else b"")
    return f"added {name}"


def rename(folder: Path, rng: random.Random, _p: Packages) -> str:
    target = rng.choice(_files(folder))
    new = rng.choice([target.name.upper(), target.name + ".old", "x_" + target.name, target.stem])
    if new == target.name:
        new = "_" + new
    target.rename(folder / new)
    return f"renamed {target.name} to {new}"


def swap_contents(folder: Path, rng: random.Random, _p: Packages) -> str:
    a, b = rng.sample(_files(folder), 2)
    da, db = a.read_bytes(), b.read_bytes()
    a.write_bytes(db)
    b.write_bytes(da)
    return f"swapped {a.name} and {b.name}"


def _edit_manifest(manifest: dict[str, object], rng: random.Random) -> str:
    rounds = manifest["rounds"]
    files = manifest["files"]
    assert isinstance(rounds, list) and isinstance(files, list)
    choice = rng.randrange(8)
    if choice == 0:
        rounds[rng.randrange(len(rounds))]["check_code"] = "0000-0000-0000"
        return "check code"
    if choice == 1:
        manifest["audit_head"] = "f" * 64
        return "audit head"
    if choice == 2:
        files[rng.randrange(len(files))]["size"] += 1
        return "a size"
    if choice == 3:
        entry = files[rng.randrange(len(files))]
        entry["sha256"] = f"{rng.getrandbits(256):064x}"
        return "a hash"
    if choice == 4:
        files.pop(rng.randrange(len(files)))
        return "a file entry removed"
    if choice == 5:
        manifest["created"] = "2020-01-01T00:00:00+07:00"
        return "created time"
    if choice == 6:
        manifest["app_version"] = "9.9.9"
        return "app version"
    rounds.pop()
    return "a round removed"


def edit_manifest_field(folder: Path, rng: random.Random, _p: Packages) -> str:
    path = folder / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    what = _edit_manifest(manifest, rng)
    path.write_bytes(json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    return f"edited manifest: {what}"


def swap_signature(folder: Path, rng: random.Random, p: Packages) -> str:
    source = p.same_key_other if rng.random() < 0.5 else p.other_key
    shutil.copyfile(source / SIGNATURE, folder / SIGNATURE)
    if source == p.other_key and rng.random() < 0.5:
        shutil.copyfile(source / PUBLIC_KEY, folder / PUBLIC_KEY)
        return "signature and key from another installation's package"
    return f"signature from {source.name}"


def _resign(folder: Path, key: Ed25519PrivateKey, change: Callable[[dict[str, bytes]], None]) -> None:
    """What a forger with their own key does: change files, list them anew, sign with their key."""
    files = {p.name: p.read_bytes() for p in _files(folder) if p.name not in (MANIFEST, SIGNATURE, PUBLIC_KEY)}
    old = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    change(files)
    extra = {
        k: v
        for k, v in old.items()
        if k not in ("format", "kind", "app_version", "created", "key_fingerprint", "files")
    }
    signed = sign_files(files, key, kind=old["kind"], created=dt.datetime.fromisoformat(old["created"]), extra=extra)
    for p in _files(folder):
        p.unlink()
    for name, data in signed.items():
        (folder / name).write_bytes(data)


def replace_key_and_resign(folder: Path, rng: random.Random, _p: Packages) -> str:
    key = Ed25519PrivateKey.generate()

    def change(files: dict[str, bytes]) -> None:
        if rng.random() < 0.5:
            name = rng.choice(sorted(files))
            files[name] = files[name] + b" "

    _resign(folder, key, change)
    return "public key replaced and manifest re-signed with another key"


# Each kind with its weight; the forger's re-signed package is caught through the expected fingerprint.
KINDS: list[tuple[Callable[[Path, random.Random, Packages], str], int]] = [
    (flip_bit, 30),
    (truncate, 10),
    (delete, 10),
    (add, 10),
    (rename, 10),
    (swap_contents, 5),
    (edit_manifest_field, 15),
    (swap_signature, 5),
    (replace_key_and_resign, 5),
]


def test_every_random_mutation_is_detected(packages: Packages, tmp_path: Path) -> None:
    rng = random.Random(20261122)
    kinds = [k for k, weight in KINDS for _ in range(weight)]
    seen: dict[str, int] = {}
    for i in range(MUTATIONS):
        copy = tmp_path / f"m{i}"
        shutil.copytree(packages.pristine, copy)
        mutate = rng.choice(kinds)
        what = mutate(copy, rng, packages)
        report = verify_package(copy, expected_fingerprint=packages.fingerprint)
        assert not report.ok, f"mutation {i} not detected: {what}"
        assert report.problems and all(isinstance(p, str) and p.endswith(".") for p in report.problems)
        if mutate is not replace_key_and_resign:
            # everything but a full forgery is caught without knowing the fingerprint too
            assert not verify_package(copy).ok, f"mutation {i} needs the fingerprint: {what}"
        seen[mutate.__name__] = seen.get(mutate.__name__, 0) + 1
        shutil.rmtree(copy)
    assert set(seen) == {k.__name__ for k, _ in KINDS}


def test_a_forgery_passes_only_without_the_expected_fingerprint(packages: Packages, tmp_path: Path) -> None:
    copy = tmp_path / "forged"
    shutil.copytree(packages.pristine, copy)
    _resign(copy, Ed25519PrivateKey.generate(), lambda files: None)
    assert verify_package(copy).ok  # self-consistent: only the known fingerprint tells it apart
    report = verify_package(copy, expected_fingerprint=packages.fingerprint)
    assert not report.ok
    assert any("dấu vân tay cần có" in p for p in report.problems)


# ------------------------------------------------------------------ the problems name what differs


def _copy(packages: Packages, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(packages.pristine, copy)
    return copy


def test_problems_say_exactly_what_differs(packages: Packages, tmp_path: Path) -> None:
    copy = _copy(packages, tmp_path)
    (copy / "KetQua.xlsx").unlink()
    (copy / "ghi_chu.txt").write_text("x")
    with (copy / "KetQua.json").open("ab") as fh:
        fh.write(b" ")
    pdf = next(copy.glob("*.pdf"))
    data = bytearray(pdf.read_bytes())
    data[100] ^= 0xFF
    pdf.write_bytes(bytes(data))
    problems = verify_package(copy).problems
    assert "Thiếu tệp KetQua.xlsx." in problems
    assert f"Có tệp lạ không có trong {MANIFEST}: ghi_chu.txt." in problems
    assert any(p.startswith("Tệp KetQua.json: kích thước") for p in problems)
    assert f"Tệp {pdf.name}: mã SHA-256 khác với {MANIFEST} (tệp đã bị sửa hoặc hỏng)." in problems
    assert not any("Chữ ký" in p for p in problems)  # the manifest itself is intact


def test_bad_signature_and_unreadable_manifest(packages: Packages, tmp_path: Path) -> None:
    copy = _copy(packages, tmp_path)
    shutil.copyfile(packages.same_key_other / SIGNATURE, copy / SIGNATURE)
    assert any(p.startswith(f"Chữ ký {SIGNATURE} không đúng") for p in verify_package(copy).problems)
    (copy / MANIFEST).write_bytes(b"\xff{not json")
    problems = verify_package(copy).problems
    assert any(p.startswith(f"Không đọc được {MANIFEST}") for p in problems)
    (copy / MANIFEST).unlink()
    assert verify_package(copy).problems == [f"Thiếu tệp {MANIFEST}: không kiểm tra được gói."]
    assert not verify_package(tmp_path / "khong_co").ok


def test_wrong_expected_fingerprint(packages: Packages) -> None:
    report = verify_package(packages.pristine, expected_fingerprint="0123456789abcdef")
    assert not report.ok
    assert report.problems == [
        f"Dấu vân tay khóa {packages.fingerprint} khác với dấu vân tay cần có 0123456789abcdef: "
        "gói không do máy kiểm phiếu đã biết ký."
    ]
    grouped = "-".join(packages.fingerprint[i : i + 4] for i in range(0, 16, 4)).upper()
    assert verify_package(packages.pristine, expected_fingerprint=grouped).ok


def test_fingerprint_is_sha256_of_the_raw_public_key(packages: Packages) -> None:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_public_key((packages.pristine / PUBLIC_KEY).read_bytes())
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    import hashlib

    assert hashlib.sha256(raw).hexdigest()[:16] == packages.fingerprint
    assert (
        json.loads((packages.pristine / MANIFEST).read_text(encoding="utf-8"))["key_fingerprint"]
        == packages.fingerprint
    )


def test_manifest_paths_cannot_point_outside(packages: Packages, tmp_path: Path) -> None:
    """A forged manifest naming ../secret is refused before anything outside is read."""
    copy = _copy(packages, tmp_path)
    (tmp_path / "secret").write_bytes(b"s")
    key = Ed25519PrivateKey.generate()
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"].append({"path": "../secret", "size": 1, "sha256": "0" * 64})
    body = json.dumps(manifest).encode()
    (copy / MANIFEST).write_bytes(body)
    (copy / SIGNATURE).write_bytes(key.sign(body))
    (copy / PUBLIC_KEY).write_bytes(public_pem(key.public_key()))
    problems = verify_package(copy).problems
    assert any("mục tệp không hợp lệ" in p for p in problems)
    assert fingerprint(key.public_key()) != packages.fingerprint


# ------------------------------------------------------------------ the standalone verify.py


def test_standalone_verifier_uses_only_the_standard_library(packages: Packages) -> None:
    tree = ast.parse((packages.pristine / "verify.py").read_text(encoding="utf-8"))
    modules = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}, modules


def test_standalone_verifier_runs_in_the_package(packages: Packages, tmp_path: Path) -> None:
    copy = _copy(packages, tmp_path)
    run = subprocess.run(
        [sys.executable, "-I", "verify.py", ".", "--fingerprint", packages.fingerprint],
        cwd=copy,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Gói kết quả toàn vẹn" in run.stdout
    for code in verify_package(copy).check_codes.values():
        assert code in run.stdout
    (copy / "KetQua.json").write_text("{}", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-I", str(copy / "verify.py"), str(copy)], capture_output=True, text=True, encoding="utf-8"
    )
    assert run.returncode == 1
    assert "GÓI KHÔNG TOÀN VẸN" in run.stdout and "KetQua.json" in run.stdout
