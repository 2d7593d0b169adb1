"""The hash-chained audit log (SPEC §8): chained, append-only, tamper-evident, one entry per action, no marks."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import exc

from tests.helpers.builders import (
    Built,
    audit_count,
    build_round,
    confidence_marks,
    nomination_marks,
    random_marks,
    raw,
    snapshot,
    workspace_at,
)
from tests.helpers.intruder import drop_append_only, put_back_append_only
from vote_counter.domain.model import (
    BallotId,
    BallotMarks,
    BoardMember,
    BoardRole,
    Counts,
    Meeting,
    Nominee,
    Reason,
    Round,
    RoundKind,
    Stage,
    TallySheet,
)
from vote_counter.services.accounts import Approval, Credential
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.storage import audit
from vote_counter.storage.audit import GENESIS


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with workspace_at(tmp_path / "kp.sqlite3") as w:
        yield w


@pytest.fixture
def counting(ws: Workspace) -> Built:
    return build_round(ws, RoundKind.CONFIDENCE, nominees=4, printed=12)


def _drop_triggers(path: Path) -> None:
    drop_append_only(path)


# ------------------------------------------------------------------ the chain


def test_entries_are_chained_from_genesis(counting: Built) -> None:
    ws = counting.ws
    for ib in counting.printed[:3]:
        ws.counting.record(counting.round_id, ib.payload, confidence_marks(counting.ids, [0, 1, 2, 0]))
    with raw(ws.path) as conn:
        rows = conn.execute("SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0][1] == GENESIS
    for before, after in itertools.pairwise(rows):
        assert after[1] == before[2]
    assert len({r[2] for r in rows}) == len(rows)
    report = ws.audit.verify()
    assert report.ok and report.first_bad_seq is None
    assert report.entries == len(rows)
    assert report.head == rows[-1][2] == ws.audit.head()


def test_update_and_delete_are_refused_by_the_file_itself(counting: Built) -> None:
    path = counting.ws.path
    with raw(path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit_log SET details = '{}' WHERE seq = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_log WHERE seq = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_log")
    # Through the app's own engine too.
    with counting.ws.engine.begin() as conn, pytest.raises(exc.IntegrityError):
        conn.exec_driver_sql("UPDATE audit_log SET actor = 'x'")
    assert counting.ws.audit.verify().ok


def test_edited_entry_is_found_by_verify(counting: Built) -> None:
    ws = counting.ws
    ws.counting.record(counting.round_id, counting.printed[0].payload, confidence_marks(counting.ids, [0, 0, 0, 0]))
    n = audit_count(ws.path)
    assert n >= 5
    target = 3
    _drop_triggers(ws.path)
    with raw(ws.path) as conn:
        details = conn.execute("SELECT details FROM audit_log WHERE seq = ?", (target,)).fetchone()[0]
        forged = json.dumps({**json.loads(details), "forged": True}, ensure_ascii=False, separators=(",", ":"))
        conn.execute("UPDATE audit_log SET details = ? WHERE seq = ?", (forged, target))
    put_back_append_only(ws.path)  # the careful intruder leaves the triggers as they were
    report = ws.audit.verify()
    assert not report.ok
    assert report.first_bad_seq == target
    assert report.entries == target - 1


def test_rehashed_entry_still_breaks_the_next_link(counting: Built) -> None:
    """A forger who recomputes the edited entry's own hash is caught at the next entry."""
    ws = counting.ws
    _drop_triggers(ws.path)
    with raw(ws.path) as conn:
        row = conn.execute("SELECT seq, at, actor, action, details, prev_hash FROM audit_log WHERE seq = 2").fetchone()
        seq, at, _actor, action, details, prev = row
        new_hash = audit._entry_hash(prev, seq, at, "Kẻ giả mạo", action, details)
        conn.execute("UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 2", ("Kẻ giả mạo", new_hash))
    put_back_append_only(ws.path)  # the careful intruder leaves the triggers as they were
    report = ws.audit.verify()
    assert not report.ok
    assert report.first_bad_seq == 3


def test_deleted_entry_in_the_middle_is_found(counting: Built) -> None:
    ws = counting.ws
    _drop_triggers(ws.path)
    with raw(ws.path) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq = 2")
    put_back_append_only(ws.path)  # the careful intruder leaves the triggers as they were
    report = ws.audit.verify()
    assert not report.ok
    assert report.first_bad_seq == 3


