"""The things a counting board works with, as frozen values.

Pure Python: no Qt, no SQLAlchemy, no I/O. Names follow SPEC §2.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NewType

MeetingId = NewType("MeetingId", int)
RoundId = NewType("RoundId", int)
NomineeId = NewType("NomineeId", int)
BoardMemberId = NewType("BoardMemberId", int)
BallotId = NewType("BallotId", int)


def nfc(text: str) -> str:
    """Every string that enters the system is stored as NFC (SPEC §5, §10)."""
    return unicodedata.normalize("NFC", text).strip()


class RoundKind(StrEnum):
    CONFIDENCE = "confidence"
    APPROVAL = "approval"
    NOMINATION = "nomination"


class LevelPreset(StrEnum):
    QD96 = "qd96"
    LEGACY = "legacy"


# Level labels are data, not code (SPEC §3). The last level is the "low" level.
LEVEL_LABELS: Mapping[LevelPreset, tuple[str, str, str]] = {
    LevelPreset.QD96: ("Tín nhiệm cao", "Tín nhiệm", "Tín nhiệm thấp"),
    LevelPreset.LEGACY: ("Tín nhiệm tốt và khá", "Tín nhiệm trung bình", "Tín nhiệm thấp"),
}
LOW_LEVEL = 2

# Approval rows: option 0 = agree, option 1 = disagree.
AGREE = 0
DISAGREE = 1
# Nomination rows: option 0 = chosen.
CHOSEN = 0


class PercentBase(StrEnum):
    SUMMONED = "summoned"
    PRESENT = "present"
    ISSUED = "issued"
    COLLECTED = "collected"
    VALID = "valid"


class InvalidPolicy(StrEnum):
    WHOLE_BALLOT = "whole_ballot"
    PER_ROW = "per_row"


class HeaderStyle(StrEnum):
    STATE = "state"
    PARTY = "party"


class Secrecy(StrEnum):
    NONE = "none"
    MAT = "mat"
    TOI_MAT = "toi_mat"
    TUYET_MAT = "tuyet_mat"


class Mode(StrEnum):
    TEST = "test"
    LIVE = "live"


class Stage(StrEnum):
    PREPARATION = "preparation"  # Chuẩn bị
    COUNTING = "counting"  # Kiểm phiếu
    CLOSED = "closed"  # Đã kết thúc
    SEALED = "sealed"  # Niêm phong


STAGE_ORDER: tuple[Stage, ...] = (Stage.PREPARATION, Stage.COUNTING, Stage.CLOSED, Stage.SEALED)


class BoardRole(StrEnum):
    CHAIR = "chair"
    MEMBER = "member"


class Reason(StrEnum):
    """Why a ballot is invalid (SPEC §4.8)."""

    NOT_ISSUED = "not_issued"
    DUPLICATE = "duplicate"
    CROSSED_NAME = "crossed_name"
    EXTRA_CONTENT = "extra_content"
    ROW_MARKS = "row_marks"
    TOO_MANY = "too_many"
    UNREADABLE = "unreadable"


# Reasons the board observes on the paper and declares when entering a ballot.
DECLARABLE_REASONS = frozenset({Reason.CROSSED_NAME, Reason.EXTRA_CONTENT, Reason.UNREADABLE})


class SerialStatus(StrEnum):
    PRINTED = "printed"
    SPOILED = "spoiled"
    COUNTED = "counted"
    UNUSED = "unused"


def default_percent_base(kind: RoundKind) -> PercentBase:
    # 262-QĐ/TW khoản 7.3 counts confidence "trên tổng số phiếu thu về";
    # appointment rules count "trên 50% tổng số người được triệu tập".
    return PercentBase.COLLECTED if kind is RoundKind.CONFIDENCE else PercentBase.SUMMONED


def default_invalid_policy(kind: RoundKind) -> InvalidPolicy:
    # 262-QĐ/TW khoản 7.2: one bad row voids a confidence ballot.
    return InvalidPolicy.WHOLE_BALLOT if kind is RoundKind.CONFIDENCE else InvalidPolicy.PER_ROW


def option_count(kind: RoundKind) -> int:
    """How many boxes one nominee row has on the ballot."""
    return {RoundKind.CONFIDENCE: 3, RoundKind.APPROVAL: 2, RoundKind.NOMINATION: 1}[kind]


@dataclass(frozen=True)
class Meeting:
    id: MeetingId | None
    title: str
    organisation: str
    parent_body: str = ""
    place: str = ""
    date: dt.date | None = None
    header_style: HeaderStyle = HeaderStyle.STATE
    secrecy: Secrecy = Secrecy.MAT
    document_code: str = ""  # the agency's abbreviation in "Số: …/BB-…"


@dataclass(frozen=True)
class Counts:
    """The board's physical counts for a round. `collected` is None until counted by hand."""

    summoned: int = 0
    present: int = 0
    issued: int = 0
    collected: int | None = None


