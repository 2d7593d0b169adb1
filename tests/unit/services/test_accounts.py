"""Board accounts and stage locks (SPEC §9): passphrases, lockout, who may do what in which stage, sealed rounds.

The table test tries every actor × action × stage on a copy of one prepared file per stage: an unauthorised
call never succeeds and leaves the file as it was (a wrong passphrase leaves only its own failure count and
log entry); an authorised call succeeds wherever the stage allows it, logged under the signed-in names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import shutil
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    Accounts,
    Built,
    board_accounts,
    build_round,
    expect_error,
    make_meeting,
    raw,
    snapshot,
    valid_marks,
    workspace_at,
)
from vote_counter.domain.model import (
    BallotId,
    BoardMember,
    BoardMemberId,
    BoardRole,
    Counts,
    MeetingId,
    Mode,
    Nominee,
    Reason,
    RoundId,
    RoundKind,
    Stage,
    TallySheet,
)
from vote_counter.services.accounts import (
    Approval,
    Auth,
    Credential,
    hash_passphrase,
    lockout_seconds,
    passphrase_matches,
)
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.storage import migrations

STAGES = (Stage.PREPARATION, Stage.COUNTING, Stage.CLOSED, Stage.SEALED)
AUTH_CODES = {
    ErrorCode.NOT_SIGNED_IN,
    ErrorCode.WRONG_PASSPHRASE,
    ErrorCode.LOCKED_OUT,
    ErrorCode.NEEDS_CHAIR,
    ErrorCode.NEEDS_SECOND_MEMBER,
}


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with workspace_at(tmp_path / "kp.sqlite3") as w:
        yield w


# ------------------------------------------------------------------ passphrases


def test_hash_format_salted_and_nfc(ws: Workspace) -> None:
    stored = hash_passphrase("mật khẩu")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert hash_passphrase("mật khẩu") != stored  # a fresh salt each time
    assert passphrase_matches(stored, unicodedata.normalize("NFD", "mật khẩu"))  # typed in NFD, stored from NFC
    assert not passphrase_matches(stored, "mat khau")
    assert not passphrase_matches("scrypt$3$8$1$00$00", "mật khẩu")  # a doctored cost is refused, not run


def test_set_change_reset_and_the_log_never_holds_a_passphrase(ws: Workspace) -> None:
    m = make_meeting(ws)
    assert m.id is not None
    chair = ws.setup.add_board_member(BoardMember(None, m.id, CHAIR_NAME, BoardRole.CHAIR))
    member = ws.setup.add_board_member(BoardMember(None, m.id, MEMBER_NAME))
    assert chair.id is not None and member.id is not None
    expect_error(ws, ErrorCode.WEAK_PASSPHRASE, ws.accounts.set_passphrase, chair.id, "ngắn")
    expect_error(ws, ErrorCode.NOT_FOUND, ws.accounts.set_passphrase, BoardMemberId(999), "đủ dài rồi nhé")
    first = ws.accounts.set_passphrase(chair.id, "trưởng ban 2026")  # the first one: the meeting had no accounts
    assert first.has_passphrase and ws.accounts.has_accounts(m.id)
    # From now on a signed-in member sets a colleague's first passphrase.
    expect_error(ws, ErrorCode.NOT_SIGNED_IN, ws.accounts.set_passphrase, member.id, "thành viên 2026")
    ws.accounts.set_passphrase(member.id, "thành viên 2026", auth=Credential(chair.id, "trưởng ban 2026"))
    # Changing needs the current passphrase; a forgotten one is reset by the chair with another member.
    expect_error(ws, ErrorCode.CURRENT_PASSPHRASE, ws.accounts.set_passphrase, member.id, "mật khẩu mới 1")
    ws.accounts.set_passphrase(member.id, "mật khẩu mới 1", "thành viên 2026")
    assert ws.accounts.verify(member.id, "mật khẩu mới 1").full_name == MEMBER_NAME
    two = Approval(Credential(chair.id, "trưởng ban 2026"), Credential(member.id, "mật khẩu mới 1"))
    ws.accounts.set_passphrase(member.id, "mật khẩu mới 2", auth=two)
    expect_error(
        ws,
        ErrorCode.NEEDS_SECOND_MEMBER,
        ws.accounts.set_passphrase,
        member.id,
        "mật khẩu mới 3",
        auth=Credential(chair.id, "trưởng ban 2026"),
    )
    actions = [(e.action, e.actor) for e in ws.audit.entries() if e.action.startswith("passphrase_")]
    assert actions == [
        ("passphrase_set", "Ban kiểm phiếu"),
        ("passphrase_set", CHAIR_NAME),
        ("passphrase_changed", MEMBER_NAME),
        ("passphrase_reset", f"{CHAIR_NAME} + {MEMBER_NAME}"),
    ]
    with raw(ws.path) as conn:
        hashes = [h for (h,) in conn.execute("SELECT passphrase_hash FROM board_members")]
        log = "\n".join(d for (d,) in conn.execute("SELECT details || actor FROM audit_log"))
    for secret in ("trưởng ban 2026", "thành viên 2026", "mật khẩu mới", "scrypt", *hashes):
        assert secret not in log


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def test_lockout_grows_survives_a_restart_and_refuses_the_right_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "kp.sqlite3"
    with workspace_at(path) as ws:
        accounts = board_accounts(ws, make_meeting(ws), sign_in=False)
        chair = accounts.chair
        assert chair.id is not None
        clock = Clock()
        ws.access.clock = clock
        right = PASSPHRASES[CHAIR_NAME]
        for _ in range(2):
            with pytest.raises(ServiceError) as info:
                ws.accounts.verify(chair.id, "sai rồi")
            assert info.value.code is ErrorCode.WRONG_PASSPHRASE and "chờ" not in info.value.message
        assert ws.accounts.verify(chair.id, right).id == chair.id  # a success resets the count
        for _ in range(3):
            with pytest.raises(ServiceError) as info:
                ws.accounts.verify(chair.id, "sai rồi")
        assert "phải chờ 5 giây" in info.value.message  # the third failure starts a 5 s lockout
        err = expect_error(ws, ErrorCode.LOCKED_OUT, ws.accounts.verify, chair.id, right)
        assert "5 giây" in err.message and CHAIR_NAME in err.message
        clock.advance(4)
        assert "1 giây" in expect_error(ws, ErrorCode.LOCKED_OUT, ws.accounts.verify, chair.id, right).message
        clock.advance(1)
        with pytest.raises(ServiceError) as info:  # the 4th failure in a row: 10 s
            ws.accounts.verify(chair.id, "vẫn sai")
        assert "10 giây" in info.value.message
        # Another member may sign in meanwhile.
        assert accounts.member.id is not None
        assert ws.accounts.verify(accounts.member.id, PASSPHRASES[MEMBER_NAME]).full_name == MEMBER_NAME
    with workspace_at(path) as again:  # a restart does not reset it
        again.access.clock = clock
        assert "10 giây" in expect_error(again, ErrorCode.LOCKED_OUT, again.accounts.verify, chair.id, right).message
        clock.advance(10)
        assert again.accounts.verify(chair.id, right).id == chair.id
        failed = [e.details for e in again.audit.entries() if e.action == "sign_in_failed"]
        assert [d["failures"] for d in failed] == [1, 2, 1, 2, 3, 4]
        assert [d["locked_seconds"] for d in failed] == [0, 0, 0, 0, 5, 10]
    assert [lockout_seconds(n) for n in range(1, 8)] == [0, 0, 5, 10, 20, 40, 80]
    assert lockout_seconds(100) == 3600


def test_migration_from_a_version_1_file(tmp_path: Path) -> None:
    """A file written before accounts: step 2 adds the columns, members keep their rows, none can sign in."""
    path = tmp_path / "v1.sqlite3"
    with workspace_at(path) as ws:
        m = make_meeting(ws)
        assert m.id is not None
        ws.setup.add_board_member(BoardMember(None, m.id, CHAIR_NAME, BoardRole.CHAIR))
    conn = sqlite3.connect(path, isolation_level=None)
    for column in ("passphrase_hash", "failed_attempts", "locked_until"):
        conn.execute(f"ALTER TABLE board_members DROP COLUMN {column}")
    conn.execute("DROP TABLE alembic_version")  # as a file from before Alembic: schema step 1
    conn.execute("PRAGMA user_version = 1")
    assert [r[1] for r in conn.execute("PRAGMA table_info(board_members)")] == [
        "id",
        "meeting_id",
        "full_name",
        "role",
        "order",
    ]
    conn.close()
    with workspace_at(path) as ws:
        with raw(path) as c:
            assert c.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION >= 2
            cols = [r[1] for r in c.execute("PRAGMA table_info(board_members)")]
            assert cols[-3:] == ["passphrase_hash", "failed_attempts", "locked_until"]
            assert c.execute("SELECT passphrase_hash, failed_attempts, locked_until FROM board_members").fetchall() == [
                (None, 0, None)
            ]
        (chair,) = ws.setup.board(MeetingId(1))
        assert chair.full_name == CHAIR_NAME and not chair.has_passphrase
        assert chair.id is not None
        ws.accounts.set_passphrase(chair.id, PASSPHRASES[CHAIR_NAME])
        assert ws.accounts.verify(chair.id, PASSPHRASES[CHAIR_NAME]).has_passphrase
        assert ws.audit.verify().ok


# ------------------------------------------------------------------ live and test rounds, meetings without accounts


def test_a_live_round_opens_only_once_the_chair_has_a_passphrase(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=1, printed=3, counting=False, accounts=False)
    err = expect_error(ws, ErrorCode.ACCOUNTS_REQUIRED, ws.stages.change, b.round_id, Stage.COUNTING)
    assert "Chuẩn bị → Ban kiểm phiếu" in err.message
    assert b.meeting.id is not None
    member = ws.setup.add_board_member(BoardMember(None, b.meeting.id, MEMBER_NAME))
    assert member.id is not None
    ws.accounts.set_passphrase(member.id, PASSPHRASES[MEMBER_NAME])  # a member only: still refused
    ws.access.remember(b.meeting.id, Credential(member.id, PASSPHRASES[MEMBER_NAME]))
    expect_error(ws, ErrorCode.ACCOUNTS_REQUIRED, ws.stages.change, b.round_id, Stage.COUNTING)
    accounts = board_accounts(ws, b.meeting)
    assert ws.stages.change(b.round_id, Stage.COUNTING, auth=accounts.credential(accounts.chair)) is Stage.COUNTING
    assert ws.audit.entries()[-1].actor == CHAIR_NAME


def test_a_test_round_without_accounts_works_as_before(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=1, printed=3, mode=Mode.TEST, accounts=False)
    ws.counting.record(b.round_id, b.printed[0].payload, valid_marks(random.Random(1), b.round.kind, b.ids))
    ws.setup.set_counts(b.round_id, Counts(3, 3, 3, collected=1))
    ws.stages.change(b.round_id, Stage.CLOSED)
    assert {e.actor for e in ws.audit.entries()} == {"Ban kiểm phiếu"}


def test_a_live_round_past_preparation_needs_credentials_even_if_the_accounts_are_removed(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.APPROVAL, nominees=1, printed=3)
    import random

    accounts = board_accounts(ws, b.meeting)
    assert accounts.third.id is not None and accounts.chair.id is not None
    # Removing a member who holds a passphrase takes the chair and another member.
    expect_error(
        ws,
        ErrorCode.NEEDS_SECOND_MEMBER,
        ws.setup.remove_board_member,
        accounts.third.id,
        auth=accounts.credential(accounts.chair),
    )
    ws.setup.remove_board_member(accounts.third.id, auth=accounts.two)
    # Someone clears every passphrase in the file: the live round being counted still needs credentials.
    with raw(ws.path) as conn:
        conn.execute("UPDATE board_members SET passphrase_hash = NULL")
    marks = valid_marks(random.Random(1), b.round.kind, b.ids)
    expect_error(ws, ErrorCode.ACCOUNTS_REQUIRED, ws.counting.record, b.round_id, b.printed[0].payload, marks)


# ------------------------------------------------------------------ sealed: read-only everywhere


def test_a_sealed_round_refuses_every_write_but_going_back_with_two_and_a_reason(ws: Workspace) -> None:
    b = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6)
    accounts = board_accounts(ws, b.meeting)
    import random

    saved = ws.counting.record(b.round_id, b.printed[0].payload, valid_marks(random.Random(1), b.round.kind, b.ids))
    ws.setup.set_counts(b.round_id, Counts(6, 6, 6, collected=1))
    ws.stages.change(b.round_id, Stage.CLOSED)
    ws.stages.change(b.round_id, Stage.SEALED)
    assert b.meeting.id is not None
    rid, mid, two = b.round_id, b.meeting.id, accounts.two
    nominee = b.nominees[0]
    marks = valid_marks(random.Random(2), b.round.kind, b.ids)
    sheet = TallySheet(valid=1, invalid={}, rows={nid: (1, 0, 0) for nid in b.ids})
    writes: list[tuple[Callable[..., Any], tuple[Any, ...]]] = [
        (ws.setup.update_meeting, (dataclasses.replace(b.meeting, place="Hội trường B"),)),
        (ws.setup.add_board_member, (BoardMember(None, mid, "Người mới"),)),
        (ws.setup.remove_board_member, (accounts.third.id,)),
        (ws.setup.update_round, (dataclasses.replace(b.refresh(), title="Đổi tên"),)),
        (ws.setup.set_counts, (rid, Counts(6, 6, 6, collected=2))),
        (ws.setup.add_nominee, (Nominee(None, rid, "Người thêm"),)),
        (ws.setup.update_nominee, (dataclasses.replace(nominee, unit="Phòng khác"),)),
        (ws.setup.remove_nominee, (nominee.id,)),
        (ws.setup.reorder_nominees, (rid, list(reversed(b.ids)))),
        (ws.register.print_batch, (rid, 1)),
        (ws.register.exchange, (rid, b.printed[1].serial)),
        (ws.register.mark_unused, (rid, [b.printed[2].serial])),
        (ws.counting.record, (rid, b.printed[3].payload, marks)),
        (ws.counting.set_aside, (rid, Reason.NOT_ISSUED)),
        (ws.counting.correct, (saved.id, marks, "sửa")),
        (ws.counting.void, (saved.id, "hủy")),
        (ws.counting.restore, (saved.id, "khôi phục")),
        (ws.counting.enter_tally_sheet, (rid, 1, sheet)),
    ]
    for call, args in writes:
        err = expect_error(ws, ErrorCode.SEALED, call, *args, auth=two)
        assert "niêm phong" in err.message
    expect_error(ws, ErrorCode.REASON_REQUIRED, ws.stages.change, rid, Stage.CLOSED, "", auth=two)
    expect_error(
        ws,
        ErrorCode.NEEDS_SECOND_MEMBER,
        ws.stages.change,
        rid,
        Stage.CLOSED,
        "sửa biên bản",
        auth=accounts.credential(accounts.chair),
    )
    assert ws.stages.change(rid, Stage.CLOSED, "phát hiện sai sót", auth=two) is Stage.CLOSED
    assert ws.audit.entries()[-1].actor == f"{CHAIR_NAME} + {MEMBER_NAME}"


# ------------------------------------------------------------------ every actor × action × stage


@dataclass(frozen=True)
class Template:
    path: Path
    round_id: RoundId
    accounts: Accounts
    printed: tuple[str, ...]  # payloads
    ballot: BallotId
    nominee: Nominee
    counts: Counts


ACTORS = ("none", "wrong", "member", "chair", "chair+member", "member+member", "chair+chair")


def _auth(actor: str, a: Accounts) -> Auth | None:
    c, m, t = a.credential(a.chair), a.credential(a.member), a.credential(a.third)
    return {
        "none": None,
        "wrong": a.credential(a.chair, "không phải mật khẩu"),
        "member": m,
        "chair": c,
        "chair+member": Approval(c, m),
        "member+member": Approval(m, t),
        "chair+chair": Approval(c, c),
    }[actor]


# Who each action needs (SPEC §9) and the stages it is possible in.
ACTIONS: dict[str, tuple[str, frozenset[Stage]]] = {
    "open counting": ("chair", frozenset({Stage.PREPARATION})),
    "record ballot": ("member", frozenset({Stage.COUNTING})),
    "correct": ("member", frozenset({Stage.COUNTING})),
    "void": ("two", frozenset({Stage.COUNTING})),
    "close": ("two", frozenset({Stage.COUNTING})),
    "seal": ("two", frozenset({Stage.CLOSED})),
    "go back": ("two", frozenset({Stage.COUNTING, Stage.CLOSED, Stage.SEALED})),
    "reprint minutes": ("two", frozenset(STAGES)),
    "edit nominees": ("member", frozenset({Stage.PREPARATION})),
    "set counts": ("member", frozenset({Stage.PREPARATION, Stage.COUNTING})),
    "print ballots": ("member", frozenset({Stage.PREPARATION, Stage.COUNTING})),
}


def _allowed(actor: str, need: str) -> bool:
    if actor in ("none", "wrong"):
        return False
    if need == "member":
        return True
    if need == "chair":
        return actor in ("chair", "chair+member", "chair+chair")
    return actor == "chair+member"


def _refusal(actor: str, need: str) -> ErrorCode:
    if actor == "none":
        return ErrorCode.NOT_SIGNED_IN
    if actor == "wrong":
        return ErrorCode.WRONG_PASSPHRASE
    if actor in ("member", "member+member"):
        return ErrorCode.NEEDS_CHAIR
    return ErrorCode.NEEDS_SECOND_MEMBER


def _actor_name(actor: str, need: str) -> str:
    if need == "two":
        return f"{CHAIR_NAME} + {MEMBER_NAME}"
    if need == "chair" or actor.startswith("chair"):
        return CHAIR_NAME
    return MEMBER_NAME


def _act(name: str, ws: Workspace, t: Template, stage: Stage, auth: Auth | None, out: Path) -> None:
    import random

    rid = t.round_id
    marks = valid_marks(random.Random(5), RoundKind.CONFIDENCE, [n for n in _ids(ws, rid)])
    back = {Stage.COUNTING: Stage.PREPARATION, Stage.CLOSED: Stage.COUNTING, Stage.SEALED: Stage.CLOSED}
    if name == "open counting":
        ws.stages.change(rid, Stage.COUNTING, auth=auth)
    elif name == "record ballot":
        ws.counting.record(rid, t.printed[5] if t.printed else "0" * 49, marks, auth=auth)
    elif name == "correct":
        ws.counting.correct(t.ballot, marks, "gõ nhầm dòng", auth=auth)
    elif name == "void":
        ws.counting.void(t.ballot, "nhập nhầm phiếu", auth=auth)
    elif name == "close":
        ws.stages.change(rid, Stage.CLOSED, auth=auth)
    elif name == "seal":
        ws.stages.change(rid, Stage.SEALED, auth=auth)
    elif name == "go back":
        ws.stages.change(rid, back.get(stage, Stage.PREPARATION), "sửa sai sót", auth=auth)
    elif name == "reprint minutes":
        ws.reports.write_minutes(rid, out, reason="bản in bị kẹt giấy", auth=auth)
    elif name == "edit nominees":
        ws.setup.update_nominee(dataclasses.replace(t.nominee, unit="Phòng Tổ chức"), auth=auth)
    elif name == "set counts":
        ws.setup.set_counts(rid, dataclasses.replace(t.counts, summoned=t.counts.summoned + 1), auth=auth)
    elif name == "print ballots":
        ws.reports.print_ballots(rid, 1, out / "phieu.pdf", auth=auth)
    else:  # pragma: no cover
        raise AssertionError(name)


def _ids(ws: Workspace, rid: RoundId) -> list[Any]:
    return [n.id for n in ws.setup.nominees(rid)]


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[Stage, Template]:
    import random

    out: dict[Stage, Template] = {}
    for stage in STAGES:
        path = tmp_path_factory.mktemp(stage.value) / "kp.sqlite3"
        with workspace_at(path) as ws:
            printed = 0 if stage is Stage.PREPARATION else 8
            b: Built = build_round(
                ws, RoundKind.CONFIDENCE, nominees=3, printed=printed, counting=False, counts=Counts(12, 11, 10)
            )
            accounts = board_accounts(ws, b.meeting)
            ballot = BallotId(0)
            if stage is not Stage.PREPARATION:
                ws.stages.change(b.round_id, Stage.COUNTING)
                rng = random.Random(3)
                for ib in b.printed[:2]:
                    ballot = ws.counting.record(b.round_id, ib.payload, valid_marks(rng, b.round.kind, b.ids)).id
                ws.setup.set_counts(b.round_id, Counts(12, 11, 10, collected=2))
            if stage in (Stage.CLOSED, Stage.SEALED):
                ws.stages.change(b.round_id, Stage.CLOSED)
            if stage is Stage.SEALED:
                ws.stages.change(b.round_id, Stage.SEALED)
            ws.reports.write_minutes(b.round_id, path.parent)  # printed once: the next print is a reprint
            t = Template(
                path,
                b.round_id,
                accounts,
                tuple(ib.payload for ib in b.printed),
                ballot,
                b.nominees[0],
                ws.setup.round(b.round_id).counts,
            )
        out[stage] = t
    return out


def _copy(t: Template, to: Path) -> Path:
    to.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(t.path) + suffix)
        if src.exists():
            shutil.copy(src, Path(str(to / "kp.sqlite3") + suffix))
    return to / "kp.sqlite3"


def _failure_bookkeeping_only(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> None:
    """A wrong passphrase changes only the member's failure count / lockout and adds 'sign_in_failed' entries."""
    for table in before:
        if table in ("board_members", "audit_log"):
            continue
        assert before[table] == after[table], table
    strip = lambda rows: sorted(r[:5] for r in rows)  # noqa: E731 — id, meeting, name, role, order
    assert strip(before["board_members"]) == strip(after["board_members"])
    added = after["audit_log"][len(before["audit_log"]) :]
    assert set(before["audit_log"]) <= set(after["audit_log"])
    new = sorted(set(after["audit_log"]) - set(before["audit_log"]))
    assert len(new) <= 1 and all(row[3] == "sign_in_failed" for row in new), (added, new)


