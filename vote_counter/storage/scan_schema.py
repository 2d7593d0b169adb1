"""The review queue of scanned ballots (SPEC §11): sheets the reader could not decide alone.

A row is one scanned sheet (one page of a file). Rows of one multi-page ballot share `serial`. Nothing
here is counted: a ballot is counted only when a person decides it, through the counting service.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vote_counter.storage import seals
from vote_counter.storage.schema import Base


class ScanQueueRow(Base):
    __tablename__ = "scan_queue"
    __table_args__ = (Index("ix_scan_queue_round_status", "round_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    pass_no: Mapped[int] = mapped_column(default=1)
    serial: Mapped[str | None] = mapped_column(String(12), nullable=True)  # None: the QR could not be read
    payload: Mapped[str | None] = mapped_column(String(64), nullable=True)
    file: Mapped[str] = mapped_column(Text)  # the file's name as scanned (no folder)
    page: Mapped[int] = mapped_column()  # page of the file, from 1
    ballot_page: Mapped[int | None] = mapped_column(nullable=True)  # page of the ballot, from 0
    image_sha256: Mapped[str] = mapped_column(String(64))  # of the whole file
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of reason codes
    reading: Mapped[str] = mapped_column(Text)  # JSON: each box's state and scores, as read
    image: Mapped[bytes] = mapped_column(LargeBinary)  # PNG of the page (canonical frame when registered)
    registered: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="waiting")  # waiting, decided, dismissed
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id"), nullable=True)
    # HMAC (the round's key) over what was read: a reading edited outside the app is never decided on.
    seal: Mapped[str] = mapped_column(String(64), default="")


# A waiting sheet is not counted, but what was read and the image decide what a person is asked: sealed like
# every other row (storage/seals.py), besides the row's own HMAC checked at decision time.
seals.register(
    seals.SealedTable(
        "scan_queue",
        "hàng chờ phiếu quét",
        (
            "round_id", "pass_no", "serial", "payload", "file", "page", "ballot_page", "image_sha256", "reasons",
            "reading", "image", "registered", "status", "ballot_id", "seal",
        ),
        "round",
    )
)  # fmt: skip