@dataclass(frozen=True)
class Round:
    id: RoundId | None
    meeting_id: MeetingId | None
    title: str
    kind: RoundKind
    position: str = ""  # the position voted on (nomination, approval)
    level_preset: LevelPreset = LevelPreset.QD96
    percent_base: PercentBase | None = None  # None → default for the kind
    invalid_policy: InvalidPolicy | None = None  # None → default for the kind
    seats: int = 1
    write_ins: bool = False
    announced: bool = True
    mode: Mode = Mode.LIVE
    stage: Stage = Stage.PREPARATION
    blank_is_disagree: bool = False  # approval: "phiếu trắng tính là không đồng ý"
    double_entry: bool = False
    counts: Counts = field(default_factory=Counts)
    code: str = ""  # 6-digit short id carried in the QR payload
    order: int = 0

    @property
    def base(self) -> PercentBase:
        return self.percent_base or default_percent_base(self.kind)

    @property
    def policy(self) -> InvalidPolicy:
        return self.invalid_policy or default_invalid_policy(self.kind)

    @property
    def options(self) -> int:
        return option_count(self.kind)

    @property
    def level_labels(self) -> tuple[str, str, str]:
        return LEVEL_LABELS[self.level_preset]


@dataclass(frozen=True)
class Nominee:
    id: NomineeId | None
    round_id: RoundId | None
    full_name: str
    birth_year: int | None = None
    current_position: str = ""
    proposed_position: str = ""
    unit: str = ""
    order: int = 0


@dataclass(frozen=True)
class BoardMember:
    id: BoardMemberId | None
    meeting_id: MeetingId | None
    full_name: str
    role: BoardRole = BoardRole.MEMBER
    order: int = 0
    has_passphrase: bool = False  # the member can sign in (the hash itself never leaves storage)


@dataclass(frozen=True)
class BallotMarks:
    """What is on one paper ballot, as the board keys it in.

    `rows` maps each nominee to the set of boxes marked on its row (empty = no mark).
    Confidence boxes are levels 0..2, approval 0 = agree / 1 = disagree, nomination 0 = chosen.
    `write_ins` are names added on the write-in lines (nomination rounds that allow them).
    `declared` are reasons the board sees on the paper (crossed name, extra content, unreadable).
    """

    rows: Mapping[NomineeId, frozenset[int]]
    write_ins: tuple[str, ...] = ()
    declared: frozenset[Reason] = frozenset()


@dataclass(frozen=True)
class Validity:
    valid: bool
    reasons: frozenset[Reason] = frozenset()
    void_rows: frozenset[NomineeId] = frozenset()  # rows not counted on a valid ballot


@dataclass(frozen=True)
class TallySheet:
    """The board's hand-counted totals (SPEC §6, tổng hợp).

    `rows[nominee]` has one count per option (see `option_count`); `write_ins` maps names to votes.
    """

    valid: int
    invalid: Mapping[Reason, int]
    rows: Mapping[NomineeId, tuple[int, ...]]
    write_ins: Mapping[str, int] = field(default_factory=dict)

    @property
    def collected(self) -> int:
        return self.valid + sum(self.invalid.values())
