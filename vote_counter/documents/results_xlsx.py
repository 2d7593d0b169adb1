"""The results as an Excel workbook (SPEC §7): a summary sheet, then one sheet per round.

Counts are integers and percentages are numbers (the exact fraction as a float, shown with the
'0.00%' format, which Vietnamese Excel displays with a decimal comma), so the board's
spreadsheets can add them up; nothing numeric is stored as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from vote_counter.documents import labels as L
from vote_counter.documents import minutes_data as M
from vote_counter.documents.fonts import pdf_text
from vote_counter.documents.xlsx_print import print_setup
from vote_counter.domain.model import AGREE, CHOSEN, DISAGREE, RoundKind, Secrecy
from vote_counter.domain.rules import NomineeResult, Percent, ProblemCode, Result

SECRECY_RANK = (Secrecy.TUYET_MAT, Secrecy.TOI_MAT, Secrecy.MAT)  # the strictest marking of the rounds
PERCENT_FORMAT = "0.00%"
COUNT_FORMAT = "0"
FONT = "Times New Roman"
SHEET_MAX = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_RESERVED = {"history"}  # Excel keeps this sheet name for itself

THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="E8E8E8")
BOLD = Font(name=FONT, bold=True, size=12)
PLAIN = Font(name=FONT, size=12)
TITLE = Font(name=FONT, bold=True, size=14)
WARN = Font(name=FONT, bold=True, size=12, color="B00000")


def safe_sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: no []:*?/\\, not blank, ≤ 31 characters, unique (ignoring case)."""
    name = _FORBIDDEN.sub(" ", pdf_text(title))
    name = re.sub(r"\s+", " ", name).strip().strip("'").strip() or "Sheet"
    base = name[:SHEET_MAX].rstrip()
    candidate, n = base, 1
    while candidate.casefold() in taken or candidate.casefold() in _RESERVED:
        n += 1
        suffix = f" ({n})"
        candidate = base[: SHEET_MAX - len(suffix)].rstrip() + suffix
    taken.add(candidate.casefold())
    return candidate


def _fraction(p: Percent) -> float | None:
    f = p.fraction
    return float(f) if f is not None else None


# A text cell starting with one of these is a formula (or becomes one when edited) in Excel and
# LibreOffice: a nominee named "=1+2" must stay a name (issue 12, CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def put_text(cell: Any, text: str) -> None:
    """`text` stored as a string, never a formula; a text that starts like a formula gets Excel's quote
    prefix too, so editing the cell keeps it text."""
    cell.value = text
    cell.data_type = "s"  # openpyxl makes any value starting with "=" a formula
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _put(ws: Any, row: int, col: int, value: Any, *, font: Font = PLAIN, fmt: str | None = None) -> Any:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        put_text(cell, pdf_text(value))
    else:
        cell.value = value
    cell.font = font
    if fmt is not None:
        cell.number_format = fmt
    return cell


# ---------------------------------------------------------------- summary


SUMMARY_COLUMNS = (
    ("STT", 6),
    ("Lượt bỏ phiếu", 40),
    ("Loại", 20),
    (L.SUMMONED, 12),
    (L.PRESENT, 12),
    (L.ABSENT, 12),
    (L.ISSUED, 12),
    (L.COLLECTED, 12),
    (L.VALID, 12),
    (L.INVALID, 12),
    ("Đủ 2/3 số người được triệu tập", 14),
    ("Tỷ lệ % tính trên", 28),
    ("Số dùng để tính tỷ lệ", 12),
    ("Mã kiểm tra kết quả", 18),
    ("Ghi chú", 24),
)


