"""A real PostgreSQL for the tests, started from the engine that ships with the app (no mocks, no skips).

One server per test session (initdb into a temporary folder, as the service account when the suite runs as
root, on a free loopback port), stopped at the end. Each test gets a database of its own, made by the same
code the host runs (`cli/host.open_database` does it for the hall's database): the schema, its triggers and
the application role's privileges. A server that cannot start fails the tests that need it.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from vote_counter.hosting import cluster, server
from vote_counter.storage import pg_engine, pg_schema


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

    def admin(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return cluster.admin_connect(self.creds, self.listen.address, self.port, database)


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


def new_database(host: Host) -> str:
    """A fresh database with the hall's schema and grants; the application role's URL."""
    name = f"kp_test_{next(_numbers)}"
    with host.admin() as conn:
        conn.autocommit = True
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(name), sql.Identifier(host.creds.admin_user)
            )
        )
    admin = pg_engine.make_pg_engine(host.url(name, admin=True), pool_size=1)
    try:
        pg_schema.ensure(admin, app_role=host.creds.app_user)
    finally:
        admin.dispose()
    return host.url(name)


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stations' data folder (pg_dump backups at each stage change land in its backups/) under tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def pg_url(pg_host: Host) -> Iterator[str]:
    url = new_database(pg_host)
    yield url
    name = url.rsplit("/", 1)[1]
    with pg_host.admin() as conn:
        conn.autocommit = True
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
