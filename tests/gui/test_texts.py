"""Every word the window shows comes from the window's table (ui/texts.py, the Vietnamese source) and is translated
through the gettext catalog (resources/locale/en), and each language speaks only itself."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

from vote_counter.domain.model import Stage
from vote_counter.ui import texts
from vote_counter.ui.language import ENGLISH, VIETNAMESE, current_language, text_names, use_language

UI = Path(__file__).resolve().parents[2] / "vote_counter" / "ui"
# qt_texts.py is a table too: Qt's own menu words (English keys) with their Vietnamese translations.
TABLES = {"texts.py", "qt_texts.py"}

VIETNAMESE_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
# Tokens a Vietnamese screen shows as they are: abbreviations, key names, encodings, a language's own name.
VI_TOKENS = {"STT", "PDF", "USB", "QR", "OK", "X", "F6", "F7", "F8", "UTF", "BOM", "Windows", "TCVN3", "ABC", "VNI"}
VI_TOKENS |= {"English"}
# Vietnamese words that happen to carry no diacritic.
VI_ALLOWED = {"Ghi ra USB…", "A4 ngang"}
# Proper names the English screen keeps in Vietnamese.
EN_PROPER_NAMES = ("Kiểm Phiếu", "Tiếng Việt")
# Literals in ui/ that are not words for the user: a font family, CSS, developer errors are allowed below.
CODE_LITERALS = {"Liberation Serif"}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict) or hasattr(value, "values"):
        for item in value.values():  # type: ignore[union-attr]
            yield from _strings(item)


def _without_placeholders(text: str) -> str:
    return re.sub(r"\{[a-z_0-9]*\}", " ", text)


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _raised(tree: ast.AST) -> set[int]:
    """Literals inside `raise …`: messages for developers, never put on a widget."""
    return {id(n) for node in ast.walk(tree) if isinstance(node, ast.Raise) for n in ast.walk(node)}


# One or more "selector { declarations }" blocks. A selector starts with a name character and runs to its "{"
# through one character class that excludes "{", so every character has exactly one way to match: linear time.
# (The nested form "([\w#.\-]+(\s*[\w#.\-:]+)*" backtracked exponentially: a 30-letter font file name cost 58 s.)
STYLE_SHEET = re.compile(r"\s*(?:[\w#.\-][\w#.\-:\s]*\{[^}]*\}\s*)+")


def _is_style_sheet(text: str) -> bool:
    return STYLE_SHEET.fullmatch(text) is not None


def looks_like_words(text: str) -> bool:
    """Non-ASCII letters, or two words separated by a space: text for a person, not a key or a name."""
    if any(ch.isalpha() and not ch.isascii() for ch in text):
        return True
    return re.search(r"[A-Za-z]{2,} +[A-Za-z]{2,}", text) is not None


def ui_literals() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(UI.rglob("*.py")):
        if path.name in TABLES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree) | _raised(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in skip:
                continue
            text = node.value
            if text in CODE_LITERALS or _is_style_sheet(text) or not looks_like_words(text):
                continue
            found.append((str(path.relative_to(UI)), node.lineno, text))
    return found


def test_no_user_text_outside_the_tables() -> None:
    assert ui_literals() == []


def test_the_check_catches_a_stray_sentence(tmp_path: Path) -> None:
    # the rule itself: Vietnamese or a phrase is caught, keys, names and CSS are not
    assert looks_like_words("Lưu")
    assert looks_like_words("Save the file")
    assert not looks_like_words("last/meeting")
    assert not looks_like_words("KP_SHOWN")
    assert not looks_like_words("—")
    assert _is_style_sheet("QLabel { background: #d7f5d7; color: #0b5d1e; }")
    assert _is_style_sheet("QPushButton:hover { color: red; } QLabel#title{font-weight: bold}")
    assert not _is_style_sheet("Lưu { thay đổi")
    assert not _is_style_sheet("{ color: red; }")


def test_the_style_sheet_check_is_linear() -> None:
    """Inputs that made the old pattern backtrack exponentially. Not timed (a slow machine must not fail it):
    at 300,000 characters an exponential or even quadratic pattern would never come back, a linear one
    answers in milliseconds."""
    for n in (30, 3000, 300000):
        for text in ("LiberationSerif-BoldItalic" + "a" * n + ".ttf", "a " * n, "a:b" * n + " {"):
            assert not _is_style_sheet(text)


def _english_table() -> dict[str, object]:
    """texts.* as the English window sees them (translated through the catalog), then back to Vietnamese."""
    try:
        use_language(ENGLISH)
        return {name: getattr(texts, name) for name in text_names(texts)}
    finally:
        use_language(VIETNAMESE)


def test_english_table_has_exactly_the_vietnamese_names() -> None:
    assert sorted(_english_table()) == text_names(texts)


def _fields(value: object) -> list[object]:
    if isinstance(value, str):
        return sorted(f for _, f, _, _ in string.Formatter().parse(value) if f)
    if isinstance(value, tuple | list):
        return [_fields(v) for v in value]
    if isinstance(value, dict) or hasattr(value, "items"):
        return sorted((str(k), _fields(v)) for k, v in value.items())  # type: ignore[union-attr]
    return []


def test_english_values_have_the_same_shape_and_placeholders() -> None:
    differ = []
    english = _english_table()
    for name in text_names(texts):
        vi, en = getattr(texts, name), english[name]
        same_type = type(vi) is type(en) or (isinstance(vi, dict) and isinstance(en, dict))
        if not same_type or _fields(vi) != _fields(en):
            differ.append(name)
    assert differ == []


def test_no_stray_english_in_the_vietnamese_table() -> None:
    stray = []
    for name in text_names(texts):
        for text in _strings(getattr(texts, name)):
            if text in VI_ALLOWED or any(ch in VIETNAMESE_LETTERS for ch in text.lower()):
                continue
            words = re.findall(r"[A-Za-z][A-Za-z0-9]*", _without_placeholders(text))
            if any(w not in VI_TOKENS for w in words):
                stray.append((name, text))
    assert stray == []


def test_no_stray_vietnamese_in_the_english_table() -> None:
    stray = []
    for name, value in _english_table().items():
        for text in _strings(value):
            for proper in EN_PROPER_NAMES:
                text = text.replace(proper, "")
            if any(ch in VIETNAMESE_LETTERS for ch in text.lower()):
                stray.append((name, text))
    assert stray == []


def test_switching_rebinds_the_names_and_back() -> None:
    assert current_language() == VIETNAMESE
    try:
        assert use_language(ENGLISH) == ENGLISH
        assert texts.PAGE_SETUP == "1. Set-up"
        assert texts.STAGE[Stage.SEALED] == "Sealed" and texts.ACTION_SEAL == "Seal"
        # one Vietnamese word, two English ones: the context (the name) tells them apart
        assert texts.OK == "OK" and texts.APPROVAL_LABELS[0] == "Agree"
    finally:
        use_language(VIETNAMESE)
    assert texts.PAGE_SETUP == "1. Chuẩn bị"
    assert use_language("fr") == VIETNAMESE  # an unknown code keeps the default
