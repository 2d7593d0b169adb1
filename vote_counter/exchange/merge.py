"""Merging a second counting station: a signed package of entered ballots, imported without counting twice.

Both stations hold the same set-up (station B's database is a restored backup of station A's), so the
round code, the HMAC key and the printed register are the same; nominees travel by order (STT), not id.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from vote_counter.domain.entry_tags import TAG_PATTERN
from vote_counter.domain.model import BallotMarks, NomineeId, Reason, Round, RoundId, Stage
from vote_counter.exchange.manifest import sha256, sign_files
from vote_counter.exchange.package import write_package
from vote_counter.exchange.standalone_verify import MANIFEST
from vote_counter.exchange.trust import trusted
from vote_counter.exchange.verify import verify_package
from vote_counter.i18n import _
from vote_counter.services.accounts import Auth
from vote_counter.services.ballot_files import PER_BALLOT, read_entry
from vote_counter.services.errors import STAGE_LABELS, ErrorCode, ServiceError
from vote_counter.services.input_files import Reader
from vote_counter.services.signing import fingerprint, load_or_create_key
from vote_counter.services.workspace import Workspace

ENTRIES = "PhieuDaNhap.jsonl"
ROUND_FILE = "LuotBoPhieu.json"
KIND = "entries"


class ImportMode(StrEnum):
    SECOND_PASS = "second_pass"  # station B's entries are the second entry of the same papers
    ADDITIONAL = "additional"  # station B counted other papers of the same round


@dataclass(frozen=True)
class Rejected:
    serial: str
    code: str  # ErrorCode value, e.g. "not_issued"
    message: str


@dataclass(frozen=True)
class ImportReport:
    recorded: int
    overlaps: tuple[str, ...]  # serials already entered here: not recorded again
    rejected: tuple[Rejected, ...]
    fingerprint: str | None  # the key that signed the package (the other station)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def export_entries(
    ws: Workspace,
    round_id: RoundId,
    folder: Path | str,
    *,
    pass_no: int = 1,
    now: dt.datetime | None = None,
    key_dir: Path | None = None,
) -> Path:
    """Write the round's counted ballots of `pass_no` (active, not set aside) as a signed package."""
    round_ = ws.setup.round(round_id)
    nominees = ws.setup.nominees(round_id)
    stt_of = {n.id: i for i, n in enumerate(nominees, start=1)}
    tag_of = {serial: tag for tag, serial in ws.register.entry_tags(round_id).items()}
    lines = []
    for b in ws.counting.ballots(round_id, pass_no):
        if b.set_aside or not b.serial:
            continue
        lines.append(
            {
                # Never the serial beside the marks (SPEC §5): its keyed tag (domain.entry_tags).
                "tag": tag_of[b.serial],
                "marks": {str(stt_of[nid]): sorted(boxes) for nid, boxes in b.marks.rows.items()},
                "write_ins": list(b.marks.write_ins),
                "declared": sorted(r.value for r in b.marks.declared),
            }
        )
    secrets.SystemRandom().shuffle(lines)  # the order of entry says nothing about who voted how
    about = {
        "round_code": round_.code,
        "title": round_.title,
        "kind": round_.kind.value,
        "nominees": [n.full_name for n in nominees],
        "pass": pass_no,
        "ballots": len(lines),
    }
    files = {
        ENTRIES: "".join(json.dumps(x, ensure_ascii=False, sort_keys=True) + "\n" for x in lines).encode("utf-8"),
        ROUND_FILE: json.dumps(about, ensure_ascii=False, indent=2).encode("utf-8"),
    }
    created = (now or dt.datetime.now()).astimezone()
    assert round_.meeting_id is not None
    # The station's own key (beside its database), not the meeting's: two stations that started from one
    # database share the meeting key, and the receiving station must tell them apart (trust on first use).
    key = load_or_create_key(Path(key_dir) if key_dir is not None else ws.path.parent)
    fp = fingerprint(key.public_key())
    signed = sign_files(
        files, key, kind=KIND, created=created, extra={"round": {"code": round_.code, "title": round_.title}}
    )
    name = f"PhieuNhap_luot{round_.code}_{created:%Y%m%d-%H%M}"
    written = write_package(Path(folder), name, signed, lambda f: verify_package(f, expected_fingerprint=fp).problems)
    ws.audit.record(
        "entries_exported",
        {"round": round_id, "folder": written.name, "ballots": len(lines), "manifest_sha256": sha256(signed[MANIFEST])},
    )
    return written


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # missing: the read below says so


def _bad(detail: str) -> ServiceError:
    return ServiceError(ErrorCode.PACKAGE_INVALID, detail=detail)


ENTRY_KEYS = ("tag", "marks", "write_ins", "declared")
MAX_ENTRIES_BYTES = 64 * 1024 * 1024


def _parse_entry(
    r: Reader, raw: Any, where: str, round_: Round, count: int
) -> tuple[str, dict[int, frozenset[int]], tuple[str, ...], frozenset[Reason]]:
    """One line of PhieuDaNhap.jsonl against its schema (the same rules as a ballot file)."""
    t = r.table(raw, where, ENTRY_KEYS, required=("tag", "marks"))
    tag = t["tag"]
    if not isinstance(tag, str) or not TAG_PATTERN.fullmatch(tag):
        raise r.fail(f"{where}, “tag”", _("mã phiếu trong gói phải gồm 32 chữ số hex."))
    line = read_entry(r, {k: v for k, v in t.items() if k != "tag"} | {"code": "0"}, where, round_, count)
    return tag, line.rows, line.write_ins, line.declared


