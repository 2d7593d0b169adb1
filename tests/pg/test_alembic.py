"""The hall's PostgreSQL schema comes from the same Alembic revisions as a SQLite file: a new database, one
made before (by the old `pg_schema.ensure`, tests/pg/before_alembic.py) upgraded in place, `alembic check`,
the fast path at head, two first users at once."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
import threading
from argparse import Namespace
from collections.abc import Iterator

import psycopg
import pytest
from alembic import command
from alembic.util import CommandError

from tests.helpers.builders import (
    CHAIR_NAME,
    PASSPHRASES,
    assert_vietnamese,
    build_round,
    sign_in_known_boards,
    valid_marks,
)
from tests.pg import before_alembic
from tests.pg.conftest import Host, create_database, drop_database, ensure_schema, new_database
from vote_counter.cli import main
from vote_counter.domain.model import RoundKind
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.storage import migrations, pg_engine, pg_schema, seals, upgrade

_numbers = itertools.count(1)


@pytest.fixture
def empty(pg_host: Host) -> Iterator[str]:
    """A database as `cli/host.open_database` leaves it before the schema: made, owned by the admin, empty."""
    name = f"kp_alembic_{next(_numbers)}"
    create_database(pg_host, name)
    yield name
    drop_database(pg_host, name)


def _owner(host: Host, name: str) -> psycopg.Connection[tuple[object, ...]]:
    return host.admin(name)


def _shape(host: Host, name: str) -> dict[str, list[tuple[object, ...]]]:
    """Everything in schema `main` a revision makes: columns, constraints, indexes, triggers, functions."""
    queries = {
        "columns": "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, "
        "column_default FROM information_schema.columns WHERE table_schema = 'main'",
        "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = 'main'::regnamespace",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'main'",
        "triggers": "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
        "WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'main'::regnamespace)",
        "functions": "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = 'main'::regnamespace",
        "revision": "SELECT version_num FROM main.alembic_version",
    }
    with _owner(host, name) as conn:
        return {key: sorted(conn.execute(q).fetchall(), key=repr) for key, q in queries.items()}


def _admin_url(host: Host, name: str) -> str:
    return host.url(name, admin=True)


def test_a_new_database_is_made_by_the_revisions_with_one_set_of_audit_triggers(pg_host: Host, empty: str) -> None:
    engine = pg_engine.make_pg_engine(_admin_url(pg_host, empty), pool_size=1)
    try:
        pg_schema.ensure(engine)
    finally:
        engine.dispose()
    shape = _shape(pg_host, empty)
    assert shape["revision"] == [(migrations.HEAD,)]  # Alembic's version table is main.alembic_version
    audit = sorted(name for table, name, _ in shape["triggers"] if table == "main.audit_log")
    assert audit == ["audit_log_no_delete", "audit_log_no_truncate", "audit_log_no_update"]
    assert {name for name, _ in shape["functions"]} == {"audit_log_append_only", "kp_note"}
    assert ("chain_lock",) in {(t,) for t, *_ in shape["columns"]}
    assert any(name == "ux_ballots_one_active" and "WHERE" in d for _, name, d in shape["indexes"])
    # the owner has the privilege: the trigger stops it
    with _owner(pg_host, empty) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        conn.execute("TRUNCATE main.audit_log")


def test_every_sealed_table_has_its_triggers_on_the_columns_it_seals(pg_host: Host, pg_url: str) -> None:
    """r0008 lists the sealed columns as of then; a later column on a sealed table needs a revision too."""
    name = pg_url.rsplit("/", 1)[1]
    with _owner(pg_host, name) as conn:
        noted = conn.execute(
            "SELECT event_object_table, trigger_name, event_object_column "
            "FROM information_schema.triggered_update_columns WHERE trigger_schema = 'main'"
        ).fetchall()
        events = conn.execute(
            "SELECT event_object_table, event_manipulation FROM information_schema.triggers "
            "WHERE trigger_schema = 'main' AND trigger_name LIKE 'kp_seal_%'"
        ).fetchall()
    for table, sealed in seals.SEALED.items():
        columns = {c for t, trigger, c in noted if t == table and trigger == f"kp_seal_{table}_update"}
        assert columns == set(sealed.columns), table
        assert {e for t, e in events if t == table} == {"INSERT", "UPDATE", "DELETE"}, table
    assert {t for t, _ in events} == set(seals.SEALED)


def test_alembic_check_finds_nothing_between_the_revisions_and_the_models(pg_host: Host, pg_url: str) -> None:
    name = pg_url.rsplit("/", 1)[1]
    cfg = upgrade.config()
    cfg.cmd_opts = Namespace(x=[f"db={_admin_url(pg_host, name)}"])
    command.check(cfg)  # raises if a model changed without a revision, on PostgreSQL as on SQLite
    with _owner(pg_host, name) as conn:  # and the check can fail: a table the models do not have is reported
        conn.execute("CREATE TABLE main.stray (id INTEGER PRIMARY KEY)")
        conn.commit()
    with pytest.raises(CommandError, match="stray"):
        command.check(cfg)


def test_a_database_made_before_alembic_is_stamped_and_upgraded_in_place(
    pg_host: Host, empty: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ensure_schema(pg_host, empty, before_alembic.ensure)
    station_url = pg_host.url(empty)
    with monkeypatch.context() as old:  # the stations of that time: their ensure() found the schema ready
        old.setattr(pg_schema, "ensure", before_alembic.ensure)
        ws = Workspace.open(station_url)
        try:
            built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6)
            rng = random.Random(8)
            for ballot in built.printed[:4]:
                ws.counting.record(built.round_id, ballot.payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
            assert ws.audit.verify().ok
        finally:
            ws.close()
    with _owner(pg_host, empty) as conn:
        assert conn.execute("SELECT to_regclass('main.alembic_version')").fetchone() == (None,)
        old_triggers = {r[0] for r in conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    assert "audit_log_append_only" in old_triggers  # the other set of audit triggers, which r0008 replaces

    # The host restarts on the new version: its start brings the database up to date as the owner.
    ensure_schema(pg_host, empty)

    upgraded = _shape(pg_host, empty)
    fresh_url = new_database(pg_host)  # made by today's code from nothing
    fresh = _shape(pg_host, fresh_url.rsplit("/", 1)[1])
    assert upgraded == fresh  # same columns, constraints, indexes, triggers, functions, revision

    ws = Workspace.open(station_url)
    try:
        report = ws.audit.verify()
        assert report.ok and not report.bad_rows and report.entries > 4
        sign_in_known_boards(ws)
        rng = random.Random(9)
        ws.counting.record(built.round_id, built.printed[4].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
        assert ws.audit.verify().ok
        assert ws.counting.totals(built.round_id).valid == 5  # type: ignore[attr-defined]
    finally:
        ws.close()
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    assert main(["--db", station_url, "--as", CHAIR_NAME, "verify-audit"]) == 0  # the seals too, key open
    out, err = capsys.readouterr()
    assert "Nhật ký toàn vẹn" in out and not err, err


def test_migrate_at_head_is_one_query_and_never_imports_alembic(pg_url: str) -> None:
    probe = (
        "import sys\n"
        "from sqlalchemy import event\n"
        "from vote_counter.storage import pg_engine\n"
        "from vote_counter.storage.migrations import migrate\n"
        f"engine = pg_engine.make_pg_engine({pg_url!r}, pool_size=1)\n"
        "engine.connect().close()  # SQLAlchemy's first connect asks the server's version and settings\n"
        "seen = []\n"
        "event.listen(engine, 'before_cursor_execute', lambda c, cur, st, *a: seen.append(' '.join(st.split())))\n"
        "print(migrate(engine), 'alembic' in sys.modules, *seen, sep='\\n')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    version, alembic_loaded, *statements = done.stdout.splitlines()
    assert int(version) == migrations.SCHEMA_VERSION
    assert alembic_loaded == "False"
    assert len(statements) == 1 and "alembic_version" in statements[0], statements


def test_two_stations_opening_a_new_database_together_make_it_once(pg_host: Host, empty: str) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def first_use() -> None:
        engine = pg_engine.make_pg_engine(_admin_url(pg_host, empty), pool_size=1)
        try:
            start.wait()
            pg_schema.ensure(engine)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=first_use) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert _shape(pg_host, empty)["revision"] == [(migrations.HEAD,)]


def test_a_database_of_a_newer_version_is_refused_in_vietnamese_and_left_unchanged(pg_host: Host, pg_url: str) -> None:
    name = pg_url.rsplit("/", 1)[1]
    with _owner(pg_host, name) as conn:  # a host of a newer version upgraded the hall's database
        conn.execute("UPDATE main.alembic_version SET version_num = '0099'")
        conn.commit()
    before = _shape(pg_host, name)
    with pytest.raises(ServiceError) as refused:
        Workspace.open(pg_url)
    assert refused.value.code is ErrorCode.DATABASE_NEWER
    assert "lược đồ 99" in refused.value.message and "kp_app:***@" in refused.value.message
    assert_vietnamese(refused.value.message)
    assert _shape(pg_host, name) == before
