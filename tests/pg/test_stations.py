"""Several stations entering at once into one PostgreSQL, a client killed mid-save (issue 16)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.helpers.builders import build_round, sign_in_known_boards
from vote_counter.domain.model import RoundKind
from vote_counter.services.workspace import Workspace

CHILD = Path(__file__).with_name("station_child.py")
ROOT = Path(__file__).resolve().parents[2]
STATIONS = 4
EACH = 15


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_four_stations_at_once_lose_nothing_double_nothing_and_refuse_a_shared_serial_once(
    pg_url: str, tmp_path: Path
) -> None:
    ws = Workspace.open(pg_url)
    built = build_round(ws, RoundKind.CONFIDENCE, nominees=4, printed=STATIONS * EACH + 1)
    shared = built.printed[-1].payload
    go = tmp_path / "go"
    children = []
    for i in range(STATIONS):
        own = [b.payload for b in built.printed[i * EACH : (i + 1) * EACH]]
        own.insert(EACH // 2, shared)  # every station scans the same paper once, in the middle of its run
        job = tmp_path / f"job{i}.json"
        job.write_text(json.dumps({"round": built.round_id, "kind": "confidence", "ids": built.ids, "payloads": own}))
        children.append(
            subprocess.Popen(
                [sys.executable, str(CHILD), "enter", pg_url, f"Tổ {i + 1}", str(job), str(go)],
                stdout=subprocess.PIPE,
                text=True,
                env=_env(),
            )
        )
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    go.write_text("")
    results = []
    for child in children:
        out, _ = child.communicate(timeout=300)
        assert child.returncode == 0
        results.append(json.loads(out.strip().splitlines()[-1]))
    codes = [c for r in results for c in r["codes"]]
    assert codes.count("saved") == STATIONS * EACH + 1
    assert codes.count("duplicate") == STATIONS - 1  # the shared paper: counted once, refused three times
    assert len(codes) == STATIONS * (EACH + 1)

    sign_in_known_boards(ws)
    try:
        report = ws.audit.verify()
        assert report.ok, report
        entries = ws.audit.entries()
        saved = [e for e in entries if e.action == "ballot_saved"]
        assert len(saved) == STATIONS * EACH + 1
        assert len({e.details["ballot"] for e in saved}) == len(saved)
        per_station = {f"Tổ {i + 1}": 0 for i in range(STATIONS)}
        for e in saved:
            per_station[e.details["station"]] += 1
        assert sorted(per_station.values()) == [EACH] * (STATIONS - 1) + [EACH + 1]
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))  # one chain, no gap, no fork
        totals = ws.counting.totals(built.round_id)
        assert totals.valid + totals.invalid == STATIONS * EACH + 1
        register = ws.register.summary(built.round_id)
        assert register.counted == STATIONS * EACH + 1
    finally:
        ws.close()


def test_a_client_killed_mid_save_leaves_nothing_half_written_and_the_next_save_goes_through(pg_url: str) -> None:
    ws = Workspace.open(pg_url)
    built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=3)
    before = len(ws.audit.entries())
    child = subprocess.Popen(
        [
            sys.executable,
            str(CHILD),
            "hold",
            pg_url,
            str(built.round_id),
            built.printed[0].payload,
            ",".join(str(i) for i in built.ids),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "holding"  # the ballot row is written, not committed
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        if child.stdout is not None:
            child.stdout.close()
    sign_in_known_boards(ws)
    try:
        assert len(ws.audit.entries()) == before
        assert ws.counting.totals(built.round_id).valid == 0
        # The killed session's lock went with it: the same paper is saved now, once.
        import random

        from tests.helpers.builders import valid_marks

        saved = ws.counting.record(
            built.round_id, built.printed[0].payload, valid_marks(random.Random(2), RoundKind.CONFIDENCE, built.ids)
        )
        assert saved.serial == built.printed[0].serial
        assert ws.audit.verify().ok
        assert ws.counting.totals(built.round_id).valid + ws.counting.totals(built.round_id).invalid == 1
    finally:
        ws.close()
