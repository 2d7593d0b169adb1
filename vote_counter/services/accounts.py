"""Board member accounts and who may do what (SPEC §9).

Each board member may hold a passphrase, stored as a salted scrypt hash. A meeting "has accounts" once any of
its members has one; from then on every change to the meeting and its rounds needs credentials:

- any member with a verified passphrase: set-up edits, printing ballots, entering and correcting ballots;
- the chair: opening counting;
- the chair plus one more member (two different people, both verified): closing, sealing, going back a stage,
  voiding a counted ballot, reprinting the minutes.

A live round cannot be opened for counting before the chair has a passphrase, and a live round past
preparation always needs credentials (removing the board's accounts cannot open it up again).

Services enforce this; the GUI and the commands only collect the passphrases. `Access.signed_in` holds, per
meeting, the credentials of whoever signed in at this machine (the window, or `--as`/`--with` on the command
line): a call that passes no credentials of its own acts as them, and they are verified again on every call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from vote_counter.domain.model import BoardMember, BoardMemberId, BoardRole, MeetingId, nfc
from vote_counter.i18n import _
from vote_counter.services.errors import ErrorCode, ServiceError, storage_detail, storage_error
from vote_counter.storage import audit, deferred_seals, keys, repositories, seals
from vote_counter.storage.engine import WRITE
from vote_counter.storage.schema import BoardMemberRow

DEFAULT_ACTOR = "Ban kiểm phiếu"

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_LENGTH = 8
MAX_LENGTH = 256
# Free attempts before the lockout starts, its first delay, and its ceiling.
FREE_ATTEMPTS = 3
FIRST_DELAY = 5
MAX_DELAY = 3600
# Refuse to run a hash from a doctored file that would take all memory or hours.
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Credential:
    """One member's claim: who, and the passphrase typed (never shown, never logged)."""

    member_id: BoardMemberId
    passphrase: str = field(repr=False)


@dataclass(frozen=True)
class Approval:
    """One or two members acting together: two-person actions need the chair and a second member."""

    first: Credential
    second: Credential | None = None

    def credentials(self) -> tuple[Credential, ...]:
        return (self.first,) if self.second is None else (self.first, self.second)


Auth = Credential | Approval


class Need(StrEnum):
    MEMBER = "member"  # any member of the meeting's board
    CHAIR = "chair"  # the chair
    CHAIR_AND_MEMBER = "chair_and_member"  # the chair and one other member


# ---------------------------------------------------------------- hashing


def hash_passphrase(passphrase: str, *, salt: bytes | None = None) -> str:
    return hash_and_wrap_key(passphrase, salt=salt)[0]


def hash_and_wrap_key(passphrase: str, *, salt: bytes | None = None) -> tuple[str, bytes]:
    """The stored hash and, from the same scrypt run, the key that wraps the meeting key (never stored).

    scrypt ends in PBKDF2, whose first 32 output bytes do not depend on the length asked for: the stored
    hash is the first half of a 64-byte output, the wrapping key the second half.
    """
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    out = _scrypt(nfc(passphrase), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    stored = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${out[:HASH_BYTES].hex()}"
    _VERIFIED[stored] = (_tag(nfc(passphrase)), out[HASH_BYTES:])
    return stored, out[HASH_BYTES:]


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=2 * HASH_BYTES, maxmem=256 * n * r * p + 2**20
    )


# A hash verified once in this process is checked again by a keyed hash in memory: scrypt's 50 ms on
# every ballot saved would break the save-latency figure (SPEC §10). Keyed by the stored string, which
# changes (new salt) whenever the passphrase does. The key never leaves memory.
_PEPPER = secrets.token_bytes(32)
_VERIFIED: dict[str, tuple[bytes, bytes]] = {}  # stored hash → (tag of the passphrase, wrapping key)


def _tag(passphrase: str) -> bytes:
    return hmac.new(_PEPPER, passphrase.encode("utf-8"), hashlib.sha256).digest()


def passphrase_matches(stored: str, passphrase: str) -> bool:
    return wrap_key_if_matches(stored, passphrase) is not None