def import_entries(
    ws: Workspace,
    round_id: RoundId,
    folder: Path | str,
    mode: ImportMode | str = ImportMode.SECOND_PASS,
    *,
    expected_fingerprint: str | None = None,
    trust_new_key: bool = False,
    auth: Auth | None = None,
) -> ImportReport:
    """Record the other station's ballots here, each once: serials already entered are reported as
    overlaps, serials this register does not know (or spoiled, other round…) as rejected.

    The package's key must be known here (this station's own, or paired), or given as
    `expected_fingerprint` (then paired), or confirmed by the chair and another member
    (`trust_new_key`, then paired): a package re-signed with any other key is refused (UNKNOWN_KEY)."""
    mode = ImportMode(mode)
    folder = Path(folder)
    checked = verify_package(folder, expected_fingerprint=expected_fingerprint)
    if not checked.ok:
        raise _bad("; ".join(checked.problems[:5]))
    if checked.manifest is None or checked.manifest.get("kind") != KIND:
        raise _bad(_("đây không phải gói phiếu đã nhập của máy kiểm phiếu khác."))
    round_ = ws.setup.round(round_id)
    assert round_.meeting_id is not None
    pairing = trusted(ws, checked.fingerprint, expected=expected_fingerprint, trust_new_key=trust_new_key)
    nominees = ws.setup.nominees(round_id)
    listed = {f.get("path"): f.get("sha256") for f in checked.manifest["files"] if isinstance(f, dict)}
    if any(_size(folder / name) > MAX_ENTRIES_BYTES for name in (ROUND_FILE, ENTRIES)):
        raise _bad(_("gói quá lớn cho một lượt bỏ phiếu."))
    try:
        # Read once and check these very bytes: the stick may change between the check and the read.
        blobs = {name: (folder / name).read_bytes() for name in (ROUND_FILE, ENTRIES, MANIFEST)}
        if any(listed.get(name) != sha256(blobs[name]) for name in (ROUND_FILE, ENTRIES)):
            raise _bad(_("tệp trong gói vừa thay đổi trong lúc đọc."))
        about = json.loads(blobs[ROUND_FILE].decode("utf-8"))
        text = blobs[ENTRIES].decode("utf-8")
    except (OSError, ValueError, RecursionError) as exc:
        raise _bad(_("không đọc được nội dung gói ({error}).").format(error=exc)) from exc
    if not isinstance(about, dict) or about.get("round_code") != round_.code:
        code = about.get("round_code") if isinstance(about, dict) else None
        raise ServiceError(
            ErrorCode.PACKAGE_MISMATCH,
            detail=_("gói của lượt mã {code}, lượt này mã {expected_code}.").format(
                code=code, expected_code=round_.code
            ),
        )
    theirs = about.get("nominees")
    if not isinstance(theirs, list) or [_nfc(str(x)) for x in theirs] != [_nfc(n.full_name) for n in nominees]:
        raise ServiceError(
            ErrorCode.PACKAGE_MISMATCH, detail=_("danh sách người trong gói khác danh sách của lượt này.")
        )
    if round_.stage is not Stage.COUNTING:
        raise ServiceError(
            ErrorCode.WRONG_STAGE, action=_("nhập phiếu từ máy khác"), stage=STAGE_LABELS[round_.stage.value]
        )
    target = 2 if mode is ImportMode.SECOND_PASS else 1
    if target == 2 and not round_.double_entry:
        raise ServiceError(
            ErrorCode.INVALID_INPUT, detail=_("lượt này không nhập hai lần, không nhận lần nhập thứ hai.")
        )
    r = Reader(ENTRIES)
    entries = []  # all parsed before anything is saved
    try:
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                entries.append(
                    _parse_entry(
                        r,
                        r.json(line, _("dòng {number}").format(number=number)),
                        _("dòng {number}").format(number=number),
                        round_,
                        len(nominees),
                    )
                )
    except ServiceError as exc:
        raise _bad(f"{ENTRIES}, {exc.details.get('where', '')}: {exc.details.get('detail', exc.message)}") from exc
    by_stt = {i: NomineeId(n.id) for i, n in enumerate(nominees, start=1) if n.id is not None}
    serial_of = ws.register.entry_tags(round_id)
    already = {b.serial for b in ws.counting.ballots(round_id, target) if b.serial and not b.set_aside}
    if pairing is not None:
        ws.pairing.pair(round_.meeting_id, pairing[0], pairing[1], auth=auth)
    recorded, overlaps, rejected = 0, [], []
    for tag, rows, write_ins, declared in entries:
        serial = serial_of.get(tag)
        if serial is None:  # a paper this register never printed (or another round's)
            error = ServiceError(ErrorCode.NOT_ISSUED)
            rejected.append(Rejected(_("mã {code}…").format(code=tag[:12]), error.code.value, error.message))
            continue
        if serial in already:
            overlaps.append(serial)
            continue
        marks = BallotMarks({by_stt[k]: v for k, v in rows.items()}, write_ins, declared)
        try:
            ws.counting.record(round_id, serial, marks, pass_no=target, auth=auth)
        except ServiceError as exc:
            if exc.code not in PER_BALLOT:
                raise  # disk full, database gone, credentials refused: once, not once per ballot
            if exc.code is ErrorCode.DUPLICATE:
                overlaps.append(serial)
            else:
                rejected.append(Rejected(serial, exc.code.value, exc.message))
            continue
        already.add(serial)
        recorded += 1
    ws.audit.record(
        "entries_imported",
        {
            "round": round_id,
            "mode": mode.value,
            "folder": folder.name,
            "manifest_sha256": sha256(blobs[MANIFEST]),
            "key_fingerprint": checked.fingerprint,
            "recorded": recorded,
            "overlaps": len(overlaps),
            "rejected": len(rejected),
        },
    )
    return ImportReport(recorded, tuple(overlaps), tuple(rejected), checked.fingerprint)
