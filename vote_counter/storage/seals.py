"""Sealing every row that can change a result or a right (SPEC §8), in one place for every table.

How it works:

1. On every write transaction the engine installs TEMP triggers (this connection only, nothing in the
   file) on each registered table: a row inserted, deleted or updated in a sealed column is noted in
   the temp table `kp_touched`, whatever wrote it (ORM, bulk SQL, a foreign-key cascade). The one exception is
   the ballot saves' kept connection (services/ballot_save.py), which runs only the save's own statements and
   seals the rows it wrote from their values (storage/fast_seal.py): `uninstall` takes its triggers away.
2. `audit.append` takes the noted rows and writes, in the entry it is adding, each row's keyed digest
   (HMAC-SHA256 with a key derived from the meeting's key, storage/keys.py), or null for a row deleted,
   grouped by meeting, each group with a MAC over the entry's place in the chain (previous hash, number,
   time, actor, action) and its digests. A transaction that changed sealed rows after its last entry
   gets one more entry ("rows_sealed") before it commits: no change is ever left unsealed.
3. `verify` replays the groups (a group whose MAC fails, or that names a key no longer the meeting's,
   seals nothing) and compares every row of every registered table with the digest of the entry that
   last wrote it: rows changed, rows inserted behind the app's back and sealed rows that are gone are
   reported by table and row.

The keyed digest never reveals a row's content (the log leaves the room in the export, and a plain
hash of a ballot's few possible marks could be reversed by trying them all).

Sealing a new table: call `register(SealedTable(...))` at import time of the module that defines the
table (or add it to the list below), naming its columns and how a row finds its meeting: "meeting"
(a `meeting_id` column), "round" (a `round_id` column) or "self" (the meetings table). Its rows are then
noted, sealed and verified like the others; rows that existed before the table was registered must be
sealed once by a migration step calling `touch_meeting` for each meeting and appending an entry.
Columns left out of `columns` may change freely (the lockout counters: a wrong passphrase is recorded
while nobody holds the key).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from vote_counter.domain.keyed import HmacSha256
from vote_counter.storage import keys
from vote_counter.storage.schema import AuditRow, MeetingKeyRow

TOUCHED = "kp_touched"
DIGEST_CHARS = 32
FALLBACK_ACTION = "rows_sealed"

Owner = Literal["self", "meeting", "round"]


@dataclass(frozen=True)
class SealedTable:
    table: str
    label: str  # Vietnamese, as a message names it
    columns: tuple[str, ...]  # digested, after the id
    owner: Owner


SEALED: dict[str, SealedTable] = {}


def register(table: SealedTable) -> None:
    SEALED[table.table] = table


for _t in (
    SealedTable(
        "meetings",
        "hội nghị",
        ("title", "organisation", "parent_body", "place", "date", "header_style", "secrecy", "document_code"),
        "self",
    ),
    SealedTable(
        "board_members",
        "thành viên Ban kiểm phiếu",
        ("meeting_id", "full_name", "role", "order", "passphrase_hash"),
        "meeting",
    ),
    SealedTable(
        "rounds",
        "lượt bỏ phiếu",
        (
            "meeting_id",
            "title",
            "kind",
            "position",
            "level_preset",
            "percent_base",
            "invalid_policy",
            "seats",
            "write_ins",
            "announced",
            "mode",
            "stage",
            "blank_is_disagree",
            "double_entry",
            "summoned",
            "present",
            "issued",
            "collected",
            "code",
            "hmac_key",
            "order",
            "layout_json",
        ),
        "meeting",
    ),
    SealedTable(
        "nominees",
        "người có tên trên phiếu",
        ("round_id", "full_name", "birth_year", "current_position", "proposed_position", "unit", "order"),
        "round",
    ),
    SealedTable("ballot_register", "sổ số phiếu", ("round_id", "serial", "status", "mode"), "round"),
    SealedTable(
        "ballots",
        "phiếu đã nhập",
        ("round_id", "serial", "pass_no", "marks", "valid", "reasons", "status", "set_aside"),
        "round",
    ),
    SealedTable("tally_sheets", "phiếu tổng hợp", ("round_id", "sheet_no", "data"), "round"),
    # Results are read from the running totals (storage/totals.py), so they are sealed like the ballots.
    SealedTable("running_totals", "tổng cộng dồn", ("round_id", "pass_no", "basis", "data"), "round"),
    # Number, issuer, recipients and signers printed on the minutes (revision 0009 gave the table its row id).
    SealedTable("document_details", "thông tin văn bản", ("meeting_id", "data"), "meeting"),
):
    register(_t)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _meeting_expr(t: SealedTable, alias: str) -> str:
    if t.owner == "self":
        return f"{alias}.id"
    if t.owner == "meeting":
        return f"{alias}.meeting_id"
    return f"(SELECT meeting_id FROM main.rounds WHERE id = {alias}.round_id)"


def _select(t: SealedTable, where: str = "") -> str:
    cols = ", ".join(f"t.{_q(c)}" for c in t.columns)
    return f"SELECT t.id, {_meeting_expr(t, 't')}, {cols} FROM main.{_q(t.table)} t {where}"


# ---------------------------------------------------------------- noting changes (per connection)


def install(dbapi_connection: Any, info: dict[Any, Any]) -> None:
    """TEMP triggers for every registered table that exists; called at the start of each write transaction."""
    cur = dbapi_connection.cursor()
    try:
        # What this connection has, asked each time: TEMP objects made in a transaction that rolled back are gone.
        have = {r[0] for r in cur.execute("SELECT name FROM sqlite_temp_master WHERE type = 'trigger'")}
        done: set[str] = {name for name in SEALED if f"kp_seal_{name}_delete" in have}
        info["kp_sealed"] = done
        if done >= SEALED.keys():
            return
        existing = {r[0] for r in cur.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {TOUCHED} "
            "(tbl TEXT NOT NULL, id INTEGER NOT NULL, meeting INTEGER, PRIMARY KEY (tbl, id))"
        )
        for name, t in SEALED.items():
            if name in done or name not in existing:
                continue
            cols = ", ".join(_q(c) for c in t.columns)
            lit = "'" + name.replace("'", "''") + "'"
            for event_name, ref, of in (("INSERT", "NEW", ""), ("UPDATE", "NEW", f" OF {cols}"), ("DELETE", "OLD", "")):
                cur.execute(
                    f"CREATE TEMP TRIGGER IF NOT EXISTS kp_seal_{name}_{event_name.lower()} "
                    f"AFTER {event_name}{of} ON main.{_q(name)} BEGIN "
                    f"INSERT OR REPLACE INTO {TOUCHED} (tbl, id, meeting) "
                    f"VALUES ({lit}, {ref}.id, {_meeting_expr(t, ref)}); END"
                )
            done.add(name)
    finally:
        cur.close()


def uninstall(dbapi_connection: Any, info: dict[Any, Any]) -> None:
    """No noting on this connection (the saves' kept connection, storage/fast_seal.py): its sealing triggers and
    notes dropped, outside any transaction. Given back to the pool, its next write transaction makes them again
    (`install` asks what the connection has)."""
    cur = dbapi_connection.cursor()
    try:
        names = [r[0] for r in cur.execute("SELECT name FROM sqlite_temp_master WHERE type = 'trigger'")]
        for name in names:
            if name.startswith("kp_seal_"):
                cur.execute(f"DROP TRIGGER temp.{_q(name)}")
        cur.execute(f"DROP TABLE IF EXISTS temp.{TOUCHED}")
        info["kp_sealed"] = set()
    finally:
        cur.close()


def _is_pg(conn: Connection) -> bool:
    """PostgreSQL (storage/pg_engine.py): permanent triggers fill the session's temporary table instead."""
    return conn.dialect.name == "postgresql"


def _native(conn: Connection, sql: str) -> str:
    """The statements here are written with SQLite's `?`; psycopg takes `%s`."""
    return sql if conn.dialect.paramstyle == "qmark" else sql.replace("?", "%s")


def _noting(conn: Connection) -> bool:
    return bool(conn.connection.info.get("kp_sealed"))


def touch_meeting(session: Session, meeting_id: int, only: str | None = None) -> None:
    """Note every sealed row of a meeting (of table `only`, if given), to be sealed again by the next entry (a new
    key; rows an upgrade could not seal, storage/deferred_seals.py)."""
    conn = session.connection()
    verb, tail = (
        ("INSERT", " ON CONFLICT (tbl, id) DO UPDATE SET meeting = EXCLUDED.meeting")
        if _is_pg(conn)
        else ("INSERT OR REPLACE", "")
    )
    for name, t in SEALED.items():
        if name not in conn.connection.info.get("kp_sealed", set()) or only not in (None, name):
            continue
        conn.exec_driver_sql(
            _native(
                conn,
                f"{verb} INTO {TOUCHED} (tbl, id, meeting) "
                f"SELECT ?, t.id, {_meeting_expr(t, 't')} FROM main.{_q(name)} t WHERE {_meeting_expr(t, 't')} = ?{tail}",
            ),
            (name, meeting_id),
        )


# ---------------------------------------------------------------- digests


# json.dumps(…, ensure_ascii=False, separators=(",", ":")[, sort_keys=True]) without an encoder made per call.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


# Column values digested as they are: `type(v)` in this set means _plain(v) is v (one C call per row instead of
# an isinstance per value; a bool is not among them, its type being bool).
_AS_IS = frozenset({str, int, float, type(None)})


def _plain(value: Any) -> Any:
    """A column's value as digested: the same on both engines (PostgreSQL gives booleans, SQLite 0 and 1)."""
    if isinstance(value, bool):
        return int(value)
    return value.hex() if isinstance(value, bytes | memoryview) else value


def row_digest(key: bytes, table: str, values: Iterable[Any]) -> str:
    return digest_with(keys.derived(key, "seal"), table, values)


def digest_with(seal_key: bytes | HmacSha256, table: str, values: Iterable[Any]) -> str:
    """row_digest with the derived "seal" key already made (the save's fast path keeps it per round context,
    prepared as an HmacSha256)."""
    row = [table, *values]
    if not _AS_IS.issuperset(map(type, row)):  # PostgreSQL's booleans; a round's key as hex
        row = [_plain(v) for v in row]
    return _mac(seal_key, _COMPACT(row).encode("utf-8")).hex()[:DIGEST_CHARS]


def group_mac(key: bytes, place: list[Any], meeting_id: int, key_id: str, digests: dict[str, str | None]) -> str:
    return mac_with(keys.derived(key, "chain"), place, meeting_id, key_id, digests)


def mac_with(
    chain_key: bytes | HmacSha256, place: list[Any], meeting_id: int, key_id: str, digests: dict[str, str | None]
) -> str:
    """group_mac with the derived "chain" key already made."""
    body = _SORTED([*place, meeting_id, key_id, digests])
    return _mac(chain_key, body.encode("utf-8")).hex()[:DIGEST_CHARS]


def _mac(key: bytes | HmacSha256, message: bytes) -> bytes:
    return hmac.digest(key, message, hashlib.sha256) if isinstance(key, bytes) else key.digest(message)


def seal_pending(session: Session, place: list[Any]) -> list[dict[str, Any]] | None:
    """The seal groups for the rows changed since the last entry of this transaction (KeysLocked if a
    meeting's key is not open). `place` = [previous hash, number, time, actor, action]."""
    session.flush()
    conn = session.connection()
    if not _noting(conn):
        return None
    touched = conn.exec_driver_sql(f"SELECT tbl, id, meeting FROM {TOUCHED}").all()
    if not touched:
        return None
    conn.exec_driver_sql(f"DELETE FROM {TOUCHED}")
    return _groups(
        [tuple(r) for r in touched],
        lambda sql, params: [tuple(r) for r in conn.exec_driver_sql(_native(conn, sql), params).all()],
        lambda meeting: keys.require(session, meeting),
        place,
    )


def _groups(
    touched: list[tuple[Any, ...]],
    run: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]],
    key_of: Callable[[int], tuple[str, bytes]],
    place: list[Any],
) -> list[dict[str, Any]] | None:
    by_table: dict[str, dict[int, int | None]] = defaultdict(dict)
    for tbl, row_id, meeting in touched:
        by_table[tbl][row_id] = meeting
    digests: dict[int | None, dict[str, str | None]] = defaultdict(dict)
    for tbl, ids in by_table.items():
        t = SEALED[tbl]
        found: set[int] = set()
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in run(_select(t, f"WHERE t.id IN ({marks})"), tuple(chunk)):
                row_id, meeting = row[0], row[1]
                found.add(row_id)
                _key_id, key = key_of(meeting)
                digests[meeting][f"{tbl}:{row_id}"] = row_digest(key, tbl, row[2:])
        for row_id in ids.keys() - found:
            digests[ids[row_id]][f"{tbl}:{row_id}"] = None
    orphans = digests.pop(None, {})  # deleted with their round or meeting: part of that deletion's group
    if orphans:
        if digests:
            digests[min(digests)].update(orphans)  # type: ignore[type-var]
        else:
            return [{"meeting": None, "digests": orphans}]
    groups = []
    for meeting_id in sorted(m for m in digests if m is not None):
        key_id, key = key_of(meeting_id)
        rows = dict(sorted(digests[meeting_id].items()))
        groups.append(
            {
                "meeting": meeting_id,
                "key": key_id,
                "digests": rows,
                "mac": group_mac(key, place, meeting_id, key_id, rows),
            }
        )
    return groups


