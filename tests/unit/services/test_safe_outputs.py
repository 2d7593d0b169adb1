"""Safe outputs (issue 17): reprints of the minutes never overwrite a file, export names are cut at word
boundaries, a duplicate name is warned, the USB wording follows the drive, one serial form everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.builders import CHAIR_NAME, MEMBER_NAME, PASSPHRASES, build_round, count_and_close, workspace_at
from vote_counter import cli, platform_os
from vote_counter.domain.model import Nominee, RoundKind
from vote_counter.domain.serials import format_serial
from vote_counter.exchange import texts as exchange_texts
from vote_counter.exchange.safe_names import LIMIT, cut_at_word, safe_name
from vote_counter.services.reports import free_stem
from vote_counter.services.setup import duplicate_name_warnings


def test_reprints_of_the_minutes_get_new_names(tmp_path: Path) -> None:
    out = tmp_path / "bien ban"
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=4)
        count_and_close(b, 3)
        rid = b.round_id
        first = ws.reports.write_minutes(rid, out)
        assert [p.name for p in first] == [f"BienBan_luot{rid}.pdf", f"BienBan_luot{rid}.docx"]
        signed = first[0].read_bytes()
        second = ws.reports.write_minutes(rid, out, reason="cấp trên đề nghị gửi thêm bản")
        assert [p.name for p in second] == [f"BienBan_luot{rid}_in2.pdf", f"BienBan_luot{rid}_in2.docx"]
        # A file of that name already there (copied by hand): skipped, never overwritten.
        kept = out / f"BienBan_luot{rid}_in3.docx"
        kept.write_bytes(b"giu nguyen")
        third = ws.reports.write_minutes(rid, out, reason="bản in bị kẹt giấy")
        assert [p.name for p in third] == [f"BienBan_luot{rid}_in4.pdf", f"BienBan_luot{rid}_in4.docx"]
        assert kept.read_bytes() == b"giu nguyen" and first[0].read_bytes() == signed
        # The fourth print, into another folder: numbered as the fourth, and an old file there is left alone.
        other = tmp_path / "khac"
        other.mkdir()
        (other / f"BienBan_luot{rid}.pdf").write_bytes(b"cu")
        fourth = ws.reports.write_minutes(rid, other, reason="lưu hồ sơ")
        assert (
            fourth[0].name == f"BienBan_luot{rid}_in4.pdf" and (other / f"BienBan_luot{rid}.pdf").read_bytes() == b"cu"
        )


def test_free_stem(tmp_path: Path) -> None:
    assert free_stem(tmp_path, "BienBan_luot1", (".pdf",)) == "BienBan_luot1"
    assert free_stem(tmp_path, "BienBan_luot1", (".pdf",), start=2) == "BienBan_luot1_in2"
    (tmp_path / "BienBan_luot1.pdf").write_bytes(b"")
    assert free_stem(tmp_path, "BienBan_luot1", (".pdf", ".docx")) == "BienBan_luot1_in2"


@pytest.mark.parametrize(
    ("title", "limit", "expected"),
    [
        ("Giới thiệu nhân sự giữ chức Phó Giám đốc", 30, "Giới_thiệu_nhân_sự_giữ_chức"),  # not "…_Ph"
        ("Giới thiệu nhân sự giữ chức vụ", 27, "Giới_thiệu_nhân_sự_giữ_chức"),  # the limit falls on a break
        ("Biểu quyết bổ nhiệm", 40, "Biểu_quyết_bổ_nhiệm"),  # short enough: whole
        ("Nguyễn-Thị-Hồng-Nhung-Phó-Chánh", 20, "Nguyễn-Thị-Hồng"),  # hyphens are breaks too
        ("Siêudàimộttừkhôngcókhoảngtrắngnàocả", 10, "Siêudàimột"),  # one long word: cut where it must
    ],
)
def test_export_names_are_cut_at_word_boundaries(title: str, limit: int, expected: str) -> None:
    assert safe_name(title, limit=limit) == expected
    assert len(expected.encode("utf-16-le")) // 2 <= limit


def test_cut_at_word_keeps_the_default_limit() -> None:
    name = safe_name("Hội nghị cán bộ chủ chốt lấy phiếu tín nhiệm đối với người giữ chức vụ do Hội đồng nhân dân bầu")
    assert len(name.encode("utf-16-le")) // 2 <= LIMIT
    words = [
        "Hội",
        "nghị",
        "cán",
        "bộ",
        "chủ",
        "chốt",
        "lấy",
        "phiếu",
        "tín",
        "nhiệm",
        "đối",
        "với",
        "người",
        "giữ",
        "chức",
        "vụ",
        "do",
        "Hội",
        "đồng",
        "nhân",
        "dân",
        "bầu",
    ]
    assert name.split("_") == words[: len(name.split("_"))]  # whole words only, in order
    assert cut_at_word("abc_def", 100) == "abc_def"


def test_duplicate_names_are_warned_not_refused(tmp_path: Path) -> None:
    with workspace_at(tmp_path / "kp.sqlite3") as ws:
        b = build_round(ws, RoundKind.APPROVAL, nominees=2, printed=0, counting=False, accounts=False)
        assert ws.setup.name_warnings(b.round_id) == []
        name = b.nominees[0].full_name
        twin = ws.setup.add_nominee(Nominee(None, b.round_id, "  " + name.upper().replace(" ", "  ")))
        assert twin.id is not None  # allowed: namesakes happen
        (warning,) = ws.setup.name_warnings(b.round_id)
        assert f"“{name}”" in warning and "STT 1, 3" in warning and warning.startswith("Có 2 người cùng tên")
    nominees = [Nominee(None, None, n) for n in ("Lê Văn A", "Lê Văn B", "LÊ VĂN A", "lê văn a")]
    (three,) = duplicate_name_warnings(nominees)
    assert "Có 3 người" in three and "STT 1, 3, 4" in three


def test_usb_wording_only_for_a_removable_drive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "KetQua_HoiNghi_20261129-1530"
    assert exchange_texts.done_message(package) == f"Đã ghi xong vào thư mục {tmp_path}"
    monkeypatch.setattr(platform_os, "is_removable", lambda _p: True)
    assert exchange_texts.done_message(package) == "Đã ghi xong — có thể rút USB."


def test_cli_export_says_folder_for_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "kp.sqlite3"
    with workspace_at(db) as ws:
        b = build_round(ws, RoundKind.CONFIDENCE, nominees=2, printed=4)
        count_and_close(b, 3)
        meeting_id = b.meeting.id
    out = tmp_path / "thư mục xuất"
    out.mkdir()
    monkeypatch.setenv(cli.ENV_PASSPHRASE, PASSPHRASES[CHAIR_NAME])
    monkeypatch.setenv(cli.ENV_PASSPHRASE2, PASSPHRASES[MEMBER_NAME])
    argv = ["--db", str(db), "--as", CHAIR_NAME, "--with", MEMBER_NAME, "export", str(meeting_id), "--out", str(out)]
    code = cli.main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "có thể rút USB" not in captured.out and f"Đã ghi xong vào thư mục {out}" in captured.out


def test_one_serial_form() -> None:
    assert format_serial("482109375516") == "4821-0937-5516"
    assert format_serial("4821 0937 5516") == "4821-0937-5516"
    assert format_serial("4821-0937-5516") == "4821-0937-5516"
    assert format_serial("photocopy") == "photocopy"  # not a serial: shown as given
    assert format_serial("48210937551") == "48210937551"  # 11 digits: not a serial


def test_create_meeting_warns_about_a_duplicate_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[3] / "docs" / "meeting.example.toml"
    text = example.read_text(encoding="utf-8").replace('name = "Trần Thị Ánh Tuyết"', 'name = "Nguyễn Văn Hùng"')
    definition = tmp_path / "trung_ten.toml"
    definition.write_text(text, encoding="utf-8")
    assert cli.main(["--db", str(tmp_path / "kp.sqlite3"), "create-meeting", str(definition)]) == 0
    err = capsys.readouterr().err
    assert "Cảnh báo (lượt 1): Có 2 người cùng tên “Nguyễn Văn Hùng” (STT 1, 2)" in err
