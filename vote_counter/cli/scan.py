"""`scan` and `scan-queue`: reading scanned ballots from the command line (SPEC §11), as the window does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vote_counter.domain.model import RoundId
from vote_counter.i18n import _
from vote_counter.scanning.thresholds import DEFINITE, MARGINAL, Thresholds
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.scanning import QUEUE_REASON_TEXT, ScanRun, SheetOutcome
from vote_counter.services.workspace import Workspace


def _outcome(o: SheetOutcome) -> dict[str, Any]:
    return {"file": o.file, "page": o.page, "reason": o.reason, "code": o.code}


def run_to_dict(run: ScanRun) -> dict[str, Any]:
    return {
        "sheets": run.sheets,
        "saved": run.saved,
        "queued": run.queued,
        "refused": [_outcome(o) for o in run.refused],
        "outcomes": [
            {"file": o.file, "page": o.page, "outcome": str(o.kind), "serial": o.serial, "reason": o.reason}
            for o in run.outcomes
        ],
        "scores": list(run.scores),
    }


def cmd_scan(ws: Workspace, args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise ServiceError(
            ErrorCode.INVALID_INPUT, detail=_("không có tệp hoặc thư mục: {items}.").format(items=", ".join(missing))
        )
    try:
        limits = Thresholds(definite=args.definite, marginal=args.marginal)
    except ValueError as exc:
        raise ServiceError(
            ErrorCode.INVALID_INPUT, detail=_("ngưỡng phải thỏa 0 < --marginal < --definite < 1.")
        ) from exc
    rid = RoundId(args.round)
    templates = ws.scanning.templates(rid)
    run = ws.scanning.scan(rid, paths, args.pass_no, limits=limits, templates=templates)
    if args.json:
        sys.stdout.write(json.dumps(run_to_dict(run), ensure_ascii=False, indent=2) + "\n")
        return 0
    for o in run.outcomes:
        label = {"saved": _("đã lưu"), "queued": _("chờ xem xét"), "refused": _("từ chối")}[str(o.kind)]
        line = _("{file} trang {page}: {outcome}").format(file=o.file, page=o.page, outcome=label)
        sys.stdout.write(line + (f" — {o.reason}" if o.reason else "") + "\n")
    sys.stdout.write(
        _("Đã đọc {sheets} tờ: lưu {saved} phiếu, {queued} tờ chờ xem xét, từ chối {refused} tờ.").format(
            sheets=run.sheets, saved=run.saved, queued=run.queued, refused=len(run.refused)
        )
        + "\n"
    )
    return 0


def cmd_scan_queue(ws: Workspace, args: argparse.Namespace) -> int:
    items = ws.scanning.queue(RoundId(args.round))
    if args.json:
        data = [
            {
                "id": i.id,
                "serial": i.serial,
                "file": i.file,
                "page": i.page,
                "ballot_page": i.ballot_page,
                "reasons": [str(r) for r in i.reasons],
                "reason_text": [_(QUEUE_REASON_TEXT[r]) for r in i.reasons],
                "image_sha256": i.image_sha256,
            }
            for i in items
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    for i in items:
        sys.stdout.write(
            _("{id}: số phiếu {serial} — {file} trang {page}: {reasons}").format(
                id=i.id, serial=i.serial or _("(không đọc được)"), file=i.file, page=i.page, reasons=i.reason_text
            )
            + "\n"
        )
    sys.stdout.write(_("{count} tờ đang chờ xem xét.").format(count=len(items)) + "\n")
    return 0


def add_commands(sub: Any) -> None:
    s = sub.add_parser("scan", help=_("đọc phiếu quét (PDF, PNG, JPEG, TIFF hoặc thư mục) và lưu các phiếu rõ ràng"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument("paths", nargs="+", metavar="PATH", help=_("tệp ảnh quét hoặc thư mục chứa chúng"))
    s.add_argument(
        "--pass", dest="pass_no", type=int, choices=(1, 2), default=1, help=_("lần nhập (1 hoặc 2 khi nhập hai lần)")
    )
    s.add_argument("--json", action="store_true", help=_("in kết quả dạng JSON"))
    s.add_argument("--definite", type=float, default=DEFINITE, help=_("tỷ lệ mực từ đó một ô là có đánh dấu"))
    s.add_argument("--marginal", type=float, default=MARGINAL, help=_("tỷ lệ mực dưới đó một ô có thể là trống"))
    s.set_defaults(func=cmd_scan)
    s = sub.add_parser("scan-queue", help=_("các tờ quét đang chờ Ban kiểm phiếu xem xét"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument("--json", action="store_true", help=_("in danh sách dạng JSON"))
    s.set_defaults(func=cmd_scan_queue, read_only=True)  # reading: asks nobody's passphrase
