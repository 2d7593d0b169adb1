"""Persisted running totals survive kills (issue 15): a child process doing random counting actions (both passes
of double entry, corrections, voids, restores, set-asides) is SIGKILLed at random moments on the same file;
after every kill the totals in the file equal a full recount and the audit chain, totals seals included,
verifies."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.builders import CHAIR_NAME, MEMBER_NAME, PASSPHRASES, build_round, raw, workspace_at
from vote_counter.domain.model import Counts, RoundKind

CHILD = Path(__file__).with_name("totals_child.py")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _kill_loop(tmp_path: Path, kills: int, seed: int) -> dict[str, int]:
    path = tmp_path / "totals.sqlite3"
    with workspace_at(path) as ws:
        b = build_round(
            ws, RoundKind.CONFIDENCE, nominees=6, printed=400, counts=Counts(400, 400, 400), double_entry=True
        )
        board = {m.full_name: m for m in ws.setup.board(b.meeting.id)}
        spec = {
            "round_id": b.round_id,
            "nominee_ids": b.ids,
            "serials": [x.serial for x in b.printed],
            "chair": {"id": board[CHAIR_NAME].id, "passphrase": PASSPHRASES[CHAIR_NAME]},
            "member": {"id": board[MEMBER_NAME].id, "passphrase": PASSPHRASES[MEMBER_NAME]},
        }
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    rng = random.Random(seed)
    done: dict[str, int] = {}
    for _ in range(kills):
        err_path = tmp_path / "child.err"
        with err_path.open("wb") as err:
            child = subprocess.Popen(
                [sys.executable, str(CHILD), str(path), str(spec_path), str(rng.randrange(2**31))],
                stdout=subprocess.PIPE,
                stderr=err,
            )
            assert child.stdout is not None
            head = child.stdout.readline()
            assert head == b"ready\n", err_path.read_bytes().decode(errors="replace")
            time.sleep(rng.uniform(0.3, 1.5))  # the first action verifies two passphrases (scrypt)
            child.send_signal(signal.SIGKILL)
            output = child.stdout.read()
            child.stdout.close()
            code = child.wait()
        assert code == -signal.SIGKILL, (code, err_path.read_bytes().decode(errors="replace"))
        for line in output.split(b"\n")[:-1]:
            words = line.decode("ascii").split()
            if words[0] == "ok":
                done[words[1]] = done.get(words[1], 0) + 1
        with raw(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        with workspace_at(path) as ws:
            check = ws.counting.recount_check(b.round_id)
            assert check.matches, check
            report = ws.audit.verify()
            assert report.ok, report
    print(f"\n{kills} kills; actions acknowledged: {done}")
    return done


def test_totals_equal_a_recount_after_kills(tmp_path: Path) -> None:
    done = _kill_loop(tmp_path, kills=4, seed=15)
    assert "save1" in done and len(done) >= 3, done


@pytest.mark.slow
def test_totals_equal_a_recount_after_many_kills(tmp_path: Path) -> None:
    done = _kill_loop(tmp_path, kills=60, seed=1515)
    # The loop really exercised every kind of action, both passes.
    assert {"save1", "save2", "correct", "void", "restore", "aside"} <= set(done), done
