"""What a void and a restore tell the board and write in the log (the mutation run of 30 Nov 2026 on
services/counting.py: the refusals' Vietnamese details and the "ballot_restored" entry's fields were unchecked)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.builders import (
    CHAIR_NAME,
    MEMBER_NAME,
    PASSPHRASES,
    Built,
    build_round,
    confidence_marks,
    raw,
    workspace_at,
)
from vote_counter.domain.model import Counts, RoundKind, Stage
from vote_counter.services.accounts import Credential
from vote_counter.services.errors import ErrorCode, ServiceError


@pytest.fixture
def conf(tmp_path: Path) -> Iterator[Built]:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        yield build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)


def test_refusals_say_why_in_vietnamese_and_name_the_serial(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    saved = ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 0, 0]))
    with pytest.raises(ServiceError) as active:
        ws.counting.restore(saved.id, "khôi phục nhầm")
    assert (
        active.value.code is ErrorCode.INVALID_INPUT
        and active.value.message == "Dữ liệu không hợp lệ: phiếu này đang được tính."
    )
    ws.counting.void(saved.id, "nhập nhầm")
    with pytest.raises(ServiceError) as twice:
        ws.counting.void(saved.id, "hủy lần hai")
    assert (
        twice.value.code is ErrorCode.INVALID_INPUT
        and twice.value.message == "Dữ liệu không hợp lệ: phiếu này đã bị hủy trước đó."
    )
    ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [1, 1, 1]))
    with pytest.raises(ServiceError) as taken:
        ws.counting.restore(saved.id, "khôi phục")
    serial = conf.printed[0].serial
    grouped = "-".join(serial[i : i + 4] for i in range(0, len(serial), 4))  # as printed on the ballot
    assert taken.value.code is ErrorCode.DUPLICATE and f"Phiếu số {grouped} đã được nhập rồi." in taken.value.message


def test_a_restore_is_logged_with_its_round_ballot_pass_and_reason(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    saved = ws.counting.record(rid, conf.printed[1].payload, confidence_marks(conf.ids, [2, 1, 0]))
    ws.counting.void(saved.id, "nhập nhầm")
    ws.counting.restore(saved.id, "  hủy nhầm  ")
    with raw(ws.path) as conn:
        action, details = conn.execute("SELECT action, details FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    entry = json.loads(details)
    entry.pop("seal")
    assert action == "ballot_restored"
    assert entry == {"round": rid, "ballot": saved.id, "pass": 1, "reason": "hủy nhầm"}


def test_after_counting_closes_void_and_restore_are_refused_naming_the_action(conf: Built) -> None:
    ws, rid = conf.ws, conf.round_id
    kept = ws.counting.record(rid, conf.printed[0].payload, confidence_marks(conf.ids, [0, 1, 2]))
    voided = ws.counting.record(rid, conf.printed[1].payload, confidence_marks(conf.ids, [2, 1, 0]))
    ws.counting.void(voided.id, "nhập nhầm")
    c = conf.refresh().counts
    ws.setup.set_counts(rid, Counts(c.summoned, c.present, c.issued, 1))
    assert ws.stages.change(rid, Stage.CLOSED) is Stage.CLOSED
    before = ws.counting.totals(rid)
    for call, words in (
        (lambda: ws.counting.void(kept.id, "nhập nhầm"), "hủy phiếu đã nhập"),
        (lambda: ws.counting.restore(voided.id, "hủy nhầm"), "khôi phục phiếu"),
    ):
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.code is ErrorCode.WRONG_STAGE
        assert refused.value.message.startswith(f"Không thể {words} khi lượt bỏ phiếu"), refused.value.message
    assert ws.counting.totals(rid) == before


def _credential(conf: Built, name: str, passphrase: str | None = None) -> Credential:
    assert conf.meeting.id is not None
    ids = {b.full_name: b.id for b in conf.ws.setup.board(conf.meeting.id)}
    member_id = ids[name]
    assert member_id is not None
    return Credential(member_id, PASSPHRASES[name] if passphrase is None else passphrase)


def _status(conf: Built, ballot_id: int) -> str:
    with raw(conf.ws.path) as conn:
        return str(conn.execute("SELECT status FROM ballots WHERE id = ?", (ballot_id,)).fetchone()[0])


def test_one_members_passphrase_cannot_void_and_a_wrong_one_cannot_restore(conf: Built) -> None:
    """A void needs the chair and a second member (SPEC §9); a restore checks the passphrase it is given."""
    ws, rid = conf.ws, conf.round_id
    saved = ws.counting.record(rid, conf.printed[2].payload, confidence_marks(conf.ids, [1, 0, 2]))
    for name, code in ((MEMBER_NAME, ErrorCode.NEEDS_CHAIR), (CHAIR_NAME, ErrorCode.NEEDS_SECOND_MEMBER)):
        with pytest.raises(ServiceError) as one:
            ws.counting.void(saved.id, "nhập nhầm", auth=_credential(conf, name))
        assert one.value.code is code, one.value
    assert _status(conf, saved.id) == "active"
    ws.counting.void(saved.id, "nhập nhầm")
    with pytest.raises(ServiceError) as wrong:
        ws.counting.restore(saved.id, "hủy nhầm", auth=_credential(conf, MEMBER_NAME, "không phải mật khẩu"))
    assert wrong.value.code is not ErrorCode.DUPLICATE, wrong.value
    assert _status(conf, saved.id) == "void"
