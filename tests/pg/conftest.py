"""A real PostgreSQL for the tests, started from the engine that ships with the app (no mocks, no skips).

One server per test session (initdb into a temporary folder, as the service account when the suite runs as
root, on a free loopback port), stopped at the end. Each test gets a database of its own, made by the same
code the host runs (`cli/host.open_database` does it for the hall's database): the schema, its triggers and
the application role's privileges. A server that cannot start fails the tests that need it.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine

from vote_counter.hosting import cluster, server
from vote_counter.storage import pg_engine, pg_schema

if TYPE_CHECKING:  # the window's fixtures import Qt only when a test asks for them
    from PySide6.QtWidgets import QApplication
    from pytestqt.qtbot import QtBot

    from tests.gui.conftest import FakeClock
    from vote_counter.services.workspace import Workspace
    from vote_counter.ui.main_window import MainWindow


@dataclass(frozen=True)
class Host:
    hall: cluster.Cluster
    listen: server.Listen
    port: int

    @property
    def creds(self) -> cluster.Credentials:
        return self.hall.credentials

    def url(self, database: str, *, admin: bool = False) -> str:
        return self.creds.url(self.listen.address, self.port, admin=admin, database=database)

    def admin(self, database: str = "postgres", *, autocommit: bool = False) -> psycopg.Connection[tuple[object, ...]]:
        conn = cluster.admin_connect(self.creds, self.listen.address, self.port, database)
        conn.autocommit = autocommit
        return conn


_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_host() -> Iterator[Host]:
    # Not under pytest's tmp_path: /tmp/pytest-of-root is 0700 and the service account must reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="kp-pg-tests-"))
    hall = cluster.prepare(folder / "host")
    listen = server.parse_listen("127.0.0.1")
    port = server.free_port(listen.address)
    cluster.start(hall, listen, port)
    try:
        cluster.bootstrap(hall, listen, port)
        host = Host(hall, listen, port)
        with host.admin() as conn:
            # Tests only: each test's new database is ~1,400 files that the shutdown checkpoint would fsync one by
            # one (4-13 s on this shared machine). No test here crashes the operating system, the one case fsync
            # is for; the host itself keeps PostgreSQL's default (on).
            conn.autocommit = True
            conn.execute("ALTER SYSTEM SET fsync = off")
            conn.execute("SELECT pg_reload_conf()")
        yield host
    finally:
        cluster.stop(hall)
        server.remove_tree(folder)


def create_database(host: Host, name: str) -> None:
    """An empty database `name` (dropped first if a test left one), owned by the administrator, as
    `cli/host.open_database` makes the hall's before its schema."""
    with host.admin(autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(name), sql.Identifier(host.creds.admin_user)
            )
        )


def drop_database(host: Host, name: str) -> None:
    with host.admin(autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def new_database(host: Host, name: str | None = None, ensure: Callable[..., object] = pg_schema.ensure) -> str:
    """A fresh database with the hall's schema and grants (made by `ensure`: today's, or an older version's
    from tests/pg/before_alembic.py); the application role's URL."""
    name = name or f"kp_test_{next(_numbers)}"
    create_database(host, name)
    ensure_schema(host, name, ensure)
    return host.url(name)


def ensure_schema(host: Host, name: str, ensure: Callable[..., object] = pg_schema.ensure) -> None:
    """The schema made or brought up to date in database `name` as the host does at its start: as the owner,
    with the application role's grants."""
    admin: Engine = pg_engine.make_pg_engine(host.url(name, admin=True), pool_size=1)
    try:
        ensure(admin, app_role=host.creds.app_user)
    finally:
        admin.dispose()


def databases(host: Host) -> set[str]:
    with host.admin() as conn:
        return {str(r[0]) for r in conn.execute("SELECT datname FROM pg_database").fetchall()}


def one(host: Host, database: str, query: str) -> object:
    """The first column of the first row of `query`, read with psycopg as the administrator."""
    with host.admin(database, autocommit=True) as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def drop_new_databases(pg_host: Host) -> Iterator[None]:
    """Every database made during the test (the scratch and replaced ones a restore leaves, a test's own)
    dropped after it."""
    before = databases(pg_host)
    yield
    for name in databases(pg_host) - before:
        drop_database(pg_host, name)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A host's data folder, not yet made. Outside pytest's 0700 tmp folder: the service account (when the
    suite runs as root) must reach it."""
    folder = Path(tempfile.mkdtemp(prefix="kp-pg-data-"))
    yield folder / "hoi-truong"
    server.remove_tree(folder)


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stations' data folder (pg_dump backups at each stage change land in its backups/) under tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def pg_url(pg_host: Host) -> Iterator[str]:
    url = new_database(pg_host)
    yield url
    drop_database(pg_host, url.rsplit("/", 1)[1])


@pytest.fixture
def no_station_left() -> Iterator[None]:
    """The station's name is this process's (services/hall.py): no other test inherits it."""
    yield
    from vote_counter.services import hall

    hall.set_station("")


@pytest.fixture
def clock() -> FakeClock:
    from tests.gui.conftest import FakeClock

    return FakeClock()


OpenWindow = Callable[..., "MainWindow"]


@pytest.fixture
def open_window(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> OpenWindow:
    """A station's window over a workspace, shown and active, as in tests/gui (the bundled font; confirmations
    and the closing checks' list answered at once). With `approve`, the two-person dialog is answered by the
    board signed in at the workspace; without it the sign-in dialogs are the real ones."""
    from PySide6.QtCore import QSettings

    from vote_counter.ui import close_check, dialogs, sign_in
    from vote_counter.ui.fonts import apply_app_font
    from vote_counter.ui.main_window import MainWindow

    apply_app_font(qapp)
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: True)
    monkeypatch.setattr(close_check, "run_dialog", lambda _dialog: None)

    def open_(ws: Workspace, *, approve: bool) -> MainWindow:
        if approve:
            monkeypatch.setattr(sign_in, "ask_approval", lambda _p, ws, mid, *_a, **_k: ws.access.signed_in.get(mid))
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        win = MainWindow(ws, settings, clock=clock)
        qtbot.addWidget(win)
        win.resize(1366, 768)
        with qtbot.waitActive(win):
            win.show()
            win.activateWindow()
        return win

    return open_
