"""The bundled pg_restore, run into a scratch database (services/pg_restore_plan.py), and what its failures mean
in Vietnamese.

pg_restore speaks English ("pg_restore: error: input file does not appear to be a valid archive"), in the words
of PostgreSQL's developers: the board reads a sentence that says what went wrong with their file, and the tool's
own last line follows only as a detail line ("Chi tiết: …") for whoever supports them.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from vote_counter.hosting import cluster, server
from vote_counter.i18n import N_, _
from vote_counter.services.errors import ErrorCode, ServiceError

# What pg_restore's last line says, in the order checked (the first match wins), and its Vietnamese sentence.
NOT_A_DUMP = N_("tệp sao lưu hỏng hoặc không phải tệp pg_dump")
TRUNCATED = N_("tệp sao lưu bị cắt ngắn hoặc hỏng, có thể chưa chép hết")
NEWER_FORMAT = N_("tệp sao lưu do phiên bản PostgreSQL mới hơn tạo ra")
NO_SERVER = N_("không kết nối được máy chủ cơ sở dữ liệu")
NOT_RESTORED = N_("máy chủ không nạp được nội dung của tệp sao lưu")
UNREADABLE = N_("pg_restore không đọc được tệp sao lưu")
NOT_RUN = N_("không chạy được công cụ pg_restore đi kèm phần mềm")
_MEANINGS = (
    (("unsupported version",), NEWER_FORMAT),
    (
        (
            "does not appear to be a valid",
            "too short",
            "did not find magic string",
            "text format dump",
            "not a valid archive",
            "unrecognized file format",
        ),
        NOT_A_DUMP,
    ),
    (("end of file", "could not read", "unexpected end", "corrupt", "uncompress", "decompress"), TRUNCATED),
    (("connection to server", "could not connect", "password authentication", "timeout expired"), NO_SERVER),
    (("could not execute query", "error from toc entry"), NOT_RESTORED),
)


def meaning(said: str) -> str:
    """The Vietnamese sentence (in the language in use) for pg_restore's output `said`."""
    lowered = said.lower()
    for words, sentence in _MEANINGS:
        if any(w in lowered for w in words):
            return _(sentence)
    return _(UNREADABLE)


def last_line(said: str) -> str:
    lines = [line.strip() for line in said.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "?"


def restore_into(credentials: cluster.Credentials, address: str, port: int, database: str, backup: Path) -> None:
    """pg_restore `backup` into `database` as the administrator, in one transaction (an error restores nothing).
    Raises BACKUP_INVALID with a Vietnamese sentence and the tool's own line as the detail line."""
    env = {**os.environ, "PGPASSWORD": credentials.admin_password, "PGCONNECT_TIMEOUT": "5"}
    args = [
        str(server.tool("pg_restore")),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--host",
        address,
        "--port",
        str(port),
        "--username",
        credentials.admin_user,
        "--dbname",
        database,
        str(backup),
    ]
    try:
        done = server.run_tool(args, None, timeout=600, env=env)
    except (OSError, subprocess.SubprocessError, server.ServerError) as exc:
        raise ServiceError(ErrorCode.BACKUP_INVALID, name=backup.name, detail=_(NOT_RUN), raw=str(exc)) from exc
    if done.returncode != 0:
        said = done.stderr or done.stdout or ""
        raise ServiceError(ErrorCode.BACKUP_INVALID, name=backup.name, detail=meaning(said), raw=last_line(said))
