"""Rounds built to sit on the edges of SPEC §4, from a seeded random.Random.

Each generated round aims one or more nominees at a boundary family (base = 2·low, 3·low = 2·base,
2·agree = base, one vote either side, ties at a selection or carry-forward cut-off) and the counts at the
quorum edge (3·P = 2·S, one either side). The generator only aims: what the round's outcome is, the oracle
says from the ballots alone.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from tests.oracle.oracle import BASES, BOXES, KINDS, Paper, Setup, Sheet

NAMES = (
    "Nguyễn Thị Ánh Tuyết",
    "Trần Văn Đức",
    "Lê Hoàng Ượng",
    "Phạm Quốc Bảo",
    "Hoàng Thị Yến",
    "Đặng Minh Khôi",
    "Võ Thị Ngọc Hân",
)
WRITE_IN_NAMES = ("Bùi Thế Hiển", "Đỗ Thị Thu Hà", "Ngô Quyền")
DECLARABLE = ("crossed_name", "extra_content", "unreadable")

# Boundary families for one count t against a base b: (name, t as a function of b, or None if b does not fit).
FAMILIES = {
    "half": lambda b: b // 2 if b % 2 == 0 else None,  # 2·t = b: exactly 50 %
    "half-1": lambda b: (b - 1) // 2,  # 2·t just under b
    "half+1": lambda b: b // 2 + 1,  # 2·t just over b
    "two-thirds": lambda b: 2 * b // 3 if b % 3 == 0 else None,  # 3·t = 2·b
    "two-thirds-1": lambda b: -(-2 * b // 3) - 1,  # 3·t just under 2·b
    "two-thirds+1": lambda b: -(-2 * b // 3) + (1 if b % 3 == 0 else 0),  # 3·t just over 2·b
    "zero": lambda b: 0,
    "all": lambda b: b,
}


@dataclass(frozen=True)
class Generated:
    setup: Setup
    papers: list[Paper]
    aims: tuple[str, ...]  # the families aimed at, for a failing test's message
    sheets: tuple[Sheet, ...] = ()


def _quorum(rng: random.Random, s: int) -> int:
    """P for a given S, on the quorum edge most of the time."""
    edge = -(-2 * s // 3)  # the least P with 3·P ≥ 2·S
    return max(0, min(s, rng.choice([edge, edge, edge - 1, edge + 1, s, rng.randint(0, s)])))


def _counts(rng: random.Random, base: str, b: int, collected: int) -> tuple[int, int, int]:
    """S, P, I around the base value; mostly reconciled (C ≤ I ≤ P ≤ S), sometimes not."""
    if base == "summoned":
        s = b
        p = _quorum(rng, s)
        i = rng.randint(min(p, collected), max(p, collected))
    elif base == "present":
        p = b
        s = rng.choice([p + p // 2, p + p // 2 + 1, p + p // 2 - 1, p, p + rng.randint(0, 5)])
        s = max(s, 0)
        i = rng.randint(min(p, collected), max(p, collected))
    elif base == "issued":
        i = b
        p = i + rng.randint(0, 3)
        s = rng.choice([p + p // 2, p + p // 2 + 1, p + rng.randint(0, 4)])
    else:
        i = collected + rng.choice([0, 0, 1, 2])
        p = i + rng.randint(0, 2)
        s = rng.choice([p + p // 2, p + p // 2 + 1, p, p + rng.randint(0, 4)])
    if rng.random() < 0.05:  # a board that mistyped a count: the product must still decide and flag it
        s, p, i = rng.randint(-2, 40), rng.randint(-2, 40), rng.randint(-2, 40)
    return s, p, i


def _aim(rng: random.Random, b: int, cap: int) -> tuple[str, int]:
    for _ in range(8):
        name = rng.choice(list(FAMILIES))
        t = FAMILIES[name](b)
        if t is not None and 0 <= t <= cap:
            return name, t
    return "random", rng.randint(0, max(cap, 0))


def generate(rng: random.Random, kind: str | None = None) -> Generated:
    kind = kind or rng.choice(KINDS)
    n = rng.randint(1, 5)
    names = tuple(rng.sample(NAMES, n))
    if n >= 2 and rng.random() < 0.1:  # two people with the same name (it happens): counted apart all the same
        names = (names[0], names[0], *names[2:])
    base = rng.choice([None, None, *BASES])
    policy = rng.choice([None, None, "whole_ballot", "per_row"])
    seats = rng.choice([1, 1, 1, 2, 3]) if kind == "nomination" else 1
    write_ins = kind == "nomination" and rng.random() < 0.4
    blank_is_disagree = kind == "approval" and rng.random() < 0.4
    valid = rng.randint(0, 30)
    invalid = rng.choice([0, 0, 1, 2, rng.randint(0, 6)])
    collected = valid + invalid
    base_name = base or ("collected" if kind == "confidence" else "summoned")
    if base_name == "collected":
        b = collected
    elif base_name == "valid":
        b = valid
    else:
        b = max(0, collected + rng.choice([0, 0, 1, 2, 3, rng.randint(0, 15), -1]))
    s, p, i = _counts(rng, base_name, b, collected)
    physical = rng.choice([None, None, collected, collected, collected + 1, max(collected - 1, 0)])
    setup = Setup(kind, names, s, p, i, base, policy, seats, write_ins, blank_is_disagree, physical)
    b = {"summoned": s, "present": p, "issued": i, "collected": collected, "valid": valid}[base_name]
    if kind == "confidence":
        papers, aims = _confidence(rng, setup, b, valid)
    elif kind == "approval":
        papers, aims = _approval(rng, setup, b, valid)
    else:
        papers, aims = _nomination(rng, setup, b, valid)
    papers += [_spoilt(rng, setup) for _ in range(invalid)]
    rng.shuffle(papers)
    sheets = tuple(_sheet(rng, setup) for _ in range(rng.choice([0, 0, 0, 0, 1, 2])))
    if sheets and rng.random() < 0.25:
        papers = []  # counted from the tally sheets alone
    return Generated(setup, papers, aims, sheets)


def _sheet(rng: random.Random, setup: Setup) -> Sheet:
    """A tally sheet, usually consistent, sometimes over the valid count or the seats (a slip of the pen)."""
    valid = rng.randint(0, 12)
    boxes = BOXES[setup.kind]
    rows: dict[int, tuple[int, ...]] = {}
    for k in range(len(setup.names)):
        if rng.random() < 0.1:
            continue  # a nominee added after the sheet was typed
        if setup.kind == "nomination":
            rows[k] = (rng.randint(0, valid + (2 if rng.random() < 0.2 else 0)),)
        else:
            split = sorted(rng.randint(0, valid) for _ in range(boxes - 1))
            counts = [b - a for a, b in zip([0, *split], [*split, valid], strict=True)]
            if rng.random() < 0.15:
                counts[rng.randrange(boxes)] += rng.randint(1, 3)  # adds up to more than the valid ballots
            elif rng.random() < 0.3:
                counts[rng.randrange(boxes)] = 0
            rows[k] = tuple(counts)
    write_ins = {rng.choice(WRITE_IN_NAMES): rng.randint(0, 4)} if setup.write_ins and rng.random() < 0.5 else {}
    invalid = {r: rng.randint(0, 2) for r in rng.sample(("too_many", "crossed_name", "row_marks"), rng.randint(0, 2))}
    return Sheet(valid, invalid, rows, write_ins)


def _confidence(rng: random.Random, setup: Setup, b: int, valid: int) -> tuple[list[Paper], tuple[str, ...]]:
    n = len(setup.names)
    per_row = setup.policy_name == "per_row"
    rows: list[list[frozenset[int]]] = [[frozenset({rng.choice((0, 1))}) for _ in range(n)] for _ in range(valid)]
    aims = []
    for k in range(n):
        dropped = rng.randint(0, min(3, valid)) if per_row and rng.random() < 0.5 else 0
        family, low = _aim(rng, b, valid - dropped)
        aims.append(family)
        chosen = rng.sample(range(valid), low + dropped)
        for j in chosen[:low]:
            rows[j][k] = frozenset({2})
        for j in chosen[low:]:
            rows[j][k] = rng.choice([frozenset(), frozenset({0, 1}), frozenset({1, 2}), frozenset({0, 1, 2})])
    return [Paper(tuple(r)) for r in rows], tuple(aims)


def _approval(rng: random.Random, setup: Setup, b: int, valid: int) -> tuple[list[Paper], tuple[str, ...]]:
    n = len(setup.names)
    whole = setup.policy_name == "whole_ballot"
    blanks = rng.randint(0, min(2, valid)) if setup.blank_is_disagree else 0
    marked = valid - blanks
    rows: list[list[frozenset[int]]] = [[frozenset({1})] * n for _ in range(marked)]
    aims = []
    for k in range(n):
        family, agree = _aim(rng, b, marked)
        aims.append(family)
        for j in rng.sample(range(marked), agree):
            rows[j][k] = frozenset({0})
        for j in range(marked):
            # A row with no box or (per-row policy) both boxes is no agreement: swap some disagreements for it.
            if rows[j][k] == frozenset({1}) and rng.random() < 0.15:
                rows[j][k] = rng.choice([frozenset(), frozenset()] if whole else [frozenset(), frozenset({0, 1})])
    papers = [Paper(tuple(r)) for r in rows]
    papers += [Paper((frozenset(),) * n) for _ in range(blanks)]
    return papers, tuple(aims)


def _nomination(rng: random.Random, setup: Setup, b: int, valid: int) -> tuple[list[Paper], tuple[str, ...]]:
    n = len(setup.names)
    extra = rng.sample(WRITE_IN_NAMES, rng.randint(0, 2)) if setup.write_ins else []
    people = n + len(extra)
    cap = valid
    aims: list[str] = []
    shape = rng.choice(["boundary", "tie-top", "tie-forward", "random"])
    if shape == "boundary":
        votes = []
        for _ in range(people):
            family, v = _aim(rng, b, cap)
            aims.append(family)
            votes.append(v)
    elif shape in {"tie-top", "tie-forward"}:
        # Equal votes at the cut-off: the seats' place, or the place of the last to go forward.
        places = setup.seats if shape == "tie-top" else 2 * setup.seats
        level = rng.choice([b // 2 + 1, b // 2, rng.randint(0, max(cap, 0))])
        votes = [rng.randint(0, max(cap, 0)) for _ in range(people)]
        for k in rng.sample(range(people), min(people, places + 1)):
            votes[k] = level
        aims.append(shape)
    else:
        votes = [rng.randint(0, max(cap, 0)) for _ in range(people)]
        aims.append("random")
    votes = [max(0, min(v, cap)) for v in votes]
    # Keep at most seats choices per ballot: trim the largest until the votes fit on `valid` ballots.
    while sum(votes) > setup.seats * valid:
        k = max(range(people), key=lambda x: votes[x])
        votes[k] -= 1
    ballots: list[list[int]] = [[] for _ in range(valid)]
    slot = 0  # wrap-around filling: nobody is chosen twice on one ballot since each has ≤ valid votes
    for k, v in enumerate(votes):
        for _ in range(v):
            ballots[slot % valid].append(k)
            slot += 1
    papers = []
    for chosen in ballots:
        rows = tuple(frozenset({0}) if k in chosen else frozenset() for k in range(n))
        # Some write-ins typed decomposed (NFD, as from an old spreadsheet): the same person all the same.
        names = tuple(
            extra[k - n] if rng.random() < 0.7 else unicodedata.normalize("NFD", extra[k - n]) for k in chosen if k >= n
        )
        papers.append(Paper(rows, names))
    return papers, tuple(aims)


def _spoilt(rng: random.Random, setup: Setup) -> Paper:
    """An invalid ballot: a reason the board declares, or marks the rules refuse."""
    n = len(setup.names)
    declared = frozenset(rng.sample(DECLARABLE, rng.randint(1, 2)))
    if setup.kind == "confidence" and setup.policy_name == "whole_ballot" and rng.random() < 0.6:
        rows = [frozenset({rng.randint(0, 2)}) for _ in range(n)]
        rows[rng.randrange(n)] = rng.choice([frozenset(), frozenset({0, 2}), frozenset({0, 1, 2})])
        return Paper(tuple(rows), declared=frozenset() if rng.random() < 0.7 else declared)
    if setup.kind == "approval" and setup.policy_name == "whole_ballot" and rng.random() < 0.6:
        rows = [frozenset({rng.randint(0, 1)}) for _ in range(n)]
        rows[rng.randrange(n)] = frozenset({0, 1})
        return Paper(tuple(rows))
    if setup.kind == "nomination" and rng.random() < 0.6:
        take = min(n, setup.seats + 1)
        chosen = set(rng.sample(range(n), take))
        # Too few names to go over the seats: the rest are written in (extra content too, without write-in lines).
        more = () if take > setup.seats else tuple(WRITE_IN_NAMES[: setup.seats + 1 - take])
        return Paper(tuple(frozenset({0}) if k in chosen else frozenset() for k in range(n)), more)
    boxes = {"confidence": 3, "approval": 2, "nomination": 1}[setup.kind]
    rows = tuple(frozenset({rng.randrange(boxes)}) for _ in range(n))
    return Paper(rows, declared=declared)
