"""Rows <-> domain values. Functions take a session and never commit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from vote_counter.domain.model import (
    BallotMarks,
    BoardMember,
    BoardMemberId,
    BoardRole,
    Counts,
    HeaderStyle,
    InvalidPolicy,
    LevelPreset,
    Meeting,
    MeetingId,
    Mode,
    Nominee,
    NomineeId,
    PercentBase,
    Reason,
    Round,
    RoundId,
    RoundKind,
    Secrecy,
    Stage,
    TallySheet,
)
from vote_counter.storage.schema import BoardMemberRow, MeetingRow, NomineeRow, RoundRow, TallySheetRow


def meeting(row: MeetingRow) -> Meeting:
    return Meeting(
        id=MeetingId(row.id),
        title=row.title,
        organisation=row.organisation,
        parent_body=row.parent_body,
        place=row.place,
        date=dt.date.fromisoformat(row.date) if row.date else None,
        header_style=HeaderStyle(row.header_style),
        secrecy=Secrecy(row.secrecy),
        document_code=row.document_code,
    )


def fill_meeting(row: MeetingRow, m: Meeting) -> None:
    row.title = m.title
    row.organisation = m.organisation
    row.parent_body = m.parent_body
    row.place = m.place
    row.date = m.date.isoformat() if m.date else None
    row.header_style = m.header_style.value
    row.secrecy = m.secrecy.value
    row.document_code = m.document_code


def round_(row: RoundRow) -> Round:
    return Round(
        id=RoundId(row.id),
        meeting_id=MeetingId(row.meeting_id),
        title=row.title,
        kind=RoundKind(row.kind),
        position=row.position,
        level_preset=LevelPreset(row.level_preset),
        percent_base=PercentBase(row.percent_base) if row.percent_base else None,
        invalid_policy=InvalidPolicy(row.invalid_policy) if row.invalid_policy else None,
        seats=row.seats,
        write_ins=row.write_ins,
        announced=row.announced,
        mode=Mode(row.mode),
        stage=Stage(row.stage),
        blank_is_disagree=row.blank_is_disagree,
        double_entry=row.double_entry,
        counts=Counts(row.summoned, row.present, row.issued, row.collected),
        code=row.code,
        order=row.order,
    )


def fill_round(row: RoundRow, r: Round) -> None:
    """Copy the editable settings (not id, code, key or stage)."""
    row.title = r.title
    row.kind = r.kind.value
    row.position = r.position
    row.level_preset = r.level_preset.value
    row.percent_base = r.percent_base.value if r.percent_base else None
    row.invalid_policy = r.invalid_policy.value if r.invalid_policy else None
    row.seats = r.seats
    row.write_ins = r.write_ins
    row.announced = r.announced
    row.mode = r.mode.value
    row.blank_is_disagree = r.blank_is_disagree
    row.double_entry = r.double_entry
    row.order = r.order


def fill_counts(row: RoundRow, c: Counts) -> None:
    row.summoned, row.present, row.issued, row.collected = c.summoned, c.present, c.issued, c.collected


def nominee(row: NomineeRow) -> Nominee:
    return Nominee(
        id=NomineeId(row.id),
        round_id=RoundId(row.round_id),
        full_name=row.full_name,
        birth_year=row.birth_year,
        current_position=row.current_position,
        proposed_position=row.proposed_position,
        unit=row.unit,
        order=row.order,
    )


def fill_nominee(row: NomineeRow, n: Nominee) -> None:
    row.full_name = n.full_name
    row.birth_year = n.birth_year
    row.current_position = n.current_position
    row.proposed_position = n.proposed_position
    row.unit = n.unit
    row.order = n.order


def member(row: BoardMemberRow) -> BoardMember:
    return BoardMember(
        id=BoardMemberId(row.id),
        meeting_id=MeetingId(row.meeting_id),
        full_name=row.full_name,
        role=BoardRole(row.role),
        order=row.order,
        has_passphrase=row.passphrase_hash is not None,
    )


def nominees_of(session: Session, round_id: int) -> list[Nominee]:
    rows = session.execute(
        select(NomineeRow).where(NomineeRow.round_id == round_id).order_by(NomineeRow.order, NomineeRow.id)
    ).scalars()
    return [nominee(r) for r in rows]


def board_of(session: Session, meeting_id: int) -> list[BoardMember]:
    rows = session.execute(
        select(BoardMemberRow)
        .where(BoardMemberRow.meeting_id == meeting_id)
        .order_by(BoardMemberRow.order, BoardMemberRow.id)
    ).scalars()
    return [member(r) for r in rows]


# Marks as stored: "2|" then nominee:boxmask pairs ("12:1,13:4"), then "|" and JSON [write-ins, declared]
# only when there are any. About half the size of the first format (JSON objects, still read) and read
# back without a JSON parser on the common ballot.
_COMPACT = "2|"
_MASKS = tuple(frozenset(b for b in range(3) if m >> b & 1) for m in range(8))


_MASK_OF = {boxes: mask for mask, boxes in enumerate(_MASKS)}


def _mask(boxes: frozenset[int]) -> int:
    found = _MASK_OF.get(boxes)
    return found if found is not None else sum(1 << b for b in boxes)


# The rows part of marks_to_text per order of nominee ids as the ballot holds them: "%d" template of the ids in
# ascending order, and that order (issue 15: one C call per save, not fifty f-strings). A handful per meeting.
_ROW_TEMPLATES: dict[tuple[NomineeId, ...], tuple[str, tuple[NomineeId, ...]]] = {}


def marks_to_text(marks: BallotMarks) -> str:
    """The stored form; equal to `marks_to_text_plain` (property-tested), faster when every row is marked."""
    rows = marks.rows
    keys = tuple(rows)
    found = _ROW_TEMPLATES.get(keys)
    if found is None:
        if len(_ROW_TEMPLATES) > 64:
            _ROW_TEMPLATES.clear()
        order = tuple(sorted(keys))
        found = _ROW_TEMPLATES[keys] = (",".join([f"{k}:%d" for k in order]), order)
    template, order = found
    try:
        masks = tuple(map(_MASK_OF.get, map(rows.__getitem__, order)))
    except TypeError:  # a row given as a (mutable, unhashable) set: the plain writer, exactly as before
        return marks_to_text_plain(marks)
    if not marks.write_ins and not marks.declared and None not in masks and 0 not in masks:
        return _COMPACT + template % masks
    return marks_to_text_plain(marks)


def marks_to_text_plain(marks: BallotMarks) -> str:
    """marks_to_text, one row at a time: any marks (empty rows left out, boxes past 2, write-ins, reasons)."""
    mask_of = _MASK_OF
    rows = ",".join([f"{k}:{mask_of.get(v) or _mask(v)}" for k, v in sorted(marks.rows.items()) if v])
    if not marks.write_ins and not marks.declared:
        return _COMPACT + rows
    extra = json.dumps(
        [list(marks.write_ins), sorted(r.value for r in marks.declared)], ensure_ascii=False, separators=(",", ":")
    )
    return f"{_COMPACT}{rows}|{extra}"


def _boxes(mask: int) -> frozenset[int]:
    return _MASKS[mask] if mask < len(_MASKS) else frozenset(b for b in range(mask.bit_length()) if mask >> b & 1)


def marks_from_text(text: str) -> BallotMarks:
    """Either stored format: the compact one, or the JSON object of databases written before it."""
    if not text.startswith(_COMPACT):
        return _marks_from_json(text)
    rows_text, _, extra = text[len(_COMPACT) :].partition("|")
    rows: dict[NomineeId, frozenset[int]] = {}
    if rows_text:
        for pair in rows_text.split(","):
            nid, _, mask = pair.partition(":")
            rows[NomineeId(int(nid))] = _boxes(int(mask))
    if not extra:
        return BallotMarks(rows=rows)
    write_ins, declared = json.loads(extra)
    return BallotMarks(rows=rows, write_ins=tuple(write_ins), declared=frozenset(Reason(r) for r in declared))


def marks_to_json(marks: BallotMarks) -> str:
    """The first stored format (kept for reading old rows and for tests that write them)."""
    return json.dumps(
        {
            "rows": {str(k): sorted(v) for k, v in sorted(marks.rows.items()) if v},
            "write_ins": list(marks.write_ins),
            "declared": sorted(r.value for r in marks.declared),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _marks_from_json(text: str) -> BallotMarks:
    data = json.loads(text)
    return BallotMarks(
        rows={NomineeId(int(k)): frozenset(v) for k, v in data["rows"].items()},
        write_ins=tuple(data["write_ins"]),
        declared=frozenset(Reason(r) for r in data["declared"]),
    )


marks_from_json = marks_from_text  # older name, kept for callers elsewhere


def reasons_to_text(reasons: Sequence[Reason] | frozenset[Reason]) -> str:
    return ",".join(sorted(r.value for r in reasons))


def reasons_from_text(text: str) -> frozenset[Reason]:
    return frozenset(Reason(r) for r in text.split(",") if r)


def sheet_to_json(sheet: TallySheet) -> str:
    return json.dumps(
        {
            "valid": sheet.valid,
            "invalid": {r.value: n for r, n in sheet.invalid.items()},
            "rows": {str(k): list(v) for k, v in sheet.rows.items()},
            "write_ins": dict(sheet.write_ins),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def sheet_from_row(row: TallySheetRow) -> TallySheet:
    data = json.loads(row.data)
    return TallySheet(
        valid=data["valid"],
        invalid={Reason(k): v for k, v in data["invalid"].items()},
        rows={NomineeId(int(k)): tuple(v) for k, v in data["rows"].items()},
        write_ins=dict(data["write_ins"]),
    )