def _summary(ws: Any, items: Sequence[M.MinutesData]) -> None:
    if items:
        _put(ws, 1, 1, f"{L.SUMMARY_TITLE} — {items[0].meeting.title}", font=TITLE)
        _put(ws, 2, 1, items[0].meeting.organisation)
    else:
        _put(ws, 1, 1, L.SUMMARY_TITLE, font=TITLE)
    head = 4
    for c, (label, width) in enumerate(SUMMARY_COLUMNS, start=1):
        cell = _put(ws, head, c, label, font=BOLD)
        cell.fill, cell.border = HEAD_FILL, GRID
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    for i, data in enumerate(items, start=1):
        r = data.result
        notes = []
        if data.is_test:
            notes.append(L.TEST_WATERMARK)
        if not r.quorum:
            notes.append(L.PROBLEM[ProblemCode.NO_QUORUM])
        values: list[Any] = [
            i,
            data.round.title,
            L.KIND[data.round.kind],
            *(value for _, value, _ in M.count_lines(r)),
            "Có" if r.quorum else "Không",
            L.BASE_HEADING[r.base].removeprefix("Tỷ lệ % trên "),
            r.base_value,
            data.check_code,
            "; ".join(notes),
        ]
        row = head + i
        for c, v in enumerate(values, start=1):
            cell = _put(ws, row, c, v, fmt=COUNT_FORMAT if isinstance(v, int) else None)
            cell.border = GRID
    ws.freeze_panes = ws.cell(row=head + 1, column=3)
    secrecy = next((L.secrecy_mark(s) for s in SECRECY_RANK if any(d.meeting.secrecy is s for d in items)), None)
    audit = L.AUDIT_HEAD.format(head=items[0].audit_head_short) if items else ""
    print_setup(ws, secrecy=secrecy, footer=audit, title_rows=f"{head}:{head}", landscape=True)


# ---------------------------------------------------------------- one round


def _columns(result: Result) -> list[tuple[str, str]]:
    """(group, sub-heading) per value column."""
    kind = result.round.kind
    if kind is RoundKind.CONFIDENCE:
        cols = []
        for label in result.round.level_labels:
            cols += [(label, L.COL_VOTES), (label, L.COL_PERCENT)]
        return cols
    if kind is RoundKind.APPROVAL:
        return [
            (L.COL_AGREE, L.COL_VOTES),
            (L.COL_AGREE, L.COL_PERCENT),
            (L.COL_DISAGREE, L.COL_VOTES),
            (L.COL_DISAGREE, L.COL_PERCENT),
            (L.COL_NOT_COUNTED, L.COL_VOTES),
        ]
    return [(L.COL_VOTES, L.COL_VOTES), (L.COL_PERCENT, L.COL_PERCENT)]


def _values(result: Result, n: NomineeResult) -> list[tuple[int | float | None, str]]:
    kind = result.round.kind
    if kind is RoundKind.CONFIDENCE:
        out: list[tuple[int | float | None, str]] = []
        for count, pct in zip(n.counts, n.percents, strict=True):
            out += [(count, COUNT_FORMAT), (_fraction(pct), PERCENT_FORMAT)]
        return out
    if kind is RoundKind.APPROVAL:
        return [
            (n.counts[AGREE], COUNT_FORMAT),
            (_fraction(n.percents[AGREE]), PERCENT_FORMAT),
            (n.counts[DISAGREE], COUNT_FORMAT),
            (_fraction(n.percents[DISAGREE]), PERCENT_FORMAT),
            (n.not_counted, COUNT_FORMAT),
        ]
    return [(n.counts[CHOSEN], COUNT_FORMAT), (_fraction(n.percents[CHOSEN]), PERCENT_FORMAT)]


