"""The reader on real printed ballots, marked and scanned in software (tests/helpers/scan_corpus.py).

Every check compares a reading with the truth the corpus kept for each box: pen marks read as marked,
empty boxes as empty, and faint pencil, smudges and scribbles as ambiguous, never as a mark.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.helpers import scan_corpus as sc
from tests.helpers.builders import workspace_at
from vote_counter.domain.model import RoundKind
from vote_counter.scanning.images import read_pages
from vote_counter.scanning.reader import BoxState, Problem, Thresholds, read_page

LIMITS = Thresholds()


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sc.PrintedRound]:
    folder = tmp_path_factory.mktemp("reader")
    with workspace_at(folder / "kp.sqlite3") as ws:
        yield sc.printed_round(ws, folder, RoundKind.CONFIDENCE, nominees=8, count=6)


def _read(path: Path, printed: sc.PrintedRound) -> object:
    page = next(read_pages(path))
    return read_page(page.image, printed.geometry, LIMITS)


def _check(corpus: sc.Corpus, printed: sc.PrintedRound) -> list[str]:
    wrong = []
    for sheet in corpus.sheets:
        reading = _read(sheet.file, printed)
        assert not reading.problems, (sheet.file.name, reading.problems)
        assert reading.payload == printed.payloads[printed.serials.index(sheet.serial)]
        assert reading.upside_down is sheet.upside_down
        for ink, box in zip(sheet.boxes, reading.boxes, strict=True):
            expected = BoxState.MARKED if ink in sc.PEN else BoxState.AMBIGUOUS if ink in sc.DOUBTFUL else None
            if expected is not None and box.state is not expected:
                wrong.append(f"{sheet.file.name} box {box.index}: {ink} read {box.state} ({box})")
            if ink in sc.NOT_A_MARK and box.state is BoxState.MARKED:
                wrong.append(f"{sheet.file.name} box {box.index}: {ink} read as a mark ({box})")
            if ink is sc.Ink.EMPTY and box.state is not BoxState.UNMARKED:
                wrong.append(f"{sheet.file.name} box {box.index}: empty read {box.state} ({box})")
    return wrong


@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_clean_pen_marks_read_exactly_at_every_resolution(printed: sc.PrintedRound, tmp_path: Path, dpi: int) -> None:
    corpus = sc.write_scans(printed, tmp_path, dpi=dpi, seed=dpi, ballots=[0, 1])
    assert _check(corpus, printed) == []


def test_skew_scale_shift_upside_down_grey_paper_and_jpeg(printed: sc.PrintedRound, tmp_path: Path) -> None:
    """The scanner's worst: ±3°, ±2 %, shifted, every sheet upside down, dark grey paper, blur, noise, JPEG 70."""
    rough = sc.Scanner(upside_down=1.0, paper=(200, 205), jpeg=(70, 72), blur=(0.9, 1.0), noise=(5, 6))
    for seed in range(3):
        corpus = sc.write_scans(printed, tmp_path / str(seed), dpi=150, seed=seed, scanner=rough, ballots=[seed])
        assert all(s.upside_down for s in corpus.sheets)
        assert _check(corpus, printed) == []


def test_faint_pencil_smudges_erasures_and_scribbles_are_never_marks(printed: sc.PrintedRound, tmp_path: Path) -> None:
    doubtful = [sc.Ink.FAINT, sc.Ink.SMUDGE, sc.Ink.SCRIBBLE, sc.Ink.ERASURE]

    def plan(i: int, rng: random.Random) -> list[sc.Ink]:
        boxes = sc.one_per_row(8, 3, rng)
        row = i % 8  # a doubtful box in an empty slot of one row, a different kind each ballot
        empty = next(o for o in range(3) if boxes[row * 3 + o] is sc.Ink.EMPTY)
        boxes[row * 3 + empty] = doubtful[i % len(doubtful)]
        return boxes

    corpus = sc.write_scans(printed, tmp_path, dpi=200, seed=7, plan=plan, ballots=range(4))
    assert _check(corpus, printed) == []
    states = []
    for sheet in corpus.sheets:
        reading = _read(sheet.file, printed)
        states += [(ink, box) for ink, box in zip(sheet.boxes, reading.boxes, strict=True) if ink in doubtful]
    assert {ink for ink, _ in states} == set(doubtful)
    for ink, box in states:
        if ink is sc.Ink.SCRIBBLE:
            assert box.crossed_out, box


def test_a_streak_from_dirty_glass_refuses_the_page(printed: sc.PrintedRound, tmp_path: Path) -> None:
    corpus = sc.write_scans(printed, tmp_path, scanner=sc.Scanner(streak=True), ballots=[0])
    reading = _read(corpus.sheets[0].file, printed)
    assert reading.problems == (Problem.STREAK,)
    assert reading.boxes == ()
    # The same sheet without the streak reads: the check is the streak, not the sheet.
    clean = sc.write_scans(printed, tmp_path / "clean", ballots=[0])
    assert _read(clean.sheets[0].file, printed).problems == ()


def test_a_dark_scanner_backing_beside_the_sheet_is_not_a_streak(printed: sc.PrintedRound, tmp_path: Path) -> None:
    corpus = sc.write_scans(printed, tmp_path, scanner=sc.CLEAN_SCANNER, ballots=[1])
    image = next(read_pages(corpus.sheets[0].file)).image
    backed = cv2.copyMakeBorder(image, 0, 0, 0, 120, cv2.BORDER_CONSTANT, value=20)  # black backing, 15 mm
    reading = read_page(backed, printed.geometry, LIMITS)
    assert reading.problems == () and reading.payload == printed.payloads[1]


def test_a_page_that_is_not_our_ballot_has_no_fiducials(printed: sc.PrintedRound, tmp_path: Path) -> None:
    blank = np.full((2339, 1654), 245, dtype=np.uint8)
    cv2.putText(blank, "Giay moi hop", (200, 400), cv2.FONT_HERSHEY_SIMPLEX, 3, 0, 5)
    reading = read_page(blank, printed.geometry, LIMITS)
    assert reading.problems == (Problem.NO_FIDUCIALS,)
    assert reading.payload is None and reading.boxes == ()


def test_a_cut_corner_leaves_the_page_to_a_person(printed: sc.PrintedRound, tmp_path: Path) -> None:
    corpus = sc.write_scans(printed, tmp_path, scanner=sc.CLEAN_SCANNER, ballots=[0])
    image = next(read_pages(corpus.sheets[0].file)).image.copy()
    image[-180:, -180:] = 255  # the bottom-right fiducial torn off
    reading = read_page(image, printed.geometry, LIMITS)
    assert reading.problems == (Problem.NO_FIDUCIALS,)
    assert reading.payload == printed.payloads[0]  # the QR is still read from the whole page


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        Thresholds(definite=0.01, marginal=0.05)
    with pytest.raises(ValueError):
        Thresholds(definite=1.5)
