"""Kết thúc kiểm phiếu, first step: the full recount of every entered ballot, in the background (issue 15).

Closing compares the persisted running totals with a recount of every ballot (services/stages.py). Here the
recount runs as a window job (ui/jobs.py: its own thread and connection, a progress dialog "Đang kiểm lại từng
phiếu… 4.000 / 11.000" with "Hủy"; Esc presses it), while the window keeps painting and its timers keep running.
The stage buttons are greyed meanwhile and a second start is refused. What it measured (a VerifiedTotals) goes
to the blockers list and to the close itself, which take it in place of their own recount only if the file still
holds exactly what it counted (services/close_verify.py); a ballot saved in between by another station makes the
close count again (correct, only slower).

The caller waits for the outcome in a local event loop, so the closing steps stay in order (recount, blockers,
confirmation, two passphrases, close) as one call, and the window stays responsive throughout.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QWidget

from vote_counter.domain.model import RoundId
from vote_counter.services.close_verify import VerifiedTotals
from vote_counter.ui import texts
from vote_counter.ui.jobs import JobContext, JobRunner


class RecountStopped(Exception):
    """The board pressed "Hủy" (or Esc): the recount stops at its next progress report."""


@dataclass(frozen=True)
class Outcome:
    verified: VerifiedTotals | None = None  # set when the recount ran to the end
    message: str = ""  # why there is none: stopped, failed, or another job running

    @property
    def ok(self) -> bool:
        return self.verified is not None


def recount_before_close(runner: JobRunner, round_id: RoundId, disable: Sequence[QWidget] = ()) -> Outcome:
    """Run the recount as a job and wait for it with the event loop running; `disable` greyed meanwhile."""
    stop = threading.Event()
    loop = QEventLoop()
    outcome: list[Outcome] = []

    def work(ctx: JobContext) -> VerifiedTotals:
        assert ctx.workspace is not None

        def progress(done: int, total: int) -> None:
            if stop.is_set():
                raise RecountStopped
            ctx.progress(done, total)

        return ctx.workspace.stages.verify_totals(round_id, progress)

    def finish(result: Outcome) -> None:
        outcome.append(result)
        loop.quit()

    def intercept(exc: BaseException) -> bool:
        if not isinstance(exc, RecountStopped):
            return False
        finish(Outcome(message=texts.CLOSE_RECOUNT_STOPPED))
        return True

    started = runner.run(
        texts.JOB_CLOSE_RECOUNT,
        work,
        lambda verified: finish(Outcome(verified)),
        failed=lambda message: finish(Outcome(message=texts.CLOSE_RECOUNT_FAILED.format(detail=message))),
        disable=disable,
        intercept=intercept,
        cancel=stop.set,
    )
    if not started:  # another job is running: the runner said so on its dialog
        return Outcome(message="")
    if not outcome:
        loop.exec()
    return outcome[0]
