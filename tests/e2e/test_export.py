"""The USB export as a user runs it: `vote-counter export` and `vote-counter verify` on real files, and an
export that fails at any step leaving the stick and the database as they were."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import pyzipper
from pypdf import PdfReader

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    build_round,
    count_and_close,
    make_meeting,
    snapshot,
    workspace_at,
)
from vote_counter import cli, platform_os
from vote_counter.domain.model import BallotMarks, Meeting, RoundKind
from vote_counter.domain.serials import format_serial
from vote_counter.exchange import package
from vote_counter.exchange.commands import add_commands
from vote_counter.exchange.export import export_package
from vote_counter.exchange.verify import verify_package
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace

NOW = dt.datetime(2026, 11, 22, 16, 45)


class Crash(BaseException):
    pass


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Workspace, Meeting, Path]]:
    usb = tmp_path / "usb"
    usb.mkdir()
    with workspace_at(tmp_path / "data" / "kp.sqlite3") as ws:
        meeting = make_meeting(ws, title="Hội nghị: cán bộ/chủ chốt 2026.")
        count_and_close(build_round(ws, RoundKind.CONFIDENCE, meeting=meeting, nominees=3, printed=6), 5)
        count_and_close(build_round(ws, RoundKind.NOMINATION, meeting=meeting, nominees=3, printed=6), 4, seal=True)
        build_round(ws, RoundKind.APPROVAL, meeting=meeting, nominees=1, printed=4)  # still counting: left out
        yield ws, meeting, usb


def _parser() -> argparse.ArgumentParser:
    """The real `vote-counter` parser, with the exchange commands (added here until cli.py registers them)."""
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "export" not in sub.choices:
        add_commands(sub)
    return parser


def _run(db: Path, *argv: str) -> int:
    args = _parser().parse_args(["--db", str(db), *argv])
    return cli.run_command(args)


def test_export_and_verify_through_the_commands(
    setup: tuple[Workspace, Meeting, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, meeting, usb = setup
    assert meeting.id is not None
    # The folder stands for a stick here ("có thể rút USB" is said only for a removable drive).
    monkeypatch.setattr(platform_os, "is_removable", lambda path: Path(path).parent == usb)
    head_before = ws.audit.head()
    # The package carries the minutes: without the chair and another member it is refused (issue 12).
    assert _run(ws.path, "export", str(meeting.id), "--out", str(usb)) == 1
    assert "Chưa đăng nhập" in capsys.readouterr().err and not list(usb.iterdir())
    assert ws.audit.head() == head_before
    monkeypatch.setenv(cli.ENV_PASSPHRASE, PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv(cli.ENV_PASSPHRASE2, PASSPHRASES[MEMBER_NAME])
    two = ("--as", CHAIR_NAME, "--with", MEMBER_NAME)
    assert _run(ws.path, *two[:2], "export", str(meeting.id), "--out", str(usb)) == 1
    assert "Trưởng ban và thêm một thành viên" in capsys.readouterr().err and not list(usb.iterdir())
    assert _run(ws.path, *two, "export", str(meeting.id), "--out", str(usb)) == 0
    out = capsys.readouterr().out
    assert "Đã ghi xong — có thể rút USB." in out
    (folder,) = usb.iterdir()
    assert folder.name.startswith("KetQua_Hội_nghị_cán_bộ_chủ_chốt_2026_")
    assert str(folder) in out

    # only the closed and sealed rounds, with the codes printed on the paper minutes
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    rounds = ws.setup.rounds(meeting.id)
    assert [r["id"] for r in manifest["rounds"]] == [r.id for r in rounds[:2]]
    for item, r in zip(manifest["rounds"], rounds[:2], strict=False):
        assert r.id is not None
        code = ws.reports.minutes_data(r.id).check_code
        assert item["check_code"] == code and code in out
        (pdf,) = folder.glob(f"BienBan_luot{r.id}_*.pdf")
        pages = PdfReader(pdf).pages
        assert all(code in page.extract_text() for page in pages)
        assert "03/03" in pages[-1].extract_text()
        assert (folder / pdf.with_suffix(".docx").name).is_file()
    assert manifest["audit_head"] == head_before

    # one audit entry, after the read-back, naming the folder and the manifest's SHA-256
    last = ws.audit.entries()[-1]
    assert last.action == "export_written" and last.details["folder"] == folder.name
    assert last.details["manifest_sha256"] == hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    assert ws.audit.verify().ok

    assert _run(ws.path, "verify", str(folder), "--fingerprint", manifest["key_fingerprint"]) == 0
    out = capsys.readouterr().out
    assert "Gói kết quả toàn vẹn" in out and manifest["rounds"][0]["check_code"] in out

    (folder / "KetQua.json").write_bytes(b"{}")
    assert _run(ws.path, "verify", str(folder)) == 1
    err = capsys.readouterr().err
    assert "GÓI KHÔNG TOÀN VẸN" in err and "Tệp KetQua.json" in err


def test_encrypted_export(setup: tuple[Workspace, Meeting, Path], capsys: pytest.CaptureFixture[str]) -> None:
    ws, meeting, usb = setup
    assert meeting.id is not None
    result = export_package(ws, meeting.id, usb, encrypt=True, now=NOW)
    assert result.passphrase is not None and len(result.passphrase) == 29
    assert sorted(p.name for p in result.folder.iterdir()) == [
        "DOC_TRUOC.txt",
        "KetQua.zip",
        "manifest.json",
        "manifest.sig",
        "public_key.pem",
        "verify.py",
    ]
    assert verify_package(result.folder).ok  # the outside, without the passphrase
    full = verify_package(result.folder, passphrase=result.passphrase.lower().replace("-", " "))
    assert full.ok and full.inner_checked, full.problems
    assert full.check_codes == {int(k): v for k, v in result.check_codes.items()}
    wrong = verify_package(result.folder, passphrase="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    assert not wrong.ok and any("KetQua.zip" in p for p in wrong.problems)
    with pyzipper.AESZipFile(result.folder / "KetQua.zip") as zf:
        names = {info.filename for info in zf.infolist()}
        assert all(info.flag_bits & 0x1 for info in zf.infolist())  # every entry encrypted
    assert f"{result.folder.name}/manifest.json" in names
    assert _run(ws.path, "verify", str(result.folder), "--passphrase", result.passphrase) == 0
    assert "Gói kết quả toàn vẹn" in capsys.readouterr().out


def test_export_refused_when_the_audit_chain_is_broken(setup: tuple[Workspace, Meeting, Path]) -> None:
    ws, meeting, usb = setup
    assert meeting.id is not None
    conn = sqlite3.connect(ws.path)
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, details, prev_hash, hash) "
        "SELECT seq + 1, at, actor, action, details, hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
    )
    conn.commit()
    conn.close()
    with pytest.raises(ServiceError) as info:
        export_package(ws, meeting.id, usb)
    assert info.value.code is ErrorCode.AUDIT_BROKEN and "báo Trưởng ban" in info.value.message
    assert list(usb.iterdir()) == []


def test_export_refused_without_a_closed_round(ws_only: Workspace, tmp_path: Path) -> None:
    meeting = make_meeting(ws_only)
    build_round(ws_only, RoundKind.CONFIDENCE, meeting=meeting, nominees=2, printed=3)
    assert meeting.id is not None
    with pytest.raises(ServiceError) as info:
        export_package(ws_only, meeting.id, tmp_path)
    assert info.value.code is ErrorCode.NOTHING_TO_EXPORT


@pytest.fixture
def ws_only(tmp_path: Path) -> Iterator[Workspace]:
    with workspace_at(tmp_path / "only" / "kp.sqlite3") as ws:
        yield ws


def _rot_after_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    real = package._rename

    def rename(src: Path, dst: Path) -> None:
        real(src, dst)
        victim = sorted(dst.glob("*.pdf"))[0]
        data = bytearray(victim.read_bytes())
        data[-200] ^= 0x10
        victim.write_bytes(bytes(data))

    monkeypatch.setattr(package, "_rename", rename)


def _fail(monkeypatch: pytest.MonkeyPatch, step: str, at: int, error: BaseException) -> None:
    real = getattr(package, step)
    calls = [0]

    def failing(*args: object) -> object:
        calls[0] += 1
        if calls[0] == at:
            raise error
        return real(*args)

    monkeypatch.setattr(package, step, failing)


FAILURES = [
    ("mkdir_enospc", lambda m: _fail(m, "_mkdir", 1, OSError(errno.ENOSPC, "full")), ErrorCode.EXPORT_FAILED),
    ("open_enospc", lambda m: _fail(m, "_open_new", 3, OSError(errno.ENOSPC, "full")), ErrorCode.EXPORT_FAILED),
    ("write_enospc", lambda m: _fail(m, "_write", 2, OSError(errno.ENOSPC, "full")), ErrorCode.EXPORT_FAILED),
    ("fsync_eio", lambda m: _fail(m, "_fsync", 5, OSError(errno.EIO, "io")), ErrorCode.EXPORT_FAILED),
    ("dir_fsync_eio", lambda m: _fail(m, "_fsync_dir", 2, OSError(errno.EIO, "io")), ErrorCode.EXPORT_FAILED),
    ("rename_fails", lambda m: _fail(m, "_rename", 1, OSError(errno.EACCES, "denied")), ErrorCode.EXPORT_FAILED),
    ("bad_stick", _rot_after_rename, ErrorCode.EXPORT_READ_BACK),
    ("crash_writing", lambda m: _fail(m, "_write", 4, Crash()), None),
    ("crash_after_rename", lambda m: _fail(m, "_fsync_dir", 2, Crash()), None),
]


@pytest.mark.parametrize(("label", "inject", "code"), FAILURES, ids=[f[0] for f in FAILURES])
def test_a_failed_export_leaves_nothing_and_changes_nothing(
    setup: tuple[Workspace, Meeting, Path], monkeypatch: pytest.MonkeyPatch, label: str, inject: object, code: object
) -> None:
    ws, meeting, usb = setup
    assert meeting.id is not None
    warm_up = usb.parent / "warm-up"
    warm_up.mkdir()
    export_package(ws, meeting.id, warm_up)
    before, head = snapshot(ws.path), ws.audit.head()
    assert callable(inject)
    inject(monkeypatch)
    if code is None:
        with pytest.raises(Crash):
            export_package(ws, meeting.id, usb, now=NOW)
    else:
        with pytest.raises(ServiceError) as info:
            export_package(ws, meeting.id, usb, now=NOW)
        assert info.value.code is code
        assert "USB" in info.value.message
    monkeypatch.undo()
    assert list(usb.iterdir()) == []  # no final name, no partial folder, nothing that could verify
    assert snapshot(ws.path) == before and ws.audit.head() == head
    assert ws.audit.entries()[-1].action == "export_written"  # the warm-up's, not this one's
    # and the next attempt, on a good stick, succeeds
    assert verify_package(export_package(ws, meeting.id, usb, now=NOW).folder).ok


def test_backup_restore_and_merge_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    a_db, b_db, usb = tmp_path / "a" / "kp.sqlite3", tmp_path / "b" / "kp.sqlite3", tmp_path / "usb"
    usb.mkdir()
    with workspace_at(a_db) as ws:
        built = build_round(ws, RoundKind.APPROVAL, nominees=1, printed=6)
        rid = built.round_id
    assert _run(a_db, "backup", "--reason", "cho máy 2") == 0
    assert "Đã sao lưu" in capsys.readouterr().out
    assert _run(a_db, "backups") == 0
    listing = capsys.readouterr().out
    (line,) = [x for x in listing.splitlines() if "cho-máy-2" in x]
    backup_file = Path(line.split()[-1])
    assert _run(b_db, "restore", str(backup_file)) == 0
    assert "Đã khôi phục" in capsys.readouterr().out
    with workspace_at(b_db) as ws_b:
        for ib in built.printed[:4]:
            ws_b.counting.record(rid, ib.serial, BallotMarks({built.ids[0]: frozenset({0})}))
    with workspace_at(a_db) as ws:
        for ib in built.printed[2:5]:
            ws.counting.record(rid, ib.serial, BallotMarks({built.ids[0]: frozenset({1})}))
    assert _run(b_db, "export-entries", str(rid), "--out", str(usb)) == 0
    (package_folder,) = usb.iterdir()
    monkeypatch.setenv(cli.ENV_PASSPHRASE, PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv(cli.ENV_PASSPHRASE2, PASSPHRASES[MEMBER_NAME])
    signed = ("--as", CHAIR_NAME, "--with", MEMBER_NAME)
    b_fingerprint = capsys.readouterr().out.split("Dấu vân tay khóa của máy này: ")[1].split()[0]
    # Station B's key is not known at A yet: refused, A unchanged, until the fingerprint is given (paired).
    before = snapshot(a_db)
    assert _run(a_db, *signed, "import-entries", str(rid), str(package_folder), "--mode", "additional") == 1
    assert f"khóa chưa biết (dấu vân tay {b_fingerprint})" in capsys.readouterr().err
    assert snapshot(a_db) == before
    argv = ("import-entries", str(rid), str(package_folder), "--mode", "additional")
    assert _run(a_db, *signed, *argv, "--fingerprint", b_fingerprint) == 0
    out = capsys.readouterr().out
    assert "Đã ghi 2 phiếu" in out
    assert format_serial(built.printed[2].serial) in out and format_serial(built.printed[3].serial) in out
    with workspace_at(a_db) as ws:
        assert len(ws.counting.ballots(rid, 1)) == 5
    assert _run(a_db, *signed, *argv) == 0  # paired now: known without the fingerprint; nothing counted twice
    assert "Đã ghi 0 phiếu" in capsys.readouterr().out


def test_minutes_name_the_key_that_signs_the_package(tmp_path: Path) -> None:
    """Paper and stick match twice: the check code, and the signing key's fingerprint on every page."""
    import subprocess

    from tests.helpers.builders import build_round, count_and_close, workspace_at
    from vote_counter.exchange.export import export_package
    from vote_counter.exchange.verify import verify_package

    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = build_round(ws, nominees=3, printed=4)
        count_and_close(b)
        assert b.meeting.id is not None
        fp = ws.reports.key_fingerprint(b.meeting.id)
        # the meeting's key, kept encrypted in the database: no key file beside it (issue 12)
        assert len(fp) == 16 and not list(tmp_path.glob("*.pem"))
        pdf, _docx = ws.reports.write_minutes(b.round_id, tmp_path / "in")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert text.count(f"Khóa ký: {fp}") == text.count("Trang ") > 0
        stick = tmp_path / "usb"
        stick.mkdir()
        result = export_package(ws, b.meeting.id, stick)
        assert result.fingerprint == fp
        assert verify_package(result.folder).fingerprint == fp
