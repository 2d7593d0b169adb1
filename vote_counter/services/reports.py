"""Documents from the database: ballots to print, minutes, results files. Each print is logged."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy.orm import Session, sessionmaker

from vote_counter.documents.minutes_data import MinutesData, decisive_counts, missing
from vote_counter.documents.page_format import PageFormat
from vote_counter.domain.canonical import check_code, result_to_dict
from vote_counter.domain.model import MeetingId, Reason, RoundId
from vote_counter.i18n import _
from vote_counter.services.accounts import Access, Auth, Need
from vote_counter.services.base import DEFAULT_ACTOR, ServiceBase, get_round_row
from vote_counter.services.counting import CountingService
from vote_counter.services.durable_files import WriteFailed, place_then_commit
from vote_counter.services.errors import ErrorCode, ServiceError, tamper_place
from vote_counter.services.register import RegisterService
from vote_counter.services.setup import SetupService, clean_reason
from vote_counter.storage import audit, document_details
from vote_counter.storage.audit import ChainReport
from vote_counter.storage.schema import AuditRow

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vote_counter.documents.ballots import PrintedBallot

# The document libraries (ReportLab, python-docx, openpyxl, cryptography) are imported by the methods that
# use them: opening the window or running a command that writes no document never loads them (issue 15).

Progress = Callable[[int, int], None]


def free_stem(folder: Path, stem: str, suffixes: Sequence[str], *, start: int = 1) -> str:
    """`stem` for the first print (start 1), `stem_in2`, `stem_in3`… for reprints; moved on past any name
    that is already taken in `folder` with one of `suffixes`, so no file there is ever overwritten."""
    n = max(start, 1)
    while True:
        candidate = stem if n == 1 else f"{stem}_in{n}"
        if not any((folder / f"{candidate}{suffix}").exists() for suffix in suffixes):
            return candidate
        n += 1


def require_intact(s: Session) -> ChainReport:
    report = audit.verify(s)
    if not report.ok:
        raise ServiceError(
            ErrorCode.AUDIT_BROKEN,
            where=tamper_place(report.first_bad_seq, report.bad_ballots, report.bad_rows, report.foreign),
        )
    return report


def _rendered(write: Callable[[BinaryIO], object]) -> bytes:
    buffer = io.BytesIO()
    write(buffer)
    return buffer.getvalue()


def _place(files: dict[Path, bytes], commit: Callable[[], object]) -> list[Path]:
    try:
        return place_then_commit(files, commit)
    except WriteFailed as exc:
        raise ServiceError(ErrorCode.PRINT_FAILED, path=str(exc.path), detail=exc.detail) from exc


def _atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Render, then write whole: temporary name, fsync, read back, rename; a failure leaves nothing."""
    _place({path: _rendered(write)}, lambda: None)


