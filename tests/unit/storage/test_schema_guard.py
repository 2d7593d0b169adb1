"""Objects the app did not make in its SQLite file are refused (storage/schema_guard.py).

A trigger planted with sqlite3 would have its writes sealed by the app's own audit entry (the TEMP triggers
note every change, whatever made it), so opening the file and `verify-audit` refuse any trigger, view, table
or index outside the known set, and a missing or rewritten append-only trigger, naming it, writing nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.helpers.builders import assert_vietnamese, raw, workspace_at
from vote_counter.cli import main
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.storage import migrations, schema_guard
from vote_counter.storage.engine import make_engine

DATA = Path(__file__).with_name("data")

# (what the intruder runs, the object's name as the message shows it)
PLANTED = {
    "trigger rewriting marks": (
        "CREATE TRIGGER kp_rewrite AFTER INSERT ON ballots BEGIN "
        "UPDATE ballots SET marks = replace(marks, '[0]', '[2]') WHERE id = NEW.id; END",
        "trigger “kp_rewrite” không do phần mềm tạo ra",
    ),
    "view": (
        "CREATE VIEW tong_phieu AS SELECT round_id, count(*) AS n FROM ballots GROUP BY round_id",
        "view “tong_phieu”",
    ),
    "extra table": ("CREATE TABLE ghi_chu (id INTEGER PRIMARY KEY, text TEXT)", "bảng “ghi_chu”"),
    "extra index": ("CREATE INDEX ix_extra ON ballots (marks)", "chỉ mục “ix_extra”"),
    "dropped append-only trigger": (
        "DROP TRIGGER audit_log_no_delete",
        "trigger “audit_log_no_delete” của phần mềm đã bị xóa",
    ),
    "rewritten append-only trigger": (
        "DROP TRIGGER audit_log_no_update; CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "WHEN NEW.actor = 'x' BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
        "trigger “audit_log_no_update” của phần mềm đã bị sửa nội dung",
    ),
    "app index redefined": (
        "DROP INDEX ix_rounds_meeting_id; CREATE INDEX ix_rounds_meeting_id ON rounds (meeting_id, title)",
        "chỉ mục “ix_rounds_meeting_id” của phần mềm đã bị sửa nội dung",
    ),
}


def planted(template: Path, tmp_path: Path, sql: str) -> Path:
    path = tmp_path / "kp.sqlite3"
    shutil.copyfile(template, path)
    with raw(path) as conn:
        conn.executescript(sql)
    return path


def file_state(path: Path) -> tuple[bytes, list[tuple[str, str]]]:
    """The file's bytes (the WAL was checkpointed when the intruder closed it) and its schema."""
    with raw(path) as conn:
        schema = sorted(conn.execute("SELECT name, sql FROM sqlite_master"))
    return path.read_bytes(), schema


def dump(path: Path) -> list[str]:
    """Every schema object and row, as SQL text."""
    with raw(path) as conn:
        return list(conn.iterdump())


@pytest.mark.parametrize("case", PLANTED, ids=list(PLANTED))
def test_opening_refuses_the_file_naming_the_object_and_writes_nothing(
    template: Path, tmp_path: Path, case: str
) -> None:
    sql, named = PLANTED[case]
    path = planted(template, tmp_path, sql)
    before = file_state(path)
    with pytest.raises(ServiceError) as info:
        Workspace.open(path)
    assert info.value.code is ErrorCode.FOREIGN_SCHEMA
    assert named in info.value.message and str(path) in info.value.message
    assert info.value.message.startswith("Dữ liệu bị sửa ngoài phần mềm: ")
    assert_vietnamese(info.value.message)
    assert file_state(path) == before


