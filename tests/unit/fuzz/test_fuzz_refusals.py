"""Refusal of everything that is not an exact printed payload or serial (SPEC §5, §10: "a forged, duplicate, or
wrong-round QR is never counted").

Exhaustive where it can be: every single-digit change at every position of a printed payload and of a typed
serial, every adjacent swap, every truncation and extension, another round's ballot, a tag made with a key that
is not the round's, the test/live digit flipped. Several of these keep a well-formed payload with a serial that
IS in the register (a change in the tag, a flipped mode digit): only the HMAC check refuses them, so this file
fails if that check is removed. Refusals are checked through the service on a real file, and the file is
compared before and after a refused save.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.builders import Built, assert_vietnamese, build_round, confidence_marks, snapshot, workspace_at
from vote_counter.domain.model import Mode, RoundKind
from vote_counter.domain.serials import (
    ROUND_CODE_DIGITS,
    SERIAL_DIGITS,
    TAG_DIGITS,
    damm_digit,
    is_valid_serial,
    make_payload,
    new_round_key,
)
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace

SERIAL_AT = 1 + ROUND_CODE_DIGITS  # where the serial starts in the payload
MODE_AT = SERIAL_AT + SERIAL_DIGITS
TAG_AT = MODE_AT + 1


@dataclass
class Hall:
    ws: Workspace
    live: Built
    practice: Built  # a test round of the same meeting


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    path: Path = tmp_path_factory.mktemp("refusals") / "kp.sqlite3"
    with workspace_at(path) as ws:
        live = build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=6)
        practice = build_round(
            ws, RoundKind.CONFIDENCE, meeting=live.meeting, nominees=2, printed=3, mode=Mode.TEST, accounts=False
        )
        yield Hall(ws, live, practice)


def refused(hall: Hall, text: str) -> bool:
    try:
        hall.ws.counting.identify(hall.live.round_id, text)
    except ServiceError as exc:
        assert_vietnamese(exc.message)
        return True
    return False


def single_digit_changes(code: str) -> Iterator[tuple[int, str]]:
    for i, old in enumerate(code):
        for new in string.digits:
            if new != old:
                yield i, code[:i] + new + code[i + 1 :]


def adjacent_swaps(code: str) -> Iterator[str]:
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            yield code[:i] + code[i + 1] + code[i] + code[i + 2 :]


def truncations_and_extensions(code: str) -> Iterator[str]:
    for k in range(len(code)):
        yield code[:k]
        yield code[k + 1 :] if k == 0 else code[k:]
    for d in string.digits:
        yield code + d
        yield d + code
    yield code + code


def test_the_exact_codes_are_accepted(hall: Hall) -> None:
    """The control: the printed payload and the typed serial (with or without its dashes) are taken."""
    ballot = hall.live.printed[0]
    assert hall.ws.counting.identify(hall.live.round_id, ballot.payload) == ballot.serial
    assert hall.ws.counting.identify(hall.live.round_id, ballot.serial) == ballot.serial
    dashed = "-".join(ballot.serial[i : i + 4] for i in range(0, SERIAL_DIGITS, 4))
    assert hall.ws.counting.identify(hall.live.round_id, dashed) == ballot.serial


def test_every_single_digit_change_of_a_payload_is_refused(hall: Hall) -> None:
    payload = hall.live.printed[0].payload
    accepted = [(i, text) for i, text in single_digit_changes(payload) if not refused(hall, text)]
    assert accepted == []


def test_every_single_digit_change_of_a_typed_serial_is_refused(hall: Hall) -> None:
    serial = hall.live.printed[0].serial
    accepted = [(i, text) for i, text in single_digit_changes(serial) if not refused(hall, text)]
    assert accepted == []


@pytest.mark.parametrize("which", ["payload", "serial"])
def test_swaps_truncations_and_extensions_are_refused(hall: Hall, which: str) -> None:
    code = getattr(hall.live.printed[0], which)
    variants = [*adjacent_swaps(code), *truncations_and_extensions(code)]
    assert len(variants) > 2 * len(code)
    assert [v for v in variants if not refused(hall, v)] == []


def test_a_changed_tag_is_refused_even_though_the_serial_is_printed(hall: Hall) -> None:
    """Everything but the tag is exactly a printed ballot's: only the HMAC check stands in the way."""
    ballot = hall.live.printed[0]
    message, tag = ballot.payload[:TAG_AT], ballot.payload[TAG_AT:]
    assert len(tag) == TAG_DIGITS
    others = [b.payload[TAG_AT:] for b in hall.live.printed[1:]]  # another printed ballot's genuine tag
    forged = [
        message + "0" * TAG_DIGITS,
        message + tag[::-1],
        message + str((int(tag) + 1) % 10**TAG_DIGITS).zfill(TAG_DIGITS),
        *(message + t for t in others),
    ]
    assert [f for f in forged if not refused(hall, f)] == []


def test_a_tag_made_with_another_key_is_refused(hall: Hall) -> None:
    ballot = hall.live.printed[0]
    code = ballot.payload[1:SERIAL_AT]
    for _ in range(5):
        assert refused(hall, make_payload(code, ballot.serial, Mode.LIVE, new_round_key()))


def test_the_test_live_digit_flipped_is_refused(hall: Hall) -> None:
    live = hall.live.printed[0].payload
    assert live[MODE_AT] == "2"
    flipped = live[:MODE_AT] + "1" + live[MODE_AT + 1 :]
    assert refused(hall, flipped)
    # A practice round's ballot re-labelled as live keeps its own (test) tag: refused as well.
    practice = hall.practice.printed[0].payload
    assert refused(hall, practice[:MODE_AT] + "2" + practice[MODE_AT + 1 :])


def test_another_rounds_ballots_are_refused(hall: Hall) -> None:
    live_code = hall.live.printed[0].payload[1:SERIAL_AT]
    for ballot in hall.practice.printed:
        assert refused(hall, ballot.payload)  # its own round code: "another round's ballot"
        assert refused(hall, ballot.serial)  # typed: not in this round's register
        assert refused(hall, ballot.payload[0] + live_code + ballot.payload[SERIAL_AT:])  # code swapped in


def test_a_well_formed_serial_that_was_never_printed_is_refused(hall: Hall) -> None:
    printed = {b.serial for b in hall.live.printed} | {b.serial for b in hall.practice.printed}
    tried = 0
    for n in range(200):
        body = str(10**10 + n * 7919).zfill(SERIAL_DIGITS - 1)
        serial = body + damm_digit(body)
        assert is_valid_serial(serial)
        if serial not in printed:
            tried += 1
            assert refused(hall, serial)
    assert tried > 150


def test_a_refused_save_changes_nothing_in_the_file(hall: Hall) -> None:
    """One of each kind through record(): refused, and the file (audit head included) unchanged."""
    ws, live = hall.ws, hall.live
    ballot = live.printed[0]
    tag_changed = ballot.payload[:-1] + str((int(ballot.payload[-1]) + 1) % 10)
    serial_changed = ballot.serial[:5] + str((int(ballot.serial[5]) + 3) % 10) + ballot.serial[6:]
    flipped = ballot.payload[:MODE_AT] + "1" + ballot.payload[MODE_AT + 1 :]
    before = snapshot(ws.path)
    for text in (tag_changed, serial_changed, flipped, ballot.payload[:-1], hall.practice.printed[0].payload):
        with pytest.raises(ServiceError):
            ws.counting.record(live.round_id, text, confidence_marks(live.ids, [0, 1]))
    assert snapshot(ws.path) == before
