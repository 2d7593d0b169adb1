"""Fuzzing what a scanner or a board member can type: the payload parser, the typed-serial parser and
CountingService.identify on a real workspace fail only with their documented errors."""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.builders import Built, assert_vietnamese, build_round, workspace_at
from vote_counter.domain.model import Mode
from vote_counter.domain.serials import PAYLOAD_DIGITS, PayloadError, parse_payload, parse_typed_serial
from vote_counter.services.errors import ServiceError

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Mostly digits, with the characters a keyboard-wedge scanner under Unikey/VNI or a hurried typist adds.
NOISE = st.sampled_from(list(" -.\t\n٣０²⁹ⅷ" + "âêôăđ" + string.ascii_letters + "\x00\u200b\ufeff"))
DIGITISH = st.lists(st.one_of(st.sampled_from(string.digits), NOISE), max_size=70).map("".join)
TEXT = st.one_of(st.text(max_size=80), DIGITISH, st.text(alphabet=string.digits, min_size=0, max_size=60))


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_parse_payload_raises_only_payload_error(text: str) -> None:
    try:
        payload = parse_payload(text)
    except PayloadError:
        return
    assert len(payload.digits()) == PAYLOAD_DIGITS


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_parse_typed_serial_raises_only_payload_error(text: str) -> None:
    try:
        serial = parse_typed_serial(text)
    except PayloadError:
        return
    assert len(serial) == 12 and serial.isascii() and serial.isdigit()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "kp.sqlite3"
    with workspace_at(path) as ws:
        yield build_round(ws, printed=5, counting=False, mode=Mode.TEST, accounts=False)


def _mutations(payload: str) -> st.SearchStrategy[str]:
    """A real payload with digits changed, dropped, doubled, or noise inserted."""

    def mutate(edits: list[tuple[int, str]]) -> str:
        chars = list(payload)
        for pos, new in edits:
            i = pos % (len(chars) + 1)
            if new == "":
                del chars[i : i + 1]
            else:
                chars[i:i] = [new] if not new.isdigit() else []
                if new.isdigit() and i < len(chars):
                    chars[i] = new
        return "".join(chars)

    return st.lists(
        st.tuples(st.integers(0, 60), st.one_of(st.sampled_from(string.digits), NOISE, st.just(""))), max_size=4
    ).map(mutate)


@FUZZ
@given(data=st.data())
def test_identify_only_service_errors(built: Built, data: st.DataObject) -> None:
    payload = built.printed[0].payload
    text = data.draw(st.one_of(TEXT, _mutations(payload), st.just(payload), st.just(built.printed[1].serial)))
    try:
        serial = built.ws.counting.identify(built.round_id, text)
    except ServiceError as exc:
        assert_vietnamese(exc.message)
        return
    assert serial in {b.serial for b in built.printed}
