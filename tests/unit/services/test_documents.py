"""Document details kept with the meeting: from the definition file, saved from the set-up page, refused whole
when wrong (a Vietnamese message, nothing written), and the minutes warn about what is still missing."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import pytest

from vote_counter import cli
from vote_counter.domain.documents import DocumentDetails, Recipient, Signer
from vote_counter.domain.model import MeetingId, RoundId
from vote_counter.services.definition import parse_definition, read_definition
from vote_counter.services.errors import ServiceError
from vote_counter.services.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "meeting.example.toml"


def created(tmp_path: Path) -> Workspace:
    ws = Workspace.open(tmp_path / "kp.sqlite3")
    ws.definitions.create(parse_definition(read_definition(EXAMPLE)))
    return ws


def test_the_example_definition_fills_every_detail(tmp_path: Path) -> None:
    ws = created(tmp_path)
    details = ws.documents.details(MeetingId(1))
    assert details.numbers == {1: "15", 2: "16", 3: "17"}
    assert details.issuer == "Sở Tư pháp" and details.symbol == "BB-STP" and details.place == "Ninh Bình"
    assert [r.copies for r in details.recipients] == [1, 1, 1]
    assert ws.reports.missing_details(RoundId(1)) == []
    with sqlite3.connect(tmp_path / "kp.sqlite3") as conn:
        actions = [a for (a,) in conn.execute("SELECT action FROM audit_log ORDER BY seq")]
    assert "document_details_saved" in actions


@pytest.mark.parametrize(
    ("documents", "words"),
    [
        ('recipients = [ { name = "Lưu", copies = 0 } ]', "số bản"),
        ('recipients = [ { name = "Lưu", copies = "2" } ]', "số nguyên"),
        ('recipients = [ { name = "", copies = 1 } ]', "tên nơi nhận"),
        ('signers = [ { title = "THƯ KÝ" } ]', "người ký"),
        ('stamp = "x"', "khóa không dùng"),
        ('recipients = "Lưu"', "danh sách"),
    ],
)
def test_bad_details_refuse_the_whole_definition(tmp_path: Path, documents: str, words: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("[meeting.documents]")
    end = text.index("[[board]]")
    bad = text[:start] + "[meeting.documents]\n" + documents + "\n\n" + text[end:]
    path = tmp_path / "bad.toml"
    path.write_text(bad, encoding="utf-8")
    ws = Workspace.open(tmp_path / "kp.sqlite3")
    with pytest.raises(ServiceError) as caught:
        ws.definitions.create(parse_definition(read_definition(path)))
    assert words in caught.value.message
    assert unicodedata.is_normalized("NFC", caught.value.message)
    assert ws.setup.meetings() == []  # nothing written


def test_saving_details_cleans_and_checks_them(tmp_path: Path) -> None:
    ws = created(tmp_path)
    nfd = unicodedata.normalize("NFD", "Văn phòng Tỉnh ủy")
    saved = ws.documents.save(
        MeetingId(1),
        DocumentDetails(
            place="  Ninh   Bình ",
            numbers={1: " 21 ", 2: ""},
            recipients=(Recipient(nfd, 2),),
            signers=(Signer("thư ký", "Mai Thị Lụa"),),
        ),
    )
    assert saved.place == "Ninh Bình" and saved.numbers == {1: "21"}
    assert saved.recipients[0].name == unicodedata.normalize("NFC", nfd)
    assert saved.signers[0].title == "THƯ KÝ"
    assert ws.documents.details(MeetingId(1)) == saved
    with pytest.raises(ServiceError, match="không thuộc hội nghị này"):
        ws.documents.save(MeetingId(1), DocumentDetails(numbers={99: "1"}))
    with pytest.raises(ServiceError, match="số bản"):
        ws.documents.save(MeetingId(1), DocumentDetails(recipients=(Recipient("Lưu", 100),)))
    assert ws.documents.details(MeetingId(1)) == saved  # the refused saves changed nothing


def test_minutes_command_warns_about_missing_details(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "kp.sqlite3"
    ws = created(tmp_path)
    ws.documents.save(MeetingId(1), DocumentDetails(numbers={2: "16"}))
    ws.close()
    out = tmp_path / "out"
    assert cli.main(["--db", str(db), "minutes", "1", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Cảnh báo: Biên bản còn thiếu: số biên bản, nơi nhận." in err
    assert (out / "BienBan_luot1.pdf").exists()
    assert cli.main(["--db", str(db), "minutes", "2", "--out", str(out)]) == 0
    assert "còn thiếu: nơi nhận." in capsys.readouterr().err
