"""Issue 12: every table that can change a result or a right is sealed, and the keys are not in the file.

Each attack edits the database file the way the sqlite3 command line would (python's sqlite3 module on the
file, not the app's API) and asserts that `verify-audit` names the table and row, and that results,
minutes, results files and export refuse with nothing changed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    Built,
    build_round,
    confidence_marks,
    expect_error,
    raw,
    snapshot,
    workspace_at,
)
from tests.helpers.intruder import drop_append_only, put_back_append_only
from vote_counter.cli import main
from vote_counter.domain.model import BoardRole, RoundKind, Stage, TallySheet
from vote_counter.exchange.export import export_package
from vote_counter.services.accounts import Approval, Credential
from vote_counter.services.errors import ErrorCode
from vote_counter.services.workspace import Workspace
from vote_counter.storage import audit, keys, seals


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Built]:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=8)
        for i, ib in enumerate(b.printed[:4]):
            ws.counting.record(b.round_id, ib.payload, confidence_marks(b.ids, [i % 3, 0, 1]))
        ws.counting.enter_tally_sheet(b.round_id, 1, TallySheet(valid=2, invalid={}, rows={b.ids[0]: (1, 1, 0)}))
        assert ws.audit.verify().ok
        yield b


def _sheet_id(path: Path) -> int:
    with raw(path) as conn:
        return int(conn.execute("SELECT max(id) FROM tally_sheets").fetchone()[0])


def _member_id(ws: Workspace, b: Built, role: BoardRole) -> int:
    assert b.meeting.id is not None
    found = [m.id for m in ws.setup.board(b.meeting.id) if m.role is role and m.has_passphrase]
    assert found[0] is not None
    return found[0]


Attack = Callable[[Built], list[tuple[str, int]]]


def add_tally_sheet(b: Built) -> list[tuple[str, int]]:
    data = json.dumps({"valid": 9, "invalid": {}, "rows": {str(b.ids[1]): [9, 0, 0]}, "write_ins": {}})
    with raw(b.ws.path) as conn:
        conn.execute("INSERT INTO tally_sheets (round_id, sheet_no, data) VALUES (?, 2, ?)", (b.round_id, data))
    return [("tally_sheets", _sheet_id(b.ws.path))]


def edit_tally_sheet(b: Built) -> list[tuple[str, int]]:
    sheet = _sheet_id(b.ws.path)
    with raw(b.ws.path) as conn:
        conn.execute("UPDATE tally_sheets SET data = replace(data, '2', '7') WHERE id = ?", (sheet,))
    return [("tally_sheets", sheet)]


def change_counts(b: Built) -> list[tuple[str, int]]:
    with raw(b.ws.path) as conn:
        conn.execute(
            "UPDATE rounds SET summoned = 99, present = 99, issued = 99, collected = 4 WHERE id = ?", (b.round_id,)
        )
    return [("rounds", b.round_id)]


def swap_names(b: Built) -> list[tuple[str, int]]:
    first, second = b.ids[0], b.ids[1]
    with raw(b.ws.path) as conn:
        (a,) = conn.execute("SELECT full_name FROM nominees WHERE id = ?", (first,)).fetchone()
        (c,) = conn.execute("SELECT full_name FROM nominees WHERE id = ?", (second,)).fetchone()
        conn.execute("UPDATE nominees SET full_name = ? WHERE id = ?", (c, first))
        conn.execute("UPDATE nominees SET full_name = ? WHERE id = ?", (a, second))
    return [("nominees", first), ("nominees", second)]


def change_stage(b: Built) -> list[tuple[str, int]]:
    with raw(b.ws.path) as conn:
        conn.execute("UPDATE rounds SET stage = 'sealed' WHERE id = ?", (b.round_id,))
    return [("rounds", b.round_id)]


def copy_hash_onto_chair(b: Built) -> list[tuple[str, int]]:
    chair, member = _member_id(b.ws, b, BoardRole.CHAIR), _member_id(b.ws, b, BoardRole.MEMBER)
    with raw(b.ws.path) as conn:
        conn.execute(
            "UPDATE board_members SET passphrase_hash = (SELECT passphrase_hash FROM board_members WHERE id = ?) "
            "WHERE id = ?",
            (member, chair),
        )
    return [("board_members", chair)]


def delete_nominee(b: Built) -> list[tuple[str, int]]:
    with raw(b.ws.path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM nominees WHERE id = ?", (b.ids[2],))
    return [("nominees", b.ids[2])]


def unprint_a_serial(b: Built) -> list[tuple[str, int]]:
    with raw(b.ws.path) as conn:
        (reg,) = conn.execute("SELECT id FROM ballot_register WHERE status = 'printed' LIMIT 1").fetchone()
        conn.execute("UPDATE ballot_register SET status = 'unused' WHERE id = ?", (reg,))
    return [("ballot_register", reg)]


def rename_meeting(b: Built) -> list[tuple[str, int]]:
    assert b.meeting.id is not None
    with raw(b.ws.path) as conn:
        conn.execute("UPDATE meetings SET organisation = 'Cơ quan khác' WHERE id = ?", (b.meeting.id,))
    return [("meetings", b.meeting.id)]


ATTACKS = [
    add_tally_sheet,
    edit_tally_sheet,
    change_counts,
    swap_names,
    change_stage,
    copy_hash_onto_chair,
    delete_nominee,
    unprint_a_serial,
    rename_meeting,
]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_each_edit_of_the_file_is_named_by_verify(built: Built, attack: Attack) -> None:
    touched = attack(built)
    report = built.ws.audit.verify()
    assert not report.ok and report.first_bad_seq is None
    assert report.bad_rows == tuple(sorted(touched))
    words = seals.describe(report.bad_rows)
    for table, row_id in touched:
        assert f"{seals.SEALED[table].label} số {row_id}" in words


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_results_minutes_files_and_export_refuse_a_doctored_file(built: Built, attack: Attack, tmp_path: Path) -> None:
    ws = built.ws
    touched = attack(built)
    label = seals.SEALED[touched[0][0]].label
    assert built.meeting.id is not None
    for call, args in (
        (ws.reports.write_minutes, (built.round_id, tmp_path / "bb")),
        (ws.reports.write_results, (built.meeting.id, tmp_path / "kq")),
        (ws.reports.write_summary, (built.meeting.id, tmp_path / "kq")),
        (export_package, (ws, built.meeting.id, tmp_path / "usb")),
    ):
        err = expect_error(ws, ErrorCode.AUDIT_BROKEN, call, *args)
        assert f"{label} số {touched[0][1]}" in err.message, err.message
    assert not (tmp_path / "bb").exists() and not (tmp_path / "kq").exists() and not (tmp_path / "usb").exists()


def test_the_commands_name_the_table_and_row(
    built: Built, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(built.ws.path)
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    assert main(["--db", db, "--as", CHAIR_NAME, "results", str(built.round_id)]) == 0
    (sheet,) = add_tally_sheet(built)
    capsys.readouterr()
    before = snapshot(built.ws.path)
    assert main(["--db", db, "--as", CHAIR_NAME, "results", str(built.round_id)]) == 1
    err = capsys.readouterr().err
    assert f"phiếu tổng hợp số {sheet[1]}" in err and "None" not in err
    assert main(["--db", db, "--as", CHAIR_NAME, "verify-audit"]) == 2
    assert f"phiếu tổng hợp số {sheet[1]}" in capsys.readouterr().err
    assert snapshot(built.ws.path) == before


def test_verify_audit_says_when_a_meeting_key_is_shut(
    built: Built, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a new process nobody has opened the meeting key: the rows are not checked, and it says so."""
    keys.forget_all()
    db = str(built.ws.path)
    assert main(["--db", db, "verify-audit"]) == 3
    assert "--as" in capsys.readouterr().err
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[MEMBER_NAME])
    assert main(["--db", db, "--as", MEMBER_NAME, "verify-audit"]) == 0
    keys.forget_all()
    change_stage(built)
    assert main(["--db", db, "--as", MEMBER_NAME, "verify-audit"]) == 2
    keys.forget_all()
    capsys.readouterr()
    assert main(["--db", db, "results", str(built.round_id)]) == 1  # no figures before the rows are checked
    assert "chưa được mở" in capsys.readouterr().err


