"""Each meeting's sealing key, kept out of the database file once the meeting has accounts (SPEC §8).

A meeting has one random 32-byte key K. Every sealed row of the meeting is digested with a key derived
from K, every audit entry that seals rows carries a MAC made with another key derived from K, and the
meeting's export signing key is stored encrypted under a third (see `derived`).

Where K lives:

- before any board member of the meeting has a passphrase, in the file (`meeting_keys.plain`): there is
  nobody to wrap it for, and a meeting without accounts is open to anyone at the laptop anyway;
- when the first passphrase is set, K is replaced by a fresh key that is never written in the clear
  (`rekey`): the file holds it only wrapped (AES-256-GCM) once per member, under a key derived from that
  member's passphrase by the same scrypt run that checks it (`key_wraps`);
- in this process's memory (`_RING`) after a member signed in, until the screen locks or the app ends.

The wrap's associated data names the meeting, the member and the key id: a passphrase hash copied onto
another member's row opens nothing, and neither does a wrap copied with it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from vote_counter.storage.schema import BoardMemberRow, KeyWrapRow, MeetingKeyRow

KEY_BYTES = 32
NONCE_BYTES = 12

# key id -> key, for meetings unlocked in this process. Never written anywhere.
_RING: dict[str, bytes] = {}
# (member id, stored passphrase hash) -> key id their wrap opened: the check on every later call (each ballot
# saved) skips the file. A hash copied onto another row is another pair, and is checked in full.
_OPENED: dict[tuple[int, str], str] = {}


class KeysLocked(Exception):
    """The meeting's key is not in memory: a board member has to sign in first."""

    def __init__(self, meeting_id: int) -> None:
        super().__init__(f"meeting {meeting_id} is locked")
        self.meeting_id = meeting_id


class WrapRefused(Exception):
    """The member's passphrase does not open the meeting key (a doctored row, a copied hash)."""

    def __init__(self, meeting_id: int, member_id: int) -> None:
        super().__init__(f"member {member_id} cannot open meeting {meeting_id}")
        self.meeting_id = meeting_id
        self.member_id = member_id


def derived(key: bytes, label: str) -> bytes:
    """A purpose-bound key from the meeting key: "seal" (row digests), "chain" (entry MACs), "sign"."""
    return hmac.new(key, b"kiem-phieu/" + label.encode("ascii"), hashlib.sha256).digest()


def forget_all() -> None:
    """The screen locked or everyone signed out: no meeting key stays in memory."""
    _RING.clear()
    _OPENED.clear()


def _aad(meeting_id: int, member_id: int, key_id: str) -> bytes:
    return f"kiem-phieu/wrap/{meeting_id}/{member_id}/{key_id}".encode("ascii")


def encrypt(key: bytes, plain: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plain, aad)


def decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes | None:
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError):
        return None


def _row(s: Session, meeting_id: int) -> MeetingKeyRow | None:
    return s.get(MeetingKeyRow, meeting_id)


def _has_wraps(s: Session, meeting_id: int) -> bool:
    return (
        s.execute(select(KeyWrapRow.member_id).where(KeyWrapRow.meeting_id == meeting_id).limit(1)).first() is not None
    )


def ensure(s: Session, meeting_id: int) -> MeetingKeyRow:
    """The meeting's key row, created (key in the file: no accounts yet) for a new meeting."""
    row = _row(s, meeting_id)
    if row is None:
        row = MeetingKeyRow(
            meeting_id=meeting_id,
            uid=secrets.token_hex(16),
            key_id=secrets.token_hex(8),
            plain=secrets.token_bytes(KEY_BYTES),
        )
        s.add(row)
        s.flush()
    return row


def meeting_uid(s: Session, meeting_id: int) -> str | None:
    row = _row(s, meeting_id)
    return row.uid if row is not None else None


def available(s: Session, meeting_id: int) -> tuple[str, bytes] | None:
    """(key id, key) if the meeting's key can be used now, else None. Never creates anything.

    The key in the file is honoured only while no member holds a wrap: once the key has left the file,
    a key written back into it by hand opens nothing.
    """
    row = _row(s, meeting_id)
    if row is None:
        return None
    known = _RING.get(row.key_id)
    if known is not None:
        return row.key_id, known
    if row.plain is not None and not _has_wraps(s, meeting_id):
        return row.key_id, bytes(row.plain)
    return None


def require_raw(cursor: sqlite3.Cursor, meeting_id: int) -> tuple[str, bytes]:
    """require() on the SQLite cursor of the caller's transaction (the save's fast path; the meeting exists)."""
    row = cursor.execute("SELECT key_id, plain FROM meeting_keys WHERE meeting_id = ?", (meeting_id,)).fetchone()
    if row is None:
        raise KeysLocked(meeting_id)
    known = _RING.get(row[0])
    if known is not None:
        return str(row[0]), known
    wraps = cursor.execute("SELECT 1 FROM key_wraps WHERE meeting_id = ? LIMIT 1", (meeting_id,)).fetchone()
    if row[1] is not None and wraps is None:
        return str(row[0]), bytes(row[1])
    raise KeysLocked(meeting_id)


