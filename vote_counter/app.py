"""Composition root: the GUI on a database file (the default one in the user's data folder)."""

from __future__ import annotations

from pathlib import Path


def run(db: Path | None) -> int:
    from vote_counter.ui.app import run_gui

    return run_gui(db)
