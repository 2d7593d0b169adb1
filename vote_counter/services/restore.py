"""Restoring a backup is a two-person action (SPEC §8, issue 12).

`plan_restore` copies the backup to a temporary file beside the database (what is checked is exactly what
would be installed), opens its meeting keys with the passphrases given, and refuses a backup that fails
the checks of `verify-audit` (the chain, and every sealed row) or that belongs to another meeting (the
meetings' identities, `meeting_keys.uid`, must be those of the live database). It then lists what the
live database holds that the backup does not: per round, ballots entered or changed, stage changes and
prints, read from the live audit log after the point where the two logs part.

`restore` does it: when the live database holds any meeting, only with the chair and another member of
each of its meetings that has accounts, and an explicit confirmation. The replaced file is kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from vote_counter.domain.model import BoardMemberId, nfc
from vote_counter.i18n import N_, _
from vote_counter.services.accounts import Access, Approval, Credential, Need
from vote_counter.services.backups import RestoreReport, backups_dir, check_backup, replace_database
from vote_counter.services.errors import STAGE_LABELS, ErrorCode, ServiceError, tamper_place
from vote_counter.storage import audit
from vote_counter.storage.audit import ChainReport
from vote_counter.storage.engine import make_engine, make_sessions
from vote_counter.storage.schema import AuditRow, BoardMemberRow, MeetingKeyRow, RoundRow

People = Sequence[tuple[str, str]]  # (full name, passphrase) of who restores: never stored, never logged

_BALLOT_ENTRY = {"ballot_saved", "ballot_set_aside", "entries_imported"}
_BALLOT_CHANGE = {"ballot_corrected", "ballot_voided", "ballot_restored"}
_PRINTS = {"ballots_printed": N_("in phiếu"), "ballot_exchanged": N_("đổi phiếu"), "minutes_printed": N_("in biên bản")}


@dataclass(frozen=True)
class RestorePlan:
    backup: Path
    staged: Path  # the checked copy that would be installed
    report: ChainReport
    dropped: tuple[str, ...]  # what would be lost, in words, per round
    live_meetings: tuple[int, ...]  # meetings of the live database (their board must agree)
    actor: str  # who restores, as the log names them


@contextlib.contextmanager
def _sessions_on(path: Path) -> Iterator[tuple[Access, Session]]:
    engine = make_engine(path)
    try:
        sessions = make_sessions(engine)
        with sessions() as s:
            yield Access(sessions), s
    finally:
        engine.dispose()


def credentials(s: Session, meeting_id: int, people: People) -> list[Credential]:
    out = []
    for name, passphrase in people:
        wanted = nfc(name).casefold()
        for row in s.execute(select(BoardMemberRow).where(BoardMemberRow.meeting_id == meeting_id)).scalars():
            if nfc(row.full_name).casefold() == wanted:
                out.append(Credential(BoardMemberId(row.id), passphrase))
    return out


def meeting_uids(s: Session) -> dict[str, int]:
    return {uid: m for m, uid in s.execute(select(MeetingKeyRow.meeting_id, MeetingKeyRow.uid)).all()}


def _stage_copy(db_path: Path, backup_file: Path) -> Path:
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    staged = folder / f".restore-{secrets.token_hex(4)}.sqlite3"
    src = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(staged, timeout=30, isolation_level=None)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        src.close()
        dst.close()
    return staged


def _discard(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(OSError):
            p.unlink()


def plan_restore(db_path: Path, backup_file: Path, people: People = ()) -> RestorePlan:
    """Check the backup as `verify-audit` would and list what restoring it would drop. Changes nothing
    (the checked copy waits in backups/ under a hidden name until `restore` or `discard_plan`)."""
    db_path, backup_file = Path(db_path), Path(backup_file)
    check_backup(backup_file)  # SQLite's integrity check, the chain, a file of this version
    staged = _stage_copy(db_path, backup_file)
    try:
        return _plan(db_path, backup_file, staged, people)
    except BaseException:
        _discard(staged)
        raise


def discard_plan(plan: RestorePlan) -> None:
    _discard(plan.staged)


def _plan(db_path: Path, backup_file: Path, staged: Path, people: People) -> RestorePlan:
    with _sessions_on(staged) as (access, s):
        backup_uids = meeting_uids(s)
        with access.transaction() as ws:  # open each meeting's key with the passphrases given
            for meeting_id in backup_uids.values():
                for credential in credentials(ws, meeting_id, people):
                    access.check(ws, credential)
        report = audit.verify(s)
        backup_log = [h for (h,) in s.execute(select(AuditRow.hash).order_by(AuditRow.seq)).all()]
    if not report.ok:
        raise ServiceError(
            ErrorCode.BACKUP_INVALID,
            name=backup_file.name,
            detail=_("dữ liệu khác với lúc niêm phong: {where}").format(
                where=tamper_place(report.first_bad_seq, report.bad_ballots, report.bad_rows, report.foreign)
            ),
        )
    if report.locked:
        raise ServiceError(ErrorCode.KEYS_LOCKED, meeting=", ".join(str(m) for m in report.locked))
    if not db_path.is_file():
        return RestorePlan(backup_file, staged, report, (), (), "")
    with _sessions_on(db_path) as (_access, live):
        live_uids = meeting_uids(live)
        if live_uids and set(live_uids) != set(backup_uids):
            mine = ", ".join(_("số {meeting}").format(meeting=m) for m in sorted(live_uids.values()))
            raise ServiceError(
                ErrorCode.RESTORE_OTHER_MEETING,
                name=backup_file.name,
                detail=_("hội nghị trong máy: {mine}; mã nhận diện khác nhau").format(mine=mine),
            )
        dropped = dropped_since(live, backup_log)
    return RestorePlan(backup_file, staged, report, dropped, tuple(sorted(live_uids.values())), "")


def dropped_since(live: Session, backup_log: list[str]) -> tuple[str, ...]:
    """What the live log holds after the point where it and the backup's log (`backup_log`, its hashes in order)
    part, in words per round: a session on either engine."""
    rows = live.execute(select(AuditRow.hash, AuditRow.action, AuditRow.details).order_by(AuditRow.seq)).all()
    common = 0
    while common < min(len(rows), len(backup_log)) and rows[common][0] == backup_log[common]:
        common += 1
    titles = {rid: title for rid, title in live.execute(select(RoundRow.id, RoundRow.title)).all()}
    per_round: dict[int | None, Counter[str]] = defaultdict(Counter)
    stages: dict[int | None, list[str]] = defaultdict(list)
    for _hash, action, text in rows[common:]:
        details = json.loads(text)
        rid = details.get("round") if isinstance(details.get("round"), int) else None
        if action in _BALLOT_ENTRY:
            per_round[rid]["ballots"] += int(details.get("recorded", 1)) if action == "entries_imported" else 1
        elif action in _BALLOT_CHANGE:
            per_round[rid]["changes"] += 1
        elif action == "stage_changed":
            stages[rid].append(
                f"{STAGE_LABELS.get(str(details.get('from')), '?')} → {STAGE_LABELS.get(str(details.get('to')), '?')}"
            )
        elif action in _PRINTS:
            per_round[rid][_PRINTS[action]] += 1
        elif action != "backup_restored":
            per_round[rid]["other"] += 1
    lines = []
    for rid in sorted(set(per_round) | set(stages), key=lambda r: (r is None, r or 0)):
        c = per_round[rid]
        parts = []
        if c["ballots"]:
            parts.append(_("{count} phiếu đã nhập").format(count=c["ballots"]))
        if c["changes"]:
            parts.append(_("{count} lần sửa, hủy hoặc khôi phục phiếu").format(count=c["changes"]))
        if stages[rid]:
            parts.append(
                _("{count} lần chuyển giai đoạn ({changes})").format(
                    count=len(stages[rid]), changes="; ".join(stages[rid])
                )
            )
        for label in _PRINTS.values():
            if c[label]:
                parts.append(_("{count} lần {action}").format(count=c[label], action=_(label)))
        if c["other"]:
            parts.append(_("{count} thay đổi khác").format(count=c["other"]))
        where = (
            _("Lượt {round} “{title}”").format(round=rid, title=titles.get(rid, "?"))
            if rid is not None
            else _("Hội nghị và Ban kiểm phiếu")
        )
        lines.append(f"{where}: " + ", ".join(parts))
    return tuple(lines)


def restore(
    db_path: Path,
    backup_file: Path,
    people: People = (),
    *,
    confirm: bool = False,
    now: dt.datetime | None = None,
) -> RestoreReport:
    """Restore after `plan_restore`'s checks. A live database with meetings needs `confirm` and, for each
    meeting with accounts, the chair and another member among `people` (verified on the live file)."""
    plan = plan_restore(db_path, backup_file, people)
    try:
        actor = _authorise(Path(db_path), plan, people, confirm)
        return replace_database(
            Path(db_path), plan.staged, plan.report, actor=actor, dropped=plan.dropped, original=plan.backup, now=now
        )
    finally:
        discard_plan(plan)


def _authorise(db_path: Path, plan: RestorePlan, people: People, confirm: bool) -> str:
    if not plan.live_meetings:
        return " + ".join(nfc(n) for n, _ in people) or "Ban kiểm phiếu"
    with _sessions_on(db_path) as (access, _s):
        return authorise(access, plan.live_meetings, people, confirm)


def authorise(access: Access, live_meetings: Sequence[int], people: People, confirm: bool) -> str:
    """Who restores, as the log names them: `confirm` and, for each live meeting with accounts, the chair and
    another member among `people`, checked on the live database's board (the hall's PostgreSQL: pg_restore.py)."""
    if not live_meetings:
        return " + ".join(nfc(n) for n, _ in people) or "Ban kiểm phiếu"
    if not confirm:
        raise ServiceError(ErrorCode.RESTORE_CONFIRM)
    actors = []
    with access.transaction() as s:
        for meeting_id in live_meetings:
            creds = credentials(s, meeting_id, people)
            approval = Approval(creds[0], creds[1]) if len(creds) >= 2 else None
            holders = access.account_holders(s, meeting_id)
            if holders and approval is None:
                raise ServiceError(ErrorCode.RESTORE_CONFIRM)
            actors.append(access.authorise(s, meeting_id, Need.CHAIR_AND_MEMBER, approval))
    return actors[0] if len(set(actors)) == 1 else "; ".join(actors)
