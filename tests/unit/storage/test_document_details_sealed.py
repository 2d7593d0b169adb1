"""Document details are sealed (revision 0009): the minutes' number, issuer, place, recipients and signers.

A change made with the sqlite3 shell to a saved row is reported by verify-audit; a file of the previous schema
holding details is upgraded with its rows sealed at once when the meeting's key is in the file, or, when the key
is shut behind the board's passphrases, sealed by the next sign-in of that meeting, once (a row changed after
that is reported, and a second sign-in does not seal the change).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.helpers.alembic_scripts import scripts_copy, use_scripts
from tests.helpers.builders import CHAIR_NAME, MEMBER_NAME, PASSPHRASES, make_meeting, workspace_at
from vote_counter.cli import main
from vote_counter.domain.documents import DocumentDetails, Recipient, Signer
from vote_counter.domain.model import MeetingId
from vote_counter.services.accounts import Credential
from vote_counter.storage import audit, deferred_seals, keys, migrations, seals
from vote_counter.storage.engine import make_engine
from vote_counter.storage.migrations import migrate

DATA = Path(__file__).with_name("data")
OLD_ROW = json.dumps(
    {"issuer": "ĐẢNG BỘ XÃ AN PHÚ", "place": "An Phú", "signers": [{"title": "T/M", "name": "Lê A"}]},
    ensure_ascii=False,
)


def details() -> DocumentDetails:
    return DocumentDetails(
        issuer="ĐẢNG BỘ PHƯỜNG 7",
        place="Quận 3",
        symbol="BB/BKP",
        numbers={},
        recipients=(Recipient("Lưu văn phòng", 1),),
        signers=(Signer("T/M BAN KIỂM PHIẾU", "Nguyễn Thị Hoa"),),
    )


def verify(path: Path, capsys: pytest.CaptureFixture[str], *people: str) -> tuple[int, str]:
    args = ["--db", str(path)]
    if people:
        args += ["--as", people[0]]
    capsys.readouterr()
    code = main([*args, "verify-audit"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def hostile_edit(path: Path) -> None:
    """A signer's name changed with the sqlite3 shell (whichever of the two rows' signers the file holds)."""
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT data FROM document_details").fetchall()
        conn.execute("UPDATE document_details SET data = replace(data, 'Lê A', 'Lê B')")
        conn.execute("UPDATE document_details SET data = replace(data, 'Nguyễn Thị Hoa', 'Trần Văn Tư')")
        assert conn.execute("SELECT data FROM document_details").fetchall() != before


def actions(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT action FROM audit_log ORDER BY seq")]


def at_0008(tmp_path: Path, fixture: str) -> Path:
    """A file of schema `fixture` brought to revision 0008 (the last one before document details were sealed),
    holding one row of details in the old shape (meeting_id as its key), written as that schema had it."""
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(DATA / fixture, path)
    folder, head = scripts_copy(tmp_path, up_to="0008")
    with pytest.MonkeyPatch.context() as mp:
        use_scripts(mp, folder, head)
        engine = make_engine(path)
        try:
            assert migrate(engine) == 8
        finally:
            engine.dispose()
    with sqlite3.connect(path) as conn:
        assert [r[1] for r in conn.execute("PRAGMA table_info(document_details)")] == ["meeting_id", "data"]
        conn.execute("INSERT INTO document_details (meeting_id, data) VALUES (1, ?)", (OLD_ROW,))
    keys.forget_all()
    return path


def upgrade_to_head(path: Path) -> list[str]:
    before = actions(path)
    engine = make_engine(path)
    try:
        assert migrate(engine) == migrations.SCHEMA_VERSION
    finally:
        engine.dispose()
    with sqlite3.connect(path) as conn:
        assert [r[1] for r in conn.execute("PRAGMA table_info(document_details)")] == ["id", "meeting_id", "data"]
        assert conn.execute("SELECT id, meeting_id, data FROM document_details").fetchall() == [(1, 1, OLD_ROW)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    return actions(path)[len(before) :]


def test_a_saved_row_changed_with_sqlite3_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kp.sqlite3"
    with workspace_at(path) as ws:
        m = make_meeting(ws)
        assert m.id is not None
        ws.documents.save(MeetingId(m.id), details())
        assert ws.audit.verify().ok
    assert verify(path, capsys)[0] == 0
    hostile_edit(path)
    code, text = verify(path, capsys)
    assert code != 0
    assert "thông tin văn bản số 1" in text
    with workspace_at(path) as ws:
        report = ws.audit.verify()
        assert not report.ok and ("document_details", 1) in report.bad_rows


def test_a_deleted_row_is_reported_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kp.sqlite3"
    with workspace_at(path) as ws:
        m = make_meeting(ws)
        assert m.id is not None
        ws.documents.save(MeetingId(m.id), details())
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM document_details")
    code, text = verify(path, capsys)
    assert code != 0 and "thông tin văn bản số 1" in text


def test_one_row_per_meeting_even_through_sqlite3(tmp_path: Path) -> None:
    path = tmp_path / "kp.sqlite3"
    with workspace_at(path) as ws:
        m = make_meeting(ws)
        assert m.id is not None
        ws.documents.save(MeetingId(m.id), details())
        ws.documents.save(MeetingId(m.id), details())  # saved again: the same row, rewritten
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT id, meeting_id FROM document_details").fetchall() == [(1, m.id)]
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute("INSERT INTO document_details (meeting_id, data) VALUES (?, '{}')", (m.id,))


def test_an_upgrade_seals_the_rows_of_a_meeting_whose_key_is_in_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = at_0008(tmp_path, "legacy_v1.sqlite3")  # schema 1: no accounts, the key is kept in the file
    assert upgrade_to_head(path) == ["seals_established"]
    with sqlite3.connect(path) as conn:
        (text,) = conn.execute("SELECT details FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    entry = json.loads(text)
    assert entry["tables"] == ["document_details"]
    assert [list(g["digests"]) for g in entry["seal"]] == [["document_details:1"]]  # that row only, nothing else
    assert verify(path, capsys)[0] == 0
    hostile_edit(path)
    code, text = verify(path, capsys)
    assert code != 0 and "thông tin văn bản số 1" in text


def test_a_shut_key_defers_the_seal_to_the_next_sign_in_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = at_0008(tmp_path, "legacy_v6.sqlite3")  # schema 6: the board's passphrases shut the key
    assert upgrade_to_head(path) == ["seals_deferred"]
    with sqlite3.connect(path) as conn:
        (text,) = conn.execute("SELECT details FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert json.loads(text) == {"table": "document_details", "meetings": [1]}

    # Before anyone signs in, the row cannot be checked: not reported as tampered with.
    keys.forget_all()
    with workspace_at(path) as ws:
        chair = {b.full_name: b.id for b in ws.setup.board(MeetingId(1))}
        assert chair[CHAIR_NAME] is not None and chair[MEMBER_NAME] is not None
        ws.accounts.sign_in(Credential(chair[CHAIR_NAME], PASSPHRASES[CHAIR_NAME]))  # the key opens: sealed now
        report = ws.audit.verify()
        assert report.ok, report
    keys.forget_all()
    assert actions(path)[-2:] == ["seals_settled", "signed_in"]

    hostile_edit(path)  # after the seal: reported, and another sign-in does not seal the change
    keys.forget_all()
    with workspace_at(path) as ws:
        member = {b.full_name: b.id for b in ws.setup.board(MeetingId(1))}[MEMBER_NAME]
        assert member is not None
        ws.accounts.sign_in(Credential(member, PASSPHRASES[MEMBER_NAME]))
        report = ws.audit.verify()
        assert not report.ok and ("document_details", 1) in report.bad_rows
    keys.forget_all()
    assert actions(path).count("seals_settled") == 1
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    code, text = verify(path, capsys, CHAIR_NAME)
    assert code != 0 and "thông tin văn bản số 1" in text
    keys.forget_all()


def test_a_row_written_before_the_next_sign_in_is_sealed_by_that_write(tmp_path: Path) -> None:
    path = at_0008(tmp_path, "legacy_v6.sqlite3")
    upgrade_to_head(path)
    keys.forget_all()
    with workspace_at(path) as ws:
        board = {b.full_name: b.id for b in ws.setup.board(MeetingId(1))}
        auth = Credential(board[CHAIR_NAME] or 0, PASSPHRASES[CHAIR_NAME])
        ws.documents.save(MeetingId(1), details(), auth=auth)
        ws.accounts.sign_in(auth)
        assert ws.audit.verify().ok
    keys.forget_all()
    with sqlite3.connect(path) as conn:
        assert "Nguyễn Thị Hoa" in conn.execute("SELECT data FROM document_details").fetchone()[0]


def test_the_sign_in_seals_only_the_deferred_table_not_rows_changed_while_the_key_was_shut(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ballot changed with sqlite3 while the key was shut stays reported after the sign-in that settles the
    deferred document details: the settling notes that one table, not every sealed row of the meeting."""
    path = at_0008(tmp_path, "legacy_v6.sqlite3")
    upgrade_to_head(path)
    with sqlite3.connect(path) as conn:
        (ballot_id,) = conn.execute("SELECT id FROM ballots ORDER BY id LIMIT 1").fetchone()
        assert conn.execute("UPDATE ballots SET valid = 1 - valid WHERE id = ?", (ballot_id,)).rowcount == 1
    keys.forget_all()
    with workspace_at(path) as ws:
        chair = {b.full_name: b.id for b in ws.setup.board(MeetingId(1))}[CHAIR_NAME]
        assert chair is not None
        ws.accounts.sign_in(Credential(chair, PASSPHRASES[CHAIR_NAME]))
        report = ws.audit.verify()
        assert report.bad_rows == (("ballots", ballot_id),), report
    keys.forget_all()
    with sqlite3.connect(path) as conn:
        settled = [
            json.loads(d) for (d,) in conn.execute("SELECT details FROM audit_log WHERE action = 'seals_settled'")
        ]
    assert [(d["meeting"], d["tables"]) for d in settled] == [(1, ["document_details"])]
    assert [list(g["digests"]) for g in settled[0]["seal"]] == [["document_details:1"]]  # that row, no ballot
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    code, text = verify(path, capsys, CHAIR_NAME)
    assert code != 0 and f"phiếu đã nhập số {ballot_id}" in text and "thông tin văn bản" not in text
    keys.forget_all()


