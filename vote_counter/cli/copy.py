"""`vote-counter copy --from FILE --to URL`: a meeting's SQLite file into the hall's PostgreSQL (issue 16)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from vote_counter.services.copy_db import copy_database
from vote_counter.storage.pg_engine import safe


def add_command(sub: Any) -> None:
    s = sub.add_parser("copy", help="chép toàn bộ tệp dữ liệu SQLite sang máy chủ hội trường (PostgreSQL trống)")
    s.add_argument("--from", dest="source", required=True, metavar="TỆP", help="tệp dữ liệu SQLite (.sqlite3)")
    s.add_argument(
        "--to", dest="target", required=True, metavar="URL", help="postgresql+psycopg://… (dòng KP_DB của lệnh host)"
    )
    s.set_defaults(func=cmd_copy, needs_workspace=False)


def cmd_copy(_ws: object, args: argparse.Namespace) -> int:
    done = copy_database(Path(args.source), args.target)
    total = sum(done.rows.values())
    sys.stdout.write(
        f"Đã chép {total} dòng ({done.entries} dòng nhật ký) từ {args.source} sang {safe(args.target)}; "
        f"đầu chuỗi nhật ký của tệp: {done.head[:16]}…\n"
    )
    return 0
