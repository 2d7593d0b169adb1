"""The services' sentences in the language in use (vote_counter.i18n): Vietnamese byte for byte as before by default,
English when chosen, built from translated parts (a stage's name, a table's name, a wait)."""

from __future__ import annotations

import vote_counter.storage.scan_schema  # noqa: F401 (registers the scan queue's sealed table)
from vote_counter import i18n
from vote_counter.services.accounts import wait_text
from vote_counter.services.errors import STAGE_LABELS, ErrorCode, ServiceError, sealed_rows, tamper_place
from vote_counter.storage.seals import describe

ROWS = [("tally_sheets", 3), ("rounds", 2), ("scan_queue", 1), ("meetings", 1), ("nominees", 2), ("board_members", 1)]
ROWS += [("ballot_register", 9), ("running_totals", 1)]


def test_vietnamese_is_the_source_text() -> None:
    assert sealed_rows(ROWS) == describe(ROWS)  # the storage layer's own words, unchanged
    assert tamper_place(None, (), (("rounds", 2),)) == "lượt bỏ phiếu số 2 khác với lúc niêm phong"
    assert STAGE_LABELS["sealed"] == "Niêm phong" and wait_text(75) == "1 phút 15 giây"
    error = ServiceError(ErrorCode.DUPLICATE, serial="618959889489")
    assert error.message.startswith("Phiếu số 6189-5988-9489 đã được nhập rồi.")


def test_english_sentences_from_english_parts(english: None) -> None:
    assert sealed_rows(ROWS) == (
        "tally sheet 3, round 2, scan queue 1, meeting 1, person on the ballot 2, counting-board member 1"
        " and 2 other rows"
    )
    assert tamper_place(4, (), ()) == "the log chain breaks at entry 4"
    assert STAGE_LABELS["sealed"] == "Sealed" and dict(STAGE_LABELS)["counting"] == "Counting"
    assert wait_text(75) == "1 min 15 s" and wait_text(40) == "40 s"
    error = ServiceError(ErrorCode.AUDIT_BROKEN, where=tamper_place(None, (5,), ()))
    assert error.message == (
        "Data changed outside the software: entered ballots 5 differ from when they were saved. "
        "Results may not be exported; tell the chair."
    )
    assert ServiceError(ErrorCode.DUPLICATE, serial="618959889489").message.startswith(
        "Ballot 6189-5988-9489 has already been entered."
    )


def test_an_unknown_language_is_vietnamese() -> None:
    assert i18n.use_language("fr") == i18n.VIETNAMESE
    assert ServiceError(ErrorCode.REASON_REQUIRED).message == "Cần ghi rõ lý do cho thao tác này."
