"""Who a save on the hall's PostgreSQL is logged under (mutation run 9 of 30 Nov 2026, docs/TESTING.md: the
name and the credentials `record` hands to the PostgreSQL save were not checked by any test). The audit entries
are read back from the database; a refused save leaves no ballot."""

from __future__ import annotations

import random

import pytest

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    build_round,
    valid_marks,
)
from vote_counter.domain.model import Mode, RoundKind
from vote_counter.services.accounts import Credential
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace


def _saved_by(ws: Workspace) -> list[str]:
    return [e.actor for e in ws.audit.entries() if e.action == "ballot_saved"]


def test_a_save_without_accounts_is_logged_under_the_name_given(pg_url: str) -> None:
    ws = Workspace.open(pg_url)
    try:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=5, accounts=False, mode=Mode.TEST)
        rng = random.Random(31)
        names = ["Tổ kiểm phiếu số 1", "Tổ kiểm phiếu số 1", "Tổ kiểm phiếu số 2", "Tổ số 1"]
        for ib, name in zip(b.printed, names, strict=False):
            ws.counting.record(b.round_id, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids), actor=name)
        assert _saved_by(ws) == names
    finally:
        ws.close()


def test_a_save_with_a_members_credentials_is_logged_under_the_member_and_a_wrong_one_saves_nothing(
    pg_url: str,
) -> None:
    ws = Workspace.open(pg_url)
    try:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6)
        assert b.meeting.id is not None
        board = {m.full_name: m.id for m in ws.setup.board(b.meeting.id)}
        member = Credential(board[MEMBER_NAME] or 0, PASSPHRASES[MEMBER_NAME])
        wrong = Credential(board[MEMBER_NAME] or 0, "không phải mật khẩu")
        rng = random.Random(32)
        for i, auth in enumerate((None, None, member, member, None)):
            marks = valid_marks(rng, RoundKind.CONFIDENCE, b.ids)
            ws.counting.record(b.round_id, b.printed[i].payload, marks, auth=auth)
        with pytest.raises(ServiceError) as refused:
            ws.counting.record(
                b.round_id, b.printed[5].payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids), auth=wrong
            )
        assert refused.value.code is ErrorCode.WRONG_PASSPHRASE
        assert _saved_by(ws) == [CHAIR_NAME, CHAIR_NAME, MEMBER_NAME, MEMBER_NAME, CHAIR_NAME]
        assert ws.counting.totals(b.round_id).collected == 5
    finally:
        ws.close()


def test_a_scanned_ballots_details_reach_its_audit_entry_on_the_hall_database(pg_url: str) -> None:
    """What the scanner adds to a save (its source and the page images' hashes, services/scanning.py) is written
    in the same entry as the ballot, with the ballot's own id, on PostgreSQL too (run 9's `record__mutmut_47`:
    the extra was dropped on the way to the PostgreSQL save and no test saw it)."""
    ws = Workspace.open(pg_url)
    try:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=3, accounts=False, mode=Mode.TEST)
        rng = random.Random(33)
        seen: list[int] = []

        def extra(_s: object, ballot_id: int) -> dict[str, object]:
            seen.append(ballot_id)
            return {"source": "scan", "images": ["a1" * 32]}

        ws.counting.record(b.round_id, b.printed[0].payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
        ws.counting.record(
            b.round_id, b.printed[1].payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids), audit_extra=extra
        )
        saved = [e.details for e in ws.audit.entries() if e.action == "ballot_saved"]
        assert len(saved) == 2
        assert "source" not in saved[0] and "images" not in saved[0]
        assert saved[1]["source"] == "scan" and saved[1]["images"] == ["a1" * 32]
        assert seen == [saved[1]["ballot"]]
        assert ws.counting.totals(b.round_id).collected == 2
    finally:
        ws.close()
