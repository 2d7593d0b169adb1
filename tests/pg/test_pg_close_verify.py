"""Closing's background recount on the hall's PostgreSQL (issue 15, services/close_verify.py): the token is read in
one SERIALIZABLE snapshot, so another station's ballot committed while it runs is in neither the ballots nor the
totals it read; the close then sees the new audit head and counts again, and closes on the right figures."""

from __future__ import annotations

import random

import pytest

from tests.helpers.builders import build_round, sign_in_known_boards, valid_marks
from vote_counter.domain.model import Counts, RoundKind, Stage
from vote_counter.services import recount
from vote_counter.services.workspace import Workspace


def test_the_token_is_one_snapshot_and_another_stations_ballot_makes_the_close_count_again(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace.open(pg_url, station="Tổ 1")
    other = Workspace.open(pg_url, station="Tổ 2")
    try:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=8, counts=Counts(8, 8, 8, 7))
        sign_in_known_boards(other)
        rng = random.Random(15)
        for ballot in b.printed[:6]:
            ws.counting.record(b.round_id, ballot.payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
        saved: list[bool] = []

        def other_station(done: int, total: int) -> None:
            if not saved:  # after the recount read the ballots, before it reads the stored totals
                other.counting.record(b.round_id, b.printed[6].payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
                saved.append(True)

        token = ws.stages.verify_totals(b.round_id, progress=other_station)
        assert saved and token.matches, token.check
        assert token.seen.ballots == 6
        calls: list[int] = []
        real = recount.check

        def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(1)
            return real(*args, **kwargs)

        monkeypatch.setattr(recount, "check", spy)
        assert ws.stages.change(b.round_id, Stage.CLOSED, verified=token) is Stage.CLOSED
        assert calls == [1]
        assert ws.counting.totals(b.round_id).collected == 7
    finally:
        other.close()
        ws.close()
