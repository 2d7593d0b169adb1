"""Gộp máy thứ hai: a second counting laptop's entries package into this round (exchange/merge.py).

The package's key must be known here. The first time a station's key is seen, the board is asked, trust on
first use (services/pairing.py): either a member types the fingerprint read off the other station's screen
(compared by the service: a wrong one imports nothing), or the chair and another member confirm the key
together. Either way the key is paired (logged) and not asked again. This panel also writes this station's
own entries package for the other one, and shows this station's fingerprint to read out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.model import RoundId, Stage
from vote_counter.domain.serials import format_serial
from vote_counter.exchange.commands import IMPORT_MODES
from vote_counter.services.accounts import Approval
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.ui import dialogs, sign_in, texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.jobs import JobContext
from vote_counter.ui.pages.base import Page, stage_block
from vote_counter.ui.pages.minutes_page import choose_folder

if TYPE_CHECKING:
    from vote_counter.exchange.merge import ImportReport

from vote_counter.ui.widgets import StatusLine, allow, button_row

FINGERPRINT, TWO_MEMBERS = "fingerprint", "two_members"
SECOND_PASS, ADDITIONAL = IMPORT_MODES  # exchange.merge.ImportMode, without loading the package libraries yet


class TrustDialog(QDialog):
    """The unknown key's fingerprint, and how the board confirms it is the other station's."""

    def __init__(self, fingerprint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(texts.TRUST_TITLE)
        self.choice: str | None = None
        intro = QLabel(texts.TRUST_INTRO)
        intro.setWordWrap(True)
        # Large, in groups of four, to be read aloud against the other station's screen.
        self.shown = QLabel(" ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4)))
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(self.font().pointSizeF(), 9.0) * 1.6)
        font.setBold(True)
        self.shown.setFont(font)
        self.shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        after = QLabel(texts.TRUST_AFTER)
        after.setWordWrap(True)
        self.typed = QLineEdit()
        self.typed.setPlaceholderText(texts.TRUST_TYPED_HINT)
        self.compare_button = QPushButton(texts.TRUST_COMPARE)
        self.compare_button.setAutoDefault(False)
        self.compare_button.clicked.connect(self._compare)
        self.typed.returnPressed.connect(self._compare)
        self.two_button = QPushButton(texts.TRUST_TWO_MEMBERS)
        self.two_button.setAutoDefault(False)
        self.two_button.clicked.connect(self._two)
        cancel = QPushButton(texts.CANCEL)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(sign_in.ERROR_STYLE)
        self.error.hide()
        form = QFormLayout()
        form.addRow(texts.TRUST_TYPED, self.typed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.two_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.shown)
        layout.addWidget(after)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
        self.typed.setFocus()

    def _compare(self) -> None:
        if not self.typed.text().strip():
            self.error.setText(texts.TRUST_TYPE_FIRST)
            self.error.show()
            return
        self.choice = FINGERPRINT
        self.accept()

    def _two(self) -> None:
        self.choice = TWO_MEMBERS
        self.accept()


class MergePanel(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.choose_folder = choose_folder  # hook the tests replace
        self.status = StatusLine()

        receive = QGroupBox(texts.MERGE_IMPORT_GROUP)
        hint = QLabel(texts.MERGE_IMPORT_HINT)
        hint.setWordWrap(True)
        self.mode = QComboBox()
        self.mode.addItem(texts.MERGE_MODE_SECOND, SECOND_PASS)
        self.mode.addItem(texts.MERGE_MODE_ADDITIONAL, ADDITIONAL)
        self.import_button = QPushButton(texts.MERGE_IMPORT)
        self.import_button.clicked.connect(self.import_package)
        iform = QFormLayout(receive)
        iform.addRow(hint)
        iform.addRow(texts.MERGE_MODE, self.mode)
        iform.addRow(button_row(self.import_button))

        send = QGroupBox(texts.MERGE_EXPORT_GROUP)
        self.fingerprint = QLabel()
        self.fingerprint.setWordWrap(True)
        self.pass_no = QSpinBox()
        self.pass_no.setRange(1, 2)
        self.pass_no.setMaximumWidth(80)
        self.export_button = QPushButton(texts.MERGE_EXPORT)
        self.export_button.clicked.connect(self.export_package)
        eform = QFormLayout(send)
        eform.addRow(self.fingerprint)
        eform.addRow(texts.MERGE_PASS, self.pass_no)
        eform.addRow(button_row(self.export_button))

        layout = QVBoxLayout(self)
        layout.addWidget(receive)
        layout.addWidget(send)
        layout.addStretch(1)
        layout.addWidget(self.status)

    def refresh(self) -> None:
        round_ = self.ctx.round()
        why = stage_block(round_.stage if round_ else None, Stage.COUNTING, template=texts.WHY_NOT_COUNTING_MERGE)
        allow(self.import_button, why is None, why or "")
        allow(self.mode, why is None, why or "")
        allow(self.export_button, round_ is not None, texts.WHY_NO_ROUND)
        from vote_counter.exchange.trust import own_fingerprint  # the signing library when first shown

        try:
            fp = own_fingerprint(self.ctx.workspace) if str(self.ctx.workspace.path) != ":memory:" else "—"
        except ServiceError:  # no key can be made beside the database (a read-only folder): said when writing
            fp = "—"
        self.fingerprint.setText(texts.MERGE_OWN_FINGERPRINT.format(fingerprint=fp))

    # ------------------------------------------------------------ receiving
    def import_package(self) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        folder = self.choose_folder(self, None)
        if folder is None:
            return
        self._run_import(RoundId(rid), folder, str(self.mode.currentData()), None, None)

    def _run_import(
        self, rid: RoundId, folder: Path, mode: str, expected: str | None, approval: Approval | None
    ) -> None:
        def work(job: JobContext) -> ImportReport:
            from vote_counter.exchange.merge import import_entries  # the package libraries on first use

            assert job.workspace is not None
            return import_entries(
                job.workspace,
                rid,
                folder,
                mode,
                expected_fingerprint=expected,
                trust_new_key=approval is not None,
                auth=approval,
            )

        def failed(message: str) -> None:
            self.status.show_error(message)

        runner = self.ctx.jobs
        first_time = expected is None and approval is None
        # An unknown key the first time: the question, instead of the message box.
        runner.run(
            texts.JOB_MERGE,
            work,
            self._imported,
            failed=failed,
            disable=(self.import_button,),
            intercept=(lambda exc: self._unknown_key(rid, folder, mode, exc)) if first_time else None,
        )

    def _unknown_key(self, rid: RoundId, folder: Path, mode: str, exc: BaseException) -> bool:
        if not isinstance(exc, ServiceError) or exc.code is not ErrorCode.UNKNOWN_KEY:
            return False
        fingerprint = str(exc.details.get("fingerprint", "?"))
        dialog = TrustDialog(fingerprint, self)
        if not sign_in.run_dialog(dialog) or dialog.choice is None:
            self.status.show_error(texts.TRUST_REFUSED.format(fingerprint=fingerprint))
            return True
        if dialog.choice == FINGERPRINT:
            self._run_import(rid, folder, mode, dialog.typed.text().strip(), None)
            return True
        ws, mid = self.ctx.workspace, self.ctx.meeting_id
        approval = (
            sign_in.ask_approval(self, ws, mid, texts.ACTION_TRUST_KEY.format(fingerprint=fingerprint))
            if mid is not None and sign_in.needs_accounts(ws, mid)
            else None
        )
        if approval is None:
            self.status.show_error(texts.TRUST_NEEDS_TWO)
            return True
        self._run_import(rid, folder, mode, None, approval)
        return True

    def _imported(self, report: ImportReport) -> None:
        lines = [texts.MERGE_DONE.format(count=report.recorded, fingerprint=report.fingerprint or "?")]
        if report.overlaps:
            shown = ", ".join(format_serial(s) for s in report.overlaps[:20])
            lines.append(texts.MERGE_OVERLAPS.format(count=len(report.overlaps), serials=shown))
        for item in report.rejected[:20]:
            lines.append(texts.MERGE_REJECTED.format(serial=format_serial(item.serial), message=item.message))
        self.status.report("\n".join(lines), not report.rejected)
        self.ctx.changed()
        if report.rejected:
            dialogs.show_info(self, texts.MERGE_TITLE, "\n".join(lines))

    # ------------------------------------------------------------ sending
    def export_package(self) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        folder = self.choose_folder(self, None)
        if folder is None:
            return
        pass_no = self.pass_no.value()

        def work(job: JobContext) -> Path:
            from vote_counter.exchange.merge import export_entries

            assert job.workspace is not None
            return export_entries(job.workspace, RoundId(rid), folder, pass_no=pass_no)

        self.ctx.jobs.run(
            texts.JOB_MERGE_EXPORT,
            work,
            lambda path: self.status.show_ok(texts.MERGE_EXPORTED.format(folder=path)),
            failed=self.status.show_error,
            disable=(self.export_button,),
        )
