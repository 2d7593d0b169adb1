"""Forged seal groups (the mutation run of 30 Nov 2026 on storage/seals.py's `verify`): an intruder who rewrites
the last entry's seal groups with sqlite3 and rehashes it (the chain's hash has no key, so the chain stays whole)
is reported through the rows that entry sealed; the check does not stop on a group that is not an object."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.builders import Built, build_round, raw, workspace_at
from tests.helpers.intruder import put_back_append_only
from vote_counter.cli import main
from vote_counter.domain.model import RoundKind
from vote_counter.exchange import standalone_verify
from vote_counter.storage import seals


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Built]:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        yield build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)


def _forge_last_entry_seal(path: Path, groups: list[object]) -> list[str]:
    """The last entry's seal groups replaced by `groups`, its hash recomputed; returns the rows it sealed."""
    with raw(path) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        seq, at, actor, action, text, prev = conn.execute(
            "SELECT seq, at, actor, action, details, prev_hash FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        details = json.loads(text)
        sealed = [name for g in details["seal"] for name in g["digests"]]
        details["seal"] = groups
        forged = {"seq": seq, "at": at, "actor": actor, "action": action, "details": details}
        body = json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        conn.execute(
            "UPDATE audit_log SET details = ?, hash = ? WHERE seq = ?",
            (body, standalone_verify.audit_entry_hash(prev, forged), seq),
        )
        put_back_append_only(conn)
    return sealed


@pytest.mark.parametrize("junk", ["giả mạo", 7, None, ["meeting", 1]])
def test_seal_groups_replaced_by_text_or_numbers_leave_the_rows_they_sealed_reported(
    built: Built, junk: object, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = built.ws
    before = ws.audit.verify()
    assert before.ok, before
    sealed = _forge_last_entry_seal(ws.path, [junk])
    assert sealed, "the last entry of a built round seals rows"
    report = ws.audit.verify()
    assert report.ok is False and report.first_bad_seq is None  # the chain is whole; the rows give it away
    assert {f"{t}:{i}" for t, i in report.bad_rows} == set(sealed)
    capsys.readouterr()
    assert main(["--db", str(ws.path), "verify-audit"]) != 0
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and "khác với lúc niêm phong" in out.err, out


# ------------------------------------------------------------------ deferral entries of a shape the app never writes

DD = "document_details"


def test_deferral_entries_read_in_log_order_each_settling_only_its_meeting() -> None:
    entries: list[tuple[str, Any]] = [
        (seals.DEFERRED, {"table": DD, "meetings": [1, 2, 3]}),
        (seals.SETTLED, {"meeting": 2, "tables": [DD]}),
        (seals.DEFERRED, {"table": "ballots", "meetings": [2]}),
        (seals.SETTLED, {"meeting": 3, "tables": ["ballots"]}),  # meeting 3 had no deferred ballots: nothing
    ]
    assert seals.unsettled_from(entries) == {(DD, 1), (DD, 3), ("ballots", 2)}
    assert seals.unsettled_from([*entries, (seals.SETTLED, {"meeting": 1, "tables": [DD, "ballots"]})]) == {
        (DD, 3),
        ("ballots", 2),
    }
    assert seals.unsettled_from(list(reversed(entries))) == {(DD, 1), (DD, 2), (DD, 3), ("ballots", 2)}


@pytest.mark.parametrize(
    "odd",
    [
        (seals.DEFERRED, None),
        (seals.DEFERRED, ["table", DD]),
        (seals.DEFERRED, {"table": DD}),
        (seals.DEFERRED, {"meetings": [5]}),
        (seals.DEFERRED, {"table": 7, "meetings": [5]}),
        (seals.DEFERRED, {"table": DD, "meetings": 5}),
        (seals.DEFERRED, {"table": DD, "meetings": "5"}),
        (seals.DEFERRED, {"table": DD, "meetings": [True, "5", 5.0, None]}),
        (seals.SETTLED, "meeting 1"),
        (seals.SETTLED, {"tables": [DD]}),
        (seals.SETTLED, {"meeting": "1", "tables": [DD]}),
        (seals.SETTLED, {"meeting": 1}),
        (seals.SETTLED, {"meeting": 1, "tables": DD}),
        ("note_added", {"table": DD, "meetings": [5]}),
    ],
)
def test_a_deferral_entry_of_another_shape_is_passed_over_and_the_next_ones_still_read(odd: tuple[str, Any]) -> None:
    """Forged or damaged details neither stop the reading nor defer or settle anything."""
    before = (seals.DEFERRED, {"table": DD, "meetings": [1, 4]})
    after = (seals.DEFERRED, {"table": "ballots", "meetings": [2]})
    assert seals.unsettled_from([before, odd, after]) == {(DD, 1), (DD, 4), ("ballots", 2)}
