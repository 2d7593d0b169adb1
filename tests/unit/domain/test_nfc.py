"""Vietnamese text in NFC or NFD is stored and counted as NFC (SPEC §5, §10; STYLE habit 8)."""

from __future__ import annotations

import unicodedata

import pytest

from vote_counter.domain.model import BallotMarks, Counts, NomineeId, Round, RoundId, RoundKind, TallySheet, nfc
from vote_counter.domain.rules import compare_passes, decide, sheet_totals, tally

NAME = "Nguyễn Thị Ánh Tuyết"
NAME_NFD = unicodedata.normalize("NFD", NAME)


def test_the_nfd_form_really_is_different() -> None:
    assert NAME_NFD != NAME
    assert len(NAME_NFD) > len(NAME)
    assert unicodedata.is_normalized("NFC", NAME)
    assert not unicodedata.is_normalized("NFC", NAME_NFD)


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn Thị Ánh Tuyết",
        "Đặng Văn Ữ",
        "Trần Thị Thu Hương",
        "Phó Bí thư Đảng ủy",
        "Trưởng phòng Tổ chức cán bộ",
        "ỆấữđƯ",
    ],
)
def test_nfc_turns_nfd_vietnamese_into_nfc(text: str) -> None:
    decomposed = unicodedata.normalize("NFD", text)
    assert nfc(decomposed) == text
    assert unicodedata.is_normalized("NFC", nfc(decomposed))
    assert nfc(text) == text  # NFC stays as it is


def test_nfc_of_mixed_forms() -> None:
    # a name whose family name came from one source (NFD) and the rest from another (NFC)
    mixed = unicodedata.normalize("NFD", "Nguyễn") + " Thị Ánh Tuyết"
    assert mixed != NAME
    assert nfc(mixed) == NAME


def _nomination() -> Round:
    return Round(id=RoundId(1), meeting_id=None, title="Giới thiệu", kind=RoundKind.NOMINATION, write_ins=True)


def test_tally_merges_write_ins_given_in_nfc_and_nfd() -> None:
    ballots = [
        BallotMarks(rows={}, write_ins=(NAME,)),
        BallotMarks(rows={}, write_ins=(NAME_NFD,)),
        BallotMarks(rows={}, write_ins=(NAME_NFD,)),
    ]
    totals = tally(_nomination(), [], ballots)
    assert totals.write_ins == {NAME: 3}
    (key,) = totals.write_ins
    assert unicodedata.is_normalized("NFC", key)


def test_sheet_and_ballots_merge_across_forms() -> None:
    entered = tally(_nomination(), [], [BallotMarks(rows={}, write_ins=(NAME_NFD,))])
    sheet = sheet_totals(TallySheet(valid=2, invalid={}, rows={}, write_ins={NAME_NFD: 2}))
    assert sheet.write_ins == {NAME: 2}
    total = entered + sheet
    assert total.write_ins == {NAME: 3}
    result = decide(_nomination(), [], Counts(summoned=5, present=5, issued=5, collected=3), total)
    (nominee,) = result.nominees
    assert (nominee.nominee_id, nominee.name, nominee.counts) == (None, NAME, (3,))


def test_double_entry_does_not_flag_a_difference_of_normal_form() -> None:
    first = {"482109375514": BallotMarks(rows={NomineeId(1): frozenset()}, write_ins=(NAME,))}
    second = {"482109375514": BallotMarks(rows={NomineeId(1): frozenset()}, write_ins=(NAME_NFD,))}
    assert compare_passes(first, second) == ()
