"""What the minutes say, apart from how a PDF, a Word file or a workbook lays it out.

`MinutesData` is the input value of every results document. The functions below turn it into
the sentences and table cells all renderers print, so the PDF and the DOCX cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from vote_counter.documents import labels as L
from vote_counter.domain.model import (
    AGREE,
    CHOSEN,
    DISAGREE,
    LOW_LEVEL,
    BoardMember,
    BoardRole,
    HeaderStyle,
    Meeting,
    Mode,
    Round,
    RoundKind,
)
from vote_counter.domain.rules import NomineeResult, Percent, ProblemCode, Result, Selection


@dataclass(frozen=True)
class MinutesData:
    meeting: Meeting
    round: Round
    board: Sequence[BoardMember]
    result: Result
    check_code: str  # canonical.check_code(result)
    audit_head: str  # hex SHA-256 head of the audit chain (the first 16 hex digits are printed)
    counted_at: dt.datetime  # when counting happened (time and place line)
    closed_at: dt.datetime  # "Biên bản lập xong hồi … giờ … cùng ngày"
    document_number: str = ""  # "01/BB-KP" (state) or "01-BB/KP" (party); dots if empty
    recipients: Sequence[str] = ("Cấp trên trực tiếp (02 bản)", "Lưu: … (01 bản)")
    key_fingerprint: str = ""  # export signing key fingerprint, printed if given

    @property
    def is_test(self) -> bool:
        return self.round.mode is Mode.TEST

    @property
    def audit_head_short(self) -> str:
        return self.audit_head[:16]


# ---------------------------------------------------------------- header lines


def two_digit_date(day: int, month: int) -> tuple[str, str]:
    # Nghị định 30/2020, Phụ lục I: days below 10 and months 1, 2 take a leading zero.
    return (f"{day:02d}", f"{month:02d}" if month < 3 else str(month))


def document_number(data: MinutesData) -> str:
    """'Số: 01/BB-KP' (Nghị định 30/2020) or 'Số 01-BB/ĐU' (Hướng dẫn 36-HD/VPTW)."""
    number = data.document_number.strip()
    for prefix in ("Số:", "Số"):
        if number.startswith(prefix):
            number = number[len(prefix) :].strip()
    code = data.meeting.document_code.strip() or L.NUMBER_PLACEHOLDER
    if data.meeting.header_style is HeaderStyle.PARTY:
        return f"Số {number or L.NUMBER_PLACEHOLDER + '-BB/' + code}"
    return f"Số: {number or L.NUMBER_PLACEHOLDER + '/BB-' + code}"


def locality(place: str) -> str:
    """The place name of the date line: the last part of the address ('Hội trường A, Hà Nội' → 'Hà Nội')."""
    parts = [p.strip() for p in place.split(",") if p.strip()]
    return parts[-1] if parts else L.PLACE_PLACEHOLDER


def date_line(data: MinutesData) -> str:
    day, month = two_digit_date(data.closed_at.day, data.closed_at.month)
    return L.MONTH_DAY_LINE.format(place=locality(data.meeting.place), day=day, month=month, year=data.closed_at.year)


def round_heading(r: Round) -> str:
    """'Biểu quyết: Bổ nhiệm Phó Giám đốc', or the title alone when it already names the kind."""
    kind = L.KIND[r.kind]
    if not r.title:
        return kind
    if r.title.casefold().startswith(kind.casefold()):
        return r.title
    return f"{kind}: {r.title}"


def subtitle_lines(data: MinutesData) -> list[str]:
    r = data.round
    lines = [round_heading(r)]
    if r.position:
        lines.append(L.POSITION.format(position=r.position))
    if data.meeting.title:
        lines.append(data.meeting.title)
    return lines


def counting_time_line(data: MinutesData) -> str:
    at = data.counted_at
    day, month = two_digit_date(at.day, at.month)
    place = L.COUNTING_PLACE.format(place=data.meeting.place) if data.meeting.place else ""
    return L.COUNTING_TIME.format(hour=at.hour, minute=at.minute, day=day, month=month, year=at.year, place=place)


def ordered_board(data: MinutesData) -> list[BoardMember]:
    """The chair first, then the members in their order."""
    return sorted(data.board, key=lambda m: (m.role is not BoardRole.CHAIR, m.order, m.full_name))


def board_lines(data: MinutesData) -> list[str]:
    return [
        f"{i}. " + L.BOARD_LINE.format(name=m.full_name, role=L.ROLE[m.role])
        for i, m in enumerate(ordered_board(data), start=1)
    ]


# ---------------------------------------------------------------- counts


def count_lines(result: Result) -> list[tuple[str, int, str]]:
    """(label, number, unit) for S, P, S−P, I, C, V, X."""
    return [
        (L.SUMMONED, result.summoned, L.UNIT_PEOPLE),
        (L.PRESENT, result.present, L.UNIT_PEOPLE),
        (L.ABSENT, result.absent, L.UNIT_PEOPLE),
        (L.ISSUED, result.issued, L.UNIT_BALLOTS),
        (L.COLLECTED, result.collected, L.UNIT_BALLOTS),
        (L.VALID, result.valid, L.UNIT_BALLOTS),
        (L.INVALID, result.invalid, L.UNIT_BALLOTS),
    ]


def reason_lines(result: Result) -> list[tuple[str, int]]:
    return [
        (L.INVALID_REASON[r], result.invalid_reasons[r]) for r in L.REASON_ORDER if result.invalid_reasons.get(r, 0) > 0
    ]


def quorum_line(result: Result) -> str:
    percent = Percent(result.present, result.summoned).display
    return (L.QUORUM_OK if result.quorum else L.QUORUM_WARNING).format(percent=percent)


def problem_lines(result: Result) -> list[str]:
    """Reconciliation problems other than the quorum (which has its own warning)."""
    names = {n.nominee_id: n.name for n in result.nominees}
    lines = []
    for p in result.problems:
        if p.code is ProblemCode.NO_QUORUM:
            continue
        text = L.PROBLEM[p.code]
        if p.nominee_id is not None:
            text += f" ({names.get(p.nominee_id, p.nominee_id)})"
        if p.expected is not None and p.actual is not None:
            text += L.PROBLEM_DETAIL.format(expected=p.expected, actual=p.actual)
        lines.append(text)
    return lines


# ---------------------------------------------------------------- results table


@dataclass(frozen=True)
class TableSpec:
    """The results table as text: a heading row naming the base, header rows, body rows.

    `spans` are ((col0, row0), (col1, row1)) cell ranges within the header rows.
    `write_in_row` is the body index of the "write-ins" separator row, if any.
    """

    base_heading: str
    header: list[list[str]]
    spans: list[tuple[tuple[int, int], tuple[int, int]]]
    rows: list[list[str]]
    write_in_row: int | None = None
    numeric_cols: tuple[int, ...] = field(default_factory=tuple)

    @property
    def columns(self) -> int:
        return len(self.header[0])


def base_heading(result: Result) -> str:
    return f"{L.BASE_HEADING[result.base]} ({result.base_value})"


def results_table(result: Result) -> TableSpec:
    kind = result.round.kind
    if kind is RoundKind.CONFIDENCE:
        labels = result.round.level_labels
        top = [L.COL_NO, L.COL_NAME]
        sub = ["", ""]
        for label in labels:
            top += [label, ""]
            sub += [L.COL_VOTES, L.COL_PERCENT]
        spans = [((0, 0), (0, 1)), ((1, 0), (1, 1))] + [((2 + 2 * i, 0), (3 + 2 * i, 0)) for i in range(3)]
        header = [top, sub]
    elif kind is RoundKind.APPROVAL:
        header = [
            [L.COL_NO, L.COL_NAME, L.COL_AGREE, "", L.COL_DISAGREE, "", L.COL_NOT_COUNTED],
            ["", "", L.COL_VOTES, L.COL_PERCENT, L.COL_VOTES, L.COL_PERCENT, L.COL_VOTES],
        ]
        spans = [((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (3, 0)), ((4, 0), (5, 0)), ((6, 0), (6, 0))]
    else:
        header = [[L.COL_NO, L.COL_NAME, L.COL_VOTES, L.COL_PERCENT]]
        spans = []

    rows: list[list[str]] = []
    write_in_row = None
    for number, n in enumerate(result.nominees, start=1):
        if n.nominee_id is None and write_in_row is None:
            write_in_row = len(rows)
            rows.append([L.WRITE_INS_HEADING] + [""] * (len(header[0]) - 1))
        cells = [str(number), n.name]
        if kind is RoundKind.CONFIDENCE:
            for count, pct in zip(n.counts, n.percents, strict=True):
                cells += [str(count), pct.display]
        elif kind is RoundKind.APPROVAL:
            cells += [str(n.counts[AGREE]), n.percents[AGREE].display]
            cells += [str(n.counts[DISAGREE]), n.percents[DISAGREE].display, str(n.not_counted)]
        else:
            cells += [str(n.counts[CHOSEN]), n.percents[CHOSEN].display]
        rows.append(cells)
    numeric = tuple(range(2, len(header[0])))
    return TableSpec(base_heading(result), header, spans, rows, write_in_row, numeric)


# ---------------------------------------------------------------- outcome in words


def outcome_lines(result: Result) -> list[str]:
    kind = result.round.kind
    lines: list[str] = []
    if kind is RoundKind.CONFIDENCE:
        for n in result.nominees:
            if n.band is not None:
                lines.append(
                    L.CONFIDENCE_LINE.format(
                        name=n.name,
                        low=n.counts[LOW_LEVEL],
                        percent=n.percents[LOW_LEVEL].display,
                        band=L.BAND[n.band],
                    )
                )
        return lines or [L.NO_BAND_LINE]
    if kind is RoundKind.APPROVAL:
        for n in result.nominees:
            if n.approval is not None:
                lines.append(
                    L.APPROVAL_LINE.format(
                        name=n.name,
                        agree=n.counts[AGREE],
                        percent=n.percents[AGREE].display,
                        outcome=L.APPROVAL[n.approval],
                    )
                )
        return lines
    if not any(n.selection is Selection.SELECTED for n in result.nominees):
        lines.append(L.NO_SELECTION_LINE)
    ranked = sorted((n for n in result.nominees if n.selection is not None), key=lambda n: -n.counts[CHOSEN])
    for n in ranked:
        assert n.selection is not None
        name = n.name if n.nominee_id is not None else f"{n.name} {L.WRITE_IN_MARK}"
        lines.append(
            L.SELECTION_LINE.format(
                name=name,
                votes=n.counts[CHOSEN],
                percent=n.percents[CHOSEN].display,
                outcome=L.SELECTION[n.selection],
            )
        )
    return lines


def outcome_label(n: NomineeResult) -> str:
    """The band, approval outcome or selection of one person, in words ('' if none)."""
    if n.band is not None:
        return L.BAND[n.band]
    if n.approval is not None:
        return L.APPROVAL[n.approval]
    if n.selection is not None:
        return L.SELECTION[n.selection]
    return ""


def nominee_lines(result: Result) -> list[str]:
    """One line per person: every count with its percentage, then the outcome if any."""
    kind = result.round.kind
    lines = []
    for n in result.nominees:
        if kind is RoundKind.CONFIDENCE:
            parts = [
                f"{label} {count} ({pct.display})"
                for label, count, pct in zip(result.round.level_labels, n.counts, n.percents, strict=True)
            ]
        elif kind is RoundKind.APPROVAL:
            parts = [
                f"{L.COL_AGREE.lower()} {n.counts[AGREE]} ({n.percents[AGREE].display})",
                f"{L.COL_DISAGREE.lower()} {n.counts[DISAGREE]} ({n.percents[DISAGREE].display})",
                f"{L.COL_NOT_COUNTED.lower()} {n.not_counted}",
            ]
        else:
            parts = [f"{n.counts[CHOSEN]} {L.UNIT_BALLOTS} ({n.percents[CHOSEN].display})"]
        name = n.name if n.nominee_id is not None else f"{n.name} {L.WRITE_IN_MARK}"
        line = f"{name}: " + "; ".join(parts)
        outcome = outcome_label(n)
        lines.append(f"{line} — {outcome}." if outcome else f"{line}.")
    return lines


# ---------------------------------------------------------------- closing


def closing_line(data: MinutesData, pages: int, copies: int) -> str:
    return L.CLOSING.format(hour=data.closed_at.hour, minute=data.closed_at.minute, pages=f"{pages:02d}", copies=copies)


def signatures(data: MinutesData) -> list[tuple[str, str]]:
    """(title, printed name) per board member, the chair first."""
    return [(L.SIGNATURE_TITLE[m.role], m.full_name) for m in ordered_board(data)]


def footer_line(data: MinutesData) -> str:
    parts = [
        L.CHECK_CODE.format(code=data.check_code),
        L.AUDIT_HEAD.format(head=data.audit_head_short),
    ]
    if data.key_fingerprint:
        parts.append(L.KEY_FINGERPRINT.format(fingerprint=data.key_fingerprint[:16]))
    return " · ".join(parts)
