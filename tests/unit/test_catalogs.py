"""The gettext catalog (scripts/catalogs.py): complete and current in the repository, and the check fails for each
way a catalog goes wrong (on a copy of the tree: a new text, an empty or fuzzy translation, a lost placeholder,
a stale .mo); import-legacy fills a texts_en.py-style table into en.po."""

from __future__ import annotations

import gettext
import shutil
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from scripts import catalogs

ROOT = Path(__file__).resolve().parents[2]


def test_the_repository_catalog_is_complete_and_current() -> None:
    assert list(catalogs.problems()) == []


@pytest.fixture
def tree(tmp_path: Path) -> catalogs.Paths:
    """A copy of what the catalog is made from: vote_counter/ and resources/locale/."""
    shutil.copytree(ROOT / "vote_counter", tmp_path / "vote_counter", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "resources" / "locale", tmp_path / "resources" / "locale")
    paths = catalogs.Paths(tmp_path)
    assert list(catalogs.problems(paths)) == []
    return paths


def _edit_po(paths: catalogs.Paths, old: str, new: str) -> None:
    text = paths.po.read_text(encoding="utf-8")
    assert text.count(old) == 1
    paths.po.write_text(text.replace(old, new), encoding="utf-8")


def _english(paths: catalogs.Paths) -> gettext.GNUTranslations:
    """The compiled catalog as the app reads it (Python's gettext)."""
    with paths.mo.open("rb") as f:
        return gettext.GNUTranslations(f)


def _translate(paths: catalogs.Paths, msgid: str, english: str) -> None:
    """What a translator does in Poedit: type the English, clear the fuzzy flag."""
    catalog = catalogs.read(paths.po)
    message = catalog.get(msgid)
    assert message is not None
    message.string, message.flags = english, message.flags - {"fuzzy"}
    paths.po.write_bytes(catalogs.po_bytes(catalog))


def test_a_new_marked_text_is_missing_until_translated(tree: catalogs.Paths) -> None:
    module = tree.root / "vote_counter" / "services" / "new_words.py"
    module.write_text('from vote_counter.i18n import _\n\nMESSAGE = _("Đã lưu {count} phiếu.")\n', encoding="utf-8")
    found = list(catalogs.problems(tree))
    assert any("vote_counter.pot is not current" in p for p in found)
    assert any("missing from en.po: 'Đã lưu {count} phiếu.'" in p for p in found)
    catalogs.update(tree)  # merged in: empty, or fuzzy with a near translation to check; not complete either way
    (problem,) = catalogs.problems(tree)
    assert problem.endswith("'Đã lưu {count} phiếu.'")
    assert problem.startswith(("not translated", "fuzzy"))
    _translate(tree, "Đã lưu {count} phiếu.", "Saved {n} ballots.")
    catalogs.compile_mo(tree)
    assert list(catalogs.problems(tree)) == ["placeholders differ: 'Đã lưu {count} phiếu.' -> 'Saved {n} ballots.'"]
    _edit_po(tree, '"Saved {n} ballots."', '"Saved {count} ballots."')
    assert list(catalogs.problems(tree)) == ["vote_counter.mo is not current: run `python scripts/catalogs.py compile`"]
    catalogs.compile_mo(tree)
    assert list(catalogs.problems(tree)) == []
    english = _english(tree)
    assert english.gettext("Đã lưu {count} phiếu.") == "Saved {count} ballots."


def test_a_changed_window_text_turns_fuzzy_and_fails(tree: catalogs.Paths) -> None:
    texts = tree.root / "vote_counter" / "ui" / "texts.py"
    source = texts.read_text(encoding="utf-8")
    texts.write_text(source.replace('PAGE_BALLOTS = "2. Phiếu"', 'PAGE_BALLOTS = "2. Phiếu bầu"'), encoding="utf-8")
    catalogs.update(tree)
    assert list(catalogs.problems(tree)) == ["fuzzy (check and clear the flag): [PAGE_BALLOTS] '2. Phiếu bầu'"]
    with tree.po.open("rb") as f:
        message = read_po(f).get("2. Phiếu bầu", context="PAGE_BALLOTS")
    assert message is not None and message.fuzzy and message.string == "2. Ballots"  # the old one, to check