def test_edited_ballot_row_is_detected(counting: Built) -> None:
    """Each ballot row is sealed by a keyed digest in its audit entry: an edit in the file breaks verify()."""
    ws = counting.ws
    saved = ws.counting.record(
        counting.round_id, counting.printed[0].payload, confidence_marks(counting.ids, [0, 0, 0, 0])
    )
    other = ws.counting.record(
        counting.round_id, counting.printed[1].payload, confidence_marks(counting.ids, [1, 1, 1, 1])
    )
    ws.counting.correct(other.id, confidence_marks(counting.ids, [1, 1, 1, 2]), "Sửa theo phiếu giấy")
    assert ws.audit.verify().ok
    about = [e for e in ws.audit.entries() if e.details.get("ballot") == saved.id]
    assert [e.action for e in about] == ["ballot_saved"]
    assert "rows" not in json.dumps(about[0].details)  # the digest, never the marks
    with raw(ws.path) as conn:
        forged = json.dumps({"rows": {str(counting.ids[0]): [2]}, "write_ins": [], "declared": []})
        conn.execute("UPDATE ballots SET marks = ? WHERE id = ?", (forged, saved.id))
    report = ws.audit.verify()
    assert not report.ok and report.bad_ballots == (saved.id,)


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE ballots SET status = 'void' WHERE id = {id}",
        "UPDATE ballots SET valid = 0, reasons = 'unreadable' WHERE id = {id}",
        "UPDATE ballots SET serial = '000000000000' WHERE id = {id}",
        "DELETE FROM ballots WHERE id = {id}",
        "INSERT INTO ballots (round_id, serial, pass_no, marks, valid, reasons, status, set_aside) "
        "SELECT round_id, serial, 2, marks, valid, reasons, status, set_aside FROM ballots WHERE id = {id}",
    ],
)
def test_every_kind_of_ballot_tampering_is_detected(counting: Built, tamper: str) -> None:
    ws = counting.ws
    saved = ws.counting.record(
        counting.round_id, counting.printed[0].payload, confidence_marks(counting.ids, [0, 1, 2, 0])
    )
    assert ws.audit.verify().ok
    with raw(ws.path) as conn:
        conn.execute(tamper.format(id=saved.id))
    assert not ws.audit.verify().ok


# ------------------------------------------------------------------ one entry per action, same transaction


