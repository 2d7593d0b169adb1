"""Disk full and read-only database (SPEC §6, §10): a failed save says so in Vietnamese, loses nothing
saved before it, leaves the file intact, and counting resumes once space is back.

The disk is "filled" with RLIMIT_FSIZE in a child process (disk_full_child.py): SQLite's writes past the
limit fail with EFBIG (SIGXFSZ ignored), which is what a full disk looks like to it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.builders import assert_vietnamese, build_round, raw, workspace_at
from vote_counter.domain.model import Mode, RoundId, RoundKind

CHILD = Path(__file__).with_name("disk_full_child.py")
ROOT = Path(__file__).resolve().parents[2]
HEADROOM = 48 * 1024  # the limit: a little above the database as it is

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE and SIGXFSZ are POSIX")


def _child(*args: str, prefix: tuple[str, ...] = ()) -> list[str]:
    done = subprocess.run(
        [*prefix, sys.executable, str(CHILD), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.fixture
def counting_round(tmp_path: Path) -> Iterator[tuple[Path, Path, RoundId]]:
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        # A test-mode round: the child records without signing in (accounts are not what this checks).
        b = build_round(ws, RoundKind.CONFIDENCE, mode=Mode.TEST, printed=400, nominees=8, accounts=False)
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps({"round_id": b.round_id, "nominee_ids": b.ids, "payloads": [p.payload for p in b.printed]})
    )
    yield db, spec, b.round_id


def _saved_serials(db: Path, round_id: RoundId) -> set[str]:
    with raw(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute(
            "SELECT serial FROM ballots WHERE round_id = ? AND status = 'active' AND set_aside = 0", (round_id,)
        ).fetchall()
    return {r[0] for r in rows}


def _audit_ok(db: Path) -> None:
    with workspace_at(db) as ws:
        assert ws.audit.verify().ok


def test_disk_full_then_space_freed(counting_round: tuple[Path, Path, RoundId]) -> None:
    db, spec, round_id = counting_round
    limit = db.stat().st_size + HEADROOM
    lines = _child("record", str(db), str(spec), "0", str(limit))
    acked = {line.split()[2]: int(line.split()[1]) for line in lines if line.startswith("ok ")}
    failure = next(line for line in lines if line.startswith(("fail ", "other ")))
    print(failure)
    # SQLite reports EFBIG as SQLITE_IOERR ("disk I/O error"), an OperationalError: ServiceBase turns it into STORAGE.
    assert failure.startswith("fail ServiceError storage "), failure
    message = failure.split(" ", 3)[3]
    assert_vietnamese(message)
    assert "Dữ liệu đã lưu trước đó vẫn còn nguyên" in message
    assert 0 < len(acked) < 400
    assert f"read {len(acked)}" in lines  # the running totals are still readable in the same process

    saved = _saved_serials(db, round_id)
    assert set(acked) <= saved, "an acknowledged ballot was lost"
    assert len(saved - set(acked)) == 0, "a ballot reported as failed was saved"
    _audit_ok(db)

    # Space is back: a new process resumes entry at the ballot that failed.
    resume = len(acked)
    more = _child("record", str(db), str(spec), str(resume), "0")
    acked_more = {line.split()[2] for line in more if line.startswith("ok ")}
    assert not [line for line in more if line.startswith(("fail ", "other "))], more
    assert len(acked_more) == 400 - resume
    assert _saved_serials(db, round_id) == set(acked) | acked_more
    _audit_ok(db)


def _without_privileges() -> tuple[str, ...] | None:
    """root ignores file permissions: run the child as root without capabilities (setpriv), or skip."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        return None
    return ("setpriv", "--bounding-set", "-all", "--inh-caps", "-all", "--")


@pytest.mark.parametrize(
    "folder_read_only",
    [
        pytest.param(False),
        pytest.param(True),
    ],
)
def test_read_only_database(counting_round: tuple[Path, Path, RoundId], folder_read_only: bool) -> None:
    prefix = _without_privileges()
    if prefix is None:
        pytest.skip("running as root without setpriv: chmod cannot make the file read-only for root")
    db, spec, round_id = counting_round
    lines = _child("record", str(db), str(spec), "0", "0")  # ballots saved while the file was writable
    before = _saved_serials(db, round_id)
    folder = Path(tempfile.mkdtemp(prefix="kp-ro-"))
    try:
        shutil.copy(db, folder / db.name)
        shutil.copy(spec, folder / spec.name)
        (folder / db.name).chmod(0o444)
        if folder_read_only:
            folder.chmod(0o555)
        content = (folder / db.name).read_bytes()
        out = _child("readonly", str(folder / db.name), str(folder / spec.name), prefix=prefix)
        print(out)
        assert (folder / db.name).read_bytes() == content, "the read-only file changed"
        if folder_read_only:
            # A WAL database needs its -shm file beside it: SQLite cannot open it at all in a read-only
            # folder. The app says so in Vietnamese and changes nothing.
            assert out[0].startswith("openfail vote_counter.services.errors.ServiceError "), out
            assert "tệp dữ liệu chỉ cho phép đọc" in out[0]
            assert_vietnamese(out[0].split(" ", 2)[2])
            return
        assert out[0] == f"read {len(before)}", out
        failure = out[1]
        assert failure.startswith("fail ServiceError storage "), failure
        assert_vietnamese(failure.split(" ", 3)[3])
        assert out[2] == f"read {len(before)}", out
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
    assert lines
