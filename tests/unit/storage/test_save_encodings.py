"""The save's quick encodings (issue 15, save-cpu) equal the plain ones they stand in for, byte for byte.

`marks_to_text` writes a marked ballot from a cached "%d" template; `marks_to_text_plain` is the row-at-a-time
writer it replaced. `digest_with` decides with one set check whether a row's values are digested as they are;
`reference_digest` below is the per-value check it replaced. Both texts are sealed and compared (verify-audit,
the recount), so any difference would break every database written before: tested on any marks and any row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from vote_counter.domain.model import BallotMarks, NomineeId, Reason, Stage
from vote_counter.storage import repositories, seals

boxes = st.frozensets(st.integers(min_value=0, max_value=4), max_size=3)
full_rows = st.frozensets(st.integers(min_value=0, max_value=2), min_size=1, max_size=3)


@st.composite
def any_marks(draw: st.DrawFn) -> BallotMarks:
    ids = draw(st.lists(st.integers(min_value=1, max_value=10**6), max_size=60, unique=True))
    every_row_marked = draw(st.booleans())
    rows = {NomineeId(i): draw(full_rows if every_row_marked else boxes) for i in ids}
    write_ins = tuple(draw(st.lists(st.text(alphabet='Lê Văn Ượng"\\đ', min_size=1, max_size=8), max_size=2)))
    declared = draw(st.frozensets(st.sampled_from(list(Reason)), max_size=2))
    return BallotMarks(rows=rows, write_ins=write_ins, declared=declared)


@settings(max_examples=400, deadline=None)
@given(any_marks())
def test_the_quick_marks_text_is_the_plain_one(marks: BallotMarks) -> None:
    text = repositories.marks_to_text(marks)
    assert text == repositories.marks_to_text_plain(marks)
    assert repositories.marks_to_text(marks) == text  # the second time from the cached template
    assert repositories.marks_from_text(text) == BallotMarks(
        {k: v for k, v in marks.rows.items() if v}, marks.write_ins, marks.declared
    )


def test_a_ballot_in_another_order_of_rows_writes_the_same_text() -> None:
    # The template is cached per order of the ballot's rows; the text is always in ascending nominee order.
    forward = BallotMarks({NomineeId(9): frozenset({0}), NomineeId(10): frozenset({2}), NomineeId(100): frozenset({1})})
    backward = BallotMarks(dict(reversed(list(forward.rows.items()))))
    assert repositories.marks_to_text(forward) == repositories.marks_to_text(backward) == "2|9:1,10:4,100:2"
    # A row left empty is left out, through the plain writer.
    blank = BallotMarks({NomineeId(9): frozenset({0}), NomineeId(10): frozenset()})
    assert repositories.marks_to_text(blank) == "2|9:1"
    # An empty row handed over as a plain set (not hashable) is left out, as the plain writer always did.
    loose = BallotMarks(cast(dict[NomineeId, frozenset[int]], {NomineeId(9): frozenset({0}), NomineeId(10): set()}))
    assert repositories.marks_to_text(loose) == repositories.marks_to_text_plain(loose) == "2|9:1"


def reference_digest(seal_key: bytes, table: str, values: list[Any]) -> str:
    """digest_with as it was: every value looked at with isinstance."""
    row = [table, *values]
    if any(isinstance(v, bool | bytes | memoryview) for v in row):
        row = [int(v) if isinstance(v, bool) else v.hex() if isinstance(v, bytes | memoryview) else v for v in row]
    body = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
    return hmac.digest(seal_key, body.encode("utf-8"), hashlib.sha256).hex()[: seals.DIGEST_CHARS]


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet='2|:,Lê Ượng"\\\n'),
    st.binary(max_size=8),
    st.sampled_from(list(Stage)),  # a str subclass (StrEnum) is digested as its text
)


@settings(max_examples=400, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.sampled_from(["ballots", "rounds"]), st.lists(values, max_size=9))
def test_a_row_digest_is_the_per_value_one(key: bytes, table: str, row: list[Any]) -> None:
    assert seals.digest_with(key, table, row) == reference_digest(key, table, row)
    assert seals.digest_with(key, table, [memoryview(b"\x01\xff")]) == reference_digest(key, table, [b"\x01\xff"])
