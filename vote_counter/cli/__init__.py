"""The headless commands: the same services as the GUI. `vote-counter --help` lists them."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from vote_counter import __version__, i18n
from vote_counter.cli import argparse_vi
from vote_counter.cli.copy import add_command as add_copy_command
from vote_counter.cli.entering import RunStopped
from vote_counter.cli.entering import add_commands as add_entering_commands
from vote_counter.cli.host import add_command as add_host_command
from vote_counter.cli.scan import add_commands as add_scan_commands
from vote_counter.cli.serials import add_command as add_serials_command
from vote_counter.cli.test_mode import add_commands as add_test_mode_commands
from vote_counter.documents.labels import INVALID_REASON, KIND, MISSING_DETAILS, PROBLEM
from vote_counter.documents.minutes_data import outcome_lines, results_table
from vote_counter.documents.page_format import PageFormat
from vote_counter.domain.canonical import check_code, result_to_dict
from vote_counter.domain.model import (
    BoardMember,
    Counts,
    MeetingId,
    RoundId,
    Stage,
    nfc,
)
from vote_counter.domain.rules import Result
from vote_counter.domain.serials import format_serial
from vote_counter.exchange.commands import add_commands
from vote_counter.i18n import ENV_LANG, LANGUAGES, N_, _
from vote_counter.platform_os import NoTerminal, stdin_is_terminal
from vote_counter.services.accounts import Approval, Credential
from vote_counter.services.definition import parse_definition, read_definition
from vote_counter.services.errors import STAGE_LABELS, ErrorCode, ServiceError, tamper_place
from vote_counter.services.workspace import Workspace, default_database
from vote_counter.storage.file_identity import file_identity
from vote_counter.storage.pg_engine import is_url


class InputError(Exception):
    """A malformed input file: reported with its line, nothing is saved."""


class UsageError(Exception):
    """A command given wrongly (an unknown board member, passphrases that differ): nothing is done."""


# Passphrases: from these variables when set (scripts), else asked without echo. Never printed, never logged.
ENV_PASSPHRASE = "KP_PASSPHRASE"  # of the member named by --as
ENV_PASSPHRASE2 = "KP_PASSPHRASE2"  # of the member named by --with
ENV_NEW_PASSPHRASE = "KP_NEW_PASSPHRASE"  # the new one, for `passphrase`
ENV_DB = "KP_DB"  # the database: a SQLite file or the hall's postgresql+psycopg:// URL (issue 16)
ENV_STATION = "KP_STATION"  # this counting station's name, in every audit entry it writes
COUNT_HELP = {
    "summoned": N_("số người được triệu tập (S)"),
    "present": N_("số người có mặt (P)"),
    "issued": N_("số phiếu phát ra (I)"),
    "collected": N_("số phiếu thu về, đếm tay (C)"),
}


def _secret(prompt: str, env: str) -> str:
    """The passphrase from `env`, else asked without echo on the terminal; with no terminal (a script, a
    scheduled task, stdin closed) a clear message naming the variable instead of a traceback."""
    value = os.environ.get(env)
    if value is not None:
        return value
    who = prompt.strip().rstrip(":")
    what = who[:1].lower() + who[1:]  # "Mật khẩu của X" inside a sentence
    if not stdin_is_terminal():
        raise UsageError(
            _("không có cửa sổ dòng lệnh để hỏi {what}: hãy đặt biến môi trường {env}").format(what=what, env=env)
        )
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt) as exc:
        raise UsageError(_("chưa nhập {what}").format(what=what)) from exc


def _members_named(ws: Workspace, name: str) -> list[BoardMember]:
    wanted = nfc(name).casefold()
    out = []
    for m in ws.setup.meetings():
        assert m.id is not None
        out += [b for b in ws.setup.board(m.id) if nfc(b.full_name).casefold() == wanted]
    return out


def sign_in(ws: Workspace, as_name: str | None, with_name: str | None, *, ask: bool = True) -> None:
    """`--as NAME [--with NAME]`: act as that board member (and a second one) in every meeting where they sit.

    The passphrases are only collected here; each service call verifies them again."""
    if with_name and not as_name:
        raise UsageError(_("--with cần đi cùng --as (Trưởng ban hoặc thành viên thứ nhất)"))
    if not as_name:
        return
    first = _members_named(ws, as_name)
    if not first:
        raise UsageError(_("không có thành viên Ban kiểm phiếu nào tên “{as_name}” (--as)").format(as_name=as_name))
    second = _members_named(ws, with_name) if with_name else []
    if with_name and not second:
        raise UsageError(
            _("không có thành viên Ban kiểm phiếu nào tên “{with_name}” (--with)").format(with_name=with_name)
        )
    if not ask:
        return
    pass1 = _secret(_("Mật khẩu của {full_name}: ").format(full_name=first[0].full_name), ENV_PASSPHRASE)
    pass2 = (
        _secret(_("Mật khẩu của {full_name}: ").format(full_name=second[0].full_name), ENV_PASSPHRASE2)
        if second
        else ""
    )
    # Checked once here, so a wrong passphrase is one message before anything runs (and counts once
    # towards the lockout). Only when the name is one account: the same person may sit on the boards of
    # several meetings with different passphrases, and each service call checks its own meeting's.
    for members, passphrase in ((first, pass1), (second, pass2)):
        holders = [m for m in members if m.has_passphrase and m.id is not None]
        if len(holders) == 1 and holders[0].id is not None:
            try:
                ws.accounts.verify(holders[0].id, passphrase)
            except ServiceError as exc:
                # A busy or failing disk is the command's to report (a run-level stop for enter-ballots);
                # the services check the passphrase again on every call.
                if exc.code is not ErrorCode.STORAGE:
                    raise
    for member in first:
        assert member.id is not None and member.meeting_id is not None
        cred = Credential(member.id, pass1)
        other = next((b for b in second if b.meeting_id == member.meeting_id), None)
        if other is not None and other.id is not None:
            ws.access.remember(member.meeting_id, Approval(cred, Credential(other.id, pass2)))
        else:
            ws.access.remember(member.meeting_id, cred)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


# ---------------------------------------------------------------- commands


def cmd_create_meeting(ws: Workspace, args: argparse.Namespace) -> int:
    plan = parse_definition(read_definition(Path(args.file)), Path(args.file).name)
    meeting = ws.definitions.create(plan)
    assert meeting.id is not None
    _out(_("Đã tạo hội nghị số {id}: {title}").format(id=meeting.id, title=meeting.title))
    for r in ws.setup.rounds(MeetingId(meeting.id)):
        _out(
            _("  lượt {id}: {title} ({kind}, {count} người)").format(
                id=r.id, title=r.title, kind=_(KIND[r.kind]), count=len(ws.setup.nominees(RoundId(r.id or 0)))
            )
        )
        for warning in ws.setup.name_warnings(RoundId(r.id or 0)):
            _err(_("  Cảnh báo (lượt {id}): {warning}").format(id=r.id, warning=warning))
    return 0


def cmd_passphrase(ws: Workspace, args: argparse.Namespace) -> int:
    """Set or change a board member's passphrase (asked twice, never echoed)."""
    meeting_id = MeetingId(args.meeting)
    ws.setup.meeting(meeting_id)
    wanted = nfc(args.name).casefold()
    member = next((b for b in ws.setup.board(meeting_id) if nfc(b.full_name).casefold() == wanted), None)
    if member is None or member.id is None:
        raise UsageError(
            _("hội nghị {meeting} không có thành viên Ban kiểm phiếu tên “{name}”").format(
                meeting=args.meeting, name=args.name
            )
        )
    current: str | None = None
    auth = None
    if member.has_passphrase:
        if args.reset:
            auth = ws.access.signed_in.get(meeting_id)
            if auth is None:
                raise UsageError(_("đặt lại mật khẩu cần --as (Trưởng ban) và --with (một thành viên khác)"))
        else:
            signed = ws.access.signed_in.get(meeting_id)
            first = signed.first if isinstance(signed, Approval) else signed
            if first is not None and first.member_id == member.id:
                current = first.passphrase
            else:
                current = _secret(
                    _("Mật khẩu hiện tại của {full_name}: ").format(full_name=member.full_name), ENV_PASSPHRASE
                )
    new = os.environ.get(ENV_NEW_PASSPHRASE)
    if new is None:
        new = _secret(_("Mật khẩu mới của {full_name}: ").format(full_name=member.full_name), ENV_NEW_PASSPHRASE)
        if _secret(_("Nhập lại mật khẩu mới: "), ENV_NEW_PASSPHRASE) != new:
            raise UsageError(_("hai lần nhập mật khẩu mới không giống nhau"))
    ws.accounts.set_passphrase(member.id, new, current, auth=auth)
    _out(_("Đã đặt mật khẩu cho {full_name}.").format(full_name=member.full_name))
    return 0


