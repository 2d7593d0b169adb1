"""The exchange commands of `vote-counter`: export, verify, backup, backups, restore, export-entries,
import-entries. cli.build_parser calls add_commands(sub); each command takes (workspace, args) -> exit code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vote_counter import platform_os
from vote_counter.domain.model import MeetingId, RoundId
from vote_counter.domain.serials import format_serial
from vote_counter.exchange.texts import VERIFY_BAD, VERIFY_OK, done_message
from vote_counter.i18n import N_, _
from vote_counter.services.errors import ErrorCode, ServiceError

if TYPE_CHECKING:
    from vote_counter.services.workspace import Workspace

# Each command imports what it uses (issue 15): the package, signing and archive libraries load only for them.
IMPORT_MODES = ("second_pass", "additional")  # exchange.merge.ImportMode, without importing it for the parser

TRUST_HELP = N_(
    "tin khóa chưa biết sau khi Trưởng ban và một thành viên đã đối chiếu dấu vân tay (cần --as … --with …); "
    "khóa được ghi nhận để lần sau không phải hỏi lại"
)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def cmd_export(ws: Workspace, args: argparse.Namespace) -> int:
    from vote_counter.exchange.export import export_package

    key_dir = Path(args.key_dir) if args.key_dir else None
    result = export_package(ws, MeetingId(args.meeting), Path(args.out), encrypt=args.encrypt, key_dir=key_dir)
    _out(_("Đã ghi gói kết quả: {folder}").format(folder=result.folder))
    for rid, code in result.check_codes.items():
        _out(_("  Lượt {rid}: mã kiểm tra kết quả {code}").format(rid=rid, code=code))
    _out(_("  Dấu vân tay khóa ký: {fingerprint}").format(fingerprint=result.fingerprint))
    if result.passphrase:
        _out(
            _("  MẬT KHẨU mở KetQua.zip (chỉ hiện một lần, in ra giấy và giao riêng): {passphrase}").format(
                passphrase=result.passphrase
            )
        )
    _out(done_message(result.folder))
    return 0


def cmd_verify(ws: Workspace | None, args: argparse.Namespace) -> int:
    from vote_counter.exchange.verify import verify_package

    report = verify_package(Path(args.folder), expected_fingerprint=args.fingerprint, passphrase=args.passphrase)
    if not report.ok:
        _err(_(VERIFY_BAD).format(folder=args.folder))
        for problem in report.problems:
            _err(f"  - {problem}")
        return 1
    if not args.fingerprint:
        # Whole is not enough: anyone can re-sign a package with a key of their own (trust on first use).
        known = ws is not None and report.fingerprint is not None and _known_key(ws, report.fingerprint, args)
        if not known:
            _err(ServiceError(ErrorCode.UNKNOWN_KEY, fingerprint=report.fingerprint or "?").message)
            return 1
    _out(_(VERIFY_OK).format(folder=args.folder))
    _out(_("  Dấu vân tay khóa ký: {fingerprint}").format(fingerprint=report.fingerprint))
    for rid, code in report.check_codes.items():
        _out(_("  Lượt {rid}: mã kiểm tra kết quả {code}").format(rid=rid, code=code))
    if report.audit_head:
        _out(_("  Đầu chuỗi nhật ký: {audit_head}").format(audit_head=report.audit_head))
    if report.encrypted and not report.inner_checked:
        _out(_("  Nội dung mã hóa chưa được kiểm tra: thêm --passphrase MẬT_KHẨU để kiểm tra cả bên trong KetQua.zip."))
    return 0


def _known_key(ws: Workspace, fp: str, args: argparse.Namespace) -> bool:
    """The key is this station's or a paired one; or the chair and a member confirm it now (--trust-new-key)."""
    from vote_counter.exchange.trust import trusted
    from vote_counter.services.accounts import Approval

    pending = trusted(ws, fp, expected=None, trust_new_key=bool(args.trust_new_key))
    if pending is None:
        return True
    meetings = [mid for mid, auth in ws.access.signed_in.items() if isinstance(auth, Approval)]
    if not meetings:
        raise ServiceError(ErrorCode.NEEDS_SECOND_MEMBER)
    ws.pairing.pair(meetings[0], pending[0], pending[1])
    _out(
        _(
            "Đã ghi nhận khóa {pending} là của máy kiểm phiếu đã đối chiếu (Trưởng ban và một thành viên xác nhận)."
        ).format(pending=pending[0])
    )
    return True


def cmd_backup(ws: Workspace, args: argparse.Namespace) -> int:
    from vote_counter.exchange.backups import backup

    path = backup(ws, args.reason)
    _out(_("Đã sao lưu: {path}").format(path=path))
    return 0


def cmd_backups(ws: Workspace, _args: argparse.Namespace) -> int:
    from vote_counter.exchange.backups import backups_dir, list_backups, list_dumps

    # The hall's database: this station's pg_dumps (the other stations keep their own).
    items = list_dumps(backups_dir(ws.path)) if ws.shared else list_backups(ws.require_file())
    if not items:
        _out(_("Chưa có bản sao lưu nào."))
    for item in items:
        _out(f"{item.created:%d/%m/%Y %H:%M:%S}  {item.reason:<30}  {item.size:>10} byte  {item.path}")
    return 0


