"""SPEC §10 crash safety: killing the app at random moments while counting loses no saved ballot
and never corrupts the database.

A child process (crash_child.py) records ballots into one database file and prints each serial only
after CountingService.record returned; the parent kills it with SIGKILL after a random delay, 200+
times, on the same file, then checks every acknowledged ballot is there, counted once, the file is
intact and the audit chain verifies.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.builders import MEMBER_NAME, PASSPHRASES, build_round, raw, workspace_at
from vote_counter.domain.model import Counts, RoundId, RoundKind

CHILD = Path(__file__).with_name("crash_child.py")
KILLS = 200
PRINTED = 60_000  # the save's fast lane keys ~1,500 ballots a second on a quiet machine: never run out
NOMINEES = 8
SEED = 96_2023

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _check(path: Path, round_id: RoundId, acked: dict[str, int], kills: int) -> int:
    """Everything a board relies on after a crash; returns the number of ballots in the file."""
    with raw(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        per_serial = dict(
            conn.execute(
                "SELECT serial, count(*) FROM ballots WHERE round_id = ? AND status = 'active' "
                "AND set_aside = 0 AND pass_no = 1 GROUP BY serial",
                (round_id,),
            ).fetchall()
        )
        total = conn.execute("SELECT count(*) FROM ballots").fetchone()[0]
        register = dict(conn.execute("SELECT serial, status FROM ballot_register WHERE round_id = ?", (round_id,)))
        saved_entries = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'ballot_saved'").fetchone()[0]
    missing = set(acked) - set(per_serial)
    assert not missing, f"{len(missing)} acknowledged ballots lost"
    assert all(n == 1 for n in per_serial.values()), "a serial counted twice"
    assert total == len(per_serial)
    # At most one save per killed process can be committed without its acknowledgement.
    assert len(acked) <= total <= len(acked) + kills
    assert saved_entries == total  # every ballot has its audit entry, no entry without its ballot
    counted = {s for s, st in register.items() if st == "counted"}
    assert counted == set(per_serial)
    assert {st for s, st in register.items() if s not in counted} <= {"printed"}
    with workspace_at(path) as ws:
        report = ws.audit.verify()
        assert report.ok, report
        totals = ws.counting.totals(round_id)
        assert totals.collected == totals.valid == total
        assert ws.register.summary(round_id).counted == total
    return int(total)


@pytest.mark.slow
def test_killed_at_random_moments_loses_no_saved_ballot(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite3"
    with workspace_at(path) as ws:
        b = build_round(
            ws, RoundKind.CONFIDENCE, nominees=NOMINEES, printed=PRINTED, counts=Counts(PRINTED, PRINTED, PRINTED)
        )
        member = next(m for m in ws.setup.board(b.meeting.id) if m.full_name == MEMBER_NAME)
    spec_path = tmp_path / "payloads.json"
    # The child signs in as a board member, as the window would: a live round needs credentials.
    credential = {"member_id": member.id, "passphrase": PASSPHRASES[MEMBER_NAME]}
    spec_path.write_text(
        json.dumps(
            {
                "round_id": b.round_id,
                "nominee_ids": b.ids,
                "payloads": [x.payload for x in b.printed],
                "credential": credential,
            }
        ),
        encoding="utf-8",
    )

    rng = random.Random(SEED)
    acked: dict[str, int] = {}
    next_index = 0
    kills = rediscovered = from_start = 0
    started = time.monotonic()
    while kills < KILLS:
        err_path = tmp_path / "child.err"
        with err_path.open("wb") as err:
            child = subprocess.Popen(
                [sys.executable, str(CHILD), str(path), str(spec_path), str(next_index), str(rng.randrange(2**31))],
                stdout=subprocess.PIPE,
                stderr=err,
            )
            assert child.stdout is not None
            # Mostly while saving; one kill in four counted from the process start, so opening the
            # file (WAL recovery, migration check, recount) is interrupted too.
            early = rng.random() < 0.25
            head = b""
            if not early:
                head = child.stdout.readline()
                assert head == b"ready\n", err_path.read_bytes().decode(errors="replace")
            time.sleep(rng.uniform(0.02, 0.3))
            child.send_signal(signal.SIGKILL)
            output = head + child.stdout.read()
            child.stdout.close()
            code = child.wait()
        assert code == -signal.SIGKILL, (code, err_path.read_bytes().decode(errors="replace"))
        kills += 1
        from_start += early
        for line in output.split(b"\n")[:-1]:  # the last piece is empty or a line cut by the kill
            words = line.decode("ascii").split()
            if words[0] == "ok":
                acked[words[2]] = int(words[1])
                next_index = max(next_index, int(words[1]) + 1)
            elif words[0] == "dup":
                rediscovered += 1
                next_index = max(next_index, int(words[1]) + 1)
            else:
                assert words == ["ready"], line
        assert b"done" not in output, "the child ran out of ballots: print more"
        if kills % 50 == 0:
            _check(path, b.round_id, acked, kills)

    total = _check(path, b.round_id, acked, kills)
    elapsed = time.monotonic() - started
    print(
        f"\n{kills} kills ({from_start} counted from process start) in {elapsed:.0f} s; "
        f"{len(acked)} acknowledged saves, {total} ballots in the file, "
        f"{rediscovered} saves committed but killed before acknowledgement"
    )
    assert len(acked) > 1000  # the kills really did land while saving
