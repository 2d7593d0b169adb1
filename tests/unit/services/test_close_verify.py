"""Closing with a recount measured ahead in the background (issue 15, services/close_verify.py).

A fresh token lets closing skip its own recount, also after entries that change nothing it read (a wrong passphrase,
another round's ballot); any token that does not describe the file as it is now (one more ballot, another round,
marks or totals edited with sqlite3 afterwards, a token altered by hand) makes closing count every ballot again, so
no difference ever gets through; a token whose recount differed blocks with the alarm.
The recount is counted by wrapping recount.check, the function that reads and classifies every ballot.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.builders import (
    Built,
    audit_count,
    build_round,
    expect_error,
    raw,
    valid_marks,
    workspace_at,
)
from vote_counter.domain.model import BoardMemberId, BoardRole, Counts, RoundKind, Stage
from vote_counter.services import recount
from vote_counter.services.accounts import Credential
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace

ALARM = "BÁO ĐỘNG"


@pytest.fixture
def recounts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The round id of every full recount made from now on."""
    calls: list[int] = []
    real = recount.check

    def spy(s, round_, nominees, progress=None):  # type: ignore[no-untyped-def]
        calls.append(round_.id)
        return real(s, round_, nominees, progress)

    monkeypatch.setattr(recount, "check", spy)
    return calls


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with workspace_at(tmp_path / "kp.sqlite3") as opened:
        yield opened


def _counted(ws: Workspace, n: int = 6, *, collected: int | None = None, title_seed: int = 0) -> Built:
    b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=n + 2, counts=Counts(n + 2, n + 2, n + 2, None))
    rng = random.Random(n + title_seed)
    for ib in b.printed[:n]:
        ws.counting.record(b.round_id, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, b.ids))
    c = b.refresh().counts
    ws.setup.set_counts(b.round_id, Counts(c.summoned, c.present, c.issued, collected if collected is not None else n))
    return b


def _save_one_more(b: Built, index: int) -> None:
    b.ws.counting.record(b.round_id, b.printed[index].payload, valid_marks(random.Random(index), b.round.kind, b.ids))


def test_a_fresh_token_lets_closing_skip_its_recount(ws: Workspace, recounts: list[int]) -> None:
    b = _counted(ws)
    token = ws.stages.verify_totals(b.round_id)
    assert token.matches and recounts == [b.round_id]  # the background one
    assert token.seen.ballots == 6
    assert ws.stages.close_blockers(b.round_id, verified=token) == []
    assert ws.stages.change(b.round_id, Stage.CLOSED, verified=token) is Stage.CLOSED
    assert recounts == [b.round_id]  # neither the list nor the close counted again
    assert ws.audit.verify().ok
    assert ws.counting.recount_check(b.round_id).matches


def test_one_more_ballot_after_the_token_makes_closing_count_again(ws: Workspace, recounts: list[int]) -> None:
    b = _counted(ws, collected=7)
    token = ws.stages.verify_totals(b.round_id)
    _save_one_more(b, 6)
    recounts.clear()
    assert ws.stages.close_blockers(b.round_id, verified=token) == []
    assert recounts == [b.round_id]
    assert ws.stages.change(b.round_id, Stage.CLOSED, verified=token) is Stage.CLOSED
    assert recounts == [b.round_id, b.round_id]
    assert ws.counting.totals(b.round_id).collected == 7


def test_entries_that_change_nothing_the_recount_read_keep_the_token(ws: Workspace, recounts: list[int]) -> None:
    """After the background recount: a wrong passphrase typed at the close's prompt (logged) and a ballot of
    another round saved (another station, in a congress) move the audit head but not this round's ballots, totals,
    settings or nominees: closing takes the token and does not count again on the window's thread."""
    b = _counted(ws)
    other = _counted(ws, title_seed=1)
    token = ws.stages.verify_totals(b.round_id)
    entries = audit_count(ws.path)
    chair = next(m for m in ws.setup.board(b.meeting.id or 0) if m.role is BoardRole.CHAIR)
    with pytest.raises(ServiceError):
        ws.accounts.sign_in(Credential(chair.id or BoardMemberId(0), "không phải câu mật khẩu"))
    ws.counting.record(
        other.round_id, other.printed[6].payload, valid_marks(random.Random(9), RoundKind.CONFIDENCE, other.ids)
    )
    assert audit_count(ws.path) == entries + 2
    recounts.clear()
    assert ws.stages.close_blockers(b.round_id, verified=token) == []
    assert ws.stages.change(b.round_id, Stage.CLOSED, verified=token) is Stage.CLOSED
    assert recounts == []
    assert ws.counting.totals(b.round_id).collected == 6
    assert ws.counting.recount_check(b.round_id).matches
    assert ws.audit.verify().ok


