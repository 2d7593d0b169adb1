"""Trust on first use for packages (issue 12): a package re-signed with any key is refused unless its
fingerprint is given or two people confirm it; export-entries writes no serial beside the marks."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    Built,
    build_round,
    expect_error,
    raw,
    sign_in_known_boards,
    valid_marks,
)
from vote_counter import cli
from vote_counter.domain.model import RoundKind
from vote_counter.exchange.backups import backup, restore
from vote_counter.exchange.manifest import sign_files
from vote_counter.exchange.merge import ENTRIES, ROUND_FILE, export_entries, import_entries
from vote_counter.exchange.trust import own_fingerprint
from vote_counter.services.accounts import Approval
from vote_counter.services.errors import ErrorCode
from vote_counter.services.workspace import Workspace


@dataclass
class Stations:
    a: Workspace
    b: Workspace
    built: Built
    tmp: Path
    package: Path  # B's genuine entries package of 5 ballots


@pytest.fixture
def stations(tmp_path: Path) -> Iterator[Stations]:
    a = Workspace.open(tmp_path / "a" / "kp.sqlite3")
    built = build_round(a, RoundKind.CONFIDENCE, nominees=4, printed=30)
    restore(tmp_path / "b" / "kp.sqlite3", backup(a, "cho máy 2"))
    b = Workspace.open(tmp_path / "b" / "kp.sqlite3")
    sign_in_known_boards(b)
    rng = random.Random(12)
    for ib in built.printed[:5]:
        b.counting.record(built.round_id, ib.payload, valid_marks(rng, RoundKind.CONFIDENCE, built.ids))
    (tmp_path / "usb").mkdir()
    package = export_entries(b, built.round_id, tmp_path / "usb")
    yield Stations(a, b, built, tmp_path, package)
    a.close()
    b.close()


def _forged(stations: Stations) -> Path:
    """B's package with its marks changed and re-signed with the intruder's own key: whole and signed."""
    files = {name: (stations.package / name).read_bytes() for name in (ENTRIES, ROUND_FILE)}
    lines = [json.loads(x) for x in files[ENTRIES].decode().splitlines()]
    for line in lines:
        line["marks"] = {str(i): [2] for i in range(1, 5)}  # every nominee "low confidence"
    files[ENTRIES] = "".join(json.dumps(x, sort_keys=True) + "\n" for x in lines).encode()
    round_ = stations.built.round
    signed = sign_files(
        files,
        Ed25519PrivateKey.generate(),
        kind="entries",
        created=dt.datetime(2026, 11, 29, 22, 0).astimezone(),
        extra={"round": {"code": round_.code, "title": round_.title}},
    )
    folder = stations.tmp / "usb" / "forged"
    folder.mkdir()
    for name, data in signed.items():
        (folder / name).write_bytes(data)
    return folder


def test_a_package_resigned_with_another_key_saves_nothing(stations: Stations) -> None:
    a, rid = stations.a, stations.built.round_id
    forged = _forged(stations)
    err = expect_error(a, ErrorCode.UNKNOWN_KEY, import_entries, a, rid, forged, "additional")
    assert "--fingerprint" in err.message
    # The fingerprint of the real station B, read off its screen: the forged key does not match it.
    b_fp = own_fingerprint(stations.b)
    expect_error(a, ErrorCode.PACKAGE_INVALID, import_entries, a, rid, forged, "additional", expected_fingerprint=b_fp)
    # B is paired by its fingerprint; the forged package is still refused afterwards.
    report = import_entries(a, rid, stations.package, "additional", expected_fingerprint=b_fp)
    assert report.recorded == 5
    expect_error(a, ErrorCode.UNKNOWN_KEY, import_entries, a, rid, forged, "additional")
    paired = [e for e in a.audit.entries() if e.action == "station_paired"]
    assert [(e.details["fingerprint"], e.details["confirmed"]) for e in paired] == [(b_fp, "fingerprint")]


def test_two_people_confirm_a_new_key(stations: Stations) -> None:
    a, built = stations.a, stations.built
    assert built.meeting.id is not None
    signed_in = a.access.signed_in[built.meeting.id]
    assert isinstance(signed_in, Approval)
    # The chair alone may not vouch for a key.
    a.access.remember(built.meeting.id, signed_in.first)
    expect_error(
        a, ErrorCode.NEEDS_SECOND_MEMBER, import_entries, a, built.round_id, stations.package, "additional",
        trust_new_key=True,
    )  # fmt: skip
    a.access.remember(built.meeting.id, signed_in)
    report = import_entries(a, built.round_id, stations.package, "additional", trust_new_key=True)
    assert report.recorded == 5
    (entry,) = [e for e in a.audit.entries() if e.action == "station_paired"]
    assert entry.actor == f"{CHAIR_NAME} + {MEMBER_NAME}" and entry.details["confirmed"] == "two_members"


def test_a_pairing_written_with_sqlite3_trusts_nothing(stations: Stations) -> None:
    a, rid = stations.a, stations.built.round_id
    forged = _forged(stations)
    manifest = json.loads((forged / "manifest.json").read_text(encoding="utf-8"))
    with raw(a.path) as conn:
        seq, prev = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        details = json.dumps({"meeting": 1, "fingerprint": manifest["key_fingerprint"], "confirmed": "fingerprint"})
        conn.execute(
            "INSERT INTO audit_log (seq, at, actor, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq + 1, "2026-11-29T22:00:00+07:00", CHAIR_NAME, "station_paired", details, prev, "0" * 64),
        )
    expect_error(a, ErrorCode.AUDIT_BROKEN, import_entries, a, rid, forged, "additional")


def test_export_entries_writes_no_serial(stations: Stations) -> None:
    serials = {ib.serial for ib in stations.built.printed}
    for path in stations.package.iterdir():
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert not serials & set(re.findall(r"\d{12}", text)), f"a serial in {path.name}"
    lines = [json.loads(x) for x in (stations.package / ENTRIES).read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 5 and all(set(x) == {"tag", "marks", "write_ins", "declared"} for x in lines)
    # Each tag stands for a serial only for a holder of the round's key: A finds its own serials back.
    tags = stations.a.register.entry_tags(stations.built.round_id)
    assert {tags[x["tag"]] for x in lines} == {ib.serial for ib in stations.built.printed[:5]}


def test_verify_command_refuses_an_unknown_key(
    stations: Stations, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, a_db = stations.package, stations.a.path
    stations.a.close()
    nowhere = stations.tmp / "no_database" / "kp.sqlite3"
    assert cli.main(["--db", str(nowhere), "verify", str(folder)]) == 1  # no database here: the fingerprint is needed
    assert "khóa chưa biết" in capsys.readouterr().err
    assert not nowhere.parent.exists(), "verify created a database"
    assert cli.main(["--db", str(a_db), "verify", str(folder)]) == 1
    assert "khóa chưa biết" in capsys.readouterr().err
    b_fp = own_fingerprint(stations.b)
    assert cli.main(["--db", str(nowhere), "verify", str(folder), "--fingerprint", b_fp]) == 0
    monkeypatch.setenv(cli.ENV_PASSPHRASE, PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv(cli.ENV_PASSPHRASE2, PASSPHRASES[MEMBER_NAME])
    two = ["--as", CHAIR_NAME, "--with", MEMBER_NAME]
    assert cli.main(["--db", str(a_db), *two, "verify", str(folder), "--trust-new-key"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(a_db), "verify", str(folder)]) == 0  # paired now
    assert "Gói kết quả toàn vẹn" in capsys.readouterr().out
    ws = Workspace.open(a_db)
    try:
        assert b_fp in ws.pairing.known() and own_fingerprint(ws) != b_fp
    finally:
        ws.close()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        pytest.param({"marks": {"²": [0]}}, "STT “²”", id="superscript-row"),
        pytest.param({"write_ins": ["Lê \ud800"]}, "write_ins", id="lone-surrogate"),
        pytest.param({"serial": "482109375516"}, "khóa “serial”", id="serial-beside-marks"),
        pytest.param({"declared": 5}, "declared", id="declared-5"),
    ],
)
def test_a_malformed_line_signed_by_a_paired_station_saves_nothing(
    stations: Stations, change: dict[str, object], words: str
) -> None:
    """Even from a trusted key, the entries are checked whole against the ballot schema first."""
    from vote_counter.services.signing import load_or_create_key

    a, rid = stations.a, stations.built.round_id
    files = {name: (stations.package / name).read_bytes() for name in (ENTRIES, ROUND_FILE)}
    lines = [json.loads(x) for x in files[ENTRIES].decode().splitlines()]
    lines[-1].update(change)
    files[ENTRIES] = "".join(json.dumps(x, sort_keys=True) + "\n" for x in lines).encode()
    round_ = stations.built.round
    signed = sign_files(
        files,
        load_or_create_key(stations.b.path.parent),  # B's own key: a genuine signature
        kind="entries",
        created=dt.datetime(2026, 11, 29, 22, 0).astimezone(),
        extra={"round": {"code": round_.code, "title": round_.title}},
    )
    folder = stations.tmp / "usb" / "b_sai"
    folder.mkdir()
    for name, data in signed.items():
        (folder / name).write_bytes(data)
    b_fp = own_fingerprint(stations.b)
    err = expect_error(
        a, ErrorCode.PACKAGE_INVALID, import_entries, a, rid, folder, "additional", expected_fingerprint=b_fp
    )
    assert f"{ENTRIES}, dòng 5" in err.message and words in err.message, err.message
