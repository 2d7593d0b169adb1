"""Thử nghiệm → chính thức (SPEC §4.9, §9; services/test_mode.py): the logic-and-accuracy check of a test round.

1. a test deck: practice ballots printed into the test round's register, each with known marks, and the
   result expected of them computed independently (deck.jsonl and expected.json in a folder);
2. the deck entered into the test round (as `enter-ballots` does: the whole file checked first);
3. the test report: the round's actual result beside the expected one, as a PDF watermarked
   "THỬ NGHIỆM — KHÔNG CÓ GIÁ TRỊ";
4. going live: a new live round from the test round's set-up, counted from zero (the test round is kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.model import BallotMarks, Mode, NomineeId, RoundId, Stage
from vote_counter.services.ballot_files import PER_BALLOT, read_ballot_file
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.test_mode import (
    MAX_DECK,
    Expected,
    compare,
    go_live,
    make_test_deck,
    render_report,
    report_lines,
    write_deck,
)
from vote_counter.ui import dialogs, texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.jobs import JobContext, JobStopped
from vote_counter.ui.pages.base import Page
from vote_counter.ui.pages.minutes_page import choose_folder
from vote_counter.ui.widgets import StatusLine, allow, button_row

DECK_SEED = 2026


def choose_expected(parent: QWidget, start: Path | None) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, texts.TEST_PICK_EXPECTED, str(start or ""), texts.JSON_FILTER)
    return Path(path) if path else None


def choose_deck(parent: QWidget, start: Path | None) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, texts.TEST_PICK_DECK, str(start or ""), texts.JSONL_FILTER)
    return Path(path) if path else None


@dataclass(frozen=True)
class Entered:
    saved: int
    refused: list[str]


class GoLivePanel(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.choose_folder = choose_folder  # hooks the tests replace
        self.choose_expected = choose_expected
        self.choose_deck = choose_deck
        self._folder: Path | None = None
        self.status = StatusLine()
        self.about = QLabel()
        self.about.setWordWrap(True)

        steps = QGroupBox(texts.TEST_STEPS)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_DECK)
        self.count.setValue(20)
        self.count.setMaximumWidth(120)
        self.deck_button = QPushButton(texts.TEST_DECK)
        self.deck_button.clicked.connect(self.make_deck)
        self.enter_button = QPushButton(texts.TEST_ENTER)
        self.enter_button.clicked.connect(self.enter_deck)
        self.report_button = QPushButton(texts.TEST_REPORT)
        self.report_button.clicked.connect(self.make_report)
        self.live_button = QPushButton(texts.TEST_GO_LIVE)
        self.live_button.clicked.connect(self.go_live)
        deck_row = QHBoxLayout()
        deck_row.addWidget(QLabel(texts.TEST_COUNT))
        deck_row.addWidget(self.count)
        deck_row.addWidget(self.deck_button)
        deck_row.addStretch(1)
        form = QFormLayout(steps)
        form.addRow(texts.TEST_STEP_1, deck_row)
        form.addRow(texts.TEST_STEP_2, button_row(self.enter_button))
        form.addRow(texts.TEST_STEP_3, button_row(self.report_button))
        form.addRow(texts.TEST_STEP_4, button_row(self.live_button))
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText(texts.TEST_REPORT_EMPTY)

        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addWidget(steps)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.status)

    def refresh(self) -> None:
        round_ = self.ctx.round()
        test = round_ is not None and round_.mode is Mode.TEST
        stage = round_.stage if round_ is not None else None
        self.about.setText(texts.TEST_ABOUT if test else texts.TEST_NOT_TEST)
        not_test = texts.WHY_NO_ROUND if round_ is None else texts.WHY_NOT_TEST_ROUND
        allow(self.count, test and stage in (Stage.PREPARATION, Stage.COUNTING), not_test)
        allow(
            self.deck_button,
            test and stage in (Stage.PREPARATION, Stage.COUNTING),
            not_test if not test else texts.WHY_DECK_STAGE,
        )
        allow(self.enter_button, test and stage is Stage.COUNTING, not_test if not test else texts.WHY_ENTER_STAGE)
        allow(self.report_button, test, not_test)
        allow(self.live_button, test, not_test)

    # ------------------------------------------------------------ 1. the deck
    def make_deck(self) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        folder = self.choose_folder(self, self._folder)
        if folder is None:
            return
        self._folder = folder
        count = self.count.value()

        def work(job: JobContext) -> tuple[int, int, int, int, Path, Path]:
            assert job.workspace is not None
            deck = make_test_deck(job.workspace, RoundId(rid), count, DECK_SEED)
            deck_path, expected_path = write_deck(deck, folder)
            e = deck.expected
            return len(deck.ballots), e.collected, e.valid, e.invalid, deck_path, expected_path

        self.ctx.jobs.run(
            texts.JOB_TEST_DECK, work, self._deck_made, failed=self.status.show_error, disable=(self.deck_button,)
        )

    def _deck_made(self, made: tuple[int, int, int, int, Path, Path]) -> None:
        count, collected, valid, invalid, deck_path, expected_path = made
        self.status.show_ok(
            texts.TEST_DECK_DONE.format(
                count=count, collected=collected, valid=valid, invalid=invalid, deck=deck_path, expected=expected_path
            )
        )
        self.ctx.changed()

    # ------------------------------------------------------------ 2. entering it
    def enter_deck(self) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        path = self.choose_deck(self, self._folder)
        if path is None:
            return

        def work(job: JobContext) -> Entered:
            ws = job.workspace
            assert ws is not None
            round_ = ws.setup.round(RoundId(rid))
            nominees = ws.setup.nominees(RoundId(rid))
            by_stt = {i: NomineeId(n.id) for i, n in enumerate(nominees, start=1) if n.id is not None}
            entries = read_ballot_file(path, round_, len(nominees))  # the whole file checked before any save
            saved, refused = 0, []
            for number, item in enumerate(entries, start=1):
                try:
                    if item.set_aside is not None:
                        ws.counting.set_aside(RoundId(rid), item.set_aside, item.code)
                    else:
                        marks = BallotMarks({by_stt[k]: v for k, v in item.rows.items()}, item.write_ins, item.declared)
                        ws.counting.record(RoundId(rid), item.code, marks, pass_no=item.pass_no or 1)
                except ServiceError as exc:
                    if exc.code not in PER_BALLOT:
                        raise JobStopped(
                            texts.TEST_ENTER_STOPPED.format(line=item.line, saved=saved, error=exc.message)
                        ) from exc
                    refused.append(texts.TEST_ENTER_REFUSED.format(line=item.line, message=exc.message))
                else:
                    saved += 1
                job.progress(number, len(entries))
            return Entered(saved, refused)

        self.ctx.jobs.run(
            texts.JOB_TEST_ENTER, work, self._entered, failed=self.status.show_error, disable=(self.enter_button,)
        )

    def _entered(self, entered: Entered) -> None:
        message = texts.TEST_ENTERED.format(saved=entered.saved, refused=len(entered.refused))
        self.report.setPlainText("\n".join([message, *entered.refused]))
        self.status.report(message, not entered.refused)
        self.ctx.changed()

    # ------------------------------------------------------------ 3. the report
    def make_report(self) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        expected_path = self.choose_expected(self, self._folder)
        if expected_path is None:
            return
        out = expected_path.parent / f"BaoCaoThuNghiem_luot{rid}.pdf"

        def work(job: JobContext) -> tuple[bool, list[str], Path]:
            assert job.workspace is not None
            try:
                text = expected_path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise ServiceError(
                    ErrorCode.INVALID_INPUT, detail=texts.TEST_UNREADABLE.format(name=expected_path.name)
                ) from exc
            report = compare(job.workspace, RoundId(rid), Expected.from_json(text))
            return report.ok, report_lines(report), render_report(report, out)

        self.ctx.jobs.run(
            texts.JOB_TEST_REPORT, work, self._reported, failed=self.status.show_error, disable=(self.report_button,)
        )

    def _reported(self, reported: tuple[bool, list[str], Path]) -> None:
        ok, lines, pdf = reported
        self.report.setPlainText("\n".join(lines))
        self.status.report((texts.TEST_REPORT_OK if ok else texts.TEST_REPORT_BAD).format(path=pdf), ok)

    # ------------------------------------------------------------ 4. going live
    def go_live(self) -> None:
        round_ = self.ctx.round()
        if round_ is None or round_.id is None or round_.mode is not Mode.TEST:
            return
        if not dialogs.confirm(self, texts.TEST_GO_LIVE_TITLE, texts.TEST_GO_LIVE_CONFIRM.format(round=round_.title)):
            return
        try:
            live = go_live(self.ctx.workspace, RoundId(round_.id))
        except ServiceError as exc:
            self.status.show_error(exc.message)
            dialogs.show_error(self, exc.message)
            return
        self.ctx.structure_changed()
        self.ctx.select(live.meeting_id, live.id)
        self.status.show_ok(texts.TEST_LIVE_DONE.format(title=live.title))