def test_a_token_whose_recount_differed_blocks_with_the_alarm(ws: Workspace, recounts: list[int]) -> None:
    b = _counted(ws)
    with raw(ws.path) as conn:
        conn.execute("UPDATE running_totals SET data = replace(data, '\"valid\":6', '\"valid\":5')")
    token = ws.stages.verify_totals(b.round_id)
    assert not token.matches
    recounts.clear()
    lines = ws.stages.close_blockers(b.round_id, verified=token)
    assert len(lines) == 1 and lines[0].startswith(ALARM)
    assert recounts == []  # the file is as the token saw it: its recount decides, with today's words
    entries = audit_count(ws.path)
    err = expect_error(ws, ErrorCode.CANNOT_CLOSE, ws.stages.change, b.round_id, Stage.CLOSED, verified=token)
    assert ALARM in err.message and lines[0] in err.message
    assert ws.setup.round(b.round_id).stage is Stage.COUNTING and audit_count(ws.path) == entries


def test_a_token_of_another_round_is_not_taken(ws: Workspace, recounts: list[int]) -> None:
    first = _counted(ws)
    second = _counted(ws, title_seed=1)
    token = ws.stages.verify_totals(first.round_id)
    recounts.clear()
    assert ws.stages.change(second.round_id, Stage.CLOSED, verified=token) is Stage.CLOSED
    assert recounts == [second.round_id]


def test_a_token_altered_by_hand_is_not_taken(ws: Workspace, recounts: list[int]) -> None:
    """A genuine matching recount pasted into the token of a file whose totals were edited: the tag no longer
    fits, closing counts again and the alarm stands."""
    b = _counted(ws)
    good = ws.stages.verify_totals(b.round_id)
    with raw(ws.path) as conn:
        conn.execute("UPDATE running_totals SET data = replace(data, '\"valid\":6', '\"valid\":5')")
    bad = ws.stages.verify_totals(b.round_id)
    assert good.matches and not bad.matches
    forged = dataclasses.replace(bad, check=good.check)
    assert forged.matches
    recounts.clear()
    err = expect_error(ws, ErrorCode.CANNOT_CLOSE, ws.stages.change, b.round_id, Stage.CLOSED, verified=forged)
    assert ALARM in err.message
    assert recounts == [b.round_id]


@pytest.mark.parametrize(
    "edit",
    [
        # A ballot's marks rewritten, same length: the first and second level swapped on every row (box masks 1, 2).
        "UPDATE ballots SET marks = replace(replace(replace(marks, ':1', ':x'), ':2', ':1'), ':x', ':2') "
        "WHERE id = (SELECT min(id) FROM ballots) AND (marks LIKE '%:1%' OR marks LIKE '%:2%')",
        "UPDATE running_totals SET data = replace(data, '\"valid\":6', '\"valid\":5')",
        "DELETE FROM ballots WHERE id = (SELECT max(id) FROM ballots)",
        "UPDATE ballots SET status = 'void' WHERE id = (SELECT min(id) FROM ballots)",
        # Each field the token's digests read, alone (mutation run 11): a keyed ballot set aside (counted invalid),
        # a ballot moved to a second pass, the stored totals moved to a second pass.
        "UPDATE ballots SET set_aside = 1 WHERE id = (SELECT min(id) FROM ballots)",
        "UPDATE ballots SET pass_no = 2 WHERE id = (SELECT min(id) FROM ballots)",
        "UPDATE running_totals SET pass_no = 2",
    ],
    ids=["marks", "totals", "ballot_deleted", "ballot_voided", "set_aside", "ballot_pass", "totals_pass"],
)
def test_a_file_edited_after_the_token_is_counted_again_and_blocked(
    ws: Workspace, recounts: list[int], edit: str
) -> None:
    """Edits with sqlite3 write no audit entry, so the head alone would not see them: the token's digests do."""
    b = _counted(ws)
    token = ws.stages.verify_totals(b.round_id)
    assert token.matches
    with raw(ws.path) as conn:
        changed = conn.execute(edit).rowcount
    assert changed == 1
    recounts.clear()
    err = expect_error(ws, ErrorCode.CANNOT_CLOSE, ws.stages.change, b.round_id, Stage.CLOSED, verified=token)
    assert ALARM in err.message
    assert recounts == [b.round_id]