def cmd_list(ws: Workspace, _args: argparse.Namespace) -> int:
    meetings = ws.setup.meetings()
    if not meetings:  # an empty file or a new hall database: say so rather than print nothing
        _out(
            _(
                "Chưa có hội nghị nào trong cơ sở dữ liệu này (tạo bằng “create-meeting” hoặc “demo”, hoặc trong cửa sổ)."
            )
        )
    for m in meetings:
        assert m.id is not None
        _out(_("Hội nghị {id}: {title} — {organisation}").format(id=m.id, title=m.title, organisation=m.organisation))
        for r in ws.setup.rounds(MeetingId(m.id)):
            mode = _(" [THỬ NGHIỆM]") if r.mode.value == "test" else ""
            _out(
                _("  lượt {id}: {title} ({kind}) — {stage}{mode}").format(
                    id=r.id, title=r.title, kind=_(KIND[r.kind]), stage=STAGE_LABELS[r.stage.value], mode=mode
                )
            )
    return 0


def cmd_counts(ws: Workspace, args: argparse.Namespace) -> int:
    r = ws.setup.round(RoundId(args.round))
    c = r.counts
    new = Counts(
        summoned=c.summoned if args.summoned is None else args.summoned,
        present=c.present if args.present is None else args.present,
        issued=c.issued if args.issued is None else args.issued,
        collected=c.collected if args.collected is None else args.collected,
    )
    r = ws.setup.set_counts(RoundId(args.round), new)
    _out(
        _("Đã ghi: triệu tập {summoned}, có mặt {present}, phát ra {issued}, thu về {collected}").format(
            summoned=new.summoned, present=new.present, issued=new.issued, collected=new.collected
        )
    )
    return 0