def _actions(ws: Workspace) -> list[tuple[str, Callable[[], Any]]]:
    """Every state-changing service call, in an order that works, each expected to add one entry."""
    state: dict[str, Any] = {}

    def meeting() -> None:
        state["m"] = ws.setup.create_meeting(
            Meeting(id=None, title="Hội nghị Ban Thường vụ", organisation="Đảng ủy Khối")
        )

    def update_meeting() -> None:
        ws.setup.update_meeting(dataclasses.replace(state["m"], place="Hội trường A"))

    def member() -> None:
        state["bm"] = ws.setup.add_board_member(
            BoardMember(id=None, meeting_id=state["m"].id, full_name="Đỗ Thị Thu Hà")
        )

    def remove_member() -> None:
        ws.setup.remove_board_member(state["bm"].id)

    def chair() -> None:
        state["chair"] = ws.setup.add_board_member(
            BoardMember(id=None, meeting_id=state["m"].id, full_name="Phan Văn Trị", role=BoardRole.CHAIR)
        )

    def second() -> None:
        state["second"] = ws.setup.add_board_member(
            BoardMember(id=None, meeting_id=state["m"].id, full_name="Vũ Thị Sáu")
        )

    def chair_passphrase() -> None:
        ws.accounts.set_passphrase(state["chair"].id, "mật khẩu trưởng ban")

    def second_passphrase() -> None:
        chair = Credential(state["chair"].id, "mật khẩu trưởng ban")
        ws.accounts.set_passphrase(state["second"].id, "mật khẩu thành viên", auth=chair)
        # From here on the meeting has accounts: the chair and the member sign in (SPEC §9).
        ws.access.remember(state["m"].id, Approval(chair, Credential(state["second"].id, "mật khẩu thành viên")))

    def create_round() -> None:
        state["r"] = ws.setup.create_round(
            Round(
                id=None,
                meeting_id=state["m"].id,
                title="Giới thiệu nhân sự",
                kind=RoundKind.NOMINATION,
                counts=Counts(10, 10, 10),
                double_entry=True,
            )
        )

    def update_round() -> None:
        state["r"] = ws.setup.update_round(dataclasses.replace(state["r"], title="Giới thiệu nhân sự (bước 2)"))

    def set_counts() -> None:
        ws.setup.set_counts(state["r"].id, Counts(12, 11, 10))

    def add_nominees() -> None:
        state["n"] = ws.setup.add_nominees(
            state["r"].id,
            [Nominee(id=None, round_id=state["r"].id, full_name=x) for x in ("Lê Văn Hùng", "Trần Đức Ưng", "Võ Ấn")],
        )

    def add_nominee() -> None:
        state["n"].append(ws.setup.add_nominee(Nominee(id=None, round_id=state["r"].id, full_name="Hồ Thị Quỳnh")))

    def update_nominee() -> None:
        ws.setup.update_nominee(dataclasses.replace(state["n"][0], unit="Phòng Tổ chức"))

    def remove_nominee() -> None:
        ws.setup.remove_nominee(state["n"][-1].id)
        state["n"].pop()  # only once it is gone: a failed attempt leaves the list as it was

    def reorder() -> None:
        ws.setup.reorder_nominees(state["r"].id, [n.id for n in reversed(state["n"])])

    def print_batch() -> None:
        state["p"] = ws.register.print_batch(state["r"].id, 8)

    def exchange() -> None:
        state["fresh"] = ws.register.exchange(state["r"].id, state["p"][0].serial)

    def unused() -> None:
        ws.register.mark_unused(state["r"].id, [state["p"][1].serial])

    def open_counting() -> None:
        ws.stages.change(state["r"].id, Stage.COUNTING)

    def record() -> None:
        state["b"] = ws.counting.record(state["r"].id, state["p"][2].payload, nomination_marks([state["n"][0].id]))

    def record_pass2() -> None:
        ws.counting.record(state["r"].id, state["p"][2].payload, nomination_marks([state["n"][1].id]), pass_no=2)

    def set_aside() -> None:
        ws.counting.set_aside(state["r"].id, Reason.NOT_ISSUED, "1234")

    def correct() -> None:
        ws.counting.correct(state["b"].id, nomination_marks([state["n"][1].id]), "gõ nhầm dòng")

    def void() -> None:
        ws.counting.void(state["b"].id, "nhập nhầm phiếu")

    def restore() -> None:
        ws.counting.restore(state["b"].id, "khôi phục")

    def sheet() -> None:
        ws.counting.enter_tally_sheet(
            state["r"].id, 1, TallySheet(valid=2, invalid={}, rows={n.id: (1,) for n in state["n"][:2]})
        )

    def back() -> None:
        ws.stages.change(state["r"].id, Stage.PREPARATION, reason="in bổ sung phiếu")

    return [
        ("meeting_created", meeting),
        ("meeting_updated", update_meeting),
        ("board_member_added", member),
        ("board_member_removed", remove_member),
        ("board_member_added", chair),
        ("board_member_added", second),
        ("passphrase_set", chair_passphrase),
        ("passphrase_set", second_passphrase),
        ("round_created", create_round),
        ("round_updated", update_round),
        ("counts_set", set_counts),
        ("nominees_added", add_nominees),
        ("nominees_added", add_nominee),
        ("nominee_updated", update_nominee),
        ("nominee_removed", remove_nominee),
        ("nominees_reordered", reorder),
        ("ballots_printed", print_batch),
        ("ballot_exchanged", exchange),
        ("ballots_unused", unused),
        ("stage_changed", open_counting),
        ("ballot_saved", record),
        ("ballot_saved", record_pass2),
        ("ballot_set_aside", set_aside),
        ("ballot_corrected", correct),
        ("ballot_voided", void),
        ("ballot_restored", restore),
        ("tally_sheet_saved", sheet),
        ("stage_changed", back),
    ]


def test_every_action_writes_exactly_one_entry(ws: Workspace) -> None:
    for action, call in _actions(ws):
        before = ws.audit.entries()
        call()
        after = ws.audit.entries()
        assert len(after) == len(before) + 1, action
        assert after[:-1] == before, action
        assert after[-1].action == action
    assert ws.audit.verify().ok


