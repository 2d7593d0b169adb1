"""`vote-counter serials ROUND [--json]`: the round's printed serials and what became of each (SPEC §5).

Read-only: asks no passphrase. Serials are shown in the one form printed under the QR (xxxx-xxxx-xxxx).
The list is in serial order, not print order, and holds no marks and no voter: the register never does.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from vote_counter.domain.model import RoundId, SerialStatus
from vote_counter.domain.serials import format_serial
from vote_counter.i18n import N_, _
from vote_counter.services.workspace import Workspace

STATUS_LABELS = {
    SerialStatus.PRINTED: N_("đã in, chưa thu về"),
    SerialStatus.COUNTED: N_("đã tính"),
    SerialStatus.SPOILED: N_("đã đổi (phiếu hỏng)"),
    SerialStatus.UNUSED: N_("không dùng (trả lại)"),
}


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def serials_payload(ws: Workspace, round_id: RoundId) -> dict[str, Any]:
    """What `serials --json` prints: the round, the counts by status, and every serial with its status."""
    round_ = ws.setup.round(round_id)
    entries = ws.register.entries(round_id)
    by_status = {status.value: 0 for status in SerialStatus}
    for entry in entries:
        by_status[entry.status.value] += 1
    return {
        "round": round_id,
        "title": round_.title,
        "mode": round_.mode.value,
        "printed": len(entries),
        "by_status": by_status,
        "serials": [{"serial": format_serial(e.serial), "status": e.status.value} for e in entries],
    }


def cmd_serials(ws: Workspace, args: argparse.Namespace) -> int:
    payload = serials_payload(ws, RoundId(args.round))
    if args.json:
        _out(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    _out(
        _("Lượt {round}: {title} — đã in {printed} phiếu").format(
            round=payload["round"], title=payload["title"], printed=payload["printed"]
        )
    )
    for status in SerialStatus:
        _out(f"  {_(STATUS_LABELS[status])}: {payload['by_status'][status.value]}")
    for item in payload["serials"]:
        _out(f"{item['serial']}  {_(STATUS_LABELS[SerialStatus(item['status'])])}")
    return 0


def add_command(sub: Any) -> None:
    s = sub.add_parser("serials", help=_("các số phiếu đã in của một lượt và trạng thái của từng số"))
    s.add_argument("round", type=int, help=_("số lượt bỏ phiếu (xem lệnh list)"))
    s.add_argument(
        "--json",
        action="store_true",
        help=_("in JSON: mỗi số phiếu (xxxx-xxxx-xxxx) với printed/counted/spoiled/unused"),
    )
    s.set_defaults(func=cmd_serials, read_only=True)
