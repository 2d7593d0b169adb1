"""Ballot serials and the digits-only QR payload (SPEC §5 "QR payload and serial")."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import random
import re

import pytest

from vote_counter.domain.model import Mode
from vote_counter.domain.serials import (
    PAYLOAD_DIGITS,
    Payload,
    PayloadError,
    PayloadProblem,
    damm_digit,
    format_serial,
    is_valid_serial,
    looks_like_payload,
    make_payload,
    new_round_code,
    new_round_key,
    new_serial,
    parse_payload,
    parse_typed_serial,
)

DIGITS = "0123456789"
# Worked by hand through the Damm table: 4→5, 8→8, 2→3, 1→7, 0→8, 9→5, 3→4, 7→9, 5→3, 5→8, 1→4.
GOOD = "482109375514"
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def random_serials(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    bodies = ["".join(rng.choice(DIGITS) for _ in range(11)) for _ in range(count)]
    return [body + damm_digit(body) for body in bodies]


# ---------------------------------------------------------------- Damm check digit


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("572", "4"),  # the textbook example: 0→9→7→4
        ("", "0"),
        ("0", "0"),
        ("48210937551", "4"),
    ],
)
def test_damm_known_values(body: str, check: str) -> None:
    assert damm_digit(body) == check
    assert damm_digit(body + check) == "0"


def test_damm_catches_every_single_digit_error() -> None:
    missed = []
    for serial in random_serials(3000, seed=1):
        assert is_valid_serial(serial)
        for pos in range(12):
            for digit in DIGITS:
                if digit != serial[pos]:
                    wrong = serial[:pos] + digit + serial[pos + 1 :]
                    if is_valid_serial(wrong):
                        missed.append((serial, wrong))
    assert missed == []


def test_damm_catches_every_adjacent_transposition() -> None:
    missed = []
    checked = 0
    for serial in random_serials(3000, seed=2):
        for pos in range(11):
            a, b = serial[pos], serial[pos + 1]
            if a != b:
                checked += 1
                swapped = serial[:pos] + b + a + serial[pos + 2 :]
                if is_valid_serial(swapped):
                    missed.append((serial, swapped))
    assert missed == []
    assert checked > 25000


def test_damm_catches_every_transposition_of_every_digit_pair() -> None:
    # including 09 ↔ 90, which Luhn misses
    for a in DIGITS:
        for b in DIGITS:
            if a != b:
                for prefix in ("", "3", "77", "123456789"):
                    body = prefix + a + b
                    assert damm_digit(body) != damm_digit(prefix + b + a)


# ---------------------------------------------------------------- new_serial


def test_new_serials_are_unique_valid_and_not_sequential() -> None:
    serials = [new_serial() for _ in range(100_000)]
    # Independent random draws of 11 digits: 100,000 of them collide with probability about
    # n²/(2·10¹¹) ≈ 5%, so strict uniqueness would be a flaky test. The ballot register
    # (RegisterService._fresh) redraws a serial it already holds; here we check the birthday
    # bound: 4 or more repeats has a probability of about 3·10⁻⁷.
    assert len(serials) - len(set(serials)) <= 3
    assert all(len(s) == 12 and s.isascii() and s.isdigit() and is_valid_serial(s) for s in serials)
    assert serials != sorted(serials)
    assert serials != sorted(serials, reverse=True)
    bodies = [int(s[:11]) for s in serials]
    steps = [b - a for a, b in itertools.pairwise(bodies)]
    assert sum(1 for d in steps if d in (1, -1)) == 0  # never one after the other
    ascending = sum(1 for d in steps if d > 0)
    assert 0.45 < ascending / len(steps) < 0.55  # random order, not a sorted run
    # every digit appears in every position (the generator is not stuck on a range)
    for pos in range(11):
        assert {s[pos] for s in serials[:2000]} == set(DIGITS)


def test_round_code_and_key() -> None:
    codes = [new_round_code() for _ in range(200)]
    assert all(len(c) == 6 and c.isascii() and c.isdigit() for c in codes)
    assert len(set(codes)) > 190
    assert len(new_round_key()) >= 16
    assert new_round_key() != new_round_key()


# ---------------------------------------------------------------- printed and typed serials


@pytest.mark.parametrize(
    ("serial", "printed"),
    [
        ("482109375514", "4821-0937-5514"),
        ("000000000000", "0000-0000-0000"),
    ],
)
def test_format_serial(serial: str, printed: str) -> None:
    assert format_serial(serial) == printed


def test_format_serial_shape_for_new_serials() -> None:
    for _ in range(1000):
        serial = new_serial()
        printed = format_serial(serial)
        assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", printed)
        assert printed.replace("-", "") == serial
        assert parse_typed_serial(printed) == serial


@pytest.mark.parametrize(
    "typed",
    [
        "482109375514",
        "4821-0937-5514",
        "4821 0937 5514",
        "  4821-0937-5514  ",
        "4821 - 0937 - 5514",
        "4821\t0937\t5514",
        "4821-0937-5514\n",
        "4-8-2-1-0-9-3-7-5-5-1-4",
    ],
)
def test_parse_typed_serial_accepts(typed: str) -> None:
    assert parse_typed_serial(typed) == GOOD


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("4821-0937-551a", PayloadProblem.MALFORMED),  # a letter
        ("ABCD-EFGH-IJKL", PayloadProblem.MALFORMED),
        ("4821-O937-5514", PayloadProblem.MALFORMED),  # letter O for zero
        ("４８２１０９３７５５１４", PayloadProblem.MALFORMED),  # full-width digits are not ASCII
        ("4821-0937-551", PayloadProblem.MALFORMED),  # 11 digits
        ("4821-0937-55140", PayloadProblem.MALFORMED),  # 13 digits
        ("", PayloadProblem.MALFORMED),
        ("4821_0937_5514", PayloadProblem.MALFORMED),
        ("4821-0937-5515", PayloadProblem.BAD_CHECK_DIGIT),  # last digit wrong
        ("4821-0937-5516", PayloadProblem.BAD_CHECK_DIGIT),  # SPEC's illustration is not a valid serial
        ("4812-0937-5514", PayloadProblem.BAD_CHECK_DIGIT),  # transposition
        ("5821-0937-5514", PayloadProblem.BAD_CHECK_DIGIT),  # first digit wrong
    ],
)
def test_parse_typed_serial_refuses(typed: str, code: PayloadProblem) -> None:
    with pytest.raises(PayloadError) as info:
        parse_typed_serial(typed)
    assert info.value.code == code


def test_parse_typed_serial_refuses_every_single_digit_error() -> None:
    for serial in random_serials(50, seed=3):
        for pos in range(12):
            for digit in DIGITS:
                if digit != serial[pos]:
                    with pytest.raises(PayloadError) as info:
                        parse_typed_serial(format_serial(serial[:pos] + digit + serial[pos + 1 :]))
                    assert info.value.code == PayloadProblem.BAD_CHECK_DIGIT


# ---------------------------------------------------------------- QR payload


def _expected_tag(key: bytes, message: str) -> str:
    """HMAC-SHA256 truncated to 96 bits, as decimal digits (independent of the code under test)."""
    value = int.from_bytes(hmac.new(key, message.encode("ascii"), hashlib.sha256).digest()[:12], "big")
    return f"{value:029d}"


@pytest.mark.parametrize(("mode", "mode_digit"), [(Mode.TEST, "1"), (Mode.LIVE, "2")])
def test_payload_round_trip_and_layout(mode: Mode, mode_digit: str) -> None:
    payload = make_payload("123456", GOOD, mode, KEY)
    assert len(payload) == 49 == PAYLOAD_DIGITS
    assert payload.isdigit() and payload.isascii()
    assert re.fullmatch(r"[0-9]{49}", payload)
    message = "1" + "123456" + GOOD + mode_digit
    assert payload == message + _expected_tag(KEY, message)

    parsed = parse_payload(payload)
    assert parsed == Payload(version="1", round_code="123456", serial=GOOD, mode=mode, tag=payload[20:])
    assert parsed.digits() == payload
    assert parsed.verifies(KEY)
    assert not parsed.verifies(OTHER_KEY)
    assert int(parsed.tag) < 2**96


def test_payload_is_digits_for_random_serials() -> None:
    for mode in Mode:
        for _ in range(200):
            key = new_round_key()
            code = new_round_code()
            serial = new_serial()
            payload = make_payload(code, serial, mode, key)
            assert len(payload) == 49 and payload.isdigit() and payload.isascii()
            parsed = parse_payload(payload)
            assert (parsed.round_code, parsed.serial, parsed.mode) == (code, serial, mode)
            assert parsed.verifies(key)


def test_scanner_enter_and_spaces_are_tolerated() -> None:
    payload = make_payload("123456", GOOD, Mode.LIVE, KEY)
    assert parse_payload(payload + "\r\n").verifies(KEY)
    assert parse_payload("  " + payload).verifies(KEY)


def test_test_and_live_modes_are_parsed_and_never_swap() -> None:
    test = parse_payload(make_payload("123456", GOOD, Mode.TEST, KEY))
    live = parse_payload(make_payload("123456", GOOD, Mode.LIVE, KEY))
    assert test.mode is Mode.TEST
    assert live.mode is Mode.LIVE
    assert test.tag != live.tag
    # a test ballot with its mode digit rewritten to "live" does not verify
    forged = test.digits()[:19] + "2" + test.digits()[20:]
    parsed = parse_payload(forged)
    assert parsed.mode is Mode.LIVE
    assert not parsed.verifies(KEY)


def test_another_rounds_key_does_not_verify() -> None:
    keys = [new_round_key() for _ in range(20)]
    for i, key in enumerate(keys):
        parsed = parse_payload(make_payload("654321", GOOD, Mode.LIVE, key))
        assert [parsed.verifies(k) for k in keys] == [j == i for j in range(len(keys))]


def test_another_rounds_code_does_not_verify() -> None:
    payload = make_payload("111111", GOOD, Mode.LIVE, KEY)
    moved = payload[:1] + "222222" + payload[7:]
    assert not parse_payload(moved).verifies(KEY)


@pytest.mark.parametrize(
    ("round_code", "serial", "mode"),
    [
        ("123456", GOOD, Mode.LIVE),
        ("000000", GOOD, Mode.TEST),
        ("999999", "000000000000", Mode.LIVE),
        *[
            (code, serial, Mode.LIVE)
            for code, serial in zip(["314159", "271828"], random_serials(2, seed=4), strict=True)
        ],
    ],
)
def test_every_single_digit_change_is_caught(round_code: str, serial: str, mode: Mode) -> None:
    payload = make_payload(round_code, serial, mode, KEY)
    assert parse_payload(payload).verifies(KEY)
    accepted = []
    for pos in range(len(payload)):
        for digit in DIGITS:
            if digit == payload[pos]:
                continue
            changed = payload[:pos] + digit + payload[pos + 1 :]
            try:
                parsed = parse_payload(changed)
            except PayloadError:
                continue
            if parsed.verifies(KEY):
                accepted.append(changed)
    assert accepted == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", PayloadProblem.MALFORMED),
        ("1" * 48, PayloadProblem.MALFORMED),
        ("1" * 50, PayloadProblem.MALFORMED),
        ("1123456482109375514" + "2" + "A" * 29, PayloadProblem.MALFORMED),
        ("１" * 49, PayloadProblem.MALFORMED),  # full-width digits
        ("2123456482109375514" + "2" + "0" * 29, PayloadProblem.BAD_VERSION),
        ("1123456482109375514" + "3" + "0" * 29, PayloadProblem.BAD_MODE),
        ("1123456482109375514" + "0" + "0" * 29, PayloadProblem.BAD_MODE),
        ("1123456482109375515" + "2" + "0" * 29, PayloadProblem.BAD_CHECK_DIGIT),
    ],
)
def test_parse_payload_refuses(text: str, code: PayloadProblem) -> None:
    with pytest.raises(PayloadError) as info:
        parse_payload(text)
    assert info.value.code == code


def test_looks_like_payload() -> None:
    payload = make_payload("123456", GOOD, Mode.LIVE, KEY)
    assert looks_like_payload(payload)
    assert looks_like_payload(payload + "\n")
    assert not looks_like_payload(GOOD)
    assert not looks_like_payload(format_serial(GOOD))


def test_a_well_formed_payload_with_a_made_up_tag_does_not_verify() -> None:
    parsed = parse_payload("1123456482109375514" + "2" + "0" * 29)
    assert not parsed.verifies(KEY)


@pytest.mark.parametrize(
    ("round_code", "serial"),
    [
        ("12345", GOOD),
        ("1234567", GOOD),
        ("12345a", GOOD),
        ("123456", "482109375515"),
        ("123456", "48210937551"),
        ("１２３４５６", GOOD),  # full-width digits
        ("123456", "４８２１０９３７５５１４"),
    ],
)
def test_make_payload_refuses_bad_input(round_code: str, serial: str) -> None:
    with pytest.raises(ValueError):
        make_payload(round_code, serial, Mode.LIVE, KEY)
