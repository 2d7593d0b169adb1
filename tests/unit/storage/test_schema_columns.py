"""The columns of the app's tables are the app's (storage/schema_guard.py, storage/schema_columns.py): a column
added, dropped, moved or given another type or NOT NULL with python's sqlite3 on the file is refused when the file
is opened and by `verify-audit`, with its table and column named in Vietnamese, the file unchanged; a file of an
earlier version with such a column is refused after its upgrade, which is rolled back whole."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.helpers.builders import assert_vietnamese, raw
from tests.unit.storage.test_schema_guard import DATA, dump, file_state, planted
from vote_counter.cli import main
from vote_counter.services.errors import ErrorCode, ServiceError, schema_objects
from vote_counter.services.workspace import Workspace
from vote_counter.storage import migrations, schema_guard
from vote_counter.storage.schema_columns import COLUMNS, REVISION


def _retyped(conn: sqlite3.Connection, table: str, old: str, new: str) -> None:
    """A column's declaration rewritten in the schema itself (PRAGMA writable_schema), as a DB browser's
    'modify column' or a careful intruder does it without touching the rows."""
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    assert old in sql
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (sql.replace(old, new), table))
    conn.execute("PRAGMA writable_schema = OFF")


# (the intruder's edit on the open sqlite3 connection, the words the message shows)
EDITS = {
    "column added": (
        lambda c: c.execute("ALTER TABLE ballots ADD COLUMN x"),
        "cột “x” trong bảng “ballots” không do phần mềm tạo ra",
    ),
    "column added with a type": (
        lambda c: c.execute("ALTER TABLE rounds ADD COLUMN ghi_chu TEXT NOT NULL DEFAULT ''"),
        "cột “ghi_chu” trong bảng “rounds” không do phần mềm tạo ra",
    ),
    "type changed": (
        lambda c: _retyped(c, "ballots", "marks TEXT NOT NULL", "marks BLOB NOT NULL"),
        "cột “marks” của bảng “ballots” đã bị đổi kiểu dữ liệu hoặc ràng buộc",
    ),
    "NOT NULL dropped": (
        lambda c: _retyped(c, "audit_log", "actor TEXT NOT NULL", "actor TEXT"),
        "cột “actor” của bảng “audit_log” đã bị đổi kiểu dữ liệu hoặc ràng buộc",
    ),
    "generated column added": (  # hidden from PRAGMA table_info: read with table_xinfo
        lambda c: c.execute("ALTER TABLE ballots ADD COLUMN ghi AS (marks || '')"),
        "cột “ghi” trong bảng “ballots” không do phần mềm tạo ra",
    ),
    "column dropped": (
        lambda c: c.execute("ALTER TABLE meetings DROP COLUMN document_code"),
        "cột “document_code” của bảng “meetings” đã bị xóa",
    ),
    "column renamed": (
        lambda c: c.execute("ALTER TABLE nominees RENAME COLUMN unit TO don_vi"),
        "cột “don_vi” trong bảng “nominees” không do phần mềm tạo ra",
    ),
}


def edited(template: Path, tmp_path: Path, case: str) -> Path:
    path = planted(template, tmp_path, "")
    with raw(path) as conn:
        EDITS[case][0](conn)
    return path


@pytest.mark.parametrize("case", EDITS, ids=list(EDITS))
def test_opening_refuses_the_edited_file_naming_table_and_column_and_writes_nothing(
    template: Path,
    tmp_path: Path,
    case: str,
) -> None:
    path = edited(template, tmp_path, case)
    before = file_state(path)
    with pytest.raises(ServiceError) as info:
        Workspace.open(path)
    assert info.value.code is ErrorCode.FOREIGN_SCHEMA
    assert EDITS[case][1] in info.value.message, info.value.message
    assert info.value.message.startswith("Dữ liệu bị sửa ngoài phần mềm: ")
    assert_vietnamese(info.value.message)
    assert file_state(path) == before


@pytest.mark.parametrize("case", ["column added", "type changed"])
def test_verify_audit_exits_2_naming_table_and_column(
    template: Path,
    tmp_path: Path,
    case: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = edited(template, tmp_path, case)
    before = file_state(path)
    capsys.readouterr()
    assert main(["--db", str(path), "verify-audit"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("CẢNH BÁO: Dữ liệu bị sửa ngoài phần mềm: ") and EDITS[case][1] in err, err
    assert file_state(path) == before


def test_a_column_added_while_the_app_is_open_is_named_by_verify(
    template: Path,
    tmp_path: Path,
) -> None:
    path = planted(template, tmp_path, "")
    ws = Workspace.open(path)
    try:
        assert ws.audit.verify().ok
        with raw(path) as conn:
            conn.execute("ALTER TABLE ballots ADD COLUMN x")
        report = ws.audit.verify()
        assert not report.ok
        assert report.foreign == (schema_guard.Finding("column", "ballots.x", "foreign"),)
    finally:
        ws.close()


def test_a_legacy_file_with_an_added_column_is_refused_and_its_upgrade_rolled_back(tmp_path: Path) -> None:
    """Before the upgrade the columns are not yet HEAD's, so they are compared after it, in its transaction."""
    path = tmp_path / "legacy_v3.sqlite3"
    shutil.copyfile(DATA / "legacy_v3.sqlite3", path)
    with raw(path) as conn:
        conn.execute("ALTER TABLE ballots ADD COLUMN x")
    before = dump(path)
    with pytest.raises(ServiceError) as info:
        Workspace.open(path)
    assert info.value.code is ErrorCode.FOREIGN_SCHEMA
    assert "cột “x” trong bảng “ballots” không do phần mềm tạo ra" in info.value.message
    assert dump(path) == before
    with raw(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3


def test_a_new_file_has_exactly_the_written_down_columns(tmp_path: Path) -> None:
    """What the revisions make (fails after a revision that changes a table: schema_columns.py follows it)."""
    path = tmp_path / "new.sqlite3"
    Workspace.open(path).close()
    with raw(path) as conn:
        rows = conn.execute(schema_guard.COLUMNS_QUERY).fetchall()
    made: dict[str, list[str]] = {}
    for table, *column in rows:
        made.setdefault(table, []).append(schema_guard.column_text(*column))
    assert made == {t: list(c) for t, c in COLUMNS.items()}, made
    assert set(COLUMNS) == schema_guard.TABLES
    assert REVISION == migrations.HEAD and migrations.known()
    assert schema_guard.column_findings(rows) == []


@pytest.mark.parametrize("version", range(1, 7))
def test_every_legacy_file_upgrades_to_exactly_these_columns(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"legacy_v{version}.sqlite3"
    shutil.copyfile(DATA / f"legacy_v{version}.sqlite3", path)
    Workspace.open(path).close()
    with raw(path) as conn:
        assert schema_guard.column_findings(conn.execute(schema_guard.COLUMNS_QUERY).fetchall()) == []
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION


def test_findings_name_what_differs_and_a_moved_column() -> None:
    def rows(table: str, texts: list[str]) -> list[tuple[str, str, str, int, int]]:
        out = []
        for text in texts:
            name, rest = text.split(" ", 1)
            declared = rest.split(" NOT NULL")[0].split(" PRIMARY KEY")[0]
            out.append((table, name, declared.lower(), int("NOT NULL" in rest), int("PRIMARY KEY" in rest)))
        return out

    tally = list(COLUMNS["tally_sheets"])
    assert schema_guard.column_findings(rows("tally_sheets", tally)) == []  # the type's case does not matter
    swapped = [tally[0], tally[2], tally[1], tally[3]]
    moved = schema_guard.column_findings(rows("tally_sheets", swapped))
    assert moved == [schema_guard.Finding("column", "tally_sheets.sheet_no", "moved")]
    assert schema_objects(tuple(moved)) == "cột “sheet_no” của bảng “tally_sheets” đã bị đổi vị trí"
    assert schema_guard.column_findings(rows("ghi_chu", ["x TEXT"])) == []  # not the app's: the table is named
