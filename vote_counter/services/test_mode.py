"""Test mode (SPEC §4.9, §9): a logic-and-accuracy check before the live count.

A test deck is a stack of real test-mode ballots (printed into the test round's register) with marks
chosen from a seed: valid ballots and every kind of invalid one the round can have. Its expected result
is computed here by a small counter written straight from SPEC §4.8, not by domain.rules, so entering
the deck and comparing checks the app's rules against an independent reading of the same text.
Going live copies the test round into a fresh live round; the test round and its results stay as the record.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vote_counter.documents import labels
from vote_counter.domain.model import (
    AGREE,
    CHOSEN,
    DISAGREE,
    BallotMarks,
    Counts,
    InvalidPolicy,
    Mode,
    Nominee,
    NomineeId,
    Reason,
    Round,
    RoundId,
    RoundKind,
    Stage,
    nfc,
)
from vote_counter.i18n import N_, _
from vote_counter.services.accounts import Auth
from vote_counter.services.errors import STAGE_LABELS, ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace

MAX_DECK = 2000
WRITE_IN_NAMES = ("Lê Văn Tám", "Nguyễn Thị Minh Khai", "Võ Thị Sáu")
_TEST_TITLE = re.compile(r"\s*[(\[]\s*thử\s+nghiệm\s*[)\]]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class DeckBallot:
    code: str  # the QR payload printed on the test ballot
    rows: Mapping[int, frozenset[int]]  # STT (1-based, list order) → boxes marked
    write_ins: tuple[str, ...] = ()
    declared: frozenset[Reason] = frozenset()

    def json_line(self) -> str:
        """One line of the file `vote-counter enter-ballots` reads."""
        item = {
            "code": self.code,
            "marks": {str(stt): sorted(boxes) for stt, boxes in sorted(self.rows.items())},
            "write_ins": list(self.write_ins),
            "declared": sorted(r.value for r in self.declared),
        }
        return json.dumps(item, ensure_ascii=False)


@dataclass(frozen=True)
class Expected:
    """What the round's result must show after the deck is entered: V, X, C, counts per nominee."""

    round_id: int
    round_code: str
    valid: int
    invalid: int
    invalid_reasons: Mapping[str, int]
    nominees: tuple[tuple[int, str, tuple[int, ...]], ...]  # (nominee id, name, one count per option)
    write_ins: Mapping[str, int]

    @property
    def collected(self) -> int:
        return self.valid + self.invalid

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["collected"] = self.collected
        return json.dumps(data, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Expected:
        try:
            data = json.loads(text)
            return cls(
                round_id=int(data["round_id"]),
                round_code=str(data["round_code"]),
                valid=int(data["valid"]),
                invalid=int(data["invalid"]),
                invalid_reasons={str(k): int(v) for k, v in data["invalid_reasons"].items()},
                nominees=tuple((int(i), str(n), tuple(int(c) for c in counts)) for i, n, counts in data["nominees"]),
                write_ins={str(k): int(v) for k, v in data["write_ins"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ServiceError(
                ErrorCode.INVALID_INPUT, detail=_("tệp kết quả dự kiến hỏng ({error}).").format(error=exc)
            ) from exc


@dataclass(frozen=True)
class TestDeck:
    __test__ = False  # not a pytest class

    round: Round
    nominees: tuple[Nominee, ...]
    ballots: tuple[DeckBallot, ...]
    expected: Expected
    seed: int


# ---------------------------------------------------------------- marks from the seed


def _scenarios(round_: Round) -> list[str]:
    common = ["valid"] * 6 + ["crossed_name", "extra_content", "unreadable", "blank"]
    if round_.kind is RoundKind.CONFIDENCE:
        return [*common, "row_missing", "row_double"]
    if round_.kind is RoundKind.APPROVAL:
        return [*common, "row_missing", "row_double"]
    return [*common, "too_many", "write_in"]


def _random_marks(rng: random.Random, round_: Round, count: int, scenario: str) -> DeckBallot:
    options = round_.options
    stts = list(range(1, count + 1))
    rows: dict[int, frozenset[int]] = {}
    write_ins: tuple[str, ...] = ()
    declared: frozenset[Reason] = frozenset()
    if round_.kind is RoundKind.NOMINATION:
        if scenario != "blank":
            k = round_.seats + 1 if scenario == "too_many" else rng.randint(1, round_.seats)
            rows = {stt: frozenset({CHOSEN}) for stt in rng.sample(stts, min(k, count))}
        if scenario == "write_in":
            write_ins = (rng.choice(WRITE_IN_NAMES),)
            if len(rows) >= round_.seats:
                rows.pop(next(iter(rows)))
    elif scenario != "blank":
        rows = {stt: frozenset({rng.randrange(options)}) for stt in stts}
        if scenario == "row_missing":
            rows[rng.choice(stts)] = frozenset()
        elif scenario == "row_double":
            rows[rng.choice(stts)] = frozenset(rng.sample(range(options), 2))
    if scenario in ("crossed_name", "extra_content", "unreadable"):
        declared = frozenset({Reason(scenario)})
    return DeckBallot(code="", rows=rows, write_ins=write_ins, declared=declared)


# ---------------------------------------------------------------- the independent counter (SPEC §4.8)


def _judge(round_: Round, count: int, ballot: DeckBallot) -> tuple[set[str], dict[int, list[int]], list[str]]:
    """(invalid reasons, counts this ballot adds per STT, write-ins counted), read from SPEC §4.8."""
    reasons = {r.value for r in ballot.declared}
    marks = {stt: ballot.rows.get(stt, frozenset()) for stt in range(1, count + 1)}
    adds: dict[int, list[int]] = {stt: [0] * round_.options for stt in marks}
    counted_write_ins: list[str] = []
    whole = round_.policy is InvalidPolicy.WHOLE_BALLOT
    if round_.kind is RoundKind.CONFIDENCE:
        # 262-QĐ/TW khoản 7.2: a row without exactly one mark voids the ballot (or only that row, per_row).
        if whole and any(len(b) != 1 for b in marks.values()):
            reasons.add(Reason.ROW_MARKS.value)
        for stt, boxes in marks.items():
            if len(boxes) == 1:
                adds[stt][next(iter(boxes))] += 1
    elif round_.kind is RoundKind.APPROVAL:
        blank = not any(marks.values())
        if blank and round_.blank_is_disagree:
            for stt in marks:
                adds[stt][DISAGREE] += 1
        else:
            if whole and any(len(b) == 2 for b in marks.values()):
                reasons.add(Reason.ROW_MARKS.value)
            for stt, boxes in marks.items():
                if len(boxes) == 1:  # both or neither: not an agreement, not counted
                    adds[stt][AGREE if AGREE in boxes else DISAGREE] += 1
    else:
        chosen = [stt for stt, boxes in marks.items() if CHOSEN in boxes]
        if len(chosen) + len(ballot.write_ins) > round_.seats:
            reasons.add(Reason.TOO_MANY.value)
        if ballot.write_ins and not round_.write_ins:
            reasons.add(Reason.EXTRA_CONTENT.value)
        for stt in chosen:
            adds[stt][CHOSEN] += 1
        counted_write_ins = [nfc(w) for w in ballot.write_ins]
    return reasons, adds, counted_write_ins


def expected_result(round_: Round, nominees: Sequence[Nominee], ballots: Sequence[DeckBallot]) -> Expected:
    assert round_.id is not None
    valid = invalid = 0
    reasons: Counter[str] = Counter()
    totals = {stt: [0] * round_.options for stt in range(1, len(nominees) + 1)}
    write_ins: Counter[str] = Counter()
    for ballot in ballots:
        why, adds, names = _judge(round_, len(nominees), ballot)
        if why:
            invalid += 1
            reasons.update(why)
            continue
        valid += 1
        for stt, counts in adds.items():
            totals[stt] = [a + b for a, b in zip(totals[stt], counts, strict=True)]
        write_ins.update(names)
    return Expected(
        round_id=round_.id,
        round_code=round_.code,
        valid=valid,
        invalid=invalid,
        invalid_reasons=dict(sorted(reasons.items())),
        nominees=tuple((n.id or 0, n.full_name, tuple(totals[stt])) for stt, n in enumerate(nominees, start=1)),
        write_ins=dict(sorted(write_ins.items())),
    )


# ---------------------------------------------------------------- the deck


def _test_round(ws: Workspace, round_id: RoundId) -> Round:
    round_ = ws.setup.round(round_id)
    if round_.mode is not Mode.TEST:
        raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("bộ phiếu thử chỉ dùng cho lượt bỏ phiếu thử nghiệm."))
    return round_


def make_test_deck(ws: Workspace, round_id: RoundId, count: int, seed: int, *, auth: Auth | None = None) -> TestDeck:
    """Print `count` test ballots into the test round's register and give each deterministic marks."""
    round_ = _test_round(ws, round_id)
    if round_.stage not in (Stage.PREPARATION, Stage.COUNTING):
        raise ServiceError(ErrorCode.WRONG_STAGE, action=_("tạo bộ phiếu thử"), stage=STAGE_LABELS[round_.stage.value])
    if not 1 <= count <= MAX_DECK:
        raise ServiceError(
            ErrorCode.INVALID_INPUT, detail=_("số phiếu thử phải từ 1 đến {max_deck}.").format(max_deck=MAX_DECK)
        )
    nominees = tuple(ws.setup.nominees(round_id))
    if not nominees:
        raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("lượt bỏ phiếu chưa có người trong danh sách."))
    printed = ws.register.print_batch(round_id, count, auth=auth)
    rng = random.Random(seed)
    scenarios = _scenarios(round_)
    ballots = []
    # Every scenario at least once when the deck is big enough, then at random.
    plan = [*scenarios, *(rng.choice(scenarios) for _ in range(max(0, count - len(scenarios))))][:count]
    rng.shuffle(plan)
    for issued, scenario in zip(sorted(printed, key=lambda b: b.serial), plan, strict=True):
        ballot = _random_marks(rng, round_, len(nominees), scenario)
        ballots.append(dataclasses.replace(ballot, code=issued.payload))
    deck = tuple(ballots)
    return TestDeck(round_, nominees, deck, expected_result(round_, nominees, deck), seed)


def deck_marks(deck: TestDeck, ballot: DeckBallot) -> BallotMarks:
    """A deck ballot as the counting service takes it."""
    ids: list[NomineeId] = [n.id for n in deck.nominees if n.id is not None]
    return BallotMarks({ids[stt - 1]: boxes for stt, boxes in ballot.rows.items()}, ballot.write_ins, ballot.declared)


def write_deck(deck: TestDeck, folder: Path) -> tuple[Path, Path]:
    """deck.jsonl (for `vote-counter enter-ballots`) and expected.json."""
    folder.mkdir(parents=True, exist_ok=True)
    deck_path, expected_path = folder / "deck.jsonl", folder / "expected.json"
    deck_path.write_text("".join(b.json_line() + "\n" for b in deck.ballots), encoding="utf-8")
    expected_path.write_text(deck.expected.to_json() + "\n", encoding="utf-8")
    return deck_path, expected_path


# ---------------------------------------------------------------- comparing


@dataclass(frozen=True)
class ReportRow:
    nominee: str
    option: str
    expected: int
    actual: int

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass(frozen=True)
class TestDeckReport:
    __test__ = False  # not a pytest class

    round_title: str
    totals: tuple[ReportRow, ...]  # C, V, X, and each invalid reason
    rows: tuple[ReportRow, ...]  # per nominee and option, then write-ins

    @property
    def ok(self) -> bool:
        return all(r.ok for r in (*self.totals, *self.rows))

    @property
    def mismatches(self) -> tuple[ReportRow, ...]:
        return tuple(r for r in (*self.totals, *self.rows) if not r.ok)


def option_labels(round_: Round) -> tuple[str, ...]:
    if round_.kind is RoundKind.CONFIDENCE:
        return round_.level_labels
    if round_.kind is RoundKind.APPROVAL:
        return (labels.COL_AGREE, labels.COL_DISAGREE)
    return (labels.COL_VOTES,)


def compare(ws: Workspace, round_id: RoundId, expected: Expected) -> TestDeckReport:
    """The test round's result side by side with the deck's expected result."""
    round_ = _test_round(ws, round_id)
    if expected.round_id != round_id or expected.round_code != round_.code:
        raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("tệp kết quả dự kiến là của lượt bỏ phiếu khác."))
    result = ws.counting.result(round_id)
    reasons = {r.value: n for r, n in result.invalid_reasons.items()}
    totals = [
        ReportRow(labels.COLLECTED, "", expected.collected, result.collected),
        ReportRow(labels.VALID, "", expected.valid, result.valid),
        ReportRow(labels.INVALID, "", expected.invalid, result.invalid),
        *(
            ReportRow(labels.INVALID, labels.INVALID_REASON[Reason(code)], expected.invalid_reasons.get(code, 0), n)
            for code in sorted(set(expected.invalid_reasons) | set(reasons))
            for n in [reasons.get(code, 0)]
        ),
    ]
    actual = {n.nominee_id: n.counts for n in result.nominees if n.nominee_id is not None}
    names = option_labels(round_)
    rows = [
        ReportRow(name, names[i], counts[i], actual.get(NomineeId(nid), (0,) * len(counts))[i])
        for nid, name, counts in expected.nominees
        for i in range(len(counts))
    ]
    written = {n.name: n.counts[0] for n in result.nominees if n.nominee_id is None}
    for name in sorted(set(expected.write_ins) | set(written)):
        rows.append(ReportRow(name, N_("ghi thêm"), expected.write_ins.get(name, 0), written.get(name, 0)))
    return TestDeckReport(round_.title, tuple(totals), tuple(rows))


def report_lines(report: TestDeckReport) -> list[str]:
    """The side-by-side table as plain text (the command line prints it), in the language in use; the labels
    (the paper's words) are read through the catalog, the names and the round's own option labels are data."""
    table = [("", "", _("Dự kiến"), _("Thực tế"), "")]
    rows = [*((True, r) for r in report.totals), *((False, r) for r in report.rows)]
    for is_total, r in rows:
        nominee = _(r.nominee) if is_total else r.nominee  # a total's label, or a person's name (data)
        option = _(r.option) if r.option else ""
        table.append((nominee, option, str(r.expected), str(r.actual), _("khớp") if r.ok else _("KHÁC")))
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    lines = [_(labels.TEST_WATERMARK), _("Kiểm tra bằng bộ phiếu thử: {title}").format(title=report.round_title)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table]
    verdict = (
        _("Tất cả khớp.")
        if report.ok
        else _("Có {count} dòng KHÁC: kiểm tra lại trước khi dùng thật.").format(count=len(report.mismatches))
    )
    return [*lines, verdict]


def render_report(report: TestDeckReport, out: Path) -> Path:
    """A short A4 PDF of the side-by-side table, every page watermarked (SPEC §4.9)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from vote_counter.documents.fonts import SERIF, SERIF_BOLD, pdf_text, register_fonts

    register_fonts()

    def watermark(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(SERIF_BOLD, 34)
        canvas.setFillColor(colors.Color(0.8, 0, 0, alpha=0.25))
        canvas.translate(A4[0] / 2, A4[1] / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, 0, pdf_text(labels.TEST_WATERMARK))
        canvas.restoreState()
        canvas.setFont(SERIF, 9)
        canvas.drawCentredString(
            A4[0] / 2, 10 * mm, pdf_text(f"{labels.TEST_WATERMARK} — Trang {canvas.getPageNumber()}")
        )

    body = ParagraphStyle("body", fontName=SERIF, fontSize=11, leading=14)
    title = ParagraphStyle("title", parent=body, fontName=SERIF_BOLD, fontSize=14, alignment=1)
    data = [["", "", "Dự kiến", "Thực tế", ""]]
    for r in (*report.totals, *report.rows):
        data.append(
            [pdf_text(r.nominee), pdf_text(r.option), str(r.expected), str(r.actual), "khớp" if r.ok else "KHÁC"]
        )
    table = Table(data, colWidths=[60 * mm, 40 * mm, 20 * mm, 20 * mm, 18 * mm], repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), SERIF, 10),
        ("FONT", (0, 0), (-1, 0), SERIF_BOLD, 10),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("ALIGN", (2, 0), (3, -1), "RIGHT"),
    ]
    style += [("TEXTCOLOR", (0, i), (-1, i), colors.red) for i, row in enumerate(data) if row[4] == "KHÁC"]
    table.setStyle(TableStyle(style))
    verdict = report_lines(report)[-1]
    story = [
        Paragraph(pdf_text("KẾT QUẢ KIỂM TRA BẰNG BỘ PHIẾU THỬ"), title),
        Paragraph(pdf_text(report.round_title), body),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(pdf_text(verdict), body),
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(out), pagesize=A4, title=pdf_text(labels.TEST_WATERMARK))
    doc.build(story, onFirstPage=watermark, onLaterPages=watermark)
    return out


# ---------------------------------------------------------------- going live


def live_title(title: str) -> str:
    cleaned = nfc(_TEST_TITLE.sub(" ", nfc(title)))
    return cleaned or nfc(title)


def go_live(ws: Workspace, test_round_id: RoundId, *, auth: Auth | None = None) -> Round:
    """A new live round with the test round's settings and list: fresh code and key, nothing counted.

    The test round, its register and its results stay as they are, as the record of the check.
    """
    test = _test_round(ws, test_round_id)
    assert test.meeting_id is not None
    counts = Counts(test.counts.summoned, test.counts.present, test.counts.issued)
    draft = dataclasses.replace(
        test,
        id=None,
        title=live_title(test.title),
        mode=Mode.LIVE,
        stage=Stage.PREPARATION,
        counts=counts,
        code="",
        order=0,
    )
    people = [dataclasses.replace(n, id=None, round_id=None) for n in ws.setup.nominees(test_round_id)]
    return ws.setup.create_round(draft, auth=auth, nominees=people)  # one transaction: never a live round half made
