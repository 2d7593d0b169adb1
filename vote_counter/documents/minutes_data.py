"""What the minutes say, apart from how a PDF, a Word file or a workbook lays it out.

`MinutesData` is the input value of every results document. The functions below turn it into
the sentences and table cells all renderers print, so the PDF and the DOCX cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from vote_counter.documents import labels as L
from vote_counter.domain.documents import DocumentDetails, decisive_reason
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
    Reason,
    Round,
    RoundKind,
)
from vote_counter.domain.rules import NomineeResult, Percent, ProblemCode, Result, Selection

# The paper is always Vietnamese (labels.py); the command line shows the same table and conclusions in the language
# in use by passing its translate function (vote_counter.i18n._), the labels being in the catalog.
Translate = Callable[[str], str]


def same(text: str) -> str:
    return text


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
    document_number: str = ""  # overrides the details' number: "01/BB-KP" (state) or "01-BB/KP" (party)
    recipients: Sequence[str] = ()  # overrides the details' recipients, each line as printed
    key_fingerprint: str = ""  # export signing key fingerprint, printed if given
    details: DocumentDetails = field(default_factory=DocumentDetails)
    # Invalid ballots by their one decisive reason (sums to X); None: only the per-reason counts are known.
    invalid_decisive: Mapping[Reason, int] | None = None
    quorum_reason: str = ""  # why counting went ahead below quorum, as the chair stated it

    @property
    def issuer(self) -> str:
        """The body that issues the minutes (bold in the header, the PDF's author)."""
        return self.details.issuer or self.meeting.organisation

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
    """'Số: 01/BB-KP' (Nghị định 30/2020) or 'Số 01-BB/ĐU' (Hướng dẫn 36-HD/VPTW); dots where nothing is set."""
    number = (data.document_number or data.details.number(data.round.id)).strip()
    for prefix in ("Số:", "Số"):
        if number.startswith(prefix):
            number = number[len(prefix) :].strip()
    if "/" in number:  # a whole "01/BB-KP" typed in
        return f"Số {number}" if data.meeting.header_style is HeaderStyle.PARTY else f"Số: {number}"
    number = number or L.NUMBER_PLACEHOLDER
    code = data.meeting.document_code.strip() or L.NUMBER_PLACEHOLDER
    if data.meeting.header_style is HeaderStyle.PARTY:
        return f"Số {number}-{data.details.symbol or 'BB/' + code}"
    return f"Số: {number}/{data.details.symbol or 'BB-' + code}"


def locality(place: str) -> str:
    """The place name of the date line: the last part of the address ('Hội trường A, Hà Nội' → 'Hà Nội')."""
    parts = [p.strip() for p in place.split(",") if p.strip()]
    return parts[-1] if parts else L.PLACE_PLACEHOLDER


def place_name(data: MinutesData) -> str:
    return data.details.place or locality(data.meeting.place)


def date_line(data: MinutesData) -> str:
    """The minutes are dated the day the board counted (the day of "Hồi … giờ … phút, ngày …")."""
    at = data.counted_at
    day, month = two_digit_date(at.day, at.month)
    return L.MONTH_DAY_LINE.format(place=place_name(data), day=day, month=month, year=at.year)


def long_date(day: dt.date) -> str:
    d, m = two_digit_date(day.day, day.month)
    return L.LONG_DATE.format(day=d, month=m, year=day.year)


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
        meeting_line = data.meeting.title
        if data.meeting.date is not None:
            meeting_line += L.MEETING_DATE.format(date=long_date(data.meeting.date))
        lines.append(meeting_line)
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


def invalid_breakdown(data: MinutesData) -> tuple[str, list[tuple[str, int]]]:
    """The heading and (reason, count) lines under "Số phiếu không hợp lệ".

    By each ballot's one decisive reason when known, so the lines add up to X ("Trong đó:"); otherwise the
    per-reason counts, and the heading says a ballot may have several reasons.
    """
    decisive = data.invalid_decisive
    if decisive is None and sum(data.result.invalid_reasons.values()) == data.result.invalid:
        decisive = data.result.invalid_reasons
    if decisive is not None and sum(decisive.values()) == data.result.invalid:
        lines = [(L.INVALID_REASON[r], decisive[r]) for r in L.REASON_ORDER if decisive.get(r, 0) > 0]
        return L.INVALID_BREAKDOWN_DECISIVE, lines
    return L.INVALID_BREAKDOWN, reason_lines(data.result)


def reason_lines(result: Result) -> list[tuple[str, int]]:
    return [
        (L.INVALID_REASON[r], result.invalid_reasons[r]) for r in L.REASON_ORDER if result.invalid_reasons.get(r, 0) > 0
    ]


def decisive_counts(reason_sets: Sequence[frozenset[Reason]]) -> dict[Reason, int]:
    counts: dict[Reason, int] = {}
    for reasons in reason_sets:
        reason = decisive_reason(reasons)
        counts[reason] = counts.get(reason, 0) + 1
    return counts


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


def base_heading(result: Result, tr: Translate = same) -> str:
    return f"{tr(L.BASE_HEADING[result.base])} ({result.base_value})"


def results_table(result: Result, tr: Translate = same) -> TableSpec:
    kind = result.round.kind
    if kind is RoundKind.CONFIDENCE:
        labels = result.round.level_labels
        top = [tr(L.COL_NO), tr(L.COL_NAME)]
        sub = ["", ""]
        for label in labels:
            top += [label, ""]
            sub += [tr(L.COL_VOTES), tr(L.COL_PERCENT)]
        spans = [((0, 0), (0, 1)), ((1, 0), (1, 1))] + [((2 + 2 * i, 0), (3 + 2 * i, 0)) for i in range(3)]
        header = [top, sub]
    elif kind is RoundKind.APPROVAL:
        header = [
            [tr(L.COL_NO), tr(L.COL_NAME), tr(L.COL_AGREE), "", tr(L.COL_DISAGREE), "", tr(L.COL_NOT_COUNTED)],
            ["", "", tr(L.COL_VOTES), tr(L.COL_PERCENT), tr(L.COL_VOTES), tr(L.COL_PERCENT), tr(L.COL_VOTES)],
        ]
        spans = [((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (3, 0)), ((4, 0), (5, 0)), ((6, 0), (6, 0))]
    else:
        header = [[tr(L.COL_NO), tr(L.COL_NAME), tr(L.COL_VOTES), tr(L.COL_PERCENT)]]
        spans = []

    rows: list[list[str]] = []
    write_in_row = None
    for number, n in enumerate(result.nominees, start=1):
        if n.nominee_id is None and write_in_row is None:
            write_in_row = len(rows)
            rows.append([tr(L.WRITE_INS_HEADING)] + [""] * (len(header[0]) - 1))
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
    return TableSpec(base_heading(result, tr), header, spans, rows, write_in_row, numeric)


# ---------------------------------------------------------------- outcome in words


def outcome_lines(result: Result, tr: Translate = same) -> list[str]:
    kind = result.round.kind
    lines: list[str] = []
    if kind is RoundKind.CONFIDENCE:
        for n in result.nominees:
            if n.band is not None:
                lines.append(
                    tr(L.CONFIDENCE_LINE).format(
                        name=n.name,
                        low=n.counts[LOW_LEVEL],
                        percent=n.percents[LOW_LEVEL].display,
                        band=tr(L.BAND[n.band]),
                    )
                )
        return lines or [tr(L.NO_BAND_LINE)]
    if kind is RoundKind.APPROVAL:
        for n in result.nominees:
            if n.approval is not None:
                lines.append(
                    tr(L.APPROVAL_LINE).format(
                        name=n.name,
                        agree=n.counts[AGREE],
                        percent=n.percents[AGREE].display,
                        outcome=tr(L.APPROVAL[n.approval]),
                    )
                )
        return lines
    selected = sum(1 for n in result.nominees if n.selection is Selection.SELECTED)
    if not selected:
        lines.append(tr(L.NO_SELECTION_LINE))
    ranked = sorted((n for n in result.nominees if n.selection is not None), key=lambda n: -n.counts[CHOSEN])
    position = result.round.position.strip()
    for n in ranked:
        assert n.selection is not None
        name = n.name if n.nominee_id is not None else f"{n.name} {tr(L.WRITE_IN_MARK)}"
        outcome = tr(L.SELECTION[n.selection])
        if n.selection is Selection.SELECTED and position:
            outcome += tr(L.SELECTED_FOR).format(position=position)
        lines.append(
            tr(L.SELECTION_LINE).format(
                name=name, votes=n.counts[CHOSEN], percent=n.percents[CHOSEN].display, outcome=outcome
            )
        )
    seats = result.round.seats
    lines.append(tr(L.SEATS_LINE).format(seats=seats, selected=selected, unfilled=max(0, seats - selected)))
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


def closing_line(data: MinutesData, pages: int | str, copies: int) -> str:
    """ "… lập xong hồi 18 giờ 37 phút cùng ngày" — or the date, when the board finished after midnight."""
    at = data.closed_at
    if at.date() == data.counted_at.date():
        day = L.SAME_DAY
    else:
        d, m = two_digit_date(at.day, at.month)
        day = L.ON_DAY.format(day=d, month=m, year=at.year)
    shown = f"{pages:02d}" if isinstance(pages, int) else pages
    return L.CLOSING.format(hour=at.hour, minute=at.minute, day=day, pages=shown, copies=copies)


def quorum_reason_line(data: MinutesData) -> str:
    """Why counting went ahead below quorum, if the chair stated it when opening counting."""
    if data.result.quorum or not data.quorum_reason.strip():
        return ""
    return L.QUORUM_REASON.format(reason=data.quorum_reason.strip())


def signatures(data: MinutesData) -> list[tuple[str, str]]:
    """(title, printed name) per signature block: the configured signers, else the board, the chair first."""
    if data.details.signers:
        return [(s.title, s.name) for s in data.details.signers]
    return [(L.SIGNATURE_TITLE[m.role], m.full_name) for m in ordered_board(data)]


def recipient_lines(data: MinutesData) -> list[str]:
    """ "Nơi nhận" lines: the configured recipients with their copy counts, else the placeholders to fill in."""
    if data.recipients:
        return list(data.recipients)
    if data.details.recipients:
        return [L.RECIPIENT.format(name=r.name, copies=r.copies) for r in data.details.recipients]
    return list(L.RECIPIENTS_PLACEHOLDER)


def missing_details(data: MinutesData) -> list[str]:
    """The document details still empty, in words, so the board fills them in before printing."""
    return missing(data.meeting, data.round.id, data.board, data.details, data.document_number, data.recipients)


def missing(
    meeting: Meeting,
    round_id: int | None,
    board: Sequence[BoardMember],
    details: DocumentDetails,
    number_override: str = "",
    recipients_override: Sequence[str] = (),
) -> list[str]:
    """As `missing_details`, from what is set up alone: no count needed (the set-up page asks before counting)."""
    out = []
    if not (number_override or details.number(round_id)).strip():
        out.append(L.MISSING_NUMBER)
    if not (details.symbol or meeting.document_code).strip():
        out.append(L.MISSING_SYMBOL)
    if not (details.issuer or meeting.organisation).strip():
        out.append(L.MISSING_ISSUER)
    if not (details.place or meeting.place).strip():
        out.append(L.MISSING_PLACE)
    if not (recipients_override or details.recipients):
        out.append(L.MISSING_RECIPIENTS)
    if not details.signers and not any(m.role is BoardRole.CHAIR for m in board):
        out.append(L.MISSING_SIGNERS)
    return out


def footer_line(data: MinutesData) -> str:
    parts = [
        L.CHECK_CODE.format(code=data.check_code),
        L.AUDIT_HEAD.format(head=data.audit_head_short),
    ]
    if data.key_fingerprint:
        parts.append(L.KEY_FINGERPRINT.format(fingerprint=data.key_fingerprint[:16]))
    return " · ".join(parts)