def test_a_deferral_for_another_meeting_is_not_settled_by_this_meetings_sign_in(tmp_path: Path) -> None:
    """Meeting 1 settled; rows of meeting 2 still deferred. A sign-in to meeting 1 settles nothing more: its
    document details changed with sqlite3 after the first sign-in stay reported."""
    path = at_0008(tmp_path, "legacy_v6.sqlite3")
    upgrade_to_head(path)
    keys.forget_all()
    with workspace_at(path) as ws:
        board = {b.full_name: b.id for b in ws.setup.board(MeetingId(1))}
        auth = Credential(board[CHAIR_NAME] or 0, PASSPHRASES[CHAIR_NAME])
        ws.accounts.sign_in(auth)  # settles meeting 1
        with ws.setup._write() as s:  # what the upgrade writes for a second meeting whose key was shut
            audit.append(s, "Kiểm Phiếu", seals.DEFERRED, {"table": "document_details", "meetings": [2]})
    keys.forget_all()
    hostile_edit(path)
    with workspace_at(path) as ws:
        ws.accounts.sign_in(auth)
        report = ws.audit.verify()
        assert ("document_details", 1) in report.bad_rows, report
    keys.forget_all()
    assert actions(path).count("seals_settled") == 1
    with workspace_at(path) as ws, ws.setup._write() as s:
        assert deferred_seals.unsettled(s) == {("document_details", 2)}
    keys.forget_all()


