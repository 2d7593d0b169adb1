"""Issue 12, hostile input files: each attack is refused with one Vietnamese message naming the line and
field, no traceback, and the database file exactly as before (rows and bytes)."""

from __future__ import annotations

import io
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.helpers.builders import assert_vietnamese, snapshot
from vote_counter import cli
from vote_counter.domain.model import BoardMemberId, MeetingId, RoundId, Stage
from vote_counter.services.accounts import Approval, Credential
from vote_counter.services.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "meeting.example.toml"
CHAIR, MEMBER = "Nguyễn Thị Mai", "Trần Văn Bình"
PASSPHRASES = {CHAIR: "mật khẩu của chị Mai", MEMBER: "mật khẩu của anh Bình"}
CONFIDENCE, NOMINATION = RoundId(1), RoundId(2)  # the example's first two rounds


def main(argv: list[str]) -> int:
    return cli.main(["--as", CHAIR, "--with", MEMBER, *argv])


def _open(db: Path) -> Workspace:
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


@pytest.fixture
def counting(db: Path) -> tuple[Path, list[str]]:
    """Round 1 (confidence, 3 people) and round 2 (nomination, write-ins allowed) open for counting."""
    ws = _open(db)
    payloads = [b.payload for b in ws.register.print_batch(CONFIDENCE, 6)]
    ws.stages.change(CONFIDENCE, Stage.COUNTING)
    ws.close()
    return db, payloads


def _state(db: Path) -> tuple[bytes, dict[str, list[tuple[object, ...]]]]:
    return db.read_bytes(), snapshot(db)


