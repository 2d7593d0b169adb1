"""Stage transitions of a round (SPEC §9): Chuẩn bị → Kiểm phiếu → Đã kết thúc → Niêm phong.

Forward one step at a time; going back needs a reason and is logged. Who may (services/accounts.py): the chair
opens counting (a live round only once the chair has a passphrase); closing, sealing and going back need the chair
and one more member.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from vote_counter.documents.labels import PROBLEM
from vote_counter.domain.model import STAGE_ORDER, Mode, RoundId, Stage
from vote_counter.domain.rules import ProblemCode, has_quorum
from vote_counter.i18n import _
from vote_counter.services import close_verify, recount
from vote_counter.services.accounts import Access, Auth, Need
from vote_counter.services.base import DEFAULT_ACTOR, ServiceBase, get_round_row
from vote_counter.services.counting import CountingService
from vote_counter.services.errors import STAGE_LABELS, ErrorCode, ServiceError
from vote_counter.services.setup import clean_reason
from vote_counter.storage import audit, deferred_totals, repositories
from vote_counter.storage import totals as stored_totals
from vote_counter.storage.schema import RoundRow

# Problems that must be resolved before results are final. No quorum is not one of them:
# the minutes say so in words (SPEC §4.1).
BLOCKING = frozenset(ProblemCode) - {ProblemCode.NO_QUORUM}


class StageService(ServiceBase):
    def __init__(
        self, sessions: sessionmaker[Session], counting: CountingService, access: Access | None = None
    ) -> None:
        super().__init__(sessions, access)
        self._counting = counting
        # Called after a change is committed (Workspace.open sets it to the automatic backup, SPEC §8).
        self.on_stage_changed: Callable[[RoundId, Stage], None] | None = None

    def change(
        self,
        round_id: RoundId,
        to: Stage,
        reason: str = "",
        actor: str = DEFAULT_ACTOR,
        *,
        auth: Auth | None = None,
        verified: close_verify.VerifiedTotals | None = None,
    ) -> Stage:
        """Move the round to `to`. Closing takes the background recount (`verified`, from verify_totals) in place
        of its own when the file still holds exactly what it counted (services/close_verify.py); otherwise it
        counts every ballot again here, as it always did."""
        why = clean_reason(reason)
        with self._write() as s:
            row = get_round_row(s, round_id)
            current = Stage(row.stage)
            now, target = STAGE_ORDER.index(current), STAGE_ORDER.index(to)
            if target == now:
                return current
            if target > now + 1:
                raise ServiceError(
                    ErrorCode.WRONG_STAGE,
                    action=_("chuyển sang “{stage}”").format(stage=STAGE_LABELS[to.value]),
                    stage=STAGE_LABELS[row.stage],
                )
            opening = to is Stage.COUNTING and target > now
            actor = self._authorise_round(
                s,
                row,
                auth,
                actor,
                Need.CHAIR if opening else Need.CHAIR_AND_MEMBER,
                opening_live=opening and row.mode == Mode.LIVE.value,
            )
            if target < now and not why:
                raise ServiceError(ErrorCode.REASON_REQUIRED)
            if to is Stage.COUNTING and target > now and not has_quorum(row.summoned, row.present) and not why:
                # SPEC §4.1: below quorum the app warns and never silently proceeds.
                raise ServiceError(ErrorCode.NO_QUORUM, present=row.present, summoned=row.summoned)
            # Decided inside this write transaction: no ballot can be saved between the check and the close.
            blockers = self._close_blockers(s, row, verified) if to is Stage.CLOSED and target > now else []
            if blockers:
                raise ServiceError(ErrorCode.CANNOT_CLOSE, detail="; ".join(blockers) + ".")
            row.stage = to.value
            audit.append(
                s,
                actor,
                "stage_changed",
                {"round": round_id, "from": current.value, "to": to.value, "reason": why},
            )
        if self.on_stage_changed is not None:
            self.on_stage_changed(round_id, to)
        return to

    def close_blockers(self, round_id: RoundId, verified: close_verify.VerifiedTotals | None = None) -> list[str]:
        """What would refuse closing the round now, in words: the window lists it before anyone types a passphrase
        (change() decides again inside its own transaction). `verified` as for change()."""
        with self._read() as s:
            return self._close_blockers(s, get_round_row(s, round_id), verified)

    def verify_totals(self, round_id: RoundId, progress: recount.Progress | None = None) -> close_verify.VerifiedTotals:
        """The full recount closing needs, run ahead (the window runs it in the background with progress): the
        recount and what it was measured against, read in one transaction."""
        with self._read() as s:
            return close_verify.measure(s, get_round_row(s, round_id), progress)

    def _close_blockers(
        self, s: Session, row: RoundRow, verified: close_verify.VerifiedTotals | None = None
    ) -> list[str]:
        """What stands between the count and final results (reconciliation, double entry).

        First the persisted running totals against a full recount of the entered ballots: a difference means
        the file was changed outside the app (or a fault), and nothing is decided on it."""
        alarm = self._verify_totals(s, row, close_verify.usable(s, row, verified) if verified is not None else None)
        if alarm:
            return [alarm]
        result = self._counting.result_in(s, row)
        out = []
        if row.collected is None:
            out.append(_("chưa nhập số phiếu thu về do Ban kiểm phiếu đếm"))
        for p in result.problems:
            if p.code in BLOCKING:
                detail = (
                    _(" (cần {expected}, đang {actual})").format(expected=p.expected, actual=p.actual)
                    if p.expected is not None
                    else ""
                )
                out.append(_(PROBLEM[p.code]) + detail)  # the paper's words, on screen in the language in use
        if row.double_entry:
            diffs = self._counting.differences_in(s, row.id)
            if diffs:
                out.append(_("{count} phiếu có hai lần nhập khác nhau").format(count=len(diffs)))
        return out

    @staticmethod
    def _verify_totals(s: Session, row: RoundRow, found: recount.RecountCheck | None = None) -> str:
        """The alarm text if the persisted totals differ from a recount; totals stored under settings the round
        no longer has (it went back to preparation and changed), or that an upgrade could not count (its meeting
        key was shut), are counted again and sealed instead. `found`: a recount of exactly what the file holds
        now (a usable background one), else one is made here."""
        round_ = repositories.round_(row)
        nominees = repositories.nominees_of(s, row.id)
        if found is None:
            found = recount.check(s, round_, nominees)
        deferred = deferred_totals.deferred_rounds(s) if any(p.stored is None for p in found.passes) else set()
        rebuilt = {p.pass_no for p in found.passes if p.stale or (p.stored is None and row.id in deferred)}
        for p in found.passes:
            if p.pass_no in rebuilt:
                base = stored_totals.basis(round_, nominees)
                stored_totals.write(s, row.id, p.pass_no, base, p.recounted)
                audit.append(s, DEFAULT_ACTOR, "totals_rebuilt", {"round": row.id, "pass": p.pass_no})
        differing = [n for n in found.differing if n not in rebuilt]
        if not differing:
            return ""
        passes = ", ".join(str(n) for n in differing)
        return _(
            "BÁO ĐỘNG: tổng cộng dồn lưu trong tệp (lần nhập {passes}) khác với kết quả kiểm lại từng phiếu đã "
            "nhập; có thể tệp dữ liệu đã bị sửa ngoài phần mềm. Không kết thúc được: hãy kiểm tra nhật ký "
            "(Kiểm tra nhật ký) và báo Trưởng ban"
        ).format(passes=passes)
