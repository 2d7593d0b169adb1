"""Ballot serials and the digits-only QR payload (SPEC §5).

A serial is 11 random digits plus a Damm check digit; the Damm check catches every
single-digit error and every adjacent transposition (Luhn misses 09 ↔ 90).
The payload carries only digits so that a keyboard-wedge scanner survives Telex/VNI
input methods on Vietnamese Windows.

Payload layout (49 digits):
    version(1) | round code(6) | serial(12) | mode(1: 1 = test, 2 = live) | tag(29)
The tag is HMAC-SHA256 over the first 20 digits with the round's secret key, truncated
to 96 bits and written as 29 decimal digits.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from vote_counter.domain.keyed import HmacSha256
from vote_counter.domain.model import Mode

PAYLOAD_VERSION = "1"
SERIAL_DIGITS = 12
ROUND_CODE_DIGITS = 6
TAG_BITS = 96
TAG_DIGITS = 29  # 2**96 < 10**29
PAYLOAD_DIGITS = 1 + ROUND_CODE_DIGITS + SERIAL_DIGITS + 1 + TAG_DIGITS
_MODE_DIGIT = {Mode.TEST: "1", Mode.LIVE: "2"}
_DIGIT_MODE = {v: k for k, v in _MODE_DIGIT.items()}

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


class PayloadError(ValueError):
    """A scanned or typed code that cannot be a ballot of ours; `code` names why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class PayloadProblem(StrEnum):
    MALFORMED = "malformed"  # not digits, wrong length
    BAD_VERSION = "bad_version"
    BAD_CHECK_DIGIT = "bad_check_digit"
    BAD_MODE = "bad_mode"


def damm_digit(digits: str) -> str:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return str(interim)


def is_valid_serial(serial: str) -> bool:
    return len(serial) == SERIAL_DIGITS and serial.isascii() and serial.isdigit() and damm_digit(serial) == "0"


def new_serial() -> str:
    """A fresh random serial: 11 digits from `secrets`, then the check digit."""
    body = "".join(str(secrets.randbelow(10)) for _ in range(SERIAL_DIGITS - 1))
    return body + damm_digit(body)


def new_round_code() -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(ROUND_CODE_DIGITS))


def new_round_key() -> bytes:
    return secrets.token_bytes(32)


def format_serial(serial: str) -> str:
    """The one form a serial is shown in, everywhere (ballot, window, command line, documents):
    '482109375516' → '4821-0937-5516' as printed under the QR. Typed forms ("4821 0937 5516",
    "4821.0937.5516") come out the same; anything that is not 12 digits is shown as it was given."""
    digits = re.sub(r"[\s\-.]", "", serial)
    if len(digits) != SERIAL_DIGITS or not (digits.isascii() and digits.isdigit()):
        return serial
    return "-".join(digits[i : i + 4] for i in range(0, SERIAL_DIGITS, 4))


def parse_typed_serial(text: str) -> str:
    """A serial typed by hand, with or without dashes and spaces."""
    digits = re.sub(r"[\s\-.]", "", text)
    if not (digits.isascii() and digits.isdigit()) or len(digits) != SERIAL_DIGITS:
        raise PayloadError(PayloadProblem.MALFORMED)
    if not is_valid_serial(digits):
        raise PayloadError(PayloadProblem.BAD_CHECK_DIGIT)
    return digits


def _tag(key: bytes | HmacSha256, message: str) -> str:
    data = message.encode("ascii")
    mac = hmac.digest(key, data, hashlib.sha256) if isinstance(key, bytes) else key.digest(data)
    value = int.from_bytes(mac[: TAG_BITS // 8], "big")
    return str(value).zfill(TAG_DIGITS)


@dataclass(frozen=True)
class Payload:
    version: str
    round_code: str
    serial: str
    mode: Mode
    tag: str

    @property
    def message(self) -> str:
        return self.version + self.round_code + self.serial + _MODE_DIGIT[self.mode]

    def digits(self) -> str:
        return self.message + self.tag

    def verifies(self, key: bytes | HmacSha256) -> bool:
        """The tag is this round key's (`key` as stored, or prepared once for many payloads: keyed.HmacSha256)."""
        return hmac.compare_digest(self.tag, _tag(key, self.message))


def make_payload(round_code: str, serial: str, mode: Mode, key: bytes) -> str:
    if len(round_code) != ROUND_CODE_DIGITS or not round_code.isdigit():
        raise ValueError("round code must be 6 digits")
    if not is_valid_serial(serial):
        raise ValueError("invalid serial")
    message = PAYLOAD_VERSION + round_code + serial + _MODE_DIGIT[mode]
    return message + _tag(key, message)


def looks_like_payload(text: str) -> bool:
    return len(text.strip()) == PAYLOAD_DIGITS


def parse_payload(text: str) -> Payload:
    """Split a scanned payload; raises PayloadError. Does not verify the tag (needs the key)."""
    digits = text.strip()
    if len(digits) != PAYLOAD_DIGITS or not (digits.isascii() and digits.isdigit()):
        raise PayloadError(PayloadProblem.MALFORMED)
    version = digits[0]
    if version != PAYLOAD_VERSION:
        raise PayloadError(PayloadProblem.BAD_VERSION)
    code = digits[1 : 1 + ROUND_CODE_DIGITS]
    serial = digits[1 + ROUND_CODE_DIGITS : 1 + ROUND_CODE_DIGITS + SERIAL_DIGITS]
    mode_digit = digits[1 + ROUND_CODE_DIGITS + SERIAL_DIGITS]
    tag = digits[-TAG_DIGITS:]
    if mode_digit not in _DIGIT_MODE:
        raise PayloadError(PayloadProblem.BAD_MODE)
    if not is_valid_serial(serial):
        raise PayloadError(PayloadProblem.BAD_CHECK_DIGIT)
    return Payload(version, code, serial, _DIGIT_MODE[mode_digit], tag)
