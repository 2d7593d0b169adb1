"""Schema migrations by PRAGMA user_version: append-only steps, each in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session

from vote_counter.storage.document_details import DocumentDetailsRow
from vote_counter.storage.scan_schema import ScanQueueRow
from vote_counter.storage.schema import Base, KeyWrapRow, MeetingKeyRow, MeetingRow, RoundRow, TotalsRow


def _step_1(conn: Connection) -> None:
    Base.metadata.create_all(conn)
    for op in ("UPDATE", "DELETE"):
        conn.exec_driver_sql(
            f"CREATE TRIGGER audit_log_no_{op.lower()} BEFORE {op} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
        )


def _step_2(conn: Connection) -> None:
    """Board member accounts (SPEC §9): passphrase hash, failures in a row, lockout end.

    Step 1 builds the tables from the current schema, so on a new file the columns are already there.
    """
    have = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(board_members)")}
    for name, ddl in (
        ("passphrase_hash", "TEXT"),
        ("failed_attempts", "INTEGER NOT NULL DEFAULT 0"),
        ("locked_until", "VARCHAR(40)"),
    ):
        if name not in have:
            conn.exec_driver_sql(f"ALTER TABLE board_members ADD COLUMN {name} {ddl}")


def _step_scan_queue(conn: Connection) -> None:
    """The review queue of scanned ballots (issue 14, SPEC §11): one table, created only if missing.

    Step 1 builds every table of the current schema, so on a new file it is already there."""
    ScanQueueRow.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


def _step_running_totals(conn: Connection) -> None:
    """Running totals persisted per round and pass (issue 15): the table, then, for a database written before
    it, every round's totals counted once from its stored ballots and sealed in the audit chain.

    Idempotent: the table is created only if missing and only rounds and passes without totals are counted,
    so the step can be renumbered or run again."""
    from vote_counter.storage import audit, seals, totals

    Base.metadata.tables[TotalsRow.__tablename__].create(conn, checkfirst=True)
    # The rows written here are sealed by their entry, as any write is (the previous step made the keys).
    seals.install(conn.connection.dbapi_connection, conn.connection.info)
    with Session(bind=conn) as s:
        rounds = list(s.execute(select(RoundRow).order_by(RoundRow.id)).scalars())
        for counted in totals.rebuild(s, rounds):
            audit.append(s, "Kiểm Phiếu (nâng cấp dữ liệu)", "totals_rebuilt", counted)
        s.flush()


def _step_seal_every_table(conn: Connection) -> None:
    """Seal every table (issue 12): the meeting key and key wrap tables, and one "seals_established" entry per
    meeting that seals its rows as they are (storage/seals.py). Idempotent: the tables are created only if
    missing, and a meeting that already has a key is left alone. A file from before this step keeps its key
    in the file until every account holder has signed in once (storage/keys.py)."""
    from vote_counter.storage import audit, keys, seals

    Base.metadata.create_all(
        conn, tables=[Base.metadata.tables[MeetingKeyRow.__tablename__], Base.metadata.tables[KeyWrapRow.__tablename__]]
    )
    seals.install(conn.connection.dbapi_connection, conn.connection.info)
    session = Session(bind=conn, join_transaction_mode="create_savepoint")
    try:
        keyed = set(session.execute(select(MeetingKeyRow.meeting_id)).scalars())
        for meeting_id in session.execute(select(MeetingRow.id).order_by(MeetingRow.id)).scalars().all():
            if meeting_id in keyed:
                continue
            keys.ensure(session, meeting_id)
            seals.touch_meeting(session, meeting_id)
            audit.append(session, "Kiểm Phiếu", "seals_established", {"meeting": meeting_id})
        session.commit()
    finally:
        session.close()


def _step_document_details(conn: Connection) -> None:
    """Document details of a meeting (issue 13): number, issuer, place, recipients, signers, one JSON row per
    meeting in a table of its own. Idempotent: a file made by step 1 of this version already has the table."""
    Base.metadata.create_all(conn, tables=[Base.metadata.tables[DocumentDetailsRow.__tablename__]])


STEPS: tuple[Callable[[Connection], None], ...] = (
    _step_1,
    _step_2,
    _step_seal_every_table,
    _step_running_totals,
    _step_document_details,
    _step_scan_queue,
)
SCHEMA_VERSION = len(STEPS)


class NewerDatabaseError(RuntimeError):
    """The file was written by a newer version of the app."""


def migrate(engine: Engine) -> int:
    # A current file is only read: a read-only database (a sealed copy, a write-protected stick) still opens.
    with engine.connect() as conn:
        if int(conn.execute(text("PRAGMA user_version")).scalar_one()) == SCHEMA_VERSION:
            return SCHEMA_VERSION
    with engine.execution_options(kp_write=True).begin() as conn:
        version = int(conn.execute(text("PRAGMA user_version")).scalar_one())
        if version > SCHEMA_VERSION:
            raise NewerDatabaseError(f"database schema {version} > supported {SCHEMA_VERSION}")
        for number in range(version, SCHEMA_VERSION):
            STEPS[number](conn)
        conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return SCHEMA_VERSION
