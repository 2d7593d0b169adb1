"""The headless commands, run as a user would: real database file, real output files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vote_counter import cli
from vote_counter.domain.model import BoardMemberId, MeetingId, RoundId, Stage
from vote_counter.services.accounts import Approval, Credential
from vote_counter.services.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "meeting.example.toml"
# The example's board (docs/meeting.example.toml) and the passphrases the fixture gives them.
CHAIR, MEMBER = "Nguyễn Thị Mai", "Trần Văn Bình"
PASSPHRASES = {CHAIR: "mật khẩu của chị Mai", MEMBER: "mật khẩu của anh Bình"}


def main(argv: list[str]) -> int:
    """A command run by the chair with a second member, as the board does at the laptop (SPEC §9)."""
    return cli.main(["--as", CHAIR, "--with", MEMBER, *argv])


def _open(db: Path) -> Workspace:
    """The database as the window would have it after the chair and a member signed in."""
    ws = Workspace.open(db)
    board = {b.full_name: b.id for b in ws.setup.board(MeetingId(1))}
    ws.access.remember(
        MeetingId(1),
        Approval(
            Credential(BoardMemberId(board[CHAIR] or 0), PASSPHRASES[CHAIR]),
            Credential(BoardMemberId(board[MEMBER] or 0), PASSPHRASES[MEMBER]),
        ),
    )
    return ws


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kp.sqlite3"
    assert cli.main(["--db", str(path), "create-meeting", str(EXAMPLE)]) == 0
    monkeypatch.setenv(cli.ENV_NEW_PASSPHRASE, PASSPHRASES[CHAIR])
    assert cli.main(["--db", str(path), "passphrase", "1", CHAIR]) == 0
    monkeypatch.setenv(cli.ENV_NEW_PASSPHRASE, PASSPHRASES[MEMBER])
    monkeypatch.setenv(cli.ENV_PASSPHRASE, PASSPHRASES[CHAIR])
    assert cli.main(["--db", str(path), "--as", CHAIR, "passphrase", "1", MEMBER]) == 0
    monkeypatch.delenv(cli.ENV_NEW_PASSPHRASE)
    monkeypatch.setenv(cli.ENV_PASSPHRASE2, PASSPHRASES[MEMBER])
    return path


def _lines(path: Path, items: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", encoding="utf-8")
    return path


def test_create_meeting_from_example(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db), "list"]) == 0
    out = capsys.readouterr().out
    assert "Hội nghị lấy phiếu tín nhiệm năm 2026" in out
    assert "Giới thiệu nhân sự bước 3" in out and "Biểu quyết bổ nhiệm" in out


def test_enter_ballots_and_results_json(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = _open(db)
    printed = ws.register.print_batch(RoundId(1), 6)
    ws.stages.change(RoundId(1), Stage.COUNTING)
    ws.close()
    items: list[dict[str, object]] = [
        {"code": printed[0].payload, "marks": {"1": [0], "2": [2], "3": [1]}},
        {"code": printed[1].payload, "marks": {"1": [0], "2": [2], "3": [2]}},
        {"code": printed[2].serial, "marks": {"1": 0, "2": 2, "3": 2}},  # typed serial, bare ints
        {"code": printed[3].payload, "marks": {"1": [0, 1], "2": [2], "3": [2]}},  # two marks: invalid
        {"code": printed[0].payload, "marks": {"1": [0], "2": [0], "3": [0]}},  # re-scan: refused
        {"set_aside": "not_issued", "code": "photocopy"},
    ]
    capsys.readouterr()
    rc = main(["--db", str(db), "enter-ballots", "1", str(_lines(tmp_path / "b.jsonl", items))])
    captured = capsys.readouterr()
    assert rc == 1  # one line refused
    assert "dòng 5" in captured.err and "đã được nhập rồi" in captured.err
    assert "Đã lưu 5 phiếu; từ chối 1." in captured.out

    assert main(["--db", str(db), "results", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["collected"], data["valid"], data["invalid"]) == (5, 3, 2)
    assert data["invalid_reasons"] == {"not_issued": 1, "row_marks": 1}
    by_name = {n["name"]: n for n in data["nominees"]}
    assert by_name["Trần Thị Ánh Tuyết"]["counts"] == [0, 0, 3]
    # base = collected (5): 3/5 low → at least 2/3? 3*3=9 < 10 → "over half" band, 60,00%
    assert by_name["Trần Thị Ánh Tuyết"]["percents"][2]["display"] == "60,00%"
    assert by_name["Trần Thị Ánh Tuyết"]["percents"][2]["fraction"] == "3/5"
    assert by_name["Trần Thị Ánh Tuyết"]["band"] == "over_half"
    assert by_name["Lê Đức Ưng"]["counts"] == [0, 1, 2]
    assert len(data["check_code"]) == 14

    assert main(["--db", str(db), "results", "1"]) == 0
    text = capsys.readouterr().out
    assert "Tỷ lệ % trên tổng số phiếu thu về (5)" in text
    assert "Trần Thị Ánh Tuyết: 3 phiếu tín nhiệm thấp (60,00%)" in text


def test_malformed_ballot_file_changes_nothing(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = _open(db)
    printed = ws.register.print_batch(RoundId(1), 2)
    ws.stages.change(RoundId(1), Stage.COUNTING)
    head = ws.audit.head()
    ws.close()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"code": printed[0].payload, "marks": {"1": [0]}}) + "\n{not json\n", encoding="utf-8")
    assert main(["--db", str(db), "enter-ballots", "1", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "dòng 2" in err and "Chưa có gì được lưu" in err
    unknown = _lines(tmp_path / "unknown.jsonl", [{"code": printed[0].payload, "marks": {"9": [0]}}])
    assert main(["--db", str(db), "enter-ballots", "1", str(unknown)]) == 1
    assert "STT “9” không có trong danh sách" in capsys.readouterr().err
    ws = _open(db)
    assert ws.counting.ballots(RoundId(1)) == []
    assert ws.audit.head() == head
    ws.close()


def test_tally_sheet_file(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = _open(db)
    ws.stages.change(RoundId(2), Stage.COUNTING)
    ws.close()
    sheet = tmp_path / "sheet.json"
    sheet.write_text(
        json.dumps({"sheet": 1, "valid": 40, "invalid": {"too_many": 3}, "rows": {"1": [25], "2": [14]}}),
        encoding="utf-8",
    )
    assert main(["--db", str(db), "enter-tally", "2", str(sheet)]) == 0
    assert "Đã lưu biên bản tổng hợp số 1" in capsys.readouterr().out
    assert main(["--db", str(db), "results", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["valid"], data["invalid"], data["collected"]) == (40, 3, 43)
    lan = next(n for n in data["nominees"] if n["name"] == "Đỗ Thị Lan")
    assert lan["counts"] == [25] and lan["selection"] == "selected"  # base S = 45: 2·25 = 50 > 45
    over = tmp_path / "over.json"
    over.write_text(json.dumps({"sheet": 2, "valid": 10, "rows": {"1": [11]}}), encoding="utf-8")
    assert main(["--db", str(db), "enter-tally", "2", str(over)]) == 1
    assert "Đỗ Thị Lan" in capsys.readouterr().err


def test_wrong_stage_is_refused_in_vietnamese(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db), "stage", "1", "closed"]) == 1
    assert "Không thể" in capsys.readouterr().err
    assert main(["--db", str(db), "stage", "1", "counting"]) == 0
    assert main(["--db", str(db), "stage", "1", "preparation"]) == 1
    assert "lý do" in capsys.readouterr().err
    assert main(["--db", str(db), "stage", "1", "preparation", "--reason", "Nhập sai số triệu tập"]) == 0


def test_demo_writes_the_whole_product(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    proc = subprocess.run(
        [sys.executable, "-m", "vote_counter", "--db", str(tmp_path / "demo.sqlite3"), "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert "Mã kiểm tra kết quả" in proc.stdout
    names = sorted(p.name for p in out.iterdir())
    for expected in ("BienBan_luot1.pdf", "BienBan_luot1.docx", "Phieu_luot1.pdf", "PhieuMau_luot1.pdf"):
        assert expected in names
    results = json.loads((out / "KetQua_hoinghi1.json").read_text(encoding="utf-8"))
    assert [r["round"]["kind"] for r in results["rounds"]] == ["confidence", "approval", "nomination"]
    for r in results["rounds"]:
        assert r["valid"] + r["invalid"] == r["collected"]
        assert len(r["check_code"]) == 14
    assert not any(p.suffix == ".tmp" for p in out.iterdir())


def test_print_exchange_unused_and_register(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "phieu.pdf"
    assert main(["--db", str(db), "print-ballots", "1", "--count", "4", "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    capsys.readouterr()
    ws = _open(db)
    layout = json.loads(ws.register.layout(RoundId(1)) or "{}")
    with ws.engine.connect() as conn:
        serials = [s for (s,) in conn.exec_driver_sql("SELECT serial FROM ballot_register WHERE round_id = 1").all()]
    ws.close()
    assert layout["pages"] and layout["pages"][0]["rows"], "the stored layout describes every box"
    assert main(["--db", str(db), "exchange", "1", serials[0], "--out", str(tmp_path / "doi.pdf")]) == 0
    assert main(["--db", str(db), "unused", "1", serials[1]]) == 0
    assert main(["--db", str(db), "register", "1"]) == 0
    out = capsys.readouterr().out
    assert "đã in 5 = đã tính 0 + đổi 1 + không dùng 1 + chưa thu về 3" in out
    assert main(["--db", str(db), "exchange", "1", serials[0], "--out", str(tmp_path / "x.pdf")]) == 1
    assert "không ở trạng thái đã in" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_verify_audit_finds_a_ballot_edited_in_the_file(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    from vote_counter.domain.model import BallotMarks, NomineeId

    ws = _open(db)
    printed = ws.register.print_batch(RoundId(1), 2)
    ws.stages.change(RoundId(1), Stage.COUNTING)
    ids = [NomineeId(n.id) for n in ws.setup.nominees(RoundId(1)) if n.id is not None]
    saved = ws.counting.record(RoundId(1), printed[0].payload, BallotMarks({i: frozenset({0}) for i in ids}))
    ws.close()
    assert main(["--db", str(db), "verify-audit"]) == 0
    assert "Nhật ký toàn vẹn" in capsys.readouterr().out
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE ballots SET valid = 0 WHERE id = ?", (saved.id,))
    conn.close()
    assert main(["--db", str(db), "verify-audit"]) == 2
    err = capsys.readouterr().err
    assert f"phiếu đã nhập số {saved.id} khác với lúc lưu" in err and "báo Trưởng ban" in err


def test_passphrases_and_who_acts_on_the_command_line(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`passphrase` sets it (asked twice, never echoed); `--as`/`--with` say who acts; services decide."""
    capsys.readouterr()
    # Nobody named: the meeting has accounts, so the live round does not open.
    assert cli.main(["--db", str(db), "stage", "1", "counting"]) == 1
    assert "Chưa đăng nhập" in capsys.readouterr().err
    # A member alone cannot open counting; the chair can.
    monkeypatch.setenv(cli.ENV_PASSPHRASE, PASSPHRASES[MEMBER])
    assert cli.main(["--db", str(db), "--as", MEMBER, "stage", "1", "counting"]) == 1
    assert "Trưởng ban" in capsys.readouterr().err
    monkeypatch.setenv(cli.ENV_PASSPHRASE, "đoán bừa một câu")
    assert cli.main(["--db", str(db), "--as", CHAIR, "stage", "1", "counting"]) == 1
    err = capsys.readouterr().err
    assert "không đúng" in err and "đoán bừa" not in err
    monkeypatch.setenv(cli.ENV_PASSPHRASE, PASSPHRASES[CHAIR])
    assert cli.main(["--db", str(db), "--as", CHAIR, "stage", "1", "counting"]) == 0
    assert cli.main(["--db", str(db), "--as", "Không Có Ai", "list"]) == 2
    assert "không có thành viên" in capsys.readouterr().err
    # Typed at a prompt (getpass: no echo), twice; two different answers change nothing.
    monkeypatch.delenv(cli.ENV_PASSPHRASE)
    answers = iter([PASSPHRASES[CHAIR], "mật khẩu mới của Nhung", "gõ khác đi"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda _prompt: next(answers))
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)  # a console to type in (pytest has none)
    assert cli.main(["--db", str(db), "--as", CHAIR, "passphrase", "1", "Lê Thị Hồng Nhung"]) == 2
    assert "không giống nhau" in capsys.readouterr().err
    answers = iter([PASSPHRASES[CHAIR], "mật khẩu mới của Nhung", "mật khẩu mới của Nhung"])
    assert cli.main(["--db", str(db), "--as", CHAIR, "passphrase", "1", "Lê Thị Hồng Nhung"]) == 0
    ws = _open(db)
    entries = ws.audit.entries()
    ws.close()
    assert entries[-1].action == "passphrase_set" and entries[-1].actor == CHAIR
    assert not any("mật khẩu mới" in json.dumps(e.details, ensure_ascii=False) for e in entries)