def wrap_key_if_matches(stored: str, passphrase: str) -> bytes | None:
    """The member's wrapping key if `passphrase` is the one `stored` was made from, else None."""
    typed = nfc(passphrase)
    known = _VERIFIED.get(stored)
    if known is not None:
        return known[1] if hmac.compare_digest(known[0], _tag(typed)) else None
    try:
        scheme, n_text, r_text, p_text, salt_hex, hash_hex = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
    except ValueError:
        return None
    if scheme != "scrypt" or not (1 < n <= _MAX_N and 0 < r <= _MAX_R and 0 < p <= _MAX_P) or n & (n - 1):
        return None
    out = _scrypt(typed, salt, n, r, p)
    if not hmac.compare_digest(out[:HASH_BYTES], expected):
        return None
    _VERIFIED[stored] = (_tag(typed), out[HASH_BYTES:])
    return out[HASH_BYTES:]


def lockout_seconds(failures: int) -> int:
    """After FREE_ATTEMPTS failures in a row: 5 s, 10 s, 20 s, … up to an hour."""
    if failures < FREE_ATTEMPTS:
        return 0
    return int(min(FIRST_DELAY * 2 ** min(failures - FREE_ATTEMPTS, 20), MAX_DELAY))


def wait_text(seconds: int) -> str:
    minutes, secs = divmod(max(seconds, 1), 60)
    if minutes and secs:
        return _("{minutes} phút {seconds} giây").format(minutes=minutes, seconds=secs)
    return _("{minutes} phút").format(minutes=minutes) if minutes else _("{seconds} giây").format(seconds=secs)


class PassphraseRejected(ServiceError):
    """A wrong passphrase: the failure is counted after the action's transaction has rolled back."""

    def __init__(self, member_id: int, name: str) -> None:
        super().__init__(ErrorCode.WRONG_PASSPHRASE, name=name, wait="")
        self.member_id = member_id


# ---------------------------------------------------------------- who may act


