"""Tables (SQLAlchemy 2 typed ORM). Rows never leave storage: repositories map them to domain values."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class MeetingRow(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    parent_body: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO date
    header_style: Mapped[str] = mapped_column(String(10))
    secrecy: Mapped[str] = mapped_column(String(10))
    document_code: Mapped[str] = mapped_column(Text, default="")


class BoardMemberRow(Base):
    __tablename__ = "board_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(10))
    order: Mapped[int] = mapped_column(default=0)
    # "scrypt$n$r$p$salt_hex$hash_hex" (SPEC §9); never leaves storage, never written to the audit log.
    passphrase_hash: Mapped[str | None] = mapped_column(Text, nullable=True, default=None)
    # Lockout survives a restart: failures in a row and the UTC time (ISO) before which no attempt is taken.
    failed_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[str | None] = mapped_column(String(40), nullable=True, default=None)


class RoundRow(Base):
    __tablename__ = "rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(12))
    position: Mapped[str] = mapped_column(Text, default="")
    level_preset: Mapped[str] = mapped_column(String(10))
    percent_base: Mapped[str | None] = mapped_column(String(10), nullable=True)
    invalid_policy: Mapped[str | None] = mapped_column(String(14), nullable=True)
    seats: Mapped[int] = mapped_column(default=1)
    write_ins: Mapped[bool] = mapped_column(default=False)
    announced: Mapped[bool] = mapped_column(default=True)
    mode: Mapped[str] = mapped_column(String(5))
    stage: Mapped[str] = mapped_column(String(12))
    blank_is_disagree: Mapped[bool] = mapped_column(default=False)
    double_entry: Mapped[bool] = mapped_column(default=False)
    summoned: Mapped[int] = mapped_column(default=0)
    present: Mapped[int] = mapped_column(default=0)
    issued: Mapped[int] = mapped_column(default=0)
    collected: Mapped[int | None] = mapped_column(nullable=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    hmac_key: Mapped[bytes] = mapped_column(LargeBinary)
    order: Mapped[int] = mapped_column(default=0)
    layout_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class NomineeRow(Base):
    __tablename__ = "nominees"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(Text)
    birth_year: Mapped[int | None] = mapped_column(nullable=True)
    current_position: Mapped[str] = mapped_column(Text, default="")
    proposed_position: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(Text, default="")
    order: Mapped[int] = mapped_column(default=0)


class SerialRow(Base):
    """The ballot register. Never records who received a ballot."""

    __tablename__ = "ballot_register"
    __table_args__ = (UniqueConstraint("round_id", "serial"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    serial: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(8))
    mode: Mapped[str] = mapped_column(String(5))


class BallotRow(Base):
    """One entered ballot (per pass). `status` is active or void; marks are JSON."""

    __tablename__ = "ballots"
    __table_args__ = (Index("ix_ballots_round_serial", "round_id", "serial", "pass_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    serial: Mapped[str | None] = mapped_column(String(12), nullable=True)
    pass_no: Mapped[int] = mapped_column(default=1)
    marks: Mapped[str] = mapped_column(Text)
    valid: Mapped[bool] = mapped_column()
    reasons: Mapped[str] = mapped_column(Text, default="")  # comma-separated Reason values
    status: Mapped[str] = mapped_column(String(6), default="active")
    set_aside: Mapped[bool] = mapped_column(default=False)  # rejected paper kept as invalid, marks not keyed


class TotalsRow(Base):
    """The running totals of one round and pass (SPEC §6), kept in step with every save, correction, void,
    restore and set-aside in the same transaction, so results never recount the ballots.

    `data` holds the counts per nominee and box, the valid / invalid counts, the invalid ballots per reason,
    the rows not counted and the write-ins (storage/totals.py, canonical JSON); `basis` fingerprints the
    round's settings and nominees they were counted under. One row per round and pass, not one per box:
    a confidence ballot changes every nominee's row, and one UPDATE costs far less than fifty (RESULTS.md).
    """

    __tablename__ = "running_totals"
    # A row id of its own, as every sealed table has (storage/seals.py names rows by table and id).
    __table_args__ = (UniqueConstraint("round_id", "pass_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    pass_no: Mapped[int] = mapped_column()
    basis: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text)


class TallySheetRow(Base):
    __tablename__ = "tally_sheets"
    __table_args__ = (UniqueConstraint("round_id", "sheet_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    sheet_no: Mapped[int] = mapped_column()
    data: Mapped[str] = mapped_column(Text)


class AuditRow(Base):
    """Append-only, hash-chained (SPEC §8). Triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(40))
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class MeetingKeyRow(Base):
    """A meeting's identity and sealing key (storage/keys.py). `plain` is NULL once the meeting has accounts."""

    __tablename__ = "meeting_keys"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    uid: Mapped[str] = mapped_column(String(32))  # never changes: restore refuses another meeting's file
    key_id: Mapped[str] = mapped_column(String(16))  # changes when the key is replaced
    plain: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, default=None)
    signing: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, default=None)  # encrypted


class KeyWrapRow(Base):
    """The meeting key encrypted under a key derived from one member's passphrase (AES-256-GCM)."""

    __tablename__ = "key_wraps"
    member_id: Mapped[int] = mapped_column(ForeignKey("board_members.id", ondelete="CASCADE"), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(index=True)
    key_id: Mapped[str] = mapped_column(String(16))
    wrap: Mapped[bytes] = mapped_column(LargeBinary)
