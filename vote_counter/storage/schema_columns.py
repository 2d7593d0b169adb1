"""The columns of the app's tables in a SQLite file at the newest revision (HEAD), as `PRAGMA table_info` reads
them: name, declared type, NOT NULL, PRIMARY KEY, in order (storage/schema_guard.py compares a file with them).

What the Alembic revisions make, written down: tests/unit/storage/test_schema_columns.py makes a new file with
the revisions and compares, so a new revision that changes a table fails there until this table follows it
(its failure prints the new table). Files of earlier revisions are compared after their upgrade, in the
upgrade's own transaction (storage/upgrade.py), and the legacy fixtures upgrade to exactly these columns
(tests/unit/storage/test_legacy_upgrade.py).
"""

from __future__ import annotations

REVISION = "0009"  # the revision these are the columns of: storage/migrations.HEAD

COLUMNS: dict[str, tuple[str, ...]] = {
    "alembic_version": ("version_num VARCHAR(32) NOT NULL PRIMARY KEY",),
    "audit_log": (
        "seq INTEGER NOT NULL PRIMARY KEY",
        "at VARCHAR(32) NOT NULL",
        "actor TEXT NOT NULL",
        "action VARCHAR(40) NOT NULL",
        "details TEXT NOT NULL",
        "prev_hash VARCHAR(64) NOT NULL",
        "hash VARCHAR(64) NOT NULL",
    ),
    "ballot_register": (
        "id INTEGER NOT NULL PRIMARY KEY",
        "round_id INTEGER NOT NULL",
        "serial VARCHAR(12) NOT NULL",
        "status VARCHAR(8) NOT NULL",
        "mode VARCHAR(5) NOT NULL",
    ),
    "ballots": (
        "id INTEGER NOT NULL PRIMARY KEY",
        "round_id INTEGER NOT NULL",
        "serial VARCHAR(12)",
        "pass_no INTEGER NOT NULL",
        "marks TEXT NOT NULL",
        "valid BOOLEAN NOT NULL",
        "reasons TEXT NOT NULL",
        "status VARCHAR(6) NOT NULL",
        "set_aside BOOLEAN NOT NULL",
    ),
    "board_members": (
        "id INTEGER NOT NULL PRIMARY KEY",
        "meeting_id INTEGER NOT NULL",
        "full_name TEXT NOT NULL",
        "role VARCHAR(10) NOT NULL",
        "order INTEGER NOT NULL",
        "passphrase_hash TEXT",
        "failed_attempts INTEGER NOT NULL",
        "locked_until VARCHAR(40)",
    ),
    "document_details": (
        "id INTEGER NOT NULL PRIMARY KEY",
        "meeting_id INTEGER NOT NULL",
        "data TEXT NOT NULL",
    ),
    "key_wraps": (
        "member_id INTEGER NOT NULL PRIMARY KEY",
        "meeting_id INTEGER NOT NULL",
        "key_id VARCHAR(16) NOT NULL",
        "wrap BLOB NOT NULL",
    ),
    "meeting_keys": (
        "meeting_id INTEGER NOT NULL PRIMARY KEY",
        "uid VARCHAR(32) NOT NULL",
        "key_id VARCHAR(16) NOT NULL",
        "plain BLOB",
        "signing BLOB",
    ),
    "meetings": (
        "id INTEGER NOT NULL PRIMARY KEY",
        "title TEXT NOT NULL",
        "organisation TEXT NOT NULL",
        "parent_body TEXT NOT NULL",
        "place TEXT NOT NULL",
        "date VARCHAR(10)",
        "header_style VARCHAR(10) NOT NULL",
        "secrecy VARCHAR(10) NOT NULL",
        "document_code TEXT NOT NULL",
    ),
    "nominees": (
        "id INTEGER NOT NULL PRIMARY KEY",
        "round_id INTEGER NOT NULL",
        "full_name TEXT NOT NULL",
        "birth_year INTEGER",
        "current_position TEXT NOT NULL",
        "proposed_position TEXT NOT NULL",
        "unit TEXT NOT NULL",
        "order INTEGER NOT NULL",
    ),
    "rounds": (
        "id INTEGER NOT NULL PRIMARY KEY",
        "meeting_id INTEGER NOT NULL",
        "title TEXT NOT NULL",
        "kind VARCHAR(12) NOT NULL",
        "position TEXT NOT NULL",
        "level_preset VARCHAR(10) NOT NULL",
        "percent_base VARCHAR(10)",
        "invalid_policy VARCHAR(14)",
        "seats INTEGER NOT NULL",
        "write_ins BOOLEAN NOT NULL",
        "announced BOOLEAN NOT NULL",
        "mode VARCHAR(5) NOT NULL",
        "stage VARCHAR(12) NOT NULL",
        "blank_is_disagree BOOLEAN NOT NULL",
        "double_entry BOOLEAN NOT NULL",
        "summoned INTEGER NOT NULL",
        "present INTEGER NOT NULL",
        "issued INTEGER NOT NULL",
        "collected INTEGER",
        "code VARCHAR(6) NOT NULL",
        "hmac_key BLOB NOT NULL",
        "order INTEGER NOT NULL",
        "layout_json TEXT",
    ),
    "running_totals": (
        "id INTEGER NOT NULL PRIMARY KEY",
        "round_id INTEGER NOT NULL",
        "pass_no INTEGER NOT NULL",
        "basis VARCHAR(32) NOT NULL",
        "data TEXT NOT NULL",
    ),
    "scan_queue": (
        "id INTEGER NOT NULL PRIMARY KEY",
        "round_id INTEGER NOT NULL",
        "pass_no INTEGER NOT NULL",
        "serial VARCHAR(12)",
        "payload VARCHAR(64)",
        "file TEXT NOT NULL",
        "page INTEGER NOT NULL",
        "ballot_page INTEGER",
        "image_sha256 VARCHAR(64) NOT NULL",
        "reasons TEXT NOT NULL",
        "reading TEXT NOT NULL",
        "image BLOB NOT NULL",
        "registered BOOLEAN NOT NULL",
        "status VARCHAR(10) NOT NULL",
        "ballot_id INTEGER",
        "seal VARCHAR(64) NOT NULL",
    ),
    "tally_sheets": (
        "id INTEGER NOT NULL PRIMARY KEY",
        "round_id INTEGER NOT NULL",
        "sheet_no INTEGER NOT NULL",
        "data TEXT NOT NULL",
    ),
}
