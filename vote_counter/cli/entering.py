"""`enter-ballots` and `enter-tally`: files checked whole before anything is saved; a run-level error
(disk full, database locked or gone, credentials refused) ends the run once, with one message."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vote_counter.domain.model import BallotMarks, NomineeId, RoundId
from vote_counter.i18n import _
from vote_counter.services.ballot_files import PER_BALLOT, read_ballot_file, read_tally_file
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace


class RunStopped(Exception):
    """A run-level error: the message is printed once by run_command and the exit code is non-zero."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def cmd_enter_ballots(ws: Workspace, args: argparse.Namespace) -> int:
    rid = RoundId(args.round)
    round_ = ws.setup.round(rid)
    nominees = ws.setup.nominees(rid)
    by_stt = {i: NomineeId(n.id) for i, n in enumerate(nominees, start=1) if n.id is not None}
    if args.pass_no not in (1, 2):
        raise ServiceError(ErrorCode.INVALID_INPUT, detail=_("--pass phải là 1 hoặc 2."))
    entries = read_ballot_file(Path(args.file), round_, len(nominees))
    saved = rejected = 0
    for item in entries:
        try:
            if item.set_aside is not None:
                ws.counting.set_aside(rid, item.set_aside, item.code)
            else:
                marks = BallotMarks({by_stt[k]: v for k, v in item.rows.items()}, item.write_ins, item.declared)
                pass_no = item.pass_no if item.pass_no is not None else args.pass_no
                ws.counting.record(rid, item.code, marks, pass_no=pass_no)
        except ServiceError as exc:
            if exc.code not in PER_BALLOT:
                raise RunStopped(
                    _(
                        "Lỗi: {message}\nDừng ở dòng {line}: đã lưu {saved} phiếu ở các dòng trước, từ chối {rejected}; dòng {line} và các dòng sau CHƯA được lưu."
                    ).format(message=exc.message, line=item.line, saved=saved, rejected=rejected)
                ) from exc
            rejected += 1
            _err(_("dòng {line}: {message}").format(line=item.line, message=exc.message))
            continue
        saved += 1
    _out(_("Đã lưu {saved} phiếu; từ chối {rejected}.").format(saved=saved, rejected=rejected))
    return 0 if rejected == 0 else 1


def cmd_enter_tally(ws: Workspace, args: argparse.Namespace) -> int:
    rid = RoundId(args.round)
    round_ = ws.setup.round(rid)
    ids = [NomineeId(n.id) for n in ws.setup.nominees(rid) if n.id is not None]
    sheet_no, sheet = read_tally_file(Path(args.file), round_, ids)
    ws.counting.enter_tally_sheet(rid, sheet_no, sheet)
    _out(
        _("Đã lưu biên bản tổng hợp số {sheet_no}: {valid} hợp lệ, {invalid} không hợp lệ.").format(
            sheet_no=sheet_no, valid=sheet.valid, invalid=sum(sheet.invalid.values())
        )
    )
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser("enter-ballots", help=_("nhập phiếu từ tệp JSON lines"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument("file", help=_("tệp JSON lines, mỗi dòng một phiếu (xem README)"))
    s.add_argument("--pass", dest="pass_no", type=int, default=1, help=_("lần nhập (1 hoặc 2 khi nhập hai lần)"))
    s.set_defaults(func=cmd_enter_ballots)
    s = sub.add_parser("enter-tally", help=_("nhập biên bản tổng hợp từ tệp JSON"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument("file", help=_("tệp JSON của biên bản tổng hợp (xem README)"))
    s.set_defaults(func=cmd_enter_tally)
