"""A sample meeting with one round of each kind and a few hundred generated ballots.

Used by `vote-counter demo` and by the GUI's "Mở hội nghị mẫu". Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vote_counter.domain.documents import DocumentDetails, Recipient
from vote_counter.domain.model import (
    AGREE,
    CHOSEN,
    DISAGREE,
    BallotMarks,
    BoardMember,
    BoardRole,
    Counts,
    HeaderStyle,
    Meeting,
    MeetingId,
    Nominee,
    NomineeId,
    Reason,
    Round,
    RoundId,
    RoundKind,
    Stage,
)
from vote_counter.services.accounts import Approval, Credential
from vote_counter.services.register import IssuedBallot
from vote_counter.services.workspace import Workspace

if TYPE_CHECKING:
    from vote_counter.documents.ballots import PrintedBallot

CONFIDENCE_NAMES = (
    ("Nguyễn Văn Hùng", "Giám đốc Sở"),
    ("Trần Thị Ánh Tuyết", "Phó Giám đốc Sở"),
    ("Lê Đức Ưng", "Phó Giám đốc Sở"),
    ("Phạm Quốc Việt", "Chánh Văn phòng"),
    ("Hoàng Thị Thu Hương", "Chánh Thanh tra"),
    ("Vũ Minh Đức", "Trưởng phòng Tổ chức cán bộ"),
    ("Đặng Thị Yến", "Trưởng phòng Kế hoạch - Tài chính"),
    ("Bùi Xuân Trường", "Trưởng phòng Hành chính tư pháp"),
)
NOMINATION_NAMES = (
    ("Đỗ Thị Lan", "Phó Chánh Văn phòng"),
    ("Ngô Văn Thắng", "Phó Trưởng phòng Tổ chức cán bộ"),
    ("Dương Thị Ngọc Ánh", "Phó Chánh Thanh tra"),
)


# The sample board's passphrases, printed by `vote-counter demo` and shown by the window: a sample only.
DEMO_BOARD = (
    ("Nguyễn Thị Mai", BoardRole.CHAIR, "mai-truong-ban"),
    ("Trần Văn Bình", BoardRole.MEMBER, "binh-thanh-vien"),
    ("Lê Thị Hồng Nhung", BoardRole.MEMBER, "nhung-thanh-vien"),
)


@dataclass(frozen=True)
class DemoRounds:
    meeting: Meeting
    confidence: Round
    approval: Round
    nomination: Round


def build_demo(
    ws: Workspace,
    seed: int = 2026,
    voters: int = 120,
    out: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoRounds:
    """Set up, print, count and close the sample meeting; with `out`, the printed ballots go there as PDF.
    `progress(done, total)` hears of each step (the set-up, then each ballot counted): the window's bar.

    On a SQLite file it is one transaction (Workspace.one_transaction), every step's audit entry in it: a failure
    half-way leaves the file as it was, not half a meeting. The chair and a member are signed in at `ws`."""
    if ws.shared:  # the hall's PostgreSQL: step by step, each its own transaction (its write lane is per save)
        meeting_id, round_ids, auth = _build(ws, seed, voters, out, progress)
    else:
        with ws.one_transaction() as tx:
            meeting_id, round_ids, auth = _build(tx, seed, voters, out, progress)
    ws.access.remember(meeting_id, auth)
    return DemoRounds(ws.setup.meeting(meeting_id), *(ws.setup.round(r) for r in round_ids))


def _build(
    ws: Workspace, seed: int, voters: int, out: Path | None, progress: Callable[[int, int], None] | None
) -> tuple[MeetingId, tuple[RoundId, RoundId, RoundId], Approval]:
    rng = random.Random(seed)
    total = 1 + 3 * (voters - 2)
    done = [0]

    def step() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], total)

    meeting = ws.setup.create_meeting(
        Meeting(
            id=None,
            title="Hội nghị lấy phiếu tín nhiệm và giới thiệu nhân sự năm 2026",
            organisation="Sở Tư pháp",
            parent_body="UBND tỉnh Ninh Bình",
            place="Ninh Bình",
            date=dt.date(2026, 11, 22),
            header_style=HeaderStyle.STATE,
            document_code="STP",
        )
    )
    assert meeting.id is not None
    members = [ws.setup.add_board_member(BoardMember(None, meeting.id, name, role)) for name, role, _ in DEMO_BOARD]
    credentials: list[Credential] = []
    for member, (_, _, passphrase) in zip(members, DEMO_BOARD, strict=True):
        assert member.id is not None
        ws.accounts.set_passphrase(member.id, passphrase, auth=credentials[0] if credentials else None)
        credentials.append(Credential(member.id, passphrase))
    # The chair and a member sign in: counting, closing and the minutes below need them (SPEC §9).
    auth = Approval(credentials[0], credentials[1])
    ws.access.remember(meeting.id, auth)
    summoned, present = voters + 5, voters
    counts = Counts(summoned=summoned, present=present, issued=present)
    confidence = _round(
        ws, meeting, "Lấy phiếu tín nhiệm lãnh đạo Sở", RoundKind.CONFIDENCE, "", counts, CONFIDENCE_NAMES
    )
    approval = _round(
        ws, meeting, "Biểu quyết bổ nhiệm", RoundKind.APPROVAL, "Phó Giám đốc Sở", counts, CONFIDENCE_NAMES[5:6]
    )
    nomination = _round(
        ws, meeting, "Giới thiệu nhân sự bước 3", RoundKind.NOMINATION, "Chánh Văn phòng Sở", counts, NOMINATION_NAMES
    )
    # The minutes' details (SPEC §7): their numbers, where they are issued, who receives the copies.
    ws.documents.save(
        meeting.id,
        DocumentDetails(
            place="Ninh Bình",
            numbers={
                r.id: str(number) for number, r in enumerate((confidence, approval, nomination), start=15) if r.id
            },
            recipients=(
                Recipient("Ban Tổ chức Tỉnh ủy Ninh Bình", 1),
                Recipient("Sở Nội vụ tỉnh Ninh Bình", 1),
                Recipient("Lưu: VT, Ban kiểm phiếu", 1),
            ),
        ),
    )
    step()
    for r in (confidence, approval, nomination):
        _count(ws, r, present, rng, out, step)
    rounds = tuple(RoundId(r.id) for r in (confidence, approval, nomination) if r.id is not None)
    assert len(rounds) == 3
    return MeetingId(meeting.id), (rounds[0], rounds[1], rounds[2]), auth


def _round(
    ws: Workspace,
    meeting: Meeting,
    title: str,
    kind: RoundKind,
    position: str,
    counts: Counts,
    names: tuple[tuple[str, str], ...],
) -> Round:
    r = ws.setup.create_round(
        Round(None, meeting.id, title, kind, position=position, write_ins=kind is RoundKind.NOMINATION, counts=counts)
    )
    assert r.id is not None
    ws.setup.add_nominees(r.id, [Nominee(None, r.id, n, current_position=p) for n, p in names])
    return r


def _count(
    ws: Workspace, r: Round, present: int, rng: random.Random, out: Path | None, step: Callable[[], None]
) -> None:
    assert r.id is not None
    rid = RoundId(r.id)
    nominees = ws.setup.nominees(rid)
    ids = [NomineeId(n.id) for n in nominees if n.id is not None]
    if out is not None:
        printed: Sequence[IssuedBallot | PrintedBallot] = ws.reports.print_ballots(
            rid, present + 5, out / f"Phieu_luot{rid}.pdf"
        )
    else:
        printed = ws.register.print_batch(rid, present + 5)
    ws.register.exchange(rid, printed[-1].serial)  # one voter spoiled a ballot: đổi phiếu
    ws.stages.change(rid, Stage.COUNTING)
    returned = present - 2  # two voters kept their ballots
    for i, ballot in enumerate(printed[:returned]):
        ws.counting.record(rid, ballot.payload, _marks(r.kind, ids, rng, i))
        step()
    ws.counting.set_aside(rid, Reason.NOT_ISSUED, "")  # a photocopied ballot found in the box
    ws.setup.set_counts(rid, Counts(r.counts.summoned, r.counts.present, r.counts.issued, returned + 1))
    ws.stages.change(rid, Stage.CLOSED)


def _marks(kind: RoundKind, ids: list[NomineeId], rng: random.Random, i: int) -> BallotMarks:
    if i % 37 == 5:
        return BallotMarks({}, declared=frozenset({Reason.EXTRA_CONTENT}))
    if kind is RoundKind.CONFIDENCE:
        rows = {nid: frozenset({rng.choices((0, 1, 2), weights=(6, 3, 1 + 2 * k))[0]}) for k, nid in enumerate(ids)}
        if i % 41 == 7:
            rows[ids[0]] = frozenset({0, 2})  # two marks on a row: invalid under the whole-ballot rule
        return BallotMarks(rows)
    if kind is RoundKind.APPROVAL:
        return BallotMarks({nid: frozenset({AGREE if rng.random() < 0.7 else DISAGREE}) for nid in ids})
    weights = (5, 4, 2)
    choice = rng.choices(range(len(ids)), weights=weights[: len(ids)])[0]
    if i % 53 == 11:
        return BallotMarks({ids[0]: frozenset({CHOSEN}), ids[1]: frozenset({CHOSEN})})  # too many
    if i % 29 == 3:
        return BallotMarks({}, write_ins=("Trịnh Văn Quang",))
    return BallotMarks({ids[choice]: frozenset({CHOSEN})})
