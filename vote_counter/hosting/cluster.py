"""One hall's PostgreSQL cluster in a folder: made on the first run, reused after, started and stopped.

DIR holds `kiemphieu-host.json` (the roles, their generated passwords, the database name: owner-only), and
`pgdata/` (the cluster). A folder with other things in it is refused: the host never initialises a cluster over
someone's files. The server listens on one address; pg_hba.conf lets the application's role in from that
address's network only, and the administrator role from that address only, both with scram-sha-256.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vote_counter.hosting import server
from vote_counter.hosting.server import Listen, RunAs, ServerError

if TYPE_CHECKING:
    import psycopg

CREDENTIALS = "kiemphieu-host.json"
MARKER = ".kiemphieu-host"  # written first: a folder with it and no credentials is our own unfinished first run
PGDATA = "pgdata"
SETTINGS = "kiemphieu.conf"
DEFAULT_PORT = 5432
ADMIN = "kp_admin"
APP = "kp_app"
DATABASE = "kiemphieu"


@dataclass(frozen=True)
class Credentials:
    admin_user: str
    admin_password: str
    app_user: str
    app_password: str
    database: str

    def url(self, address: str, port: int, *, admin: bool = False, database: str | None = None) -> str:
        user, password = (self.admin_user, self.admin_password) if admin else (self.app_user, self.app_password)
        host = server.url_host(address)
        return f"postgresql+psycopg://{user}:{password}@{host}:{port}/{database or self.database}"


@dataclass(frozen=True)
class Cluster:
    folder: Path
    credentials: Credentials
    run_as: RunAs | None
    created: bool  # this run made it (the schema is then made too)

    @property
    def pgdata(self) -> Path:
        return self.folder / PGDATA

    @property
    def log(self) -> Path:
        return self.pgdata / "server.log"


def prepare(folder: Path) -> Cluster:
    """The cluster in `folder`, made (initdb) if this is the first run; refuses a folder we cannot write or that
    holds something else."""
    folder = folder.expanduser().absolute()
    if folder.exists() and not folder.is_dir():
        raise ServerError("dir_foreign", path=str(folder))
    if not server.writable_folder(folder):
        raise ServerError("dir_not_writable", path=str(folder))
    run_as = server.service_account()
    if run_as is not None:  # every run: the app (and its binaries) may have been reinstalled since
        server.let_run_binaries(server.binaries_folder())
        server.let_through(folder)
    creds_file = folder / CREDENTIALS
    if creds_file.exists():
        return Cluster(folder, _read_credentials(creds_file), run_as, created=False)
    names = {p.name for p in folder.iterdir()}
    if names and MARKER not in names:
        raise ServerError("dir_foreign", path=str(folder))
    (folder / MARKER).write_text("Kiểm Phiếu: máy chủ hội trường (PostgreSQL)\n", encoding="utf-8")
    server.remove_tree(folder / PGDATA)  # an unfinished first run of ours
    creds = Credentials(ADMIN, server.new_password(), APP, server.new_password(), DATABASE)
    _initdb(folder, creds, run_as)
    cluster = Cluster(folder, creds, run_as, created=True)
    return cluster


def remember(cluster: Cluster) -> None:
    """Write the credentials: the last step of a first run (a run stopped before it starts over)."""
    server.write_private(cluster.folder / CREDENTIALS, json.dumps(asdict(cluster.credentials), indent=2) + "\n")


def read_credentials(folder: Path) -> Credentials:
    """The credentials of the host whose data folder is `folder` (restore runs on the host laptop with them):
    "dir_foreign" when the folder is not one."""
    path = folder.expanduser().absolute() / CREDENTIALS
    if not path.is_file():
        raise ServerError("dir_foreign", path=str(path.parent))
    return _read_credentials(path)


def _read_credentials(path: Path) -> Credentials:
    if not server.private_enough(path):
        raise ServerError("secret_file", path=str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Credentials(**{k: str(data[k]) for k in Credentials.__dataclass_fields__})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ServerError("dir_foreign", path=str(path.parent)) from exc


def _initdb(folder: Path, creds: Credentials, run_as: RunAs | None) -> None:
    pgdata = folder / PGDATA
    pgdata.mkdir(mode=0o700)
    pwfile = folder / ".pwfile"
    server.write_private(pwfile, creds.admin_password + "\n")
    if run_as is not None:
        server.hand_over(pgdata, run_as)
        server.hand_over(pwfile, run_as)
    try:
        done = server.run_tool(
            [
                str(server.tool("initdb")),
                "-D",
                str(pgdata),
                "-U",
                creds.admin_user,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ],
            run_as,
        )
    finally:
        pwfile.unlink(missing_ok=True)
    if done.returncode != 0:
        raise ServerError("initdb_failed", detail=(done.stderr or done.stdout).strip()[-600:])
    conf = pgdata / "postgresql.conf"
    with conf.open("a", encoding="utf-8") as f:
        f.write(f"\ninclude_if_exists = '{SETTINGS}'\n")


def configure(cluster: Cluster, listen: Listen, port: int) -> None:
    """Where it listens and who may connect: written at every start (a new --listen takes effect)."""
    pgdata = cluster.pgdata
    settings = (
        f"listen_addresses = '{listen.address}'\n"
        f"port = {port}\n"
        "unix_socket_directories = ''\n"  # TCP only: the same on Windows, no socket folder to own
        "password_encryption = 'scram-sha-256'\n"
        "max_connections = 60\n"
        "shared_buffers = 64MB\n"
        "logging_collector = off\n"
    )
    own = "/32" if ":" not in listen.address else "/128"
    creds = cluster.credentials
    hba = (
        "# Kiểm Phiếu: written by `vote-counter host` at each start\n"
        f"host all {creds.admin_user} {listen.address}{own} scram-sha-256\n"
        f"host all {creds.app_user} {listen.network} scram-sha-256\n"
    )
    for name, text in ((SETTINGS, settings), ("pg_hba.conf", hba)):
        target = pgdata / name
        target.write_text(text, encoding="utf-8")
        if cluster.run_as is not None:
            server.hand_over(target, cluster.run_as, reach=False)


def running(cluster: Cluster) -> bool:
    done = server.run_tool([str(server.tool("pg_ctl")), "status", "-D", str(cluster.pgdata)], cluster.run_as)
    return done.returncode == 0


def start(cluster: Cluster, listen: Listen, port: int) -> None:
    """Start the server (stopping first one left running on this folder by a host that was killed)."""
    if running(cluster):
        stop(cluster)
    if not server.port_free(listen.address, port):
        raise ServerError("port_in_use", address=listen.address, port=port)
    configure(cluster, listen, port)
    done = server.run_tool(
        [str(server.tool("pg_ctl")), "start", "-w", "-t", "60", "-D", str(cluster.pgdata), "-l", str(cluster.log)],
        cluster.run_as,
    )
    if done.returncode != 0:
        raise ServerError("start_failed", detail=_log_tail(cluster) or done.stdout.strip())


def stop(cluster: Cluster) -> None:
    """A fast shutdown: open transactions roll back, everything committed is on the disk."""
    server.run_tool(
        [str(server.tool("pg_ctl")), "stop", "-m", "fast", "-w", "-t", "60", "-D", str(cluster.pgdata)], cluster.run_as
    )


def _log_tail(cluster: Cluster) -> str:
    try:
        lines = cluster.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-5:])


def bootstrap(cluster: Cluster, listen: Listen, port: int) -> None:
    """First run: the application's login role and the database (owned by the administrator, so the app's role
    can be refused UPDATE and DELETE on the audit log)."""
    from psycopg import sql  # imported when hosting, not with every command

    creds = cluster.credentials
    with admin_connect(creds, listen.address, port, "postgres") as conn:
        conn.autocommit = True
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (creds.app_user,)).fetchone()
        if exists is None:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(creds.app_user), sql.Literal(creds.app_password)
                )
            )
        have_db = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (creds.database,)).fetchone()
        if have_db is None:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(creds.database), sql.Identifier(creds.admin_user)
                )
            )


def admin_connect(creds: Credentials, address: str, port: int, database: str) -> psycopg.Connection[tuple[object, ...]]:
    """The administrator's connection, waiting up to 30 s for a server that is still starting."""
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            return psycopg.connect(
                host=address, port=port, user=creds.admin_user, password=creds.admin_password, dbname=database
            )
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
