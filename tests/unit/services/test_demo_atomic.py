"""“Tạo cuộc họp mẫu” is one transaction on a SQLite file (services/demo.py, Workspace.one_transaction): a failure
injected half-way (a step that raises, as a full disk or a killed key check would) leaves the file row for row as it
was, no backup made; the same workspace then builds the whole sample, audit chain and seals intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from tests.helpers.builders import build_round, raw, snapshot, workspace_at
from vote_counter.domain.model import RoundKind, Stage
from vote_counter.services import demo
from vote_counter.services.backups import list_backups
from vote_counter.services.counting import CountingService
from vote_counter.services.register import RegisterService
from vote_counter.services.stages import StageService

VOTERS = 12  # ten ballots counted per round: quick, and every step of the real sample


class Injected(RuntimeError):
    pass


def _fail_on_call(monkeypatch: pytest.MonkeyPatch, cls: type, name: str, nth: int) -> list[int]:
    """`cls.name` raises on its `nth` call (after the earlier calls did their work)."""
    real = getattr(cls, name)
    calls = [0]

    def failing(self: object, *args: object, **kwargs: object) -> object:
        calls[0] += 1
        if calls[0] == nth:
            raise Injected(f"{name} #{nth}")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, failing)
    return calls


# (the service method that fails, on which call): the set-up, mid-counting, the second round's close, the last step
HALFWAY = {
    "printing the second round": (RegisterService, "print_batch", 2),
    "the 15th ballot counted": (CountingService, "record", 15),
    "closing the second round": (StageService, "change", 4),
    "closing the last round": (StageService, "change", 6),
}


@pytest.fixture
def other_meeting(tmp_path: Path) -> Path:
    """A file that already holds a meeting with ballots, as the board's laptop may."""
    path = tmp_path / "kp.sqlite3"
    with workspace_at(path) as ws:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=4)
        ws.stages.change(built.round_id, Stage.COUNTING)
    return path


@pytest.mark.parametrize("case", HALFWAY, ids=list(HALFWAY))
def test_a_failure_half_way_leaves_the_file_row_for_row_unchanged(
    other_meeting: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    path = other_meeting
    backups_before = list_backups(path)
    before = snapshot(path)
    with workspace_at(path) as ws:
        cls, name, nth = HALFWAY[case]
        with monkeypatch.context() as m:
            calls = _fail_on_call(m, cls, name, nth)
            with pytest.raises(Injected):
                demo.build_demo(ws, voters=VOTERS)
        assert calls[0] == nth  # it did fail half-way, after the steps before it were done
        assert snapshot(path) == before
        assert list_backups(path) == backups_before  # the stage changes' backups wait for the commit
        assert ws.audit.verify().ok
        # The same workspace builds the whole sample afterwards.
        built = demo.build_demo(ws, voters=VOTERS)
        assert built.meeting.id is not None and built.nomination.stage is Stage.CLOSED
        assert ws.audit.verify().ok
    assert snapshot(path)["meetings"] != before["meetings"]


def test_the_sample_is_one_transaction_with_every_steps_audit_entry_and_its_backups_after(tmp_path: Path) -> None:
    path = tmp_path / "mau.sqlite3"
    with workspace_at(path) as ws:
        statements: list[str] = []
        event.listen(ws.engine, "before_cursor_execute", lambda *a: statements.append(str(a[2]).strip()))
        built = demo.build_demo(ws, voters=VOTERS)
        assert ws.access.signed_in.get(int(built.meeting.id or 0)) is not None  # the chair and a member
        assert ws.audit.verify().ok
    # One write transaction (the reads of the result after it are plain BEGINs); every step a SAVEPOINT in it.
    assert statements.count("BEGIN IMMEDIATE") == 1 and statements[0] == "BEGIN IMMEDIATE"
    assert sum(1 for s in statements if s.startswith("SAVEPOINT")) > 3 * VOTERS
    rounds = (built.confidence, built.approval, built.nomination)
    assert [r.stage for r in rounds] == [Stage.CLOSED] * 3
    with raw(path) as conn:
        actions = [a for (a,) in conn.execute("SELECT action FROM audit_log ORDER BY seq")]
        assert conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM ballots").fetchone()[0] == 3 * (VOTERS - 2 + 1)  # + one set aside
    assert actions.count("stage_changed") == 6 and "meeting_created" in actions[:3]
    # One backup per stage change (SPEC §8), made after the commit: each holds the whole sample.
    names = [b.reason for b in list_backups(path)]
    assert sorted(names) == sorted(f"luot{r.id}-{s}" for r in rounds for s in ("counting", "closed"))