def test_the_token_is_read_in_one_snapshot(ws: Workspace, recounts: list[int]) -> None:
    """Another station saves a ballot (its own connection, committed) while the background recount runs, after
    the recount has read the ballots and before it reads the stored totals: the token sees neither the ballot nor
    the totals it changed, so it still matches; closing then notices the new head and counts again."""
    b = _counted(ws, collected=7)
    saved: list[bool] = []

    def other_station(done: int, total: int) -> None:
        if not saved:
            with workspace_at(ws.path) as other:
                _save_one_more(dataclasses.replace(b, ws=other), 6)
            saved.append(True)

    token = ws.stages.verify_totals(b.round_id, progress=other_station)
    assert saved
    with raw(ws.path) as conn:
        assert conn.execute("SELECT count(*) FROM ballots").fetchone()[0] == 7  # committed meanwhile
    assert token.matches, token.check  # ballots and totals from the same moment
    assert token.seen.ballots == 6
    recounts.clear()
    assert ws.stages.change(b.round_id, Stage.CLOSED, verified=token) is Stage.CLOSED
    assert recounts == [b.round_id]
    assert ws.counting.totals(b.round_id).collected == 7


def test_unreadable_marks_written_outside_the_app_are_named_and_nothing_changes(ws: Workspace) -> None:
    """Text the app never writes in a ballot's marks: the recount (in the background or in the close) names the
    row as the audit check would, instead of failing with a parser's error."""
    b = _counted(ws)
    with raw(ws.path) as conn:
        (bad,) = conn.execute("SELECT min(id) FROM ballots").fetchone()
        conn.execute("UPDATE ballots SET marks = '2|x' WHERE id = ?", (bad,))
    with pytest.raises(ServiceError) as info:
        ws.stages.verify_totals(b.round_id)
    assert info.value.code is ErrorCode.AUDIT_BROKEN and f"phiếu đã nhập số {bad}" in info.value.message
    err = expect_error(ws, ErrorCode.AUDIT_BROKEN, ws.stages.change, b.round_id, Stage.CLOSED)
    assert f"phiếu đã nhập số {bad}" in err.message
    assert ws.setup.round(b.round_id).stage is Stage.COUNTING


def _close_after(b: Built, token: object, recounts: list[int]) -> Stage:
    recounts.clear()
    return b.ws.stages.change(b.round_id, Stage.CLOSED, verified=token)  # type: ignore[arg-type]


def test_a_ballot_renumbered_after_the_token_is_counted_again(ws: Workspace, recounts: list[int]) -> None:
    """The ballots' ids are part of what the recount read (it names a ballot by its id): a row given another id
    with sqlite3, its content the same, makes closing count again (the totals still match, so it closes)."""
    b = _counted(ws)
    token = ws.stages.verify_totals(b.round_id)
    with raw(ws.path) as conn:
        assert conn.execute("UPDATE ballots SET id = id + 1000 WHERE id = (SELECT max(id) FROM ballots)").rowcount == 1
    assert _close_after(b, token, recounts) is Stage.CLOSED
    assert recounts == [b.round_id]


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE nominees SET full_name = full_name || ' Văn' WHERE id = (SELECT min(id) FROM nominees)",
        "UPDATE rounds SET title = title || ' (sửa)'",
    ],
    ids=["nominee", "round"],
)
def test_settings_or_nominees_edited_after_the_token_make_closing_count_again(
    ws: Workspace, recounts: list[int], edit: str
) -> None:
    """The round's settings and nominees as the recount read them are part of the token: edited with sqlite3
    after it, closing counts again under what the file now says (a name or a title: the totals still match)."""
    b = _counted(ws)
    token = ws.stages.verify_totals(b.round_id)
    with raw(ws.path) as conn:
        assert conn.execute(edit).rowcount == 1
    assert _close_after(b, token, recounts) is Stage.CLOSED  # the totals do not depend on these texts
    assert recounts == [b.round_id]


def test_something_else_handed_over_as_the_token_is_ignored(ws: Workspace, recounts: list[int]) -> None:
    """Anything that is not a VerifiedTotals (a caller's mistake) is no token: closing counts again and closes."""
    b = _counted(ws)
    for junk in ("a token", 0, object()):
        assert ws.stages.close_blockers(b.round_id, verified=junk) == []  # type: ignore[arg-type]
    assert recounts == [b.round_id] * 3
    assert _close_after(b, "a token", recounts) is Stage.CLOSED
    assert recounts == [b.round_id]
