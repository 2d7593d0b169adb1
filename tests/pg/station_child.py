"""One counting station in its own process, for tests/pg and benchmarks/bench_stations.py.

python station_child.py enter URL STATION PAYLOADS.json GO_FILE   enter every payload once GO_FILE exists;
                                                                prints one JSON line: codes and latencies
python station_child.py hold URL PAYLOAD                        open a save's transaction, write the ballot
                                                                row, print "holding" and wait to be killed
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.helpers.builders import sign_in_known_boards, valid_marks
from vote_counter.domain.model import RoundKind
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace


def enter(url: str, station: str, payloads_file: str, go: str) -> None:
    job = json.loads(Path(payloads_file).read_text(encoding="utf-8"))
    ws = Workspace.open(url, station=station)
    sign_in_known_boards(ws)
    rng = random.Random(station)
    codes: list[str] = []
    latencies: list[float] = []
    payloads = list(job["payloads"])
    # The first save opens the meeting key (scrypt) and loads the round: done before the start line, not timed.
    first = payloads.pop(0)
    try:
        ws.counting.record(job["round"], first, valid_marks(rng, RoundKind(job["kind"]), job["ids"]))
        codes.append("saved")
    except ServiceError as exc:
        codes.append(exc.code.value)
    print("ready", flush=True)
    while not Path(go).exists():
        time.sleep(0.005)
    try:
        for payload in payloads:
            marks = valid_marks(rng, RoundKind(job["kind"]), job["ids"])
            started = time.perf_counter()
            try:
                ws.counting.record(job["round"], payload, marks)
                codes.append("saved")
            except ServiceError as exc:
                codes.append(exc.code.value)
            latencies.append(time.perf_counter() - started)
    finally:
        ws.close()
    print(json.dumps({"station": station, "codes": codes, "latencies": latencies}), flush=True)


def hold(url: str, round_id: int, payload: str, ids: list[int]) -> None:
    """A client killed in the middle of a save: the ballot row written, its transaction never committed."""
    ws = Workspace.open(url, station="Tổ bị ngắt")
    sign_in_known_boards(ws)

    def stall(_s: object, _ballot: int) -> dict[str, str]:
        print("holding", flush=True)
        time.sleep(600)
        return {}

    marks = valid_marks(random.Random(1), RoundKind.CONFIDENCE, ids)
    ws.counting.record(round_id, payload, marks, audit_extra=stall)  # type: ignore[arg-type]


if __name__ == "__main__":
    if sys.argv[1] == "enter":
        enter(*sys.argv[2:6])
    else:
        hold(sys.argv[2], int(sys.argv[3]), sys.argv[4], [int(x) for x in sys.argv[5].split(",")])
