"""Test mode end to end through the services: a deck's expected result (counted independently of
domain.rules) equals what the app counts; a wrong entry shows; going live starts from zero."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers.builders import Built, build_round, workspace_at
from vote_counter.domain.model import InvalidPolicy, Mode, RoundKind, Stage
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.test_mode import (
    Expected,
    TestDeck,
    compare,
    deck_marks,
    go_live,
    make_test_deck,
    render_report,
    write_deck,
)
from vote_counter.services.workspace import Workspace


def _test_round(ws: Workspace, kind: RoundKind, **settings: object) -> Built:
    b = build_round(ws, kind, mode=Mode.TEST, printed=0, counting=False, accounts=False, **settings)  # type: ignore[arg-type]
    r = ws.setup.update_round(dataclasses.replace(b.round, title=b.round.title + " (thử nghiệm)"))
    return dataclasses.replace(b, round=r)


def _enter(ws: Workspace, deck: TestDeck) -> None:
    for ballot in deck.ballots:
        ws.counting.record(deck.round.id, ballot.code, deck_marks(deck, ballot))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "settings"),
    [
        (RoundKind.CONFIDENCE, {}),
        (RoundKind.CONFIDENCE, {"invalid_policy": InvalidPolicy.PER_ROW}),
        (RoundKind.APPROVAL, {}),
        (RoundKind.APPROVAL, {"invalid_policy": InvalidPolicy.WHOLE_BALLOT, "blank_is_disagree": True}),
        (RoundKind.NOMINATION, {}),
        (RoundKind.NOMINATION, {"seats": 2, "write_ins": True}),
    ],
)
def test_deck_entered_gives_exactly_the_expected_result(
    tmp_path: Path, kind: RoundKind, settings: dict[str, object]
) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = _test_round(ws, kind, **settings)
        deck = make_test_deck(ws, b.round_id, 60, seed=7)
        ws.stages.change(b.round_id, Stage.COUNTING)
        assert deck.expected.valid > 0 and deck.expected.invalid > 0
        assert len(deck.expected.invalid_reasons) >= 3  # declared reasons and the kind's own
        _enter(ws, deck)
        report = compare(ws, b.round_id, deck.expected)
        assert report.ok, report.mismatches
        assert report.totals[0].actual == 60
        assert len(report.rows) >= len(b.nominees) * b.round.options


def test_same_seed_same_marks(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = _test_round(ws, RoundKind.CONFIDENCE)
        one, two = make_test_deck(ws, b.round_id, 30, seed=3), make_test_deck(ws, b.round_id, 30, seed=3)
        assert [x.rows for x in one.ballots] == [x.rows for x in two.ballots]
        assert one.expected.nominees == two.expected.nominees
        assert {x.code for x in one.ballots}.isdisjoint(x.code for x in two.ballots)  # fresh serials each time


def test_a_wrong_entry_shows_in_the_report(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = _test_round(ws, RoundKind.CONFIDENCE)
        deck = make_test_deck(ws, b.round_id, 20, seed=11)
        ws.stages.change(b.round_id, Stage.COUNTING)
        first = next(
            x
            for x in deck.ballots
            if len(x.rows) == len(b.nominees) and not x.declared and all(len(v) == 1 for v in x.rows.values())
        )
        wrong = dataclasses.replace(first, rows={**first.rows, 1: frozenset({(next(iter(first.rows[1])) + 1) % 3})})
        for ballot in deck.ballots:
            ws.counting.record(b.round_id, ballot.code, deck_marks(deck, wrong if ballot is first else ballot))
        report = compare(ws, b.round_id, deck.expected)
        assert not report.ok
        assert {r.nominee for r in report.mismatches} == {b.nominees[0].full_name}
        assert len(report.mismatches) == 2  # one level lost a vote, another gained it
        assert all(r.ok for r in report.totals)
        pdf = render_report(report, tmp_path / "baocao.pdf")
        pages = PdfReader(pdf).pages
        assert all("THỬ NGHIỆM — KHÔNG CÓ GIÁ TRỊ" in p.extract_text() for p in pages)
        assert "KHÁC" in pages[0].extract_text()


def test_expected_file_round_trip_and_wrong_round(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = _test_round(ws, RoundKind.APPROVAL)
        other = _test_round(ws, RoundKind.APPROVAL, meeting=b.meeting)
        deck = make_test_deck(ws, b.round_id, 12, seed=1)
        deck_path, expected_path = write_deck(deck, tmp_path / "deck")
        assert len(deck_path.read_text(encoding="utf-8").splitlines()) == 12
        expected = Expected.from_json(expected_path.read_text(encoding="utf-8"))
        assert expected == deck.expected
        with pytest.raises(ServiceError, match="lượt bỏ phiếu khác"):
            compare(ws, other.round_id, expected)
        with pytest.raises(ServiceError) as err:
            Expected.from_json("{}")
        assert err.value.code is ErrorCode.INVALID_INPUT


def test_deck_only_for_test_rounds(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        live = build_round(ws, RoundKind.CONFIDENCE, printed=0, counting=False, accounts=False)
        with pytest.raises(ServiceError, match="thử nghiệm"):
            make_test_deck(ws, live.round_id, 5, seed=1)
        test = _test_round(ws, RoundKind.CONFIDENCE, meeting=live.meeting)
        with pytest.raises(ServiceError, match="từ 1 đến"):
            make_test_deck(ws, test.round_id, 0, seed=1)


def test_go_live_starts_from_zero_and_refuses_test_ballots(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = _test_round(ws, RoundKind.NOMINATION, seats=1)
        deck = make_test_deck(ws, b.round_id, 15, seed=5)
        ws.stages.change(b.round_id, Stage.COUNTING)
        _enter(ws, deck)
        before = ws.counting.result(b.round_id)

        live = go_live(ws, b.round_id)
        assert live.id is not None and live.id != b.round_id
        assert (live.mode, live.stage) == (Mode.LIVE, Stage.PREPARATION)
        assert live.title == b.round.title.replace(" (thử nghiệm)", "") and "thử nghiệm" not in live.title
        assert live.code != b.round.code
        assert (live.kind, live.seats, live.position, live.policy) == (
            b.round.kind,
            b.round.seats,
            b.round.position,
            b.round.policy,
        )
        assert [n.full_name for n in ws.setup.nominees(live.id)] == [n.full_name for n in b.nominees]
        assert ws.counting.result(live.id).collected == 0
        assert ws.register.summary(live.id).printed == 0
        # The test round stays as the record, unchanged.
        assert ws.setup.round(b.round_id).mode is Mode.TEST
        assert ws.counting.result(b.round_id) == before
        # A test ballot scanned or typed into the live round made from it: named as a test ballot (not as
        # "another round's ballot", whose title would be this round's own), never counted.
        for code in (deck.ballots[0].code, deck.ballots[0].code[7:19]):
            with pytest.raises(ServiceError) as err:
                ws.counting.identify(live.id, code)
            assert err.value.code is ErrorCode.TEST_IN_LIVE
            assert err.value.message.startswith("Phiếu thử nghiệm")
            assert live.title not in err.value.message
        assert ws.counting.result(live.id).collected == 0
        with pytest.raises(ServiceError, match="thử nghiệm"):
            go_live(ws, live.id)
