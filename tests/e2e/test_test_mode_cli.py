"""Test mode from the command line, as a board would run its logic-and-accuracy check:
test-deck → enter-ballots (the real command) → test-report → go-live."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers.builders import build_round, workspace_at
from vote_counter.cli import main, run_command
from vote_counter.cli.test_mode import add_commands
from vote_counter.domain.model import Mode, RoundId, RoundKind, Stage
from vote_counter.services.errors import ErrorCode, ServiceError


def run(db: Path, *argv: str) -> int:
    """The test-mode commands through the CLI's own runner (the hook into build_parser is the lead's)."""
    parser = argparse.ArgumentParser(prog="vote-counter")
    parser.add_argument("--db")
    add_commands(parser.add_subparsers(dest="command"))
    return run_command(parser.parse_args(["--db", str(db), *argv]))


@pytest.fixture
def test_round(tmp_path: Path) -> tuple[Path, RoundId]:
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, mode=Mode.TEST, printed=0, counting=False, accounts=False)
        return db, b.round_id


def test_deck_enter_report_all_match(
    tmp_path: Path, test_round: tuple[Path, RoundId], capsys: pytest.CaptureFixture[str]
) -> None:
    db, rid = test_round
    out = tmp_path / "thu"
    assert run(db, "test-deck", str(rid), "--count", "40", "--out", str(out), "--seed", "96") == 0
    assert "Đã in 40 phiếu thử" in capsys.readouterr().out
    with workspace_at(db) as ws:
        ws.stages.change(rid, Stage.COUNTING)
    assert main(["--db", str(db), "enter-ballots", str(rid), str(out / "deck.jsonl")]) == 0
    assert "Đã lưu 40 phiếu; từ chối 0." in capsys.readouterr().out
    pdf = tmp_path / "baocao.pdf"
    assert run(db, "test-report", str(rid), "--expected", str(out / "expected.json"), "--out", str(pdf)) == 0
    printed = capsys.readouterr().out
    assert "THỬ NGHIỆM — KHÔNG CÓ GIÁ TRỊ" in printed and "Tất cả khớp." in printed and "KHÁC" not in printed
    assert all("THỬ NGHIỆM — KHÔNG CÓ GIÁ TRỊ" in p.extract_text() for p in PdfReader(pdf).pages)


def test_a_mistyped_ballot_fails_the_report(
    tmp_path: Path, test_round: tuple[Path, RoundId], capsys: pytest.CaptureFixture[str]
) -> None:
    db, rid = test_round
    out = tmp_path / "thu"
    assert run(db, "test-deck", str(rid), "--count", "25", "--out", str(out)) == 0
    lines = (out / "deck.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    index = next(
        i
        for i, it in enumerate(items)
        if not it["declared"] and all(len(v) == 1 for v in it["marks"].values()) and len(it["marks"]) == 5
    )
    items[index]["marks"]["2"] = [(items[index]["marks"]["2"][0] + 1) % 3]  # the board keys the wrong level
    typed = tmp_path / "typed.jsonl"
    typed.write_text("".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items), encoding="utf-8")
    with workspace_at(db) as ws:
        ws.stages.change(rid, Stage.COUNTING)
    assert main(["--db", str(db), "enter-ballots", str(rid), str(typed)]) == 0
    capsys.readouterr()
    assert run(db, "test-report", str(rid), "--expected", str(out / "expected.json")) == 1
    printed = capsys.readouterr().out
    assert printed.count("KHÁC") == 3  # two cells of row 2, and the verdict
    assert "Có 2 dòng KHÁC" in printed


def test_go_live_from_the_command_line(
    tmp_path: Path, test_round: tuple[Path, RoundId], capsys: pytest.CaptureFixture[str]
) -> None:
    db, rid = test_round
    out = tmp_path / "thu"
    assert run(db, "test-deck", str(rid), "--count", "5", "--out", str(out)) == 0
    assert run(db, "go-live", str(rid)) == 0
    printed = capsys.readouterr().out
    assert "Đã tạo lượt chính thức" in printed
    code = json.loads((out / "deck.jsonl").read_text(encoding="utf-8").splitlines()[0])["code"]
    with workspace_at(db) as ws:
        live = [r for r in ws.setup.rounds(ws.setup.round(rid).meeting_id) if r.mode is Mode.LIVE]  # type: ignore[arg-type]
        assert len(live) == 1 and live[0].id is not None
        assert ws.counting.result(live[0].id).collected == 0
        with pytest.raises(ServiceError) as err:
            ws.counting.identify(live[0].id, code)
        assert err.value.code is ErrorCode.TEST_IN_LIVE  # named as a test ballot, not "another round's"
        assert err.value.message.startswith("Phiếu thử nghiệm")
    assert run(db, "go-live", str(live[0].id)) == 1  # a live round cannot go live again
    assert "thử nghiệm" in capsys.readouterr().err
