"""Files of every past schema version upgrade in place (issue 16): Alembic takes over from `PRAGMA user_version`.

data/legacy_vN.sqlite3 were written by the app itself at the commit of main that last had schema N
(make_legacy_database.py, run against that commit's code), not by today's code made to look old: the
released schema 4, for one, keyed its running totals by (round, pass) with no id column, and only a file
really written then shows it. Each is upgraded and then compared with a new database, table by table, and
checked by `vote-counter verify-audit` with every row's seal.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect

from tests.helpers.builders import CHAIR_NAME, PASSPHRASES, sign_in_known_boards, workspace_at
from vote_counter.cli import main
from vote_counter.domain.model import Counts, MeetingId, RoundId, Stage
from vote_counter.services.accounts import Credential
from vote_counter.services.errors import ServiceError
from vote_counter.storage import keys, migrations
from vote_counter.storage.engine import make_engine
from vote_counter.storage.migrations import migrate

DATA = Path(__file__).with_name("data")
# Schema version -> the commit of main whose code wrote the fixture (last commit with that many steps).
LEGACY = {1: "ce27584", 2: "52061ca", 3: "5c96772", 4: "4166b1d", 5: "117348e", 6: "ad720b4"}
DATA_TABLES = (
    "meetings",
    "board_members",
    "rounds",
    "nominees",
    "ballot_register",
    "ballots",
    "tally_sheets",
    "running_totals",
    "meeting_keys",
    "key_wraps",
    "document_details",
    "scan_queue",
)


def schema_of(path: Path) -> dict[str, Any]:
    """Tables, columns, keys, indexes and triggers as SQLAlchemy's inspector reads them from the file."""
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    try:
        with engine.connect() as conn:
            insp = inspect(conn)
            out: dict[str, Any] = {}
            for table in sorted(insp.get_table_names()):
                out[table] = {
                    "columns": [
                        (
                            c["name"],
                            str(c["type"]),
                            c["nullable"],
                            None if c["default"] is None else str(c["default"]).strip("'\""),
                        )
                        for c in insp.get_columns(table)
                    ],
                    "pk": insp.get_pk_constraint(table)["constrained_columns"],
                    "fks": sorted(
                        (
                            tuple(f["constrained_columns"]),
                            f["referred_table"],
                            tuple(f["referred_columns"]),
                            f["options"].get("ondelete"),
                        )
                        for f in insp.get_foreign_keys(table)
                    ),
                    "indexes": sorted(
                        (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(table)
                    ),
                    "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
                }
            out["triggers"] = sorted(
                (name, table, " ".join(sql.split()))
                for name, table, sql in conn.exec_driver_sql(
                    "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
                )
            )
            return out
    finally:
        engine.dispose()


def rows_of(path: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every data table's columns and rows (in row order), and the audit log."""
    conn = sqlite3.connect(path)
    try:
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        out = {}
        for table in (*DATA_TABLES, "audit_log"):
            if table in have:
                columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
                out[table] = (columns, conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall())
        return out
    finally:
        conn.close()


def _common(before: tuple[list[str], list[tuple[Any, ...]]], after: tuple[list[str], list[tuple[Any, ...]]]) -> bool:
    """The rows as they were, in the columns the old file had (an upgrade may add columns, never change data)."""
    old_cols, old_rows = before
    new_cols, new_rows = after
    picks = [new_cols.index(c) for c in old_cols]
    return [tuple(r[i] for i in picks) for r in new_rows] == old_rows


@pytest.fixture(scope="module")
def fresh_schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("fresh") / "new.sqlite3"
    engine = make_engine(path)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return schema_of(path)


@pytest.mark.parametrize("version", sorted(LEGACY))
def test_a_file_of_every_past_version_upgrades_in_place(
    version: int,
    tmp_path: Path,
    fresh_schema: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / f"v{version}.sqlite3"
    shutil.copyfile(DATA / f"legacy_v{version}.sqlite3", path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        assert "alembic_version" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    before = rows_of(path)
    keys.forget_all()

    engine = make_engine(path)
    try:
        assert migrate(engine) == migrations.SCHEMA_VERSION
    finally:
        engine.dispose()

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrations.HEAD,)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert schema_of(path) == fresh_schema
    after = rows_of(path)
    for table, old in before.items():
        if table == "audit_log":  # the chain is extended by the data migrations, never rewritten
            assert after[table][1][: len(old[1])] == old[1]
        else:
            assert _common(old, after[table]), table
    added = [row[3] for row in after["audit_log"][1][len(before["audit_log"][1]) :]]
    if version < 3:  # sealed once, and the totals counted once, by the data migrations (keys in the file)
        assert added == ["seals_established", *["totals_rebuilt"] * len(after["running_totals"][1])]
        assert len(after["running_totals"][1]) == 3
    elif version == 3:  # the meeting key is shut behind the board's passphrases: nothing can be sealed now
        assert added == ["totals_deferred"] and after["running_totals"][1] == []
        assert json.loads(after["audit_log"][1][-1][4]) == {"rounds": [1, 2, 3]}
    else:
        assert added == []

    # verify-audit checks the chain and every row's seal; a meeting with accounts needs a member's passphrase.
    accounts = version >= 2
    if accounts:
        monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    args = ["--db", str(path), *(["--as", CHAIR_NAME] if accounts else []), "verify-audit"]
    capsys.readouterr()
    assert main(args) == 0, capsys.readouterr().err
    assert "Nhật ký toàn vẹn" in capsys.readouterr().out

    keys.forget_all()
    with workspace_at(path) as ws:
        if accounts:  # the chair opens the meeting key; chair and member together may void
            chair_id = {b.full_name: b for b in ws.setup.board(MeetingId(1))}[CHAIR_NAME].id
            assert chair_id is not None
            ws.accounts.sign_in(Credential(chair_id, PASSPHRASES[CHAIR_NAME]))
            sign_in_known_boards(ws)
        report = ws.audit.verify()
        assert report.ok and not report.locked
        rounds = ws.setup.rounds(MeetingId(1))
        assert len(rounds) == 3
        for r in rounds:
            assert r.id is not None
            check = ws.counting.recount_check(RoundId(r.id))
            assert check.matches or (version == 3 and [p.stored for p in check.passes] == [None])
        if accounts:  # today a live round is changed only by the board's accounts, which schema 1 had not
            # Counting goes on in the upgraded file: a ballot voided is taken off its totals and sealed.
            first = ws.counting.ballots(RoundId(1))[0]
            ws.counting.void(first.id, "nhập nhầm")
            assert ws.counting.recount_check(RoundId(1)).matches
            assert ws.audit.verify().ok
    keys.forget_all()


def test_a_new_file_is_version_0_and_becomes_a_fresh_database(tmp_path: Path, fresh_schema: dict[str, Any]) -> None:
    """user_version 0 and no table: a file just created (the app's own or an empty one) gets every revision."""
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    assert path.stat().st_size == 0
    engine = make_engine(path)
    try:
        assert migrate(engine) == migrations.SCHEMA_VERSION
    finally:
        engine.dispose()
    assert schema_of(path) == fresh_schema
    assert main(["--db", str(path), "verify-audit"]) == 0


def test_a_build_that_numbered_its_steps_otherwise_is_upgraded_from_what_it_has(
    tmp_path: Path, fresh_schema: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """A scan build's step 3 made the scan queue, not the seals: user_version 3 is not trusted past step 2."""
    from vote_counter.storage.scan_schema import ScanQueueRow

    path = tmp_path / "scan_build.sqlite3"
    shutil.copyfile(DATA / "legacy_v2.sqlite3", path)
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    try:
        ScanQueueRow.__table__.create(engine)  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 3")
    keys.forget_all()
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            from vote_counter.storage.upgrade import legacy_revision

            assert legacy_revision(conn, 3) == "0002"
        migrate(engine)
    finally:
        engine.dispose()
    assert schema_of(path) == fresh_schema
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'seals_established'").fetchone() == (1,)
    assert main(["--db", str(path), "verify-audit"]) == 0, capsys.readouterr().err


def test_totals_an_upgrade_could_not_count_are_counted_when_the_round_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schema 3 with accounts: revision 0004 could not seal totals; closing counts and seals them, no alarm."""
    path = tmp_path / "v3.sqlite3"
    shutil.copyfile(DATA / "legacy_v3.sqlite3", path)
    keys.forget_all()
    with workspace_at(path) as ws:
        chair_id = {b.full_name: b for b in ws.setup.board(MeetingId(1))}[CHAIR_NAME].id
        assert chair_id is not None
        ws.accounts.sign_in(Credential(chair_id, PASSPHRASES[CHAIR_NAME]))
        sign_in_known_boards(ws)
        approval = RoundId(2)
        (missing,) = ws.counting.recount_check(approval).passes
        assert missing.stored is None and missing.recounted.valid + missing.recounted.invalid == 6
        counts = ws.setup.round(approval).counts
        ws.setup.set_counts(approval, Counts(counts.summoned, counts.present, counts.issued, collected=6))
        ws.stages.change(approval, Stage.CLOSED)
        assert ws.setup.round(approval).stage is Stage.CLOSED
        check = ws.counting.recount_check(approval)
        assert check.matches and check.passes[0].stored == missing.recounted
        rebuilt = [e.details for e in ws.audit.entries() if e.action == "totals_rebuilt"]
        assert [(d["round"], d["pass"], list(d["seal"][0]["digests"])) for d in rebuilt] == [
            (2, 1, ["running_totals:1"])  # counted and sealed in the closing transaction
        ]
        assert ws.audit.verify().ok
    keys.forget_all()


def test_a_missing_totals_row_the_upgrade_did_not_defer_still_blocks_closing(tmp_path: Path) -> None:
    """Only what the upgrade said it left uncounted is counted at close: a row deleted by hand stays an alarm."""
    path = tmp_path / "v6.sqlite3"
    shutil.copyfile(DATA / "legacy_v6.sqlite3", path)
    keys.forget_all()
    with workspace_at(path):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM running_totals WHERE round_id = 2")
    with workspace_at(path) as ws:
        chair_id = {b.full_name: b for b in ws.setup.board(MeetingId(1))}[CHAIR_NAME].id
        assert chair_id is not None
        ws.accounts.sign_in(Credential(chair_id, PASSPHRASES[CHAIR_NAME]))
        sign_in_known_boards(ws)
        approval = RoundId(2)
        counts = ws.setup.round(approval).counts
        ws.setup.set_counts(approval, Counts(counts.summoned, counts.present, counts.issued, collected=6))
        with pytest.raises(ServiceError) as refused:
            ws.stages.change(approval, Stage.CLOSED)
        assert "BÁO ĐỘNG" in refused.value.message
        assert ws.setup.round(approval).stage is Stage.COUNTING
    keys.forget_all()


def test_an_upgrade_that_fails_at_the_last_revision_leaves_an_old_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stamp, tables, the data migrations' seals and totals with their audit entries, user_version: one
    transaction. A revision failing after all of them leaves the schema-1 file as it was, schema and rows."""
    from tests.helpers.alembic_scripts import scripts_copy, use_scripts

    path = tmp_path / "v1.sqlite3"
    shutil.copyfile(DATA / "legacy_v1.sqlite3", path)
    folder, head = scripts_copy(
        tmp_path,
        extra="""
def upgrade() -> None:
    conn = op.get_bind()
    assert conn.exec_driver_sql("SELECT count(*) FROM audit_log WHERE action = 'totals_rebuilt'").scalar() == 3
    raise RuntimeError("the last revision failed")
""",
    )
    use_scripts(monkeypatch, folder, head)
    before = _dump(path)
    assert not any("seals_established" in line for line in before)
    keys.forget_all()
    engine = make_engine(path)
    try:
        with pytest.raises(RuntimeError, match="last revision"):
            migrate(engine)
    finally:
        engine.dispose()
    keys.forget_all()
    assert _dump(path) == before


def _dump(path: Path) -> list[str]:
    """Schema and rows as SQL, and user_version: equal dumps are equal databases."""
    conn = sqlite3.connect(path)
    try:
        return [*conn.iterdump(), f"user_version={conn.execute('PRAGMA user_version').fetchone()[0]}"]
    finally:
        conn.close()
