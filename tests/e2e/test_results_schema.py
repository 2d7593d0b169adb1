"""`results --json` and `serials --json` as a program reads them: docs/results.schema.json describes every
field and every outcome code, checked against real outputs of every round kind (issue 17)."""

from __future__ import annotations

import json
import random
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.helpers.builders import (
    Built,
    build_round,
    count_and_close,
    random_marks,
    workspace_at,
)
from vote_counter import cli
from vote_counter.domain.model import Counts, InvalidPolicy, Mode, PercentBase, Reason, RoundKind, Stage
from vote_counter.domain.rules import Approval, Band, ProblemCode, Selection
from vote_counter.domain.serials import format_serial

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "results.schema.json"
DASHED = r"^[0-9]{4}-[0-9]{4}-[0-9]{4}$"


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


def _json_of(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert cli.main(argv) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


def _enter(b: Built, n: int, seed: int) -> None:
    rng = random.Random(seed)
    for issued in b.printed[:n]:
        b.ws.counting.record(b.round_id, issued.payload, random_marks(rng, b.round.kind, b.ids, odd=0.2))


def test_every_outcome_code_the_domain_can_produce_is_in_the_schema() -> None:
    defs = _schema()["$defs"]
    enums: dict[str, type[StrEnum]] = {
        "kind": RoundKind,
        "mode": Mode,
        "stage": Stage,
        "percent_base": PercentBase,
        "invalid_policy": InvalidPolicy,
        "invalid_reason": Reason,
        "band": Band,
        "approval": Approval,
        "selection": Selection,
        "problem": ProblemCode,
    }
    for name, enum in enums.items():
        assert set(defs[name]["enum"]) == {e.value for e in enum}, name  # none missing, none made up


def test_real_results_of_every_round_kind_match_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    validator = Draft202012Validator(_schema())
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        conf = build_round(ws, RoundKind.CONFIDENCE, nominees=4, printed=30)
        appr = build_round(ws, RoundKind.APPROVAL, meeting=conf.meeting, nominees=2, printed=30)
        nomi = build_round(ws, RoundKind.NOMINATION, meeting=conf.meeting, nominees=3, printed=30, seats=1)
        test = build_round(ws, RoundKind.CONFIDENCE, meeting=conf.meeting, nominees=2, printed=6, mode=Mode.TEST)
        empty = build_round(ws, RoundKind.APPROVAL, meeting=conf.meeting, nominees=1, printed=0, counting=False)
        short = build_round(ws, RoundKind.NOMINATION, meeting=conf.meeting, printed=5, counts=Counts(30, 25, 25, 2))
        for seed, b in enumerate((conf, appr, nomi)):
            _enter(b, 25, seed)
        _enter(test, 4, 9)
        _enter(short, 5, 10)
        ws.counting.set_aside(conf.round_id, Reason.NOT_ISSUED, "phiếu photo")
        closed = build_round(ws, RoundKind.CONFIDENCE, meeting=conf.meeting, nominees=2, printed=4)
        count_and_close(closed, 3, seal=True)
        rounds = (conf, appr, nomi, test, empty, short, closed)
    seen: dict[str, set[Any]] = {"kind": set(), "stage": set(), "mode": set(), "problem": set(), "outcome": set()}
    for b in rounds:
        payload = _json_of(capsys, ["--db", str(db), "results", str(b.round_id), "--json"])
        errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
        seen["kind"].add(payload["round"]["kind"])
        seen["stage"].add(payload["stage"])
        seen["mode"].add(payload["round"]["mode"])
        seen["problem"] |= {p["code"] for p in payload["problems"]}
        for n in payload["nominees"]:
            seen["outcome"] |= {n[k] for k in ("band", "approval", "selection") if n[k]}
        # The stage is the round's, and it stays out of the check code (the minutes' code never changes).
        assert payload["stage"] == b.refresh().stage.value
    assert seen["kind"] == {k.value for k in RoundKind}
    assert seen["stage"] >= {"preparation", "counting", "sealed"}
    assert seen["mode"] == {"live", "test"}
    assert seen["problem"], "at least one unreconciled round was checked"
    assert len(seen["outcome"]) >= 3
    # A document that breaks the schema is caught (the check can fail).
    bad = _json_of(capsys, ["--db", str(db), "results", str(conf.round_id), "--json"])
    bad["stage"] = "đã xong"
    bad["nominees"][0]["band"] = "low"
    assert len(list(validator.iter_errors(bad))) == 2


def test_serials_lists_every_printed_serial_with_its_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=8)
        _enter(b, 3, 1)
        fresh = ws.register.exchange(b.round_id, b.printed[3].serial)
        ws.register.mark_unused(b.round_id, [b.printed[4].serial])
    # Read-only: even named with --as and no passphrase anywhere, it asks for none.
    monkeypatch.delenv(cli.ENV_PASSPHRASE, raising=False)
    payload = _json_of(capsys, ["--db", str(db), "--as", "Hoàng Thị Lan", "serials", str(b.round_id), "--json"])
    statuses = {item["serial"]: item["status"] for item in payload["serials"]}
    assert all(re.match(DASHED, s) for s in statuses)
    expected = {format_serial(p.serial): "printed" for p in b.printed}
    expected.update({format_serial(p.serial): "counted" for p in b.printed[:3]})
    expected[format_serial(b.printed[3].serial)] = "spoiled"
    expected[format_serial(b.printed[4].serial)] = "unused"
    expected[format_serial(fresh.serial)] = "printed"
    assert statuses == expected
    assert list(statuses) == sorted(statuses)  # serial order, never print order
    assert payload["printed"] == 9
    assert payload["by_status"] == {"printed": 4, "spoiled": 1, "counted": 3, "unused": 1}
    # The text form: the same serials, dashed, with the status in Vietnamese.
    capsys.readouterr()
    assert cli.main(["--db", str(db), "serials", str(b.round_id)]) == 0
    text = capsys.readouterr().out
    assert f"{format_serial(b.printed[3].serial)}  đã đổi (phiếu hỏng)" in text
    assert b.printed[0].serial not in text  # never the undashed form
    # An unknown round: a Vietnamese message, exit 1.
    assert cli.main(["--db", str(db), "serials", "99"]) == 1
    assert "Lỗi" in capsys.readouterr().err
