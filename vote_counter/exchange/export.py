"""The USB export of a meeting's results (SPEC §8): minutes, results, audit log, signed manifest, verifier."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import vote_counter
from vote_counter.documents.labels import secrecy_mark
from vote_counter.documents.minutes_data import MinutesData
from vote_counter.documents.minutes_docx import write_minutes_docx
from vote_counter.documents.minutes_pdf import render_minutes
from vote_counter.documents.results_xlsx import write_results_xlsx
from vote_counter.domain.canonical import result_to_dict
from vote_counter.domain.model import MeetingId, RoundId, Stage
from vote_counter.exchange import encrypted as enc
from vote_counter.exchange.manifest import VERIFIER, sha256, sign_files, verifier_source
from vote_counter.exchange.package import discard, write_package
from vote_counter.exchange.safe_names import safe_name
from vote_counter.exchange.standalone_verify import GENESIS, MANIFEST
from vote_counter.exchange.texts import README, readme
from vote_counter.exchange.verify import verify_package
from vote_counter.services.accounts import Auth
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.signing import fingerprint, load_or_create_key
from vote_counter.services.workspace import Workspace

EXPORTABLE = (Stage.CLOSED, Stage.SEALED)
RESULTS_XLSX, RESULTS_JSON, AUDIT_LOG = "KetQua.xlsx", "KetQua.json", "NhatKy.jsonl"


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    check_codes: dict[RoundId, str]
    passphrase: str | None  # shown once (encrypted export): the GUI prints it, it is stored nowhere
    manifest_sha256: str
    fingerprint: str


def _render(write: Callable[[BinaryIO], object]) -> bytes:
    buffer = io.BytesIO()
    write(buffer)
    return buffer.getvalue()


def _minutes_files(data: MinutesData) -> dict[str, bytes]:
    assert data.round.id is not None
    stem = f"BienBan_luot{data.round.id}_{safe_name(data.round.title, fallback='LuotBoPhieu', limit=40)}"
    pages: list[int] = []
    pdf = _render(lambda fh: pages.append(render_minutes(data, fh, copies=3)))
    docx = _render(lambda fh: write_minutes_docx(data, fh, pages=pages[0]))
    return {f"{stem}.pdf": pdf, f"{stem}.docx": docx}


def _audit_lines(ws: Workspace) -> tuple[bytes, str, int]:
    entries = ws.audit.entries()
    lines = [
        json.dumps(
            {"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action, "details": e.details, "hash": e.hash},
            ensure_ascii=False,
            sort_keys=True,
        )
        for e in entries
    ]
    head = entries[-1].hash if entries else GENESIS
    return ("\n".join(lines) + "\n").encode("utf-8"), head, len(entries)


def export_package(
    ws: Workspace,
    meeting_id: MeetingId,
    destination_dir: Path | str,
    *,
    encrypt: bool = False,
    now: dt.datetime | None = None,
    key_dir: Path | None = None,
    auth: Auth | None = None,
) -> ExportResult:
    """Write `KetQua_<meeting>_<yyyymmdd-HHMM>` into `destination_dir`, read it back, log it.

    Only closed or sealed rounds are exported. Refused when the audit chain is broken. On failure
    nothing that looks complete is left and the database is unchanged; on success one audit entry.
    """
    ws.audit.require_intact(meeting_id)  # the chain and every sealed row of the meeting
    # The package holds the minutes: the chair and another member, as for a print of the minutes.
    actor = ws.reports.authorise_export(meeting_id, auth=auth)
    meeting = ws.setup.meeting(meeting_id)
    rounds = [r for r in ws.setup.rounds(meeting_id) if r.stage in EXPORTABLE and r.id is not None]
    if not rounds:
        raise ServiceError(ErrorCode.NOTHING_TO_EXPORT)
    created = (now or dt.datetime.now()).astimezone()
    key = load_or_create_key(Path(key_dir)) if key_dir is not None else ws.reports.signing_key(meeting_id)
    fp = fingerprint(key.public_key())

    # The minutes inside the package name the key that signs it (also when a key_dir is given).
    items = [
        dataclasses.replace(ws.reports.minutes_data(RoundId(r.id)), key_fingerprint=fp)
        for r in rounds
        if r.id is not None
    ]
    audit_log, head, audit_count = _audit_lines(ws)
    codes = {RoundId(d.round.id): d.check_code for d in items if d.round.id is not None}
    results = {
        "meeting": meeting.title,
        "rounds": [dict(result_to_dict(d.result), check_code=d.check_code) for d in items],
    }
    files: dict[str, bytes] = {}
    for data in items:
        files.update(_minutes_files(data))
    files[RESULTS_XLSX] = _render(lambda fh: write_results_xlsx(items, fh))
    files[RESULTS_JSON] = json.dumps(results, ensure_ascii=False, indent=2).encode("utf-8")
    files[AUDIT_LOG] = audit_log
    files[VERIFIER] = verifier_source()
    secrecy = secrecy_mark(meeting.secrecy) or "MẬT"

    def readme_text(encrypted: bool) -> bytes:
        return readme(
            title=meeting.title,
            created=created.strftime("%H:%M ngày %d/%m/%Y"),
            version=vote_counter.__version__,
            fingerprint=fp,
            secrecy=secrecy,
            codes=[(RoundId(d.round.id or 0), d.round.title, d.check_code) for d in items],
            encrypted=encrypted,
        )

    files[README] = readme_text(False)
    about = {
        "meeting": {"id": meeting_id, "title": meeting.title},
        "rounds": [
            {"id": d.round.id, "title": d.round.title, "stage": d.round.stage.value, "check_code": d.check_code}
            for d in items
        ],
        "audit_head": head,
        "audit_entries": audit_count,
        "results_json": RESULTS_JSON,
        "audit_log": AUDIT_LOG,
        "encrypted": False,
    }
    signed = sign_files(files, key, kind="results", created=created, extra=about)
    name = f"KetQua_{safe_name(meeting.title)}_{created:%Y%m%d-%H%M}"
    passphrase: str | None = None
    if encrypt:
        passphrase = enc.new_passphrase()
        outer = {
            enc.ZIP_NAME: enc.pack(name, signed, passphrase),
            README: readme_text(True),
            VERIFIER: files[VERIFIER],
        }
        signed = sign_files(
            outer,
            key,
            kind="results",
            created=created,
            extra={"meeting": {"id": meeting_id}, "encrypted": True},
        )

    def read_back(folder: Path) -> list[str]:
        return verify_package(folder, expected_fingerprint=fp, passphrase=passphrase).problems

    folder = write_package(Path(destination_dir), name, signed, read_back)
    manifest_sha = sha256(signed[MANIFEST])
    try:
        ws.audit.record(
            "export_written",
            {
                "meeting": meeting_id,
                "folder": folder.name,
                "manifest_sha256": manifest_sha,
                "rounds": [int(rid) for rid in codes],
                "encrypted": encrypt,
                "key_fingerprint": fp,
            },
            actor=actor,
        )
    except BaseException:
        discard(folder)  # an export the log does not show must not look complete
        raise
    return ExportResult(folder, codes, passphrase, manifest_sha, fp)
