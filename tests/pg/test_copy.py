"""`vote-counter copy --from FILE --to URL`, then the same meeting read on both engines (issue 16)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    assert_vietnamese,
    build_round,
    count_and_close,
    make_meeting,
    sign_in_known_boards,
)
from vote_counter.cli import main
from vote_counter.domain.model import RoundKind
from vote_counter.services.workspace import Workspace


def _meeting_file(path: Path) -> list[int]:
    """A meeting with a closed round of each kind, entered on SQLite as a single laptop does."""
    ws = Workspace.open(path)
    try:
        meeting = make_meeting(ws)
        rounds = []
        for kind, n in ((RoundKind.CONFIDENCE, 9), (RoundKind.APPROVAL, 7), (RoundKind.NOMINATION, 5)):
            built = build_round(ws, kind, meeting=meeting, nominees=3, printed=n + 2)
            count_and_close(built, n)
            rounds.append(built.round_id)
        return rounds
    finally:
        ws.close()


HEAD = re.compile(r"Chuỗi nhật ký: [0-9a-f]{16}")


def _minutes_text(capsys: pytest.CaptureFixture[str], db: str, round_id: int, folder: Path, reprint: bool) -> str:
    again = ["--reason", "In lại để đối chiếu hai máy chủ"] if reprint else []
    code, _out, err = _run(
        capsys,
        "--db",
        db,
        "--as",
        CHAIR_NAME,
        "--with",
        MEMBER_NAME,
        "minutes",
        str(round_id),
        "--out",
        str(folder),
        *again,
    )
    assert code == 0, err
    pdf = sorted(folder.glob("*.pdf"))[0]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert HEAD.search(text)
    # The head's hex digits differ in width: where pdftotext breaks or joins the words before "Trang x/y" moves
    # with them, so the words are compared without any white space; the two prints may fall in different minutes.
    text = HEAD.sub("Chuỗi nhật ký: …", text)
    text = re.sub(r"hồi \d{2} giờ \d{2} phút", "hồi … giờ … phút", text)
    return "".join(text.split())


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_copy_moves_a_meeting_into_postgresql_and_both_read_the_same(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "to-1.sqlite3"
    rounds = _meeting_file(source)
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv("KP_PASSPHRASE2", PASSPHRASES[MEMBER_NAME])
    _minutes_text(capsys, str(source), rounds[0], tmp_path / "a", False)  # the first print, before the copy
    code, out, err = _run(capsys, "copy", "--from", str(source), "--to", pg_url)
    assert code == 0, err
    assert "Đã chép" in out and "kp_app:***@" in out  # the password is never printed back
    for db in (str(source), pg_url):
        code, out, err = _run(capsys, "--db", db, "--as", CHAIR_NAME, "verify-audit")
        assert code == 0, err
    codes = {}
    for round_id in rounds:
        answers = []
        for db in (str(source), pg_url):
            code, out, err = _run(capsys, "--db", db, "--as", CHAIR_NAME, "results", str(round_id), "--json")
            assert code == 0, err
            answers.append(json.loads(out))
        assert answers[0] == answers[1]
        codes[round_id] = answers[0]["check_code"]

    # The minutes read the same rows on both engines. Printed once on the file before the copy (that makes the
    # signing key, copied with it), then reprinted on both: the same text but for the chain head printed on them.
    texts = [
        _minutes_text(capsys, db, rounds[0], tmp_path / name, True) for db, name in ((str(source), "b"), (pg_url, "c"))
    ]
    assert texts[0] == texts[1]
    assert "Mãkiểmtrakếtquả:" + codes[rounds[0]] in texts[1]

    # The USB export from the hall's database verifies like one from a file, with the same check codes.
    (tmp_path / "usb").mkdir()  # the stick, already there
    code, out, err = _run(
        capsys, "--db", pg_url, "--as", CHAIR_NAME, "--with", MEMBER_NAME, "export", "1", "--out", str(tmp_path / "usb")
    )
    assert code == 0, err
    for round_id in rounds:
        assert f"Lượt {round_id}: mã kiểm tra kết quả {codes[round_id]}" in out
    fingerprint = re.search(r"Dấu vân tay khóa ký: ([0-9a-f]+)", out)
    assert fingerprint is not None and f"Khóaký:{fingerprint[1]}" in texts[0]  # the file's key, copied with it
    package = next(p for p in (tmp_path / "usb").iterdir() if p.is_dir())
    code, out, err = _run(capsys, "verify", str(package), "--fingerprint", fingerprint[1])
    assert code == 0, err

    # The copy itself is one more entry on the target; the file is untouched.
    ws = Workspace.open(pg_url)
    try:
        sign_in_known_boards(ws)
        entries = ws.audit.entries()
        copied = [e for e in entries if e.action == "copied_from_file"]
        assert len(copied) == 1 and copied[0].details["file"] == "to-1.sqlite3"
        assert entries[copied[0].seq - 2].hash == copied[0].details["head"]  # it follows the file's own chain
        assert ws.audit.verify().ok
        saved = ws.counting.totals(rounds[0])
        assert saved.valid + saved.invalid == 9
    finally:
        ws.close()


def test_copy_into_a_database_that_is_not_empty_is_refused_and_changes_nothing(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "to-2.sqlite3"
    _meeting_file(source)
    assert _run(capsys, "copy", "--from", str(source), "--to", pg_url)[0] == 0
    ws = Workspace.open(pg_url)
    before = len(ws.audit.entries())
    ws.close()
    code, out, err = _run(capsys, "copy", "--from", str(source), "--to", pg_url)
    assert code == 1 and out == ""
    assert "chỉ chép vào một cơ sở dữ liệu trống" in err
    assert_vietnamese(err)
    ws = Workspace.open(pg_url)
    try:
        assert len(ws.audit.entries()) == before
    finally:
        ws.close()


def test_copy_from_a_missing_file_or_to_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(
        capsys, "copy", "--from", str(tmp_path / "khong-co.sqlite3"), "--to", "postgresql+psycopg://a:b@127.0.0.1:1/x"
    )
    assert code == 1 and "khong-co.sqlite3" in err
    assert_vietnamese(err)
    source = tmp_path / "to-3.sqlite3"
    _meeting_file(source)
    code, _out, err = _run(capsys, "copy", "--from", str(source), "--to", str(tmp_path / "other.sqlite3"))
    assert code == 1 and "postgresql+psycopg://" in err
    assert not (tmp_path / "other.sqlite3").exists()
