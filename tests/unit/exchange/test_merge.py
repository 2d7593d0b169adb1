"""Merging a second counting station: overlaps reported exactly, nothing counted twice, totals the union."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.builders import (
    Built,
    build_round,
    expect_error,
    sign_in_known_boards,
    snapshot,
    valid_marks,
    workspace_at,
)
from vote_counter.domain.model import BallotMarks, NomineeId, RoundKind
from vote_counter.exchange.backups import backup, restore
from vote_counter.exchange.merge import ENTRIES, ImportMode, export_entries, import_entries
from vote_counter.exchange.trust import own_fingerprint
from vote_counter.services.errors import ErrorCode
from vote_counter.services.pairing import Confirmed
from vote_counter.services.workspace import Workspace


@dataclass
class Stations:
    a: Workspace
    b: Workspace
    built: Built  # the round as built on A (ids are the same on B: B is a restored copy)
    tmp: Path


@pytest.fixture
def stations(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Stations]:
    double = getattr(request, "param", False)
    a = Workspace.open(tmp_path / "a" / "kp.sqlite3")
    built = build_round(a, RoundKind.CONFIDENCE, nominees=4, printed=30, double_entry=double)
    restore(tmp_path / "b" / "kp.sqlite3", backup(a, "cho máy 2"))
    b = Workspace.open(tmp_path / "b" / "kp.sqlite3")
    sign_in_known_boards(b)
    # The stations are paired once, by fingerprint read off B's screen (trust on first use, issue 12).
    assert built.meeting.id is not None
    a.pairing.pair(built.meeting.id, own_fingerprint(b), Confirmed.FINGERPRINT)
    (tmp_path / "usb").mkdir()
    yield Stations(a, b, built, tmp_path)
    a.close()
    b.close()


def _marks(rng: random.Random, built: Built) -> BallotMarks:
    return valid_marks(rng, RoundKind.CONFIDENCE, built.ids)


def test_additional_papers_overlaps_reported_and_not_counted_twice(stations: Stations) -> None:
    a, b, built = stations.a, stations.b, stations.built
    rid = built.round_id
    rng = random.Random(3)
    marks = {ib.serial: _marks(rng, built) for ib in built.printed}
    for ib in built.printed[:20]:  # station A counted papers 0–19
        a.counting.record(rid, ib.payload, marks[ib.serial])
    for ib in built.printed[10:30]:  # station B counted 10–29: 10–19 twice by mistake
        b.counting.record(rid, ib.serial, marks[ib.serial])
    extra = b.register.print_batch(rid, 1)[0]  # printed on B after the copy: A's register does not know it
    b.counting.record(rid, extra.payload, _marks(rng, built))

    package = export_entries(b, rid, stations.tmp / "usb")
    report = import_entries(a, rid, package, ImportMode.ADDITIONAL)

    assert sorted(report.overlaps) == sorted(ib.serial for ib in built.printed[10:20])
    assert report.recorded == 10
    # A does not know the serial printed on B: the package names it only by its keyed tag.
    assert [r.code for r in report.rejected] == [ErrorCode.NOT_ISSUED.value]
    assert extra.serial not in report.rejected[0].serial
    counted = [x.serial for x in a.counting.ballots(rid, 1)]
    assert len(counted) == len(set(counted)) == 30
    assert set(counted) == {ib.serial for ib in built.printed}

    # the totals are those of the union, each paper once: the same as entering the 30 papers on one station
    reference = _reference_totals(stations, marks)
    assert a.counting.totals(rid, 1) == reference

    again = import_entries(a, rid, package, "additional")  # importing twice counts nothing twice
    assert again.recorded == 0 and len(again.overlaps) == 20
    assert a.counting.totals(rid, 1) == reference
    actions = [e.action for e in a.audit.entries()]
    assert actions.count("entries_imported") == 2


def _reference_totals(stations: Stations, marks: dict[str, BallotMarks]) -> object:
    ref_path = stations.tmp / "ref" / "kp.sqlite3"
    first_backup = sorted((stations.tmp / "a" / "backups").glob("*cho-máy-2*"))[0]
    restore(ref_path, first_backup)
    with workspace_at(ref_path) as ref:
        rid = stations.built.round_id
        for ib in stations.built.printed:
            ref.counting.record(rid, ib.payload, marks[ib.serial])
        return ref.counting.totals(rid, 1)


@pytest.mark.parametrize("stations", [True], indirect=True)
def test_second_pass_from_the_other_station(stations: Stations) -> None:
    a, b, built = stations.a, stations.b, stations.built
    rid = built.round_id
    rng = random.Random(5)
    marks = {ib.serial: _marks(rng, built) for ib in built.printed[:12]}
    for ib in built.printed[:12]:
        a.counting.record(rid, ib.payload, marks[ib.serial])
    typo = built.printed[4].serial
    for ib in built.printed[:12]:
        entered = marks[ib.serial]
        if ib.serial == typo:
            first = NomineeId(built.ids[0])
            level = next(iter(entered.rows[first]))
            entered = BallotMarks({**entered.rows, first: frozenset({(level + 1) % 3})})
        b.counting.record(rid, ib.payload, entered)
    report = import_entries(a, rid, export_entries(b, rid, stations.tmp / "usb"), ImportMode.SECOND_PASS)
    assert report.recorded == 12 and report.overlaps == () and report.rejected == ()
    assert len(a.counting.ballots(rid, 2)) == 12
    assert [d.serial for d in a.counting.pass_differences(rid)] == [typo]
    assert a.counting.totals(rid, 1).valid == 12  # pass 1 untouched


def test_second_pass_needs_double_entry(stations: Stations) -> None:
    rid = stations.built.round_id
    stations.b.counting.record(rid, stations.built.printed[0].payload, _marks(random.Random(1), stations.built))
    package = export_entries(stations.b, rid, stations.tmp / "usb")
    expect_error(stations.a, ErrorCode.INVALID_INPUT, import_entries, stations.a, rid, package, "second_pass")


def test_a_tampered_entries_package_is_refused(stations: Stations) -> None:
    rid = stations.built.round_id
    for ib in stations.built.printed[:3]:
        stations.b.counting.record(rid, ib.payload, _marks(random.Random(2), stations.built))
    package = export_entries(stations.b, rid, stations.tmp / "usb")
    forged = stations.tmp / "forged"
    shutil.copytree(package, forged)
    lines = (forged / ENTRIES).read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[0])
    entry["marks"] = {"1": [0], "2": [0], "3": [0], "4": [0]}
    lines[0] = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    (forged / ENTRIES).write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = expect_error(stations.a, ErrorCode.PACKAGE_INVALID, import_entries, stations.a, rid, forged, "additional")
    assert ENTRIES in err.message
    # the genuine package, but from a station whose key we were not told about
    expect_error(
        stations.a,
        ErrorCode.PACKAGE_INVALID,
        import_entries,
        stations.a,
        rid,
        package,
        "additional",
        expected_fingerprint="0123456789abcdef",
    )


def test_a_package_for_another_round_is_refused(stations: Stations) -> None:
    a, b, built = stations.a, stations.b, stations.built
    rid = built.round_id
    b.counting.record(rid, built.printed[0].payload, _marks(random.Random(4), built))
    package = export_entries(b, rid, stations.tmp / "usb")
    other = build_round(a, RoundKind.CONFIDENCE, meeting=built.meeting, nominees=4, printed=5)
    err = expect_error(a, ErrorCode.PACKAGE_MISMATCH, import_entries, a, other.round_id, package, "additional")
    assert built.round.code in err.message and other.round.code in err.message


def test_a_results_package_is_not_an_entries_package(stations: Stations) -> None:
    from tests.unit.exchange.conftest import closed_meeting
    from vote_counter.exchange.export import export_package

    meeting = closed_meeting(stations.b)
    assert meeting.id is not None
    result = export_package(stations.b, meeting.id, stations.tmp / "usb")
    before = snapshot(stations.a.path)
    expect_error(
        stations.a,
        ErrorCode.PACKAGE_INVALID,
        import_entries,
        stations.a,
        stations.built.round_id,
        result.folder,
        "additional",
    )
    assert snapshot(stations.a.path) == before
