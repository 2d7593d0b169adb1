"""Reading scanned ballots (SPEC §11): verify each sheet as keyed entry does, save the clear ones, queue the rest.

A clear ballot (every page read, every box clearly marked or clearly empty, a valid pattern) is saved exactly
as a keyed one, through `CountingService.record`, in one transaction whose one audit entry carries the
SHA-256 of each image it was read from. Anything else waits in the review queue (table scan_queue) and is
not counted until a board member decides it box by box; the decision is saved the same way, with the
member as the audit actor and the images' hashes in the entry. The audit log never holds marks: a
decision is logged as how many boxes were decided and a digest of the decisions.

The reader (vote_counter.scanning: OpenCV, numpy, zxing-cpp, pypdfium2) is imported inside the methods
that read, so opening the window or running another command does not load it.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from vote_counter.domain.model import BallotMarks, NomineeId, Reason, RoundId, Stage, nfc
from vote_counter.domain.rules import BallotShapeError, classify
from vote_counter.i18n import N_, _
from vote_counter.scanning.geometry import Geometry, LayoutError, PageGeometry, parse_geometry
from vote_counter.services.accounts import Access, Auth
from vote_counter.services.base import DEFAULT_ACTOR, ServiceBase, get_meeting_row, get_round_row, require_stage
from vote_counter.services.counting import CountingService, SavedBallot
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.storage import audit, repositories
from vote_counter.storage.scan_schema import ScanQueueRow

if TYPE_CHECKING:
    from vote_counter.scanning.images import Grey, ScannedPage
    from vote_counter.scanning.reader import PageReading
    from vote_counter.scanning.thresholds import Thresholds


class QueueReason(StrEnum):
    """Why a sheet waits for a person."""

    AMBIGUOUS = "ambiguous"  # a box neither clearly marked nor clearly empty
    CROSSED_OUT = "crossed_out"  # a mark scribbled over
    NO_QR = "no_qr"
    NO_FIDUCIALS = "no_fiducials"
    WRONG_GEOMETRY = "wrong_geometry"
    PAGE_UNKNOWN = "page_unknown"
    LOW_CONTRAST = "low_contrast"
    MISSING_PAGE = "missing_page"
    INVALID_PATTERN = "invalid_pattern"  # two levels on a row, too many chosen, a row left blank
    WRITE_IN = "write_in"  # a write-in line marked: the name must be read by a person
    PAGES_WAITING = "pages_waiting"  # the ballot's other pages were queued by an earlier run


QUEUE_REASON_TEXT: Mapping[QueueReason, str] = {
    QueueReason.AMBIGUOUS: N_("có ô không rõ đã đánh dấu hay chưa"),
    QueueReason.CROSSED_OUT: N_("có ô bị gạch xóa"),
    QueueReason.NO_QR: N_("không đọc được mã QR"),
    QueueReason.NO_FIDUCIALS: N_("không tìm thấy đủ bốn ô định vị ở góc phiếu"),
    QueueReason.WRONG_GEOMETRY: N_("bố cục trang không khớp với phiếu của lượt này"),
    QueueReason.PAGE_UNKNOWN: N_("không xác định được trang số mấy của phiếu"),
    QueueReason.LOW_CONTRAST: N_("ảnh quá mờ, không phân biệt được giấy và mực"),
    QueueReason.MISSING_PAGE: N_("thiếu trang của phiếu nhiều trang"),
    QueueReason.INVALID_PATTERN: N_(
        "cách đánh dấu làm phiếu không hợp lệ (hai mức một dòng, quá số người, bỏ trống dòng)"
    ),
    QueueReason.WRITE_IN: N_("có dòng ghi thêm tên, cần người đọc"),
    QueueReason.PAGES_WAITING: N_("các trang khác của phiếu này đang chờ xem xét"),
}

STREAK_TEXT = N_("Trang có vệt dọc do kính máy quét bẩn: lau kính máy quét rồi quét lại tờ này.")
SCORE_BINS = 50  # the run's distribution of box ink shares, in steps of 2 %


class SheetOutcomeKind(StrEnum):
    SAVED = "saved"
    QUEUED = "queued"
    REFUSED = "refused"


@dataclass(frozen=True)
class SheetOutcome:
    file: str
    page: int
    kind: SheetOutcomeKind
    serial: str | None = None
    reason: str = ""  # Vietnamese, for a refused or queued sheet
    code: str = ""  # the error or queue reason codes, comma-separated


@dataclass(frozen=True)
class ScanRun:
    sheets: int
    saved: int  # ballots saved
    queued: int  # sheets waiting for a person
    outcomes: tuple[SheetOutcome, ...]
    scores: tuple[int, ...]  # box ink shares, SCORE_BINS bins from 0 to 1

    @property
    def refused(self) -> tuple[SheetOutcome, ...]:
        return tuple(o for o in self.outcomes if o.kind is SheetOutcomeKind.REFUSED)


@dataclass(frozen=True)
class QueueBox:
    index: int
    state: str  # marked, unmarked, ambiguous (as read)
    ink: float
    grey: float
    crossed_out: bool
    option: int
    nominee_id: int | None
    write_in: int | None


@dataclass(frozen=True)
class QueueItem:
    id: int
    serial: str | None
    file: str
    page: int
    ballot_page: int | None
    reasons: tuple[QueueReason, ...]
    image_sha256: str
    status: str

    @property
    def reason_text(self) -> str:
        return "; ".join(_(QUEUE_REASON_TEXT[r]) for r in self.reasons)


@dataclass(frozen=True)
class QueueSheet:
    """One waiting sheet with what a person needs to decide it."""

    item: QueueItem
    image_png: bytes
    registered: bool  # the image is in the canonical frame: the geometry overlays it at CANON px per mm
    boxes: tuple[QueueBox, ...]
    page: PageGeometry | None
    height_mm: float
    options: tuple[str, ...]


Progress = Callable[[int, int, SheetOutcome | None], None]


@dataclass
class _Sheet:
    file: str
    page: int
    sha256: str
    reading: PageReading
    image: Grey = field(repr=False)
    join_queue: bool = False  # other pages of its ballot already wait in the queue
    serial: str | None = None
    reasons: list[QueueReason] = field(default_factory=list)


def _queue_item(row: ScanQueueRow) -> QueueItem:
    return QueueItem(
        id=row.id,
        serial=row.serial,
        file=row.file,
        page=row.page,
        ballot_page=row.ballot_page,
        reasons=tuple(QueueReason(r) for r in json.loads(row.reasons)),
        image_sha256=row.image_sha256,
        status=row.status,
    )


class ScanService(ServiceBase):
    def __init__(
        self, sessions: sessionmaker[Session], counting: CountingService, access: Access | None = None
    ) -> None:
        super().__init__(sessions, access)
        self._counting = counting

    # ------------------------------------------------------------ the run
    def geometry(self, round_id: RoundId) -> Geometry:
        with self._read() as s:
            row = get_round_row(s, round_id)
            text = row.layout_json
        try:
            return parse_geometry(text)
        except LayoutError as exc:
            raise ServiceError(
                ErrorCode.INVALID_INPUT,
                detail=_("lượt này chưa có phiếu in bằng phần mềm (không có bố cục phiếu để đọc ảnh quét)."),
            ) from exc

    def scan(
        self,
        round_id: RoundId,
        paths: Sequence[Path],
        pass_no: int = 1,
        *,
        limits: Thresholds | None = None,
        templates: Mapping[int, Grey] | None = None,
        progress: Progress | None = None,
        auth: Auth | None = None,
    ) -> ScanRun:
        """Read every page of every file; save the clear ballots, queue the doubtful, refuse the rest."""
        from vote_counter.scanning.images import ImageError, expand_paths, read_pages
        from vote_counter.scanning.reader import read_page
        from vote_counter.scanning.thresholds import Thresholds

        limits = limits or Thresholds()
        if pass_no not in (1, 2):
            raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("lần nhập phải là 1 hoặc 2."))
        with self._read() as s:
            row = get_round_row(s, round_id)
            require_stage(row, _("đọc phiếu quét"), Stage.COUNTING)
            if pass_no == 2 and not row.double_entry:
                raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("lượt này không nhập hai lần."))
        geometry = self.geometry(round_id)
        files = expand_paths(list(paths))
        outcomes: list[SheetOutcome] = []
        scores = [0] * SCORE_BINS
        by_serial: dict[str, list[_Sheet]] = defaultdict(list)
        saved = 0

        def report(done: int, outcome: SheetOutcome | None) -> None:
            if outcome is not None:
                outcomes.append(outcome)
            if progress is not None:
                progress(done, len(files), outcome)

        for done, path in enumerate(files, start=1):
            try:
                pages: list[ScannedPage] = list(read_pages(path))
            except ImageError as exc:
                report(done, SheetOutcome(path.name, 0, SheetOutcomeKind.REFUSED, reason=exc.reason, code="image"))
                continue
            for scanned in pages:
                reading = read_page(scanned.image, geometry, limits, templates=dict(templates or {}))
                for box in reading.boxes:
                    scores[min(SCORE_BINS - 1, int(box.ink * SCORE_BINS))] += 1
                sheet = _Sheet(path.name, scanned.page, scanned.sha256, reading, scanned.image)
                outcome = self._triage(round_id, sheet, pass_no, by_serial)
                if outcome is not None:
                    report(done, outcome)
                    continue
                if sheet.serial is None or sheet.join_queue:
                    group_outcomes = self._enqueue(round_id, [sheet], pass_no, auth)
                else:
                    group = by_serial[sheet.serial]
                    group.append(sheet)
                    complete = {g.reading.page for g in group} == set(range(len(geometry.pages)))
                    if not complete and len(geometry.pages) > 1:
                        continue  # a long ballot: wait for its other pages
                    del by_serial[sheet.serial]
                    saved_now, group_outcomes = self._settle(round_id, sheet.serial, group, geometry, pass_no, auth)
                    saved += saved_now
                for outcome in group_outcomes:
                    report(done, outcome)
            report(done, None)
        for serial, group in by_serial.items():  # pages of long ballots whose other pages never came
            saved_now, group_outcomes = self._settle(round_id, serial, group, geometry, pass_no, auth)
            saved += saved_now
            outcomes += group_outcomes
        queued = sum(1 for o in outcomes if o.kind is SheetOutcomeKind.QUEUED)
        run = ScanRun(len(outcomes), saved, queued, tuple(outcomes), tuple(scores))
        self._log_run(round_id, run, auth)
        return run

    def _triage(
        self, round_id: RoundId, sheet: _Sheet, pass_no: int, seen: Mapping[str, list[_Sheet]]
    ) -> SheetOutcome | None:
        """Refuse what may never be counted; note why the rest cannot be saved alone. None: keep the sheet."""
        from vote_counter.scanning.reader import BoxState, Problem

        reading = sheet.reading
        if Problem.STREAK in reading.problems:
            return SheetOutcome(sheet.file, sheet.page, SheetOutcomeKind.REFUSED, reason=_(STREAK_TEXT), code="streak")
        if reading.payload is not None:
            serial = self._serial_if_known(round_id, reading.payload, pass_no, seen, sheet)
            if isinstance(serial, SheetOutcome):
                return serial
            sheet.serial = serial
        problem_reasons = {
            Problem.NO_QR: QueueReason.NO_QR,
            Problem.NO_FIDUCIALS: QueueReason.NO_FIDUCIALS,
            Problem.WRONG_GEOMETRY: QueueReason.WRONG_GEOMETRY,
            Problem.PAGE_UNKNOWN: QueueReason.PAGE_UNKNOWN,
            Problem.LOW_CONTRAST: QueueReason.LOW_CONTRAST,
        }
        if reading.payload is None and Problem.NO_QR not in reading.problems:
            sheet.reasons.append(QueueReason.NO_QR)
        sheet.reasons += [problem_reasons[p] for p in reading.problems]
        if any(b.crossed_out for b in reading.boxes):
            sheet.reasons.append(QueueReason.CROSSED_OUT)
        if any(b.state is BoxState.AMBIGUOUS and not b.crossed_out for b in reading.boxes):
            sheet.reasons.append(QueueReason.AMBIGUOUS)
        return None

    def _serial_if_known(
        self, round_id: RoundId, payload: str, pass_no: int, seen: Mapping[str, list[_Sheet]], sheet: _Sheet
    ) -> str | SheetOutcome:
        """The serial, verified exactly as keyed entry verifies it; a refusal with its reason otherwise."""
        try:
            serial = self._counting.identify(round_id, payload, pass_no)
        except ServiceError as exc:
            return SheetOutcome(
                sheet.file, sheet.page, SheetOutcomeKind.REFUSED, reason=exc.message, code=exc.code.value
            )
        waiting = self._waiting_pages(round_id, serial, pass_no)
        page = sheet.reading.page
        if waiting and page is not None and page not in waiting:
            # Another page of a long ballot whose other pages already wait: it joins them in the queue.
            sheet.reasons.append(QueueReason.PAGES_WAITING)
            sheet.join_queue = True
            return serial
        pages_here = {s.reading.page for s in seen.get(serial, [])}
        if (
            waiting
            or (sheet.reading.page is not None and sheet.reading.page in pages_here)
            or (sheet.reading.page is None and serial in seen)
        ):
            duplicate = ServiceError(ErrorCode.DUPLICATE, serial=serial)
            why = (
                duplicate.message
                if not waiting
                else _("Phiếu số {serial} đang chờ Ban kiểm phiếu xem xét: không đọc lại.").format(serial=serial)
            )
            return SheetOutcome(
                sheet.file, sheet.page, SheetOutcomeKind.REFUSED, serial, why, ErrorCode.DUPLICATE.value
            )
        return serial

    def _waiting_pages(self, round_id: RoundId, serial: str, pass_no: int) -> list[int | None]:
        with self._read() as s:
            rows = s.execute(
                select(ScanQueueRow.ballot_page).where(
                    ScanQueueRow.round_id == round_id,
                    ScanQueueRow.serial == serial,
                    ScanQueueRow.pass_no == pass_no,
                    ScanQueueRow.status == "waiting",
                )
            ).scalars()
            return list(rows)

    def _settle(
        self,
        round_id: RoundId,
        serial: str,
        sheets: list[_Sheet],
        geometry: Geometry,
        pass_no: int,
        auth: Auth | None,
    ) -> tuple[int, list[SheetOutcome]]:
        """All pages of one ballot: saved when every page is there and clear and the pattern is valid."""
        from vote_counter.scanning.reader import BoxState

        pages = {s.reading.page for s in sheets}
        if None not in pages and pages != set(range(len(geometry.pages))):
            for s in sheets:
                s.reasons.append(QueueReason.MISSING_PAGE)
        if all(not s.reasons for s in sheets):
            states = {(s.reading.page, b.index): b.state is BoxState.MARKED for s in sheets for b in s.reading.boxes}
            marks, write_in = _marks(geometry, states)
            if write_in:
                for s in sheets:
                    s.reasons.append(QueueReason.WRITE_IN)
            elif not self._valid_pattern(round_id, marks):
                for s in sheets:
                    s.reasons.append(QueueReason.INVALID_PATTERN)
            else:
                payload = next(s.reading.payload for s in sheets if s.reading.payload)
                images = [{"sha256": s.sha256, "page": s.page} for s in sheets]
                try:
                    self._counting.record(
                        round_id, payload, marks, pass_no, auth=auth,
                        audit_extra=lambda _s, _id: {"source": "scan", "images": images},
                    )  # fmt: skip
                except ServiceError as exc:
                    return 0, [
                        SheetOutcome(s.file, s.page, SheetOutcomeKind.REFUSED, serial, exc.message, exc.code.value)
                        for s in sheets
                    ]
                return 1, [SheetOutcome(s.file, s.page, SheetOutcomeKind.SAVED, serial) for s in sheets]
        return 0, self._enqueue(round_id, sheets, pass_no, auth)

    def _valid_pattern(self, round_id: RoundId, marks: BallotMarks) -> bool:
        with self._read() as s:
            row = get_round_row(s, round_id)
            round_ = repositories.round_(row)
            ids = [NomineeId(n.id) for n in repositories.nominees_of(s, row.id) if n.id is not None]
        try:
            validity = classify(marks, round_, ids)
        except BallotShapeError:
            return False
        return validity.valid and not validity.void_rows

    def _enqueue(self, round_id: RoundId, sheets: list[_Sheet], pass_no: int, auth: Auth | None) -> list[SheetOutcome]:
        """Put sheets in the review queue: one transaction, one audit entry (image hashes and reasons, no marks)."""
        import cv2

        rows = []
        for sheet in sheets:
            reading = sheet.reading
            registered = reading.canonical is not None and reading.page is not None
            image = reading.canonical if reading.canonical is not None and registered else _thumbnail(sheet.image)
            ok, png = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 3])
            reasons = list(dict.fromkeys(sheet.reasons)) or [QueueReason.AMBIGUOUS]
            rows.append(
                ScanQueueRow(
                    round_id=round_id,
                    pass_no=pass_no,
                    serial=sheet.serial,
                    payload=reading.payload if sheet.serial else None,
                    file=nfc(sheet.file)[:255],
                    page=sheet.page,
                    ballot_page=reading.page,
                    image_sha256=sheet.sha256,
                    reasons=json.dumps([str(r) for r in reasons]),
                    reading=json.dumps([[b.index, str(b.state), b.ink, b.grey, b.crossed_out] for b in reading.boxes]),
                    image=bytes(png) if ok else b"",
                    registered=registered,
                    status="waiting",
                )
            )
        with self._write() as s:
            row = get_round_row(s, round_id)
            actor = self._authorise_round(s, row, auth, DEFAULT_ACTOR)
            require_stage(row, _("đọc phiếu quét"), Stage.COUNTING)
            for r in rows:
                r.seal = _queue_seal(row.hmac_key, r)
            s.add_all(rows)
            s.flush()
            audit.append(
                s,
                actor,
                "scan_queued",
                {
                    "round": row.id,
                    "queue": [r.id for r in rows],
                    "images": [{"sha256": r.image_sha256, "page": r.page} for r in rows],
                    "reasons": sorted({reason for r in rows for reason in json.loads(r.reasons)}),
                },
            )
        return [
            SheetOutcome(
                s.file, s.page, SheetOutcomeKind.QUEUED, s.serial,
                "; ".join(_(QUEUE_REASON_TEXT[QueueReason(r)]) for r in json.loads(r.reasons)), ",".join(json.loads(r.reasons)),
            )
            for s, r in zip(sheets, rows, strict=True)
        ]  # fmt: skip

    def _log_run(self, round_id: RoundId, run: ScanRun, auth: Auth | None) -> None:
        """The run itself: counts and the score distribution (no ballot is named, no mark is logged)."""
        with self._write() as s:
            row = get_round_row(s, round_id)
            actor = self._authorise_round(s, row, auth, DEFAULT_ACTOR)
            audit.append(
                s,
                actor,
                "scan_run",
                {
                    "round": row.id,
                    "sheets": run.sheets,
                    "saved": run.saved,
                    "queued": run.queued,
                    "refused": len(run.refused),
                    "scores": list(run.scores),
                },
            )

    # ------------------------------------------------------------ the queue
    def queue(self, round_id: RoundId, *, waiting_only: bool = True) -> list[QueueItem]:
        with self._read() as s:
            get_round_row(s, round_id)
            q = select(ScanQueueRow).where(ScanQueueRow.round_id == round_id)
            if waiting_only:
                q = q.where(ScanQueueRow.status == "waiting")
            return [_queue_item(r) for r in s.execute(q.order_by(ScanQueueRow.id)).scalars()]

    def sheet(self, item_id: int) -> QueueSheet:
        with self._read() as s:
            row = self._item_row(s, item_id)
            round_row = get_round_row(s, row.round_id)
            layout = round_row.layout_json
            item = _queue_item(row)
            image, registered, reading = row.image, row.registered, json.loads(row.reading)
        geometry = parse_geometry(layout)
        page = geometry.pages[item.ballot_page] if item.ballot_page is not None else None
        boxes = []
        if page is not None:
            for index, state, ink, grey, crossed in reading:
                box = page.boxes[index]
                boxes.append(QueueBox(index, state, ink, grey, bool(crossed), box.option, box.nominee_id, box.write_in))
        return QueueSheet(item, image, registered, tuple(boxes), page, geometry.height, geometry.options)

    @staticmethod
    def _item_row(s: Session, item_id: int) -> ScanQueueRow:
        row = s.get(ScanQueueRow, item_id)
        if row is None:
            raise ServiceError(
                ErrorCode.NOT_FOUND, what=_("tờ quét số {item_id} trong hàng chờ").format(item_id=item_id)
            )
        return row

    def decide(
        self,
        item_ids: Sequence[int],
        decisions: Mapping[tuple[int, int], bool],
        *,
        serial_text: str = "",
        declared: frozenset[Reason] = frozenset(),
        write_ins: tuple[str, ...] = (),
        auth: Auth | None = None,
    ) -> SavedBallot:
        """A board member's decision on one waiting ballot (all its sheets): every doubtful box decided
        (`decisions[(item, box)]` True = marked), then the ballot is saved as if keyed, in one transaction with
        one audit entry: the member, the images' SHA-256, how many boxes were decided and a digest of the
        decisions (never the marks themselves)."""
        if not item_ids:
            raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("chưa chọn tờ quét nào."))
        with self._read() as s:
            rows = [self._item_row(s, i) for i in item_ids]
            round_id = RoundId(rows[0].round_id)
            round_row = get_round_row(s, round_id)
            layout = round_row.layout_json
            for r in rows:
                if r.round_id == round_id and not hmac.compare_digest(r.seal, _queue_seal(round_row.hmac_key, r)):
                    raise ServiceError(
                        ErrorCode.AUDIT_BROKEN,
                        where=_("tờ quét số {id} trong hàng chờ khác với lúc đọc").format(id=r.id),
                    )
            snapshot = [(r.id, r.round_id, r.status, r.serial, r.payload, r.pass_no, r.ballot_page, r.reading, r.image_sha256, r.page) for r in rows]  # fmt: skip
        geometry = parse_geometry(layout)
        if any(r[1] != round_id for r in snapshot) or any(r[2] != "waiting" for r in snapshot):
            raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("các tờ quét đã chọn không cùng một phiếu đang chờ."))
        serials = {r[3] for r in snapshot}
        pass_nos = {r[5] for r in snapshot}
        if len(serials) != 1 or len(pass_nos) != 1:
            raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("các tờ quét đã chọn không cùng một số phiếu."))
        text = next((r[4] for r in snapshot if r[4]), None) or nfc(serial_text)
        if not text:
            raise ServiceError(
                ErrorCode.INVALID_INPUT, detail=_("không đọc được mã QR: hãy gõ số phiếu in dưới mã (12 chữ số).")
            )
        pages = {r[6] for r in snapshot}
        if None in pages or pages != set(range(len(geometry.pages))):
            raise ServiceError(
                ErrorCode.INVALID_INPUT,
                detail=_(
                    "chưa đủ các trang của phiếu (hoặc có trang không xác định): hãy quét đủ, hoặc nhập phiếu "
                    "bằng tay ở trang Kiểm phiếu rồi bỏ tờ quét khỏi hàng chờ."
                ),
            )
        states: dict[tuple[int | None, int], bool] = {}
        decided = 0
        for item_id, _r, _st, _se, _pl, _pn, page, reading, _sha, _p in snapshot:
            known = {index for index, *_ in json.loads(reading)}
            for index, state, *_rest in json.loads(reading):
                if (item_id, index) in decisions:
                    states[(page, index)] = bool(decisions[(item_id, index)])
                    decided += 1
                elif state == "ambiguous":
                    raise ServiceError(
                        ErrorCode.INVALID_INPUT,
                        detail=_("còn ô chưa quyết định: mỗi ô không rõ phải được chọn là có dấu hoặc trống."),
                    )
                else:
                    states[(page, index)] = state == "marked"
            extra = {i for (it, i) in decisions if it == item_id} - known
            if extra:
                raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("quyết định cho ô không có trên phiếu."))
        marks, _write_in = _marks(geometry, states)
        marks = BallotMarks(marks.rows, tuple(write_ins), declared)
        digest = hashlib.sha256(json.dumps(sorted([k[0], k[1], v] for k, v in decisions.items())).encode()).hexdigest()
        ids = [r[0] for r in snapshot]

        def settle(s: Session, ballot_id: int) -> dict[str, Any]:
            for item_id in ids:
                row = self._item_row(s, item_id)
                if row.status != "waiting":
                    raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("tờ quét này vừa được người khác quyết định."))
                row.status = "decided"
                row.ballot_id = ballot_id
            return {
                "source": "scan_review",
                "queue": ids,
                "images": [{"sha256": r[8], "page": r[9]} for r in snapshot],
                "decided_boxes": decided,
                "decisions_digest": digest,
            }

        return self._counting.record(round_id, text, marks, snapshot[0][5], auth=auth, audit_extra=settle)

    def dismiss(self, item_ids: Sequence[int], reason: str, *, auth: Auth | None = None) -> int:
        """Take sheets out of the queue without counting them (keyed by hand instead, not a ballot)."""
        why = nfc(reason)
        if not why:
            raise ServiceError(ErrorCode.REASON_REQUIRED)
        if not item_ids:
            raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("chưa chọn tờ quét nào."))
        with self._write() as s:
            rows = [self._item_row(s, i) for i in item_ids]
            round_row = get_round_row(s, rows[0].round_id)
            actor = self._authorise_round(s, round_row, auth, DEFAULT_ACTOR)
            require_stage(round_row, _("xem xét phiếu quét"), Stage.COUNTING)
            if any(r.status != "waiting" or r.round_id != round_row.id for r in rows):
                raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("chỉ bỏ được tờ quét đang chờ của cùng một lượt."))
            for r in rows:
                r.status = "dismissed"
            audit.append(
                s,
                actor,
                "scan_dismissed",
                {
                    "round": round_row.id,
                    "queue": [r.id for r in rows],
                    "images": [{"sha256": r.image_sha256, "page": r.page} for r in rows],
                    "reason": why,
                },
            )
            return len(rows)

    # ------------------------------------------------------------ pages of long ballots
    def templates(self, round_id: RoundId) -> dict[int, Grey]:
        """Each page of the round's ballot as printed (the sample, no QR), in the reader's canonical frame:
        what tells page 2 of a long ballot from page 1. Empty for a one-page ballot."""
        geometry = self.geometry(round_id)
        if len(geometry.pages) < 2:
            return {}
        from vote_counter.documents.ballots import PageFormat, render_sample
        from vote_counter.scanning.templates import render_templates

        with self._read() as s:
            row = get_round_row(s, round_id)
            round_ = repositories.round_(row)
            meeting = repositories.meeting(get_meeting_row(s, row.meeting_id))
            nominees = repositories.nominees_of(s, row.id)
        buffer = io.BytesIO()
        render_sample(meeting, round_, nominees, buffer, page_format=PageFormat(geometry.page_format))
        return render_templates(buffer.getvalue(), geometry)


def _queue_seal(key: bytes, row: ScanQueueRow) -> str:
    fields = [
        row.round_id,
        row.pass_no,
        row.serial,
        row.payload,
        row.page,
        row.ballot_page,
        row.image_sha256,
        row.reading,
    ]
    message = json.dumps(fields, separators=(",", ":")).encode() + hashlib.sha256(row.image).digest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _marks(geometry: Geometry, marked: Mapping[tuple[int | None, int], bool]) -> tuple[BallotMarks, bool]:
    """The ballot's marks from each box's state; True when a write-in line is marked."""
    rows: dict[NomineeId, set[int]] = {}
    write_in = False
    for page in geometry.pages:
        for index, box in enumerate(page.boxes):
            if box.nominee_id is not None:
                rows.setdefault(NomineeId(box.nominee_id), set())
            if not marked.get((page.index, index), False):
                continue
            if box.nominee_id is None:
                write_in = True
            else:
                rows[NomineeId(box.nominee_id)].add(box.option)
    return BallotMarks({k: frozenset(v) for k, v in rows.items()}), write_in


def _thumbnail(image: Grey) -> Grey:
    """An unregistered page kept for the reviewer at about 150 dpi on A4."""
    import cv2

    h, w = image.shape
    factor = min(1.0, 1800 / max(h, 1))
    if factor >= 1.0:
        return image
    return cv2.resize(image, (max(1, int(w * factor)), max(1, int(h * factor))), interpolation=cv2.INTER_AREA)  # type: ignore[return-value]
