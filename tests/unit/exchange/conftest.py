"""Workspaces with closed rounds, ready to export; one package written per module for the checks that only read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.builders import build_round, count_and_close, make_meeting, workspace_at
from vote_counter.domain.model import Meeting, RoundKind
from vote_counter.services.workspace import Workspace


def closed_meeting(ws: Workspace, title: str = "Hội nghị cán bộ chủ chốt năm 2026") -> Meeting:
    """A meeting with a closed confidence round and a sealed approval round."""
    meeting = make_meeting(ws, title=title)
    count_and_close(build_round(ws, RoundKind.CONFIDENCE, meeting=meeting, nominees=3, printed=6), 4)
    count_and_close(build_round(ws, RoundKind.APPROVAL, meeting=meeting, nominees=1, printed=4), 3, seal=True)
    return meeting


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with workspace_at(tmp_path / "db" / "kp.sqlite3") as workspace:
        yield workspace
