"""The engine factory and migrations (SPEC §8: WAL, synchronous=FULL, foreign keys; STYLE habit 5)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, exc, text

from tests.helpers.alembic_scripts import scripts_copy, use_scripts
from tests.helpers.builders import build_round, raw, row_counts, workspace_at
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.storage import migrations
from vote_counter.storage.engine import make_engine, make_sessions
from vote_counter.storage.migrations import SCHEMA_VERSION, NewerDatabaseError, migrate
from vote_counter.storage.schema import NomineeRow


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(tmp_path / "kp.sqlite3")
    yield eng
    eng.dispose()


def _pragmas(conn: Connection) -> tuple[str, int, int]:
    # Ask the DBAPI connection itself: a SQLAlchemy statement would open a write transaction
    # (the engine begins with BEGIN IMMEDIATE), and four of those at once would wait on each other.
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    return tuple(
        dbapi.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "synchronous", "foreign_keys")
    )


def _user_version(path: Path) -> int:
    with raw(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _tables(path: Path) -> set[str]:
    with raw(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}


def test_every_connection_has_wal_full_sync_and_foreign_keys(engine: Engine) -> None:
    # Several connections open at once, so the pool must create each one through the hook.
    conns = [engine.connect() for _ in range(4)]
    try:
        for conn in conns:
            assert _pragmas(conn) == ("wal", 2, 1)  # synchronous 2 = FULL
    finally:
        for conn in conns:
            conn.close()
    engine.dispose()  # a fresh pool: new DBAPI connections get the pragmas too
    with engine.connect() as conn:
        assert _pragmas(conn) == ("wal", 2, 1)


def test_sessions_and_workspace_connections_have_the_pragmas(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        sessions = make_sessions(ws.engine)
        with sessions() as s:
            assert s.execute(text("PRAGMA synchronous")).scalar_one() == 2
            assert s.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert s.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    with raw(tmp_path / "kp.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        sessions = make_sessions(ws.engine)
        with pytest.raises(exc.IntegrityError), sessions.begin() as s:
            s.add(NomineeRow(round_id=999, full_name="Nguyễn Văn Ánh"))
            s.flush()
        assert row_counts(ws.path)["nominees"] == 0


def test_migrate_fresh_file_sets_user_version_and_is_idempotent(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "kp.sqlite3"
    assert migrate(engine) == SCHEMA_VERSION
    assert _user_version(path) == SCHEMA_VERSION
    with raw(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrations.HEAD,)]
    assert {"audit_log", "ballots", "ballot_register", "audit_log_no_update", "audit_log_no_delete"} <= _tables(path)
    before = _tables(path)
    assert migrate(engine) == SCHEMA_VERSION
    assert _tables(path) == before


BROKEN = """
def upgrade() -> None:
    op.execute("CREATE TABLE half_done (x INTEGER)")
    with op.batch_alter_table("ballots", recreate="always") as batch:  # a whole table rebuilt, then the failure
        batch.add_column(sa.Column("extra", sa.Text(), nullable=True))
    raise RuntimeError("revision failed midway")
"""


def test_failing_first_migration_rolls_back_everything(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, head = scripts_copy(tmp_path, up_to="0001", extra=BROKEN)
    use_scripts(monkeypatch, folder, head)
    with pytest.raises(RuntimeError, match="midway"):
        migrate(engine)
    # Revision 0001 and the broken 0002 ran in one transaction: nothing of either is left, not even the stamp.
    assert _tables(tmp_path / "kp.sqlite3") == set()
    assert _user_version(tmp_path / "kp.sqlite3") == 0


def test_failing_later_migration_keeps_the_previous_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kp.sqlite3"
    with workspace_at(path) as ws:
        build_round(ws, nominees=3, printed=5)
        counts = row_counts(path)
    tables = _tables(path)
    with raw(path) as conn:
        ballots_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'ballots'").fetchone()
    folder, head = scripts_copy(tmp_path, extra=BROKEN)
    use_scripts(monkeypatch, folder, head)
    eng = make_engine(path)
    try:
        with pytest.raises(RuntimeError, match="midway"):
            migrate(eng)
    finally:
        eng.dispose()
    assert "half_done" not in _tables(path)
    assert _tables(path) == tables
    assert _user_version(path) == SCHEMA_VERSION
    with raw(path) as conn:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(ballots)")}
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(f"{SCHEMA_VERSION:04d}",)]
        assert conn.execute("SELECT sql FROM sqlite_master WHERE name = 'ballots'").fetchone() == ballots_sql
    assert "extra" not in columns
    assert row_counts(path) == counts


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kp.sqlite3"
    with workspace_at(path):
        pass
    with raw(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    eng = make_engine(path)
    try:
        with pytest.raises(NewerDatabaseError):
            migrate(eng)
    finally:
        eng.dispose()
    with pytest.raises(ServiceError) as refused:
        Workspace.open(path)
    assert refused.value.code is ErrorCode.DATABASE_NEWER
    assert (
        f"lược đồ {SCHEMA_VERSION + 1}" in refused.value.message
        and "phiên bản Kiểm Phiếu mới hơn" in refused.value.message
    )
    assert _user_version(path) == SCHEMA_VERSION + 1  # refused, not downgraded


def test_raw_sqlite_sees_committed_data_only(tmp_path: Path) -> None:
    """A service action is durable when it returns: another connection reads it at once."""
    path = tmp_path / "kp.sqlite3"
    with workspace_at(path) as ws:
        build_round(ws, nominees=2, printed=3)
        with raw(path) as conn:
            assert conn.execute("SELECT count(*) FROM ballot_register").fetchone()[0] == 3


def test_reads_do_not_take_the_write_lock_but_writes_queue(tmp_path: Path) -> None:
    """Under WAL a reader never waits for a writer; a writer that cannot get the lock fails before changing anything."""
    import sqlite3

    from vote_counter.domain.model import Meeting
    from vote_counter.services.audit_service import AuditService
    from vote_counter.services.errors import ErrorCode, ServiceError
    from vote_counter.services.setup import SetupService
    from vote_counter.storage.engine import make_engine, make_sessions
    from vote_counter.storage.migrations import migrate

    path = tmp_path / "kp.sqlite3"
    engine = make_engine(path, busy_timeout=0.05)
    migrate(engine)
    sessions = make_sessions(engine)
    setup, audit = SetupService(sessions), AuditService(sessions)
    setup.create_meeting(Meeting(None, "Hội nghị", "Sở Tư pháp"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is in the middle of saving a ballot
    try:
        assert [m.title for m in setup.meetings()] == ["Hội nghị"]  # reading goes on
        assert audit.verify().ok
        try:
            setup.create_meeting(Meeting(None, "Hội nghị 2", "Sở Tư pháp"))
        except ServiceError as exc:
            assert exc.code is ErrorCode.STORAGE and "database is locked" in exc.message
        else:
            raise AssertionError("a second writer must wait for the lock, then fail cleanly")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [m.title for m in setup.meetings()] == ["Hội nghị"]
    engine.dispose()
