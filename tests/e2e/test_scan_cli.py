"""`vote-counter scan` and `scan-queue` as a board runs them: a real process, a real file, JSON on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import scan_corpus as sc
from tests.helpers.builders import CHAIR_NAME, PASSPHRASES, assert_vietnamese, row_counts, workspace_at
from vote_counter.domain.model import RoundKind


def _run(db: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KP_PASSPHRASE=PASSPHRASES[CHAIR_NAME])
    return subprocess.run(
        [sys.executable, "-m", "vote_counter", "--db", str(db), "--as", CHAIR_NAME, *argv],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


def test_scan_then_scan_queue_as_json(tmp_path: Path) -> None:
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        printed = sc.printed_round(ws, tmp_path / "in", RoundKind.APPROVAL, nominees=4, count=4)
    rid = str(printed.built.round_id)

    def plan(i: int, rng: object) -> list[sc.Ink]:
        boxes = [sc.Ink.CROSS, sc.Ink.EMPTY] * 4
        if i == 1:
            boxes[3] = sc.Ink.SCRIBBLE  # row 2: a cross for agree and the disagree box scribbled over
        return boxes

    sc.write_scans(printed, tmp_path / "scans", plan=plan, ballots=[0, 1, 2])
    multi = tmp_path / "scans" / "xep_lai.tif"  # the first ballot again, inside a multi-page TIFF
    from PIL import Image

    first = Image.open(sorted((tmp_path / "scans").glob("*_0000_1.*"))[0])
    first.save(multi, save_all=True, append_images=[Image.new("L", first.size, 250)])
    done = _run(db, "scan", rid, str(tmp_path / "scans"), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["sheets"], out["saved"], out["queued"]) == (5, 2, 2), out
    (refused,) = out["refused"]
    assert refused["file"] == "xep_lai.tif" and refused["page"] == 1 and refused["code"] == "duplicate"
    assert_vietnamese(refused["reason"])
    assert sum(out["scores"]) == 4 * 8  # every box read, the refused copy included
    queue = _run(db, "scan-queue", rid, "--json")
    assert queue.returncode == 0, queue.stderr
    items = json.loads(queue.stdout)
    by_file = {i["file"]: i for i in items}
    assert by_file["xep_lai.tif"]["serial"] is None and by_file["xep_lai.tif"]["page"] == 2
    assert "no_fiducials" in by_file["xep_lai.tif"]["reasons"]
    scribbled = next(i for i in items if i["serial"] == printed.serials[1])
    assert scribbled["reasons"] == ["crossed_out"] and scribbled["page"] == 1
    with workspace_at(db) as ws:
        assert len(ws.counting.ballots(printed.built.round_id)) == 2
    text = _run(db, "scan-queue", rid)
    assert "2 tờ đang chờ xem xét" in text.stdout


def test_scan_errors_change_nothing(tmp_path: Path) -> None:
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        printed = sc.printed_round(ws, tmp_path / "in", nominees=3, count=2)
    rid = str(printed.built.round_id)
    before = row_counts(db)
    missing = _run(db, "scan", rid, str(tmp_path / "khong_co"))
    assert missing.returncode == 1 and "không có tệp hoặc thư mục" in missing.stderr
    bad = _run(db, "scan", rid, str(tmp_path), "--definite", "0.01", "--marginal", "0.2")
    assert bad.returncode == 1 and "ngưỡng" in bad.stderr
    wrong_pass = _run(db, "scan", rid, str(tmp_path), "--pass", "2")
    assert wrong_pass.returncode == 1 and "không nhập hai lần" in wrong_pass.stderr
    assert row_counts(db) == before
