"""The scan service on a real SQLite file: clear ballots saved as if keyed, the doubtful queued until a
person decides, and every ballot keyed entry would refuse refused with the same reason."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest

from tests.helpers import scan_corpus as sc
from tests.helpers.builders import CHAIR_NAME, assert_vietnamese, expect_error, workspace_at
from vote_counter.domain.model import BallotMarks, Mode, NomineeId, RoundKind, Stage
from vote_counter.domain.serials import damm_digit
from vote_counter.services.errors import ErrorCode
from vote_counter.services.scanning import QueueReason
from vote_counter.services.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with workspace_at(tmp_path / "kp.sqlite3") as workspace:
        yield workspace


def _truth_marks(printed: sc.PrintedRound, corpus: sc.Corpus, serial: str) -> BallotMarks:
    rows: dict[NomineeId, set[int]] = {}
    for sheet in corpus.sheets:
        if sheet.serial != serial:
            continue
        for box, ink in zip(printed.geometry.pages[sheet.page].boxes, sheet.boxes, strict=True):
            assert box.nominee_id is not None
            rows.setdefault(NomineeId(box.nominee_id), set())
            if ink in sc.PEN:
                rows[NomineeId(box.nominee_id)].add(box.option)
    return BallotMarks({k: frozenset(v) for k, v in rows.items()})


def _actions(ws: Workspace) -> list[str]:
    return [e.action for e in ws.audit.entries()]


def test_clear_ballots_are_saved_as_if_keyed_with_their_image_hashes(ws: Workspace, tmp_path: Path) -> None:
    printed = sc.printed_round(ws, tmp_path / "in", nominees=5, count=6)
    corpus = sc.write_scans(printed, tmp_path / "scans", ballots=range(4))
    before = len(_actions(ws))
    run = ws.scanning.scan(printed.built.round_id, [tmp_path / "scans"])
    assert (run.sheets, run.saved, run.queued, run.refused) == (4, 4, 0, ())
    saved = {b.serial: b for b in ws.counting.ballots(printed.built.round_id)}
    assert set(saved) == {s.serial for s in corpus.sheets}
    for serial, ballot in saved.items():
        assert ballot.marks.rows == _truth_marks(printed, corpus, serial).rows
        assert ballot.valid and ballot.pass_no == 1
    entries = ws.audit.entries()[before:]
    assert [e.action for e in entries] == ["ballot_saved"] * 4 + ["scan_run"]
    hashes = {e.details["images"][0]["sha256"] for e in entries[:4]}
    assert hashes == {__import__("hashlib").sha256(s.file.read_bytes()).hexdigest() for s in corpus.sheets}
    assert all(e.actor == CHAIR_NAME for e in entries)
    assert entries[-1].details["saved"] == 4 and sum(entries[-1].details["scores"]) == 4 * 15
    assert ws.audit.verify().ok
    # The totals are those of the keyed marks.
    assert ws.counting.totals(printed.built.round_id).valid == 4


def test_ballots_keyed_entry_refuses_are_refused_with_its_reason(ws: Workspace, tmp_path: Path) -> None:
    printed = sc.printed_round(ws, tmp_path / "in", nominees=4, count=5)
    other = sc.printed_round(ws, tmp_path / "other", nominees=4, count=2, meeting=printed.built.meeting)
    test_round = sc.printed_round(
        ws, tmp_path / "test", nominees=4, count=2, meeting=printed.built.meeting, mode=Mode.TEST
    )
    rid = printed.built.round_id
    ws.register.exchange(rid, printed.serials[1])  # ballot 1 spoiled and exchanged
    sc.write_scans(printed, tmp_path / "a", ballots=[0, 1])
    sc.write_scans(other, tmp_path / "b", ballots=[0])
    sc.write_scans(test_round, tmp_path / "c", ballots=[0])
    sc.write_scans(printed, tmp_path / "d", ballots=[2], scanner=sc.Scanner(streak=True))
    run = ws.scanning.scan(rid, [tmp_path / d for d in "abcd"])
    codes = sorted(o.code for o in run.refused)
    # A test round's ballot is another round's ballot (keyed entry says the same: its round is named).
    assert codes == ["other_round", "other_round", "spoiled", "streak"], run.refused
    for o in run.refused:
        assert_vietnamese(o.reason)
    assert any("lau kính máy quét" in o.reason for o in run.refused)
    assert run.saved == 1
    # The same sheet fed again: a duplicate, refused, the first one stays counted.
    again = ws.scanning.scan(rid, [tmp_path / "a"])
    assert [o.code for o in again.refused] == ["duplicate", "spoiled"]
    assert again.saved == 0 and len(ws.counting.ballots(rid)) == 1


def test_a_doubtful_ballot_waits_until_a_member_decides_box_by_box(ws: Workspace, tmp_path: Path) -> None:
    printed = sc.printed_round(ws, tmp_path / "in", nominees=4, count=3)
    rid = printed.built.round_id

    def plan(_i: int, rng: random.Random) -> list[sc.Ink]:
        boxes = sc.one_per_row(4, 3, rng)
        first = boxes.index(next(b for b in boxes[:3] if b in sc.PEN))
        boxes[first] = sc.Ink.FAINT  # row 1: only a faint pencil mark
        return boxes

    corpus = sc.write_scans(printed, tmp_path / "scans", plan=plan, ballots=[0])
    run = ws.scanning.scan(rid, [tmp_path / "scans"])
    assert (run.saved, run.queued) == (0, 1)
    assert ws.counting.ballots(rid) == [] and ws.counting.totals(rid).valid == 0
    (item,) = ws.scanning.queue(rid)
    assert item.serial == printed.serials[0] and QueueReason.AMBIGUOUS in item.reasons
    assert item.file == corpus.sheets[0].file.name and item.page == 1
    sheet = ws.scanning.sheet(item.id)
    assert sheet.registered and sheet.image_png.startswith(b"\x89PNG")
    doubtful = [b.index for b in sheet.boxes if b.state == "ambiguous"]
    faint = corpus.sheets[0].boxes.index(sc.Ink.FAINT)
    assert doubtful == [faint]

    # Undecided, or deciding a box that is not there: refused, nothing changes.
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.scanning.decide, [item.id], {})
    expect_error(
        ws, ErrorCode.INVALID_INPUT, ws.scanning.decide, [item.id], {(item.id, faint): True, (item.id, 99): False}
    )
    before = len(ws.audit.entries())
    saved = ws.scanning.decide([item.id], {(item.id, faint): True})
    assert saved.serial == printed.serials[0] and saved.validity.valid
    entry = ws.audit.entries()[before]
    assert entry.action == "ballot_saved" and entry.actor == CHAIR_NAME
    assert entry.details["source"] == "scan_review" and entry.details["decided_boxes"] == 1
    assert entry.details["images"] == [{"sha256": item.image_sha256, "page": 1}]
    assert "marks" not in entry.details and len(entry.details["decisions_digest"]) == 64
    assert ws.counting.ballots(rid)[0].marks.rows == _truth_marks(printed, corpus, printed.serials[0]).rows | {
        # the faint box was decided as a mark: the row has that level
        printed.built.ids[0]: frozenset({printed.geometry.pages[0].boxes[faint].option})
    }
    assert ws.scanning.queue(rid) == []
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.scanning.decide, [item.id], {(item.id, faint): True})


def test_an_unreadable_qr_is_decided_with_the_typed_serial_or_dismissed(ws: Workspace, tmp_path: Path) -> None:
    printed = sc.printed_round(ws, tmp_path / "in", nominees=3, count=3)
    rid = printed.built.round_id
    corpus = sc.write_scans(printed, tmp_path / "scans", scanner=sc.CLEAN_SCANNER, ballots=[0, 1])
    qr, ppm, pad = printed.geometry.pages[0].qr, 200 / 25.4, sc.CLEAN_SCANNER.margin
    for sheet in corpus.sheets:  # a coffee stain over the top half of the QR
        image = cv2.imread(str(sheet.file), cv2.IMREAD_GRAYSCALE)
        x0, x1 = int((qr.x + pad) * ppm), int((qr.right + pad) * ppm)
        y0 = int((printed.geometry.height - qr.top + pad) * ppm)
        image[y0 : y0 + int(qr.h * ppm / 2), x0:x1] = 110
        cv2.imwrite(str(sheet.file), image)
    run = ws.scanning.scan(rid, [tmp_path / "scans"])
    assert run.queued == 2 and run.saved == 0
    first, second = ws.scanning.queue(rid)
    assert first.serial is None and first.reasons == (QueueReason.NO_QR,)
    err = expect_error(ws, ErrorCode.INVALID_INPUT, ws.scanning.decide, [first.id], {})
    assert "số phiếu" in err.message
    stranger = "12345678901" + damm_digit("12345678901")  # a well-formed serial this round never printed
    expect_error(ws, ErrorCode.NOT_ISSUED, ws.scanning.decide, [first.id], {}, serial_text=stranger)
    saved = ws.scanning.decide([first.id], {}, serial_text=printed.serials[0])
    assert saved.serial == printed.serials[0]
    expect_error(ws, ErrorCode.REASON_REQUIRED, ws.scanning.dismiss, [second.id], " ")
    assert ws.scanning.dismiss([second.id], "Đã nhập bằng tay ở trang Kiểm phiếu") == 1
    assert ws.scanning.queue(rid) == []
    assert _actions(ws)[-1] == "scan_dismissed"


def test_a_long_ballot_is_matched_by_serial_and_page(ws: Workspace, tmp_path: Path) -> None:
    printed = sc.printed_round(ws, tmp_path / "in", nominees=30, count=3)
    assert printed.pages_per_ballot == 2
    rid = printed.built.round_id
    corpus = sc.write_scans(printed, tmp_path / "scans", ballots=[0, 1])
    # Ballot 0 whole, pages fed in reverse order; ballot 1 without its second page.
    corpus.sheets[3].file.unlink()
    files = [corpus.sheets[1].file, corpus.sheets[0].file, corpus.sheets[2].file]
    run = ws.scanning.scan(rid, files, templates=ws.scanning.templates(rid))
    assert (run.saved, run.queued) == (1, 1), run.outcomes
    (ballot,) = ws.counting.ballots(rid)
    assert ballot.serial == printed.serials[0]
    assert ballot.marks.rows == _truth_marks(printed, corpus, printed.serials[0]).rows
    (item,) = ws.scanning.queue(rid)
    assert item.serial == printed.serials[1] and item.reasons == (QueueReason.MISSING_PAGE,)
    expect_error(ws, ErrorCode.INVALID_INPUT, ws.scanning.decide, [item.id], {})


def test_the_missing_page_scanned_later_joins_its_ballot_in_the_queue(ws: Workspace, tmp_path: Path) -> None:
    printed = sc.printed_round(ws, tmp_path / "in", nominees=30, count=2)
    rid = printed.built.round_id
    templates = ws.scanning.templates(rid)
    corpus = sc.write_scans(printed, tmp_path / "scans", ballots=[0])
    first, second = corpus.sheets
    assert ws.scanning.scan(rid, [first.file], templates=templates).queued == 1
    (waiting,) = ws.scanning.queue(rid)
    assert waiting.reasons == (QueueReason.MISSING_PAGE,)
    # The first page again is a duplicate of the waiting one; the second page joins it.
    again = ws.scanning.scan(rid, [first.file, second.file], templates=templates)
    assert [o.code for o in again.refused] == ["duplicate"] and again.queued == 1
    items = ws.scanning.queue(rid)
    assert [i.ballot_page for i in items] == [0, 1] and items[1].reasons == (QueueReason.PAGES_WAITING,)
    saved = ws.scanning.decide([i.id for i in items], {})
    assert saved.serial == printed.serials[0]
    assert ws.counting.ballots(rid)[0].marks.rows == _truth_marks(printed, corpus, printed.serials[0]).rows
    assert ws.scanning.queue(rid) == []


def test_scanning_is_pass_one_of_double_entry(ws: Workspace, tmp_path: Path) -> None:
    printed = sc.printed_round(ws, tmp_path / "in", nominees=3, count=2, double_entry=True)
    rid = printed.built.round_id
    corpus = sc.write_scans(printed, tmp_path / "scans", ballots=[0])
    assert ws.scanning.scan(rid, [tmp_path / "scans"]).saved == 1
    ws.counting.record(rid, printed.payloads[0], _truth_marks(printed, corpus, printed.serials[0]), pass_no=2)
    assert ws.counting.pass_differences(rid) == ()


def test_a_round_not_counting_or_never_printed_by_the_app_is_refused(ws: Workspace, tmp_path: Path) -> None:
    printed = sc.printed_round(ws, tmp_path / "in", nominees=3, count=2)
    ws.stages.change(printed.built.round_id, Stage.PREPARATION, reason="Sửa danh sách")
    expect_error(ws, ErrorCode.WRONG_STAGE, ws.scanning.scan, printed.built.round_id, [tmp_path])
    from tests.helpers.builders import build_round

    keyed = build_round(ws, RoundKind.APPROVAL, meeting=printed.built.meeting, printed=2)
    err = expect_error(ws, ErrorCode.INVALID_INPUT, ws.scanning.scan, keyed.round_id, [tmp_path])
    assert "bố cục phiếu" in err.message


def test_a_queue_row_edited_behind_the_app_is_never_decided_on(ws: Workspace, tmp_path: Path) -> None:
    """An intruder flips what was read in the file (a clear box to "marked", or swaps the image): the
    decision is refused as tampering, and nothing is counted."""
    printed = sc.printed_round(ws, tmp_path / "in", nominees=3, count=2)
    rid = printed.built.round_id
    inks = [sc.Ink.SMUDGE, sc.Ink.CROSS, sc.Ink.EMPTY] + [sc.Ink.CROSS, sc.Ink.EMPTY, sc.Ink.EMPTY] * 2
    sc.write_scans(printed, tmp_path / "scans", plan=lambda _i, _r: list(inks), ballots=[0])
    assert ws.scanning.scan(rid, [tmp_path / "scans"]).queued == 1
    (item,) = ws.scanning.queue(rid)
    for edit in (
        "UPDATE scan_queue SET reading = replace(reading, '\"unmarked\"', '\"marked\"')",
        "UPDATE scan_queue SET image = x'89504e47'",
    ):
        with sqlite3.connect(ws.path) as conn:
            original = conn.execute("SELECT reading, image FROM scan_queue").fetchone()
            conn.execute(edit)
        err = expect_error(ws, ErrorCode.AUDIT_BROKEN, ws.scanning.decide, [item.id], {(item.id, 0): False})
        assert f"tờ quét số {item.id}" in err.message
        assert not ws.audit.verify().ok  # the queue is sealed in the audit chain like every other table
        with sqlite3.connect(ws.path) as conn:
            conn.execute("UPDATE scan_queue SET reading = ?, image = ?", original)
        assert ws.audit.verify().ok
    assert ws.counting.ballots(rid) == []
    assert ws.scanning.decide([item.id], {(item.id, 0): False}).validity.valid
