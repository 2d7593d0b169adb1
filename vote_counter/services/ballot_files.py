"""The schemas of the ballot file (`enter-ballots`, JSON lines) and the tally sheet (`enter-tally`, JSON).

The whole file is read and checked against the round (its kind, its list, whether it takes write-ins)
before anything is saved: one problem is one error naming the line and the field (issue 12).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vote_counter.domain.model import DECLARABLE_REASONS, NomineeId, Reason, Round, RoundKind, TallySheet
from vote_counter.domain.text_rules import NAME_LIMIT, TITLE_LIMIT
from vote_counter.i18n import _
from vote_counter.services.errors import ErrorCode
from vote_counter.services.input_files import Reader

MAX_BALLOT_FILE = 16 * 1024 * 1024  # about 20,000 ballots of 60 rows; a bigger file is not a ballot file
MAX_BALLOT_LINES = 20_000
MAX_TALLY_FILE = 1024 * 1024
MAX_COUNT = 1_000_000
MAX_CODE = 64  # a 49-digit QR payload or a 12-digit serial, with spaces

BALLOT_KEYS = ("code", "marks", "write_ins", "declared", "pass")
SET_ASIDE_KEYS = ("set_aside", "code")
TALLY_KEYS = ("sheet", "valid", "invalid", "rows", "write_ins")
SET_ASIDE = {"not_issued": Reason.NOT_ISSUED, "duplicate": Reason.DUPLICATE}
DECLARED = {r.value: r for r in sorted(DECLARABLE_REASONS)}
INVALID = {r.value: r for r in Reason}


# Refusals that concern one paper (reported with its line; the run goes on). Any other error (disk full,
# database locked or gone, credentials refused, wrong stage) ends the run once (issue 12).
PER_BALLOT = frozenset(
    {
        ErrorCode.MALFORMED_CODE,
        ErrorCode.BAD_CHECK_DIGIT,
        ErrorCode.NOT_ISSUED,
        ErrorCode.OTHER_ROUND,
        ErrorCode.TEST_IN_LIVE,
        ErrorCode.LIVE_IN_TEST,
        ErrorCode.SPOILED,
        ErrorCode.DUPLICATE,
        ErrorCode.BAD_MARKS,
    }
)


@dataclass(frozen=True)
class BallotLine:
    line: int
    code: str
    rows: dict[int, frozenset[int]]  # STT → boxes
    write_ins: tuple[str, ...] = ()
    declared: frozenset[Reason] = frozenset()
    pass_no: int | None = None  # None: the command's --pass
    set_aside: Reason | None = None  # a paper set aside (not issued, duplicate): `code` is the board's note


def _marks(r: Reader, value: Any, where: str, round_: Round, count: int) -> dict[int, frozenset[int]]:
    table = r.mapping(value, where, limit=count)
    rows: dict[int, frozenset[int]] = {}
    for key, boxes in table.items():
        stt = r.row_number(key, where, count)
        at = f"{where}[{stt}]"
        items = [boxes] if isinstance(boxes, int) and not isinstance(boxes, bool) else boxes
        items = r.listed(items, at, limit=round_.options)
        rows[stt] = frozenset(r.integer(b, at, 0, round_.options - 1) for b in items)
    return rows


def _write_ins(r: Reader, value: Any, where: str, round_: Round) -> tuple[str, ...]:
    names = r.listed(value, where, limit=max(round_.seats, 1))
    if names and not (round_.kind is RoundKind.NOMINATION and round_.write_ins):
        raise r.fail(
            where,
            _(
                "lượt này không có dòng ghi thêm tên; phiếu có ghi thêm tên là phiếu có nội dung khác "
                "(ghi “extra_content” vào “declared”)."
            ),
        )
    return tuple(r.text(n, f"{where}[{i}]", limit=NAME_LIMIT, required=True) for i, n in enumerate(names, start=1))


def _ballot(r: Reader, item: Any, number: int, round_: Round, count: int) -> BallotLine:
    where = _("dòng {number}").format(number=number)
    if isinstance(item, dict) and "set_aside" in item:
        r.table(item, where, SET_ASIDE_KEYS)
        reason = r.choice(item["set_aside"], f"{where}, “set_aside”", SET_ASIDE)
        note = r.text(item.get("code", ""), f"{where}, “code”", limit=TITLE_LIMIT)
        return BallotLine(number, note, {}, set_aside=reason)
    return read_entry(r, item, where, round_, count, number)


def read_entry(r: Reader, item: Any, where: str, round_: Round, count: int, number: int = 0) -> BallotLine:
    """One entered ballot (code, marks, write-ins, declared reasons, pass) checked against the round."""
    table = r.table(item, where, BALLOT_KEYS, required=("code",))
    code = r.text(table["code"], f"{where}, “code”", limit=MAX_CODE, required=True)
    if not code.replace(" ", "").isascii() or not code.replace(" ", "").isdigit():
        raise r.fail(f"{where}, “code”", _("mã QR hoặc số phiếu chỉ gồm chữ số 0–9."))
    rows = _marks(r, table.get("marks", {}), f"{where}, “marks”", round_, count)
    write_ins = _write_ins(r, table.get("write_ins", []), f"{where}, “write_ins”", round_)
    declared_at = f"{where}, “declared”"
    declared = frozenset(
        r.choice(x, declared_at, DECLARED) for x in r.listed(table.get("declared", []), declared_at, limit=3)
    )
    pass_no = r.integer(table["pass"], f"{where}, “pass”", 1, 2) if "pass" in table else None
    return BallotLine(number, code, rows, write_ins, declared, pass_no)


def read_ballot_file(path: Path, round_: Round, count: int) -> list[BallotLine]:
    """Every line of the file, checked; InputFileError at the first problem (nothing is saved)."""
    r = Reader(path.name)
    text = r.read(path, MAX_BALLOT_FILE)
    out: list[BallotLine] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if len(out) >= MAX_BALLOT_LINES:
            raise r.fail(
                _("dòng {number}").format(number=number),
                _("tệp có hơn {thousands}.000 phiếu.").format(thousands=MAX_BALLOT_LINES // 1000),
            )
        out.append(_ballot(r, r.json(line, _("dòng {number}").format(number=number)), number, round_, count))
    if not out:
        raise r.fail(_("cả tệp"), _("tệp không có phiếu nào."))
    return out


def read_tally_file(path: Path, round_: Round, nominee_ids: list[NomineeId]) -> tuple[int, TallySheet]:
    """(sheet number, the sheet) from a tally-sheet file, checked whole."""
    r = Reader(path.name)
    data = r.table(r.json(r.read(path, MAX_TALLY_FILE), _("cả tệp")), _("cả tệp"), TALLY_KEYS, required=("valid",))
    sheet_no = r.integer(data.get("sheet", 1), "“sheet”", 1, 1000)
    valid = r.integer(data["valid"], "“valid”", 0, MAX_COUNT)
    invalid_raw = r.table(data.get("invalid", {}), "“invalid”", INVALID)
    invalid = {INVALID[k]: r.integer(v, f"“invalid”, “{k}”", 0, MAX_COUNT) for k, v in invalid_raw.items()}
    count = len(nominee_ids)
    rows_raw = r.mapping(data.get("rows", {}), "“rows”", limit=count)
    rows: dict[NomineeId, tuple[int, ...]] = {}
    for key, counts in rows_raw.items():
        stt = r.row_number(key, "“rows”", count)
        at = f"“rows”[{stt}]"
        items = r.listed(counts, at, limit=round_.options)
        rows[nominee_ids[stt - 1]] = tuple(r.integer(c, at, 0, MAX_COUNT) for c in items)
    write_ins_raw = r.mapping(data.get("write_ins", {}), "“write_ins”", limit=1000)
    if write_ins_raw and not (round_.kind is RoundKind.NOMINATION and round_.write_ins):
        raise r.fail("“write_ins”", _("lượt này không có dòng ghi thêm tên."))
    write_ins: dict[str, int] = {}
    for name, votes in write_ins_raw.items():
        clean = r.text(name, _("“write_ins”, tên"), limit=NAME_LIMIT, required=True)
        write_ins[clean] = write_ins.get(clean, 0) + r.integer(votes, f"“write_ins”, “{clean}”", 0, MAX_COUNT)
    return sheet_no, TallySheet(valid, invalid, rows, write_ins)
