"""A pg_dump taken by an earlier version of the hall's database is migrated in the scratch database before it is
checked and put live; a dump from a newer version is refused with nothing changed (issue 16)."""

from __future__ import annotations

import random
from pathlib import Path

import psycopg
import pytest

from tests.helpers.builders import CHAIR_NAME, MEMBER_NAME, PASSPHRASES, build_round, sign_in_known_boards, valid_marks
from tests.pg import before_alembic
from tests.pg.conftest import Host, databases, drop_database, ensure_schema, new_database, one
from vote_counter.cli import main
from vote_counter.domain.model import RoundKind
from vote_counter.hosting import cluster
from vote_counter.services.pg_backup import dump
from vote_counter.services.workspace import Workspace
from vote_counter.storage import pg_schema
from vote_counter.storage.migrations import HEAD

TWO = ["--as", CHAIR_NAME, "--with", MEMBER_NAME]


@pytest.fixture
def old_hall(pg_host: Host, drop_new_databases: None) -> str:
    """A hall database made by the code before Alembic (tests/pg/before_alembic.py), empty; the app's URL."""
    cluster.remember(pg_host.hall)
    drop_database(pg_host, "kp_restore_old")
    return new_database(pg_host, "kp_restore_old", ensure=before_alembic.ensure)


def test_a_dump_from_before_alembic_is_migrated_checked_and_restored(
    pg_host: Host,
    old_hall: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = old_hall.rsplit("/", 1)[1]
    with monkeypatch.context() as old:  # the stations of that time
        old.setattr(pg_schema, "ensure", before_alembic.ensure)
        ws = Workspace.open(old_hall)
        try:
            built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=8)
            rng = random.Random(3)
            for ballot in built.printed[:2]:
                ws.counting.record(built.round_id, ballot.payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
            old_dump = dump(ws.url, tmp_path / "dumps", "ban cu")
        finally:
            ws.close()
    # The host restarts on this version (the schema upgraded in place); three more ballots.
    ensure_schema(pg_host, name)
    ws = Workspace.open(old_hall)
    try:
        sign_in_known_boards(ws)
        rng = random.Random(4)
        for ballot in built.printed[2:5]:
            ws.counting.record(built.round_id, ballot.payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    finally:
        ws.close()
    assert one(pg_host, name, "SELECT count(*) FROM main.ballots") == 5

    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv("KP_PASSPHRASE2", PASSPHRASES[MEMBER_NAME])
    argv = ["--db", old_hall, *TWO, "restore", str(old_dump), "--data", str(pg_host.hall.folder), "--confirm"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert "Đã khôi phục" in out and "3 phiếu đã nhập" in out, err
    assert one(pg_host, name, "SELECT count(*) FROM main.ballots") == 2
    fresh = new_database(pg_host).rsplit("/", 1)[1]
    version = "SELECT version_num FROM main.alembic_version"
    assert one(pg_host, name, version) == one(pg_host, fresh, version)  # migrated before it went live
    triggers = "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_log_append_only'"
    assert one(pg_host, name, triggers) == 0  # the old set of audit triggers replaced, as at an upgrade
    assert main(["--db", old_hall, "--as", CHAIR_NAME, "verify-audit"]) == 0
    assert "Nhật ký toàn vẹn" in capsys.readouterr().out
    # The app's role may write again, and only append to the log.
    ws = Workspace.open(old_hall)
    try:
        sign_in_known_boards(ws)
        rng = random.Random(5)
        ws.counting.record(built.round_id, built.printed[5].payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    finally:
        ws.close()
    creds = pg_host.creds
    with (
        psycopg.connect(
            host=pg_host.listen.address,
            port=pg_host.port,
            user=creds.app_user,
            password=creds.app_password,
            dbname=name,
            autocommit=True,
        ) as app,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        app.execute("DELETE FROM main.audit_log")


def test_a_dump_from_a_newer_version_is_refused_and_nothing_changes(
    pg_host: Host, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cluster.remember(pg_host.hall)
    name = pg_url.rsplit("/", 1)[1]
    ws = Workspace.open(pg_url)
    try:
        build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=4)
    finally:
        ws.close()
    with pg_host.admin(name) as conn:  # as a newer host would have left it when it dumped
        conn.execute("UPDATE main.alembic_version SET version_num = '0099'")
        conn.commit()
    newer = dump(pg_url, tmp_path / "dumps", "ban moi")
    with pg_host.admin(name) as conn:
        conn.execute("UPDATE main.alembic_version SET version_num = %s", (HEAD,))
        conn.commit()
    entries = one(pg_host, name, "SELECT count(*) FROM main.audit_log")
    monkeypatch.setenv("KP_PASSPHRASE", PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv("KP_PASSPHRASE2", PASSPHRASES[MEMBER_NAME])
    argv = ["--db", pg_url, *TWO, "restore", str(newer), "--data", str(pg_host.hall.folder), "--confirm"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "phiên bản Kiểm Phiếu mới hơn" in err and "không bị thay đổi" in err
    assert one(pg_host, name, "SELECT count(*) FROM main.audit_log") == entries
    assert not [n for n in databases(pg_host) if n.startswith("kiemphieu_")]
