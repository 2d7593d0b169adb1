"""Refusing schema objects the app did not make (a hole found with issue 12's sealing).

Every change the app writes is sealed by the audit entry of the same transaction (storage/seals.py), and the
TEMP triggers that note those changes note whatever wrote them. A trigger planted in the file with the sqlite3
shell would therefore have its writes sealed as the app's own. So the app knows every object it makes in a
SQLite file (the models through the Alembic revisions; its sealing triggers are TEMP, never in the file), and
a file holding anything else — a trigger, a view, a table or an index it never made, or one of its append-only
audit triggers dropped or with its body rewritten — is refused, before any write, when it is opened
(storage/migrations.py) and by `verify-audit` (storage/audit.py).

One query on sqlite_master, read only. Files of every earlier schema version hold a subset of today's objects
with the same text (tests/unit/storage/test_schema_guard.py checks the legacy fixtures), so one known set
serves before and after an upgrade. PostgreSQL is not checked here: its objects are guarded by role rights.

The columns of the app's tables are compared too (a second query, `PRAGMA table_xinfo` of each table, generated
columns included): a column added with `ALTER TABLE ballots ADD COLUMN x`, one dropped, moved, or rebuilt with
another type or without its NOT NULL is refused, named with its table. Only at HEAD (storage/schema_columns.py): a file of an earlier
revision is compared after its upgrade, inside the upgrade's own transaction, so a refused file is left as it
was (storage/upgrade.py). Types are compared as declared, case aside (`integer` is `INTEGER`). PostgreSQL's
columns are not compared: its tables belong to the administrator and the application's role cannot alter them.

A new Alembic revision that makes an object in a SQLite file adds it below (a test compares a new file).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vote_counter.storage.schema_columns import COLUMNS

# Tables: compared by name (a batch revision rebuilds some, so their text varies with the file's history).
TABLES = frozenset(
    {
        "alembic_version",
        "audit_log",
        "ballot_register",
        "ballots",
        "board_members",
        "document_details",
        "key_wraps",
        "meeting_keys",
        "meetings",
        "nominees",
        "rounds",
        "running_totals",
        "scan_queue",
        "tally_sheets",
    }
)

# SQLite's own bookkeeping: AUTOINCREMENT counters and ANALYZE statistics change no row and run nothing.
INTERNAL_TABLES = frozenset({"sqlite_sequence", "sqlite_stat1", "sqlite_stat4"})

_APPEND_ONLY = "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"

# Indexes and triggers: compared by their full SQL text, so a rewritten body or definition is caught.
INDEXES = {
    "ix_ballots_round_serial": "CREATE INDEX ix_ballots_round_serial ON ballots (round_id, serial, pass_no)",
    "ix_board_members_meeting_id": "CREATE INDEX ix_board_members_meeting_id ON board_members (meeting_id)",
    "ix_key_wraps_meeting_id": "CREATE INDEX ix_key_wraps_meeting_id ON key_wraps (meeting_id)",
    "ix_nominees_round_id": "CREATE INDEX ix_nominees_round_id ON nominees (round_id)",
    "ix_rounds_meeting_id": "CREATE INDEX ix_rounds_meeting_id ON rounds (meeting_id)",
    "ix_scan_queue_round_status": "CREATE INDEX ix_scan_queue_round_status ON scan_queue (round_id, status)",
}
TRIGGERS = {
    "audit_log_no_delete": f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log {_APPEND_ONLY}",
    "audit_log_no_update": f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log {_APPEND_ONLY}",
}

QUERY = "SELECT type, name, tbl_name, sql FROM sqlite_master"
# The main schema's tables only: a TEMP table of the same name would otherwise be read in its place.
# table_xinfo, not table_info: a generated column (ALTER TABLE … ADD COLUMN g AS (…)) is hidden from table_info.
COLUMNS_QUERY = (
    'SELECT m.name, p.name, p.type, p."notnull", p.pk FROM sqlite_master AS m '
    "JOIN pragma_table_xinfo(m.name, 'main') AS p WHERE m.type = 'table' ORDER BY m.name, p.cid"
)


@dataclass(frozen=True)
class Finding:
    """One object that is not as the app made it: `problem` is "foreign", "changed" or "missing" (and "moved"
    for a column out of its place)."""

    kind: str  # table, index, trigger, view, column (its name is "table.column")
    name: str
    problem: str


class ForeignSchemaError(RuntimeError):
    """The file holds schema objects the app did not make (or lost one of its append-only triggers)."""

    def __init__(self, findings: tuple[Finding, ...]) -> None:
        self.findings = findings
        super().__init__("; ".join(f"{f.problem} {f.kind} {f.name}" for f in findings))


def findings(
    rows: list[tuple[str, str, str, str | None]], columns: Iterable[tuple[str, str, str, int, int]] = ()
) -> tuple[Finding, ...]:
    """What differs from the known set in sqlite_master's rows (type, name, tbl_name, sql), and in the app's
    tables' columns (COLUMNS_QUERY's rows; none given: not compared)."""
    found: list[Finding] = []
    have: set[str] = set()
    for kind, name, table, sql in rows:
        have.add(name)
        if kind == "table":
            ok = name in TABLES or name in INTERNAL_TABLES
            found += [] if ok else [Finding(kind, name, "foreign")]
        elif kind == "index" and sql is None:
            # The index SQLite makes itself for a UNIQUE or PRIMARY KEY constraint of a table.
            ok = name.startswith(f"sqlite_autoindex_{table}_") and (table in TABLES or table in INTERNAL_TABLES)
            found += [] if ok else [Finding(kind, name, "foreign")]
        elif kind in ("index", "trigger"):
            known = (INDEXES if kind == "index" else TRIGGERS).get(name)
            if known is None:
                found.append(Finding(kind, name, "foreign"))
            elif sql != known:
                found.append(Finding(kind, name, "changed"))
        else:  # a view (the app makes none), or any type a later SQLite may add
            found.append(Finding(kind, name, "foreign"))
    if "audit_log" in have:  # the append-only triggers came with the audit log (revision 0001)
        found += [Finding("trigger", n, "missing") for n in sorted(TRIGGERS) if n not in have]
    return tuple(found + column_findings(columns))


def column_text(name: str, declared: str, notnull: int, pk: int) -> str:
    """One column as storage/schema_columns.py writes it: "name TYPE[ NOT NULL][ PRIMARY KEY[ n]]"."""
    words = [name, declared.upper()]
    words += ["NOT NULL"] if notnull else []
    words += [] if not pk else ["PRIMARY KEY"] if pk == 1 else [f"PRIMARY KEY {pk}"]
    return " ".join(words)


def column_findings(rows: Iterable[tuple[str, str, str, int, int]]) -> list[Finding]:
    """The app's tables' columns against COLUMNS: one not made by the app ("foreign"), one with another type,
    NOT NULL or key ("changed"), one gone ("missing"); with none of those, the first out of its place ("moved")."""
    have: dict[str, list[tuple[str, str]]] = {}
    for table, name, declared, notnull, pk in rows:
        if table in COLUMNS:
            have.setdefault(table, []).append((name, column_text(name, declared or "", notnull, pk)))
    found: list[Finding] = []
    for table, columns in sorted(have.items()):
        want = {text.split(" ", 1)[0]: text for text in COLUMNS[table]}
        names = [name for name, _ in columns]
        here = [
            Finding("column", f"{table}.{name}", "foreign" if name not in want else "changed")
            for name, text in columns
            if want.get(name) != text
        ]
        here += [Finding("column", f"{table}.{name}", "missing") for name in want if name not in names]
        if not here and names != list(want):
            moved = next(n for n, w in zip(names, want, strict=True) if n != w)
            here.append(Finding("column", f"{table}.{moved}", "moved"))
        found += here
    return found