# ------------------------------------------------------------------ a copied passphrase hash opens nothing


@pytest.mark.parametrize("with_wrap", ["hash only", "hash and wrap", "hash, wrap deleted"])
def test_one_person_cannot_act_as_chair_with_a_copied_hash(built: Built, with_wrap: str) -> None:
    ws = built.ws
    chair, member = _member_id(ws, built, BoardRole.CHAIR), _member_id(ws, built, BoardRole.MEMBER)
    copy_hash_onto_chair(built)
    with raw(ws.path) as conn:
        if with_wrap == "hash and wrap":
            conn.execute(
                "UPDATE key_wraps SET wrap = (SELECT wrap FROM key_wraps WHERE member_id = ?) WHERE member_id = ?",
                (member, chair),
            )
        elif with_wrap == "hash, wrap deleted":
            conn.execute("DELETE FROM key_wraps WHERE member_id = ?", (chair,))
    keys.forget_all()  # a new process: the key is opened by whoever signs in
    mine = PASSPHRASES[MEMBER_NAME]
    ws.access.forget()
    two = Approval(Credential(chair, mine), Credential(member, mine))  # type: ignore[arg-type]
    expect_error(ws, ErrorCode.KEY_REFUSED, ws.stages.change, built.round_id, Stage.CLOSED, auth=two)
    assert ws.setup.round(built.round_id).stage is Stage.COUNTING
    swapped = Approval(Credential(member, mine), Credential(chair, mine))  # type: ignore[arg-type]
    expect_error(ws, ErrorCode.KEY_REFUSED, ws.stages.change, built.round_id, Stage.CLOSED, auth=swapped)