@pytest.mark.parametrize("stage", STAGES, ids=[s.value for s in STAGES])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_actor_action_and_stage(
    templates: dict[Stage, Template], tmp_path: Path, stage: Stage, action: str
) -> None:
    t = templates[stage]
    need, stages = ACTIONS[action]
    succeeded: list[str] = []
    for actor in ACTORS:
        path = _copy(t, tmp_path / actor)
        ws = Workspace.open(path)  # nobody signed in: only the credentials passed count
        try:
            auth = _auth(actor, t.accounts)
            before = snapshot(path)
            head = ws.audit.head()
            expected = _allowed(actor, need) and stage in stages
            try:
                _act(action, ws, t, stage, auth, tmp_path / actor)
            except ServiceError as exc:
                assert not expected, (actor, action, stage, exc.code, exc.message)
                if stage in stages or exc.code in AUTH_CODES:
                    assert exc.code is _refusal(actor, need), (actor, action, stage, exc.code)
                after = snapshot(path)
                if actor == "wrong" and exc.code is ErrorCode.WRONG_PASSPHRASE:
                    _failure_bookkeeping_only(before, after)
                else:
                    assert after == before, (actor, action, stage)
                continue
            if not expected:  # a no-op (already in that stage): nothing may have changed
                assert snapshot(path) == before and ws.audit.head() == head, (actor, action, stage)
                continue
            assert ws.audit.head() != head, (actor, action, stage)
            last = ws.audit.entries()[-1]
            assert last.actor == _actor_name(actor, need), (actor, action, stage, last.actor)
            assert ws.audit.verify().ok
            succeeded.append(actor)
        finally:
            ws.close()
    # Not vacuous: every authorised actor did succeed where the stage allows the action.
    assert succeeded == ([a for a in ACTORS if _allowed(a, need)] if stage in stages else [])


def test_the_table_covers_every_combination() -> None:
    assert len(ACTORS) * len(ACTIONS) * len(STAGES) == 308
    successes = sum(_allowed(a, need) for need, stages in ACTIONS.values() for a in ACTORS for _ in stages)
    assert successes == 48
