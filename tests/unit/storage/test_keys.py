"""The meeting keys (storage/keys.py): in the file only before accounts, wrapped per member after, and a file
from before sealing sealed once by the migration step."""

from __future__ import annotations

import secrets
from pathlib import Path

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    THIRD_NAME,
    build_round,
    confidence_marks,
    make_meeting,
    raw,
    workspace_at,
)
from vote_counter.domain.model import RoundKind
from vote_counter.services.accounts import Credential
from vote_counter.storage import keys


def test_wraps_open_only_with_their_own_key_and_place() -> None:
    key, wrap_key = secrets.token_bytes(32), secrets.token_bytes(32)
    blob = keys.encrypt(wrap_key, key, b"kiem-phieu/wrap/1/2/ab")
    assert keys.decrypt(wrap_key, blob, b"kiem-phieu/wrap/1/2/ab") == key
    assert keys.decrypt(secrets.token_bytes(32), blob, b"kiem-phieu/wrap/1/2/ab") is None  # another passphrase
    assert keys.decrypt(wrap_key, blob, b"kiem-phieu/wrap/1/3/ab") is None  # copied onto another member
    assert keys.decrypt(wrap_key, blob[:-1] + bytes([blob[-1] ^ 1]), b"kiem-phieu/wrap/1/2/ab") is None
    assert len({keys.derived(key, p) for p in ("seal", "chain", "sign")}) == 3


def test_the_key_is_in_the_file_until_the_first_passphrase_then_replaced(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        m = make_meeting(ws)
        with raw(ws.path) as conn:
            (old_id, plain) = conn.execute("SELECT key_id, plain FROM meeting_keys").fetchone()
        assert plain is not None and len(plain) == 32  # no accounts: nobody to wrap it for
        b = build_round(ws, RoundKind.CONFIDENCE, meeting=m, nominees=2, printed=3)
        with raw(ws.path) as conn:
            (new_id, plain) = conn.execute("SELECT key_id, plain FROM meeting_keys").fetchone()
            wraps = conn.execute("SELECT count(*) FROM key_wraps").fetchone()[0]
        assert plain is None and new_id != old_id and wraps == 3
        # every row of the meeting was sealed again with the new key: old seals name the old key id
        assert ws.audit.verify().ok
        ws.counting.record(b.round_id, b.printed[0].payload, confidence_marks(b.ids, [0, 1]))
        assert ws.audit.verify().ok


def test_a_key_written_back_into_the_file_opens_nothing(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=3)
        with raw(ws.path) as conn:
            conn.execute("UPDATE meeting_keys SET plain = ?", (secrets.token_bytes(32),))
        keys.forget_all()
        ws.access.forget()
        report = ws.audit.verify()
        assert report.ok and report.locked == (b.meeting.id,)  # not checked, and it says so
        assert b.meeting.id is not None
        chair = next(x for x in ws.setup.board(b.meeting.id) if x.full_name == CHAIR_NAME)
        assert chair.id is not None
        ws.accounts.sign_in(Credential(chair.id, PASSPHRASES[CHAIR_NAME]))  # opens the real key from its wrap
        assert ws.audit.verify().ok


def test_a_file_from_before_sealing_is_sealed_once_and_its_key_leaves_with_the_last_sign_in(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with workspace_at(path) as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=4)
        for ib in b.printed[:2]:
            ws.counting.record(b.round_id, ib.payload, confidence_marks(b.ids, [0, 2]))
    with raw(path) as conn:  # as the file was before this step: no key tables
        conn.execute("DROP TABLE key_wraps")
        conn.execute("DROP TABLE meeting_keys")
        conn.execute("DROP TABLE alembic_version")  # from before Alembic, at step 2: the seals came with step 3
        conn.execute("PRAGMA user_version = 2")
    keys.forget_all()
    with workspace_at(path) as ws:
        actions = [e.action for e in ws.audit.entries()]
        assert actions.count("seals_established") == 1  # one meeting, sealed once by the step
        with raw(path) as conn:
            assert conn.execute("SELECT count(*) FROM meeting_keys WHERE plain IS NOT NULL").fetchone()[0] == 1
        assert ws.audit.verify().ok
        with raw(path) as conn:
            conn.execute("UPDATE ballots SET valid = 0 WHERE id = (SELECT min(id) FROM ballots)")
        assert not ws.audit.verify().ok
        with raw(path) as conn:
            conn.execute("UPDATE ballots SET valid = 1 WHERE id = (SELECT min(id) FROM ballots)")
        assert b.meeting.id is not None
        board = {x.full_name: x for x in ws.setup.board(b.meeting.id)}
        for name in (CHAIR_NAME, MEMBER_NAME, THIRD_NAME):
            member_id = board[name].id
            assert member_id is not None
            with raw(path) as conn:
                still = conn.execute("SELECT plain IS NOT NULL FROM meeting_keys").fetchone()[0]
            assert still  # until every account holder has a wrap
            ws.accounts.sign_in(Credential(member_id, PASSPHRASES[name]))
        with raw(path) as conn:
            assert conn.execute("SELECT plain FROM meeting_keys").fetchone()[0] is None
            assert conn.execute("SELECT count(*) FROM key_wraps").fetchone()[0] == 3
        ws.counting.record(b.round_id, b.printed[2].payload, confidence_marks(b.ids, [1, 1]))
        assert ws.audit.verify().ok