class ReportService(ServiceBase):
    def __init__(
        self,
        sessions: sessionmaker[Session],
        setup: SetupService,
        register: RegisterService,
        counting: CountingService,
        access: Access | None = None,
        key_dir: Path | None = None,
    ) -> None:
        super().__init__(sessions, access)
        self._setup = setup
        self._register = register
        self._counting = counting
        # A folder holding a station's own signing key, when one is named; otherwise each meeting's key,
        # kept encrypted in the database. Its fingerprint is printed on the minutes so the paper can be
        # matched with the signed USB package (SPEC §8).
        self._key_dir = key_dir

    # ------------------------------------------------------------ ballots
    def print_ballots(
        self,
        round_id: RoundId,
        count: int,
        path: Path,
        *,
        page_format: PageFormat = PageFormat.A4_PORTRAIT,
        progress: Progress | None = None,
        auth: Auth | None = None,
    ) -> list[PrintedBallot]:
        """Register `count` serials (one transaction) and draw them, in random order, into one PDF."""
        from vote_counter.documents.ballots import PrintedBallot, ballot_layout, render_ballots

        round_ = self._setup.round(round_id)
        assert round_.meeting_id is not None
        meeting = self._setup.meeting(round_.meeting_id)
        nominees = self._setup.nominees(round_id)
        layout = json.dumps(ballot_layout(meeting, round_, nominees, page_format).to_dict(), ensure_ascii=False)
        planned = self._register.plan_batch(round_id, count, auth=auth)
        ballots = [PrintedBallot(b.serial, b.payload) for b in planned]
        pdf = _rendered(
            lambda fh: render_ballots(
                meeting, round_, nominees, ballots, fh, page_format=page_format, progress=progress
            )
        )
        # The serials are registered only once their PDF is on the disk, fsynced and read back; a refused
        # registration takes the PDF away again (issue 12: a full disk registered 200 serials, no PDF).
        _place(
            {path: pdf},
            lambda: self._register.print_batch(round_id, count, layout_json=layout, auth=auth, planned=planned),
        )
        return ballots

    def exchange_ballot(
        self,
        round_id: RoundId,
        spoiled_serial: str,
        path: Path,
        *,
        page_format: PageFormat = PageFormat.A4_PORTRAIT,
        auth: Auth | None = None,
    ) -> PrintedBallot:
        """Đổi phiếu: mark the spoiled serial and print one fresh ballot to `path`."""
        from vote_counter.documents.ballots import PrintedBallot, render_ballots

        round_ = self._setup.round(round_id)
        assert round_.meeting_id is not None
        meeting = self._setup.meeting(round_.meeting_id)
        nominees = self._setup.nominees(round_id)
        (fresh,) = self._register.plan_batch(round_id, 1, auth=auth)
        ballot = PrintedBallot(fresh.serial, fresh.payload)
        pdf = _rendered(lambda fh: render_ballots(meeting, round_, nominees, [ballot], fh, page_format=page_format))
        # As for print_ballots: the exchange is recorded only with the fresh ballot's PDF on the disk.
        _place({path: pdf}, lambda: self._register.exchange(round_id, spoiled_serial, auth=auth, planned=fresh))
        return ballot

    def print_sample(self, round_id: RoundId, path: Path, *, page_format: PageFormat = PageFormat.A4_PORTRAIT) -> None:
        from vote_counter.documents.ballots import render_sample

        round_ = self._setup.round(round_id)
        assert round_.meeting_id is not None
        meeting = self._setup.meeting(round_.meeting_id)
        nominees = self._setup.nominees(round_id)
        _atomic_write(path, lambda fh: render_sample(meeting, round_, nominees, fh, page_format=page_format))

    # ------------------------------------------------------------ minutes
    def authorise_export(self, meeting_id: MeetingId, *, auth: Auth | None = None, actor: str = DEFAULT_ACTOR) -> str:
        """An export carries the minutes: the same two people as a print of the minutes (chair and a member)."""
        with self._write() as s:
            require_intact(s)
            return self._authorise_meeting(s, meeting_id, auth, actor, Need.CHAIR_AND_MEMBER)

    def minutes_data(self, round_id: RoundId, *, document_number: str = "", checked: bool = True) -> MinutesData:
        """Everything the minutes, results files and export show; refused if the meeting's data was changed
        behind the app's back (AUDIT_BROKEN naming the table and row).

        `checked=False` only for what is shown, never printed or exported: no audit check (it reads every sealed
        row, seconds at 50,000 ballots, and must not run on each refresh of the window, issue 15), no key
        fingerprint (the meeting's key is locked until a member signs in) and no decisive reasons (every ballot)."""
        round_ = self._setup.round(round_id)
        assert round_.meeting_id is not None
        if checked:
            self.require_intact(round_.meeting_id)
        meeting = self._setup.meeting(round_.meeting_id)
        result = self._counting.result(round_id)
        with self._read() as s:
            head = audit.head(s)
            counted_at, closed_at, quorum_reason = self._stage_times(s, round_id)
            details = document_details.load(s, round_.meeting_id)
        return MinutesData(
            meeting=meeting,
            round=round_,
            board=self._setup.board(MeetingId(round_.meeting_id)),
            result=result,
            check_code=check_code(result),
            audit_head=head,
            counted_at=counted_at,
            closed_at=closed_at,
            document_number=document_number,
            # Shown-only data needs no signing key (it stays locked until a member signs in).
            key_fingerprint=self.key_fingerprint(MeetingId(round_.meeting_id)) if checked else "",
            details=details,
            # The decisive reasons read every invalid ballot: printed documents only, not the window's refreshes.
            invalid_decisive=self._decisive(round_id, result.invalid) if checked else None,
            quorum_reason=quorum_reason,
        )

    def _decisive(self, round_id: RoundId, invalid: int) -> dict[Reason, int] | None:
        """Invalid ballots by their one decisive reason (pass 1 and the tally sheets, as the result counts them)."""
        reason_sets = [b.reasons for b in self._counting.ballots(round_id, 1) if not b.valid]
        counts = decisive_counts(reason_sets)
        for sheet in self._counting.tally_sheets(round_id).values():
            for reason, n in sheet.invalid.items():  # a tally sheet already counts one reason per ballot
                counts[reason] = counts.get(reason, 0) + n
        return counts if sum(counts.values()) == invalid else None

    def missing_details(self, round_id: RoundId) -> list[str]:
        """The document details the minutes of this round still lack, in words (empty: ready to print).

        Read from the set-up alone (no count, no keys needed), so the set-up page can ask at any time."""
        round_ = self._setup.round(round_id)
        assert round_.meeting_id is not None
        meeting_id = MeetingId(round_.meeting_id)
        with self._read() as s:
            details = document_details.load(s, meeting_id)
        return missing(self._setup.meeting(meeting_id), round_.id, self._setup.board(meeting_id), details)

    def signing_key(self, meeting_id: MeetingId) -> Ed25519PrivateKey:
        from vote_counter.services.signing import load_or_create_key, meeting_signing_key

        if self._key_dir is not None:
            return load_or_create_key(self._key_dir)
        return meeting_signing_key(self._access, meeting_id)

    def key_fingerprint(self, meeting_id: MeetingId) -> str:
        from vote_counter.services.signing import fingerprint

        return fingerprint(self.signing_key(meeting_id).public_key())

    @staticmethod
    def _stage_times(s: Session, round_id: int) -> tuple[dt.datetime, dt.datetime, str]:
        """When counting opened and closed, and the reason the chair gave for opening it (below quorum)."""
        now = dt.datetime.now().astimezone()
        counted = closed = None
        reason = ""
        for row in s.query(AuditRow).filter(AuditRow.action == "stage_changed").order_by(AuditRow.seq):
            details = json.loads(row.details)
            if details.get("round") != round_id:
                continue
            at = dt.datetime.fromisoformat(row.at).astimezone()
            if details.get("to") == "counting" and details.get("from") == "preparation":
                counted = at
                reason = str(details.get("reason") or "")
            if details.get("to") == "closed":
                closed = at
        return (counted or now), (closed or now), reason

    def write_minutes(
        self,
        round_id: RoundId,
        folder: Path,
        *,
        reason: str = "",
        actor: str = DEFAULT_ACTOR,
        auth: Auth | None = None,
    ) -> list[Path]:
        """Minutes PDF (three numbered copies) and DOCX. A reprint needs a reason and the chair plus one more
        member (SPEC §9); every print is logged. Credentials are checked before anything is drawn."""
        from vote_counter.documents.minutes_docx import write_minutes_docx
        from vote_counter.documents.minutes_pdf import render_minutes

        why = clean_reason(reason)
        self.require_intact(self._setup.round(round_id).meeting_id or 0)  # before any passphrase is tried
        earlier = self._minutes_print(round_id, why, auth, actor, check_only=True)
        data = self.minutes_data(round_id)
        # A reprint never replaces the signed print's files: BienBan_luot1_in2.pdf, _in3…, and never a file
        # already in the folder (another database's minutes, a copy kept by hand).
        stem = free_stem(folder, f"BienBan_luot{round_id}", (".pdf", ".docx"), start=earlier + 1)
        pdf, docx = folder / f"{stem}.pdf", folder / f"{stem}.docx"
        pages: list[int] = []
        # Both files rendered in memory, then placed whole (or neither) and logged: a failed run leaves no
        # unlogged PDF and no temporary file behind.
        pdf_bytes = _rendered(lambda fh: pages.append(render_minutes(data, fh, copies=3)))
        docx_bytes = _rendered(lambda fh: write_minutes_docx(data, fh, pages=pages[0]))
        return _place(
            {pdf: pdf_bytes, docx: docx_bytes},
            lambda: self._minutes_print(round_id, why, auth, actor, check_code=data.check_code),
        )

    def _minutes_print(
        self,
        round_id: RoundId,
        why: str,
        auth: Auth | None,
        actor: str,
        *,
        check_only: bool = False,
        check_code: str = "",
    ) -> int:
        """Who may print (two people; a reprint also a reason), and the log entry once the files are written.
        Returns how many times the minutes were printed before."""
        with self._write() as s:
            require_intact(s)
            row = get_round_row(s, round_id)
            prints = sum(
                1
                for r in s.query(AuditRow).filter(AuditRow.action == "minutes_printed")
                if json.loads(r.details).get("round") == round_id
            )
            printed_before = prints > 0
            # Every print of the minutes, the first one too, needs the chair and another member (as a reprint
            # does): copies must not be made around the two-person rule (issue 12).
            need = Need.CHAIR_AND_MEMBER
            actor = self._authorise_round(s, row, auth, actor, need)
            if printed_before and not why:
                raise ServiceError(ErrorCode.REASON_REQUIRED)
            if check_only:
                return prints
            audit.append(
                s,
                actor,
                "minutes_printed",
                {
                    "round": round_id,
                    "copies": ["01/03", "02/03", "03/03"],
                    "check_code": check_code,
                    "reprint": printed_before,
                    "reason": why,
                },
            )
            return prints

    def write_annex(self, round_id: RoundId, folder: Path) -> Path:
        """The ballot-entry log: every keyed ballot's marks in random order, without serials (SPEC §7)."""
        from vote_counter.documents.annex import render_entry_log

        self.require_intact(self._setup.round(round_id).meeting_id or 0)
        data = self.minutes_data(round_id)
        ballots = self._counting.ballots(round_id, 1)
        entries = [b.marks for b in ballots if not b.set_aside]
        set_aside = [b.reasons for b in ballots if b.set_aside]
        nominees = self._setup.nominees(round_id)
        # The order must not follow entry order: a system-seeded shuffle, never stored.
        rng = random.Random(secrets.randbits(64))
        path = folder / f"NhatKyNhapPhieu_luot{round_id}.pdf"
        _atomic_write(path, lambda fh: render_entry_log(data, entries, nominees, fh, rng=rng, set_aside=set_aside))
        return path

    def write_summary(self, meeting_id: MeetingId, folder: Path) -> Path:
        """One short PDF covering every round of the meeting."""
        from vote_counter.documents.meeting_summary import render_meeting_summary

        self.require_intact(meeting_id)
        items = [self.minutes_data(RoundId(r.id)) for r in self._setup.rounds(meeting_id) if r.id is not None]
        if not items:
            raise ServiceError(ErrorCode.NOT_FOUND, what=_("lượt bỏ phiếu nào của hội nghị"))
        path = folder / f"TongHop_hoinghi{meeting_id}.pdf"
        _atomic_write(path, lambda fh: render_meeting_summary(items, fh))
        return path

    def write_results(self, meeting_id: MeetingId, folder: Path) -> list[Path]:
        """Results of every round of a meeting as XLSX and JSON."""
        from vote_counter.documents.results_xlsx import write_results_xlsx

        self.require_intact(meeting_id)
        rounds = self._setup.rounds(meeting_id)
        items = [self.minutes_data(RoundId(r.id)) for r in rounds if r.id is not None]
        xlsx, js = folder / f"KetQua_hoinghi{meeting_id}.xlsx", folder / f"KetQua_hoinghi{meeting_id}.json"
        _atomic_write(xlsx, lambda fh: write_results_xlsx(items, fh))
        payload = {
            "meeting": items[0].meeting.title if items else "",
            "rounds": [dict(result_to_dict(d.result), check_code=d.check_code) for d in items],
        }
        text = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
        _atomic_write(js, lambda fh: fh.write(text))
        return [xlsx, js]