def _refused(db: Path, argv: list[str], capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    """The command fails, says so once in Vietnamese (no traceback), and the file is unchanged."""
    before = _state(db)
    assert main(["--db", str(db), *argv]) != 0
    captured = capsys.readouterr()
    err = captured.err
    assert "Traceback" not in err + captured.out
    assert "Chưa có gì được lưu" in err, err
    for words in expected:
        assert words in err, (words, err)
    assert_vietnamese(err.strip())
    assert "Đã lưu" not in captured.out
    assert _state(db) == before, "a refused file changed the database"
    return err


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ok(payload: str) -> str:
    return json.dumps({"code": payload, "marks": {"1": [0], "2": [1], "3": [2]}})


@pytest.mark.parametrize(
    ("bad_line", "words"),
    [
        pytest.param(
            '{"code": "%s", "marks": {"1": [0]}, "pass": "x"}', ["dòng 3", "“pass”", "số nguyên"], id="pass-x"
        ),
        pytest.param('{"code": "%s", "marks": {"²": [0]}}', ["dòng 3", "STT “²”"], id="superscript-row"),
        pytest.param('{"code": "%s", "marks": {"١": [0]}}', ["dòng 3", "STT"], id="arabic-digit-row"),
        pytest.param('{"code": "%s", "marks": {"1": [0]}, "declared": 5}', ["dòng 3", "“declared”"], id="declared-5"),
        pytest.param('{"code": "%s", "marks": {"1": [0]}, "note": 1}', ["dòng 3", "khóa “note”"], id="unknown-key"),
        pytest.param('{"code": "%s", "marks": {"1": [true]}}', ["dòng 3", "“marks”[1]"], id="bool-box"),
        pytest.param('{"code": "%s", "marks": {"1": [7]}}', ["dòng 3", "từ 0 đến 2"], id="box-out-of-range"),
        pytest.param('{"code": "%s", "marks": {"1": [0]}, "marks": {}}', ["dòng 3", "hai lần"], id="duplicate-key"),
        pytest.param('{"code": "%s", "marks": {"1": [NaN]}}', ["dòng 3", "NaN"], id="nan"),
        pytest.param('{"code": "%s", "write_ins": ["Lê Văn \\ud800"]}', ["dòng 3", "“write_ins”"], id="lone-surrogate"),
        pytest.param(
            '{"code": "%s", "write_ins": ["Lê Văn Tám"]}', ["dòng 3", "không có dòng ghi thêm tên"], id="write-in"
        ),
        pytest.param('{"code": "%s\\u001b[2J"}', ["dòng 3", "ký tự điều khiển"], id="escape"),
        pytest.param('{"code": "%s", "marks": ' + "[" * 5000 + "]" * 5000 + "}", ["dòng 3", "sâu"], id="deep"),
        pytest.param('{"code": "%s", "marks": {"1": [[[[[[[0]]]]]]]}}', ["dòng 3"], id="nested-boxes"),
    ],
)
def test_a_bad_later_line_saves_nothing(
    counting: tuple[Path, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    bad_line: str,
    words: list[str],
) -> None:
    db, payloads = counting
    lines = [_ok(payloads[0]), _ok(payloads[1]), bad_line.replace("%s", payloads[2], 1)]
    _refused(db, ["enter-ballots", "1", str(_jsonl(tmp_path / "b.jsonl", lines))], capsys, *words)


def test_a_200_mb_file_is_refused_by_its_size_without_reading_it(
    counting: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, payloads = counting
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as fh:
        fh.write((_ok(payloads[0]) + "\n").encode())
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB as the file system reports it
    tracemalloc.start()
    try:
        _refused(db, ["enter-ballots", "1", str(huge)], capsys, "cả tệp: tệp lớn 209.715.200 byte, quá giới hạn")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024, f"{peak} bytes allocated: the file was read"


def test_write_ins_on_a_confidence_ballot_are_not_counted_valid(counting: tuple[Path, list[str]]) -> None:
    """Through the service too (the window, an import): a name written on a confidence ballot voids it."""
    db, payloads = counting
    from vote_counter.domain.model import BallotMarks, NomineeId, Reason

    ws = _open(db)
    ids = [NomineeId(n.id or 0) for n in ws.setup.nominees(CONFIDENCE)]
    saved = ws.counting.record(CONFIDENCE, payloads[0], BallotMarks({i: frozenset({0}) for i in ids}, ("Lê Văn Tám",)))
    assert not saved.validity.valid and Reason.EXTRA_CONTENT in saved.validity.reasons
    assert ws.counting.result(CONFIDENCE).valid == 0
    ws.close()


@pytest.mark.parametrize(
    ("sheet", "words"),
    [
        pytest.param({"valid": "40"}, ["“valid”", "số nguyên"], id="valid-text"),
        pytest.param({"valid": 4, "rows": {"²": [1]}}, ["STT “²”"], id="superscript"),
        pytest.param({"valid": 4, "invalid": {"bogus": 1}}, ["“invalid”", "bogus"], id="reason"),
        pytest.param({"valid": 4, "rows": {"1": [1.5]}}, ["“rows”[1]"], id="float"),
        pytest.param({"valid": 4, "extra": 1}, ["khóa “extra”"], id="unknown-key"),
        pytest.param({"valid": 4, "write_ins": {"A\u202eB": 1}}, ["đổi chiều"], id="bidi"),
    ],
)
def test_bad_tally_sheets_save_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], sheet: dict[str, object], words: list[str]
) -> None:
    ws = _open(db)
    ws.stages.change(NOMINATION, Stage.COUNTING)
    ws.close()
    path = tmp_path / "sheet.json"
    path.write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
    _refused(db, ["enter-tally", "2", str(path)], capsys, *words)


DEFINITION = {
    "meeting": {"title": "Hội nghị cán bộ chủ chốt", "organisation": "Sở Tư pháp tỉnh Nam Định"},
    "board": [{"name": "Nguyễn Thị Hoa", "role": "chair"}],
    "rounds": [{"title": "Lấy phiếu tín nhiệm", "kind": "confidence", "nominees": [{"name": "Trần Văn Minh"}]}],
}


def _definition(change: str, value: object) -> dict[str, object]:
    data = json.loads(json.dumps(DEFINITION))
    where, key = change.rsplit(".", 1)
    target: object = data
    for part in where.split("."):
        target = target[int(part)] if isinstance(target, list) else target[part]  # type: ignore[index]
    target[key] = value  # type: ignore[index]
    return data  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("change", "value", "words"),
    [
        pytest.param("meeting.title", "Hội nghị\x07", ["meeting.title", "ký tự điều khiển"], id="control"),
        pytest.param("meeting.organisation", "Sở \u202eTư pháp", ["meeting.organisation", "đổi chiều"], id="rlo"),
        pytest.param("rounds.0.title", "Lượt \x1b[31mđỏ", ["rounds[1].title", "ký tự điều khiển"], id="ansi"),
        pytest.param("board.0.name", "Nguyễn " * 2000, ["board[1].name", "dài quá 120"], id="10000-chars"),
        pytest.param("rounds.0.seats", "1", ["rounds[1].seats", "số nguyên"], id="seats-text"),
        pytest.param("rounds.0.colour", "đỏ", ["rounds[1]", "khóa “colour”"], id="unknown-key"),
        pytest.param("meeting.title", ["a"], ["meeting.title", "chuỗi chữ"], id="list-title"),
        pytest.param("rounds.0.nominees.0.name", "Trần\u2028Văn", ["nominees[1].name"], id="line-separator"),
    ],
)
def test_hostile_meeting_definitions_are_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str, value: object, words: list[str]
) -> None:
    path = tmp_path / "hoi_nghi.json"
    path.write_text(json.dumps(_definition(change, value), ensure_ascii=False), encoding="utf-8")
    _refused(db, ["create-meeting", str(path)], capsys, "hoi_nghi.json", *words)