def has_pending(session: Session) -> bool:
    conn = session.connection()
    if not _noting(conn):
        return False
    return conn.exec_driver_sql(f"SELECT 1 FROM {TOUCHED} LIMIT 1").first() is not None


# ---------------------------------------------------------------- verification


@dataclass(frozen=True)
class SealReport:
    bad_entries: tuple[int, ...] = ()  # entries whose seal MAC does not verify
    bad_rows: tuple[tuple[str, int], ...] = ()  # (table, row id): changed, added or deleted
    locked: tuple[int, ...] = ()  # meetings whose key is not open here: their rows were not checked
    checked: dict[str, int] = field(default_factory=dict)  # rows checked per table

    @property
    def ok(self) -> bool:
        return not self.bad_entries and not self.bad_rows


def verify(session: Session, only_meeting: int | None = None) -> SealReport:
    """Every row of every sealed table against the digest of the entry that last wrote it."""
    key_ids = {m: k for m, k in session.execute(select(MeetingKeyRow.meeting_id, MeetingKeyRow.key_id)).all()}
    open_keys: dict[int, bytes] = {}
    locked: set[int] = set()
    for meeting_id in key_ids:
        got = keys.available(session, meeting_id)
        if got is None:
            locked.add(meeting_id)
        else:
            open_keys[meeting_id] = got[1]
    sealed: dict[str, tuple[int, str | None]] = {}
    bad_entries: list[int] = []
    query = select(AuditRow.seq, AuditRow.prev_hash, AuditRow.at, AuditRow.actor, AuditRow.action, AuditRow.details)
    deferrals: list[tuple[str, Any]] = []  # storage/deferred_seals.py: rows an upgrade could not seal yet
    for seq, prev, at, actor, action, text in session.execute(query.order_by(AuditRow.seq)).all():
        if action in _DEFERRAL_ACTIONS:
            deferrals.append((action, json.loads(text)))
        if '"seal"' not in text:
            continue
        groups = json.loads(text).get("seal")
        if not isinstance(groups, list):
            continue
        for g in groups:
            owner = g.get("meeting") if isinstance(g, dict) else None
            if not isinstance(owner, int) or g.get("key") != key_ids.get(owner):
                continue  # an orphan deletion, or a key replaced since (all its rows were sealed again)
            key = open_keys.get(owner)
            if key is None:
                continue
            digests = g.get("digests")
            if not isinstance(digests, dict) or not hmac.compare_digest(
                str(g.get("mac", "")), group_mac(key, [prev, seq, at, actor, action], owner, g["key"], digests)
            ):
                bad_entries.append(seq)
                continue
            for name, digest in digests.items():
                sealed[name] = (owner, digest)
    deferred = unsettled_from(deferrals)
    bad_rows: list[tuple[str, int]] = []
    seen: set[str] = set()
    checked: dict[str, int] = {}
    conn = session.connection()
    for tbl, t in SEALED.items():
        exists = conn.exec_driver_sql(*_table_exists(conn, tbl)).first()
        if exists is None:
            continue
        checked[tbl] = 0
        for row in conn.exec_driver_sql(_select(t)).all():
            row_id, meeting_id = row[0], row[1]
            if only_meeting is not None and meeting_id != only_meeting:
                continue
            name = f"{tbl}:{row_id}"
            seen.add(name)
            if meeting_id in locked:
                continue
            key = open_keys.get(meeting_id) if isinstance(meeting_id, int) else None
            expected = sealed.get(name)
            if expected is None and (tbl, meeting_id) in deferred:
                continue  # never sealed: the upgrade could not (its key was shut); sealed at the next sign-in
            checked[tbl] += 1
            if key is None or expected is None or expected[1] != row_digest(key, tbl, row[2:]):
                bad_rows.append((tbl, row_id))
    for name, (meeting_id, digest) in sealed.items():
        if digest is None or name in seen or meeting_id in locked:
            continue
        if only_meeting is not None and meeting_id != only_meeting:
            continue
        tbl, _, row_id = name.partition(":")
        bad_rows.append((tbl, int(row_id)))
    wanted_locked = sorted(m for m in locked if only_meeting is None or m == only_meeting)
    return SealReport(tuple(bad_entries), tuple(sorted(bad_rows)), tuple(wanted_locked), checked)


