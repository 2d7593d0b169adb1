"""`scan` and `scan-queue`: reading scanned ballots from the command line (SPEC §11), as the window does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vote_counter.domain.model import RoundId
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
        raise ServiceError(ErrorCode.INVALID_INPUT, detail=f"không có tệp hoặc thư mục: {', '.join(missing)}.")
    try:
        limits = Thresholds(definite=args.definite, marginal=args.marginal)
    except ValueError as exc:
        raise ServiceError(ErrorCode.INVALID_INPUT, detail="ngưỡng phải thỏa 0 < --marginal < --definite < 1.") from exc
    rid = RoundId(args.round)
    templates = ws.scanning.templates(rid)
    run = ws.scanning.scan(rid, paths, args.pass_no, limits=limits, templates=templates)
    if args.json:
        sys.stdout.write(json.dumps(run_to_dict(run), ensure_ascii=False, indent=2) + "\n")
        return 0
    for o in run.outcomes:
        label = {"saved": "đã lưu", "queued": "chờ xem xét", "refused": "từ chối"}[str(o.kind)]
        line = f"{o.file} trang {o.page}: {label}"
        sys.stdout.write(line + (f" — {o.reason}" if o.reason else "") + "\n")
    sys.stdout.write(
        f"Đã đọc {run.sheets} tờ: lưu {run.saved} phiếu, {run.queued} tờ chờ xem xét, từ chối {len(run.refused)} tờ.\n"
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
                "reason_text": [QUEUE_REASON_TEXT[r] for r in i.reasons],
                "image_sha256": i.image_sha256,
            }
            for i in items
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    for i in items:
        sys.stdout.write(
            f"{i.id}: số phiếu {i.serial or '(không đọc được)'} — {i.file} trang {i.page}: {i.reason_text}\n"
        )
    sys.stdout.write(f"{len(items)} tờ đang chờ xem xét.\n")
    return 0


def add_commands(sub: Any) -> None:
    s = sub.add_parser("scan", help="đọc phiếu quét (PDF, PNG, JPEG, TIFF hoặc thư mục) và lưu các phiếu rõ ràng")
    s.add_argument("round", type=int)
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--pass", dest="pass_no", type=int, choices=(1, 2), default=1)
    s.add_argument("--json", action="store_true")
    s.add_argument("--definite", type=float, default=DEFINITE, help="tỷ lệ mực từ đó một ô là có đánh dấu")
    s.add_argument("--marginal", type=float, default=MARGINAL, help="tỷ lệ mực dưới đó một ô có thể là trống")
    s.set_defaults(func=cmd_scan)
    s = sub.add_parser("scan-queue", help="các tờ quét đang chờ Ban kiểm phiếu xem xét")
    s.add_argument("round", type=int)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_scan_queue)
