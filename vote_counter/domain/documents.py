"""What a filed document needs besides the count: its number, who issues it, where, who receives it, who signs.

Pure values (SPEC §7, §8 "recipients configurable"); the meeting definition and the set-up page fill them,
the minutes print them, and `missing` says which are still empty before anything is printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vote_counter.domain.model import Reason

MAX_COPIES = 99


@dataclass(frozen=True)
class Recipient:
    """One line of "Nơi nhận": who, and how many copies ("Cấp trên trực tiếp (02 bản)")."""

    name: str
    copies: int = 1


@dataclass(frozen=True)
class Signer:
    """A signature block: the title in capitals ("TRƯỞNG BAN KIỂM PHIẾU") and the printed name."""

    title: str
    name: str


@dataclass(frozen=True)
class DocumentDetails:
    issuer: str = ""  # cơ quan ban hành, bold in the header (empty: the meeting's organisation)
    place: str = ""  # địa danh of the date line ("Ninh Bình"; empty: the last part of the meeting's place)
    symbol: str = ""  # ký hiệu after the number: "BB-KP" (state) or "BB/ĐU" (party); empty: from document_code
    numbers: Mapping[int, str] = field(default_factory=dict)  # round id → số of its minutes
    recipients: tuple[Recipient, ...] = ()
    signers: tuple[Signer, ...] = ()  # empty: the board signs (the chair, then each member)

    def number(self, round_id: int | None) -> str:
        return self.numbers.get(round_id, "") if round_id is not None else ""


# The one reason an invalid ballot is counted under in the minutes, so that "Trong đó" adds up to X:
# the first that applies in this order (a ballot not issued by the board is that before anything else;
# then what voids the whole paper; then how it was marked). The annex keeps every reason of every ballot.
DECISIVE_ORDER: tuple[Reason, ...] = (
    Reason.NOT_ISSUED,
    Reason.DUPLICATE,
    Reason.UNREADABLE,
    Reason.CROSSED_NAME,
    Reason.EXTRA_CONTENT,
    Reason.TOO_MANY,
    Reason.ROW_MARKS,
)


def decisive_reason(reasons: frozenset[Reason]) -> Reason:
    for reason in DECISIVE_ORDER:
        if reason in reasons:
            return reason
    return Reason.UNREADABLE  # an invalid ballot with no reason recorded: the board could not read it