class Access:
    """Checks credentials against a meeting's board inside the caller's transaction (one per workspace)."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._sessions = sessions
        self.clock = clock
        self.signed_in: dict[int, Auth] = {}  # meeting id → who works on it at this machine
        # True while the window checks the audit chain after opening (issue 15): every write is refused.
        self.writes_held = False

    def remember(self, meeting_id: int, auth: Auth) -> None:
        self.signed_in[meeting_id] = auth

    def forget(self) -> None:
        self.signed_in.clear()
        keys.forget_all()  # the meeting keys leave memory with whoever signed in

    def open_keys(self, meeting_id: int) -> None:
        """Open the meeting's key with the credentials of whoever signed in (checks them; KEYS_LOCKED if
        nobody did and the key is not in the file)."""
        auth = self.signed_in.get(meeting_id)
        with self.transaction() as s:
            if keys.available(s, meeting_id) is not None:
                return
            if auth is None:
                raise ServiceError(ErrorCode.KEYS_LOCKED, meeting=meeting_id)
            credentials = (auth,) if isinstance(auth, Credential) else auth.credentials()
            for credential in credentials:
                row = self.check(s, credential)
                if row.meeting_id != meeting_id:
                    raise ServiceError(ErrorCode.NOT_SIGNED_IN)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action = one transaction; a storage failure becomes a Vietnamese message; a wrong
        passphrase is counted (lockout) in a transaction of its own once the action has rolled back."""
        if self.writes_held:
            raise ServiceError(ErrorCode.AUDIT_CHECKING)
        try:
            with self._sessions.begin() as session:
                session.connection(execution_options=WRITE)
                yield session
        except PassphraseRejected as exc:
            raise self.record_failure(exc.member_id) from exc
        except keys.KeysLocked as exc:
            raise ServiceError(ErrorCode.KEYS_LOCKED, meeting=exc.meeting_id) from exc
        except (OperationalError, InterfaceError) as exc:
            raise storage_error(exc) from exc

    def record_failure(self, member_id: int) -> ServiceError:
        """Count one failure (and start or lengthen the lockout); the error to show."""
        try:
            with self._sessions.begin() as s:
                s.connection(execution_options=WRITE)
                row = s.get(BoardMemberRow, member_id)
                if row is None:
                    return ServiceError(ErrorCode.NOT_SIGNED_IN)
                row.failed_attempts = (row.failed_attempts or 0) + 1
                delay = lockout_seconds(row.failed_attempts)
                if delay:
                    row.locked_until = (self.clock() + dt.timedelta(seconds=delay)).isoformat()
                audit.append(
                    s,
                    DEFAULT_ACTOR,
                    "sign_in_failed",
                    {
                        "meeting": row.meeting_id,
                        "member": row.id,
                        "name": row.full_name,
                        "failures": row.failed_attempts,
                        "locked_seconds": delay,
                    },
                )
                name, failures = row.full_name, row.failed_attempts
        except OperationalError as exc:
            return ServiceError(ErrorCode.STORAGE, detail=storage_detail(exc))
        wait = (
            _(" Đã sai {failures} lần liên tiếp: phải chờ {wait} mới được thử lại.").format(
                failures=failures, wait=wait_text(delay)
            )
            if delay
            else ""
        )
        return ServiceError(ErrorCode.WRONG_PASSPHRASE, name=name, wait=wait)

    # ------------------------------------------------------------ checks inside a transaction
    def check(self, s: Session, credential: Credential) -> BoardMemberRow:
        """The member if the passphrase is theirs; LOCKED_OUT during a lockout even when it is right."""
        row = s.get(BoardMemberRow, credential.member_id)
        if row is None:
            raise ServiceError(ErrorCode.NOT_SIGNED_IN)
        if row.passphrase_hash is None:
            raise ServiceError(ErrorCode.NO_PASSPHRASE, name=row.full_name)
        remaining = self.remaining_lockout(row)
        if remaining:
            raise ServiceError(
                ErrorCode.LOCKED_OUT, name=row.full_name, failures=row.failed_attempts, wait=wait_text(remaining)
            )
        wrap_key = wrap_key_if_matches(row.passphrase_hash, credential.passphrase)
        if wrap_key is None:
            raise PassphraseRejected(row.id, row.full_name)
        try:
            keys.unlock(s, row, wrap_key)  # a hash copied onto this row opens nothing
        except keys.WrapRefused as exc:
            raise ServiceError(ErrorCode.KEY_REFUSED, name=row.full_name) from exc
        if row.failed_attempts or row.locked_until:
            row.failed_attempts, row.locked_until = 0, None
        return row

    def remaining_lockout(self, row: BoardMemberRow) -> int:
        if not row.locked_until:
            return 0
        try:
            until = dt.datetime.fromisoformat(row.locked_until)
        except ValueError:
            return MAX_DELAY  # a doctored value locks rather than opens
        left = (until - self.clock()).total_seconds()
        return int(left) + (1 if left % 1 else 0) if left > 0 else 0

    @staticmethod
    def account_holders(s: Session, meeting_id: int) -> list[BoardMemberRow]:
        return list(
            s.execute(
                select(BoardMemberRow).where(
                    BoardMemberRow.meeting_id == meeting_id, BoardMemberRow.passphrase_hash.is_not(None)
                )
            ).scalars()
        )

    def authorise(
        self,
        s: Session,
        meeting_id: int,
        need: Need,
        auth: Auth | None = None,
        *,
        required: bool = False,
        fallback: str = DEFAULT_ACTOR,
    ) -> str:
        """The audit actor ("Name" or "Name1 + Name2") if `auth` (or whoever signed in) may act; else ServiceError.

        A meeting without accounts lets anyone act as `fallback`, unless `required`: opening a live round
        for counting, and anything on a live round past preparation.
        """
        holders = self.account_holders(s, meeting_id)
        if required and not any(h.role == BoardRole.CHAIR.value for h in holders):
            raise ServiceError(ErrorCode.ACCOUNTS_REQUIRED)
        if not holders:
            return fallback
        auth = auth if auth is not None else self.signed_in.get(meeting_id)
        if auth is None:
            raise ServiceError(ErrorCode.NOT_SIGNED_IN)
        credentials = (auth,) if isinstance(auth, Credential) else auth.credentials()
        members: list[BoardMemberRow] = []
        for credential in credentials:
            row = self.check(s, credential)
            if row.meeting_id != meeting_id:
                raise ServiceError(ErrorCode.NOT_SIGNED_IN)
            members.append(row)
        chairs = [m for m in members if m.role == BoardRole.CHAIR.value]
        if need is Need.MEMBER:
            return members[0].full_name
        if not chairs:
            raise ServiceError(ErrorCode.NEEDS_CHAIR)
        if need is Need.CHAIR:
            return chairs[0].full_name
        if len({m.id for m in members}) < 2:
            raise ServiceError(ErrorCode.NEEDS_SECOND_MEMBER)
        return " + ".join(m.full_name for m in members)


# ---------------------------------------------------------------- the service


@dataclass(frozen=True)
class AccountStatus:
    member: BoardMember
    failed_attempts: int
    locked_seconds: int  # 0 when the member may try now


