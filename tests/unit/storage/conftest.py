"""Shared by the storage tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.builders import build_round, confidence_marks, workspace_at
from vote_counter.domain.model import Mode, RoundKind


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file made by the app, with ballots saved (copied by a test before it edits it with sqlite3)."""
    path = tmp_path_factory.mktemp("guard") / "kp.sqlite3"
    with workspace_at(path) as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6, mode=Mode.TEST, accounts=False)
        for k, ib in enumerate(b.printed[:4]):
            ws.counting.record(b.round_id, ib.payload, confidence_marks(b.ids, [k % 3, 1, 0]))
        assert ws.audit.verify().ok
    return path