def _round_sheet(ws: Any, data: M.MinutesData) -> None:
    r = data.result
    row = 1
    _put(ws, row, 1, L.XLSX_ROUND_TITLE.format(title=data.round.title), font=TITLE)
    for line in M.subtitle_lines(data)[1:]:
        row += 1
        _put(ws, row, 1, line)
    if data.is_test:
        row += 1
        _put(ws, row, 1, L.TEST_WATERMARK, font=WARN)
    row += 2
    for label, value, _unit in M.count_lines(r):
        _put(ws, row, 1, label)
        _put(ws, row, 3, value, fmt=COUNT_FORMAT)
        row += 1
    for label, value in M.reason_lines(r):
        _put(ws, row, 1, f"    {label}")
        _put(ws, row, 3, value, fmt=COUNT_FORMAT)
        row += 1
    _put(ws, row, 1, M.quorum_line(r), font=PLAIN if r.quorum else WARN)
    row += 2

    cols = _columns(r)
    width = 3 + len(cols)  # STT, name, values…, outcome
    heading = _put(ws, row, 1, M.base_heading(r), font=BOLD)
    heading.alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    row += 1
    two_rows = r.round.kind is not RoundKind.NOMINATION
    top, sub = row, row + (1 if two_rows else 0)
    headings = [(1, L.COL_NO), (2, L.COL_NAME), (width, L.COL_OUTCOME)]
    for c, text in headings:
        _put(ws, top, c, text, font=BOLD)
        if two_rows:
            ws.merge_cells(start_row=top, start_column=c, end_row=sub, end_column=c)
    c = 3
    while c < 3 + len(cols):
        group = cols[c - 3][0]
        span = sum(1 for g, _ in cols[c - 3 :] if g == group) if two_rows else 1
        span = min(span, 2) if two_rows else 1
        _put(ws, top, c, group if two_rows else cols[c - 3][1], font=BOLD)
        if two_rows:
            for k in range(span):
                _put(ws, sub, c + k, cols[c - 3 + k][1], font=BOLD)
            if span > 1:
                ws.merge_cells(start_row=top, start_column=c, end_row=top, end_column=c + span - 1)
        c += span
    for rr in range(top, sub + 1):
        for cc in range(1, width + 1):
            cell = ws.cell(row=rr, column=cc)
            cell.fill, cell.border = HEAD_FILL, GRID
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    row = sub + 1
    first_data = row
    for i, n in enumerate(r.nominees, start=1):
        name = n.name if n.nominee_id is not None else f"{n.name} {L.WRITE_IN_MARK}"
        _put(ws, row, 1, i, fmt=COUNT_FORMAT).border = GRID
        _put(ws, row, 2, name).border = GRID
        for k, (number, fmt) in enumerate(_values(r, n)):
            _put(ws, row, 3 + k, number, fmt=fmt).border = GRID
        _put(ws, row, width, M.outcome_label(n)).border = GRID
        row += 1
    ws.freeze_panes = ws.cell(row=first_data, column=3)

    row += 1
    for line in M.outcome_lines(r):
        _put(ws, row, 1, line)
        row += 1
    for line in M.problem_lines(r):
        _put(ws, row, 1, line, font=WARN)
        row += 1
    row += 1
    _put(ws, row, 1, L.CHECK_CODE.format(code=data.check_code), font=BOLD)
    _put(ws, row + 1, 1, L.AUDIT_HEAD.format(head=data.audit_head_short))

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 32
    for k in range(len(cols)):
        ws.column_dimensions[get_column_letter(3 + k)].width = 12
    ws.column_dimensions[get_column_letter(width)].width = 44
    print_setup(
        ws,
        secrecy=L.secrecy_mark(data.meeting.secrecy),
        footer=L.CHECK_CODE.format(code=data.check_code),
        title_rows=f"{top}:{sub}",
        landscape=width > 8,
    )


def write_results_xlsx(items: Sequence[M.MinutesData], out: BinaryIO) -> None:
    """The summary sheet first, then one sheet per round in the given order."""
    wb = Workbook()
    taken: set[str] = set()
    summary = wb.active
    summary.title = safe_sheet_name(L.SUMMARY_SHEET, taken)
    _summary(summary, items)
    for i, data in enumerate(items, start=1):
        ws = wb.create_sheet(safe_sheet_name(f"{i}. {data.round.title}", taken))
        _round_sheet(ws, data)
    wb.properties.creator = "Kiểm Phiếu"
    wb.save(out)
