"""HmacSha256 (domain/keyed.py), the save's prepared keys: exactly hmac.digest for every key and message, and the
payload tags, row seals and group MACs made with it are the ones made with the key itself."""

from __future__ import annotations

import hashlib
import hmac
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from vote_counter.domain.keyed import HmacSha256
from vote_counter.domain.model import Mode
from vote_counter.domain.serials import damm_digit, make_payload, parse_payload
from vote_counter.storage import seals

keys_ = st.binary(min_size=0, max_size=200)  # past the 64-byte block too: such a key is hashed first


@settings(max_examples=400, deadline=None)
@given(keys_, st.binary(max_size=3000))
def test_it_is_hmac_sha256(key: bytes, message: bytes) -> None:
    prepared = HmacSha256(key)
    expected = hmac.digest(key, message, hashlib.sha256)
    assert prepared.digest(message) == expected
    assert prepared.digest(message) == expected  # the prepared states are copied, never consumed
    assert prepared.digest(message + b"x") == hmac.digest(key, message + b"x", hashlib.sha256)


def test_rfc_4231_case_2() -> None:
    """An outside reference: RFC 4231 test case 2 (key "Jefe")."""
    got = HmacSha256(b"Jefe").digest(b"what do ya want for nothing?").hex()
    assert got == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_its_text_never_shows_the_key() -> None:
    key = b"k" * 32
    assert "k" * 8 not in repr(HmacSha256(key)) and key.hex() not in repr(HmacSha256(key))


@settings(max_examples=200, deadline=None)
@given(keys_, st.lists(st.one_of(st.text(max_size=40), st.integers(), st.none(), st.booleans()), max_size=8))
def test_seals_made_with_it_are_the_keys_seals(key: bytes, values: list[object]) -> None:
    place = ["0" * 64, 7, "2026-11-30T09:00:00.000000+00:00", "Hoàng Thị Lan", "ballot_saved"]
    digests: dict[str, str | None] = {"ballots:1": seals.digest_with(key, "ballots", values), "ballots:2": None}
    assert seals.digest_with(HmacSha256(key), "ballots", values) == digests["ballots:1"]
    assert seals.mac_with(HmacSha256(key), place, 3, "k1", digests) == seals.mac_with(key, place, 3, "k1", digests)


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=16, max_size=64), st.integers(0, 10**11 - 1))
def test_a_payload_verifies_with_it_exactly_when_it_verifies_with_the_key(key: bytes, number: int) -> None:
    body = f"{number:011d}"
    serial = body + damm_digit(body)
    good = parse_payload(make_payload("123456", serial, Mode.LIVE, key))
    assert good.verifies(HmacSha256(key)) and good.verifies(key)
    other = key[:-1] + bytes([key[-1] ^ 1])
    assert not good.verifies(HmacSha256(other)) and not good.verifies(other)


def test_keys_at_and_around_the_block_size_are_hmac_sha256() -> None:
    """Keys of 63, 64 and 65 bytes (only a key longer than the 64-byte block is hashed first), the empty key and
    one of 128 bytes, each against hmac.digest: Hypothesis's random lengths need not hit the boundary itself."""
    for length in (0, 1, 32, 63, 64, 65, 128):
        key = bytes((7 + i) % 256 for i in range(length))
        for message in (b"", b"x", bytes(range(256)) * 3):
            assert HmacSha256(key).digest(message) == hmac.digest(key, message, hashlib.sha256), length


def test_a_group_mac_is_hmac_of_the_place_meeting_key_and_digests_sorted() -> None:
    """The group MAC against a reference written apart with json.dumps and hmac.digest: the body
    [*place, meeting, key id, digests] with sorted keys, compact, Vietnamese as written; with the key as bytes and
    prepared. A MAC that ignored any part (mutation run 11 found one that
    MACed a constant) differs from it, and two groups differing only in a digest get different MACs."""
    key = bytes(range(32))
    place = ["a" * 64, 12, "2026-11-30T10:00:00.000000+00:00", "Lê Thị Ượng", "ballot_saved"]
    digests: dict[str, str | None] = {"running_totals:1": "0" * 32, "ballots:7": "f" * 32, "ballot_register:3": None}
    body = json.dumps([*place, 4, "k1", digests], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    expected = hmac.digest(key, body.encode("utf-8"), hashlib.sha256).hex()[:32]
    assert seals.mac_with(key, place, 4, "k1", digests) == expected
    assert seals.mac_with(HmacSha256(key), place, 4, "k1", digests) == expected
    other = {**digests, "ballots:7": "e" * 32}
    assert seals.mac_with(key, place, 4, "k1", other) != expected
    assert seals.mac_with(key, place, 5, "k1", digests) != expected