@pytest.mark.parametrize("case", PLANTED, ids=list(PLANTED))
def test_verify_audit_exits_2_naming_the_object(
    template: Path, tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sql, named = PLANTED[case]
    path = planted(template, tmp_path, sql)
    before = file_state(path)
    capsys.readouterr()
    assert main(["--db", str(path), "verify-audit"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("CẢNH BÁO: Dữ liệu bị sửa ngoài phần mềm: ") and named in err
    assert "Traceback" not in err
    assert file_state(path) == before


def test_a_write_command_on_such_a_file_saves_nothing(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = planted(template, tmp_path, PLANTED["trigger rewriting marks"][0])
    before = file_state(path)
    assert main(["--db", str(path), "demo", "--out", str(tmp_path / "demo")]) == 2
    assert "kp_rewrite" in capsys.readouterr().err
    assert file_state(path) == before


def test_an_object_planted_while_the_app_is_open_is_named_by_verify(template: Path, tmp_path: Path) -> None:
    """The window stays open for hours: verify() (the audit check before results and export) looks again."""
    path = tmp_path / "kp.sqlite3"
    shutil.copyfile(template, path)
    with workspace_at(path) as ws:
        assert ws.audit.verify().ok
        with raw(path) as conn:
            conn.execute(PLANTED["trigger rewriting marks"][0])
        report = ws.audit.verify()
        assert not report.ok
        assert report.foreign == (schema_guard.Finding("trigger", "kp_rewrite", "foreign"),)


def test_a_new_file_holds_exactly_the_known_objects(tmp_path: Path) -> None:
    """The known set is the app's: a revision that makes a new object must add it to schema_guard (this fails)."""
    path = tmp_path / "new.sqlite3"
    Workspace.open(path).close()
    with raw(path) as conn:
        rows = conn.execute(schema_guard.QUERY).fetchall()
    assert schema_guard.findings(rows) == ()
    assert {n for t, n, _tbl, _s in rows if t == "table"} == schema_guard.TABLES
    assert {n: s for t, n, _tbl, s in rows if t == "index" and s} == schema_guard.INDEXES
    assert {n: s for t, n, _tbl, s in rows if t == "trigger"} == schema_guard.TRIGGERS


@pytest.mark.parametrize("version", range(1, 7))
def test_a_clean_file_of_every_legacy_version_opens_and_upgrades(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"legacy_v{version}.sqlite3"
    shutil.copyfile(DATA / f"legacy_v{version}.sqlite3", path)
    with raw(path) as conn:
        assert schema_guard.findings(conn.execute(schema_guard.QUERY).fetchall()) == ()
    ws = Workspace.open(path)
    try:
        assert ws.audit.verify().foreign == ()
    finally:
        ws.close()
    with raw(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION


def test_a_legacy_file_with_a_planted_trigger_is_refused_before_the_upgrade(tmp_path: Path) -> None:
    """The check runs before the upgrade writes anything, so the planted trigger never runs."""
    path = tmp_path / "legacy_v3.sqlite3"
    shutil.copyfile(DATA / "legacy_v3.sqlite3", path)
    with raw(path) as conn:
        conn.execute("CREATE TRIGGER kp_rewrite AFTER UPDATE ON ballots BEGIN SELECT 1; END")
    before = dump(path)
    with pytest.raises(ServiceError) as info:
        Workspace.open(path)
    assert info.value.code is ErrorCode.FOREIGN_SCHEMA and "kp_rewrite" in info.value.message
    assert dump(path) == before  # (not the bytes: the engine's connection turns the old journal into WAL)
    with raw(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3


def test_sqlite_bookkeeping_tables_are_not_refused(template: Path, tmp_path: Path) -> None:
    """ANALYZE (a DB browser's 'optimise') writes sqlite_stat1: statistics, no data, nothing that runs."""
    path = planted(template, tmp_path, "ANALYZE")
    with raw(path) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0] == 1
    Workspace.open(path).close()


def test_the_check_reads_sqlite_master_only_once_at_head(template: Path, tmp_path: Path) -> None:
    path = tmp_path / "kp.sqlite3"
    shutil.copyfile(template, path)
    engine = make_engine(path)
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    try:
        migrations.migrate(engine)
    finally:
        engine.dispose()
    assert seen.count(schema_guard.QUERY) == 1


def test_postgresql_is_not_checked_here() -> None:
    """On PostgreSQL the objects are guarded by role rights: guard() is a no-op there (no query at all)."""

    class Dialect:
        name = "postgresql"

    class Conn:
        dialect = Dialect()

        def exec_driver_sql(self, _sql: str) -> None:
            raise AssertionError("no query on PostgreSQL")

    migrations.guard(Conn())  # type: ignore[arg-type]
