"""Document details of a meeting (SPEC §7, §8): kept with the meeting, set from the definition file or the
set-up page, printed on the minutes. One save = one transaction with its audit entry."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vote_counter.domain.documents import MAX_COPIES, DocumentDetails, Recipient, Signer
from vote_counter.domain.model import MeetingId, nfc
from vote_counter.i18n import _
from vote_counter.services.accounts import Auth
from vote_counter.services.base import DEFAULT_ACTOR, ServiceBase, get_meeting_row, require_unsealed
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.storage import audit, document_details
from vote_counter.storage.schema import RoundRow

TEXT_LIMIT = 200


def _bad(detail: str) -> ServiceError:
    return ServiceError(ErrorCode.INVALID_INPUT, detail=detail)


def _text(value: object, field: str, limit: int = TEXT_LIMIT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _bad(_("{field} phải là chuỗi chữ.").format(field=field))
    cleaned = " ".join(nfc(value).split())
    if len(cleaned) > limit:
        raise _bad(_("{field} dài quá {limit} ký tự.").format(field=field, limit=limit))
    return cleaned


def clean_details(details: DocumentDetails) -> DocumentDetails:
    """NFC, single spaces, lengths and copy counts checked: bad input is refused whole with a Vietnamese message."""
    recipients = []
    for i, r in enumerate(details.recipients, start=1):
        name = _text(r.name, _("tên nơi nhận thứ {i}").format(i=i))
        if not name:
            raise _bad(_("chưa nhập tên nơi nhận thứ {i}.").format(i=i))
        if isinstance(r.copies, bool) or not isinstance(r.copies, int) or not 1 <= r.copies <= MAX_COPIES:
            raise _bad(
                _("số bản của nơi nhận “{name}” phải là số nguyên từ 1 đến {max_copies}.").format(
                    name=name, max_copies=MAX_COPIES
                )
            )
        recipients.append(Recipient(name, r.copies))
    signers = []
    for i, s in enumerate(details.signers, start=1):
        title, name = (
            _text(s.title, _("chức danh người ký thứ {i}").format(i=i)),
            _text(s.name, _("họ tên người ký thứ {i}").format(i=i)),
        )
        if not title or not name:
            raise _bad(_("người ký thứ {i} cần cả chức danh và họ tên.").format(i=i))
        signers.append(Signer(title.upper(), name))
    numbers = {}
    for round_id, number in details.numbers.items():
        cleaned = _text(number, _("số biên bản"), limit=20)
        if cleaned:
            numbers[round_id] = cleaned
    return DocumentDetails(
        issuer=_text(details.issuer, _("cơ quan ban hành")),
        place=_text(details.place, _("địa danh"), limit=80),
        symbol=_text(details.symbol, _("ký hiệu"), limit=40),
        numbers=numbers,
        recipients=tuple(recipients),
        signers=tuple(signers),
    )


def parse_documents(data: Mapping[str, Any] | None, where: str = "meeting.documents") -> DocumentDetails:
    """The [meeting.documents] table of a definition file (docs/meeting.example.toml); numbers come per round."""
    if data is None:
        return DocumentDetails()
    if not isinstance(data, Mapping):
        raise _bad(_("{where} phải là một bảng.").format(where=where))
    known = {"issuer", "place", "symbol", "recipients", "signers"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise _bad(
            _("{where} có khóa không dùng: {items} (dùng: {known}).").format(
                where=where, items=", ".join(unknown), known=", ".join(sorted(known))
            )
        )
    recipients = []
    for i, r in enumerate(_list(data.get("recipients"), f"{where}.recipients"), start=1):
        if not isinstance(r, Mapping):
            raise _bad(
                _("{where}.recipients[{i}] phải là một bảng {{ name = …, copies = … }}.").format(where=where, i=i)
            )
        copies = r.get("copies", 1)
        if isinstance(copies, bool) or not isinstance(copies, int):
            raise _bad(_("{where}.recipients[{i}].copies phải là số nguyên.").format(where=where, i=i))
        recipients.append(Recipient(_text(r.get("name"), f"{where}.recipients[{i}].name"), copies))
    signers = []
    for i, s in enumerate(_list(data.get("signers"), f"{where}.signers"), start=1):
        if not isinstance(s, Mapping):
            raise _bad(_("{where}.signers[{i}] phải là một bảng {{ title = …, name = … }}.").format(where=where, i=i))
        signers.append(
            Signer(
                _text(s.get("title"), f"{where}.signers[{i}].title"), _text(s.get("name"), f"{where}.signers[{i}].name")
            )
        )
    return clean_details(
        DocumentDetails(
            issuer=_text(data.get("issuer"), f"{where}.issuer"),
            place=_text(data.get("place"), f"{where}.place"),
            symbol=_text(data.get("symbol"), f"{where}.symbol"),
            recipients=tuple(recipients),
            signers=tuple(signers),
        )
    )


def _list(value: object, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(_("{where} phải là một danh sách.").format(where=where))
    return value


class DocumentService(ServiceBase):
    """Reads and saves the details; the minutes, the CLI and the set-up page share this one path."""

    def details(self, meeting_id: MeetingId) -> DocumentDetails:
        with self._read() as s:
            get_meeting_row(s, meeting_id)
            return document_details.load(s, meeting_id)

    def save(
        self, meeting_id: MeetingId, details: DocumentDetails, actor: str = DEFAULT_ACTOR, *, auth: Auth | None = None
    ) -> DocumentDetails:
        clean = clean_details(details)
        with self._write() as s:
            get_meeting_row(s, meeting_id)
            actor = self._authorise_meeting(s, meeting_id, auth, actor)
            require_unsealed(s, meeting_id)
            rounds = set(s.scalars(select(RoundRow.id).where(RoundRow.meeting_id == meeting_id)))
            stray = sorted(set(clean.numbers) - rounds)
            if stray:
                raise _bad(_("lượt bỏ phiếu số {stray} không thuộc hội nghị này.").format(stray=stray[0]))
            save_in(s, meeting_id, clean, actor)
            return clean


def save_in(s: Session, meeting_id: int, details: DocumentDetails, actor: str) -> None:
    """Inside the caller's transaction (creating a meeting from a definition saves its details with it)."""
    document_details.save(s, meeting_id, details)
    audit.append(
        s,
        actor,
        "document_details_saved",
        {"meeting": meeting_id, "numbers": {str(k): v for k, v in sorted(details.numbers.items())}},
    )


def with_numbers(details: DocumentDetails, numbers: Mapping[int, str]) -> DocumentDetails:
    return dataclasses.replace(details, numbers=dict(numbers))
