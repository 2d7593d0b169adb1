"""The command line follows the language setting (issue 17): `--lang vi|en` before the command, or KP_LANG; the
default is Vietnamese. In English the messages, the help texts and argparse's own words are English, with no
Vietnamese left except the data (titles and names typed by the board); in Vietnamese they are as before."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from vote_counter import cli, i18n
from vote_counter.app import main as app_main

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "meeting.example.toml"
CHAIR = "Nguyễn Thị Mai"
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
# Proper names the English output keeps: the product's name.
PROPER = ("Kiểm Phiếu",)


def _english_only(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """The lines that still carry Vietnamese once the data the board typed (titles, names) is taken out."""
    stray = []
    for line in text.splitlines():
        for keep in (*PROPER, *data):
            line = line.replace(keep, "")
        if VIETNAMESE.search(line):
            stray.append(line)
    return stray


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = app_main(argv)
    except SystemExit as exc:  # argparse: usage errors and --help
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    assert unicodedata.is_normalized("NFC", captured.out + captured.err)
    return code, captured.out, captured.err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "kp.sqlite3"
    assert _run(["--db", str(path), "create-meeting", str(EXAMPLE)], capsys)[0] == 0
    return path


def _titles(db: Path) -> tuple[str, ...]:
    """The meeting's own words (its title, organisation, rounds' titles): data, shown as typed."""
    from vote_counter.services.workspace import Workspace

    ws = Workspace.open(db)
    try:
        words: list[str] = []
        for m in ws.setup.meetings():
            assert m.id is not None
            words += [m.title, m.organisation]
            words += [r.title for r in ws.setup.rounds(m.id)]
        return tuple(sorted(words, key=len, reverse=True))
    finally:
        ws.close()


def _nominees(db: Path) -> tuple[str, ...]:
    from vote_counter.domain.model import RoundId
    from vote_counter.services.workspace import Workspace

    ws = Workspace.open(db)
    try:
        return tuple(n.full_name for n in ws.setup.nominees(RoundId(1)))
    finally:
        ws.close()


def test_english_messages_with_lang_en(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--lang", "en", "--db", str(db)]
    data = _titles(db)

    code, out, err = _run([*base, "list"], capsys)
    assert code == 0 and err == ""
    assert out.startswith("Meeting 1: ") and "  round 1: " in out and "— Preparation" in out
    assert _english_only(out, data) == []

    code, out, err = _run([*base, "stage", "99", "counting"], capsys)
    assert (code, out) == (1, "")
    assert err == "Error: Not found: round 99.\n"

    code, out, err = _run([*base, "counts", "1", "--present", "40", "--summoned", "30"], capsys)
    assert code == 1 and err.startswith("Error: Invalid data: ")
    assert _english_only(err) == []

    code, out, err = _run([*base, "results", "1"], capsys)  # the minutes' table and conclusion, in English
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[1].startswith("Summoned ") and lines[3].startswith("No.  Full name")
    assert "Nobody has more than 50% low-confidence votes." in lines and lines[-1].startswith("Result check code: ")
    levels = ("Tín nhiệm cao", "Tín nhiệm thấp", "Tín nhiệm")  # the round's own level labels: data
    assert _english_only(out, (*data, *levels, *_nominees(db))) == []

    code, out, err = _run([*base, "register", "1"], capsys)
    assert code == 0 and out.startswith("Ballot register: printed 0 = counted 0 + exchanged 0")

    missing = tmp_path / "mat.sqlite3"
    code, out, err = _run(["--lang", "en", "--db", str(missing), "list"], capsys)
    assert code == 1 and err.startswith(f"Error: There is no database file {missing}.")
    assert _english_only(err, (str(missing),)) == []
    assert not missing.exists()


def test_kp_lang_sets_the_language_and_no_terminal_is_said_in_english(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(cli.ENV_NEW_PASSPHRASE, "mật khẩu của chị Mai")
    assert _run(["--db", str(db), "passphrase", "1", CHAIR], capsys)[0] == 0
    monkeypatch.setenv(i18n.ENV_LANG, "en")
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: False)  # a script: no console to ask on
    code, out, err = _run(["--db", str(db), "--as", CHAIR, "stage", "1", "counting"], capsys)
    assert code == 2 and out == ""
    assert err == (
        f"Error: no terminal to ask for passphrase of {CHAIR}: set the environment variable KP_PASSPHRASE. "
        "Nothing was done.\n"
    )
    monkeypatch.setenv(cli.ENV_PASSPHRASE, "sai mật khẩu")
    code, out, err = _run(["--db", str(db), "--as", CHAIR, "stage", "1", "counting"], capsys)
    assert code == 1 and err.startswith(f"Error: The passphrase of {CHAIR} is wrong. Type it again")
    assert _english_only(err, (CHAIR,)) == []
    # --lang wins over KP_LANG
    code, out, err = _run(["--lang", "vi", "--db", str(db), "stage", "99", "counting"], capsys)
    assert err == "Lỗi: Không tìm thấy lượt bỏ phiếu số 99.\n"


def test_the_help_and_argparse_speak_english(capsys: pytest.CaptureFixture[str]) -> None:
    i18n.use_language("en")
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    stray = []
    for name, command in [("vote-counter", parser), *sub.choices.items()]:
        for action in command._actions:
            for words in (action.help or "", str(action.metavar or "")):
                if _english_only(words):
                    stray.append(f"{name} {action.dest}: {words}")
    stray += [f"{a.dest}: {a.help}" for a in sub._choices_actions if _english_only(a.help or "")]
    assert stray == []

    code, out, err = _run(["--lang", "en", "--help"], capsys)
    assert code == 0 and out.startswith("usage: vote-counter") and "show this help message and exit" in out
    assert "--lang {vi,en}" in out and "KP_LANG" in out
    assert _english_only(out) == []

    code, out, err = _run(["--lang", "en", "exchange", "1"], capsys)
    assert code == 2 and "error: the following arguments are required: serial, --out" in err
    assert _english_only(err) == []

    code, out, err = _run(["--lang", "fr", "list"], capsys)
    assert code == 2 and "argument --lang: giá trị 'fr' không hợp lệ" not in err
    assert "tham số --lang: giá trị 'fr' không hợp lệ (chọn một trong: 'vi', 'en')" in err  # unknown: Vietnamese


def test_the_default_is_vietnamese(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["--db", str(db), "list"], capsys)
    assert code == 0 and out.startswith("Hội nghị 1: ") and "— Chuẩn bị" in out
    code, out, err = _run(["--db", str(db), "stage", "99", "counting"], capsys)
    assert err == "Lỗi: Không tìm thấy lượt bỏ phiếu số 99.\n"
    code, out, err = _run(["--help"], capsys)
    words = " ".join(out.split())  # argparse wraps the help
    assert words.startswith("cách dùng: vote-counter") and "in hướng dẫn này rồi thoát" in words
    assert "ngôn ngữ của thông báo: vi (tiếng Việt, mặc định) hoặc en" in words


def test_choosing_the_language() -> None:
    assert cli.choose_language(["list"], {}) == "vi"
    assert cli.choose_language(["list"], {"KP_LANG": " EN "}) == "en" == i18n.current_language()
    assert cli.choose_language(["list"], {"KP_LANG": "fr"}) == "vi"  # unknown: the default
    assert cli.choose_language(["--lang=en", "list"], {"KP_LANG": "vi"}) == "en"  # --lang wins
    assert cli.choose_language(["--lang", "vi", "list"], {"KP_LANG": "en"}) == "vi"
    # the window follows --lang / KP_LANG for this run only when one is given, else its saved setting
    assert cli.explicit_language(["--lang", "en"], {}) and cli.explicit_language([], {"KP_LANG": "en"})
    assert not cli.explicit_language(["list"], {}) and not cli.explicit_language([], {"KP_LANG": " "})


def test_list_on_a_database_with_no_meeting_says_so_in_either_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.sqlite3"
    assert _run(["--db", str(path), "--new", "list"], capsys)[0] == 0  # a new, empty file
    code, out, _err = _run(["--db", str(path), "list"], capsys)
    assert code == 0 and out.strip() == (
        "Chưa có hội nghị nào trong cơ sở dữ liệu này (tạo bằng “create-meeting” hoặc “demo”, hoặc trong cửa sổ)."
    )
    code, out, _err = _run(["--lang", "en", "--db", str(path), "list"], capsys)
    assert code == 0 and out.strip().startswith("No meeting in this database yet") and not _english_only(out)