def test_verify_audit_with_the_key_opened_before_any_sign_in_skips_only_the_deferred_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """verify-audit opens the key with a passphrase but settles nothing: the deferred row is not reported (it
    was never sealed), every other row is checked, a ballot changed with sqlite3 is reported."""
    path = at_0008(tmp_path, "legacy_v6.sqlite3")
    upgrade_to_head(path)
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    code, text = verify(path, capsys, CHAIR_NAME)
    assert code == 0, text
    keys.forget_all()
    with sqlite3.connect(path) as conn:
        (ballot_id,) = conn.execute("SELECT id FROM ballots ORDER BY id LIMIT 1").fetchone()
        assert conn.execute("UPDATE ballots SET valid = 1 - valid WHERE id = ?", (ballot_id,)).rowcount == 1
    code, text = verify(path, capsys, CHAIR_NAME)
    assert code != 0 and f"phiếu đã nhập số {ballot_id}" in text and "thông tin văn bản" not in text
    keys.forget_all()
    assert "seals_settled" not in actions(path)


def test_a_later_meetings_details_are_checked_after_the_rows_of_a_shut_or_deferred_meeting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Meeting 1 (upgraded, key shut, details deferred) comes first in the table; a meeting made afterwards
    without accounts (its key in the file) has its details changed with sqlite3. Skipping meeting 1's row, as
    shut (nobody signed in) or as deferred (its key opened by verify-audit's passphrase), goes on to the next."""
    path = at_0008(tmp_path, "legacy_v6.sqlite3")
    upgrade_to_head(path)
    keys.forget_all()
    with workspace_at(path) as ws:
        second = make_meeting(ws, title="Hội nghị thứ hai")
        assert second.id is not None
        ws.documents.save(second.id, details())
        untouched = ws.audit.verify()
        assert untouched.ok and untouched.locked == (1,), untouched
    keys.forget_all()
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    assert verify(path, capsys, CHAIR_NAME)[0] == 0  # meeting 1's key open: its deferred row skipped, nothing else
    keys.forget_all()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, meeting_id FROM document_details ORDER BY id").fetchall()
        assert rows == [(1, 1), (rows[1][0], second.id)]
        changed = conn.execute(
            "UPDATE document_details SET data = replace(data, 'Nguyễn Thị Hoa', 'Trần Văn Tư') WHERE meeting_id = ?",
            (second.id,),
        )
        assert changed.rowcount == 1
    with workspace_at(path) as ws:
        report = ws.audit.verify()
        assert report.bad_rows == (("document_details", rows[1][0]),) and report.locked == (1,), report
    keys.forget_all()
    code, text = verify(path, capsys, CHAIR_NAME)
    assert code != 0 and f"thông tin văn bản số {rows[1][0]}" in text and text.count("thông tin văn bản") == 1
    keys.forget_all()
    assert "seals_settled" not in actions(path)
