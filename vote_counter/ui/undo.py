"""Undo and redo as QUndoCommands that call the services (STYLE habit 7).

A command is pushed after its first action has succeeded (the service may refuse), so its first
redo() does nothing. Undo of a save voids the ballot with the reason "Hoàn tác"; redo restores it.
Undo of a correction corrects it back. Every step goes through a service and so into the audit log.
A service refusal during undo/redo (e.g. the round was closed meanwhile) is reported in the status
line and the command is dropped from the stack (made obsolete), so it cannot be half-applied twice.
Voiding needs the chair and another member (SPEC §9): `approve` asks them, or returns None when the
meeting has no accounts, and raises ServiceError when they do not confirm. A step the two people did not
approve (Escape, "Không", a wrong passphrase) changed nothing and stays where it was: `undo_step`/`redo_step`
put QUndoStack's index back, so the next Ctrl+Z asks again instead of sending the board to the find panel.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from vote_counter.domain.model import BallotId, BallotMarks
from vote_counter.services.accounts import Approval
from vote_counter.services.counting import CountingService
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.ui import texts

Report = Callable[[str, bool], None]  # (message, ok)
Approve = Callable[[str], Approval | None]  # (what is being done) → the two people's credentials

# Refusals that mean "the people did not approve": nothing was done, the step is kept for another try.
NOT_APPROVED = frozenset(
    {
        ErrorCode.NEEDS_CHAIR,
        ErrorCode.NEEDS_SECOND_MEMBER,
        ErrorCode.WRONG_PASSPHRASE,
        ErrorCode.LOCKED_OUT,
        ErrorCode.NOT_SIGNED_IN,
        ErrorCode.NO_PASSPHRASE,
    }
)


def no_approval(_action: str) -> Approval | None:
    return None


def _what(action: str, marks_text: str) -> str:
    """What a step did, with the marks it saved, so that the undo message says which ballot and what was on it."""
    return texts.UNDO_WITH_MARKS.format(action=action, marks=marks_text) if marks_text else action


class _ServiceCommand(QUndoCommand):
    def __init__(self, counting: CountingService, text: str, report: Report) -> None:
        super().__init__(text)
        self._counting = counting
        self._report = report
        self._skip = True  # pushed after its action succeeded: the first redo() has nothing to do
        self.kept = False  # the last undo/redo was not approved: nothing changed, the step stays

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._run(self._do, texts.REDONE, texts.REDO_KEPT)

    def undo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._run(self._undo, texts.UNDONE, texts.UNDO_KEPT)

    def _run(self, action: Callable[[], None], template: str, kept: str) -> None:
        self.kept = False
        try:
            action()
        except ServiceError as exc:
            if exc.code in NOT_APPROVED:
                self.kept = True
                self._report(kept.format(message=exc.message), False)
            else:
                self.setObsolete(True)
                self._report(exc.message, False)
            return
        self._report(template.format(what=self.text()), True)

    def step_back_silently(self, stack: QUndoStack, forward: bool) -> None:
        """QUndoStack moved its index past a step that did not happen: move it back without running the step."""
        self.kept = False
        self._skip = True
        if forward:
            stack.redo()
        else:
            stack.undo()

    def _do(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class SaveBallotCommand(_ServiceCommand):
    def __init__(
        self,
        counting: CountingService,
        ballot_id: BallotId,
        serial: str,
        report: Report,
        approve: Approve = no_approval,
        *,
        marks_text: str = "",
    ) -> None:
        super().__init__(counting, _what(texts.UNDO_SAVE.format(serial=serial), marks_text), report)
        self.ballot_id = ballot_id
        self._approve = approve

    def _do(self) -> None:
        self._counting.restore(self.ballot_id, texts.REDO_REASON)

    def _undo(self) -> None:
        self._counting.void(self.ballot_id, texts.UNDO_REASON, auth=self._approve(self.text()))


class CorrectBallotCommand(_ServiceCommand):
    def __init__(
        self,
        counting: CountingService,
        ballot_id: BallotId,
        serial: str,
        before: BallotMarks,
        after: BallotMarks,
        reason: str,
        report: Report,
        *,
        marks_text: str = "",
    ) -> None:
        super().__init__(counting, _what(texts.UNDO_CORRECT.format(serial=serial), marks_text), report)
        self.ballot_id = ballot_id
        self._before, self._after, self._reason = before, after, reason

    def _do(self) -> None:
        self._counting.correct(self.ballot_id, self._after, f"{texts.REDO_REASON}: {self._reason}")

    def _undo(self) -> None:
        self._counting.correct(self.ballot_id, self._before, texts.UNDO_REASON)


class VoidBallotCommand(_ServiceCommand):
    def __init__(
        self,
        counting: CountingService,
        ballot_id: BallotId,
        serial: str,
        reason: str,
        report: Report,
        approve: Approve = no_approval,
    ) -> None:
        super().__init__(counting, texts.UNDO_VOID.format(serial=serial), report)
        self.ballot_id = ballot_id
        self._reason = reason
        self._approve = approve

    def _do(self) -> None:
        self._counting.void(self.ballot_id, f"{texts.REDO_REASON}: {self._reason}", auth=self._approve(self.text()))

    def _undo(self) -> None:
        self._counting.restore(self.ballot_id, texts.UNDO_REASON)


def undo_step(stack: QUndoStack) -> None:
    """Ctrl+Z: undo the last step; one the people did not approve stays undoable (a second Ctrl+Z asks again)."""
    command = stack.command(stack.index() - 1)
    stack.undo()
    if isinstance(command, _ServiceCommand) and command.kept:
        command.step_back_silently(stack, forward=True)


def redo_step(stack: QUndoStack) -> None:
    """Ctrl+Y: redo the next step; one the people did not approve stays redoable."""
    command = stack.command(stack.index())
    stack.redo()
    if isinstance(command, _ServiceCommand) and command.kept:
        command.step_back_silently(stack, forward=False)
