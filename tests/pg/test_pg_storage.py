"""The storage rules on a real PostgreSQL: sealing, the append-only audit, duplicates, the station, messages."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import psycopg
import pytest

from tests.helpers.builders import assert_vietnamese, build_round, valid_marks
from tests.pg.conftest import Host
from vote_counter.domain.model import RoundKind
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace
from vote_counter.storage import pg_schema


def _connect(host: Host, url: str, *, admin: bool) -> psycopg.Connection[tuple[object, ...]]:
    database = url.rsplit("/", 1)[1]
    creds = host.creds
    user, password = (creds.admin_user, creds.admin_password) if admin else (creds.app_user, creds.app_password)
    return psycopg.connect(
        host=host.listen.address, port=host.port, user=user, password=password, dbname=database, autocommit=True
    )


def _entered(pg_url: str, n: int, *, station: str | None = None) -> tuple[Workspace, object]:
    ws = Workspace.open(pg_url, station=station)
    built = build_round(ws, RoundKind.CONFIDENCE, nominees=4, printed=n + 2)
    rng = random.Random(16)
    for ballot in built.printed[:n]:
        ws.counting.record(built.round_id, ballot.payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    return ws, built


def test_ballots_saved_sealed_and_verified_with_the_station_in_every_entry(pg_url: str) -> None:
    ws, built = _entered(pg_url, 12, station="Tổ kiểm phiếu số 2")
    try:
        report = ws.audit.verify()
        assert report.ok and report.entries > 12 and not report.bad_rows
        entries = ws.audit.entries()
        assert all(e.details.get("station") == "Tổ kiểm phiếu số 2" for e in entries)
        saved = [e for e in entries if e.action == "ballot_saved"]
        assert len(saved) == 12
        assert all(e.details["seal"] for e in saved)  # each save sealed its rows in its own entry
        totals = ws.counting.totals(built.round_id)  # type: ignore[attr-defined]
        assert totals.valid + totals.invalid == 12
    finally:
        ws.close()


def test_the_same_serial_twice_is_refused_once_with_a_vietnamese_message(pg_url: str) -> None:
    ws, built = _entered(pg_url, 1)
    try:
        first = built.printed[0]  # type: ignore[attr-defined]
        with pytest.raises(ServiceError) as info:
            ws.counting.record(
                built.round_id, first.payload, valid_marks(random.Random(1), RoundKind.CONFIDENCE, built.ids)
            )  # type: ignore[attr-defined]
        assert info.value.code is ErrorCode.DUPLICATE
        assert_vietnamese(info.value.message)
        assert sum(e.action == "ballot_saved" for e in ws.audit.entries()) == 1
    finally:
        ws.close()


def test_the_database_itself_refuses_a_second_active_entry_of_a_serial(pg_host: Host, pg_url: str) -> None:
    ws, _built = _entered(pg_url, 1)
    ws.close()
    with _connect(pg_host, pg_url, admin=False) as conn:
        conn.execute(pg_schema.TOUCHED_DDL)
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(
                "INSERT INTO main.ballots (round_id, serial, pass_no, marks, valid, reasons, status, set_aside) "
                "SELECT round_id, serial, pass_no, marks, valid, reasons, status, set_aside FROM main.ballots"
            )


def test_the_audit_log_refuses_update_and_delete_to_the_app_role_and_to_its_owner(pg_host: Host, pg_url: str) -> None:
    ws, _built = _entered(pg_url, 2)
    ws.close()
    with _connect(pg_host, pg_url, admin=False) as app:
        for statement in (
            "UPDATE main.audit_log SET actor = 'x'",
            "DELETE FROM main.audit_log",
            "TRUNCATE main.audit_log",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                app.execute(statement)
    with _connect(pg_host, pg_url, admin=True) as owner:  # the owner has the privilege: the trigger stops it
        for statement in (
            "UPDATE main.audit_log SET actor = 'x'",
            "DELETE FROM main.audit_log",
            "TRUNCATE main.audit_log",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                owner.execute(statement)
    ws = Workspace.open(pg_url)
    try:
        assert ws.audit.verify().ok
    finally:
        ws.close()


def test_a_sealed_row_cannot_be_written_by_a_session_that_does_not_note_it(pg_host: Host, pg_url: str) -> None:
    ws, _built = _entered(pg_url, 2)
    ws.close()
    with _connect(pg_host, pg_url, admin=False) as app, pytest.raises(psycopg.errors.UndefinedTable):
        app.execute("UPDATE main.ballots SET marks = '{}'")


def test_a_ballot_edited_behind_the_apps_back_is_found_by_verify(pg_host: Host, pg_url: str) -> None:
    ws, _built = _entered(pg_url, 4)
    ws.close()
    with _connect(pg_host, pg_url, admin=True) as owner:
        owner.execute(pg_schema.TOUCHED_DDL)  # a hostile session that knows the trick
        row = owner.execute("SELECT id, marks FROM main.ballots ORDER BY id LIMIT 1").fetchone()
        assert row is not None
        owner.execute("UPDATE main.ballots SET valid = NOT valid WHERE id = %s", (row[0],))
    ws = Workspace.open(pg_url)
    try:
        report = ws.audit.verify()
        assert not report.ok
        assert report.bad_rows == (("ballots", row[0]),)
    finally:
        ws.close()


def test_a_host_that_is_not_there_gives_a_vietnamese_message(pg_host: Host) -> None:
    from vote_counter.hosting import server

    port = server.free_port("127.0.0.1")
    url = pg_host.creds.url("127.0.0.1", port)
    with pytest.raises(ServiceError) as info:
        Workspace.open(url)
    assert info.value.code is ErrorCode.HOST_UNREACHABLE
    assert_vietnamese(info.value.message)
    assert pg_host.creds.app_password not in info.value.message


def test_backups_of_the_shared_database_are_pg_dumps_on_demand_and_at_each_stage_change(
    pg_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from vote_counter.cli import main
    from vote_counter.hosting import server

    ws, _built = _entered(pg_url, 2)  # build_round opened counting: one automatic dump
    folder = ws.path.parent / "backups"
    ws.close()
    automatic = sorted(folder.glob("*-counting.pgdump"))
    assert len(automatic) == 1
    code = main(["--db", pg_url, "backup", "--reason", "trước khi đóng"])
    out, err = capsys.readouterr()
    assert code == 0, err
    made = Path(out.strip().removeprefix("Đã sao lưu: "))
    assert made.suffix == ".pgdump" and made.parent == folder and "trước-khi-đóng" in made.name
    assert not list(folder.glob(".*partial*"))
    listing = subprocess.run(
        [str(server.tool("pg_restore")), "--list", str(made)], capture_output=True, text=True, check=True
    )
    for table in ("ballots", "audit_log", "ballot_register", "running_totals"):
        assert f"TABLE DATA main {table} " in listing.stdout
    assert "TRIGGER main audit_log audit_log_no_update" in listing.stdout


def test_a_failed_dump_leaves_no_file_and_says_so(pg_url: str, tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    from vote_counter.services.pg_backup import dump

    wrong = make_url(pg_url).set(port=1).render_as_string(hide_password=False)  # nobody listens there
    with pytest.raises(ServiceError) as info:
        dump(wrong, tmp_path / "b", "thử")
    assert info.value.code is ErrorCode.BACKUP_FAILED
    assert_vietnamese(info.value.message)
    assert list((tmp_path / "b").iterdir()) == []


def test_document_details_are_sealed_on_the_hall_database_too(pg_host: Host, pg_url: str) -> None:
    """Revision 0009's triggers: the signers printed on the minutes, changed by the owner with psql, are reported."""
    from vote_counter.domain.documents import DocumentDetails, Signer
    from vote_counter.domain.model import MeetingId

    ws, built = _entered(pg_url, 1)
    meeting = MeetingId(built.meeting.id or 0)  # type: ignore[attr-defined]
    signers = (Signer("T/M BAN KIỂM PHIẾU", "Nguyễn Thị Hoa"),)
    ws.documents.save(meeting, DocumentDetails(issuer="ĐẢNG BỘ PHƯỜNG 7", signers=signers))
    assert ws.audit.verify().ok
    ws.close()
    with _connect(pg_host, pg_url, admin=False) as app, pytest.raises(psycopg.errors.UndefinedTable):
        app.execute("UPDATE main.document_details SET data = '{}'")  # a session that does not note what it writes
    with _connect(pg_host, pg_url, admin=True) as owner:
        owner.execute(pg_schema.TOUCHED_DDL)
        row = owner.execute("SELECT id FROM main.document_details").fetchone()
        assert row is not None
        changed = owner.execute(
            "UPDATE main.document_details SET data = replace(data, 'Nguyễn Thị Hoa', 'Trần Văn Tư')"
        ).rowcount
        assert changed == 1
    ws = Workspace.open(pg_url)
    try:
        report = ws.audit.verify()
        assert not report.ok
        assert report.bad_rows == (("document_details", row[0]),)
    finally:
        ws.close()


def test_one_transaction_is_refused_on_the_hall_database(pg_url: str) -> None:
    """Workspace.one_transaction is for a SQLite file (the hall's saves each take the write lane of their own):
    asked for on the hall's database it refuses before anything (build_demo keeps its steps there)."""
    ws = Workspace.open(pg_url)
    try:
        with pytest.raises(ValueError, match="SQLite"), ws.one_transaction():
            raise AssertionError("not reached")
        assert ws.setup.meetings() == []
    finally:
        ws.close()
