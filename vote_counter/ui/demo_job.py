"""“Mở hội nghị mẫu” as a job (issue 17): the sample meeting is built off the UI thread (about ten seconds)
under a progress dialog, and a second click while it runs is refused instead of making a second meeting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vote_counter.services.accounts import Auth
from vote_counter.services.demo import DEMO_BOARD, DemoRounds, build_demo
from vote_counter.ui import once_shown, texts
from vote_counter.ui.jobs import JobContext

if TYPE_CHECKING:
    from vote_counter.ui.main_window import MainWindow


def _work(job: JobContext) -> tuple[DemoRounds, Auth | None]:
    ws = job.workspace
    assert ws is not None
    demo = build_demo(ws, progress=job.progress)
    # build_demo signs the chair and a member in at its workspace: the window's takes them over.
    return demo, ws.access.signed_in.get(int(demo.meeting.id or 0))


def start_demo(window: MainWindow) -> bool:
    """Start building the sample meeting; False (nothing done) while another job runs."""
    return window.ctx.jobs.run(
        texts.JOB_DEMO,
        _work,
        lambda built: demo_built(window, *built),
        disable=(window.welcome.demo_button,),
    )


def demo_built(window: MainWindow, demo: DemoRounds, auth: Auth | None) -> None:
    """The sample meeting on this database, its board's passphrases shown so that the user can sign in."""
    ctx = window.ctx
    if auth is not None and demo.meeting.id is not None:
        ctx.workspace.access.remember(demo.meeting.id, auth)
    ctx.structure_changed()
    ctx.select(demo.meeting.id, demo.confidence.id)
    window.show_work()
    window.tabs.setCurrentWidget(window.results_page)
    lines = "\n".join(
        texts.DEMO_PASSPHRASE_LINE.format(name=name, role=texts.ROLE[role], passphrase=passphrase)
        for name, role, passphrase in DEMO_BOARD
    )
    once_shown.show_once(
        window,
        texts.DEMO_READY_TITLE,
        texts.DEMO_READY.format(title=demo.meeting.title),
        lines,
        texts.DEMO_READY_AFTER,
    )