# ------------------------------------------------------------------ the keys are not in the file


def _every_file(folder: Path) -> Iterator[Path]:
    yield from (p for p in folder.rglob("*") if p.is_file())


def test_no_key_is_readable_from_the_file_or_the_folder_beside_it(built: Built, tmp_path: Path) -> None:
    ws = built.ws
    assert built.meeting.id is not None
    signing = ws.reports.signing_key(built.meeting.id)
    secret = signing.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    with raw(ws.path) as conn:
        assert conn.execute("SELECT count(*) FROM meeting_keys WHERE plain IS NOT NULL").fetchone()[0] == 0
        (key_id,) = conn.execute("SELECT key_id FROM meeting_keys WHERE meeting_id = ?", (built.meeting.id,)).fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    meeting_key = keys._RING[key_id]
    files = list(_every_file(ws.path.parent))
    assert any(p.suffix == ".sqlite3" and "backups" in p.parts for p in files)  # backups are searched too
    for path in files:
        data = path.read_bytes()
        assert meeting_key not in data, path
        assert secret not in data, path
        assert b"PRIVATE KEY" not in data, path
        for purpose in ("seal", "chain", "sign"):
            assert keys.derived(meeting_key, purpose) not in data, path


def test_recomputing_digests_with_what_the_file_holds_and_rebuilding_the_chain_is_caught(built: Built) -> None:
    """The intruder edits a ballot, recomputes every digest and MAC with each key-sized value found in the
    file (the round's QR key included), and rebuilds the whole hash chain. verify still fails."""
    ws, path = built.ws, built.ws.path
    with raw(path) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("DROP TRIGGER audit_log_no_delete")
        (ballot,) = conn.execute("SELECT id FROM ballots ORDER BY id LIMIT 1").fetchone()
        forged_marks = json.dumps({"rows": {str(built.ids[0]): [2]}, "write_ins": [], "declared": []})
        conn.execute("UPDATE ballots SET marks = ? WHERE id = ?", (forged_marks, ballot))
        candidates = [bytes(v) for (v,) in conn.execute("SELECT hmac_key FROM rounds")]
        candidates += [bytes(v) for (v,) in conn.execute("SELECT wrap FROM key_wraps")]
        candidates += [bytes(v) for (v,) in conn.execute("SELECT signing FROM meeting_keys WHERE signing IS NOT NULL")]
        candidates += [bytes.fromhex(k) for (k,) in conn.execute("SELECT key_id FROM meeting_keys")]
        row = conn.execute(
            "SELECT round_id, serial, pass_no, marks, valid, reasons, status, set_aside FROM ballots WHERE id = ?",
            (ballot,),
        ).fetchone()
        rows = conn.execute("SELECT seq, at, actor, action, details FROM audit_log ORDER BY seq").fetchall()
        for guess in candidates:
            prev = audit.GENESIS
            conn.execute("DELETE FROM audit_log")
            for seq, at, actor, action, text in rows:
                details = json.loads(text)
                for group in details.get("seal", []):
                    name = f"ballots:{ballot}"
                    if name in group["digests"]:
                        group["digests"][name] = seals.row_digest(guess, "ballots", row)
                    place = [prev, seq, at, actor, action]
                    group["mac"] = seals.group_mac(guess, place, group["meeting"], group["key"], group["digests"])
                body = json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                digest = audit._entry_hash(prev, seq, at, actor, action, body)
                conn.execute(
                    "INSERT INTO audit_log (seq, at, actor, action, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                    (seq, at, actor, action, body, prev, digest),
                )
                prev = digest
            put_back_append_only(conn)  # the triggers as they were, or the file is refused for lacking them
            report = ws.audit.verify()
            drop_append_only(conn)
            assert not report.ok
            assert report.first_bad_seq is not None  # the forged MACs do not verify
            assert ("ballots", ballot) in report.bad_rows or report.first_bad_seq is not None