class AccountService:
    """Setting passphrases, signing in, and what the window shows about accounts."""

    def __init__(self, access: Access, sessions: sessionmaker[Session]) -> None:
        self._access = access
        self._sessions = sessions

    @property
    def access(self) -> Access:
        return self._access

    def set_passphrase(
        self,
        member_id: BoardMemberId,
        new: str,
        current: str | None = None,
        *,
        auth: Auth | None = None,
    ) -> BoardMember:
        """Set or change a member's passphrase (NFC, at least MIN_LENGTH characters).

        A member who has one changes it with the current passphrase; a forgotten one is reset by the chair
        plus another member (`auth`). A first passphrase needs a signed-in member once the meeting has
        accounts. Audited, without the passphrase or its hash.
        """
        cleaned = nfc(new)
        if not MIN_LENGTH <= len(cleaned) <= MAX_LENGTH:
            raise ServiceError(ErrorCode.WEAK_PASSPHRASE, minimum=MIN_LENGTH, maximum=MAX_LENGTH)
        hashed, wrap_key = hash_and_wrap_key(cleaned)  # slow: outside the write lock
        with self._access.transaction() as s:
            row = s.get(BoardMemberRow, member_id)
            if row is None:
                raise ServiceError(ErrorCode.NOT_FOUND, what=_("thành viên Ban kiểm phiếu"))
            first_account = not self._access.account_holders(s, row.meeting_id)
            if row.passphrase_hash is None:
                actor = self._access.authorise(s, row.meeting_id, Need.MEMBER, auth)
                action = "passphrase_set"
            elif current is not None:
                self._access.check(s, Credential(member_id, current))
                actor, action = row.full_name, "passphrase_changed"
            elif auth is not None:
                actor = self._access.authorise(s, row.meeting_id, Need.CHAIR_AND_MEMBER, auth)
                action = "passphrase_reset"
            else:
                raise ServiceError(ErrorCode.CURRENT_PASSPHRASE, name=row.full_name)
            row.passphrase_hash = hashed
            row.failed_attempts, row.locked_until = 0, None
            if first_account:
                # The key was readable from the file until now: a fresh one, only wrapped, seals everything again.
                keys.rekey(s, row, wrap_key)
                seals.touch_meeting(s, row.meeting_id)
            else:
                keys.wrap_for(s, row, wrap_key)
            audit.append(s, actor, action, {"meeting": row.meeting_id, "member": row.id, "name": row.full_name})
            return repositories.member(row)

    def verify(self, member_id: BoardMemberId, passphrase: str) -> BoardMember:
        """The member if the passphrase is theirs; WRONG_PASSPHRASE (counted), LOCKED_OUT, NO_PASSPHRASE otherwise."""
        with self._access.transaction() as s:
            return repositories.member(self._access.check(s, Credential(member_id, passphrase)))

    def sign_in(self, auth: Auth) -> BoardMember:
        """Verify and remember who works at this machine (logged); later calls without credentials act as them."""
        credentials = (auth,) if isinstance(auth, Credential) else auth.credentials()
        with self._access.transaction() as s:
            rows = [self._access.check(s, c) for c in credentials]
            names = " + ".join(r.full_name for r in rows)
            meeting_id = rows[0].meeting_id
            if any(r.meeting_id != meeting_id for r in rows):
                raise ServiceError(ErrorCode.NOT_SIGNED_IN)
            # The meeting's key is open now: rows an upgrade could not seal are sealed, once (deferred_seals.py).
            deferred_seals.settle(s, meeting_id, names)
            audit.append(s, names, "signed_in", {"meeting": meeting_id, "members": [r.id for r in rows]})
            first = repositories.member(rows[0])
        self._access.remember(meeting_id, auth)
        return first

    def sign_out(self) -> None:
        self._access.forget()

    def signed_in_member(self, meeting_id: MeetingId) -> BoardMember | None:
        auth = self._access.signed_in.get(meeting_id)
        if auth is None:
            return None
        member_id = auth.member_id if isinstance(auth, Credential) else auth.first.member_id
        with self._sessions() as s:
            row = s.get(BoardMemberRow, member_id)
            return repositories.member(row) if row is not None else None

    def has_accounts(self, meeting_id: MeetingId) -> bool:
        with self._sessions() as s:
            return bool(self._access.account_holders(s, meeting_id))

    def statuses(self, meeting_id: MeetingId) -> list[AccountStatus]:
        with self._sessions() as s:
            rows = s.execute(
                select(BoardMemberRow)
                .where(BoardMemberRow.meeting_id == meeting_id)
                .order_by(BoardMemberRow.order, BoardMemberRow.id)
            ).scalars()
            return [
                AccountStatus(repositories.member(r), r.failed_attempts or 0, self._access.remaining_lockout(r))
                for r in rows
            ]
