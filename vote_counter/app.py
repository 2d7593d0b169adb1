"""Composition root: `vote-counter` opens the window, `vote-counter COMMAND` runs a headless command,
`vote-counter --self-test` checks the installation offscreen and exits."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from vote_counter import __version__


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words == ["--version"]:
        # Answered before any command module loads: the version costs no more than starting Python (issue 15).
        sys.stdout.write(f"Kiểm Phiếu {__version__}\n")
        return 0
    from vote_counter.cli import build_parser, choose_language, explicit_language, run_command

    # --lang / KP_LANG before the parser is built: its help texts and every message follow it.
    choose_language(words)
    args = build_parser().parse_args(words)
    if args.self_test:
        return self_test()
    if args.command in (None, "gui"):
        if args.db and not args.new and not Path(args.db).exists():
            # A database given by name and missing is never replaced by a new, empty one (issue 12); the
            # welcome screen creates the default database on purpose, and --new creates this one.
            from vote_counter.i18n import _
            from vote_counter.services.errors import ErrorCode, ServiceError

            message = ServiceError(ErrorCode.DATABASE_MISSING, path=args.db).message
            sys.stderr.write(_("Lỗi: {message}").format(message=message) + "\n")
            return 2
        # The language is chosen before any window module is imported: they read the texts as they build.
        # The window speaks its saved language unless --lang or KP_LANG asks for one for this run.
        from vote_counter.ui.language import apply_saved_language, use_language

        if explicit_language(words):
            use_language(args.lang)
        else:
            apply_saved_language()
        from vote_counter.ui.app import run_gui

        return int(run_gui(Path(args.db) if args.db else None))
    return run_command(args)


def self_test() -> int:
    """Services, documents and export on a temporary database, then the window built offscreen (never shown)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from vote_counter.cli.self_test import run_self_test
    from vote_counter.i18n import N_
    from vote_counter.ui.self_check import check_window

    return run_self_test([(N_("Dựng cửa sổ chính (Qt, không hiển thị)"), check_window)])