def cmd_stage(ws: Workspace, args: argparse.Namespace) -> int:
    stage = ws.stages.change(RoundId(args.round), Stage(args.stage), reason=args.reason or "")
    _out(_("Lượt {round} đang ở giai đoạn: {stage}").format(round=args.round, stage=STAGE_LABELS[stage.value]))
    return 0


def cmd_print_ballots(ws: Workspace, args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.sample:
        ws.reports.print_sample(RoundId(args.round), out, page_format=PageFormat(args.format))
        _out(_("Đã ghi phiếu mẫu: {out}").format(out=out))
        return 0
    ballots = ws.reports.print_ballots(RoundId(args.round), args.count, out, page_format=PageFormat(args.format))
    _out(_("Đã in {count} phiếu vào {out}").format(count=len(ballots), out=out))
    _print_register(ws, RoundId(args.round))
    return 0


def _print_register(ws: Workspace, round_id: RoundId) -> None:
    summary = ws.register.summary(round_id)
    _out(
        _(
            "Sổ phiếu: đã in {printed} = đã tính {counted} + đổi {spoiled} + không dùng {unused} + chưa thu về {outstanding}"
        ).format(
            printed=summary.printed,
            counted=summary.counted,
            spoiled=summary.spoiled,
            unused=summary.unused,
            outstanding=summary.outstanding,
        )
    )


def cmd_register(ws: Workspace, args: argparse.Namespace) -> int:
    _print_register(ws, RoundId(args.round))
    return 0


def cmd_exchange(ws: Workspace, args: argparse.Namespace) -> int:
    fresh = ws.reports.exchange_ballot(RoundId(args.round), args.serial, Path(args.out))
    _out(
        _("Đã đổi phiếu {serial}: phiếu mới số {new_serial} in vào {out}").format(
            serial=format_serial(args.serial), new_serial=format_serial(fresh.serial), out=args.out
        )
    )
    _print_register(ws, RoundId(args.round))
    return 0 if fresh.serial else 1


def cmd_unused(ws: Workspace, args: argparse.Namespace) -> int:
    n = ws.register.mark_unused(RoundId(args.round), args.serials)
    _out(_("Đã ghi {count} phiếu không dùng.").format(count=n))
    _print_register(ws, RoundId(args.round))
    return 0


def format_result(result: Result) -> list[str]:
    r = result.round
    lines = [
        f"{r.title} — {_(KIND[r.kind])}" + (f" — {r.position}" if r.position else ""),
        _(
            "Triệu tập {summoned}, có mặt {present} (vắng {absent}), phát ra {issued}, "
            "thu về {collected}, hợp lệ {valid}, không hợp lệ {invalid}"
        ).format(
            summoned=result.summoned,
            present=result.present,
            absent=result.absent,
            issued=result.issued,
            collected=result.collected,
            valid=result.valid,
            invalid=result.invalid,
        ),
    ]
    for reason, n in sorted(result.invalid_reasons.items()):
        lines.append(f"  - {_(INVALID_REASON[reason])}: {n}")
    if not result.quorum:
        lines.append(_("CẢNH BÁO: chưa đủ 2/3 số người được triệu tập có mặt."))
    spec = results_table(result, _)
    lines.append(spec.base_heading)
    table = [*spec.header, *(row for i, row in enumerate(spec.rows) if i != spec.write_in_row)]
    widths = [max(len(row[i]) for row in table) for i in range(spec.columns)]
    for i, row in enumerate([*spec.header, *spec.rows]):
        if i - len(spec.header) == spec.write_in_row:
            lines.append(row[0])
            continue
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    lines += outcome_lines(result, _)
    for p in result.problems:
        lines.append(
            _("Chưa khớp: {problem}").format(problem=_(PROBLEM[p.code]))
            + (
                _(" (cần {expected}, có {actual})").format(expected=p.expected, actual=p.actual)
                if p.expected is not None
                else ""
            )
        )
    lines.append(_("Mã kiểm tra kết quả: {check_code}").format(check_code=check_code(result)))
    return lines


def cmd_results(ws: Workspace, args: argparse.Namespace) -> int:
    round_ = ws.setup.round(RoundId(args.round))
    ws.audit.require_intact(round_.meeting_id or 0)  # never show figures from a doctored file
    result = ws.counting.result(RoundId(args.round))
    if args.json:
        # The stage sits beside the canonical results, not in them: closing or sealing must not change the
        # check code printed on the minutes. docs/results.schema.json describes this output.
        stage = ws.setup.round(RoundId(args.round)).stage
        payload = dict(result_to_dict(result), stage=stage.value, check_code=check_code(result))
        _out(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for line in format_result(result):
            _out(line)
    return 0


def cmd_minutes(ws: Workspace, args: argparse.Namespace) -> int:
    missing = ws.reports.missing_details(RoundId(args.round))
    if missing:  # printed all the same (dots to fill in by hand), but the board is told what is missing
        _err(_("Cảnh báo: ") + _(MISSING_DETAILS).format(items=", ".join(missing)))
    paths = ws.reports.write_minutes(RoundId(args.round), Path(args.out), reason=args.reason or "")
    if args.annex:
        paths.append(ws.reports.write_annex(RoundId(args.round), Path(args.out)))
    for p in paths:
        _out(_("Đã ghi: {path}").format(path=p))
    return 0


def cmd_results_files(ws: Workspace, args: argparse.Namespace) -> int:
    out = Path(args.out)
    paths = [
        *ws.reports.write_results(MeetingId(args.meeting), out),
        ws.reports.write_summary(MeetingId(args.meeting), out),
    ]
    for p in paths:
        _out(_("Đã ghi: {path}").format(path=p))
    return 0


def cmd_verify_audit(ws: Workspace, _args: argparse.Namespace) -> int:
    """Exit 0: the chain and every sealed row are as the app wrote them; 2: something was changed behind its
    back; 3: intact as far as it could look, but a meeting's key was shut (sign in with --as to check it)."""
    for meeting_id in list(ws.access.signed_in):
        ws.access.open_keys(meeting_id)
    report = ws.audit.verify()
    if not report.ok:
        where = tamper_place(report.first_bad_seq, report.bad_ballots, report.bad_rows, report.foreign)
        _err(_("CẢNH BÁO: ") + ServiceError(ErrorCode.AUDIT_BROKEN, where=where).message)
        return 2
    _out(_("Nhật ký toàn vẹn: {entries} mục, đầu chuỗi {head}").format(entries=report.entries, head=report.head))
    if report.locked:
        shut = ", ".join(_("số {meeting}").format(meeting=m) for m in report.locked)
        _err(
            _(
                'Chưa kiểm được dữ liệu niêm phong của hội nghị {shut}: khóa niêm phong chỉ mở khi một thành viên Ban kiểm phiếu đăng nhập. Chạy lại với --as "Họ tên".'
            ).format(shut=shut)
        )
        return 3
    return 0


def cmd_demo(ws: Workspace, args: argparse.Namespace) -> int:
    from vote_counter.services.demo import build_demo

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    demo = build_demo(ws, seed=args.seed, out=out)
    assert demo.meeting.id is not None
    from vote_counter.services.demo import DEMO_BOARD

    _out(_("Mật khẩu mẫu của Ban kiểm phiếu: ") + "; ".join(f"{name}: {pw}" for name, _role, pw in DEMO_BOARD))
    rounds = (demo.confidence, demo.approval, demo.nomination)
    for r in rounds:
        assert r.id is not None
        rid = RoundId(r.id)
        for line in format_result(ws.counting.result(rid)):
            _out(line)
        _out()
        ws.reports.print_sample(rid, out / f"PhieuMau_luot{rid}.pdf")
        ws.reports.write_minutes(rid, out)
        ws.reports.write_annex(rid, out)
    for p in [
        *ws.reports.write_results(MeetingId(demo.meeting.id), out),
        ws.reports.write_summary(MeetingId(demo.meeting.id), out),
    ]:
        _out(_("Đã ghi: {path}").format(path=p))
    from vote_counter.exchange.export import export_package

    package = export_package(ws, MeetingId(demo.meeting.id), out)
    _out(
        _("Gói kết quả USB: {folder} (dấu vân tay khóa {fingerprint})").format(
            folder=package.folder, fingerprint=package.fingerprint
        )
    )
    _out(_("Các tệp của hội nghị mẫu nằm trong {out}").format(out=out))
    return 0


# ---------------------------------------------------------------- parser


def choose_language(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """`--lang vi|en` among the words (before the command), else KP_LANG, else Vietnamese; applied at once, so that
    the parser's help and every message after it speak that language. A wrong --lang value is left for the full
    parser to refuse (it lists the choices)."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang")
    known, _rest = pre.parse_known_args(list(argv))
    wanted = known.lang if known.lang in LANGUAGES else i18n.language_from_env(environ)
    return i18n.use_language(wanted)


def explicit_language(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> bool:
    """Whether this run names its language (--lang or KP_LANG), which then wins over the window's saved setting."""
    named = any(word == "--lang" or word.startswith("--lang=") for word in argv)
    return named or bool((os.environ if environ is None else environ).get(ENV_LANG, "").strip())


def build_parser() -> argparse.ArgumentParser:
    argparse_vi.install()  # argparse's own words (usage, errors) in Vietnamese when the language is Vietnamese
    p = argparse.ArgumentParser(prog="vote-counter", description=_("Kiểm Phiếu — phần mềm kiểm phiếu ngoại tuyến."))
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=i18n.current_language(),
        help=_("ngôn ngữ của thông báo: vi (tiếng Việt, mặc định) hoặc en; cũng đặt được bằng biến {env}").format(
            env=ENV_LANG
        ),
    )
    p.add_argument(
        "--db",
        default=os.environ.get(ENV_DB) or None,
        help=_(
            "tệp cơ sở dữ liệu SQLite hoặc địa chỉ máy chủ hội trường postgresql+psycopg://… "
            "(mặc định: biến {env}, nếu không có: {default_database})"
        ).format(env=ENV_DB, default_database=default_database()),
    )
    p.add_argument(
        "--station",
        default=os.environ.get(ENV_STATION) or None,
        metavar=_("TÊN"),
        help=_(
            "tên máy kiểm phiếu (tổ kiểm phiếu), ghi vào mọi dòng nhật ký của máy này (mặc định: biến {env})"
        ).format(env=ENV_STATION),
    )
    p.add_argument(
        "--as",
        dest="as_name",
        metavar=_("TÊN"),
        help=_(
            "thành viên Ban kiểm phiếu thực hiện lệnh (mật khẩu: biến {env_passphrase} hoặc nhập khi được hỏi)"
        ).format(env_passphrase=ENV_PASSPHRASE),
    )
    p.add_argument(
        "--with",
        dest="with_name",
        metavar=_("TÊN"),
        help=_("thành viên thứ hai cho thao tác cần Trưởng ban và một thành viên (mật khẩu: {env_passphrase2})").format(
            env_passphrase2=ENV_PASSPHRASE2
        ),
    )
    p.add_argument(
        "--self-test",
        action="store_true",
        help=_("tự kiểm tra bản cài đặt trên một cơ sở dữ liệu tạm (không mở cửa sổ) rồi thoát: 0 là đạt"),
    )
    p.add_argument(
        "--new",
        action="store_true",
        help=_("cho phép tạo cơ sở dữ liệu mới, trống, khi tệp --db chưa có (không bao giờ tự tạo thay tệp bị mất)"),
    )
    p.add_argument(
        "--version", action="version", version=f"Kiểm Phiếu {__version__}", help=_("in số phiên bản rồi thoát")
    )
    sub = p.add_subparsers(dest="command")

    s = sub.add_parser("gui", help=_("mở cửa sổ làm việc (mặc định)"))
    s = sub.add_parser("create-meeting", help=_("tạo hội nghị từ tệp định nghĩa TOML hoặc JSON"))
    s.add_argument("file", help=_("tệp định nghĩa hội nghị (.toml hoặc .json; mẫu: docs/meeting.example.toml)"))
    s.set_defaults(func=cmd_create_meeting)
    s = sub.add_parser("passphrase", help=_("đặt hoặc đổi mật khẩu của một thành viên Ban kiểm phiếu"))
    s.add_argument("meeting", type=int, help=_("số hội nghị (xem lệnh list)"))
    s.add_argument("name", help=_("họ và tên thành viên, như trong Ban kiểm phiếu"))
    s.add_argument("--reset", action="store_true", help=_("đặt lại mật khẩu đã quên (cần --as Trưởng ban --with …)"))
    s.set_defaults(func=cmd_passphrase)
    s = sub.add_parser("list", help=_("liệt kê hội nghị và lượt bỏ phiếu"))
    s.set_defaults(func=cmd_list, read_only=True)
    s = sub.add_parser("counts", help=_("ghi số triệu tập, có mặt, phát ra, thu về"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    for name, label in COUNT_HELP.items():
        s.add_argument(f"--{name}", type=int, metavar=_("SỐ"), help=_(label))
    s.set_defaults(func=cmd_counts)
    s = sub.add_parser("stage", help=_("chuyển giai đoạn của lượt bỏ phiếu"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument(
        "stage",
        choices=[st.value for st in Stage],
        help="; ".join(f"{st.value}: {STAGE_LABELS[st.value]}" for st in Stage),
    )
    s.add_argument("--reason", help=_("lý do (bắt buộc khi quay lại giai đoạn trước)"))
    s.set_defaults(func=cmd_stage)
    s = sub.add_parser("print-ballots", help=_("in phiếu có mã QR ra tệp PDF"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument("--count", type=int, default=0, help=_("số phiếu cần in (mỗi phiếu một số phiếu mới)"))
    s.add_argument("--out", required=True, help=_("tệp PDF sẽ ghi"))
    s.add_argument(
        "--format",
        choices=[f.value for f in PageFormat],
        default=PageFormat.A4_PORTRAIT.value,
        help=_("khổ giấy (mặc định: a4_portrait)"),
    )
    s.add_argument("--sample", action="store_true", help=_("phiếu MẪU, không đăng ký số phiếu"))
    s.set_defaults(func=cmd_print_ballots)
    s = sub.add_parser("register", help=_("sổ phiếu: đã in = đã tính + đổi + không dùng + chưa thu về"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.set_defaults(func=cmd_register, read_only=True)
    s = sub.add_parser("exchange", help=_("đổi phiếu hỏng: ghi số cũ là hỏng và in một phiếu mới"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument("serial", help=_("số phiếu của phiếu bị hỏng (xxxx-xxxx-xxxx)"))
    s.add_argument("--out", required=True, help=_("tệp PDF của phiếu mới"))
    s.set_defaults(func=cmd_exchange)
    s = sub.add_parser("unused", help=_("ghi các phiếu đã in nhưng không phát ra (trả lại)"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument("serials", nargs="+", help=_("các số phiếu được trả lại (xxxx-xxxx-xxxx)"))
    s.set_defaults(func=cmd_unused)
    add_entering_commands(sub)
    s = sub.add_parser("results", help=_("kết quả của một lượt"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument("--json", action="store_true", help=_("in JSON (mô tả trong docs/results.schema.json)"))
    s.set_defaults(func=cmd_results, read_only=True, opens_keys=True)
    s = sub.add_parser("minutes", help=_("ghi biên bản kiểm phiếu (PDF 3 bản, DOCX)"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument("--out", required=True, help=_("thư mục ghi biên bản"))
    s.add_argument("--reason", help=_("lý do in lại"))
    s.add_argument("--annex", action="store_true", help=_("kèm nhật ký nhập phiếu (không có số phiếu)"))
    s.set_defaults(func=cmd_minutes)
    s = sub.add_parser("results-files", help=_("kết quả của cả hội nghị: XLSX, JSON và bản tổng hợp PDF"))
    s.add_argument("meeting", type=int, help=_("số hội nghị (xem lệnh list)"))
    s.add_argument("--out", required=True, help=_("thư mục ghi các tệp kết quả"))
    s.set_defaults(func=cmd_results_files)
    s = sub.add_parser("verify-audit", help=_("kiểm tra chuỗi nhật ký"))
    s.set_defaults(func=cmd_verify_audit, read_only=True, opens_keys=True)
    s = sub.add_parser("demo", help=_("tạo hội nghị mẫu và ghi kết quả vào thư mục"))
    s.add_argument("--out", required=True, help=_("thư mục ghi các tệp của hội nghị mẫu"))
    s.add_argument("--seed", type=int, default=2026, help=_("hạt giống tạo phiếu mẫu (cùng số, cùng phiếu)"))
    s.set_defaults(func=cmd_demo)
    add_commands(sub)
    add_test_mode_commands(sub)
    add_serials_command(sub)
    add_scan_commands(sub)
    add_host_command(sub)
    add_copy_command(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run one headless command (the GUI is opened by vote_counter.app.main)."""
    choose_language(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.command in (None, "gui"):
        build_parser().print_help()
        return 2
    return run_command(args)


# Commands whose purpose is a new database (restore: the copy put in place of a missing file, on purpose);
# every other command refuses a missing file unless --new is given.
CREATES_DATABASE = frozenset({"create-meeting", "demo", "restore"})
# How long a write waits for another program's lock before the command stops with one message.
BUSY_TIMEOUT = 5.0


def run_command(args: argparse.Namespace) -> int:
    ws: Workspace | None = None
    try:
        # `verify FOLDER` runs on any machine: it must not create a database there; it uses one that exists
        # (the stations paired with it, the two members who confirm a new key).
        needs = getattr(args, "needs_workspace", True)
        shared = is_url(args.db)
        target = Path(args.db) if args.db and not shared else default_database()
        if needs == "if_exists" and (shared or file_identity(target) is not None):
            needs = True
        if needs is True:
            # A new, empty database only on purpose (SPEC §8, issue 12): never in place of a missing one.
            create = bool(getattr(args, "new", False)) or args.command in CREATES_DATABASE
            where = args.db if shared else (Path(args.db) if args.db else None)
            station = getattr(args, "station", None)
            ws = Workspace.open(where, create=create, busy_timeout=BUSY_TIMEOUT, station=station)
            if not getattr(args, "own_sign_in", False):  # restore checks the names against the backup itself
                # Reading asks nobody's passphrase (the names given are still checked).
                # (`verify --trust-new-key` is a reading command that does need the two people's passphrases.)
                # `results` and `verify-audit` read, but check the sealed rows: that needs the meeting key,
                # which only a passphrase opens (storage/keys.py), so they ask when --as is given.
                ask = (
                    not getattr(args, "read_only", False)
                    or bool(getattr(args, "trust_new_key", False))
                    or bool(getattr(args, "opens_keys", False))
                )
                sign_in(ws, getattr(args, "as_name", None), getattr(args, "with_name", None), ask=ask)
        return int(args.func(ws, args))
    except RunStopped as exc:
        _err(exc.message)
        return 3
    except ServiceError as exc:
        if exc.code is ErrorCode.FOREIGN_SCHEMA:  # changed behind the app's back, as verify-audit's exit 2
            _err(_("CẢNH BÁO: ") + exc.message)
            return 2
        _err(_("Lỗi: {message}").format(message=exc.message))
        return 1
    except InputError as exc:
        _err(_("Lỗi tệp nhập: {error}. Chưa có gì được lưu.").format(error=exc))
        return 1
    except NoTerminal as exc:  # a passphrase asked outside this module (restore) with no console to ask on
        who = exc.prompt[:1].lower() + exc.prompt[1:]
        _err(
            _(
                "Lỗi: không có cửa sổ dòng lệnh để hỏi {who}: hãy đặt biến môi trường {env}. Chưa có gì được thực hiện."
            ).format(who=who, env=exc.env)
        )
        return 2
    except UsageError as exc:
        _err(_("Lỗi: {error}. Chưa có gì được thực hiện.").format(error=exc))
        return 2
    finally:
        if ws is not None:
            ws.close()
