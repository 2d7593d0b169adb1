"""Kết quả: the round's Result as the board will read it out and sign it (SPEC §4, §7)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.model import Mode, Reason
from vote_counter.domain.rules import Problem, ProblemCode, Result
from vote_counter.ui import texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.models import ResultsModel
from vote_counter.ui.pages.base import Page
from vote_counter.ui.projector import ProjectorView
from vote_counter.ui.recount_check import RecountCheck
from vote_counter.ui.widgets import allow, heading

RED = "color: #c00000; font-weight: bold;"


def problem_text(problem: Problem, names: dict[object, str]) -> str:
    return texts.PROBLEM[problem.code].format(
        expected=problem.expected, actual=problem.actual, name=names.get(problem.nominee_id, "")
    )


class ResultsPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.projector: ProjectorView | None = None
        self.title = heading("", size_delta=4)
        self.watermark = QLabel(texts.TEST_WATERMARK)
        self.watermark.setStyleSheet(RED)
        self.summary = QLabel()
        self.quorum = QLabel()
        self.quorum.setStyleSheet(RED + " font-size: 13pt; background: #ffdede; padding: 4px;")
        self.reasons = QLabel()
        self.base = heading("", size_delta=1)
        self.model = ResultsModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.tie = QLabel(texts.TIE)
        self.tie.setStyleSheet("background: #fff3b0; color: #6b4e00; font-weight: bold; padding: 4px;")
        self.problems = QListWidget()
        self.problems.setMaximumHeight(100)
        self.problems.setStyleSheet("QListWidget { color: #c00000; font-weight: bold; }")
        self.problems_title = QLabel()
        self.refresh_button = QPushButton(texts.RESULTS_REFRESH)
        self.refresh_button.clicked.connect(self.refresh)
        self.project_button = QPushButton(texts.PROJECT)
        self.project_button.clicked.connect(self.open_projector)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.project_button)
        self.recount = RecountCheck(ctx)
        buttons.addWidget(self.recount, 1)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.watermark)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.quorum)
        layout.addWidget(self.reasons)
        layout.addWidget(self.base)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.tie)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        self._result: Result | None = None

    def refresh(self) -> None:
        rid = self.ctx.round_id
        result = self.ctx.workspace.counting.result(rid) if rid is not None else None
        self._result = result
        self.model.set_result(result)
        if result is None:
            for label in (self.title, self.summary, self.quorum, self.reasons, self.base, self.problems_title):
                label.setText("")
            self.problems.clear()
            self.problems.hide()
            self.tie.hide()
            self.watermark.hide()
            allow(self.project_button, False, texts.WHY_NO_ROUND)
            return
        r = result.round
        self.title.setText(f"{r.title} — {texts.KIND[r.kind]}")
        self.watermark.setVisible(r.mode is Mode.TEST)
        self.summary.setText(
            texts.SUMMARY.format(
                s=result.summoned,
                p=result.present,
                absent=result.absent,
                i=result.issued,
                c=result.collected,
                v=result.valid,
                x=result.invalid,
            )
        )
        self.quorum.setVisible(not result.quorum)
        self.quorum.setText(texts.NO_QUORUM.format(p=result.present, s=result.summoned))
        reasons = [
            f"{texts.INVALID_REASON[reason]}: {result.invalid_reasons[reason]}"
            for reason in Reason
            if result.invalid_reasons.get(reason)
        ]
        self.reasons.setVisible(bool(reasons))
        self.reasons.setText(texts.INVALID_REASONS.format(reasons="; ".join(reasons)))
        self.base.setText(f"{texts.BASE_HEADING[result.base]} ({result.base_value})")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if self.model.columnCount():
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tie.setVisible(result.tie)
        names: dict[object, str] = {n.nominee_id: n.name for n in result.nominees}
        blocking = [problem_text(p, names) for p in result.problems if p.code is not ProblemCode.NO_QUORUM]
        if r.counts.collected is None:  # nothing to reconcile against: the figures cannot be said to agree
            blocking.insert(0, texts.C_MISSING)
        if r.double_entry and r.id is not None and (diffs := self.ctx.workspace.counting.pass_differences(r.id)):
            blocking.append(texts.PASSES_DISAGREE.format(n=len(diffs)))
        self.problems.clear()
        self.problems.addItems(blocking)
        self.problems.setVisible(bool(blocking))
        self.problems_title.setText(texts.PROBLEMS if blocking else texts.NO_PROBLEMS)
        self.problems_title.setStyleSheet(RED if blocking else "color: #0b5d1e;")
        allow(self.project_button, r.announced, texts.WHY_NOT_ANNOUNCED, texts.PROJECT_TIP)

    def problem_lines(self) -> list[str]:
        return [self.problems.item(i).text() for i in range(self.problems.count())]

    def open_projector(self) -> None:
        if self._result is None or not self._result.round.announced:
            return
        if self.projector is not None:
            self.projector.close()
        self.projector = ProjectorView(self._result)
        self.projector.destroyed.connect(self._projector_gone)
        self.projector.showFullScreen()

    def _projector_gone(self) -> None:
        self.projector = None
