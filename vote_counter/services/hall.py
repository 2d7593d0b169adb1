"""The hall's shared database as the window uses it (issue 16): the connection line read and checked, the
`vote-counter host` child process's command line, this laptop's addresses, the station's name, and the periodic
"is the database still there" probe. No Qt here: ui/pages/hall_panel.py and ui/hall_status.py call these.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import unicodedata
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from vote_counter.hosting.cluster import DEFAULT_PORT
from vote_counter.hosting.server import ask_to_stop, forget_stop_file, new_stop_file, stop_steps
from vote_counter.services.errors import ErrorCode, ServiceError, storage_error
from vote_counter.services.workspace import Workspace
from vote_counter.storage import audit, pg_engine

# The host child's stop, for ui/host_child.py (hosting/server.py does the OS work).
__all__ = [
    "DEFAULT_PORT",
    "LINE_PREFIX",
    "STATION_MAX",
    "ask_to_stop",
    "forget_stop_file",
    "new_stop_file",
    "stop_steps",
]

LINE_PREFIX = "KP_DB="
STATION_MAX = 40


def parse_connection(line: str) -> str:
    """The URL in a pasted or scanned connection line (`KP_DB=postgresql+psycopg://…` or the bare URL);
    HALL_BAD_LINE for anything else (a SQLite path is opened from the File menu, not here)."""
    value = unicodedata.normalize("NFC", line).strip().strip('"').strip()
    value = value.removeprefix(LINE_PREFIX).strip()
    if not pg_engine.is_url(value) or " " in value or "@" not in value:
        raise ServiceError(ErrorCode.HALL_BAD_LINE)
    return pg_engine.normalise(value)


def kp_db_line(output: str) -> str | None:
    """The URL from the `KP_DB=…` line of `vote-counter host`'s output (None until it has printed it)."""
    for raw in output.splitlines():
        if raw.strip().startswith(LINE_PREFIX):
            return raw.strip().removeprefix(LINE_PREFIX)
    return None


def shown(url: str) -> str:
    """The connection without its password, for the screen and the status bar."""
    return pg_engine.safe(url)


def probe_url(url: str) -> None:
    """Connect to the hall's database once and ask it one question; HOST_UNREACHABLE (with PostgreSQL's
    words) when it does not answer. Nothing is written."""
    engine = pg_engine.make_pg_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise storage_error(exc) from exc
    finally:
        engine.dispose()


def reachable(workspace: Workspace) -> bool:
    """Is the open database still answering? (the status bar's periodic check, run off the UI thread). A SQLite
    file is asked too: a USB stick pulled out is the same kind of loss."""
    try:
        with workspace.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def lost_connection(exc: BaseException) -> ServiceError | None:
    """HOST_UNREACHABLE when `exc` is a read or write that failed because the hall's database went away (the
    window shows it and waits for the host); None for anything else, which the caller lets through."""
    if isinstance(exc, ServiceError):
        return exc if exc.code is ErrorCode.HOST_UNREACHABLE else None
    if isinstance(exc, SQLAlchemyError):
        error = storage_error(exc)
        return error if error.code is ErrorCode.HOST_UNREACHABLE else None
    return None


def host_command(
    data: Path, listen: str, port: int = DEFAULT_PORT, stop_file: Path | None = None
) -> tuple[str, list[str]]:
    """The program and arguments that run `vote-counter host` as a child of the window: the frozen app runs
    itself, a source install runs `python -m vote_counter`. With `stop_file`, the window stops it by making
    that file (hosting/server.py: no signal reaches a console program on Windows)."""
    args = ["host", "--data", str(data), "--listen", listen, "--port", str(port)]
    if stop_file is not None:  # the window's child: stopped by the file, and ended with the window if it crashes
        args += ["--stop-file", str(stop_file), "--stop-when-input-ends"]
    if getattr(sys, "frozen", False):
        return sys.executable, args
    return sys.executable, ["-m", "vote_counter", *args]


def local_addresses() -> list[str]:
    """This laptop's IPv4 addresses, 127.0.0.1 first (only this laptop), then the ones other laptops in the hall
    can reach. Read without sending anything: the host name's addresses and the address a UDP socket would use
    for an outside route (connect() on UDP sends no packet)."""
    found: list[str] = ["127.0.0.1"]
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    except OSError:
        pass
    for target in ("10.255.255.255", "192.168.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect((target, 9))
                found.append(str(probe.getsockname()[0]))
        except OSError:
            continue
    result: list[str] = []
    for address in found:
        try:
            parsed = ipaddress.IPv4Address(address)
        except ValueError:
            continue
        if parsed.is_unspecified or (parsed.is_loopback and address != "127.0.0.1"):
            continue
        if address not in result:
            result.append(address)
    return result


def clean_station(name: str) -> str | None:
    """A station's name as typed (NFC, trimmed); None for an empty one; STATION_BAD when too long or holding
    control characters (it is written into every audit entry)."""
    value = unicodedata.normalize("NFC", name).strip()
    if not value:
        return None
    if len(value) > STATION_MAX or any(unicodedata.category(ch).startswith("C") for ch in value):
        raise ServiceError(ErrorCode.STATION_BAD, limit=STATION_MAX)
    return value


def set_station(name: str) -> str | None:
    """Name this laptop's station from now on (every audit entry it writes carries it, like --station)."""
    value = clean_station(name)
    audit.set_station(value)
    return value


def station() -> str | None:
    return audit.station()
