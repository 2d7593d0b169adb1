"""Shared by the lean-save tests (tests/pg/test_lean_save.py, tests/pg/test_lean_wire.py)."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import event

from tests.helpers.builders import Built, valid_marks
from vote_counter.domain.model import RoundKind
from vote_counter.services.workspace import Workspace


def save_ballot(ws: Workspace, built: Built, i: int, pass_no: int = 1) -> None:
    """Printed ballot `i` of a confidence round, with marks of its own."""
    marks = valid_marks(random.Random(i), RoundKind.CONFIDENCE, built.ids)
    ws.counting.record(built.round_id, built.printed[i].payload, marks, pass_no)


def session_statements(ws: Workspace) -> list[str]:
    """Every statement the workspace's engine runs from now on (the session path; the lane is not seen here)."""
    seen: list[str] = []

    @event.listens_for(ws.engine, "before_cursor_execute")
    def _count(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    return seen
