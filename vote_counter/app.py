"""Composition root: `vote-counter` opens the window, `vote-counter COMMAND` runs a headless command."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vote_counter.cli import build_parser, run_command


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "gui"):
        from vote_counter.ui.app import run_gui

        return int(run_gui(Path(args.db) if args.db else None))
    return run_command(args)