def test_the_old_ballot_digest_key_no_longer_seals_anything(built: Built) -> None:
    """Before issue 12 a ballot was sealed with the round's QR key, kept in the same file."""
    with raw(built.ws.path) as conn:
        (qr_key,) = conn.execute("SELECT hmac_key FROM rounds WHERE id = ?", (built.round_id,)).fetchone()
        texts = [t for (t,) in conn.execute("SELECT details FROM audit_log")]
    for text in texts:
        for group in json.loads(text).get("seal", []):
            for name, value in group["digests"].items():
                assert value is None or re.fullmatch(r"[0-9a-f]{32}", value)
                assert value != hmac.new(bytes(qr_key), name.encode(), hashlib.sha256).hexdigest()[:32]


def test_every_registered_table_is_checked(built: Built) -> None:
    with built.ws.audit._read() as s:
        report = seals.verify(s)
    assert report.ok
    assert set(report.checked) == set(seals.SEALED)
    with raw(built.ws.path) as conn:
        for table in seals.SEALED:  # every row of every registered table, the empty ones included
            assert report.checked[table] == conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0], table
    core = ("meetings", "board_members", "rounds", "nominees", "ballot_register", "ballots", "tally_sheets")
    assert all(report.checked[t] > 0 for t in core), report.checked


def test_a_new_process_opens_the_key_with_the_passphrase_given(built: Built) -> None:
    """`results` and `verify-audit` only read, but checking the sealed rows needs the meeting key: with --as
    they ask the passphrase (here from KP_PASSPHRASE) in a process that has never seen the key."""
    import os
    import subprocess
    import sys

    db = str(built.ws.path)
    env = {**os.environ, "KP_PASSPHRASE": PASSPHRASES[MEMBER_NAME], "QT_QPA_PLATFORM": "offscreen"}

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "vote_counter", "--db", db, *argv]
        return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, timeout=120)

    assert run("verify-audit").returncode == 3
    assert run("--as", MEMBER_NAME, "verify-audit").returncode == 0
    assert run("--as", MEMBER_NAME, "results", str(built.round_id)).returncode == 0
    locked = run("results", str(built.round_id))
    assert locked.returncode == 1 and "chưa được mở" in locked.stderr
    change_stage(built)
    doctored = run("--as", MEMBER_NAME, "verify-audit")
    assert doctored.returncode == 2 and f"lượt bỏ phiếu số {built.round_id}" in doctored.stderr