def test_a_removed_text_is_stale_and_an_emptied_one_untranslated(tree: catalogs.Paths) -> None:
    _edit_po(tree, 'msgstr "1. Set-up"', 'msgstr ""')
    catalogs.compile_mo(tree)
    assert list(catalogs.problems(tree)) == ["not translated: [PAGE_SETUP] '1. Chuẩn bị'"]
    texts = tree.root / "vote_counter" / "ui" / "texts.py"
    source = texts.read_text(encoding="utf-8")
    texts.write_text(source.replace('PAGE_SETUP = "1. Chuẩn bị"\n', ""), encoding="utf-8")
    catalogs.extract(tree)
    found = list(catalogs.problems(tree))
    assert "stale entry (its text is gone from the sources; run update): [PAGE_SETUP] '1. Chuẩn bị'" in found


def test_import_legacy_fills_new_names_and_keeps_translations_that_differ(tree: catalogs.Paths) -> None:
    texts = tree.root / "vote_counter" / "ui" / "texts.py"
    texts.write_text(
        texts.read_text(encoding="utf-8") + '\nNEW_BUTTON = "Sao lưu ngay"\nNEW_ROLES = {"a": "Thư ký"}\n',
        encoding="utf-8",
    )
    legacy = tree.root / "texts_en_branch.py"
    legacy.write_text(
        'NEW_BUTTON = "Back up now"\nNEW_ROLES = {"a": "Secretary"}\nPAGE_SETUP = "1. Preparation"\n'
        'GONE = "Not in texts.py"\n',
        encoding="utf-8",
    )
    done = catalogs.import_legacy(legacy, tree)
    assert sorted(done.added) == ["NEW_BUTTON", "NEW_ROLES[a]"]
    assert done.kept == [("PAGE_SETUP", "1. Set-up", "1. Preparation")] and done.changed == []
    assert done.unknown == ["GONE"]
    assert list(catalogs.problems(tree)) == []
    english = _english(tree)
    assert english.pgettext("NEW_BUTTON", "Sao lưu ngay") == "Back up now"
    assert english.pgettext("NEW_ROLES[a]", "Thư ký") == "Secretary"
    assert english.pgettext("PAGE_SETUP", "1. Chuẩn bị") == "1. Set-up"
    done = catalogs.import_legacy(legacy, tree, overwrite=True)
    assert done.changed == ["PAGE_SETUP"] and done.added == []
    english = _english(tree)
    assert english.pgettext("PAGE_SETUP", "1. Chuẩn bị") == "1. Preparation"


def test_the_check_command_exits_1_on_a_problem(tree: catalogs.Paths, capsys: pytest.CaptureFixture[str]) -> None:
    assert catalogs.main(["--root", str(tree.root), "check"]) == 0
    assert capsys.readouterr().out.strip() == "catalog check: complete and current"
    _edit_po(tree, 'msgstr "1. Set-up"', 'msgstr ""')
    assert catalogs.main(["--root", str(tree.root), "check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "not translated: [PAGE_SETUP] '1. Chuẩn bị'",
        "vote_counter.mo is not current: run `python scripts/catalogs.py compile`",
        "catalog check: 2 problem(s)",
    ]


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("Lượt {round}: {stage}", ["round", "stage"]),
        ("{a}{a}", ["a", "a"]),
        ("{{ngoặc}} {x}", ["x"]),
        ("{ không phải", []),
    ],
)
def test_placeholders(text: str, fields: list[str]) -> None:
    assert catalogs.placeholders(text) == fields


def test_a_decomposed_source_text_is_caught(tree: catalogs.Paths) -> None:
    decomposed = unicodedata.normalize("NFD", "Đã lưu.")
    module = tree.root / "vote_counter" / "services" / "nfd_words.py"
    module.write_text(f'from vote_counter.i18n import _\n\nMESSAGE = _("{decomposed}")\n', encoding="utf-8")
    catalogs.update(tree)
    _translate(tree, decomposed, "Saved.")
    catalogs.compile_mo(tree)
    assert list(catalogs.problems(tree)) == [f"source text not NFC (write it composed): {decomposed!r}"]