def test_entry_and_change_share_one_transaction(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """If writing the entry fails, the change it records is rolled back with it."""
    real_append, real_raw = audit.append, audit.append_raw  # the ORM path, and the ballot save's fast path
    for action, call in _actions(ws):
        before = snapshot(ws.path)

        def failing(*args: Any, **kwargs: Any) -> str:
            real_append(*args, **kwargs)  # the entry is written, then the disk "fails"
            raise OSError("disk full")

        def failing_raw(*args: Any, **kwargs: Any) -> int:
            real_raw(*args, **kwargs)
            raise OSError("disk full")

        monkeypatch.setattr(audit, "append", failing)
        monkeypatch.setattr(audit, "append_raw", failing_raw)
        with pytest.raises(OSError, match="disk full"):
            call()
        assert snapshot(ws.path) == before, action
        monkeypatch.setattr(audit, "append", real_append)
        monkeypatch.setattr(audit, "append_raw", real_raw)
        call()  # and with a working disk the action goes through
    assert ws.audit.verify().ok


def test_failed_action_writes_no_entry_and_changes_nothing(counting: Built) -> None:
    ws = counting.ws
    ws.counting.record(counting.round_id, counting.printed[0].payload, confidence_marks(counting.ids, [0, 1, 2, 1]))
    before = snapshot(ws.path)
    head = ws.audit.head()
    failures: list[Callable[[], object]] = [
        lambda: ws.counting.record(counting.round_id, counting.printed[0].payload, BallotMarks({})),
        lambda: ws.counting.record(counting.round_id, "123", BallotMarks({})),
        lambda: ws.counting.void(BallotId(999), "nhập nhầm"),
        lambda: ws.stages.change(counting.round_id, Stage.SEALED),
        lambda: ws.stages.change(counting.round_id, Stage.CLOSED),
        lambda: ws.setup.set_counts(counting.round_id, Counts(5, 6, 5)),
        lambda: ws.register.print_batch(counting.round_id, 0),
    ]
    for fail in failures:
        with pytest.raises(ServiceError):
            fail()
    assert ws.audit.head() == head
    assert snapshot(ws.path) == before


# ------------------------------------------------------------------ no marks in the log


FORBIDDEN_KEYS = {"rows", "marks", "levels", "level", "write_ins", "boxes", "declared", "counts_by_nominee"}


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)


@pytest.mark.parametrize("kind", list(RoundKind))
def test_details_never_hold_marks(ws: Workspace, kind: RoundKind) -> None:
    rng = random.Random(7)
    extra: dict[str, Any] = {"write_ins": True} if kind is RoundKind.NOMINATION else {}
    b = build_round(ws, kind, nominees=5, printed=30, **extra)
    write_in = "Ông Ngoại Lai Ượng"
    saved = []
    for i, ib in enumerate(b.printed[:25]):
        marks = random_marks(rng, kind, b.ids, odd=0.2)
        if kind is RoundKind.NOMINATION and i % 5 == 0:
            marks = BallotMarks(rows={}, write_ins=(write_in,))
        saved.append(ws.counting.record(b.round_id, ib.payload, marks))
    ws.counting.correct(saved[0].id, random_marks(rng, kind, b.ids), "sửa lại theo phiếu giấy")
    ws.counting.void(saved[1].id, "nhập nhầm")
    ws.counting.set_aside(b.round_id, Reason.DUPLICATE, b.printed[2].serial)
    # "seal" holds keyed HMACs of the rows written (the key is not in the file): they cannot be reversed to marks.
    ballot_keys = {"round", "ballot", "pass", "valid", "reason", "seal"}
    with raw(ws.path) as conn:
        rows = conn.execute("SELECT action, details FROM audit_log ORDER BY seq").fetchall()
    for action, details in rows:
        data = json.loads(details)
        assert not FORBIDDEN_KEYS & set(_keys(data)), (action, details)
        assert write_in not in details
        if action.startswith("ballot_") and action != "ballot_exchanged":
            assert set(data) <= ballot_keys, (action, details)
        for group in data.get("seal", []):
            assert set(group) == {"meeting", "key", "digests", "mac"}, (action, details)
            assert all(v is None or re.fullmatch(r"[0-9a-f]{32}", v) for v in group["digests"].values())
