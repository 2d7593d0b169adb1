"""What a piece of text from a file or a form may contain before it is stored (SPEC §10, issue 12).

One module, used by the services (set-up forms, meeting definitions, nominee lists, ballot files, entries
packages): every text is NFC, has no control character (terminal escapes start with ESC, a control
character), no bidirectional override or isolate (a right-to-left override turns "Nguyễn Văn A" around on
the minutes), no lone surrogate, no unassigned or private-use code point, and is at most `limit` characters.
Pure: the caller turns a TextProblem into its own error with the field's name and line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from enum import StrEnum

# Limits in characters, after NFC. Names are printed in table cells of the ballots and minutes.
NAME_LIMIT = 120  # a person's name (nominee, board member, write-in)
TITLE_LIMIT = 300  # titles, organisations, positions, places
CODE_LIMIT = 40  # a document code ("…/BB-…")
REASON_LIMIT = 500  # a typed reason (reprint, going back, voiding)

# Bidirectional formatting characters: embeddings, overrides, isolates and marks. Vietnamese needs none.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Format characters that are harmless in names typed on Vietnamese keyboards and are removed, not refused:
# the byte-order mark a spreadsheet leaves in its first cell, zero-width spaces and joiners.
_DROPPED = frozenset("\ufeff\u200b\u200c\u200d\u2060")


class TextProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    CONTROL = "control"  # C0/C1 controls, ESC (terminal escapes), line and paragraph separators
    BIDI = "bidi"
    SURROGATE = "surrogate"
    UNASSIGNED = "unassigned"  # unassigned, private use, other format characters


# What each problem means, for the message a service builds ("{field}: …").
PROBLEM_WORDS: dict[TextProblem, str] = {
    TextProblem.EMPTY: "chưa có nội dung",
    TextProblem.TOO_LONG: "dài quá {limit} ký tự",
    TextProblem.CONTROL: "có ký tự điều khiển (mã {code}), không được phép",
    TextProblem.BIDI: "có ký tự đổi chiều viết (mã {code}), không được phép",
    TextProblem.SURROGATE: "có ký tự hỏng (nửa cặp UTF-16, mã {code})",
    TextProblem.UNASSIGNED: "có ký tự không dùng trong văn bản (mã {code})",
}


class TextError(ValueError):
    def __init__(self, problem: TextProblem, *, limit: int = 0, code: str = "") -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.limit = limit
        self.code = code  # the offending code point as U+XXXX

    def words(self, translate: Callable[[str], str] = str) -> str:
        """The problem in words; services pass the catalog's translate function (vote_counter.i18n._)."""
        return translate(PROBLEM_WORDS[self.problem]).format(limit=self.limit, code=self.code)

    def __str__(self) -> str:
        return self.words()


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def problem_in(text: str) -> TextError | None:
    """The first forbidden character in `text`, if any (before normalisation: a lone surrogate cannot be
    normalised)."""
    for ch in text:
        if ch in _DROPPED:
            continue
        if ch in BIDI:
            return TextError(TextProblem.BIDI, code=_code(ch))
        category = unicodedata.category(ch)
        if category == "Cs":
            return TextError(TextProblem.SURROGATE, code=_code(ch))
        if category == "Cc" or category in ("Zl", "Zp"):
            return TextError(TextProblem.CONTROL, code=_code(ch))
        if category in ("Cn", "Co", "Cf"):
            return TextError(TextProblem.UNASSIGNED, code=_code(ch))
    return None


def clean_text(value: str, *, limit: int, required: bool = False, single_line: bool = True) -> str:
    """`value` as it is stored: NFC, stripped, with zero-width characters removed; TextError otherwise.

    `single_line=False` lets line breaks (LF only, after CR LF → LF) through, for a multi-line note."""
    text = value
    if not single_line:
        text = text.replace("\r\n", "\n")
    for ch in _DROPPED:
        text = text.replace(ch, "")
    checked = text.replace("\n", "") if not single_line else text
    problem = problem_in(checked)
    if problem is not None:
        raise problem
    cleaned = unicodedata.normalize("NFC", text).strip()
    if required and not cleaned:
        raise TextError(TextProblem.EMPTY)
    if len(cleaned) > limit:
        raise TextError(TextProblem.TOO_LONG, limit=limit)
    return cleaned