def test_a_deeply_nested_toml_definition_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sau.toml"
    path.write_text("[meeting]\ntitle = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    _refused(db, ["create-meeting", str(path)], capsys, "sau.toml", "sâu")


def test_a_nominee_named_like_a_formula_stays_text_in_the_xlsx(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "hoi_nghi.json"
    data = _definition("rounds.0.nominees.0.name", "=1+2")
    data["rounds"][0]["nominees"].append({"name": "@SUM(A1:A9)"})  # type: ignore[index]
    data["rounds"][0]["nominees"].append({"name": "-2+3"})  # type: ignore[index]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", str(db), "create-meeting", str(path)]) == 0
    out = tmp_path / "out"
    out.mkdir()
    assert cli.main(["--db", str(db), "results-files", "2", "--out", str(out)]) == 0
    raw = (out / "KetQua_hoinghi2.xlsx").read_bytes()
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert all("<f>" not in s for s in sheets), "a formula in the results workbook"
    book = load_workbook(io.BytesIO(raw))
    cells = {c.value: c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for name in ("=1+2", "@SUM(A1:A9)", "-2+3"):
        assert cells[name].data_type == "s" and cells[name].quotePrefix, name


def test_text_rules_accept_vietnamese_in_nfd_and_store_nfc() -> None:
    from vote_counter.domain.text_rules import NAME_LIMIT, TextError, TextProblem, clean_text

    nfd = "Nguye\u0302\u0303n Thi\u0323 Ho\u0300a\u200b"
    assert clean_text(nfd, limit=NAME_LIMIT) == "Nguyễn Thị Hòa"
    for text, problem in [
        ("A\x00", TextProblem.CONTROL),
        ("A\x85", TextProblem.CONTROL),
        ("A\u2066B", TextProblem.BIDI),
        ("A\ud800", TextProblem.SURROGATE),
        ("A\ue000", TextProblem.UNASSIGNED),
        ("A\u00ad", TextProblem.UNASSIGNED),  # soft hyphen: invisible, makes two equal-looking names differ
        ("   ", TextProblem.EMPTY),
        ("x" * (NAME_LIMIT + 1), TextProblem.TOO_LONG),
    ]:
        with pytest.raises(TextError) as info:
            clean_text(text, limit=NAME_LIMIT, required=True)
        assert info.value.problem is problem, text
        assert_vietnamese(info.value.words() + " ở")


def test_file_size_is_read_from_the_file_system(tmp_path: Path) -> None:
    from vote_counter.services.input_files import _file_size

    path = tmp_path / "a.bin"
    with path.open("wb") as fh:
        fh.truncate(5 * 1024 * 1024)
    assert _file_size(path) == 5 * 1024 * 1024 == os.stat(path).st_size


def test_a_nominee_list_with_a_right_to_left_override_is_refused(tmp_path: Path) -> None:
    from vote_counter.services.errors import ServiceError
    from vote_counter.services.importers import read_nominee_file

    path = tmp_path / "danh_sach.csv"
    path.write_text("Họ và tên,Chức vụ\nNguyễn Văn An,Giám đốc\nTrần \u202eThị Bích,Phó Giám đốc\n", encoding="utf-8")
    with pytest.raises(ServiceError) as info:
        read_nominee_file(path)
    assert "dòng 3, cột “Họ và tên”" in info.value.message and "đổi chiều" in info.value.message
    assert_vietnamese(info.value.message)


def test_a_typed_reason_follows_the_text_rules(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db), "stage", "1", "counting"]) == 0
    before = _state(db)
    assert main(["--db", str(db), "stage", "1", "preparation", "--reason", "Sai số\x1b]0;x\x07"]) == 1
    err = capsys.readouterr().err
    assert "lý do có ký tự điều khiển" in err and "\x1b" not in err
    assert main(["--db", str(db), "stage", "1", "preparation", "--reason", "x" * 501]) == 1
    assert "lý do dài quá 500 ký tự" in capsys.readouterr().err
    assert _state(db) == before
