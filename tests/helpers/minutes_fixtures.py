"""Minutes inputs built by running the real counting rules on generated ballots."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from vote_counter.documents.minutes_data import MinutesData
from vote_counter.domain import canonical, rules
from vote_counter.domain.model import (
    AGREE,
    CHOSEN,
    DISAGREE,
    BallotMarks,
    BoardMember,
    BoardMemberId,
    BoardRole,
    Counts,
    HeaderStyle,
    Meeting,
    MeetingId,
    Mode,
    Nominee,
    NomineeId,
    Reason,
    Round,
    RoundId,
    RoundKind,
    Secrecy,
)

NAMES = (
    "Nguyễn Thị Ánh Tuyết",
    "Trần Đức Ưng",
    "Lê Văn Hùng",
    "Phạm Thị Hồng Nhung",
    "Hoàng Minh Đạt",
    "Vũ Quốc Khánh",
    "Đặng Thùy Dương",
    "Bùi Xuân Trường",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Quốc", "Thùy")
GIVEN = ("Ánh", "Ưng", "Hùng", "Nhung", "Đạt", "Khánh", "Dương", "Trường", "Yến", "Lộc", "Sơn", "Thảo")

BOARD_NAMES = (
    "Đỗ Thị Thu Hà",
    "Ngô Quang Vinh",
    "Lương Thế Hiển",
    "Tạ Thị Thanh Thủy",
    "Quách Văn Toản",
    "Kiều Thị Ngọc Ánh",
    "Phùng Đức Thắng",
)
COUNTED_AT = dt.datetime(2026, 11, 22, 10, 5)
CLOSED_AT = dt.datetime(2026, 11, 22, 11, 40)
AUDIT_HEAD = "9f2c4b1e7a30d5c8" + "0" * 48


@dataclass(frozen=True)
class Built:
    data: MinutesData
    nominees: tuple[Nominee, ...]
    entries: tuple[BallotMarks, ...]


def nominee_names(n: int) -> list[str]:
    if n <= len(NAMES):
        return list(NAMES[:n])
    names = []
    for i in range(n):
        names.append(f"{FAMILY[i % 10]} {MIDDLE[(i // 10) % 6]} {GIVEN[i % 12]} {chr(0x41 + i // 26)}{i % 26}")
    return names


def meeting(style: HeaderStyle, secrecy: Secrecy = Secrecy.MAT) -> Meeting:
    if style is HeaderStyle.PARTY:
        return Meeting(
            id=MeetingId(1),
            title="Hội nghị Ban Chấp hành Đảng bộ Sở Tài chính, nhiệm kỳ 2025–2030",
            organisation="Đảng ủy Sở Tài chính",
            parent_body="Đảng bộ thành phố Hà Nội",
            place="Hội trường tầng 3, Hà Nội",
            date=COUNTED_AT.date(),
            header_style=style,
            secrecy=secrecy,
            document_code="ĐU",
        )
    return Meeting(
        id=MeetingId(1),
        title="Hội nghị cán bộ chủ chốt Sở Tài chính năm 2026",
        organisation="Sở Tài chính",
        parent_body="Ủy ban nhân dân thành phố Hà Nội",
        place="Hội trường tầng 3, Hà Nội",
        date=COUNTED_AT.date(),
        header_style=style,
        secrecy=secrecy,
        document_code="STC",
    )


def board(n: int = 3) -> tuple[BoardMember, ...]:
    return tuple(
        BoardMember(
            id=BoardMemberId(i + 1),
            meeting_id=MeetingId(1),
            full_name=BOARD_NAMES[i],
            role=BoardRole.CHAIR if i == 0 else BoardRole.MEMBER,
            order=i,
        )
        for i in range(n)
    )


def _confidence_ballot(rng: random.Random, ids: Sequence[NomineeId], low_weight: list[float]) -> BallotMarks:
    rows = {}
    for nid, w in zip(ids, low_weight, strict=True):
        level = 2 if rng.random() < w else rng.choice((0, 0, 1))
        rows[nid] = frozenset({level})
    return BallotMarks(rows=rows)


def build(
    kind: RoundKind,
    style: HeaderStyle = HeaderStyle.STATE,
    *,
    nominees: int = 4,
    summoned: int = 60,
    present: int = 55,
    ballots: int = 50,
    mode: Mode = Mode.LIVE,
    secrecy: Secrecy = Secrecy.MAT,
    board_size: int = 3,
    seed: int = 7,
) -> Built:
    """A counted round: `ballots` entered ballots (a few invalid) + 2 set aside (not issued, duplicate)."""
    rng = random.Random(seed)
    round_ = Round(
        id=RoundId(3),
        meeting_id=MeetingId(1),
        title={
            RoundKind.CONFIDENCE: "Lấy phiếu tín nhiệm giữa nhiệm kỳ",
            RoundKind.APPROVAL: "Biểu quyết bổ nhiệm Phó Giám đốc Sở",
            RoundKind.NOMINATION: "Giới thiệu nhân sự bước 3",
        }[kind],
        kind=kind,
        position="" if kind is RoundKind.CONFIDENCE else "Phó Giám đốc Sở Tài chính",
        mode=mode,
        write_ins=kind is RoundKind.NOMINATION,
        counts=Counts(summoned=summoned, present=present, issued=ballots + 1),
        code="123456",
    )
    people = tuple(
        Nominee(id=NomineeId(100 + i), round_id=round_.id, full_name=name, order=i)
        for i, name in enumerate(nominee_names(nominees))
    )
    ids = [n.id for n in people if n.id is not None]
    entries: list[BallotMarks] = []
    if kind is RoundKind.CONFIDENCE:
        # Nominee 0 gets a low-confidence majority, nominee 1 about half, the rest few.
        weights = [0.75, 0.55] + [0.1] * (len(ids) - 2)
        for _ in range(ballots - 3):
            entries.append(_confidence_ballot(rng, ids, weights[: len(ids)]))
        two_marks = dict(entries[0].rows)
        two_marks[ids[-1]] = frozenset({0, 1})
        entries.append(BallotMarks(rows=two_marks))
        entries.append(BallotMarks(rows=entries[1].rows, declared=frozenset({Reason.CROSSED_NAME})))
        entries.append(BallotMarks(rows=entries[2].rows, declared=frozenset({Reason.EXTRA_CONTENT})))
    elif kind is RoundKind.APPROVAL:
        agree_p = [0.8, 0.5, 0.3] + [0.6] * (len(ids) - 3)
        for _ in range(ballots - 2):
            rows = {}
            for nid, p in zip(ids, agree_p, strict=False):
                r = rng.random()
                rows[nid] = frozenset({AGREE}) if r < p else frozenset({DISAGREE}) if r < 0.97 else frozenset()
            entries.append(BallotMarks(rows=rows))
        entries.append(
            BallotMarks(rows={nid: frozenset({AGREE}) for nid in ids}, declared=frozenset({Reason.UNREADABLE}))
        )
        entries.append(
            BallotMarks(rows={nid: frozenset({AGREE}) for nid in ids}, declared=frozenset({Reason.CROSSED_NAME}))
        )
    else:
        for i in range(ballots - 2):
            r = rng.random()
            if i % 17 == 5:
                entries.append(BallotMarks(rows={}, write_ins=("Đinh Công Tráng",)))
                continue
            pick = ids[0] if r < 0.45 else ids[1] if r < 0.75 else ids[2 % len(ids)] if r < 0.95 else None
            entries.append(BallotMarks(rows={pick: frozenset({CHOSEN})} if pick is not None else {}))
        entries.append(BallotMarks(rows={ids[0]: frozenset({CHOSEN}), ids[1]: frozenset({CHOSEN})}))
        entries.append(BallotMarks(rows={}, declared=frozenset({Reason.UNREADABLE})))
    totals = rules.tally(round_, people, entries) + rules.set_aside_totals(
        [frozenset({Reason.NOT_ISSUED}), frozenset({Reason.DUPLICATE})]
    )
    counts = Counts(summoned=summoned, present=present, issued=totals.collected + 1)
    round_ = Round(**{**round_.__dict__, "counts": counts})
    result = rules.decide(round_, people, counts, totals)
    data = MinutesData(
        meeting=meeting(style, secrecy),
        round=round_,
        board=board(board_size),
        result=result,
        check_code=canonical.check_code(result),
        audit_head=AUDIT_HEAD,
        counted_at=COUNTED_AT,
        closed_at=CLOSED_AT,
        document_number="",
    )
    return Built(data=data, nominees=people, entries=tuple(entries))
