"""The running totals' stored text (storage/totals.py): the quick writer gives exactly the canonical JSON.

`encode` writes the rows with a cached "%d" template once every nominee has a count (issue 15); the sealed row
and every comparison rely on equal totals giving equal text, so it must match `encode_json` byte for byte, for
any totals: rows with zeros, several widths, reasons, rows not counted, write-ins with quotes and diacritics.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from vote_counter.domain.model import NomineeId, Reason
from vote_counter.domain.rules import Totals
from vote_counter.storage import totals as stored

counts = st.integers(min_value=0, max_value=10**7)


@st.composite
def any_totals(draw: st.DrawFn) -> Totals:
    width = draw(st.integers(min_value=1, max_value=3))
    ids = draw(st.lists(st.integers(min_value=1, max_value=10**6), max_size=60, unique=True))
    some_zero = draw(st.booleans())
    rows = {
        NomineeId(i): tuple(
            draw(counts) if not some_zero else draw(st.sampled_from((0, 0, 1, 7))) for _ in range(width)
        )
        for i in ids
    }
    names = st.text(alphabet='Lê Văn Ượng"\\đ{}[],:', min_size=1, max_size=12)
    return Totals(
        valid=draw(counts),
        invalid=draw(counts),
        invalid_reasons=draw(st.dictionaries(st.sampled_from(list(Reason)), counts, max_size=4)),
        rows=rows,
        not_counted=draw(st.dictionaries(st.sampled_from([NomineeId(i) for i in ids] or [NomineeId(1)]), counts)),
        write_ins=draw(st.dictionaries(names, counts, max_size=3)),
    )


@settings(max_examples=300, deadline=None)
@given(any_totals())
def test_the_quick_text_is_the_canonical_json(totals: Totals) -> None:
    text = stored.encode(totals)
    assert text == stored.encode_json(totals)
    assert text == stored.encode(totals)  # the second time from the cached template
    assert stored.decode(text) == stored.decode(stored.encode_json(totals))


def test_the_template_follows_the_nominees_order_as_json_sorts_them() -> None:
    # "10" sorts before "9" as text: the order json.dumps(sort_keys=True) writes, kept in the template.
    totals = Totals(valid=3, rows={NomineeId(9): (1, 2, 0), NomineeId(10): (0, 0, 4), NomineeId(100): (5, 0, 0)})
    text = stored.encode(totals)
    assert text == stored.encode_json(totals)
    assert list(json.loads(text)["rows"]) == ["10", "100", "9"]
    again = Totals(valid=4, rows={NomineeId(9): (2, 2, 0), NomineeId(10): (0, 0, 4), NomineeId(100): (5, 0, 0)})
    assert json.loads(stored.encode(again))["rows"]["9"] == [2, 2, 0]  # same nominees: the cached template


def test_a_row_all_zero_is_left_out_as_before() -> None:
    totals = Totals(valid=1, rows={NomineeId(1): (1, 0, 0), NomineeId(2): (0, 0, 0)})
    assert stored.encode(totals) == stored.encode_json(totals)
    assert list(json.loads(stored.encode(totals))["rows"]) == ["1"]