def require(s: Session, meeting_id: int) -> tuple[str, bytes]:
    """The key to seal with; a new meeting gets one. KeysLocked if nobody who can open it signed in."""
    ensure(s, meeting_id)
    got = available(s, meeting_id)
    if got is None:
        raise KeysLocked(meeting_id)
    return got


def in_file(s: Session, meeting_id: int) -> bool:
    """True while the meeting's key is still readable from the file (no accounts yet, or an older file)."""
    row = _row(s, meeting_id)
    return row is None or (row.plain is not None and not _has_wraps(s, meeting_id))


def unlock(s: Session, member: BoardMemberRow, wrap_key: bytes) -> None:
    """Open the meeting key with a member's passphrase-derived key and keep it in memory. WrapRefused if
    the member's wrap does not open with it, or the member has none once the key has left the file.

    An older file (members had passphrases before keys were wrapped) keeps its key in the file until every
    account holder has signed in once: each gets a wrap then, and the last one takes the key out.
    """
    opened = _OPENED.get((member.id, member.passphrase_hash or ""))
    if opened is not None and opened in _RING:
        return
    row = ensure(s, member.meeting_id)
    wrap = s.get(KeyWrapRow, member.id)
    if wrap is not None and wrap.meeting_id == member.meeting_id and wrap.key_id == row.key_id:
        key = decrypt(wrap_key, bytes(wrap.wrap), _aad(member.meeting_id, member.id, row.key_id))
        if key is None or len(key) != KEY_BYTES:
            raise WrapRefused(member.meeting_id, member.id)
    elif row.plain is not None:
        key = bytes(row.plain)
    else:
        raise WrapRefused(member.meeting_id, member.id)
    known = _RING.get(row.key_id)
    if known is not None and not hmac.compare_digest(known, key):
        raise WrapRefused(member.meeting_id, member.id)  # two different keys under one id: a doctored file
    _RING[row.key_id] = key
    if member.passphrase_hash:
        _OPENED[(member.id, member.passphrase_hash)] = row.key_id
    if wrap is None or wrap.key_id != row.key_id:
        put_wrap(s, member, wrap_key, row.key_id, key)
        holders = s.execute(
            select(BoardMemberRow.id).where(
                BoardMemberRow.meeting_id == member.meeting_id, BoardMemberRow.passphrase_hash.is_not(None)
            )
        ).scalars()
        wrapped = set(
            s.execute(
                select(KeyWrapRow.member_id).where(
                    KeyWrapRow.meeting_id == member.meeting_id, KeyWrapRow.key_id == row.key_id
                )
            ).scalars()
        )
        if all(h in wrapped for h in holders):
            row.plain = None
            s.flush()


def put_wrap(s: Session, member: BoardMemberRow, wrap_key: bytes, key_id: str, key: bytes) -> None:
    blob = encrypt(wrap_key, key, _aad(member.meeting_id, member.id, key_id))
    wrap = s.get(KeyWrapRow, member.id)
    if wrap is None:
        s.add(KeyWrapRow(member_id=member.id, meeting_id=member.meeting_id, key_id=key_id, wrap=blob))
    else:
        wrap.meeting_id, wrap.key_id, wrap.wrap = member.meeting_id, key_id, blob
    s.flush()


def wrap_for(s: Session, member: BoardMemberRow, wrap_key: bytes) -> None:
    """A (new or changed) passphrase: wrap the meeting key for the member. KeysLocked if it is not open."""
    key_id, key = require(s, member.meeting_id)
    put_wrap(s, member, wrap_key, key_id, key)


def rekey(s: Session, member: BoardMemberRow, wrap_key: bytes) -> None:
    """The meeting's first passphrase: a fresh key that exists only wrapped for this member and in memory.

    The old key was readable from the file (and from every backup made so far), so it is dropped with
    the export signing key it protected; the caller re-seals every row of the meeting with the new key.
    """
    row = ensure(s, member.meeting_id)
    for old in s.execute(select(KeyWrapRow).where(KeyWrapRow.meeting_id == member.meeting_id)).scalars():
        s.delete(old)
    s.flush()
    key = secrets.token_bytes(KEY_BYTES)
    row.key_id = secrets.token_hex(8)
    row.plain = None
    row.signing = None
    _RING[row.key_id] = key
    put_wrap(s, member, wrap_key, row.key_id, key)


def drop_wrap(s: Session, member_id: int) -> None:
    wrap = s.get(KeyWrapRow, member_id)
    if wrap is not None:
        s.delete(wrap)
        s.flush()


def signing_secret(s: Session, meeting_id: int) -> bytes | None:
    """The meeting's export signing key (raw Ed25519 private bytes), if one was made. KeysLocked if shut."""
    key_id, key = require(s, meeting_id)
    row = ensure(s, meeting_id)
    if row.signing is None:
        return None
    return decrypt(derived(key, "sign"), bytes(row.signing), f"kiem-phieu/sign/{meeting_id}/{key_id}".encode())


def store_signing_secret(s: Session, meeting_id: int, secret: bytes) -> None:
    key_id, key = require(s, meeting_id)
    row = ensure(s, meeting_id)
    row.signing = encrypt(derived(key, "sign"), secret, f"kiem-phieu/sign/{meeting_id}/{key_id}".encode())
    s.flush()