def _people(args: argparse.Namespace) -> list[tuple[str, str]]:
    """--as/--with and their passphrases (KP_PASSPHRASE, KP_PASSPHRASE2, else asked without echo)."""
    people = []
    for name, env in ((args.as_name, "KP_PASSPHRASE"), (args.with_name, "KP_PASSPHRASE2")):
        if name:
            secret = os.environ.get(env)
            people.append(
                (
                    name,
                    secret
                    if secret is not None
                    else platform_os.ask_hidden(_("Mật khẩu của {name}: ").format(name=name), env),
                )
            )
    return people


def cmd_restore(ws: Workspace, args: argparse.Namespace) -> int:
    """A dry run lists what would be dropped; `--confirm` with the chair and a member (--as, --with) restores."""
    from vote_counter.exchange.backups import discard_plan, plan_restore, restore
    from vote_counter.services.pg_backup import SUFFIX as PG_SUFFIX

    if ws.shared:
        return _restore_hall(ws, args)
    if Path(args.file).suffix == PG_SUFFIX:
        raise ServiceError(
            ErrorCode.BACKUP_INVALID,
            name=Path(args.file).name,
            detail=_("đây là bản pg_dump của cơ sở dữ liệu chung của hội trường, không phải của tệp {name}").format(
                name=ws.path.name
            ),
        )
    ws.require_file()
    ws.engine.dispose()  # no connection of ours holds the file while it is replaced
    people = _people(args)
    if not args.confirm:
        plan = plan_restore(ws.path, Path(args.file), people)
        discard_plan(plan)
        _dry_run_lines(plan.backup.name, plan.report.entries, plan.report.head, bool(plan.live_meetings), plan.dropped)
        if plan.live_meetings:
            return 0
    report = restore(ws.path, Path(args.file), people, confirm=args.confirm)
    _out(
        _("Đã khôi phục từ {name} ({entries} mục nhật ký, đầu chuỗi {head}).").format(
            name=report.restored_from.name, entries=report.entries, head=report.head
        )
    )
    for line in report.dropped:
        _out(_("  Đã bỏ: {line}").format(line=line))
    if report.replaced_copy is not None:
        _out(
            _("Bản cơ sở dữ liệu trước khi khôi phục được giữ tại: {replaced_copy}").format(
                replaced_copy=report.replaced_copy
            )
        )
    return 0


def _dry_run_lines(name: str, entries: int, head: str, live: bool, dropped: tuple[str, ...]) -> None:
    _out(
        _("Bản sao lưu {name} hợp lệ: {entries} mục nhật ký, đầu chuỗi {head}.").format(
            name=name, entries=entries, head=head
        )
    )
    if live:
        _out(_("Khôi phục sẽ BỎ những thay đổi sau (có trong cơ sở dữ liệu hiện tại, không có trong bản sao lưu):"))
        for line in dropped or (_("không có thay đổi nào sau bản sao lưu"),):
            _out(f"  - {line}")
        _out(
            _(
                "CHƯA khôi phục. Để khôi phục: Trưởng ban và một thành viên khác cùng chạy lại lệnh với --as, --with và --confirm."
            )
        )


def _restore_hall(ws: Workspace, args: argparse.Namespace) -> int:
    """The hall's PostgreSQL from one of its pg_dumps: on the host laptop only, with its data folder (--data)."""
    from vote_counter.services.pg_restore import check_dump_name, discard_pg_plan, plan_pg_restore, restore_pg

    if not args.data:
        raise ServiceError(ErrorCode.RESTORE_ON_HOST)
    check_dump_name(Path(args.file))
    url, data = ws.url, Path(args.data)
    ws.close()  # no connection of ours holds the database while it is renamed
    people = _people(args)
    if not args.confirm:
        plan = plan_pg_restore(url, data, Path(args.file), people)
        discard_pg_plan(plan)
        _dry_run_lines(plan.backup.name, plan.report.entries, plan.report.head, bool(plan.live_meetings), plan.dropped)
        if plan.live_meetings:
            return 0
    report = restore_pg(url, data, Path(args.file), people, confirm=args.confirm)
    _out(
        _("Đã khôi phục từ {name} ({entries} mục nhật ký, đầu chuỗi {head}).").format(
            name=report.restored_from.name, entries=report.entries, head=report.head
        )
    )
    for line in report.dropped:
        _out(_("  Đã bỏ: {line}").format(line=line))
    _out(
        _("Cơ sở dữ liệu trước khi khôi phục được giữ lại trên máy chủ với tên {replaced}.").format(
            replaced=report.replaced
        )
    )
    _out(_("Các máy kiểm phiếu đang kết nối phải mở lại kết nối tới máy chủ hội trường."))
    return 0


