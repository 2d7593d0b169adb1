"""Saving, blank ballots, set-aside, undo and redo of the entry page (SPEC §6, §9; issue 11).

Enter on a ballot with nothing keyed never saves (a scanner's extra Enter, a member following "… rồi nhấn Enter"):
Ctrl+Enter records a blank ballot on purpose. Undo and redo say which ballot and which marks, ask for the two
people the rules require (undoing a save voids the ballot), and give the focus back to the scan field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QPushButton, QWidget

from vote_counter.domain.model import BallotMarks, Nominee, Reason, Round, nfc
from vote_counter.domain.rules import Totals
from vote_counter.domain.serials import format_serial
from vote_counter.services.accounts import Approval
from vote_counter.services.counting import EnteredBallot
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.ui import sign_in, texts
from vote_counter.ui.entry_grid import EntryGrid
from vote_counter.ui.models import row_keys
from vote_counter.ui.undo import CorrectBallotCommand, SaveBallotCommand, redo_step, undo_step
from vote_counter.ui.widgets import StatusLine

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from vote_counter.ui.context import AppContext
    from vote_counter.ui.pages.entry_tabs import FindPanel


class EntrySaving:
    if TYPE_CHECKING:
        ctx: AppContext
        undo_stack: QUndoStack
        grid: EntryGrid
        scan: QLineEdit
        status: StatusLine
        write_ins: QLineEdit
        declared: dict[Reason, QCheckBox]
        set_aside_button: QPushButton
        find_panel: FindPanel
        _round: Round | None
        _serial: str | None
        _scan_text: str
        _correcting: EnteredBallot | None
        _set_aside_reason: Reason | None

        @property
        def pass_no(self) -> int: ...
        def focus_scan(self) -> None: ...
        def scan_code(self) -> str: ...
        def _close_grid(self) -> None: ...
        def refresh_totals(self, totals: Totals | None = None) -> None: ...
        def _nominees(self) -> list[Nominee]: ...

    # ------------------------------------------------------------ saving
    def _marks(self) -> BallotMarks:
        write_ins = tuple(nfc(w) for w in self.write_ins.text().split(";") if nfc(w))
        declared = frozenset(r for r, box in self.declared.items() if box.isChecked())
        return BallotMarks(self.grid.grid_model.marks(), write_ins, declared)

    def approve(self, action: str) -> Approval | None:
        """Voiding a counted ballot: the chair and another member confirm (None: the meeting has no accounts)."""
        ws, mid = self.ctx.workspace, self.ctx.meeting_id
        if mid is None or not sign_in.needs_accounts(ws, mid):
            return None
        parent = self if isinstance(self, QWidget) else None
        approval = sign_in.ask_approval(parent, ws, mid, action)
        if approval is None:
            raise ServiceError(ErrorCode.NEEDS_SECOND_MEMBER)
        return approval

    def save_blank(self) -> None:
        """Ctrl+Enter: a ballot with no marks, saved because a member chose to."""
        self.save(blank=True)

    def save(self, blank: bool = False) -> None:
        r = self._round
        if r is None or r.id is None or self._serial is None:
            self.status.show_error(texts.NOTHING_OPEN)
            self.focus_scan()
            return
        marks = self._marks()
        if not blank and not (marks.declared or marks.write_ins or any(marks.rows.values())):
            # An Enter on a ballot nobody keyed (a CR+LF scanner, a member following "… rồi nhấn Enter")
            # never saves: a blank ballot is recorded with its own key.
            self.status.show_error(texts.BLANK_NEEDS_KEY.format(serial=format_serial(self._serial)))
            QApplication.beep()
            self.grid.setFocus()
            return
        if self.grid.suspicious:
            self.grid.suspicious = False
            self.status.show_error(texts.SUSPICIOUS)
            self.grid.setFocus()
            return
        counting = self.ctx.workspace.counting
        serial = format_serial(self._serial)
        keyed = row_keys(marks, r, self._nominees())
        try:
            if self._correcting is not None:
                before = self._correcting
                counting.correct(before.id, marks, texts.CORRECTION_REASON)
                self.undo_stack.push(
                    CorrectBallotCommand(
                        counting,
                        before.id,
                        serial,
                        before.marks,
                        marks,
                        texts.CORRECTION_REASON,
                        self.report,
                        marks_text=keyed,
                    )
                )
                self.status.show_ok(texts.SAVED_CORRECTED.format(serial=serial))
                totals = None
            else:
                saved = counting.record(r.id, self._scan_text, marks, self.pass_no)
                self.undo_stack.push(
                    SaveBallotCommand(counting, saved.id, serial, self.report, self.approve, marks_text=keyed)
                )
                if saved.validity.valid:
                    self.status.show_ok(texts.SAVED_VALID.format(serial=serial))
                else:
                    reasons = ", ".join(texts.INVALID_REASON[x] for x in sorted(saved.validity.reasons))
                    self.status.show_ok(texts.SAVED_INVALID.format(serial=serial, reasons=reasons))
                totals = saved.totals
        except ServiceError as exc:
            self.status.show_error(exc.message)
            self.grid.setFocus()
            return
        self.set_aside_button.hide()
        self._close_grid()
        self.refresh_totals(totals)
        self.scan.clear()
        self.scan.setFocus()

    def cancel(self) -> None:
        if self._serial is not None:
            self.status.show_info(texts.CANCELLED.format(serial=format_serial(self._serial)))
        self._close_grid()
        self.focus_scan()

    def set_aside(self) -> None:
        r = self._round
        reason = self._set_aside_reason
        if r is None or r.id is None or reason is None:
            return
        try:
            self.ctx.workspace.counting.set_aside(r.id, reason, self.scan_code())
        except ServiceError as exc:
            self.status.show_error(exc.message)
            return
        self.status.show_ok(texts.SET_ASIDE_DONE.format(reason=texts.INVALID_REASON[reason]))
        self.set_aside_button.hide()
        self._set_aside_reason = None
        self.scan.clear()
        self.refresh_totals()
        self.scan.setFocus()

    def undo(self) -> None:
        self._history(self.undo_stack.canUndo(), lambda: undo_step(self.undo_stack), texts.NOTHING_TO_UNDO)

    def redo(self) -> None:
        self._history(self.undo_stack.canRedo(), lambda: redo_step(self.undo_stack), texts.NOTHING_TO_REDO)

    def _history(self, can: bool, step: Callable[[], None], nothing: str) -> None:
        """Undo/redo from a button or Ctrl+Z/Ctrl+Y anywhere on the page; the focus goes back to the scan field,
        except over an open ballot, which keeps it."""
        if self._serial is not None:
            self.status.show_error(texts.HISTORY_WHILE_OPEN.format(serial=format_serial(self._serial)))
            QApplication.beep()
            self.grid.setFocus()
            return
        if can:
            step()
        else:
            self.status.show_info(nothing)
        self.focus_scan()

    def report(self, message: str, ok: bool) -> None:
        self.status.report(message, ok)
        self.refresh_totals()
        self.find_panel.refresh()