# Rows an upgrade could not seal (storage/deferred_seals.py): said in the log, settled at the next sign-in.
DEFERRED = "seals_deferred"
SETTLED = "seals_settled"
_DEFERRAL_ACTIONS = frozenset({DEFERRED, SETTLED})


def unsettled_from(entries: list[tuple[str, Any]]) -> set[tuple[str, int]]:
    """(table, meeting) pairs deferred and not settled since, from (action, details dict) in log order."""
    out: set[tuple[str, int]] = set()
    for action, details in entries:
        if not isinstance(details, dict):
            continue
        if action == DEFERRED:
            table, meetings = details.get("table"), details.get("meetings")
            if isinstance(table, str) and isinstance(meetings, list):
                out.update((table, m) for m in meetings if isinstance(m, int) and not isinstance(m, bool))
        elif action == SETTLED:
            meeting, tables = details.get("meeting"), details.get("tables")
            if isinstance(meeting, int) and isinstance(tables, list):
                out.difference_update((t, meeting) for t in tables)
    return out


def _table_exists(conn: Connection, tbl: str) -> tuple[str, tuple[str, ...]]:
    if _is_pg(conn):
        return "SELECT 1 WHERE to_regclass(%s) IS NOT NULL", (f"main.{_q(tbl)}",)
    return "SELECT 1 FROM main.sqlite_master WHERE type='table' AND name=?", (tbl,)


def describe(bad_rows: Iterable[tuple[str, int]], limit: int = 6) -> str:
    """'phiếu tổng hợp số 3, lượt bỏ phiếu số 2 …' — the table and row, in words."""
    rows = list(bad_rows)
    words = [f"{SEALED[t].label if t in SEALED else t} số {i}" for t, i in rows[:limit]]
    return ", ".join(words) + (f" và {len(rows) - limit} dòng khác" if len(rows) > limit else "")


# ---------------------------------------------------------------- nothing left unsealed at commit


@event.listens_for(Session, "before_commit")
def _seal_before_commit(session: Session) -> None:
    from vote_counter.storage import audit

    try:
        session.flush()
        pending = has_pending(session)
    except Exception:
        return
    if pending:
        audit.append(session, session.info.get("kp_actor", "Kiểm Phiếu"), FALLBACK_ACTION, {})