def cmd_export_entries(ws: Workspace, args: argparse.Namespace) -> int:
    from vote_counter.exchange.merge import export_entries
    from vote_counter.exchange.trust import own_fingerprint

    folder = export_entries(ws, RoundId(args.round), Path(args.out), pass_no=args.pass_no)
    _out(_("Đã ghi gói phiếu đã nhập: {folder}").format(folder=folder))
    _out(
        _("Dấu vân tay khóa của máy này: {fingerprint} (máy nhận gói đối chiếu dấu vân tay này)").format(
            fingerprint=own_fingerprint(ws)
        )
    )
    _out(done_message(folder))
    return 0


def cmd_import_entries(ws: Workspace, args: argparse.Namespace) -> int:
    from vote_counter.exchange.merge import ImportMode, import_entries

    report = import_entries(
        ws,
        RoundId(args.round),
        Path(args.folder),
        ImportMode(args.mode),
        expected_fingerprint=args.fingerprint,
        trust_new_key=args.trust_new_key,
    )
    _out(
        _("Đã ghi {recorded} phiếu từ máy kiểm phiếu {fingerprint}.").format(
            recorded=report.recorded, fingerprint=report.fingerprint
        )
    )
    if report.overlaps:
        shown = ", ".join(format_serial(s) for s in report.overlaps)
        _out(
            _("{count} phiếu đã được nhập ở máy này, không tính lần nữa: {shown}").format(
                count=len(report.overlaps), shown=shown
            )
        )
    for item in report.rejected:
        _err(
            _("Phiếu {serial} không được tính: {message}").format(
                serial=format_serial(item.serial), message=item.message
            )
        )
    return 0 if not report.rejected else 1


def add_commands(sub: Any) -> None:
    """Register the exchange commands on the `vote-counter` subparsers."""
    s = sub.add_parser("export", help=_("ghi gói kết quả (biên bản, kết quả, nhật ký, chữ ký) vào USB"))
    s.add_argument("meeting", type=int, help=_("số hội nghị (xem lệnh list)"))
    s.add_argument("--out", required=True, help=_("thư mục đích, ví dụ ổ USB"))
    s.add_argument("--encrypt", action="store_true", help=_("mã hóa AES-256 với mật khẩu tạo tự động"))
    s.add_argument("--key-dir", help=_("thư mục chứa khóa ký (mặc định: cạnh cơ sở dữ liệu)"))
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("verify", help=_("kiểm tra gói kết quả trên máy bất kỳ"))
    s.add_argument("folder", help=_("thư mục gói kết quả (KetQua_…) trên USB"))
    s.add_argument("--fingerprint", help=_("dấu vân tay khóa ký cần có (16 chữ số hex)"))
    s.add_argument("--passphrase", help=_("mật khẩu của KetQua.zip (gói mã hóa)"))
    s.add_argument("--trust-new-key", action="store_true", help=_(TRUST_HELP))
    s.set_defaults(func=cmd_verify, needs_workspace="if_exists", read_only=True)
    s = sub.add_parser("backup", help=_("sao lưu cơ sở dữ liệu ngay"))
    s.add_argument("--reason", default="thủ công", help=_("lý do, ghi vào tên tệp"))
    s.set_defaults(func=cmd_backup)
    s = sub.add_parser("backups", help=_("liệt kê các bản sao lưu"))
    s.set_defaults(func=cmd_backups, read_only=True)
    s = sub.add_parser(
        "restore", help=_("khôi phục từ một bản sao lưu: xem trước những gì bị bỏ; --confirm với hai người để làm")
    )
    s.add_argument("file", help=_("tệp sao lưu (.sqlite3, hoặc .pgdump cho cơ sở dữ liệu chung; xem lệnh backups)"))
    s.add_argument("--confirm", action="store_true", help=_("đã xem danh sách bị bỏ, đồng ý khôi phục"))
    s.add_argument(
        "--data",
        metavar=_("THƯ_MỤC"),
        help=_("cơ sở dữ liệu chung: thư mục dữ liệu của máy chủ hội trường (lệnh restore chạy trên máy chủ)"),
    )
    s.set_defaults(func=cmd_restore, own_sign_in=True)
    s = sub.add_parser("export-entries", help=_("ghi các phiếu đã nhập của một lượt để gộp vào máy khác"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument("--out", required=True, help=_("thư mục đích, ví dụ ổ USB"))
    s.add_argument("--pass", dest="pass_no", type=int, default=1, help=_("lần nhập cần ghi (mặc định 1)"))
    s.set_defaults(func=cmd_export_entries)
    s = sub.add_parser("import-entries", help=_("nhập phiếu từ gói của máy kiểm phiếu khác"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument("folder", help=_("thư mục gói phiếu của máy kia"))
    s.add_argument(
        "--mode",
        choices=IMPORT_MODES,
        default=IMPORT_MODES[0],
        help=_("second_pass: lần nhập thứ hai để đối chiếu; additional: phiếu khác, cộng thêm"),
    )
    s.add_argument("--fingerprint", help=_("dấu vân tay khóa của máy kia (đọc trên màn hình máy kia)"))
    s.add_argument("--trust-new-key", action="store_true", help=_(TRUST_HELP))
    s.set_defaults(func=cmd_import_entries)
