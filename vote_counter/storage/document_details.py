"""The document details of a meeting (number, issuer, place, recipients, signers): one JSON row per meeting.

A table of its own, so the meeting rows other parts of the app read and seal keep their shape. Sealed like every
table that reaches a printed document (storage/seals.py; revision 0009 gave it a row id of its own).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ForeignKey, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from vote_counter.domain.documents import DocumentDetails, Recipient, Signer
from vote_counter.storage.schema import Base


class DocumentDetailsRow(Base):
    __tablename__ = "document_details"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    data: Mapped[str] = mapped_column(Text, default="{}")


def to_json(details: DocumentDetails) -> str:
    data: dict[str, Any] = {
        "issuer": details.issuer,
        "place": details.place,
        "symbol": details.symbol,
        "numbers": {str(k): v for k, v in sorted(details.numbers.items())},
        "recipients": [{"name": r.name, "copies": r.copies} for r in details.recipients],
        "signers": [{"title": s.title, "name": s.name} for s in details.signers],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def from_json(text: str) -> DocumentDetails:
    data = json.loads(text or "{}")
    return DocumentDetails(
        issuer=str(data.get("issuer", "")),
        place=str(data.get("place", "")),
        symbol=str(data.get("symbol", "")),
        numbers={int(k): str(v) for k, v in (data.get("numbers") or {}).items()},
        recipients=tuple(Recipient(str(r["name"]), int(r.get("copies", 1))) for r in data.get("recipients") or []),
        signers=tuple(Signer(str(s["title"]), str(s["name"])) for s in data.get("signers") or []),
    )


def _row(s: Session, meeting_id: int) -> DocumentDetailsRow | None:
    return s.execute(select(DocumentDetailsRow).where(DocumentDetailsRow.meeting_id == meeting_id)).scalar_one_or_none()


def load(s: Session, meeting_id: int) -> DocumentDetails:
    row = _row(s, meeting_id)
    return from_json(row.data) if row is not None else DocumentDetails()


def save(s: Session, meeting_id: int, details: DocumentDetails) -> None:
    row = _row(s, meeting_id)
    if row is None:
        s.add(DocumentDetailsRow(meeting_id=meeting_id, data=to_json(details)))
    else:
        row.data = to_json(details)
