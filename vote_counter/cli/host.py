"""`vote-counter host --data DIR [--listen ADDRESS] [--port N]`: this laptop hosts the hall's database (issue 16).

Prints one line, `KP_DB=postgresql+psycopg://USER:PASSWORD@HOST:PORT/DBNAME`, for the other stations (stdout;
everything else goes to stderr), then stays in the foreground until Ctrl+C, SIGTERM or (`--stop-file`, how the
window stops it on every OS) that file appears, and stops the server cleanly. The first run makes the
cluster, the role and the database; every run brings the schema up to date as the owner and grants the
application's role what it may do.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from vote_counter.hosting import cluster, server
from vote_counter.hosting.messages import message
from vote_counter.hosting.server import ServerError
from vote_counter.i18n import _
from vote_counter.services.errors import ServiceError
from vote_counter.storage import pg_engine, pg_schema


def add_command(sub: Any) -> None:
    s = sub.add_parser(
        "host", help=_("máy này làm máy chủ cơ sở dữ liệu chung cho các máy kiểm phiếu trong hội trường")
    )
    s.add_argument(
        "--data", required=True, metavar=_("THƯ_MỤC"), help=_("thư mục chứa dữ liệu máy chủ (lần đầu: thư mục trống)")
    )
    s.add_argument(
        "--listen",
        default="127.0.0.1",
        metavar=_("ĐỊA_CHỈ"),
        help=_(
            "địa chỉ IP của máy này trong mạng hội trường, có thể kèm /độ dài mạng (mặc định 127.0.0.1: chỉ máy này)"
        ),
    )
    s.add_argument(
        "--port",
        type=int,
        default=cluster.DEFAULT_PORT,
        help=_("cổng (mặc định {port})").format(port=cluster.DEFAULT_PORT),
    )
    s.add_argument(
        "--stop-file",
        type=Path,
        default=None,
        metavar=_("TỆP"),
        help=_("dừng máy chủ (sạch, như Ctrl+C) khi tệp này xuất hiện; cửa sổ Kiểm Phiếu dừng máy chủ theo cách này"),
    )
    s.add_argument(
        "--stop-when-input-ends",
        action="store_true",
        help=_(
            "dừng máy chủ (sạch) khi đầu vào chuẩn đóng lại: cửa sổ Kiểm Phiếu chạy lệnh này tắt thì máy chủ tắt theo"
        ),
    )
    s.set_defaults(func=cmd_host, needs_workspace=False)


def cmd_host(_ws: object, args: argparse.Namespace) -> int:
    stop = threading.Event()
    if args.stop_when_input_ends:
        server.stop_when_input_ends(stop)
    try:
        return serve(Path(args.data), args.listen, args.port, stop, stop_file=args.stop_file)
    except ServerError as exc:
        sys.stderr.write(_("Lỗi: {message}").format(message=message(exc)) + "\n")
        return 1


def serve(
    folder: Path,
    listen_text: str,
    port: int,
    stop: threading.Event,
    *,
    every: float = 1.0,
    stop_file: Path | None = None,
) -> int:
    listen = server.parse_listen(listen_text)
    if not 1024 <= port <= 65535:
        raise ServerError("bad_port", port=port)
    if not (folder / cluster.CREDENTIALS).exists() and not server.port_free(listen.address, port):
        # Said before a first run makes anything (a cluster of ours left running is stopped by `start` instead).
        raise ServerError("port_in_use", address=listen.address, port=port)
    hall = cluster.prepare(folder)
    cluster.start(hall, listen, port)
    try:
        url = open_database(hall, listen, port)
        clean_leftovers(hall, listen, port)
        sys.stdout.write(f"KP_DB={url}\n")
        sys.stdout.flush()
        sys.stderr.write(
            _(
                "Máy chủ hội trường đang chạy tại {address}:{port} (cho phép mạng {network}). Nhấn Ctrl+C để dừng."
            ).format(address=listen.address, port=port, network=listen.network)
            + "\n"
        )
        sys.stderr.flush()
        if not server.wait_for_stop(stop, lambda: cluster.running(hall), every, lambda: server.stop_asked(stop_file)):
            raise ServerError("stopped_itself")
    finally:
        with server.stop_signals_ignored():
            cluster.stop(hall)
    sys.stderr.write(_("Đã dừng máy chủ hội trường; mọi dữ liệu đã lưu.") + "\n")
    return 0


def clean_leftovers(hall: cluster.Cluster, listen: server.Listen, port: int) -> None:
    """The scratch databases of a dry run or restore killed half-way, dropped before any station connects (said on
    stderr); the kept replaced databases stay. A failure here is said and hosting goes on."""
    from vote_counter.services.pg_restore import HostAccess, drop_leftover_scratch

    creds = hall.credentials
    try:
        dropped = drop_leftover_scratch(HostAccess(creds, listen.address, port, creds.database))
    except ServiceError as exc:
        sys.stderr.write(
            _("Cảnh báo: chưa xoá được cơ sở dữ liệu tạm còn sót lại: {message}").format(message=exc.message) + "\n"
        )
        return
    if dropped:
        sys.stderr.write(
            _(
                "Đã xoá {count} cơ sở dữ liệu tạm còn sót lại từ lần khôi phục (hoặc chạy thử) bị dừng giữa chừng: {names}."
            ).format(count=len(dropped), names=", ".join(dropped))
            + "\n"
        )


def open_database(hall: cluster.Cluster, listen: server.Listen, port: int) -> str:
    """The role and database (first run), the schema brought up to date as the owner; the URL for the stations."""
    creds = hall.credentials
    cluster.bootstrap(hall, listen, port)
    admin = pg_engine.make_pg_engine(creds.url(listen.address, port, admin=True), pool_size=1)
    try:
        pg_schema.ensure(admin, app_role=creds.app_user)
    except SQLAlchemyError as exc:
        raise ServerError("start_failed", detail=str(exc).splitlines()[0]) from exc
    finally:
        admin.dispose()
    if hall.created:
        cluster.remember(hall)
    return creds.url(listen.address, port)
