"""Test-mode commands: print a test deck with its expected result, compare, go live (SPEC §4.9, §9)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vote_counter.domain.model import RoundId
from vote_counter.i18n import _
from vote_counter.services.errors import ErrorCode, ServiceError

if TYPE_CHECKING:
    from vote_counter.services.workspace import Workspace

# Each command imports what it uses (issue 15): registering them on the parser loads nothing.


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def cmd_test_deck(ws: Workspace, args: argparse.Namespace) -> int:
    from vote_counter.services.test_mode import make_test_deck, write_deck

    deck = make_test_deck(ws, RoundId(args.round), args.count, args.seed)
    deck_path, expected_path = write_deck(deck, Path(args.out))
    e = deck.expected
    _out(
        _("Đã in {count} phiếu thử vào sổ phiếu của lượt {round} (hạt giống {seed}).").format(
            count=len(deck.ballots), round=args.round, seed=args.seed
        )
    )
    _out(
        _("Dự kiến: thu về {collected}, hợp lệ {valid}, không hợp lệ {invalid}.").format(
            collected=e.collected, valid=e.valid, invalid=e.invalid
        )
    )
    _out(_("Phiếu thử: {deck_path}").format(deck_path=deck_path))
    _out(_("Kết quả dự kiến: {expected_path}").format(expected_path=expected_path))
    _out(_("Nhập: vote-counter enter-ballots {round} {deck_path}").format(round=args.round, deck_path=deck_path))
    return 0


def cmd_test_report(ws: Workspace, args: argparse.Namespace) -> int:
    from vote_counter.services.test_mode import Expected, compare, render_report, report_lines

    path = Path(args.expected)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceError(
            ErrorCode.INVALID_INPUT, detail=_("không đọc được tệp {name}.").format(name=path.name)
        ) from exc
    report = compare(ws, RoundId(args.round), Expected.from_json(text))
    for line in report_lines(report):
        _out(line)
    if args.out:
        _out(_("Đã ghi: {path}").format(path=render_report(report, Path(args.out))))
    return 0 if report.ok else 1


def cmd_go_live(ws: Workspace, args: argparse.Namespace) -> int:
    from vote_counter.services.test_mode import go_live

    live = go_live(ws, RoundId(args.round))
    _out(
        _("Đã tạo lượt chính thức {id}: {title} (giai đoạn Chuẩn bị, chưa có phiếu nào).").format(
            id=live.id, title=live.title
        )
    )
    _out(_("Lượt thử nghiệm {round} và kết quả của nó được giữ lại làm hồ sơ.").format(round=args.round))
    return 0


def add_commands(sub: Any) -> None:
    """Register the test-mode commands on the main parser's subparsers."""
    s = sub.add_parser("test-deck", help=_("in bộ phiếu thử (lượt thử nghiệm) kèm kết quả dự kiến"))
    s.add_argument("round", type=int, help=_("số lượt thử nghiệm (xem lệnh list)"))
    s.add_argument("--count", type=int, required=True, help=_("số phiếu thử"))
    s.add_argument("--out", required=True, help=_("thư mục ghi deck.jsonl và expected.json"))
    s.add_argument("--seed", type=int, default=2026, help=_("hạt giống tạo phiếu thử (cùng số, cùng bộ phiếu)"))
    s.set_defaults(func=cmd_test_deck)
    s = sub.add_parser("test-report", help=_("so kết quả lượt thử nghiệm với kết quả dự kiến"))
    s.add_argument("round", type=int, help=_("số lượt thử nghiệm (xem lệnh list)"))
    s.add_argument("--expected", required=True, help=_("tệp expected.json do lệnh test-deck ghi"))
    s.add_argument("--out", help=_("ghi thêm báo cáo PDF (có chữ THỬ NGHIỆM)"))
    s.set_defaults(func=cmd_test_report)
    s = sub.add_parser("go-live", help=_("chuyển sang chính thức: tạo lượt mới từ lượt thử nghiệm, đếm lại từ đầu"))
    s.add_argument("round", type=int, help=_("số lượt thử nghiệm đã đạt (xem lệnh list)"))
    s.set_defaults(func=cmd_go_live)
