"""`vote-counter copy --from FILE --to URL`: a meeting's SQLite file into the hall's PostgreSQL (issue 16)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from vote_counter.i18n import _
from vote_counter.services.copy_db import copy_database
from vote_counter.storage.pg_engine import safe


def add_command(sub: Any) -> None:
    s = sub.add_parser("copy", help=_("chép toàn bộ tệp dữ liệu SQLite sang máy chủ hội trường (PostgreSQL trống)"))
    s.add_argument("--from", dest="source", required=True, metavar=_("TỆP"), help=_("tệp dữ liệu SQLite (.sqlite3)"))
    s.add_argument(
        "--to", dest="target", required=True, metavar="URL", help=_("postgresql+psycopg://… (dòng KP_DB của lệnh host)")
    )
    s.set_defaults(func=cmd_copy, needs_workspace=False)


def cmd_copy(_ws: object, args: argparse.Namespace) -> int:
    done = copy_database(Path(args.source), args.target)
    total = sum(done.rows.values())
    sys.stdout.write(
        _(
            "Đã chép {total} dòng ({entries} dòng nhật ký) từ {source} sang {target}; "
            "đầu chuỗi nhật ký của tệp: {head}…"
        ).format(total=total, entries=done.entries, source=args.source, target=safe(args.target), head=done.head[:16])
        + "\n"
    )
    return 0
